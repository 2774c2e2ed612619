"""The load test in bounded form: a few users for a few seconds against the live test server, no errors."""

import importlib.util
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db(transaction=True)


def test_bounded_load_has_no_errors(live_server):
    spec = importlib.util.spec_from_file_location("load", Path(__file__).resolve().parents[2] / "benchmarks" / "load.py")
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    result = load.run(live_server.url, users=3, seconds=2)
    assert result["requests"] >= 3 and result["errors"] == 0, result["first_errors"]
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]
