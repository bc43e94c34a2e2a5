"""Forms of the staff pages and the admin."""

from __future__ import annotations

from typing import Any

from django import forms

from assessor.models import Team
from surveys.models import Role, Wave
from surveys.services.invitations import MAX_PER_ROLE


class CreateInvitationsForm(forms.Form):
    per_role = forms.IntegerField(
        label="Links per team and role",
        min_value=1,
        max_value=MAX_PER_ROLE,
        initial=1,
        widget=forms.NumberInput(attrs={"size": 4}),
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for the roles that fit each team: application developers and managers for "
        "application teams, platform or infrastructure engineers for the others.",
    )
    teams = forms.ModelMultipleChoiceField(
        label="Teams",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for every invited team.",
    )
    label = forms.CharField(label="Note for staff (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, wave: Wave, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = wave.teams.order_by("name")


class WaveAdminForm(forms.ModelForm):
    class Meta:
        model = Wave
        fields = ["organization", "instrument", "name", "opens_at", "closes_at", "anonymous", "min_responses", "teams"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organization = cleaned.get("organization")
        teams = cleaned.get("teams")
        if organization is not None and teams is not None:
            outsiders = [team.name for team in teams if team.organization_id != organization.pk]
            if outsiders:
                self.add_error("teams", f"These teams belong to another organization: {', '.join(outsiders)}.")
        if self.instance.pk and {"instrument", "organization"} & set(self.changed_data) and self.instance.responses.exists():
            self.add_error(None, "This wave already has answers, so its instrument and organization stay as they are.")
        return cleaned
