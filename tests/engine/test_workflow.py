"""The workflow engine: transition table, gates, checklist, duties and reconstruction of public histories.

The expected table and the expected messages are written out here by hand (from DOMAIN.md §1 and
seeds 000/003), not read from the engine, so a change to the rules shows up as a failing test.
"""

import datetime as dt
import itertools

import pytest

from maatwerk.engine import workflow as wf
from maatwerk.engine.workflow import TrajectoryFacts, WorkflowEvent, check_transition, derive_state

D = dt.date

PHASES = [
    "exploration", "eop_signed", "jloi_concept", "amvi_advice", "jloi_signed",
    "binding_agreement", "realisation", "completed", "no_potential", "paused", "withdrawn",
]
MAIN = PHASES[:8]
BEFORE_BINDING = ["exploration", "eop_signed", "jloi_concept", "amvi_advice", "jloi_signed"]

EXPECTED_GATES = {
    ("exploration", "eop_signed"): {"eligible", "climate_plan", "willing_to_invest_in_nl", "eop_document"},
    ("eop_signed", "jloi_concept"): {"concept_jloi_document", "business_case_document", "climate_plan"},
    ("jloi_concept", "amvi_advice"): {"amvi_advice_recorded", "amvi_feasibility", "amvi_cost_effectiveness", "amvi_ambition"},
    ("amvi_advice", "jloi_signed"): {"amvi_advice_recorded", "amvi_responses", "jloi_document"},
    ("jloi_signed", "binding_agreement"): {
        "jloi_document", "parliament_informed", "kamerstuk_recorded", "binding_agreement_document", "financial_securities",
    },
    ("binding_agreement", "realisation"): {"binding_agreement_document", "milestones_recorded"},
    ("realisation", "completed"): {"realisation_reported"},
}
for _p in ["exploration", "eop_signed", "jloi_concept", "amvi_advice"]:
    EXPECTED_GATES[(_p, "no_potential")] = {"joint_conclusion"}
for _p in BEFORE_BINDING:
    EXPECTED_GATES[(_p, "paused")] = {"pause_reason"}
    EXPECTED_GATES[("paused", _p)] = {"resume_where_paused"}
for _p in ["exploration", "eop_signed", "jloi_concept", "amvi_advice", "jloi_signed", "binding_agreement", "realisation", "paused"]:
    EXPECTED_GATES[(_p, "withdrawn")] = {"withdrawal_reason"}

ALLOWED = sorted(EXPECTED_GATES)
REFUSED = [(a, b) for a, b in itertools.product(PHASES, PHASES) if a != b and (a, b) not in EXPECTED_GATES]


def full_facts(**overrides) -> TrajectoryFacts:
    """Facts under which every gate of every move holds."""
    base = dict(
        top20=True,
        climate_plan_target_year=2040,
        willing_to_invest_in_nl=True,
        documents={"eop", "concept_jloi", "business_case", "jloi", "binding_agreement", "progress_report"},
        amvi_advice_recorded=True,
        amvi_feasibility="positive",
        amvi_cost_effectiveness="positive",
        amvi_ambition="not_explicit",
        amvi_items=(("condition", "adopted", False), ("advice", "partly", True), ("consideration", "not_adopted", True)),
        jloi_signed_on=D(2023, 11, 21),
        parliament_informed_on=D(2023, 11, 22),
        kamerstuk="29826-999",
        financial_securities=True,
        milestone_count=3,
        realisation_reported=True,
        joint_conclusion_note="Samen vastgesteld: geen additionele scope-1-reductie in 2030 mogelijk.",
        pause_reason="AVI: eerst andere routes voor CO2-reductie en circulariteit.",
        withdrawal_reason="Juridische belemmeringen en marktomstandigheden.",
        phase_before_pause=None,
    )
    base.update(overrides)
    return TrajectoryFacts(**base)


def facts_for(move, **overrides):
    a, b = move
    if a == "paused":
        overrides.setdefault("phase_before_pause", b)
    return full_facts(**overrides)


# --- phases as data --------------------------------------------------------------------------


def test_phases_are_data_with_dutch_labels_in_order():
    assert [p.code for p in wf.PHASES] == PHASES
    assert wf.PHASE_BY_CODE["eop_signed"].label == "Expression of Principles getekend"
    assert wf.PHASE_BY_CODE["jloi_concept"].label == "Concept-JLoI bij AMVI"
    assert wf.PHASE_BY_CODE["binding_agreement"].label == "Bindende maatwerkafspraak"
    assert wf.PHASE_BY_CODE["paused"].label == "Gepauzeerd"
    assert [p.order for p in wf.PHASES] == list(range(11))
    assert {p.code for p in wf.PHASES if p.is_exit} == {"no_potential", "paused", "withdrawn"}
    assert wf.FINAL_PHASES == {"completed", "no_potential", "withdrawn"}
    # Public once signed (q 12, q 42); the concept and its background are confidential.
    assert {p.code for p in wf.PHASES if not p.public} == {"exploration", "jloi_concept", "amvi_advice"}
    assert wf.PHASE_BY_CODE["eop_signed"].product.startswith("Expression of Principles")


def test_next_phase_walks_the_main_line_and_stops():
    assert [wf.next_phase(p) for p in MAIN] == MAIN[1:] + [None]
    for p in ("no_potential", "paused", "withdrawn", "nonsense"):
        assert wf.next_phase(p) is None


# --- the table -------------------------------------------------------------------------------


def test_table_is_exactly_the_expected_moves_with_their_gates():
    got = {(t.from_phase, t.to_phase): set(t.conditions) for t in wf.TRANSITIONS}
    assert got == EXPECTED_GATES
    assert len(wf.TRANSITIONS) == 29
    assert all(c in wf.CONDITIONS for t in wf.TRANSITIONS for c in t.conditions)
    assert all(c.source and c.label for c in wf.CONDITIONS.values())


@pytest.mark.parametrize("move", ALLOWED, ids=lambda m: f"{m[0]}->{m[1]}")
def test_every_allowed_move_passes_when_its_gates_hold(move):
    check = check_transition(*move, facts_for(move))
    assert check.allowed, check.reasons
    assert check.reasons == () and check.codes == ()


@pytest.mark.parametrize("move", REFUSED, ids=lambda m: f"{m[0]}->{m[1]}")
def test_every_other_pair_is_refused_even_with_all_facts(move):
    check = check_transition(*move, facts_for(move, phase_before_pause=move[1]))
    assert not check.allowed
    assert len(check.reasons) == 1 and check.codes[0] in {"final_phase", "backward", "skip", "not_in_table"}


def test_refused_pairs_count():
    assert len(REFUSED) == 11 * 11 - 11 - 29


@pytest.mark.parametrize("phase", PHASES)
def test_same_phase_move_is_refused(phase):
    check = check_transition(phase, phase, full_facts())
    assert not check.allowed and check.codes == ("same_phase",)
    assert "al in de fase" in check.reasons[0]


@pytest.mark.parametrize("pair", [("exploration", "signed"), ("bogus", "eop_signed"), ("", "exploration")])
def test_unknown_phase_is_refused_clearly(pair):
    check = check_transition(*pair, full_facts())
    assert not check.allowed and check.codes == ("unknown_phase",)
    assert "Onbekende fase" in check.reasons[0]


@pytest.mark.parametrize(
    "pair, code, fragment",
    [
        (("completed", "realisation"), "final_phase", "eindfase"),
        (("withdrawn", "exploration"), "final_phase", "eindfase"),
        (("no_potential", "eop_signed"), "final_phase", "eindfase"),
        (("amvi_advice", "jloi_concept"), "backward", "Terug van 'AMVI-advies' naar 'Concept-JLoI bij AMVI'"),
        (("exploration", "jloi_signed"), "skip", "na 'Verkenning' volgt 'Expression of Principles getekend'"),
        (("binding_agreement", "paused"), "not_in_table", "niet toegestaan"),
        (("paused", "binding_agreement"), "not_in_table", "niet toegestaan"),
        (("jloi_signed", "no_potential"), "not_in_table", "niet toegestaan"),
        (("paused", "no_potential"), "not_in_table", "niet toegestaan"),
    ],
)
def test_refusal_messages_say_why(pair, code, fragment):
    check = check_transition(*pair, full_facts(phase_before_pause="exploration"))
    assert check.codes == (code,)
    assert fragment in check.reasons[0]


# --- each gate condition failing alone --------------------------------------------------------

# condition code -> (facts overrides that break only it, fragment of the Dutch reason)
BREAK = {
    "eligible": ({"top20": False, "extension_reason": ""}, "niet in de top-20"),
    "climate_plan": ({"climate_plan_target_year": None}, "Geen klimaatplan vastgelegd"),
    "willing_to_invest_in_nl": ({"willing_to_invest_in_nl": None}, "investeren en te produceren in Nederland"),
    "eop_document": ({"documents": {"concept_jloi", "business_case", "jloi", "binding_agreement"}}, "Expression of Principles"),
    "concept_jloi_document": ({"documents": {"eop", "business_case", "jloi", "binding_agreement"}}, "concept-JLoI"),
    "business_case_document": ({"documents": {"eop", "concept_jloi", "jloi", "binding_agreement"}}, "businesscase"),
    "amvi_advice_recorded": ({"amvi_advice_recorded": False}, "Geen AMVI-advies"),
    "amvi_feasibility": ({"amvi_feasibility": ""}, "haalbaarheid"),
    "amvi_cost_effectiveness": ({"amvi_cost_effectiveness": " "}, "doelmatigheid"),
    "amvi_ambition": ({"amvi_ambition": ""}, "ambitieniveau"),
    "amvi_responses": ({"amvi_items": (("condition", "adopted", False), ("advice", "pending", False))}, "advies 1 (nog geen reactie)"),
    "jloi_document": ({"documents": {"eop", "concept_jloi", "business_case", "binding_agreement"}}, "Joint Letter of Intent"),
    "parliament_informed": ({"parliament_informed_on": None, "parliament_informed": False}, "Kamer is (nog) niet geïnformeerd"),
    "kamerstuk_recorded": ({"kamerstuk": ""}, "Kamerstuknummer"),
    "binding_agreement_document": ({"documents": {"eop", "concept_jloi", "business_case", "jloi"}}, "bindende maatwerkafspraak"),
    "financial_securities": ({"financial_securities": False}, "financiële zekerheden"),
    "milestones_recorded": ({"milestone_count": 0}, "mijlpalen"),
    "realisation_reported": ({"realisation_reported": False}, "eindrapportage"),
    "joint_conclusion": ({"joint_conclusion_note": "  "}, "gezamenlijke conclusie"),
    "pause_reason": ({"pause_reason": ""}, "reden voor het pauzeren"),
    "resume_where_paused": ({"phase_before_pause": None}, "Onbekend in welke fase"),
    "withdrawal_reason": ({"withdrawal_reason": ""}, "reden voor het beëindigen"),
}
SINGLE_FAILURES = [(move, cond) for move in ALLOWED for cond in sorted(EXPECTED_GATES[move])]


def test_every_condition_has_a_breaking_case():
    assert set(BREAK) == set(wf.CONDITIONS)


@pytest.mark.parametrize("move, cond", SINGLE_FAILURES, ids=lambda x: x if isinstance(x, str) else f"{x[0]}->{x[1]}")
def test_each_gate_condition_failing_alone_refuses_with_its_reason(move, cond):
    overrides, fragment = BREAK[cond]
    check = check_transition(*move, facts_for(move, **overrides))
    assert not check.allowed
    assert check.codes == (cond,)
    assert len(check.reasons) == 1 and fragment.lower() in check.reasons[0].lower()


def test_several_missing_things_are_all_named():
    check = check_transition("exploration", "eop_signed", TrajectoryFacts())
    assert check.codes == ("eligible", "climate_plan", "willing_to_invest_in_nl", "eop_document")
    assert "Onbekend of het bedrijf in de top-20 staat" in check.reasons[0]
    assert "Niet vastgelegd dat het bedrijf bereid is" in check.reasons[2]


@pytest.mark.parametrize(
    "year, allowed", [(2040, True), (2035, True), (2050, True), (2051, False), (2055, False), (None, False)]
)
def test_climate_plan_aim_2040_latest_2050(year, allowed):
    check = check_transition("exploration", "eop_signed", full_facts(climate_plan_target_year=year))
    assert check.allowed is allowed
    if year is not None and not allowed:
        assert check.reasons == (f"Het klimaatplan mikt op klimaatneutraliteit in {year}; uiterlijk 2050 is vereist (streven 2040).",)


def test_extension_outside_top20_needs_a_reason():
    # Cosun is not in the top-20 but admitted as an extension (DOMAIN §1, §6).
    assert check_transition("exploration", "eop_signed", full_facts(top20=False, extension_reason="Uitbreiding maart 2024")).allowed
    assert check_transition("exploration", "eop_signed", full_facts(top20=None, extension_reason="Uitbreiding")).allowed
    refused = check_transition("exploration", "eop_signed", full_facts(top20=None))
    assert refused.codes == ("eligible",) and "Onbekend of het bedrijf" in refused.reasons[0]


def test_unwilling_company_is_named_as_such():
    check = check_transition("exploration", "eop_signed", full_facts(willing_to_invest_in_nl=False))
    assert check.reasons == ("Het bedrijf is niet bereid blijvend te investeren en te produceren in Nederland.",)


def test_amvi_responses_name_exactly_which_items_lack_a_response():
    items = (
        ("condition", "adopted", False),
        ("advice", "adopted", False),
        ("advice", "not_adopted", False),  # needs a reason
        ("consideration", "pending", False),
        ("condition", "partly", True),
    )
    check = check_transition("amvi_advice", "jloi_signed", full_facts(amvi_items=items))
    assert check.reasons == (
        "Kabinetsreactie op het AMVI-advies ontbreekt voor: advies 2 (niet overgenomen zonder reden), "
        "overweging 1 (nog geen reactie).",
    )
    # AnQore (000): one condition, two pieces of advice, one consideration, all answered.
    anqore = (("condition", "adopted", True), ("advice", "adopted", True), ("advice", "adopted", True), ("consideration", "partly", True))
    assert check_transition("amvi_advice", "jloi_signed", full_facts(amvi_items=anqore)).allowed
    # An advice without items needs no responses.
    assert check_transition("amvi_advice", "jloi_signed", full_facts(amvi_items=())).allowed


def test_no_signed_jloi_without_amvi_advice():
    check = check_transition("amvi_advice", "jloi_signed", full_facts(amvi_advice_recorded=False, amvi_items=()))
    assert check.codes == ("amvi_advice_recorded",)
    assert "pas getekend na het advies van de AMVI" in check.reasons[0]


def test_parliament_informed_without_public_day_counts():
    facts = full_facts(parliament_informed_on=None, parliament_informed=True)
    assert check_transition("jloi_signed", "binding_agreement", facts).allowed


def test_resume_only_to_the_phase_paused_in():
    facts = full_facts(phase_before_pause="exploration")
    assert check_transition("paused", "exploration", facts).allowed
    wrong = check_transition("paused", "eop_signed", facts)
    assert wrong.codes == ("resume_where_paused",)
    assert wrong.reasons == (
        "Het traject werd gepauzeerd in de fase 'Verkenning' en kan alleen daarin worden hervat, "
        "niet in 'Expression of Principles getekend'.",
    )


def test_amvi_items_accept_plain_tuples_and_documents_any_iterable():
    facts = TrajectoryFacts(documents=["eop", "eop"], amvi_items=[("advice", "adopted", False)])
    assert facts.documents == frozenset({"eop"})
    assert facts.amvi_items == (wf.AmviItemFact("advice", "adopted", False),)


def test_none_text_from_a_nullable_column_counts_as_empty():
    facts = TrajectoryFacts(top20=False, extension_reason=None, kamerstuk=None, withdrawal_reason=None)
    assert facts.extension_reason == "" and facts.kamerstuk == ""
    assert check_transition("exploration", "withdrawn", facts).codes == ("withdrawal_reason",)


def test_moves_from_lists_buttons_for_a_phase():
    assert {t.to_phase for t in wf.moves_from("amvi_advice")} == {"jloi_signed", "no_potential", "paused", "withdrawn"}
    assert {t.to_phase for t in wf.moves_from("paused")} == set(BEFORE_BINDING) | {"withdrawn"}
    assert wf.moves_from("completed") == ()


# --- gate checklist ----------------------------------------------------------------------------


def test_gate_checklist_for_exploration():
    facts = TrajectoryFacts(top20=True, climate_plan_target_year=2060, willing_to_invest_in_nl=True)
    items = wf.gate_checklist("exploration", facts)
    assert [(i.code, i.satisfied) for i in items] == [
        ("eligible", True), ("climate_plan", False), ("willing_to_invest_in_nl", True), ("eop_document", False),
    ]
    assert items[0].reason == "" and "2060" in items[1].reason
    assert items[3].reason == "Document ontbreekt: getekende Expression of Principles."
    assert all(i.label and i.source for i in items)


def test_gate_checklist_for_jloi_signed_all_satisfied_then_one_missing():
    assert all(i.satisfied for i in wf.gate_checklist("jloi_signed", full_facts()))
    items = wf.gate_checklist("jloi_signed", full_facts(kamerstuk=""))
    assert [i.code for i in items if not i.satisfied] == ["kamerstuk_recorded"]


@pytest.mark.parametrize("phase", ["completed", "no_potential", "paused", "withdrawn", "unknown"])
def test_gate_checklist_is_empty_without_a_next_main_line_phase(phase):
    assert wf.gate_checklist(phase, full_facts()) == ()


# --- obligations -------------------------------------------------------------------------------

SIGNED = D(2023, 11, 21)  # Nobian JLoI


def _codes(duties):
    return [(o.code, o.overdue) for o in duties]


def test_parliament_duty_open_on_signing_day_and_overdue_from_the_next():
    facts = TrajectoryFacts(jloi_signed_on=SIGNED)
    on_day = wf.obligations("jloi_signed", facts, SIGNED)
    assert _codes(on_day) == [("inform_parliament_jloi", False)]
    assert on_day[0].due == SIGNED and "21-11-2023" in on_day[0].label and "Kamerstuknummer" in on_day[0].label
    assert _codes(wf.obligations("jloi_signed", facts, D(2023, 11, 22))) == [("inform_parliament_jloi", True)]
    # It stays overdue in later phases until recorded.
    assert _codes(wf.obligations("binding_agreement", facts, D(2024, 12, 19))) == [("inform_parliament_jloi", True)]


def test_parliament_duty_grace_period_can_be_chosen():
    facts = TrajectoryFacts(jloi_signed_on=SIGNED)
    assert _codes(wf.obligations("jloi_signed", facts, D(2023, 11, 28), grace_days=7)) == [("inform_parliament_jloi", False)]
    assert _codes(wf.obligations("jloi_signed", facts, D(2023, 11, 29), grace_days=7)) == [("inform_parliament_jloi", True)]


def test_parliament_duty_done_with_date_and_kamerstuk():
    facts = TrajectoryFacts(jloi_signed_on=SIGNED, parliament_informed_on=D(2023, 11, 22), kamerstuk="29826-999")
    assert wf.obligations("jloi_signed", facts, D(2024, 1, 1)) == ()


def test_kamerstuk_still_to_record_is_open_but_not_overdue():
    facts = TrajectoryFacts(jloi_signed_on=SIGNED, parliament_informed_on=D(2023, 11, 22))
    assert _codes(wf.obligations("jloi_signed", facts, D(2024, 1, 1))) == [("record_kamerstuk_jloi", False)]


def test_parliament_duty_with_unknown_signing_day_is_open_without_due_date():
    duties = wf.obligations("jloi_signed", TrajectoryFacts(), D(2025, 10, 1))
    assert _codes(duties) == [("inform_parliament_jloi", False)]
    assert duties[0].due is None and "tekendatum JLoI onbekend" in duties[0].label


def test_no_parliament_duty_before_a_signed_jloi():
    for phase in ["exploration", "eop_signed", "jloi_concept", "amvi_advice", "paused"]:
        assert wf.obligations(phase, TrajectoryFacts(), D(2025, 1, 1)) == ()


def test_amvi_responses_and_progress_report_duties():
    facts = TrajectoryFacts(amvi_advice_recorded=True, amvi_items=(("condition", "pending", False),))
    duties = wf.obligations("amvi_advice", facts, D(2025, 6, 24))
    assert _codes(duties) == [("respond_amvi", False)] and "voorwaarde 1 (nog geen reactie)" in duties[0].label
    done = full_facts(documents={"binding_agreement"})
    assert _codes(wf.obligations("realisation", done, D(2027, 1, 1))) == [("progress_report", False)]
    assert wf.obligations("realisation", full_facts(), D(2027, 1, 1)) == ()


def test_obligations_reject_unknown_phase():
    with pytest.raises(ValueError):
        wf.obligations("nonsense", TrajectoryFacts(), D(2025, 1, 1))


# --- reconstruction of public histories ---------------------------------------------------------

LOADED = dt.datetime(2026, 1, 5, 9, 0)  # when the demo was recorded (after all these dates)


def ev(to, date=None, n=0, kind="transition", **payload):
    """An event recorded at LOADED + n minutes (the order a loader writes them in)."""
    return WorkflowEvent(date, LOADED + dt.timedelta(minutes=n), kind, to, payload)


NOBIAN = [
    ev("eop_signed", D(2022, 12, 12), 0),
    ev("jloi_concept", None, 1, not_after="2023-11-21"),
    ev("amvi_advice", None, 2, before="2023-11-21"),  # "before the JLoI", day not public
    ev("jloi_signed", D(2023, 11, 21), 3),
    ev(None, D(2023, 11, 22), 4, kind="parliament", kamerstuk=""),
    ev("binding_agreement", D(2024, 12, 19), 5),
]

ANQORE = [  # seed 000 and DOMAIN §6
    ev("eop_signed", D(2023, 7, 17), 0),
    ev("jloi_concept", D(2025, 5, 8), 1),
    ev("amvi_advice", D(2025, 6, 23), 2),
    ev("jloi_signed", D(2025, 7, 8), 3),
]


@pytest.mark.parametrize(
    "as_of, phase, since",
    [
        (D(2022, 12, 11), "exploration", None),
        (D(2022, 12, 12), "eop_signed", D(2022, 12, 12)),
        (D(2023, 6, 1), "eop_signed", D(2022, 12, 12)),  # the AMVI steps are not known to have happened yet
        (D(2023, 11, 20), "amvi_advice", None),  # advice certainly before the JLoI (bound 20 Nov), day unknown
        (D(2023, 11, 21), "jloi_signed", D(2023, 11, 21)),
        (D(2024, 12, 18), "jloi_signed", D(2023, 11, 21)),
        (D(2024, 12, 19), "binding_agreement", D(2024, 12, 19)),
        (None, "binding_agreement", D(2024, 12, 19)),
    ],
)
def test_nobian_as_of(as_of, phase, since):
    state = derive_state(NOBIAN, as_of)
    assert (state.phase, state.since) == (phase, since)


def test_nobian_history_and_undated_entries():
    state = derive_state(NOBIAN, D(2025, 1, 1))
    assert [e.phase for e in state.history] == [
        "exploration", "eop_signed", "jloi_concept", "amvi_advice", "jloi_signed", "binding_agreement",
    ]
    concept, advice = state.history[2], state.history[3]
    # The concept went to the AMVI no later than the advice, which came before 21 Nov.
    assert (concept.since, concept.not_after) == (None, D(2023, 11, 20))
    assert (advice.since, advice.not_after) == (None, D(2023, 11, 20))
    assert all(e.regular for e in state.history)
    assert state.entered_on("jloi_signed") == D(2023, 11, 21)
    assert state.entered_on("amvi_advice") is None and state.reached("amvi_advice")
    assert state.entered_on("realisation") is None and not state.reached("realisation")
    as_of_advice = derive_state(NOBIAN, D(2023, 11, 20))
    assert as_of_advice.since is None and as_of_advice.since_not_after == D(2023, 11, 20)
    assert not as_of_advice.since_known


@pytest.mark.parametrize(
    "as_of, phase, since",
    [
        (D(2023, 7, 16), "exploration", None),
        (D(2023, 7, 17), "eop_signed", D(2023, 7, 17)),
        (D(2025, 5, 7), "eop_signed", D(2023, 7, 17)),
        (D(2025, 5, 8), "jloi_concept", D(2025, 5, 8)),
        (D(2025, 6, 23), "amvi_advice", D(2025, 6, 23)),
        (D(2025, 7, 7), "amvi_advice", D(2025, 6, 23)),
        (D(2025, 7, 8), "jloi_signed", D(2025, 7, 8)),
        (D(2025, 9, 30), "jloi_signed", D(2025, 7, 8)),
    ],
)
def test_anqore_as_of(as_of, phase, since):
    state = derive_state(ANQORE, as_of)
    assert (state.phase, state.since) == (phase, since)


def test_events_are_ordered_by_effective_date_not_input_order():
    shuffled = [ANQORE[3], ANQORE[0], ANQORE[2], ANQORE[1]]
    state = derive_state(shuffled)
    assert [e.phase for e in state.history] == ["exploration", "eop_signed", "jloi_concept", "amvi_advice", "jloi_signed"]
    assert state.phase == "jloi_signed" and all(e.regular for e in state.history)


def test_same_day_events_ordered_by_recorded_at():
    day = D(2025, 6, 30)
    later_withdrawal = [ev("eop_signed", D(2023, 4, 13), 0), ev("withdrawn", day, 2), ev("paused", day, 1)]
    assert derive_state(later_withdrawal).phase == "withdrawn"
    earlier_withdrawal = [ev("eop_signed", D(2023, 4, 13), 0), ev("withdrawn", day, 1), ev("paused", day, 2)]
    state = derive_state(earlier_withdrawal)
    assert state.phase == "paused"  # recorded last; the move out of a final phase is kept but irregular
    assert not state.history[-1].regular


def test_bounded_undated_event_sorts_before_an_event_dated_on_its_bound():
    # Cosun (§6): concept and advice undated "by the JLoI", JLoI signed 23 Jun 2025, recorded in any order.
    events = [
        ev("jloi_signed", D(2025, 6, 23), 0),
        ev("eop_signed", None, 1, not_after="2024-03"),
        ev("jloi_concept", None, 2, not_after="2025-06-23"),
        ev("amvi_advice", None, 3, not_after="2025-06-23"),
        ev("binding_agreement", D(2025, 12, 18), 4),
    ]
    state = derive_state(events)
    assert [e.phase for e in state.history][1:] == ["eop_signed", "jloi_concept", "amvi_advice", "jloi_signed", "binding_agreement"]
    assert state.history[1].not_after == D(2024, 3, 31)  # partial date = last day of the month
    assert derive_state(events, D(2024, 3, 30)).phase == "exploration"
    assert derive_state(events, D(2024, 3, 31)).phase == "eop_signed"
    assert derive_state(events, D(2025, 12, 17)).phase == "jloi_signed"


def test_undated_moves_with_the_same_bound_follow_the_process_order():
    # Recorded in the "wrong" order; both only known to be before the JLoI (Tata Steel, §6).
    events = [
        ev("eop_signed", None, 0, not_after="2021"),
        ev("amvi_advice", None, 1, not_after="2025-09-29"),
        ev("jloi_concept", None, 2, not_after="2025-09-29"),
        ev("jloi_signed", D(2025, 9, 29), 3),
    ]
    state = derive_state(events)
    assert [e.phase for e in state.history] == ["exploration", "eop_signed", "jloi_concept", "amvi_advice", "jloi_signed"]
    assert all(e.regular for e in state.history)
    assert state.history[1].not_after == D(2021, 12, 31)
    assert derive_state(events, D(2025, 9, 28)).phase == "eop_signed"
    assert derive_state(events, D(2022, 1, 1)).since is None


def test_approx_date_counts_as_estimate_but_since_stays_unknown():
    events = [ev("eop_signed", None, 0, approx="2023-09-15", not_after="2023-09-30")]
    assert derive_state(events, D(2023, 9, 14)).phase == "exploration"
    state = derive_state(events, D(2023, 9, 15))
    assert state.phase == "eop_signed"
    assert (state.since, state.since_approx, state.since_not_after) == (None, D(2023, 9, 15), D(2023, 9, 30))


def test_undated_event_without_hint_is_bounded_by_its_recording():
    events = [ev("eop_signed", None, 0)]
    assert derive_state(events, D(2026, 1, 4)).phase == "exploration"
    state = derive_state(events, D(2026, 1, 5))
    assert state.phase == "eop_signed" and state.since is None and state.since_not_after == D(2026, 1, 5)


def test_waste_incinerator_paused_then_resumed_in_exploration():
    # AEB/AVR (§6): paused (by mid-2023), talks start 17 Jan 2025.
    events = [ev("paused", None, 0, not_after="2023-06-30"), ev("exploration", D(2025, 1, 17), 1)]
    paused = derive_state(events, D(2024, 12, 31))
    assert paused.phase == "paused" and paused.phase_before_pause == "exploration" and paused.since is None
    resumed = derive_state(events, D(2025, 1, 17))
    assert resumed.phase == "exploration" and resumed.since == D(2025, 1, 17) and resumed.phase_before_pause is None
    assert [e.regular for e in resumed.history] == [True, True, True]


def test_resume_to_another_phase_is_marked_irregular():
    events = [ev("eop_signed", D(2023, 1, 1), 0), ev("paused", D(2023, 2, 1), 1), ev("jloi_concept", D(2023, 3, 1), 2)]
    state = derive_state(events)
    assert state.phase == "jloi_concept" and not state.history[-1].regular
    assert derive_state(events, D(2023, 2, 15)).phase_before_pause == "eop_signed"


def test_dow_withdrawn_30_june_2025():
    events = [ev("eop_signed", D(2022, 12, 6), 0), ev("withdrawn", D(2025, 6, 30), 1)]
    assert derive_state(events, D(2025, 6, 29)).phase == "eop_signed"
    state = derive_state(events, D(2025, 6, 30))
    assert (state.phase, state.since, state.label) == ("withdrawn", D(2025, 6, 30), "Teruggetrokken")


def test_non_phase_events_do_not_move_and_restatement_dates_the_start():
    events = [
        ev("exploration", D(2022, 3, 1), 0),  # talks started
        ev(None, D(2022, 7, 15), 1, kind="note"),
        ev("eop_signed", D(2022, 12, 12), 2),
        ev("eop_signed", D(2023, 1, 1), 3),  # restated: ignored
    ]
    assert derive_state(events, D(2022, 8, 1)).since == D(2022, 3, 1)
    state = derive_state(events)
    assert [e.phase for e in state.history] == ["exploration", "eop_signed"] and state.since == D(2022, 12, 12)


def test_known_at_drops_events_recorded_later():
    events = [ev("eop_signed", D(2022, 12, 12), 0), ev("jloi_signed", D(2023, 11, 21), 60)]
    assert derive_state(events, known_at=LOADED + dt.timedelta(minutes=30)).phase == "eop_signed"
    assert derive_state(events, known_at=LOADED + dt.timedelta(minutes=60)).phase == "jloi_signed"


def test_plain_tuples_are_accepted():
    events = [(D(2022, 12, 12), LOADED, "transition", "eop_signed", {})]
    assert derive_state(events).phase == "eop_signed"


def test_no_events_means_exploration_since_unknown():
    state = derive_state([])
    assert (state.phase, state.since, len(state.history)) == ("exploration", None, 1)


def test_unknown_phase_in_events_raises():
    with pytest.raises(ValueError, match="onbekende fase"):
        derive_state([ev("signed", D(2023, 1, 1))])


def test_unreadable_hint_raises():
    with pytest.raises(ValueError, match="onleesbare datum"):
        derive_state([ev("eop_signed", None, 0, not_after="ergens in 2023")])


def test_derived_state_feeds_the_facts_and_duties_end_to_end():
    """As of 22 Nov 2023 Nobian's letter was sent; as of 21 Nov the duty was open, not yet overdue."""
    for as_of, letter, expected in [
        (D(2023, 11, 21), None, [("inform_parliament_jloi", False)]),
        (D(2023, 11, 22), D(2023, 11, 22), [("record_kamerstuk_jloi", False)]),  # no Kamerstuk number in our record
    ]:
        state = derive_state(NOBIAN, as_of)
        facts = TrajectoryFacts(jloi_signed_on=state.entered_on("jloi_signed"), parliament_informed_on=letter)
        assert _codes(wf.obligations(state.phase, facts, as_of)) == expected
