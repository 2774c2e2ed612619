"""A timeline lists the events in the order the state is derived from them (one ordering, in the engine)."""

import datetime as dt

import pytest

from maatwerk.engine import workflow
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Event

from .. import factories

pytestmark = pytest.mark.django_db


def test_the_timeline_follows_the_derived_state_when_the_main_line_tightens_a_bound():
    """The concept JLoI is known only as 'no later than 20 November 2023'; the AMVI advised on 1 October
    2023. The main line is never walked backwards, so the concept JLoI came first: the state says so, and
    so must the timeline (sorting by the bound alone would put it after the advice)."""
    t = factories.trajectory(phase=workflow.EOP_SIGNED, since=dt.date(2023, 1, 10))
    concept = Event.objects.create(trajectory=t, kind="transition", to_phase=workflow.JLOI_CONCEPT, not_after=dt.date(2023, 11, 20))
    advice = Event.objects.create(trajectory=t, kind="transition", to_phase=workflow.AMVI_ADVICE, effective_date=dt.date(2023, 10, 1))
    history = [entry.phase for entry in services.state_as_of(t).history]
    assert history[-2:] == [workflow.JLOI_CONCEPT, workflow.AMVI_ADVICE]
    timeline = [e.pk for e in services.ordered_events(t) if e.to_phase in (workflow.JLOI_CONCEPT, workflow.AMVI_ADVICE)]
    assert timeline == [concept.pk, advice.pk]
    by_bound = sorted([concept, advice], key=lambda e: e.effective_date or e.not_after)  # the naive order disagrees
    assert [e.pk for e in by_bound] == [advice.pk, concept.pk]


def test_on_one_day_an_event_known_by_its_bound_comes_before_the_dated_one():
    t = factories.trajectory()
    dated = Event.objects.create(trajectory=t, kind="note", effective_date=dt.date(2024, 3, 1), note="dated")
    bound = Event.objects.create(trajectory=t, kind="note", not_after=dt.date(2024, 3, 1), note="bound")
    assert [e.pk for e in services.ordered_events(t)][-2:] == [bound.pk, dated.pk]
