"""Issue 12, serving: no caching of what a logged-in user sees, development settings only on loopback,
a locked database answers 503 rather than 500."""

import io
import os
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from maatwerk.finance.models import Project
from maatwerk.trajectories import services

from ..helpers import trajectory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


# --- Low: Cache-Control: no-store on confidential pages and downloads ------------------------------------


def test_low_confidential_page_is_not_stored(client, users):
    client.force_login(users["programme"])
    project = Project.objects.filter(trajectory__company__name="AnQore").first()
    response = client.get(f"/projecten/{project.pk}/")
    assert response.status_code == 200 and no_store(response)
    for url in ("/trajecten/", f"/trajecten/{project.trajectory_id}/", "/api/v1/trajectories/", "/"):
        assert no_store(client.get(url)), url  # every page of a logged-in user, public ones included


def test_low_document_download_is_not_stored(client, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = services.add_document(trajectory("AnQore"), "business_case", "BC", "confidential", data=PDF, file_name="bc.pdf")
    client.force_login(users["programme"])
    response = client.get(f"/documenten/{doc.pk}/bestand/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert no_store(response)


def test_low_exports_of_logged_in_users_are_not_stored(client, users):
    client.force_login(users["programme"])
    for url in ("/rapportage/overzichten/steun.csv", "/rapportage/overzichten/steun.xlsx", "/monitoring/?format=csv"):
        response = client.get(url)
        assert response.status_code == 200 and no_store(response), url


def test_low_public_pages_for_anonymous_may_be_cached(client, demo):
    response = client.get("/documenten/")
    assert response.status_code == 200 and "no-store" not in response.get("Cache-Control", "")


def test_low_two_factor_page_with_secret_is_not_stored(client, settings):
    from maatwerk.accounts.models import Role

    from ..helpers import make_user

    settings.REQUIRE_2FA = True
    client.force_login(make_user("staf-cache", Role.PROGRAMME))
    assert no_store(client.get("/tweestaps/"))


# --- Low: development settings refuse to serve beyond loopback --------------------------------------------


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SECRET_KEY", "DEBUG")}
    environment.update({"MAATWERK_ENV": "development", "DATABASE_URL": "sqlite:///:memory:", **env})
    return subprocess.run([sys.executable, "-m", "maatwerk.manage", *args], env=environment, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("addr", ["0.0.0.0:8000", "0:8000", "[::]:8000", "192.0.2.10:8000", "maatwerk.example.org:80"])
def test_low_runserver_with_development_settings_refuses_a_network_address(addr):
    result = run_manage("runserver", addr, "--noreload")
    assert result.returncode != 0
    assert "loopback" in result.stderr and "MAATWERK_ENV=production" in result.stderr


@pytest.mark.parametrize(
    "args,allowed",
    [
        ([], True),
        (["8000"], True),
        (["127.0.0.1:8000"], True),
        (["localhost:8000"], True),
        (["[::1]:8000", "--ipv6"], True),
        (["--noreload", "127.0.0.2:9000"], True),
        (["0.0.0.0:8000"], False),
        (["--noreload", "0:8000"], False),
        (["10.0.0.1:8000"], False),
    ],
)
def test_low_runserver_address_check(args, allowed):
    from maatwerk.manage import runserver_address_is_loopback

    assert runserver_address_is_loopback(args) is allowed


def wsgi_call(remote, host):
    from maatwerk.config.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "", "SERVER_NAME": host.split(":")[0], "SERVER_PORT": "8000",
        "HTTP_HOST": host, "REMOTE_ADDR": remote, "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
    }
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    # as Django's test client does: the request must not close the test's database connection
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        body = b"".join(result)
        getattr(result, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return int(seen["status"].split()[0]), body.decode()


@pytest.mark.parametrize("remote,host", [("192.0.2.7", "192.0.2.10:8000"), ("192.0.2.7", "localhost:8000"), ("127.0.0.1", "maatwerk.example.org")])
def test_low_wsgi_with_development_settings_refuses_network_requests(settings, demo, remote, host):
    settings.DEBUG = True
    settings.SECRET_KEY = "development-only-not-secret"
    settings.ALLOWED_HOSTS = ["*"]
    status, body = wsgi_call(remote, host)
    assert status == 403 and "loopback" in body and "MAATWERK_ENV=production" in body


def test_low_wsgi_with_development_settings_serves_loopback(settings, demo):
    settings.DEBUG = True
    settings.SECRET_KEY = "development-only-not-secret"
    for remote, host in [("127.0.0.1", "127.0.0.1:8000"), ("::1", "localhost:8000"), ("127.0.0.1", "[::1]:8000")]:
        status, _ = wsgi_call(remote, host)
        assert status == 200, (remote, host)


def test_low_wsgi_with_production_settings_serves_the_network(settings, demo):
    settings.DEBUG = False
    settings.SECRET_KEY = "een-echte-lange-geheime-sleutel-voor-productie-0123456789"
    settings.ALLOWED_HOSTS = ["maatwerk.example.org"]
    status, _ = wsgi_call("192.0.2.7", "maatwerk.example.org")
    assert status == 200


def test_low_live_server_keeps_working(live_server):
    """The browser tests' live server (pytest-django, at localhost) is not refused."""
    import urllib.request

    with urllib.request.urlopen(live_server.url + "/inloggen/", timeout=10) as response:  # noqa: S310 - loopback
        assert response.status == 200


# --- M9 (last resort): a locked database is a 503, not a 500 -------------------------------------------------


@pytest.mark.parametrize("message", ["database is locked", "database table is locked"])
def test_m9_locked_database_is_a_503(message):
    from maatwerk.core.middleware import DatabaseBusyMiddleware

    def view(request):
        raise OperationalError(message)

    middleware = DatabaseBusyMiddleware(view)
    request = RequestFactory().post("/trajecten/1/overgang/")
    response = middleware.process_exception(request, OperationalError(message))
    assert response.status_code == 503 and response["Retry-After"]
    assert "opnieuw" in response.content.decode()


def test_m9_other_database_errors_are_not_hidden():
    from maatwerk.core.middleware import DatabaseBusyMiddleware

    middleware = DatabaseBusyMiddleware(lambda r: None)
    assert middleware.process_exception(RequestFactory().get("/"), OperationalError("no such table: x")) is None
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("database is locked")) is None


def test_m9_locked_database_through_the_stack(client, users, monkeypatch):
    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "transition", locked)
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    response = client.post(f"/trajecten/{oci.pk}/overgang/", {"to": "withdrawn", "date": "2026-01-10", "note": "x", "version": oci.version})
    assert response.status_code == 503
    api = client.post(
        f"/api/v1/trajectories/{oci.pk}/transitions",
        {"to": "withdrawn", "date": "2026-01-10", "note": "x", "version": oci.version},
        content_type="application/json",
    )
    assert api.status_code == 503


def test_m9_locked_database_in_the_api_with_debug(client, users, monkeypatch, settings):
    settings.DEBUG = True  # django-ninja answers unhandled errors itself in DEBUG, with a 500 traceback

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "transition", locked)
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    api = client.post(
        f"/api/v1/trajectories/{oci.pk}/transitions",
        {"to": "withdrawn", "date": "2026-01-10", "note": "x", "version": oci.version},
        content_type="application/json",
    )
    assert api.status_code == 503 and "opnieuw" in api.json()["detail"]


def test_low_public_document_download_is_not_stored_either(client, demo, settings, tmp_path):
    """A published document may be retracted later; no shared cache may keep serving it."""
    settings.MEDIA_ROOT = tmp_path
    doc = services.add_document(trajectory("AnQore"), "progress_report", "Openbaar", "public", data=PDF, file_name="v.pdf", published=True)
    response = client.get(f"/documenten/{doc.pk}/download/")
    assert response.status_code == 200 and no_store(response)


# --- same class: other proxy headers only from a trusted proxy --------------------------------------------


def test_low_forwarded_proto_from_untrusted_client_is_dropped(settings):
    from maatwerk.core.middleware import ProxyHeadersMiddleware

    settings.MAATWERK_TRUSTED_PROXIES = ["10.0.0.5"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        seen["forwarded"] = request.META.get("HTTP_X_FORWARDED_FOR")
        return None

    middleware = ProxyHeadersMiddleware(view)
    rf = RequestFactory()
    middleware(rf.get("/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="1.2.3.4"))
    assert seen == {"secure": False, "forwarded": None}
    middleware(rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="203.0.113.4"))
    assert seen == {"secure": True, "forwarded": "203.0.113.4"}


def test_low_trusted_proxies_setting_is_validated():
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "maatwerk.manage", "check"],
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, "MAATWERK_TRUSTED_PROXIES": "10.0.0.5, proxy.intern", "DATABASE_URL": "sqlite:///:memory:"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0 and "MAATWERK_TRUSTED_PROXIES" in result.stderr and "proxy.intern" in result.stderr
