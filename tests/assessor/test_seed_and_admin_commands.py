import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command

from assessor.models import Cluster, Consumption, Organization, Repository, Team

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_teams_of_every_kind_and_is_idempotent():
    call_command("seed_demo")
    counts = (Team.objects.count(), Consumption.objects.count(), Repository.objects.count(), Cluster.objects.count())
    call_command("seed_demo")
    assert (Team.objects.count(), Consumption.objects.count(), Repository.objects.count(), Cluster.objects.count()) == counts
    assert Organization.objects.count() == 1
    assert set(Team.objects.values_list("kind", flat=True)) == {"application", "platform", "infrastructure"}
    assert Team.objects.count() >= 12
    assert counts[1] >= 10


def test_ensure_admin_prints_credentials_that_work_and_reuses_them(client, capsys):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    call_command("ensure_admin")
    assert capsys.readouterr().out == first
    password = (settings.DATA_DIR / "admin-password.txt").read_text().strip()
    assert password in first
    assert User.objects.filter(username="admin", is_superuser=True).count() == 1
    assert client.login(username="admin", password=password)
    assert client.get("/admin/").status_code == 200
