"""Scoping the Django admin to the organizations a staff user administers, declared once per admin class.

Each ModelAdmin and inline mixes in `OrganizationScoped` and names its way to the organization, such as
`organization_path = "team__organization"`, or says that its rows belong to no organization (`Scope.SHARED`,
`Scope.DEPLOYMENT`). The mixin then narrows what the user lists, opens, picks in related fields, filters by,
runs actions on and saves. Superusers see everything; anyone else sees only what their admin memberships cover,
and model permissions still apply on top of that.
"""

from __future__ import annotations

import enum
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from assessor.access import organizations_administered

_CACHE_ATTRIBUTE = "_administered_organization_ids"


class Scope(enum.Enum):
    """Rows that belong to no organization."""

    SHARED = "shared"  # reference data every organization reads (the maturity model, instruments): staff may look
    DEPLOYMENT = "deployment"  # the deployment's own machinery (accounts, schedules, API tokens): superusers only


ScopePath = str | Scope


def administered_ids(request: HttpRequest) -> frozenset[int] | None:
    """The ids of the organizations the signed-in user administers; None for a superuser, who has them all.
    Asked once per request."""
    user = request.user
    if user.is_authenticated and user.is_superuser:
        return None
    cached: frozenset[int] | None = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = frozenset(organizations_administered(user).values_list("pk", flat=True))
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return cached


def _hops(model: type[models.Model], path: str) -> list[models.Field[Any, Any] | Any]:
    if path == "pk":
        return [model._meta.pk]
    try:
        return list(get_fields_from_path(model, path))
    except (FieldDoesNotExist, AttributeError) as exc:
        raise ImproperlyConfigured(f"{model.__name__}: organization_path {path!r} does not lead anywhere.") from exc


def is_multi_valued(model: type[models.Model], path: str) -> bool:
    """Whether the path crosses a reverse or many-to-many relation, so one row may reach several organizations."""
    return any(getattr(field, "one_to_many", False) or getattr(field, "many_to_many", False) for field in _hops(model, path))


def scope_queryset(queryset: QuerySet[Any], path: ScopePath, request: HttpRequest) -> QuerySet[Any]:
    ids = administered_ids(request)
    if ids is None or path is Scope.SHARED:
        return queryset
    if path is Scope.DEPLOYMENT:
        return queryset.none()
    lookup = {f"{path}__in": sorted(ids)}
    if is_multi_valued(queryset.model, path):
        # a subquery rather than a join, so each row is listed once and annotations still count right
        return queryset.filter(pk__in=queryset.model._default_manager.filter(**lookup).values("pk"))
    return queryset.filter(**lookup)


def organization_ids_of(obj: models.Model, path: str) -> set[int]:
    """The organizations an object belongs to as it stands in memory (so an unsaved move counts)."""
    model = type(obj)
    if is_multi_valued(model, path):
        if obj.pk is None:
            return set()
        return {pk for pk in model._default_manager.filter(pk=obj.pk).values_list(path, flat=True) if pk is not None}
    names = path.split("__")
    current: Any = obj
    for name in names[:-1]:
        current = getattr(current, name, None)
        if current is None:
            return set()
    last = names[-1]
    if last != "pk":
        field = type(current)._meta.get_field(last)
        last = field.attname if field.is_relation else last
    value = getattr(current, last, None)
    return set() if value is None else {value}


class OrganizationScoped:
    """Mix into a ModelAdmin or an inline, before the Django class, and set `organization_path`."""

    organization_path: ScopePath
    # False where even an organization's admin only looks (people's accounts: a password or superuser flag changed
    # here would reach every organization the person belongs to).
    staff_may_edit: bool = True

    admin_site: admin.AdminSite
    model: type[models.Model]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        path = getattr(self, "organization_path", None)
        if path is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must declare organization_path (a lookup or a Scope).")
        if isinstance(path, str):
            _hops(self.model, path)

    # what is listed, opened and acted on

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return scope_queryset(super().get_queryset(request), self.organization_path, request)  # type: ignore[misc]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # Out of scope and missing look the same: a 404, never a hint that the row exists elsewhere.
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404(f"There is no {self.model._meta.verbose_name} with that id that you can see.")
        return obj

    def in_scope(self, request: HttpRequest, obj: models.Model) -> bool:
        ids = administered_ids(request)
        path = self.organization_path
        if ids is None or path is Scope.SHARED:
            return True
        if path is Scope.DEPLOYMENT:
            return False
        found = organization_ids_of(obj, path)
        return bool(found) and found <= ids

    def _allowed(self, request: HttpRequest, obj: Any, granted: bool, *, write: bool) -> bool:
        if not granted:
            return False
        if request.user.is_superuser:
            return True
        path = self.organization_path
        if path is Scope.DEPLOYMENT:
            return False
        if write and (path is Scope.SHARED or not self.staff_may_edit):
            return False
        if path is Scope.SHARED:
            return True
        # An inline is asked about its parent, which the parent's own admin has already checked.
        if obj is None or isinstance(self, InlineModelAdmin):
            return bool(administered_ids(request))
        return self.in_scope(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, super().has_view_permission(request, obj), write=False)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, super().has_change_permission(request, obj), write=True)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj, super().has_delete_permission(request, obj), write=True)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        granted = super().has_add_permission(request, *args)  # type: ignore[misc]
        if self.organization_path == "pk" and not request.user.is_superuser:
            return False  # a new organization would have no admin yet, so only a superuser starts one
        return self._allowed(request, None, granted, write=True)

    def has_module_permission(self, request: HttpRequest) -> bool:
        if self.organization_path is Scope.DEPLOYMENT and not request.user.is_superuser:
            return False
        return bool(super().has_module_permission(request))  # type: ignore[misc]

    # what can be picked

    def _choices(self, db_field: models.Field[Any, Any], request: HttpRequest, using: str | None) -> QuerySet[Any]:
        related = db_field.remote_field.model
        queryset = self.get_field_queryset(using, db_field, request)  # type: ignore[attr-defined]
        if queryset is None:
            queryset = related._default_manager.using(using)
        if request.user.is_superuser:
            return queryset
        related_admin = self.admin_site._registry.get(related)
        if not isinstance(related_admin, OrganizationScoped):
            return queryset.none()  # nothing says whose these rows are, so offer none
        return scope_queryset(queryset, related_admin.organization_path, request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            kwargs["queryset"] = self._choices(db_field, request, kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if "queryset" not in kwargs:
            kwargs["queryset"] = self._choices(db_field, request, kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def get_list_filter(self, request: HttpRequest) -> Any:
        """Filters by a related row offer only rows the user's own list reaches, never other organizations' names."""
        filters = super().get_list_filter(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return filters
        return [self._related_only(entry) for entry in filters]

    def _related_only(self, entry: Any) -> Any:
        if not isinstance(entry, str):
            return entry
        field = get_fields_from_path(self.model, entry)[-1]
        return (entry, admin.RelatedOnlyFieldListFilter) if field.is_relation else entry

    # what is saved

    def _refuse_outside(self, request: HttpRequest, obj: models.Model, path: ScopePath) -> None:
        ids = administered_ids(request)
        if ids is None or not isinstance(path, str):
            return
        found = organization_ids_of(obj, path)
        if not found or not found <= ids:
            raise PermissionDenied("You can only save rows of the organizations you administer.")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        self._refuse_outside(request, obj, self.organization_path)
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        inline = next((i for i in getattr(self, "inlines", []) if i.model is formset.model), None)
        path = getattr(inline, "organization_path", None)
        if path is None:
            raise ImproperlyConfigured(f"The inline for {formset.model.__name__} declares no organization_path.")
        # inside the admin's transaction, so a refusal here undoes the whole save
        for obj in [*formset.new_objects, *(changed for changed, _ in formset.changed_objects)]:
            self._refuse_outside(request, obj, path)
