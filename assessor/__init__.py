"""The platform maturity and cooperation assessment service."""

from assessor.celery import app as celery_app

__all__ = ("celery_app",)
