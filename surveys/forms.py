"""Forms of the staff pages and the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from assessor.models import Organization, Team, TeamGroup
from surveys.models import Instrument, Role, Wave
from surveys.services.invitations import MAX_PER_ROLE

LOCAL = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends and shows


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


class OpenWaveForm(forms.Form):
    """The "open a new wave" page: which instrument and teams, when, how anonymous, and which links to create."""

    INVITE_CHOICES = [
        ("people", "One link per person, from the teams' members (to email, or to export as CSV)"),
        ("slots", "Anonymous link slots per team and role, to hand out yourself"),
        ("none", "No links yet; create them on the wave's links page later"),
    ]

    organization = forms.ModelChoiceField(label="Organization", queryset=Organization.objects.none(), empty_label=None)
    instrument = forms.ModelChoiceField(label="Question bank", queryset=Instrument.objects.none(), empty_label=None)
    name = forms.CharField(label="Name", max_length=200, help_text="Unique within the organization, such as the quarter.")
    opens_at = forms.DateTimeField(label="Opens", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL))
    closes_at = forms.DateTimeField(
        label="Closes",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL),
        help_text="Links take answers until then; reminders go out before it.",
    )
    anonymous = forms.BooleanField(
        label="Anonymous: answers are not linked to a person, and team results show only from the minimum below",
        required=False,
    )
    min_responses = forms.IntegerField(label="Minimum answers per team in an anonymous wave", min_value=1, max_value=50)
    kinds = forms.MultipleChoiceField(
        label="Teams of these kinds", choices=Team.Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    groups = forms.ModelMultipleChoiceField(
        label="Teams of these groups", queryset=TeamGroup.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    teams = forms.ModelMultipleChoiceField(
        label="And these teams", queryset=Team.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    invite = forms.ChoiceField(label="Invitation links", choices=INVITE_CHOICES, widget=forms.RadioSelect)
    per_role = forms.IntegerField(
        label="Anonymous slots per team and role", min_value=1, max_value=MAX_PER_ROLE, initial=1, required=False
    )

    def __init__(self, *args: Any, organizations: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["organization"].queryset = organizations
        self.fields["instrument"].queryset = Instrument.objects.order_by("key", "-version")
        self.fields["groups"].queryset = TeamGroup.objects.filter(organization=organization).order_by("name")
        self.fields["teams"].queryset = Team.objects.filter(organization=organization).order_by("name")
        self.fields["groups"].label_from_instance = lambda group: group.name
        self.fields["teams"].label_from_instance = lambda team: f"{team.name} ({team.get_kind_display().lower()})"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        organization = cleaned.get("organization")
        if organization is not None and organization.pk != self.organization.pk:
            # the team lists on the page belong to the organization it was opened for
            self.add_error("organization", "Switch organization with the chooser above, then pick its teams.")
        opens_at, closes_at = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens_at and closes_at and closes_at <= opens_at:
            self.add_error("closes_at", "A wave must close after it opens.")
        elif closes_at and closes_at <= timezone.now():
            self.add_error("closes_at", "This closing time has passed; a new wave needs one in the future.")
        name = (cleaned.get("name") or "").strip()
        if name and Wave.objects.filter(organization=self.organization, name=name).exists():
            self.add_error("name", f"{self.organization.name} already has a wave called {name}.")
        cleaned["name"] = name
        if not self.chosen_teams(cleaned):
            self.add_error("teams", "Choose at least one team: tick a kind, a group or teams.")
        if cleaned.get("invite") == "slots" and not cleaned.get("per_role"):
            self.add_error("per_role", "Say how many anonymous slots each team and role gets.")
        return cleaned

    def chosen_teams(self, cleaned: dict[str, Any] | None = None) -> list[Team]:
        """Teams of a ticked kind or group, and teams ticked one by one."""
        data = cleaned if cleaned is not None else self.cleaned_data
        kinds = set(data.get("kinds") or [])
        groups = {group.pk for group in data.get("groups") or []}
        picked = {team.pk for team in data.get("teams") or []}
        return [
            team for team in self.fields["teams"].queryset if team.kind in kinds or team.group_id in groups or team.pk in picked
        ]
