"""Two-factor authentication for every role with non-public access when REQUIRE_2FA is on (the production default)."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from maatwerk.accounts.models import Role

from ..helpers import make_user

pytestmark = pytest.mark.django_db


def code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_programme_team_needs_a_second_factor(settings, client):
    settings.REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # django-otp delays retries after a wrong code; not under test here
    user = make_user("staf", Role.PROGRAMME)
    client.force_login(user)
    response = client.get("/trajecten/")
    assert response.status_code == 302 and response["Location"].startswith("/tweestaps/?next=/trajecten/")
    setup = client.get("/tweestaps/").content.decode()
    assert 'id="totp-secret"' in setup
    device = TOTPDevice.objects.get(user=user)
    wrong = client.post("/tweestaps/?next=/trajecten/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert "klopt niet" in wrong.content.decode() and client.get("/trajecten/").status_code == 302
    ok = client.post("/tweestaps/?next=/trajecten/", {"token": code(device)})
    assert ok.status_code == 302 and ok["Location"] == "/trajecten/"
    assert client.get("/trajecten/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_other_roles_and_the_off_switch(settings, client, demo):
    settings.REQUIRE_2FA = True
    from maatwerk.registry.models import Company

    client.force_login(make_user("bedrijf", Role.COMPANY, company=Company.objects.get(name="AnQore")))
    assert client.get("/trajecten/").status_code == 302  # company users too since issue 12 (was: no second factor)
    client.force_login(make_user("zonderrol"))
    assert client.get("/").status_code == 200  # no role: only public material, no second factor
    settings.REQUIRE_2FA = False
    client.force_login(make_user("staf2", Role.PROGRAMME))
    assert client.get("/trajecten/").status_code == 200


def test_open_redirect_is_refused(settings, client):
    settings.REQUIRE_2FA = True
    user = make_user("staf3", Role.PROGRAMME)
    client.force_login(user)
    client.get("/tweestaps/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/tweestaps/?next=https://elders.example/", {"token": code(device)})
    assert response["Location"] == "/"
