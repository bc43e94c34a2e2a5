"""Public pages of the core: the landing page and the maturity model grid."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from assessor.models import Aspect, Cell, Level, ModelVersion, Organization


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "organizations": Organization.objects.all()[:5],
        "model_version": ModelVersion.objects.latest_loaded(),
    }
    return render(request, "assessor/home.html", context)


def model_grid(request: HttpRequest) -> HttpResponse:
    versions = list(ModelVersion.objects.all())
    wanted = request.GET.get("version")
    if wanted:
        version = next((v for v in versions if v.version == wanted), None)
        if version is None:
            raise Http404(f"No maturity model version {wanted!r} is loaded.")
    else:
        version = max(versions, key=lambda v: v.loaded_at, default=None)
    if version is None:
        return render(request, "assessor/model.html", {"version": None, "versions": []})

    levels = list(Level.objects.filter(model_version=version))
    aspects = list(Aspect.objects.filter(model_version=version))
    cells = {(c.aspect_id, c.level_id): c for c in Cell.objects.filter(aspect__model_version=version).select_related("level")}
    rows = [(aspect, [cells.get((aspect.id, level.id)) for level in levels]) for aspect in aspects]
    context = {"version": version, "versions": versions, "levels": levels, "rows": rows}
    return render(request, "assessor/model.html", context)
