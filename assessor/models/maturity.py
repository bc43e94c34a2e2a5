"""The maturity model as loaded from its versioned data file: versions, aspects, levels and cells."""

from __future__ import annotations

from django.db import models


class ModelVersionQuerySet(models.QuerySet["ModelVersion"]):
    def latest_loaded(self) -> ModelVersion | None:
        return self.order_by("-loaded_at").first()


class ModelVersion(models.Model):
    model_key = models.CharField(max_length=40, default="pemm")
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    source_name = models.CharField(max_length=200, blank=True)
    source_url = models.URLField(blank=True)
    guidance = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ["model_key", "version"]
        constraints = [models.UniqueConstraint(fields=["model_key", "version"], name="unique_model_version")]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"


class Level(models.Model):
    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["model_version", "number"]
        constraints = [models.UniqueConstraint(fields=["model_version", "number"], name="unique_level")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Aspect(models.Model):
    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="aspects")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=60)
    question = models.TextField()
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["model_version", "order"]
        constraints = [models.UniqueConstraint(fields=["model_version", "key"], name="unique_aspect")]

    def __str__(self) -> str:
        return self.name


class Cell(models.Model):
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="cells")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="cells")
    label = models.CharField(max_length=100)
    summary = models.TextField()
    characteristics = models.JSONField(default=list)
    next_steps = models.JSONField(default=list)
    evidence = models.JSONField(default=list)

    class Meta:
        ordering = ["aspect__order", "level__number"]
        constraints = [models.UniqueConstraint(fields=["aspect", "level"], name="unique_cell")]

    def __str__(self) -> str:
        return f"{self.aspect.name} {self.level.number}: {self.label}"
