"""The maatwerk process as data: phases, the transition table, gate conditions, and a checker.

Pure Python: no Django, no I/O. A Django service fills a :class:`TrajectoryFacts` from its rows and
asks :func:`check_transition`, :func:`gate_checklist` and :func:`obligations`; the current phase is
never stored as the truth but derived from the append-only event history by :func:`derive_state`.

Sources are cited as in ``DOMAIN.md``: "q N" is question N of Kamerstuk 29 826 nr. 177 (seed 003,
answers to 81 parliamentary questions, 2023); "000" is the letter to parliament on the AnQore JLoI
(July 2025, seed 000); "§N" is a section of DOMAIN.md.

Phases (§1, q 8, q 12, q 42)
  exploration → eop_signed → jloi_concept → amvi_advice → jloi_signed → binding_agreement →
  realisation → completed, one step at a time (q 8: "stapsgewijs ... van een EoP, naar een JLOI naar
  uiteindelijke bindende maatwerkafspraken"; q 12: concept JLoI → AMVI → signed JLoI → binding).
  Exits: ``no_potential`` (jointly concluded, q 33, q 58, q 77), ``paused`` (e.g. the waste
  incinerators, q 33, q 59, q 78) and ``withdrawn`` (Dow, Shell and others, §6, progress letter of
  30 Jun 2025). ``completed``, ``no_potential`` and ``withdrawn`` are final; ``paused`` is not: the
  trajectory resumes in the phase it was paused in.

Decisions taken here (each is a rule a test pins down)
  * No move back from ``amvi_advice`` to ``jloi_concept``. The AMVI advises on the concept JLoI at
    the moment it can still absorb the advice into the definitive JLoI (000), and the minister may
    ask the AMVI for additional advice earlier or later (q 15). A revised concept put to the
    committee again is therefore recorded as a further AMVI advice *within* ``amvi_advice`` (the
    latest advice counts in the facts), not as a move back: the main line stays monotone, so the
    phase history and the phase-conversion rates of the outlook (§4) stay meaningful.
  * No other backward move and no skipping: every pair not in :data:`TRANSITIONS` is refused.
  * ``paused`` only before the binding agreement (exploration … jloi_signed); after a binding
    agreement a halt is a matter of that agreement (q 9), or a withdrawal.
  * ``no_potential`` only up to ``amvi_advice``: once a JLoI is signed, the parties have agreed
    there is potential; ending later is ``withdrawn``. Not from ``paused`` either: resume first.
  * Additionality (q 6, q 26: more reduction before 2030 than the levy requires, or large reductions
    soon after 2030) is not a gate: it is judged in the business case and by the AMVI (ambition),
    and its absence ends a trajectory through ``no_potential``.
  * Parliament must be informed after a signed JLoI (q 12; 000 footnote 1, process in Kamerstuk
    29 826 nr. 197). The duty is overdue from the day after signing
    (:data:`PARLIAMENT_NOTICE_GRACE_DAYS` = 0): Nobian signed 21 Nov 2023 and the letter went on
    22 Nov; Cosun signed and informed on 23 Jun 2025. A UI may pass another grace period.

Reconstruction rules (:func:`derive_state`)
  * Events are ordered by effective date, then ``recorded_at``. Only events with a ``to_phase``
    change the phase; the start is ``exploration`` with an unknown since-date.
  * An event without an effective date is placed by its ordering hints in ``payload``:
    ``not_after`` (it happened on or before that day), ``before`` (strictly before that day, so
    ``not_after`` = the day before) and ``approx`` (a best estimate). Dates may be ISO strings
    "YYYY-MM-DD", or partial "YYYY-MM" / "YYYY", which mean the *last* day of that month or year
    (so a phase is never shown before it can have begun). It can in any case not have happened
    after it was recorded, so ``recorded_at``'s date is a bound too. The event's *bound* is the
    earliest of these; its *estimate* is ``approx`` (capped by the bound) or else the bound.
  * The estimate is used for ordering and for "had it happened by ``as_of``?". With only bounds,
    this is the honest reading: the state as of a date is the last phase *known* to have been
    reached by then (Nobian's AMVI advice, "before the JLoI", counts from the JLoI's day, not
    earlier). On the same day an event known only by a bound sorts before an event dated on that
    day (it happened no later than it); events known only by the same bound follow the process
    order (phase order), then ``recorded_at``; among them, events that move no phase (a gate
    exception, a note) come first, as they document the move recorded with them (this places them
    in a timeline; the state itself does not depend on them).
  * The main line is never walked backwards, so the bound of an undated move into a main-line phase
    is tightened to the earliest date or bound of a move into a later main-line phase (the concept
    JLoI went to the AMVI no later than the AMVI advised).
  * The since-date of a phase entered by an undated event is ``None`` (unknown); the bound and the
    estimate are reported beside it (``since_not_after``, ``since_approx``), never as the date.
  * ``as_of`` selects by effective time (what had happened by then); ``known_at`` additionally drops
    events recorded after that moment (what the system knew then).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

# --- phases --------------------------------------------------------------------------------------

EXPLORATION = "exploration"
EOP_SIGNED = "eop_signed"
JLOI_CONCEPT = "jloi_concept"
AMVI_ADVICE = "amvi_advice"
JLOI_SIGNED = "jloi_signed"
BINDING_AGREEMENT = "binding_agreement"
REALISATION = "realisation"
COMPLETED = "completed"
NO_POTENTIAL = "no_potential"
PAUSED = "paused"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Phase:
    """One phase of a trajectory (§1 process table).

    ``product`` is the intermediate product of the phase (Dutch, empty when none); ``public`` says
    whether that product (or, for an exit, the fact) is published, ``public_note`` how.
    """

    code: str
    label: str
    order: int
    is_exit: bool
    final: bool
    product: str
    public: bool
    public_note: str


PHASES: tuple[Phase, ...] = (
    Phase(EXPLORATION, "Verkenning", 0, False, False, "", False, "Gesprekken, klimaatplan en eerste gegevens; niet openbaar."),
    Phase(EOP_SIGNED, "Expression of Principles getekend", 1, False, False, "Expression of Principles (EoP)", True,
          "De EoP wordt na ondertekening gepubliceerd (q 12)."),
    Phase(JLOI_CONCEPT, "Concept-JLoI bij AMVI", 2, False, False, "Concept-JLoI", False,
          "Concept en achtergrond (vertrouwelijke businesscase, due diligence) zijn niet openbaar (q 4, q 41, 000)."),
    Phase(AMVI_ADVICE, "AMVI-advies", 3, False, False, "AMVI-advies", False,
          "Het advies wordt openbaar samen met de getekende JLoI, niet eerder (q 12, q 42)."),
    Phase(JLOI_SIGNED, "JLoI getekend", 4, False, False, "Joint Letter of Intent (JLoI) en Kamerbrief", True,
          "De Kamer ontvangt de JLoI en het AMVI-advies (q 12, 000)."),
    Phase(BINDING_AGREEMENT, "Bindende maatwerkafspraak", 5, False, False, "Bindende maatwerkafspraak", True,
          "Openbaar volgens de gebruikelijke regels; bedrijfsgevoelige informatie gelakt (q 12)."),
    Phase(REALISATION, "Realisatie", 6, False, False, "Voortgangsrapportages", True,
          "Totalen in de halfjaarlijkse voortgangsbrief (q 36)."),
    Phase(COMPLETED, "Afgerond", 7, False, True, "", True, "Het feit van afronding."),
    Phase(NO_POTENTIAL, "Geen potentieel", 8, True, True, "", True, "Het feit, zonder bedrijfsnaam in de Kamerantwoorden (q 33)."),
    Phase(PAUSED, "Gepauzeerd", 9, True, False, "", True, "Het feit (bijv. de AVI's, q 33)."),
    Phase(WITHDRAWN, "Teruggetrokken", 10, True, True, "", True, "Het feit (voortgangsbrief 30 juni 2025)."),
)
PHASE_BY_CODE: dict[str, Phase] = {p.code: p for p in PHASES}
PHASE_CODES: tuple[str, ...] = tuple(p.code for p in PHASES)
PHASE_LABELS: dict[str, str] = {p.code: p.label for p in PHASES}
MAIN_LINE: tuple[str, ...] = tuple(p.code for p in PHASES if not p.is_exit)
FINAL_PHASES: frozenset[str] = frozenset(p.code for p in PHASES if p.final)
# Phases from which a trajectory may be paused, and to which it resumes (before binding).
PAUSABLE_PHASES: tuple[str, ...] = (EXPLORATION, EOP_SIGNED, JLOI_CONCEPT, AMVI_ADVICE, JLOI_SIGNED)
# Phases from which parties may jointly conclude there is no potential (q 33, q 77).
NO_POTENTIAL_FROM: tuple[str, ...] = (EXPLORATION, EOP_SIGNED, JLOI_CONCEPT, AMVI_ADVICE)
# Every non-final phase: a company may withdraw from all of them.
WITHDRAWABLE_PHASES: tuple[str, ...] = tuple(p.code for p in PHASES if not p.final)


def phase_label(code: str | None) -> str:
    """Dutch label of a phase code; the code itself (quoted) when unknown."""
    phase = PHASE_BY_CODE.get(code) if code is not None else None
    return phase.label if phase else repr(code)


def next_phase(current: str) -> str | None:
    """The next phase on the main line; None after ``completed``, for an exit or an unknown code."""
    if current not in MAIN_LINE or current == MAIN_LINE[-1]:
        return None
    return MAIN_LINE[MAIN_LINE.index(current) + 1]


# --- document types and AMVI responses (codes shared with the Django app) -------------------------

DOC_EOP = "eop"
DOC_CONCEPT_JLOI = "concept_jloi"
DOC_JLOI = "jloi"
DOC_AMVI_ADVICE = "amvi_advice"
DOC_BUSINESS_CASE = "business_case"
DOC_DUE_DILIGENCE = "due_diligence"
DOC_CLIMATE_PLAN = "climate_plan"
DOC_BINDING_AGREEMENT = "binding_agreement"
DOC_PROGRESS_REPORT = "progress_report"

RESPONSE_PENDING = "pending"
RESPONSE_ADOPTED = "adopted"
RESPONSE_PARTLY = "partly"
RESPONSE_NOT_ADOPTED = "not_adopted"
ITEM_KIND_LABELS = {"condition": "voorwaarde", "advice": "advies", "consideration": "overweging"}

CLIMATE_NEUTRAL_AIM_YEAR = 2040  # q 26: "zo mogelijk in 2040"
CLIMATE_NEUTRAL_LATEST_YEAR = 2050  # q 26: "uiterlijk in 2050"; q 6
PARLIAMENT_NOTICE_GRACE_DAYS = 0  # overdue from the day after the JLoI was signed (see module doc)


@dataclass(frozen=True)
class AmviItemFact:
    """One condition (*voorwaarde*), advice (*advies*) or consideration (*overweging*) of the AMVI.

    ``kind``: "condition" | "advice" | "consideration"; ``response``: the government's response,
    "pending" | "adopted" | "partly" | "not_adopted" (000); ``reason_given``: whether a reason is
    recorded, required for "partly" and "not_adopted".
    """

    kind: str
    response: str = RESPONSE_PENDING
    reason_given: bool = False

    @property
    def answered(self) -> bool:
        if self.response == RESPONSE_ADOPTED:
            return True
        return self.response in (RESPONSE_PARTLY, RESPONSE_NOT_ADOPTED) and self.reason_given


@dataclass(frozen=True)
class TrajectoryFacts:
    """Everything the gates and duties look at, as plain values (fill it from the database rows).

    Every field has an empty default, so a service sets only what it knows. Unknown is ``None``
    where the difference between "no" and "not known" matters for the message.

    Eligibility (q 6, q 26, q 58, q 75)
      top20: the company is among the top-20 industrial emitters by NEa figures (None: unknown).
      extension_reason: why a company outside the top-20 was admitted (Cosun, Alco, FrieslandCampina).
      climate_plan_target_year: year of climate neutrality in the company's climate plan (None: no plan).
      willing_to_invest_in_nl: willing to keep investing and producing in the Netherlands (None: unknown).
    Documents
      documents: the document type codes present (``DOC_*``: "eop", "concept_jloi", "jloi",
        "business_case", "binding_agreement", "progress_report", …). Any iterable; kept as frozenset.
    AMVI (000; decree BWBR0047890)
      amvi_advice_recorded: an AMVI advice on the concept JLoI is recorded (the latest counts).
      amvi_feasibility, amvi_cost_effectiveness, amvi_ambition: the advice's judgement on each
        (any non-empty code, e.g. "positive", "conditional", "negative", "not_explicit"; "" = absent).
      amvi_items: its conditions, advice and considerations with the government's response, as
        :class:`AmviItemFact` or plain ``(kind, response, reason_given)`` tuples.
    JLoI and parliament (q 12; 000)
      jloi_signed_on: day the JLoI was signed (``DerivedState.entered_on("jloi_signed")``).
      parliament_informed_on: day parliament was sent the JLoI and the AMVI advice.
      parliament_informed: parliament is known to have been informed though the day is not public
        (a notice with only a ``not_after``); ``parliament_informed_on`` implies it.
      kamerstuk: the parliamentary paper of that letter, e.g. "29826-266".
    Binding agreement and realisation (q 7, q 8, q 9; 000)
      financial_securities: financial securities for the State are recorded (000).
      milestone_count: number of milestones recorded in the binding agreement.
      realisation_reported: the final report on realisation (delivered and monitored) is recorded.
    Exits
      joint_conclusion_note: the recorded joint conclusion that no additional reduction is possible.
      pause_reason: why the trajectory is paused (e.g. "AVI: eerst andere routes", q 78).
      withdrawal_reason: why the company withdrew or talks ended.
      phase_before_pause: the phase the trajectory was paused in (``DerivedState.phase_before_pause``).
    """

    top20: bool | None = None
    extension_reason: str = ""
    climate_plan_target_year: int | None = None
    willing_to_invest_in_nl: bool | None = None
    documents: frozenset[str] = frozenset()
    amvi_advice_recorded: bool = False
    amvi_feasibility: str = ""
    amvi_cost_effectiveness: str = ""
    amvi_ambition: str = ""
    amvi_items: tuple[AmviItemFact, ...] = ()
    jloi_signed_on: dt.date | None = None
    parliament_informed_on: dt.date | None = None
    parliament_informed: bool = False
    kamerstuk: str = ""
    financial_securities: bool = False
    milestone_count: int = 0
    realisation_reported: bool = False
    joint_conclusion_note: str = ""
    pause_reason: str = ""
    withdrawal_reason: str = ""
    phase_before_pause: str | None = None

    def __post_init__(self) -> None:
        for name in ("extension_reason", "amvi_feasibility", "amvi_cost_effectiveness", "amvi_ambition", "kamerstuk",
                     "joint_conclusion_note", "pause_reason", "withdrawal_reason"):
            if getattr(self, name) is None:  # a nullable database column
                object.__setattr__(self, name, "")
        object.__setattr__(self, "documents", frozenset(self.documents))
        items = tuple(i if isinstance(i, AmviItemFact) else AmviItemFact(*i) for i in self.amvi_items)
        object.__setattr__(self, "amvi_items", items)

    @property
    def informed_parliament(self) -> bool:
        return self.parliament_informed or self.parliament_informed_on is not None


# --- gate conditions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GateCondition:
    """A condition a move requires: ``predicate(facts, to_phase)`` is True when it holds.

    ``explain(facts, to_phase)`` gives the Dutch message naming exactly what is missing; without it
    the message is "Ontbreekt: <label>."
    """

    code: str
    label: str
    source: str
    predicate: Callable[[TrajectoryFacts, str], bool]
    explain: Callable[[TrajectoryFacts, str], str] | None = None

    def reason(self, facts: TrajectoryFacts, to_phase: str) -> str:
        return self.explain(facts, to_phase) if self.explain else f"Ontbreekt: {self.label[0].lower()}{self.label[1:]}."


def _eligible(f: TrajectoryFacts, _to: str) -> bool:
    return f.top20 is True or bool(f.extension_reason.strip())


def _eligible_reason(f: TrajectoryFacts, _to: str) -> str:
    who = "Het bedrijf staat niet in de top-20" if f.top20 is False else "Onbekend of het bedrijf in de top-20 staat"
    return f"{who} grootste industriële uitstoters en er is geen reden voor uitbreiding vastgelegd."


def _climate_plan(f: TrajectoryFacts, _to: str) -> bool:
    return f.climate_plan_target_year is not None and f.climate_plan_target_year <= CLIMATE_NEUTRAL_LATEST_YEAR


def _climate_plan_reason(f: TrajectoryFacts, _to: str) -> str:
    if f.climate_plan_target_year is None:
        return (
            "Geen klimaatplan vastgelegd: het jaar waarin het bedrijf klimaatneutraal wil zijn ontbreekt "
            f"(streven {CLIMATE_NEUTRAL_AIM_YEAR}, uiterlijk {CLIMATE_NEUTRAL_LATEST_YEAR})."
        )
    return (
        f"Het klimaatplan mikt op klimaatneutraliteit in {f.climate_plan_target_year}; "
        f"uiterlijk {CLIMATE_NEUTRAL_LATEST_YEAR} is vereist (streven {CLIMATE_NEUTRAL_AIM_YEAR})."
    )


def _willing(f: TrajectoryFacts, _to: str) -> bool:
    return f.willing_to_invest_in_nl is True


def _willing_reason(f: TrajectoryFacts, _to: str) -> str:
    if f.willing_to_invest_in_nl is False:
        return "Het bedrijf is niet bereid blijvend te investeren en te produceren in Nederland."
    return "Niet vastgelegd dat het bedrijf bereid is blijvend te investeren en te produceren in Nederland."


def _has_doc(doc_type: str) -> Callable[[TrajectoryFacts, str], bool]:
    return lambda f, _to: doc_type in f.documents


def _doc_reason(what: str) -> Callable[[TrajectoryFacts, str], str]:
    return lambda f, _to: f"Document ontbreekt: {what}."


def _judged(field_name: str) -> Callable[[TrajectoryFacts, str], bool]:
    return lambda f, _to: bool(getattr(f, field_name).strip())


def _judgement_reason(aspect: str) -> Callable[[TrajectoryFacts, str], str]:
    return lambda f, _to: f"Het AMVI-advies bevat geen vastgelegd oordeel over {aspect}."


def _amvi_reason(f: TrajectoryFacts, _to: str) -> str:
    if _to == JLOI_SIGNED:
        return "Geen AMVI-advies over de concept-JLoI vastgelegd: een JLoI wordt pas getekend na het advies van de AMVI."
    return "Geen AMVI-advies over de concept-JLoI vastgelegd."


def _unanswered(f: TrajectoryFacts) -> list[str]:
    """Names of the AMVI items without a complete response, numbered per kind ("voorwaarde 1")."""
    seen: dict[str, int] = {}
    missing = []
    for item in f.amvi_items:
        seen[item.kind] = seen.get(item.kind, 0) + 1
        if item.answered:
            continue
        name = f"{ITEM_KIND_LABELS.get(item.kind, item.kind)} {seen[item.kind]}"
        if item.response in (RESPONSE_PARTLY, RESPONSE_NOT_ADOPTED):
            state = "deels overgenomen" if item.response == RESPONSE_PARTLY else "niet overgenomen"
            missing.append(f"{name} ({state} zonder reden)")
        else:
            missing.append(f"{name} (nog geen reactie)")
    return missing


def _responses_reason(f: TrajectoryFacts, _to: str) -> str:
    return "Kabinetsreactie op het AMVI-advies ontbreekt voor: " + ", ".join(_unanswered(f)) + "."


def _text(field_name: str) -> Callable[[TrajectoryFacts, str], bool]:
    return lambda f, _to: bool(getattr(f, field_name).strip())


def _resume_ok(f: TrajectoryFacts, to: str) -> bool:
    return f.phase_before_pause == to


def _resume_reason(f: TrajectoryFacts, to: str) -> str:
    if f.phase_before_pause is None:
        return "Onbekend in welke fase het traject werd gepauzeerd; hervatten kan alleen in die fase."
    return (
        f"Het traject werd gepauzeerd in de fase '{phase_label(f.phase_before_pause)}' en kan alleen daarin "
        f"worden hervat, niet in '{phase_label(to)}'."
    )


def _parliament_reason(f: TrajectoryFacts, _to: str) -> str:
    return "De Kamer is (nog) niet geïnformeerd over de getekende JLoI: datum van de Kamerbrief ontbreekt."


_CONDITION_LIST: tuple[GateCondition, ...] = (
    GateCondition("eligible", "In de top-20 grootste industriële uitstoters, of toegelaten als uitbreiding met vastgelegde reden",
                  "q 6, q 58, q 75; §1 (uitbreiding: Cosun, Alco, FrieslandCampina)", _eligible, _eligible_reason),
    GateCondition("climate_plan", f"Klimaatplan naar klimaatneutraliteit uiterlijk {CLIMATE_NEUTRAL_LATEST_YEAR} (streven {CLIMATE_NEUTRAL_AIM_YEAR})",
                  "q 26 (plan wordt onderdeel van de JLoI); q 6", _climate_plan, _climate_plan_reason),
    GateCondition("willing_to_invest_in_nl", "Bereid blijvend te investeren en te produceren in Nederland",
                  "q 6", _willing, _willing_reason),
    GateCondition("eop_document", "Getekende Expression of Principles (document)",
                  "q 12 (EoP na ondertekening gepubliceerd)", _has_doc(DOC_EOP), _doc_reason("getekende Expression of Principles")),
    GateCondition("concept_jloi_document", "Concept-JLoI (document)",
                  "q 12; 000 (AMVI adviseert over een concept-JLoI)", _has_doc(DOC_CONCEPT_JLOI), _doc_reason("concept-JLoI")),
    GateCondition("business_case_document", "Businesscase als achtergrond voor de AMVI (document)",
                  "q 12, q 25; 000 (AMVI ontving de vertrouwelijke businesscase)", _has_doc(DOC_BUSINESS_CASE),
                  _doc_reason("businesscase (achtergrond voor de AMVI)")),
    GateCondition("amvi_advice_recorded", "AMVI-advies over de concept-JLoI vastgelegd",
                  "q 7, q 12, q 15; 000", lambda f, _to: f.amvi_advice_recorded, _amvi_reason),
    GateCondition("amvi_feasibility", "Oordeel van de AMVI over de haalbaarheid",
                  "q 15, q 26, q 38; 000", _judged("amvi_feasibility"), _judgement_reason("de haalbaarheid")),
    GateCondition("amvi_cost_effectiveness", "Oordeel van de AMVI over de doelmatigheid (kosteneffectiviteit)",
                  "q 15, q 26, q 38; 000", _judged("amvi_cost_effectiveness"), _judgement_reason("de doelmatigheid (kosteneffectiviteit)")),
    GateCondition("amvi_ambition", "Oordeel van de AMVI over het ambitieniveau",
                  "q 15, q 26, q 38; 000", _judged("amvi_ambition"), _judgement_reason("het ambitieniveau")),
    GateCondition("amvi_responses", "Kabinetsreactie op elke voorwaarde, elk advies en elke overweging van de AMVI (overgenomen, deels of niet, met reden)",
                  "000 (reactie per voorwaarde, advies en overweging)", lambda f, _to: not _unanswered(f), _responses_reason),
    GateCondition("jloi_document", "Getekende Joint Letter of Intent (document)",
                  "q 8, q 12; 000", _has_doc(DOC_JLOI), _doc_reason("getekende Joint Letter of Intent")),
    GateCondition("parliament_informed", "Kamer geïnformeerd over de getekende JLoI (datum Kamerbrief)",
                  "q 12; 000 voetnoot 1 (proces: Kamerstuk 29 826 nr. 197)", lambda f, _to: f.informed_parliament, _parliament_reason),
    GateCondition("kamerstuk_recorded", "Kamerstuknummer van de Kamerbrief over de JLoI vastgelegd",
                  "q 12; §1 (Kamer vraagt overzichten per bedrijf, q 61–65)", _text("kamerstuk"),
                  lambda f, _to: "Het Kamerstuknummer van de Kamerbrief over de JLoI is niet vastgelegd."),
    GateCondition("binding_agreement_document", "Bindende maatwerkafspraak (document, bijv. subsidiebeschikking)",
                  "q 8, q 12", _has_doc(DOC_BINDING_AGREEMENT), _doc_reason("bindende maatwerkafspraak")),
    GateCondition("financial_securities", "Financiële zekerheden voor de Staat vastgelegd",
                  "000 (zekerheden nodig in de verschillende fasen van het project)", lambda f, _to: f.financial_securities,
                  lambda f, _to: "Er zijn geen financiële zekerheden voor de Staat vastgelegd."),
    GateCondition("milestones_recorded", "Mijlpalen van de bindende afspraak vastgelegd",
                  "q 7, q 9 (projectsturing en monitoring); §1", lambda f, _to: f.milestone_count > 0,
                  lambda f, _to: "Er zijn geen mijlpalen vastgelegd om de realisatie te volgen."),
    GateCondition("realisation_reported", "Realisatie gerapporteerd (eindrapportage)",
                  "q 7 (monitoring van realisatie en effect)", lambda f, _to: f.realisation_reported,
                  lambda f, _to: "De eindrapportage over de realisatie is niet vastgelegd."),
    GateCondition("joint_conclusion", "Gezamenlijke conclusie dat er geen additionele reductie mogelijk is, vastgelegd",
                  "q 33, q 58, q 77", _text("joint_conclusion_note"),
                  lambda f, _to: "De gezamenlijke conclusie van bedrijf en overheid (geen potentieel) is niet vastgelegd."),
    GateCondition("pause_reason", "Reden voor het pauzeren vastgelegd",
                  "q 33, q 59, q 78 (AVI's)", _text("pause_reason"), lambda f, _to: "Geen reden voor het pauzeren vastgelegd."),
    GateCondition("resume_where_paused", "Hervat in de fase waarin het traject werd gepauzeerd",
                  "§6 (AVI's: gepauzeerd, vanaf 17 jan 2025 weer verkenning)", _resume_ok, _resume_reason),
    GateCondition("withdrawal_reason", "Reden voor het beëindigen vastgelegd",
                  "§6 (Dow, Shell: voortgangsbrief 30 juni 2025)", _text("withdrawal_reason"),
                  lambda f, _to: "Geen reden voor het beëindigen (terugtrekken) vastgelegd."),
)
CONDITIONS: dict[str, GateCondition] = {c.code: c for c in _CONDITION_LIST}


# --- the transition table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """An allowed move with its gate conditions (codes in :data:`CONDITIONS`).

    ``kind``: "forward" (next main-line phase), "exit" (to no_potential, paused, withdrawn) or
    "resume" (from paused back to the phase it was paused in).
    """

    from_phase: str
    to_phase: str
    kind: str
    conditions: tuple[str, ...]
    source: str


_GATES: dict[str, tuple[tuple[str, ...], str]] = {
    EOP_SIGNED: (("eligible", "climate_plan", "willing_to_invest_in_nl", "eop_document"), "q 6, q 12, q 26"),
    JLOI_CONCEPT: (("concept_jloi_document", "business_case_document", "climate_plan"), "q 12, q 26; 000"),
    AMVI_ADVICE: (("amvi_advice_recorded", "amvi_feasibility", "amvi_cost_effectiveness", "amvi_ambition"), "q 15, q 38; 000"),
    JLOI_SIGNED: (("amvi_advice_recorded", "amvi_responses", "jloi_document"), "q 12; 000"),
    BINDING_AGREEMENT: (
        ("jloi_document", "parliament_informed", "kamerstuk_recorded", "binding_agreement_document", "financial_securities"),
        "q 8, q 12; 000",
    ),
    REALISATION: (("binding_agreement_document", "milestones_recorded"), "q 7, q 9"),
    COMPLETED: (("realisation_reported",), "q 7"),
}


def _build_table() -> tuple[Transition, ...]:
    rows = [Transition(a, b, "forward", *_GATES[b]) for a, b in zip(MAIN_LINE, MAIN_LINE[1:])]
    rows += [Transition(p, NO_POTENTIAL, "exit", ("joint_conclusion",), "q 33, q 58, q 77") for p in NO_POTENTIAL_FROM]
    rows += [Transition(p, PAUSED, "exit", ("pause_reason",), "q 33, q 59, q 78") for p in PAUSABLE_PHASES]
    rows += [Transition(PAUSED, p, "resume", ("resume_where_paused",), "§6 (AVI's)") for p in PAUSABLE_PHASES]
    rows += [Transition(p, WITHDRAWN, "exit", ("withdrawal_reason",), "§6; voortgangsbrief 30 juni 2025") for p in WITHDRAWABLE_PHASES]
    return tuple(rows)


TRANSITIONS: tuple[Transition, ...] = _build_table()
TRANSITION_BY_PAIR: dict[tuple[str, str], Transition] = {(t.from_phase, t.to_phase): t for t in TRANSITIONS}


def moves_from(current: str) -> tuple[Transition, ...]:
    """The rows of the table that start in ``current`` (for buttons in a UI)."""
    return tuple(t for t in TRANSITIONS if t.from_phase == current)


# --- checking a move -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TransitionCheck:
    """Outcome of :func:`check_transition`.

    ``reasons`` are Dutch messages, one per problem; ``codes`` the matching machine codes: the failing
    condition codes, or one of "unknown_phase", "same_phase", "final_phase", "backward", "skip",
    "not_in_table" when the move itself is not allowed.
    """

    from_phase: str
    to_phase: str
    allowed: bool
    reasons: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed


def _structural_refusal(current: str, to: str) -> tuple[str, str] | None:
    """Why the pair (current, to) is not a move at all; None when it is in the table."""
    for code in (current, to):
        if code not in PHASE_BY_CODE:
            return "unknown_phase", f"Onbekende fase {code!r}; bekende fasen: {', '.join(PHASE_CODES)}."
    if current == to:
        return "same_phase", f"Het traject is al in de fase '{phase_label(to)}'."
    if (current, to) in TRANSITION_BY_PAIR:
        return None
    if current in FINAL_PHASES:
        return "final_phase", f"'{phase_label(current)}' is een eindfase; daarna is geen overgang mogelijk."
    if current in MAIN_LINE and to in MAIN_LINE:
        if MAIN_LINE.index(to) < MAIN_LINE.index(current):
            return "backward", (
                f"Terug van '{phase_label(current)}' naar '{phase_label(to)}' is niet toegestaan; "
                "een nieuw of herzien stuk wordt binnen de huidige fase vastgelegd."
            )
        return "skip", (
            f"Fasen kunnen niet worden overgeslagen: na '{phase_label(current)}' volgt "
            f"'{phase_label(next_phase(current))}', niet '{phase_label(to)}'."
        )
    return "not_in_table", f"De overgang van '{phase_label(current)}' naar '{phase_label(to)}' is niet toegestaan."


def check_transition(current: str, to: str, facts: TrajectoryFacts) -> TransitionCheck:
    """May a trajectory in phase ``current`` move to ``to`` given ``facts``? Names what is missing."""
    refusal = _structural_refusal(current, to)
    if refusal is not None:
        code, reason = refusal
        return TransitionCheck(current, to, False, (reason,), (code,))
    move = TRANSITION_BY_PAIR[(current, to)]
    failing = [CONDITIONS[c] for c in move.conditions if not CONDITIONS[c].predicate(facts, to)]
    return TransitionCheck(
        current, to, not failing, tuple(c.reason(facts, to) for c in failing), tuple(c.code for c in failing)
    )


@dataclass(frozen=True)
class ChecklistItem:
    """One line of a gate checklist: ``reason`` is the Dutch message when not satisfied, else ""."""

    code: str
    label: str
    satisfied: bool
    reason: str
    source: str


def gate_checklist(current: str, facts: TrajectoryFacts) -> tuple[ChecklistItem, ...]:
    """The conditions for the next main-line phase, each satisfied or not (empty when there is none).

    For ``paused``, an exit or ``completed`` there is no next main-line phase: the result is empty.
    """
    to = next_phase(current)
    if to is None:
        return ()
    items = []
    for code in TRANSITION_BY_PAIR[(current, to)].conditions:
        cond = CONDITIONS[code]
        ok = cond.predicate(facts, to)
        items.append(ChecklistItem(code, cond.label, ok, "" if ok else cond.reason(facts, to), cond.source))
    return tuple(items)


# --- duties --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    """An open duty. ``due`` is the last day it is on time (None: no deadline or not known)."""

    code: str
    label: str
    due: dt.date | None
    overdue: bool
    source: str


def _at_or_after(current: str, phase: str) -> bool:
    return current in MAIN_LINE and MAIN_LINE.index(current) >= MAIN_LINE.index(phase)


def obligations(
    current: str, facts: TrajectoryFacts, today: dt.date, grace_days: int = PARLIAMENT_NOTICE_GRACE_DAYS
) -> tuple[Obligation, ...]:
    """Open duties of a trajectory in phase ``current`` on ``today``.

    * ``inform_parliament_jloi``: after a signed JLoI (the phase is at or past ``jloi_signed``, or
      ``jloi_signed_on`` is known) parliament must get the JLoI and the AMVI advice (q 12; 000).
      Due on ``jloi_signed_on + grace_days``; overdue when ``today`` is later and no letter is recorded.
      Unknown signing day: open, no due date, not overdue.
    * ``record_kamerstuk_jloi``: parliament was informed but the Kamerstuk number is missing; no deadline.
    * ``respond_amvi``: an AMVI item without a (complete) government response (000); no deadline.
    * ``progress_report``: in realisation, no progress report yet (monitoring, q 7, q 9); no deadline.
    """
    if current not in PHASE_BY_CODE:
        raise ValueError(f"onbekende fase {current!r}")
    duties: list[Obligation] = []
    if _at_or_after(current, JLOI_SIGNED) or facts.jloi_signed_on is not None:
        if not facts.informed_parliament:
            due = facts.jloi_signed_on + dt.timedelta(days=grace_days) if facts.jloi_signed_on else None
            when = f" (uiterlijk {due:%d-%m-%Y})" if due else " (tekendatum JLoI onbekend)"
            duties.append(Obligation(
                "inform_parliament_jloi",
                "De Kamer informeren over de getekende JLoI met het AMVI-advies; leg datum en Kamerstuknummer vast" + when + ".",
                due, due is not None and today > due, "q 12; 000 voetnoot 1 (Kamerstuk 29 826 nr. 197)",
            ))
        elif not facts.kamerstuk.strip():
            duties.append(Obligation(
                "record_kamerstuk_jloi", "Het Kamerstuknummer van de Kamerbrief over de JLoI vastleggen.", None, False, "q 12",
            ))
    if facts.amvi_advice_recorded and current not in FINAL_PHASES and _unanswered(facts):
        duties.append(Obligation(
            "respond_amvi", "Reageren op het AMVI-advies: " + ", ".join(_unanswered(facts)) + ".", None, False, "000",
        ))
    if current == REALISATION and DOC_PROGRESS_REPORT not in facts.documents:
        duties.append(Obligation(
            "progress_report", "Een voortgangsrapportage (mijlpalen en emissies) vastleggen.", None, False, "q 7, q 9",
        ))
    return tuple(duties)


# --- reconstruction from events ------------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowEvent:
    """One event of a trajectory as the engine sees it.

    ``effective_date``: when it happened (None when not known); ``recorded_at``: when it was recorded;
    ``kind``: e.g. "transition", "document", "note"; ``to_phase``: the phase it moves to (None for
    events that do not change the phase); ``payload``: free data, including the ordering hints
    ``not_after``, ``before`` and ``approx`` (dates or ISO strings) for undated events.
    """

    effective_date: dt.date | None
    recorded_at: dt.datetime
    kind: str
    to_phase: str | None = None
    payload: dict = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class PhaseEntry:
    """A phase the trajectory entered. ``since``: exact day (None when unknown); ``not_after``: the
    latest day it can have begun (None when unbounded, i.e. the initial exploration); ``approx``: a
    best estimate if one was given; ``from_phase``: the phase before (None for the start);
    ``regular``: whether the move is in the transition table (historic records are not gate-checked,
    so an irregular move is shown, not hidden)."""

    phase: str
    since: dt.date | None
    not_after: dt.date | None
    approx: dt.date | None
    from_phase: str | None
    regular: bool
    recorded_at: dt.datetime | None


@dataclass(frozen=True)
class DerivedState:
    """The state of a trajectory as of a date, derived from its events."""

    phase: str
    since: dt.date | None
    since_not_after: dt.date | None
    since_approx: dt.date | None
    history: tuple[PhaseEntry, ...]
    phase_before_pause: str | None
    as_of: dt.date | None

    @property
    def label(self) -> str:
        return phase_label(self.phase)

    @property
    def since_known(self) -> bool:
        return self.since is not None

    def entry(self, phase: str) -> PhaseEntry | None:
        """The last time the trajectory entered ``phase``; None when it never did."""
        for e in reversed(self.history):
            if e.phase == phase:
                return e
        return None

    def entered_on(self, phase: str) -> dt.date | None:
        """Exact day ``phase`` was last entered; None when never, or when the day is unknown."""
        e = self.entry(phase)
        return e.since if e else None

    def reached(self, phase: str) -> bool:
        return self.entry(phase) is not None


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_hint(value: object) -> dt.date | None:
    """A date from a hint: a date, "YYYY-MM-DD", or "YYYY-MM"/"YYYY" meaning the period's last day."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    parts = text.split("-")
    try:
        if len(parts) == 3:
            return dt.date.fromisoformat(text)
        if len(parts) == 2:
            return _last_day(int(parts[0]), int(parts[1]))
        if len(parts) == 1:
            return dt.date(int(parts[0]), 12, 31)
    except ValueError:
        pass
    raise ValueError(f"onleesbare datum in ordeningshint: {value!r}")


@dataclass(frozen=True)
class _Timing:
    exact: dt.date | None
    bound: dt.date  # latest possible day (exact when dated)
    approx: dt.date | None
    estimate: dt.date  # used for ordering and for as_of

    @property
    def bound_only(self) -> bool:
        return self.exact is None and self.approx is None


def _timing(e: WorkflowEvent) -> _Timing:
    if e.effective_date is not None:
        return _Timing(e.effective_date, e.effective_date, None, e.effective_date)
    bounds = [e.recorded_at.date()]
    p = e.payload or {}
    not_after, before = parse_hint(p.get("not_after")), parse_hint(p.get("before"))
    if not_after is not None:
        bounds.append(not_after)
    if before is not None:
        bounds.append(before - dt.timedelta(days=1))
    bound = min(bounds)
    approx = parse_hint(p.get("approx"))
    if approx is not None:
        approx = min(approx, bound)
    return _Timing(None, bound, approx, approx if approx is not None else bound)


def _coerce(e: WorkflowEvent | tuple) -> WorkflowEvent:
    if isinstance(e, WorkflowEvent):
        return e
    return WorkflowEvent(*e)


def _tighten(timed: list[tuple[_Timing, WorkflowEvent]]) -> list[tuple[_Timing, WorkflowEvent]]:
    """Tighten the bound of undated main-line moves by the main line's order.

    The main line is never walked backwards (a resume re-enters the same phase), so a move into a
    main-line phase happened no later than any move into a later main-line phase: Nobian's concept
    JLoI ("before the JLoI") went to the AMVI no later than the AMVI's advice ("before 21 Nov").
    """
    rank = {code: i for i, code in enumerate(MAIN_LINE)}
    later_min: dict[int, dt.date] = {}  # main-line rank -> earliest bound of a move into a later phase
    running: dt.date | None = None
    bounds_by_rank: dict[int, dt.date] = {}
    for t, e in timed:
        if e.to_phase in rank and t.bound is not None:
            r = rank[e.to_phase]
            bounds_by_rank[r] = min(t.bound, bounds_by_rank.get(r, t.bound))
    for r in range(len(MAIN_LINE) - 1, -1, -1):
        if running is not None:
            later_min[r] = running
        if r in bounds_by_rank:
            running = bounds_by_rank[r] if running is None else min(running, bounds_by_rank[r])
    out = []
    for t, e in timed:
        main = rank.get(e.to_phase) if e.to_phase is not None else None
        if t.exact is None and main is not None and main in later_min and later_min[main] < t.bound:
            bound = later_min[main]
            approx = min(t.approx, bound) if t.approx is not None else None
            t = _Timing(None, bound, approx, approx if approx is not None else bound)
        out.append((t, e))
    return out


def _sort_key(te: tuple[_Timing, WorkflowEvent]) -> tuple:
    t, e = te
    if t.bound_only:
        # Known only by a bound: before anything dated on that day; among themselves in process order,
        # events that move no phase (a gate exception, a note) first: they document the move they came with.
        order = PHASE_BY_CODE[e.to_phase].order if e.to_phase in PHASE_BY_CODE else -1
        return (t.estimate, 0, order, e.recorded_at)
    return (t.estimate, 1, 0, e.recorded_at)


def in_order(items: Sequence[T], as_event: Callable[[T], WorkflowEvent]) -> list[T]:
    """``items`` (records of events, of any type) in the order :func:`derive_state` reads them: one
    ordering for the derived state and for every timeline, so the two cannot disagree. Ties keep the
    order in which the items were given (callers pass them by date, recorded_at and key)."""
    events = [as_event(item) for item in items]
    timed = _tighten([(_timing(e), e) for e in events])
    order = sorted(range(len(items)), key=lambda k: _sort_key(timed[k]))
    return [items[k] for k in order]


def derive_state(
    events: Iterable[WorkflowEvent | tuple], as_of: dt.date | None = None, *, known_at: dt.datetime | None = None
) -> DerivedState:
    """Reconstruct phase, since-date and phase history from events, as of ``as_of`` (None: all).

    See the module docstring for the ordering of undated events. Raises ValueError for an event
    moving to an unknown phase.
    """
    coerced = [_coerce(raw) for raw in events]
    timed = _tighten([(_timing(e), e) for e in coerced if known_at is None or e.recorded_at <= known_at])
    if as_of is not None:
        timed = [(t, e) for t, e in timed if t.estimate <= as_of]
    timed.sort(key=_sort_key)

    history = [PhaseEntry(EXPLORATION, None, None, None, None, True, None)]
    paused_from: str | None = None
    for t, e in timed:
        to = e.to_phase
        if not to:
            continue
        if to not in PHASE_BY_CODE:
            raise ValueError(f"onbekende fase {to!r} in gebeurtenis van {e.recorded_at:%Y-%m-%d %H:%M}")
        current = history[-1].phase
        if to == current:
            # A restatement; it only dates the start of the initial exploration when that was unknown.
            if len(history) == 1 and history[0].since is None and t.exact is not None:
                history[0] = PhaseEntry(EXPLORATION, t.exact, t.exact, None, None, True, e.recorded_at)
            continue
        regular = (current, to) in TRANSITION_BY_PAIR and (current != PAUSED or to == paused_from)
        history.append(PhaseEntry(to, t.exact, t.bound, t.approx, current, regular, e.recorded_at))
        if to == PAUSED:
            paused_from = current
        elif current == PAUSED:
            paused_from = None
    last = history[-1]
    return DerivedState(
        phase=last.phase,
        since=last.since,
        since_not_after=last.not_after,
        since_approx=last.approx,
        history=tuple(history),
        phase_before_pause=paused_from if last.phase == PAUSED else None,
        as_of=as_of,
    )
