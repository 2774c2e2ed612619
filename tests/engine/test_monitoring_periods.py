"""Milestones and expected phases known to a month or a year: late only after the period's last day."""

import datetime as dt

import pytest

from maatwerk.engine import monitoring, periods

D = dt.date


@pytest.mark.parametrize(
    "start,precision,end",
    [(D(2026, 1, 1), "year", D(2026, 12, 31)), (D(2025, 9, 1), "month", D(2025, 9, 30)), (D(2024, 2, 1), "month", D(2024, 2, 29)),
     (D(2025, 2, 1), "month", D(2025, 2, 28)), (D(2025, 9, 17), "day", D(2025, 9, 17))],
)
def test_period_end(start, precision, end):
    assert periods.period_end(start, precision) == end
    assert periods.period_start(end, precision) == start


def test_describe_in_dutch():
    assert periods.describe(D(2026, 1, 1), "year") == "2026"
    assert periods.describe(D(2025, 9, 1), "month") == "september 2025"
    assert periods.describe(D(2025, 9, 15), "day") == "15-09-2025"
    assert [periods.iso(D(2025, 9, 1), p) for p in ("year", "month", "day")] == ["2025", "2025-09", "2025-09-01"]


@pytest.mark.parametrize("precision,last_day", [("year", D(2026, 12, 31)), ("month", D(2026, 1, 31)), ("day", D(2026, 1, 1))])
def test_a_milestone_is_late_only_after_the_last_day_of_its_period(precision, last_day):
    planned = D(2026, 1, 1)  # "2026", "januari 2026" or 1 January 2026
    on_last_day = monitoring.milestone_status(planned, None, None, last_day, tolerance_days=0, planned_precision=precision)
    day_after = monitoring.milestone_status(planned, None, None, last_day + dt.timedelta(days=1), tolerance_days=0, planned_precision=precision)
    assert on_last_day.code == "on_track"
    assert day_after.code == "late" and "1 dag " in day_after.reason
    # the tolerance counts from the end of the period too: 90 days after 31 December 2026 for "2026"
    assert monitoring.milestone_status(planned, None, None, last_day + dt.timedelta(days=90), planned_precision=precision).code == "at_risk"
    assert monitoring.milestone_status(planned, None, None, last_day + dt.timedelta(days=91), planned_precision=precision).code == "late"


def test_a_year_milestone_is_not_late_in_its_year_where_a_first_day_would_be():
    planned, today = D(2026, 1, 1), D(2026, 11, 1)
    assert monitoring.milestone_status(planned, None, None, today, planned_precision="day").code == "late"
    status = monitoring.milestone_status(planned, None, None, today, planned_precision="year")
    assert status.code == "on_track" and status.reason == "gepland 2026"


def test_forecast_of_a_month_slips_from_the_end_of_the_planned_period():
    # planned 2026, forecast March 2027: 90 days after 31-12-2026 (31 + 28 + 31), within the tolerance
    s = monitoring.milestone_status(D(2026, 1, 1), D(2027, 3, 1), None, D(2026, 6, 1), planned_precision="year", forecast_precision="month")
    assert s.code == "at_risk" and "90 dagen" in s.reason
    s = monitoring.milestone_status(D(2026, 1, 1), D(2027, 4, 1), None, D(2026, 6, 1), planned_precision="year", forecast_precision="month")
    assert s.code == "late" and "120 dagen na het einde van de geplande periode 2026" in s.reason


def test_expected_phase_late_only_after_its_period():
    expected = D(2025, 9, 1)  # "verwacht september 2025"
    kwargs = dict(reached=False)
    assert monitoring.expected_phase_status("Bindende maatwerkafspraak", expected, "month", D(2025, 9, 30), **kwargs).code == "on_track"
    late = monitoring.expected_phase_status("Bindende maatwerkafspraak", expected, "month", D(2025, 10, 1), **kwargs)
    assert late.code == "late" and "september 2025" in late.reason and "1 dag na" in late.reason
    year = D(2026, 1, 1)  # Tata Steel: "expected 2026"
    assert monitoring.expected_phase_status("B", year, "year", D(2026, 12, 31), **kwargs).code == "on_track"
    assert monitoring.expected_phase_status("B", year, "year", D(2027, 1, 1), **kwargs).code == "late"


def test_expected_phase_reached_or_stopped():
    done = monitoring.expected_phase_status("B", D(2025, 9, 1), "month", D(2026, 1, 1), reached=True, reached_on=D(2025, 10, 5))
    assert done.code == "done" and "5 dagen na de verwachting september 2025" in done.reason
    in_time = monitoring.expected_phase_status("B", D(2025, 9, 1), "month", D(2026, 1, 1), reached=True, reached_on=D(2025, 9, 30))
    assert in_time.code == "done" and "na de verwachting" not in in_time.reason
    stopped = monitoring.expected_phase_status("B", D(2025, 9, 1), "month", D(2026, 1, 1), reached=False, stopped="Teruggetrokken")
    assert stopped.code == "lapsed" and stopped.label == "vervallen"
