"""Case intake through the services (issue 13 point 4): companies, admission, parties, sources, and
events with partial or bounded dates and recorded gate exceptions.

Expectations are reasoned by hand from the rule "a month or year counts from its last possible day,
a bound from the bound" (never the code's own output)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from maatwerk.core.dates import PartialDate, When
from maatwerk.registry.models import Company, Installation, Operator
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Event, EventKind, Trajectory

pytestmark = pytest.mark.django_db


def counts():
    return (Company.objects.count(), Trajectory.objects.count(), Event.objects.count(),
            sorted(Installation.objects.values_list("pk", "company_id")), sorted(Operator.objects.values_list("pk", "company_id")))


@pytest.fixture
def alco_registry():
    operator = Operator.objects.create(name="ALCO ENERGY ROTTERDAM B.V.", country="NL")
    installation = Installation.objects.create(eutl_id="NL-439", name="Alco Energy Rotterdam", country="NL", operator=operator)
    return operator, installation


def alco(alco_registry, **kw):
    operator, installation = alco_registry
    return services.create_company(
        name="Alco Energy Rotterdam", sector="industry", provinces=["Zuid-Holland"], installations=["NL-439"],
        operators=[operator.pk], admission_kind="extension", admission_reason="Toegelaten als uitbreiding (voortgangsbrief maart 2024)", **kw)


def test_create_company_makes_its_trajectory_in_exploration_and_links_the_registry(alco_registry):
    operator, installation = alco_registry
    t = alco(alco_registry)
    assert t.phase == "exploration" and t.phase_since is None
    assert t.company.provinces == "Zuid-Holland" and t.company.in_programme
    operator.refresh_from_db()
    installation.refresh_from_db()
    assert operator.company_id == t.company_id
    assert installation.company_id is None and installation.effective_company == t.company  # follows its account holder
    assert t.admission_kind == "extension" and t.top20 is False and t.company.extension_reason.startswith("Toegelaten")
    assert services.state_as_of(t).phase == "exploration"


def test_bad_company_input_names_each_field_and_writes_nothing(alco_registry):
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.create_company(name="", sector="steel", provinces=["Zuid-Holand"], installations=["NL-99999"])
    errors = refused.value.message_dict
    assert set(errors) == {"name", "sector", "provinces", "installations"}
    assert "Zuid-Holand" in errors["provinces"][0] and "NL-99999" in errors["installations"][0]
    with pytest.raises(ValidationError) as refused:
        services.create_company(name="Alco", sector="industry", admission_kind="extension")
    assert "admission_reason" in refused.value.message_dict
    assert counts() == before


def test_a_name_in_use_is_a_duplicate(alco_registry):
    alco(alco_registry)
    before = counts()
    with pytest.raises(services.DuplicateName):
        services.create_company(name="alco energy rotterdam", sector="industry")
    assert counts() == before


def alco_case(t, actor=None):
    """Alco Energy Rotterdam from its public record (DOMAIN.md §6): EoP ?, by June 2025; concept and
    AMVI advice ?, before the JLoI; JLoI 11 March 2026; parliament informed, date unknown."""
    letter = services.add_source(t, kind="kamerbrief", title="Voortgangsbrief maatwerk", date="2025-06-30",
                                 reference="Kamerstuk 29 826 nr. 260", public=True)
    jloi = services.add_source(t, kind="jloi", title="JLoI Alco Energy Rotterdam", date="2026-03-11", public=True)
    exc = lambda doc: services.GateExceptions("Het openbare dossier noemt dit niet.", doc)  # noqa: E731
    services.record_event(t, "transition", "eop_signed", not_after="2025-06-30", source_document=letter, exceptions=exc(letter), actor=actor)
    services.record_event(t, "transition", "jloi_concept", before="2026-03-11", source_document=jloi, exceptions=exc(jloi), actor=actor)
    services.record_event(t, "amvi_advice", before="2026-03-11", source_document=jloi, advice={"summary": "Niet openbaar."}, actor=actor)
    services.record_event(t, "transition", "amvi_advice", before="2026-03-11", source_document=jloi, exceptions=exc(jloi), actor=actor)
    services.record_event(t, "transition", "jloi_signed", date="2026-03-11", source_document=jloi, actor=actor)
    services.record_event(t, "parliament_informed", source_document=jloi, actor=actor)
    return letter, jloi


def test_alco_from_its_public_record(alco_registry):
    t = alco(alco_registry)
    alco_case(t)
    # by hand: the EoP counts from 30 June 2025 (its bound), not a day earlier
    assert services.state_as_of(t, dt.date(2025, 6, 29)).phase == "exploration"
    assert services.state_as_of(t, dt.date(2025, 6, 30)).phase == "eop_signed"
    assert services.state_as_of(t, dt.date(2025, 6, 30)).since is None  # the day is not public
    # concept and advice: before 11 March 2026, so from 10 March 2026 at the latest
    assert services.state_as_of(t, dt.date(2026, 3, 9)).phase == "eop_signed"
    assert services.state_as_of(t, dt.date(2026, 3, 10)).phase == "amvi_advice"
    state = services.state_as_of(t, dt.date(2026, 3, 11))
    assert state.phase == "jloi_signed" and state.since == dt.date(2026, 3, 11)
    exceptions = t.events.filter(kind=EventKind.GATE_EXCEPTION).order_by("pk")
    assert [e.payload["to_phase"] for e in exceptions] == ["eop_signed", "jloi_concept", "amvi_advice"]
    assert {c["code"] for c in exceptions[0].payload["conditions"]} == {"climate_plan", "willing_to_invest_in_nl", "eop_document"}
    assert {c["code"] for c in exceptions[2].payload["conditions"]} == {"amvi_feasibility", "amvi_cost_effectiveness", "amvi_ambition"}
    notice = t.parliament_notices.get()
    assert notice.informed_on is None and notice.not_after is None
    assert services.facts_as_of(t).informed_parliament


def test_a_year_counts_from_its_last_day_and_a_month_from_the_months(alco_registry):
    t = alco(alco_registry)
    doc = services.add_source(t, kind="eop", title="EoP", date="2021", public=True)
    services.set_admission(t, "extension", "reden", doc)
    services.edit(t, {"climate_plan_target_year": 2045, "willing_to_invest_in_nl": True})
    services.record_event(t, "transition", "eop_signed", date="2021", source_document=doc)
    assert services.state_as_of(t, dt.date(2021, 12, 30)).phase == "exploration"
    assert services.state_as_of(t, dt.date(2021, 12, 31)).phase == "eop_signed"
    event = t.events.get(kind=EventKind.TRANSITION)
    assert event.effective_date is None and event.not_after == dt.date(2021, 12, 31)
    assert event.when == When(date=PartialDate(2021)) and event.when.dutch() == "in 2021"
    assert event.when.after == dt.date(2020, 12, 31)


def test_a_gate_is_strict_without_an_exception_and_an_exception_needs_reason_and_source(alco_registry):
    t = alco(alco_registry)
    doc = services.add_source(t, kind="kamerbrief", title="Brief", date="2025-06", public=True)
    before = counts()
    with pytest.raises(services.TransitionRefused) as refused:
        services.record_event(t, "transition", "eop_signed", not_after="2025-06-30")
    assert any("klimaatplan" in r.lower() for r in refused.value.reasons)
    with pytest.raises(ValidationError) as refused:
        services.record_event(t, "transition", "eop_signed", not_after="2025-06-30", exceptions=services.GateExceptions(" ", None))
    assert set(refused.value.message_dict) == {"exception_reason", "exception_source"}
    with pytest.raises(ValidationError) as refused:
        services.record_event(t, "transition", "eop_signed", not_after="2025-13")
    assert refused.value.message_dict == {"not_after": ["Uiterlijk op: '2025-13' is geen geldige maand (1 tot en met 12)."]}
    with pytest.raises(services.TransitionRefused):  # a skip is never excepted
        services.record_event(t, "transition", "jloi_signed", date="2026-03-11", exceptions=services.GateExceptions("x", doc))
    assert counts() == before


def test_a_month_a_before_and_an_estimate_count_as_reasoned_by_hand(alco_registry):
    t = alco(alco_registry)
    letter = services.add_source(t, kind="kamerbrief", title="Brief", date="2025-06", public=True)
    everything = services.GateExceptions("Niet openbaar.", letter)
    # EoP "in June 2025": some day in June, certainly by 30 June
    services.record_event(t, "transition", "eop_signed", date="2025-06", exceptions=everything)
    assert [services.state_as_of(t, dt.date(2025, 6, d)).phase for d in (29, 30)] == ["exploration", "eop_signed"]
    # concept JLoI "before March 2026" (before some day in March: at the latest before the 31st, so by the 30th)
    services.record_event(t, "transition", "jloi_concept", before="2026-03", exceptions=everything)
    assert [services.state_as_of(t, dt.date(2026, 3, d)).phase for d in (29, 30)] == ["eop_signed", "jloi_concept"]
    # a note with an estimate: stored as the bound and the estimate, shown as "ca."
    event = services.record_event(t, "note", not_after="2026-04-30", approx="2026-04-15", note="Gesprek")
    assert (event.not_after, event.approx, event.effective_date) == (dt.date(2026, 4, 30), dt.date(2026, 4, 15), None)
    assert event.when.dutch() == "ca. 15 april 2026 (uiterlijk 30 april 2026)"


def test_a_bound_before_the_current_phase_began_is_refused(alco_registry):
    t = alco(alco_registry)
    doc = services.add_source(t, kind="eop", title="EoP", date="2024-05-01", public=True)
    services.edit(t, {"climate_plan_target_year": 2045, "willing_to_invest_in_nl": True})
    services.record_event(t, "transition", "eop_signed", date="2024-05-01", source_document=doc)
    concept = services.add_source(t, kind="concept_jloi", title="Concept", date="2024")
    before = counts()
    with pytest.raises(services.TransitionRefused, match="vóór het begin van de huidige fase"):
        services.record_event(t, "transition", "jloi_concept", not_after="2024-04", exceptions=services.GateExceptions("x", concept))
    assert counts() == before


def test_an_exception_covers_only_what_it_names_and_is_never_needed_when_all_holds(alco_registry):
    t = alco(alco_registry)
    doc = services.add_source(t, kind="kamerbrief", title="Brief", date="2025-06-30", public=True)
    before = counts()
    with pytest.raises(services.TransitionRefused) as refused:  # the EoP document is still missing
        services.record_event(t, "transition", "eop_signed", date="2025-06-30",
                              exceptions=services.GateExceptions("x", doc, frozenset({"climate_plan", "willing_to_invest_in_nl"})))
    assert refused.value.reasons == ("Document ontbreekt: getekende Expression of Principles.",)
    eop = services.add_source(t, kind="eop", title="EoP", date="2025-06-30")
    services.edit(t, {"climate_plan_target_year": 2045, "willing_to_invest_in_nl": True})
    with pytest.raises(services.TransitionRefused, match="Geen uitzondering nodig"):
        services.record_event(t, "transition", "eop_signed", date="2025-06-30", exceptions=services.GateExceptions("x", eop))
    assert Event.objects.filter(kind__in=["transition", "gate_exception"]).count() == 0
    assert counts()[0:2] == before[0:2]


def test_an_exception_source_of_another_trajectory_is_refused(alco_registry):
    t = alco(alco_registry)
    other = services.create_company(name="Ander bedrijf", sector="industry")
    foreign = services.add_source(other, kind="kamerbrief", title="Elders", date="2025")
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.record_event(t, "transition", "eop_signed", not_after="2025-06-30", exceptions=services.GateExceptions("x", foreign))
    assert set(refused.value.message_dict) == {"exception_source"}
    with pytest.raises(ValidationError) as refused:
        services.set_admission(t, "extension", "reden", foreign)
    assert set(refused.value.message_dict) == {"admission_source"}
    assert counts() == before


def test_parliament_informed_date_unknown_and_an_advice_without_date_or_judgements(alco_registry):
    t = alco(alco_registry)
    event = services.record_event(t, "parliament_informed")
    assert event.kind == "parliament" and event.when.dutch() == "datum onbekend"
    advice_event = services.record_event(t, "amvi_advice", date="2026-02", advice={"summary": ""})
    advice = t.amvi_advices.get()
    assert advice.advice_date is None and (advice.feasibility, advice.cost_effectiveness, advice.ambition) == ("", "", "")
    assert advice_event.not_after == dt.date(2026, 2, 28) and advice_event.when.dutch() == "in februari 2026"


def test_parties_by_role(alco_registry):
    t = alco(alco_registry)
    party = services.add_party(t, "Provincie Zuid-Holland", "province")
    assert party.kind == "province" and services.party_role(party) == "province"
    assert services.add_party(t, "provincie zuid-holland", "province") == party  # already there: nothing changes
    assert t.events.filter(kind="party").count() == 1
    with pytest.raises(ValidationError) as refused:
        services.add_party(t, "Provincie Zuid-Holland", "company")
    assert set(refused.value.message_dict) == {"role"}
    services.remove_party(t, party)
    assert not t.parties.exists() and t.events.filter(kind="party").count() == 2


def test_update_company_relinks_and_names_a_taken_installation(alco_registry):
    operator, installation = alco_registry
    t = alco(alco_registry)
    other_op = Operator.objects.create(name="ANDER B.V.", country="NL")
    taken = Installation.objects.create(eutl_id="NL-440", name="Andere", country="NL", operator=other_op)
    other = services.create_company(name="Ander", sector="industry", operators=[other_op.pk])
    before = counts()
    with pytest.raises(ValidationError) as refused:
        services.update_company(t, {"installations": ["NL-439", "NL-440"]}, expected_version=t.version)
    assert "NL-440 hoort al bij Ander" in refused.value.message_dict["installations"][0]
    assert counts() == before
    t.refresh_from_db()
    with pytest.raises(services.StaleEdit):
        services.update_company(t, {"name": "Alco"}, expected_version=t.version - 1)
    services.update_company(t, {"name": "Alco Energy Rotterdam B.V.", "operators": []}, expected_version=t.version)
    operator.refresh_from_db()
    assert operator.company_id is None and Company.objects.get(pk=t.company_id).name == "Alco Energy Rotterdam B.V."
    taken.refresh_from_db()
    assert taken.effective_company == other.company


def test_an_event_resting_on_a_document_a_role_may_not_see_loses_its_title(alco_registry):
    from maatwerk.accounts.models import Role
    from maatwerk.trajectories import permissions

    from ..helpers import make_user

    t = alco(alco_registry)
    memo = services.add_source(t, kind="other", title="Interne notitie GEHEIM-7", date="2025-06")  # internal: not the AMVI's
    exc = services.GateExceptions("Niet openbaar.", memo)
    services.record_event(t, "transition", "eop_signed", not_after="2025-06-30", source_document=memo, exceptions=exc)
    services.record_event(t, "transition", "jloi_concept", before="2026-03-11", exceptions=exc)  # now put to the AMVI
    amvi = make_user("amvi-x", Role.AMVI)
    assert permissions.can_view_trajectory(amvi, t)
    shown = permissions.visible_events(amvi, services.ordered_events(t))
    resting = [e for e in shown if e.kind in ("transition", "gate_exception")]
    assert len(resting) == 4 and all("GEHEIM-7" not in e.source and e.source_document_id is None for e in resting)
    assert all("document" not in e.payload for e in resting)
    programme = make_user("prog-x", Role.PROGRAMME)
    assert any("GEHEIM-7" in e.source for e in permissions.visible_events(programme, services.ordered_events(t)))
