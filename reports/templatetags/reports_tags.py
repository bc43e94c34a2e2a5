"""Template filters for reports and emails."""

from __future__ import annotations

from typing import Any

from django import template

from reports.tables import display

register = template.Library()

# Light level colours for e-mails, inlined because many email clients drop stylesheets.
LEVEL_BACKGROUNDS = {1: "#fde8e1", 2: "#fff3d6", 3: "#e3f1e6", 4: "#dde9fb"}


@register.filter
def level_background(level: Any) -> str:
    return LEVEL_BACKGROUNDS.get(level, "#ffffff") if isinstance(level, int) else "#ffffff"


@register.filter
def lookup(mapping: Any, key: Any) -> Any:
    """mapping[key], or "" when it is not there (level names by number, for instance)."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def as_percent(value: Any) -> str:
    return display(value, "percent")


@register.filter
def signed(value: Any) -> str:
    return display(value, "signed")


@register.filter
def score(value: Any) -> str:
    return display(value, "score")
