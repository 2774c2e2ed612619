"""Deployment checks, login throttling and the security headers."""

import os
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from ..helpers import make_user

pytestmark = pytest.mark.django_db


def test_deploy_check_is_clean_in_production():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set by the browser tests only
        "MAATWERK_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "maatwerk.example.org",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-m", "maatwerk.manage", "check", "--deploy", "--fail-level", "WARNING"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "MAATWERK_ENV": "production", "SECRET_KEY": "", "ALLOWED_HOSTS": "x"}
    result = subprocess.run([sys.executable, "-m", "maatwerk.manage", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_login_is_throttled_after_five_failures(client):
    make_user("slot")
    url = reverse("login")
    for _ in range(4):
        assert client.post(url, {"username": "slot", "password": "fout-wachtwoord"}).status_code == 200
    assert client.post(url, {"username": "slot", "password": "fout-wachtwoord"}).status_code == 429  # the fifth locks
    locked = client.post(url, {"username": "slot", "password": "a-long-test-password"})
    assert locked.status_code == 429 and "Tijdelijk geblokkeerd" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_login_and_headers(client):
    make_user("goed")
    response = client.post(reverse("login"), {"username": "goed", "password": "a-long-test-password"})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    page = client.get("/")
    assert "default-src 'self'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] in ("DENY", "SAMEORIGIN") and page["X-Content-Type-Options"] == "nosniff"


def test_password_validators_refuse_weak_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("wachtwoord")
    validate_password("een-lang-en-ongewoon-wachtwoord-2026")


@pytest.mark.parametrize("url", ["/api/public/v1/documents/?company=a%00b", "/documenten/?bedrijf=%00", "/register/?country=N%00"])
def test_nul_bytes_are_refused_not_crashed_on(client, url):
    response = client.get(url)
    assert response.status_code == 400 and "NUL" in response.content.decode()
