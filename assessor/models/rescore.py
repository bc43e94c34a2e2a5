"""Pending rescores: one row per (team, wave) whose scores must be recomputed.

A save or a submit marks its pair; marking a pair that is already pending only bumps its `version`, so at
most one rescore per pair waits at a time however many saves arrive. A worker claims a batch of pending pairs,
rescores them in one go, and then deletes only the rows whose version it rescored: a pair marked again while
its batch ran keeps its row and is rescored after it, so no request is lost.
"""

from __future__ import annotations

from django.db import models

# `wave_id` 0 stands for every wave the team took part in (evidence changed, not one wave's answers).
ALL_WAVES = 0


class PendingRescore(models.Model):
    team = models.ForeignKey("assessor.Team", on_delete=models.CASCADE, related_name="+")
    wave_id = models.PositiveBigIntegerField(help_text="The wave to rescore; 0 for every wave of the team.")
    version = models.PositiveIntegerField(default=1, help_text="Bumped by each new request for the pair.")
    requested_at = models.DateTimeField()
    claim = models.CharField(max_length=36, blank=True, default="", help_text="The batch rescoring it now, if any.")
    claimed_version = models.PositiveIntegerField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "wave_id"], name="pending_rescore_once")]
        indexes = [models.Index(fields=["claim", "requested_at"], name="pending_rescore_queue")]

    def __str__(self) -> str:
        wave = "every wave" if self.wave_id == ALL_WAVES else f"wave {self.wave_id}"
        return f"team {self.team_id}, {wave} (v{self.version})"
