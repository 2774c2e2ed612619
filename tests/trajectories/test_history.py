"""Reconstruction of the programme as it stood on past dates, from the public histories (DOMAIN.md §6)."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from maatwerk.trajectories import services
from maatwerk.trajectories.models import Event, Trajectory

from ..helpers import trajectory

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    "company,as_of,phase,since",
    [
        ("Nobian", "2022-12-11", "exploration", None),
        ("Nobian", "2022-12-12", "eop_signed", "2022-12-12"),
        ("Nobian", "2024-12-18", "jloi_signed", "2023-11-21"),
        ("Nobian", "2024-12-19", "binding_agreement", "2024-12-19"),
        ("AnQore", "2025-05-07", "eop_signed", "2023-07-17"),
        ("AnQore", "2025-05-08", "jloi_concept", "2025-05-08"),
        ("AnQore", "2025-07-07", "amvi_advice", "2025-06-23"),
        ("AnQore", "2025-07-08", "jloi_signed", "2025-07-08"),
        ("Dow Benelux", "2025-06-29", "eop_signed", "2022-12-06"),
        ("Dow Benelux", "2025-06-30", "withdrawn", "2025-06-30"),
        ("Royal Cosun", "2025-12-17", "jloi_signed", "2025-06-23"),
        ("Royal Cosun", "2025-12-18", "binding_agreement", "2025-12-18"),
        ("AVR", "2025-01-16", "paused", None),
        ("AVR", "2025-01-17", "exploration", "2025-01-17"),
    ],
)
def test_state_as_of_past_dates(demo, company, as_of, phase, since):
    state = services.state_as_of(trajectory(company), D(as_of))
    assert state.phase == phase
    assert state.since == (D(since) if since else None)


def test_undated_events_are_not_given_an_invented_date(demo):
    tata = trajectory("Tata Steel Nederland")
    state = services.state_as_of(tata, D("2023-01-01"))
    assert state.phase == "eop_signed" and state.since is None  # EoP in 2021, day unknown
    # The concept JLoI and the AMVI advice are only known to come before the JLoI of 29 Sep 2025
    # ("before": at the latest the day before): not counted before 28 September.
    assert services.state_as_of(tata, D("2025-09-27")).phase == "eop_signed"
    assert services.state_as_of(tata, D("2025-09-28")).phase == "amvi_advice"
    assert services.state_as_of(tata, D("2025-09-29")).phase == "jloi_signed"
    assert not Event.objects.filter(trajectory=tata, effective_date=None, not_after=None, kind="transition").exists()


def test_board_as_of_matches_progress_letters(demo):
    """Counts of EoPs signed by the progress letters' dates (Sep 2023: 8 EoPs incl. Tata; 30 Jun 2025: Dow stopped)."""
    def phases(as_of):
        return {r.trajectory.company.name: r.phase for r in services.board(Trajectory.objects.all(), D(as_of))}

    beyond_eop = {"eop_signed", "jloi_concept", "amvi_advice", "jloi_signed", "binding_agreement", "realisation", "completed"}
    sep_2023 = phases("2023-09-30")
    assert {c for c, p in sep_2023.items() if p in beyond_eop} == {
        "AnQore", "Dow Benelux", "Nobian", "OCI Nitrogen", "Shell Nederland", "Tata Steel Nederland", "Yara Sluiskil", "Zeeland Refinery"
    }
    jun_2025 = phases("2025-06-30")
    assert jun_2025["Dow Benelux"] == "withdrawn" and jun_2025["Shell Nederland"] == "withdrawn"
    assert jun_2025["Nobian"] == "binding_agreement" and jun_2025["Royal Cosun"] == "jloi_signed"


def test_trajectories_command_as_of(demo, capsys):
    call_command("trajectories", "--as-of", "2024-12-18", "--format", "json")
    rows = {r["company"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["Nobian"]["phase"] == "jloi_signed" and rows["Nobian"]["since"] == "2023-11-21"
    call_command("trajectories", "--as-of", "2024-12-19", "--format", "json")
    rows = {r["company"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["Nobian"]["phase"] == "binding_agreement" and rows["Nobian"]["since"] == "2024-12-19"
    assert {"company", "phase", "since", "next_gate_lacks"} <= set(rows["Nobian"])
    assert rows["Tata Steel Nederland"]["since"] is None


def test_load_demo_twice_adds_nothing(demo):
    before = Event.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert Event.objects.count() == before
