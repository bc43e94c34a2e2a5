import pytest

pytestmark = pytest.mark.django_db


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/model/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_page_template_has_inline_scripts_or_handlers():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        text = template.read_text()
        for marker in (" onclick=", " onchange=", " onsubmit=", " onload=", "javascript:"):
            if marker in text:
                offenders.append(f"{template.name}: {marker.strip()}")
        for chunk in text.split("<script")[1:]:
            head = chunk.split(">", 1)[0]
            if "src=" not in head and "application/json" not in head:
                offenders.append(f"{template.name}: inline <script>")
    assert offenders == []


def test_forms_refuse_posts_without_the_csrf_token(settings):
    from django.contrib.auth.models import User
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/accounts/login/", {"username": "x", "password": "y"}).status_code == 403
    strict.force_login(User.objects.create_superuser("root", "root@example.com", "pw"))
    assert strict.post("/collect/", {}).status_code == 403
    assert settings.SESSION_COOKIE_HTTPONLY is True
