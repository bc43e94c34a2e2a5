"""Instruments (versioned question banks) and their questions, as loaded from data files."""

from __future__ import annotations

from typing import Any

from django.db import models

from surveys.instruments import QUESTION_TYPES, InstrumentSpec, parse_instrument

_SPECS: dict[str, InstrumentSpec] = {}


def _spec_for(content_hash: str, definition: Any) -> InstrumentSpec:
    """Parsed specs by content hash: an instrument's content never changes under the same hash."""
    spec = _SPECS.get(content_hash)
    if spec is None:
        if len(_SPECS) >= 32:
            _SPECS.clear()
        spec = _SPECS[content_hash] = parse_instrument(definition)
    return spec


class Instrument(models.Model):
    class Source(models.TextChoices):
        FILE = "file", "Data file"
        ISSUE_FORM = "issue_form", "GitHub issue form"

    key = models.CharField(max_length=80)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    model_version = models.CharField(max_length=20, blank=True, help_text="Maturity model version the levels refer to.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.FILE)
    content_hash = models.CharField(max_length=64)
    definition = models.JSONField(help_text="The parsed, normalised definition the questions were loaded from.")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="unique_instrument_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def spec(self) -> InstrumentSpec:
        """The definition as checked dataclasses, parsed once per process and content hash. A parsed spec is
        found by its hash alone, so a row read without its (large) definition does not fetch it again."""
        return _SPECS.get(self.content_hash) or _spec_for(self.content_hash, self.definition)


class Question(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=100)
    section = models.CharField(max_length=80)
    position = models.PositiveIntegerField()
    qtype = models.CharField(max_length=20, choices=[(t, t.replace("_", " ")) for t in QUESTION_TYPES])
    text = models.TextField()
    help = models.TextField(blank=True)
    required = models.BooleanField(default=False)
    roles = models.JSONField(default=list, blank=True)
    show_if = models.JSONField(null=True, blank=True)
    aspect = models.CharField(max_length=20, null=True, blank=True)
    perspective = models.CharField(max_length=20, default="self")
    capability = models.CharField(max_length=40, null=True, blank=True)
    options: Any = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [models.UniqueConstraint(fields=["instrument", "key"], name="unique_question_key")]

    def __str__(self) -> str:
        return self.key
