"""Issue 12, accounts: enrolment of the second factor (H5), 2FA for every role, lockout behind a proxy,
idle sessions."""

import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from maatwerk.accounts.models import Role

from ..helpers import make_user

pytestmark = pytest.mark.django_db


def code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrol(client, user, next_url="/trajecten/"):
    """Log ``user`` in, set up the authenticator the way a person would and return its device."""
    client.force_login(user)
    client.get("/tweestaps/")
    device = TOTPDevice.objects.get(user=user)
    response = client.post(f"/tweestaps/?next={next_url}", {"token": code(device)})
    assert response.status_code == 302 and response["Location"] == next_url
    return device


@pytest.fixture
def two_factor(settings):
    settings.REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


# --- H5: a lost device never reopens self-enrolment --------------------------------------------------------


def test_h5_lost_device_does_not_reopen_enrolment(two_factor, client):
    user = make_user("staf-h5", Role.PROGRAMME)
    enrol(client, user)
    client.logout()
    TOTPDevice.objects.filter(user=user).delete()  # what a restore without the device table did
    client.force_login(user)
    page = client.get("/tweestaps/?next=/trajecten/")
    html = page.content.decode()
    assert page.status_code == 403
    assert 'id="totp-secret"' not in html and "otpauth://" not in html
    assert "beheerder" in html and "reset_2fa" in html
    assert not TOTPDevice.objects.filter(user=user).exists()  # no fresh secret was created either
    # a code typed anyway is not accepted, and the pages stay closed
    assert client.post("/tweestaps/?next=/trajecten/", {"token": "123456"}).status_code == 403
    assert client.get("/trajecten/").status_code == 302


def test_h5_unconfirmed_device_after_enrolment_is_not_offered(two_factor, client):
    """A device row left unconfirmed (or made by someone else) is no way back in after enrolment."""
    user = make_user("staf-h5b", Role.PROGRAMME)
    enrol(client, user)
    TOTPDevice.objects.filter(user=user).delete()
    stray = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    client.logout()
    client.force_login(user)
    page = client.get("/tweestaps/")
    assert page.status_code == 403 and stray.config_url not in page.content.decode()
    assert client.post("/tweestaps/", {"token": code(stray)}).status_code == 403
    stray.refresh_from_db()
    assert not stray.confirmed


def test_h5_staff_without_membership_is_covered_too(two_factor, client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_user("beheer-h5", password="a-long-test-password", is_staff=True)
    enrol(client, admin, "/admin/")
    TOTPDevice.objects.filter(user=admin).delete()
    client.logout()
    client.force_login(admin)
    assert client.get("/tweestaps/").status_code == 403


def test_h5_reset_2fa_command_reopens_enrolment(two_factor, client, capsys):
    user = make_user("staf-h5c", Role.PROGRAMME)
    old = enrol(client, user)
    call_command("reset_2fa", "staf-h5c")
    assert "staf-h5c" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()  # the old device (maybe stolen) is gone
    client.logout()
    client.force_login(user)
    setup = client.get("/tweestaps/")
    assert setup.status_code == 200 and 'id="totp-secret"' in setup.content.decode()
    new = TOTPDevice.objects.get(user=user)
    assert new.bin_key != old.bin_key
    assert client.post("/tweestaps/", {"token": code(new)}).status_code == 302
    # enrolled again: losing this device closes enrolment again
    TOTPDevice.objects.filter(user=user).delete()
    client.logout()
    client.force_login(user)
    assert client.get("/tweestaps/").status_code == 403


def test_h5_reset_2fa_unknown_user_is_a_clear_error():
    with pytest.raises(CommandError, match="niemand-h5"):
        call_command("reset_2fa", "niemand-h5")


def test_h5_admin_action_resets_enrolment(two_factor, client):
    from django.contrib.auth import get_user_model

    from maatwerk.accounts.models import SecondFactorEnrolment

    user = make_user("staf-h5d", Role.PROGRAMME)
    enrol(client, user)
    client.logout()
    TOTPDevice.objects.filter(user=user).delete()
    admin = get_user_model().objects.create_superuser("root-h5", password="a-long-test-password")
    enrol(client, admin, "/admin/")
    enrolment = SecondFactorEnrolment.objects.get(user=user)
    changelist = reverse("admin:accounts_secondfactorenrolment_changelist")
    response = client.post(changelist, {"action": "reset_second_factor", "_selected_action": [enrolment.pk]})
    assert response.status_code == 302
    client.logout()
    client.force_login(user)
    assert client.get("/tweestaps/").status_code == 200


def test_h5_existing_devices_count_as_enrolled():
    """The migration records enrolment for devices that were confirmed before this check existed."""
    import importlib

    from django.apps import apps

    from maatwerk.accounts.models import SecondFactorEnrolment

    user = make_user("staf-h5e", Role.PROGRAMME)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    migration = importlib.import_module("maatwerk.accounts.migrations.0003_second_factor_enrolment")
    migration.record_existing_enrolments(apps, None)
    assert SecondFactorEnrolment.objects.get(user=user).confirmed_at is not None


# --- Low: a second factor for every role with access to non-public data ------------------------------------


@pytest.mark.parametrize("role", ["company_a", "amvi", "province", "programme"])
def test_low_every_role_needs_a_second_factor_in_production(two_factor, client, users, role):
    user = users[role]
    client.force_login(user)
    response = client.get("/trajecten/")
    assert response.status_code == 302 and response["Location"].startswith("/tweestaps/?next=/trajecten/")
    assert client.get("/api/v1/trajectories/").status_code in (302, 401, 403)
    enrol(client, user)
    assert client.get("/trajecten/").status_code == 200


def test_low_user_without_role_sees_public_pages_without_second_factor(two_factor, client, users):
    client.force_login(users["nobody"])
    assert client.get("/").status_code == 200


def test_low_development_needs_no_second_factor(settings, client, users):
    settings.REQUIRE_2FA = False
    for role in ("company_a", "amvi", "province", "programme"):
        client.force_login(users[role])
        assert client.get("/trajecten/").status_code == 200


# --- Low: lockout per user as well, client address only from a trusted proxy --------------------------------


def login(client, username, password="fout-wachtwoord", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_low_spoofed_forwarded_for_from_untrusted_client_is_ignored(client, settings):
    settings.MAATWERK_TRUSTED_PROXIES = []
    make_user("spoof")
    for i in range(5):  # a new forged address every time: the lock holds all the same
        response = login(client, "spoof", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert response.status_code == 429
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_low_forwarded_for_from_trusted_proxy_is_the_client_address(client, settings):
    settings.MAATWERK_TRUSTED_PROXIES = ["10.0.0.5"]
    make_user("achterproxy")
    login(client, "achterproxy", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.5")
    # the client put its own forged value in front: the proxy appended the real one, read from the right
    login(client, "achterproxy", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.10")
    from axes.models import AccessAttempt

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.9", "203.0.113.10"}


def test_low_client_address_helper():
    from django.test import RequestFactory, override_settings

    from maatwerk.core.middleware import client_ip

    rf = RequestFactory()
    with override_settings(MAATWERK_TRUSTED_PROXIES=["10.0.0.0/8"]):
        assert client_ip(rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.1, 10.2.2.2")) == "203.0.113.1"
        assert client_ip(rf.get("/", REMOTE_ADDR="10.1.1.1")) == "10.1.1.1"
        assert client_ip(rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="nonsens")) == "10.1.1.1"
        assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.1")) == "192.0.2.1"
    with override_settings(MAATWERK_TRUSTED_PROXIES=[]):
        assert client_ip(rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.1")) == "10.1.1.1"


def test_low_many_addresses_still_lock_the_user(client, settings):
    settings.MAATWERK_TRUSTED_PROXIES = []
    make_user("verspreid")
    limit = settings.MAATWERK_USER_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    for i in range(limit - 1):  # never five from one address
        assert login(client, "verspreid", REMOTE_ADDR=f"198.51.100.{i + 1}").status_code == 200
    assert login(client, "verspreid", REMOTE_ADDR="198.51.100.200").status_code == 429
    # now locked from everywhere, even with the right password from a fresh address
    locked = login(client, "verspreid", "a-long-test-password", REMOTE_ADDR="192.0.2.44")
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    # other users are not affected
    make_user("ander")
    assert login(client, "ander", "a-long-test-password", REMOTE_ADDR="198.51.100.1").status_code == 302


def test_low_five_failures_from_one_address_still_lock(client):
    make_user("eenadres")
    for _ in range(4):
        assert login(client, "eenadres", REMOTE_ADDR="198.51.100.9").status_code == 200
    assert login(client, "eenadres", REMOTE_ADDR="198.51.100.9").status_code == 429
    # from another address the user can still log in (the per-user limit is not reached)
    assert login(client, "eenadres", "a-long-test-password", REMOTE_ADDR="192.0.2.1").status_code == 302


# --- Low: idle sessions end -------------------------------------------------------------------------------


def age_session(client, idle_seconds: float, started_seconds_ago: float | None = None):
    session = client.session
    session["maatwerk_last_activity"] = time.time() - idle_seconds
    if started_seconds_ago is not None:
        session["maatwerk_session_started"] = time.time() - started_seconds_ago
    session.save()


def test_low_idle_session_is_logged_out(client, users, settings):
    assert settings.MAATWERK_SESSION_IDLE_MINUTES == 30
    client.force_login(users["programme"])
    assert client.get("/trajecten/").status_code == 200
    age_session(client, 31 * 60)
    response = client.get("/trajecten/")
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
    assert "_auth_user_id" not in client.session
    assert client.get("/trajecten/").status_code == 302  # stays logged out


def test_low_active_session_stays(client, users):
    client.force_login(users["programme"])
    client.get("/trajecten/")
    age_session(client, 29 * 60)
    assert client.get("/trajecten/").status_code == 200
    # the request counted as activity: the clock starts again
    assert time.time() - client.session["maatwerk_last_activity"] < 60
    assert client.get("/trajecten/").status_code == 200


def test_low_session_has_an_absolute_maximum(client, users, settings):
    client.force_login(users["programme"])
    client.get("/trajecten/")
    age_session(client, 60, started_seconds_ago=settings.MAATWERK_SESSION_MAX_HOURS * 3600 + 60)
    assert client.get("/trajecten/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_low_idle_timeout_setting(client, users, settings):
    settings.MAATWERK_SESSION_IDLE_MINUTES = 5
    client.force_login(users["programme"])
    client.get("/trajecten/")
    age_session(client, 6 * 60)
    assert client.get("/trajecten/").status_code == 302
