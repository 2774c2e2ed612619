"""The load test in bounded form: a few users for a few seconds against the live test server."""

import importlib.util
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.load, pytest.mark.django_db(transaction=True)]  # load: left out of `make test-fast`


def _load_module():
    spec = importlib.util.spec_from_file_location("load", Path(__file__).resolve().parents[2] / "benchmarks" / "load.py")
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    return load


def test_bounded_load_has_no_errors(live_server):
    load = _load_module()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    from maatwerk.finance.models import Project

    first = Project.objects.order_by("trajectory__company__name", "name").first()
    result = load.run(live_server.url, users=3, seconds=2.5, think=0.05, write_every=0.5)
    assert result["errors"] == 0, result["first_errors"]
    assert result["writes"] >= 2 and result["failed_writes"] == [], result["failed_writes"]
    edited = Project.objects.get(pk=first.pk)
    assert edited.version == first.version + result["writes"]  # every edit went through, with its version
    assert abs(edited.co2_reduction_t - first.co2_reduction_t) <= 1.0  # back and forth
    assert all(p["requests"] >= 1 for p in result["paths"].values()), result["paths"]  # every page was asked for
    assert result["requests"] == sum(p["requests"] for p in result["paths"].values())


def test_a_failing_page_is_counted_as_an_error(live_server, monkeypatch):
    load = _load_module()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    monkeypatch.setattr(load, "PATHS", ["/api/v1/trajectories/", "/bestaat-niet/"])
    result = load.run(live_server.url, users=2, seconds=1)
    failing = result["paths"]["/bestaat-niet/"]["requests"]
    assert failing >= 1 and result["errors"] == failing
    assert result["first_errors"][0] == "/bestaat-niet/: HTTP 404"


def test_a_wrong_password_stops_before_the_run(live_server):
    load = _load_module()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    with pytest.raises(SystemExit, match="login failed"):
        load.run(live_server.url, users=1, seconds=1, password="fout-wachtwoord-123")
