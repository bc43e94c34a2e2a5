import json
import re
from datetime import timedelta

from django.core import mail, signing
from django.urls import reverse

from reports.models import EmailKind, Subscription
from reports.services import digest_send
from reports.tokens import unsubscribe_token
from tests.reports.factories import NOW

AT = NOW - timedelta(days=4)


def link_in(body):
    return re.search(r"http://127\.0\.0\.1:8000(/email/unsubscribe/[^/\s]+/)", body).group(1)


def test_the_link_in_a_digest_stops_the_next_digests(client, world):
    digest_send(frequency="weekly", now=AT)
    path = link_in(next(m for m in mail.outbox if m.to == ["lee@example.com"]).body)

    page = client.get(path)
    done = client.post(path, {"action": "unsubscribe"})

    assert "You get a weekly digest" in page.content.decode()
    assert "you will get no more digests from Acme" in done.content.decode()
    mail.outbox.clear()
    digest_send(frequency="weekly", now=AT + timedelta(days=7))
    assert [m.to[0] for m in mail.outbox] == ["ada@example.com"]


def test_mail_apps_can_unsubscribe_in_one_click(client, world):
    token = unsubscribe_token(user_id=world.admin.pk, organization_id=world.organization.pk, kind=EmailKind.DIGEST)

    response = client.post(reverse("reports:unsubscribe", args=[token]), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Subscription.objects.get(user=world.admin).unsubscribed_at is not None


def test_people_can_switch_to_monthly_and_back_on(client, world):
    path = reverse(
        "reports:unsubscribe",
        args=[unsubscribe_token(user_id=world.lead.pk, organization_id=world.organization.pk, kind=EmailKind.DIGEST)],
    )

    client.post(path, {"action": "unsubscribe"})
    client.post(path, {"action": "resubscribe"})
    client.post(path, {"action": "monthly"})

    subscription = Subscription.objects.get(user=world.lead)
    assert (subscription.frequency, subscription.unsubscribed_at) == ("monthly", None)


def test_a_tampered_or_unknown_link_changes_nothing(client, world):
    token = unsubscribe_token(user_id=world.admin.pk, organization_id=world.organization.pk, kind=EmailKind.DIGEST)
    # Another person's payload under the admin's signature (never the admin's own, whatever the ids are).
    payload = json.dumps([world.lead.pk, world.organization.pk, EmailKind.DIGEST], separators=(",", ":"))
    forged = token.replace(token.split(":")[0], signing.b64_encode(payload.encode()).decode())

    assert client.post(reverse("reports:unsubscribe", args=[forged]), {"action": "unsubscribe"}).status_code == 404
    assert client.get(reverse("reports:unsubscribe", args=["nonsense"])).status_code == 404
    assert client.post(reverse("reports:unsubscribe", args=[token]), {"action": "explode"}).status_code == 400
    assert not Subscription.objects.exists()
