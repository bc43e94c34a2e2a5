"""Forms of the collect page, the cluster dump upload and the team page's waivers."""

from __future__ import annotations

from typing import Any

from django import forms

from assessor.models import Repository, Team
from collectors.dump import how_to_export
from collectors.selectors import waivable_rules


class CollectNowForm(forms.Form):
    source = forms.RegexField(regex=r"^(all|repository:\d+|cluster:\d+)$", max_length=40)


class DumpUploadForm(forms.Form):
    dump = forms.FileField(label="Cluster dump (JSON)", allow_empty_file=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dump"].help_text = f"The output of: {how_to_export()}"


class WaiverForm(forms.Form):
    """Waive one evidence rule for the team, or for one of its repositories."""

    rule_key = forms.ChoiceField(label="Rule")
    repository = forms.TypedChoiceField(
        label="Where", coerce=int, required=False, empty_value=None, help_text="The whole team, or one of its repositories."
    )
    reason = forms.CharField(label="Why it does not apply", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), strip=True)
    expires_on = forms.DateField(
        label="Lapses on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional. The rule counts again from 00:00 UTC that day.",
    )

    def __init__(self, *args: Any, rules: list[tuple[str, str]], repositories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_key"].choices = rules  # type: ignore[attr-defined]
        self.fields["repository"].choices = [("", "The whole team"), *repositories]  # type: ignore[attr-defined]


def waiver_form(team: Team, data: Any = None) -> WaiverForm:
    """The waiver form for one team: the rules that can fire for its kind, its repositories. Two queries."""
    repositories = list(Repository.objects.filter(team=team).order_by("name").values_list("pk", "name"))
    return WaiverForm(data, rules=waivable_rules(team), repositories=repositories)
