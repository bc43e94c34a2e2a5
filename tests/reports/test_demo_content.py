"""The demo shows what the product does: a reviewer export that publishes most of its numbers, a digest recipient."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessor.models import Organization
from reports.conf import digest_default_frequency
from reports.export.selectors import tag_input
from reports.export.tag import build_tag_export
from reports.services import digest_recipients
from surveys.models import Wave

pytestmark = pytest.mark.django_db
NUMBERS = {"count", "total", "share", "provider_score", "consumer_score", "expected_consumer_score", "gap", "expectation_gap"}


def numbers(node: Any) -> list[Any]:
    """Every number the export could publish, None where it is withheld."""
    if isinstance(node, dict):
        return [v for key, value in node.items() for v in ([value] if key in NUMBERS else numbers(value))]
    if isinstance(node, list):
        return [v for item in node for v in numbers(item)]
    return []


def test_the_demo_export_publishes_most_numbers_and_the_digest_has_a_recipient(loaded_model):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    organization = Organization.objects.get(slug="northwind")
    now = timezone.now()
    closed = [wave for wave in Wave.objects.filter(organization=organization) if wave.has_closed(now)]
    assert closed

    for wave in closed:
        document = build_tag_export(tag_input(wave), k=5, now=now)
        values = [
            v for part in ("respondents", "level_distribution", "perception_gaps", "cooperation") for v in numbers(document[part])
        ]
        withheld = sum(value is None for value in values)
        assert len(values) > 1000
        assert withheld < len(values) / 3, f"{wave.name}: {withheld} of {len(values)} numbers withheld"
        assert all(row["count"] is not None and row["count"] >= 100 for row in document["respondents"])

    recipients = digest_recipients(organization=organization, frequency=digest_default_frequency())
    assert [user.username for user in recipients] == ["admin"] and recipients[0].email == "admin@example.com"
    printed = out.getvalue()
    for where in ("/dashboard/?org=northwind", "/s/", "/api/v1/docs/", "/api/v1/export/tag/?wave=", "sign in as 'admin'"):
        assert where in printed, where
