import datetime as dt

from maatwerk.engine import monitoring

D = dt.date.fromisoformat


def test_milestone_status():
    today = D("2026-06-01")
    assert monitoring.milestone_status(D("2026-09-01"), None, None, today).code == "on_track"
    assert monitoring.milestone_status(D("2026-09-01"), D("2026-10-01"), None, today).code == "at_risk"
    late = monitoring.milestone_status(D("2026-09-01"), D("2027-03-01"), None, today)
    assert late.code == "late" and "181 dagen" in late.reason
    # the planned date passed without an actual date: the slip runs on with today
    assert monitoring.milestone_status(D("2026-01-01"), None, None, today).code == "late"
    assert monitoring.milestone_status(D("2026-05-01"), None, None, today).code == "at_risk"
    assert monitoring.milestone_status(D("2026-01-01"), None, D("2026-02-01"), today).code == "done"


def test_emissions_against_the_path():
    path = {y: monitoring.agreed_path_t(500, 100, 2028, y) for y in (2027, 2028, 2029)}
    assert path == {2027: 500, 2028: 400, 2029: 400}
    assert monitoring.emissions_status(path, {2027: 520, 2028: 410}).code == "on_track"  # within 5 %
    off = monitoring.emissions_status(path, {2028: 450})
    assert off.code == "late" and "2028" in off.reason and "12%" in off.reason
