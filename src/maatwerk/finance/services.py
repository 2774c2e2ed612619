"""Evaluating a project: additionality per year, business case under a price deck, cost per tonne,
and the instrument comparison. All arithmetic is in :mod:`maatwerk.engine`; this module gathers inputs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from django.db.models import FloatField

from maatwerk.engine import finance, instruments, levy

from .decks import price_paths
from .models import BusinessCase, PriceDeck, Project, capex_problem

if TYPE_CHECKING:
    from maatwerk.core.roles import Actor
    from maatwerk.trajectories.models import Trajectory

# Illustrative instrument parameters (not from a public source; labelled as such wherever shown).
SDE_YEARS = 15
SDE_CAP_EUR_PER_T = 300.0
CCFD_YEARS = 15


class Note(str):
    """A remark on an evaluation. ``confidential`` when it is computed from, or tells anything about,
    the business case (its figures, its years, whether there is one): such a note follows the
    confidentiality of its inputs and is shown only to roles that may see the business case."""

    confidential: bool

    def __new__(cls, text: str, confidential: bool = False) -> Note:
        note = super().__new__(cls, text)
        note.confidential = confidential
        return note


UNCOMPUTABLE = "niet te berekenen"


@dataclass
class Evaluation:
    project: Project
    deck: PriceDeck | None
    regime: str
    scenarios: tuple[str, ...] = ()
    years: list[int] = field(default_factory=list)
    cashflows: np.ndarray | None = None  # (scenarios, years)
    npv_eur: np.ndarray | None = None
    irr: np.ndarray | None = None
    funding_gap_eur: np.ndarray | None = None
    payback_years: np.ndarray | None = None
    path_years: list[int] = field(default_factory=list)
    emissions_before_t: float | None = None
    emissions_after_t: float | None = None
    dispensation_rights_t: list[float] = field(default_factory=list)
    additional_t: list[float] = field(default_factory=list)
    additional_target_t: float | None = None
    additional_basis: str | None = None  # "berekend" (from inputs) or "gepubliceerd" (the agreement's figure)
    additional_source: str = ""  # what the figure rests on (inputs or the published source)
    dispensation_rights_basis: str = ""
    per_tonne: dict = field(default_factory=dict)
    instruments: list = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def has_business_case(self) -> bool:
        return self.cashflows is not None

    def note(self, text: str, confidential: bool) -> None:
        self.notes.append(Note(text, confidential))

    def notes_for(self, confidential: bool) -> list[Note]:
        """The notes a viewer may read: every note when ``confidential``, else only the public ones."""
        return [n for n in self.notes if confidential or not n.confidential]

    def summary(self, confidential: bool) -> dict:
        """Plain values for the API and CLI; business-case figures only when ``confidential``."""
        p = self.project
        out: dict[str, Any] = {
            "project": p.name,
            "company": p.trajectory.company.name,
            "regime": self.regime,
            "deck": str(self.deck) if self.deck else None,
            "target_year": p.target_year,
            "co2_reduction_t": p.co2_reduction_t,
            "additional_reduction_t": _r(self.additional_target_t),
            "additional_reduction_basis": self.additional_basis,
            "additional_reduction_source": self.additional_source,
            "additional_reduction_public_t": p.additional_reduction_public_t,
            "support_max_eur": p.support_max_eur,
            "support_per_tonne_eur": _r(self.per_tonne.get("annual")),
            "support_per_additional_tonne_eur": _r(self.per_tonne.get("additional")),
            "notes": [str(n) for n in self.notes_for(confidential)],
        }
        if confidential and self.has_business_case:
            assert self.npv_eur is not None and self.irr is not None and self.funding_gap_eur is not None and self.payback_years is not None
            out.update(
                {
                    "scenarios": list(self.scenarios),
                    "npv_eur": [_r(v) for v in self.npv_eur],
                    "irr": [None if np.isnan(v) else round(float(v), 6) for v in self.irr],
                    "funding_gap_eur": [_r(v) for v in self.funding_gap_eur],
                    "payback_years": [None if np.isnan(v) else int(v) for v in self.payback_years],
                    "instruments": [
                        {"name": i.name, "pv_state_eur": [_r(v) for v in np.atleast_1d(i.pv_state_eur)], "illustrative": i.illustrative, "parameters": i.parameters}
                        for i in self.instruments
                    ],
                    "lifetime_support_per_tonne_eur": _r(self.per_tonne.get("lifetime")),
                    "lifetime_support_per_discounted_tonne_eur": _r(self.per_tonne.get("lifetime_discounted")),
                }
            )
        return out


def _r(value: float | None) -> float | None:
    if value is None:
        return None
    value = float(value)
    return round(value, 2) if np.isfinite(value) else None


def _finite(value: float | np.ndarray | None) -> float | None:
    """``value`` as a float, or None when it is missing, NaN or infinite (an overflow)."""
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def default_deck() -> PriceDeck | None:
    return PriceDeck.objects.order_by("-imported_at", "-pk").first()


def _dpr_path(project: Project, years: np.ndarray, regime: str) -> np.ndarray | None:
    """Dispensation rights per year: a level entered on the project (scaled by the reduction factor), else the
    company's installations' rights from the registry and entered NEa figures (:mod:`.levy_inputs`)."""
    return _dpr_path_and_basis(project, years, regime)[0]


def _dpr_path_and_basis(project: Project, years: np.ndarray, regime: str) -> tuple[np.ndarray | None, str]:
    if project.dispensation_rights_t is not None:
        if np.isnan(levy.reduction_factor(project.target_year, regime)):
            return None, ""
        path = levy.dispensation_rights_path_t(project.dispensation_rights_t, project.target_year, years, regime)
        return path, f"ingevoerd bij het project: {project.dispensation_rights_t:,.0f} t in {project.target_year}, geschaald met de reductiefactor".replace(",", ".")
    from .levy_inputs import company_rights_path

    totals, bases = company_rights_path(project.trajectory.company, [int(y) for y in np.atleast_1d(years)], regime)
    path = np.asarray(totals, dtype=float)
    if not bases or np.all(np.isnan(path)):
        return None, ""
    return path, bases[-1]


def _baseline(project: Project) -> tuple[float | None, str]:
    """Emissions before the project: as entered, else the registry's verified emissions of a one-year baseline."""
    if project.baseline_emissions_t is not None:
        return project.baseline_emissions_t, "ingevoerd bij het project"
    period = (project.baseline_period or "").strip()
    if period.isdigit() and len(period) == 4:
        from .levy_inputs import company_verified_emissions

        value = company_verified_emissions(project.trajectory.company, int(period))
        if value is not None:
            return value, f"geverifieerde emissies {period} uit het register"
    return None, ""


def _regime(project: Project, regime: str | None) -> str:
    regime = regime or project.levy_regime or levy.LATEST_REGIME
    if regime not in levy.REGIMES:
        raise ValueError(f"onbekend heffingsregime {regime!r}; kies uit {', '.join(levy.REGIMES)}")
    return regime


def evaluate(
    project: Project,
    deck: PriceDeck | None = None,
    regime: str | None = None,
    price_scale: dict[str, float] | None = None,
    capex_scale: float = 1.0,
) -> Evaluation:
    """Evaluate ``project``; ``price_scale`` and ``capex_scale`` multiply inputs (for sensitivities)."""
    regime = _regime(project, regime)
    deck = deck or project.decision_deck or default_deck()
    ev = Evaluation(project=project, deck=deck, regime=regime)
    with np.errstate(all="ignore"):  # an overflow gives inf/NaN, found and reported below, never an exception
        _public_figures(ev, project, regime)
    bc = getattr(project, "business_case", None)
    if bc is None:
        ev.note("Geen businesscase vastgelegd: alleen de publieke cijfers.", confidential=True)
        return ev
    if deck is None:
        ev.note("Geen prijzenset geladen: de businesscase is niet doorgerekend.", confidential=True)
        return ev
    problem = stored_business_case_problem(bc)
    if problem:  # stored before the bounds were enforced, or written around them
        ev.note(f"Businesscase {UNCOMPUTABLE}: {problem}.", confidential=True)
        return ev
    with np.errstate(all="ignore"):
        _business_case(ev, bc, deck, regime, price_scale or {}, capex_scale)
    _drop_uncomputable(ev)
    return ev


def stored_business_case_problem(bc: BusinessCase) -> str | None:
    """What makes a stored business case unusable for arithmetic, or None."""
    problem = capex_problem(bc.capex_schedule)
    if problem:
        return problem
    for f in type(bc)._meta.concrete_fields:
        value = getattr(bc, f.attname)
        if isinstance(f, FloatField) and value is not None and not np.isfinite(value):
            return f"{f.verbose_name} is geen eindig getal"
    if not 1 <= bc.lifetime_years <= 60:
        return "de levensduur ligt niet tussen 1 en 60 jaar"
    return None


def _drop_uncomputable(ev: Evaluation) -> None:
    """Extreme (but valid) inputs can overflow: such results are "niet te berekenen", never inf or a 500."""
    if ev.cashflows is not None and not all(a is None or np.isfinite(a).all() for a in (ev.cashflows, ev.npv_eur, ev.funding_gap_eur)):
        ev.cashflows = ev.npv_eur = ev.irr = ev.funding_gap_eur = ev.payback_years = None
        ev.instruments = []
        for key in ("lifetime", "lifetime_discounted"):
            ev.per_tonne.pop(key, None)
        ev.notes = [n for n in ev.notes if not n.confidential or "SDE++" not in n]
        ev.note(f"Businesscase {UNCOMPUTABLE}: de bedragen zijn te groot om door te rekenen (overloop).", confidential=True)
    if ev.instruments and not all(np.isfinite(np.atleast_1d(i.pv_state_eur)).all() for i in ev.instruments):
        ev.instruments = []
        ev.note(f"Instrumentvergelijking {UNCOMPUTABLE} (overloop).", confidential=True)
    for key, value in list(ev.per_tonne.items()):
        if _finite(value) is None:
            del ev.per_tonne[key]


def additional_at_target(project: Project, regime: str | None = None) -> float | None:
    """The additional reduction in the target year exactly as :func:`evaluate` finds it, without the
    business case and the price deck (for totals over many projects)."""
    regime = _regime(project, regime)
    ev = Evaluation(project=project, deck=None, regime=regime)
    _public_figures(ev, project, regime)
    return ev.additional_target_t


def _public_figures(ev: Evaluation, project: Project, regime: str) -> None:
    """Additionality against the levy's dispensation rights, and support per tonne: public inputs only.

    Computed from inputs where they allow it; else the published figure of the agreement with its source, and only
    under the regime the decision used (the figure was measured against that path); never a back-solved input."""
    reduction = project.co2_reduction_t
    before, before_basis = _baseline(project)
    path_years = np.arange(2021, 2031)
    ev.path_years = path_years.tolist()
    dpr, dpr_basis = _dpr_path_and_basis(project, path_years, regime)
    if before is not None and reduction is not None:
        ev.emissions_before_t, ev.emissions_after_t = before, before - reduction
        if dpr is not None:
            ev.dispensation_rights_t = [float(v) for v in dpr]
            ev.dispensation_rights_basis = dpr_basis
            additional = levy.additional_reduction_t(before, reduction, dpr)
            ev.additional_t = [float(v) for v in additional]
            target = min(project.target_year, 2030)
            ev.additional_target_t = float(additional[path_years.tolist().index(target)]) if target in path_years else None
    ev.additional_target_t = _finite(ev.additional_target_t)
    if ev.additional_target_t is not None:
        ev.additional_basis = "berekend"
        ev.additional_source = f"emissies vóór: {before_basis}; dispensatierechten: {dpr_basis}"
        ev.note(f"Additionele reductie berekend uit invoer ({regime}): emissies vóór {before_basis}; dispensatierechten {dpr_basis}.", confidential=False)
    elif project.additional_reduction_public_t is not None and regime == (project.levy_regime or levy.LATEST_REGIME):
        ev.additional_target_t = project.additional_reduction_public_t
        ev.additional_basis = "gepubliceerd"
        ev.additional_source = project.public_source
        ev.note(f"Additionele reductie: gepubliceerd cijfer van de afspraak (regime {regime}), niet berekend: de invoer ontbreekt. Bron: {project.public_source}", confidential=False)
    elif project.additional_reduction_public_t is not None:
        ev.note(f"Additionele reductie onder regime {regime} onbekend: het gepubliceerde cijfer geldt voor regime {project.levy_regime}, en de invoer voor een berekening ontbreekt.", confidential=False)
    else:
        ev.note("Additionele reductie onbekend: voer referentie-emissies en dispensatierechten in (of de vrije toewijzing in het register).", confidential=False)
    support = project.support_max_eur
    if support is not None:
        for key, tonnes in (("annual", reduction or 0), ("additional", ev.additional_target_t or 0)):
            value = _finite(finance.support_per_tonne(support, tonnes))
            if value is not None:
                ev.per_tonne[key] = value


def additionality_by_regime(project: Project) -> list[dict]:
    """Per regime: the additional reduction computed from inputs (or None), the regime of the decision marked,
    and the published figure with its source beside it (public inputs only)."""
    rows = []
    decision = project.levy_regime or levy.LATEST_REGIME
    for r in levy.regimes():
        ev = Evaluation(project=project, deck=None, regime=r["code"])
        with np.errstate(all="ignore"):
            _public_figures(ev, project, r["code"])
        target = min(project.target_year, 2030)
        dpr = ev.dispensation_rights_t[ev.path_years.index(target)] if ev.dispensation_rights_t and target in ev.path_years else None
        rows.append({
            "regime": r["code"], "name": r["name"], "decision": r["code"] == decision,
            "computed_t": ev.additional_target_t if ev.additional_basis == "berekend" else None,
            "dispensation_rights_t": _finite(dpr), "basis": ev.additional_source if ev.additional_basis == "berekend" else "",
            "published_t": project.additional_reduction_public_t if r["code"] == decision else None,
        })
    return rows


def _business_case(ev: Evaluation, bc: BusinessCase, deck: PriceDeck, regime: str, price_scale: dict, capex_scale: float) -> None:
    project = ev.project
    paths = price_paths(deck)
    ev.scenarios = paths.scenarios
    build = len(bc.capex_schedule)
    operating = np.arange(bc.start_year + build, bc.start_year + build + bc.lifetime_years)
    ev.years = list(range(bc.start_year, int(operating[-1]) + 1))
    prices = {k: v * price_scale.get(k, 1.0) for k, v in paths.for_years(operating).items()}
    capex = [c * capex_scale for c in bc.capex_schedule]
    reduction = project.co2_reduction_t or 0.0
    avoided_levy = np.zeros((len(paths.scenarios), len(operating)))
    dpr = _dpr_path(project, operating, regime)
    before_t = ev.emissions_before_t
    if dpr is not None and before_t is not None:
        avoided = levy.avoided_levy_eur(before_t, reduction, dpr, levy.tariff(operating, regime), prices["ets_eur_per_t"])
        avoided_levy = avoided.eur
        if not avoided.known.all():
            # the operating years come from the business case: confidential
            ev.note("Vermeden CO2-heffing alleen in jaren met een bekend tarief en reductiefactor (tot en met 2030).", confidential=True)
    try:
        cf = finance.project_cashflows(
            capex,
            bc.lifetime_years,
            prices,
            opex_delta_eur_per_year=bc.opex_delta_eur_per_year,
            gas_delta_mwh_per_year=bc.gas_delta_mwh_per_year,
            electricity_delta_mwh_per_year=bc.electricity_delta_mwh_per_year,
            hydrogen_delta_kg_per_year=bc.hydrogen_delta_kg_per_year,
            co2_stored_t_per_year=bc.co2_stored_t_per_year,
            ets_avoided_t_per_year=bc.ets_covered_reduction_t_per_year,
            avoided_levy_eur=avoided_levy,
            other_income_eur_per_year=bc.other_income_eur_per_year,
        )
    except ValueError as exc:
        ev.note(f"Businesscase niet door te rekenen op {deck}: {exc}.", confidential=True)
        return
    ev.cashflows = cf
    ev.npv_eur = np.asarray(finance.npv(bc.hurdle_rate, cf))  # one value per price scenario
    ev.irr = np.asarray(finance.irr(cf))
    ev.funding_gap_eur = np.asarray(finance.funding_gap(bc.hurdle_rate, cf))
    ev.payback_years = np.asarray(finance.payback_period(cf))
    support = ev.funding_gap_eur if project.support_max_eur is None else np.minimum(ev.funding_gap_eur, project.support_max_eur)
    if reduction:
        ev.per_tonne["lifetime"] = float(finance.support_per_lifetime_tonne(support[0], reduction, bc.lifetime_years))
        ev.per_tonne["lifetime_discounted"] = float(finance.support_per_lifetime_tonne(support[0], reduction, bc.lifetime_years, bc.hurdle_rate))
        _instruments(ev, bc, prices, support, reduction, build)


def _instruments(ev: Evaluation, bc: BusinessCase, prices: dict, support: np.ndarray, tonnes: float, build: int) -> None:
    """Lump sum, SDE++-style and CCfD for the same project; SDE/CCfD parameters illustrative."""
    assert ev.npv_eur is not None and ev.funding_gap_eur is not None  # set by _business_case
    rate = bc.hurdle_rate
    ets = prices["ets_eur_per_t"]
    # Levelised cost per tonne without CO2 revenue = base amount (SDE++) and contract price (CCfD).
    base = instruments.levelised_cost(ev.npv_eur, ets * bc.ets_covered_reduction_t_per_year, tonnes, rate, bc.lifetime_years, build).central
    if not np.isfinite(base):
        ev.note(f"Instrumentvergelijking {UNCOMPUTABLE}: geen eindige genivelleerde kosten.", confidential=True)
        return
    energy = (
        bc.gas_delta_mwh_per_year * prices["gas_eur_per_mwh"]
        + bc.electricity_delta_mwh_per_year * prices["electricity_eur_per_mwh"]
    )
    # The CO2 price the project itself earns: the ETS price on the share of its tonnes under the ETS
    # (zero for AnQore's N2O, which is outside the ETS until the Commission approves it, seed 000).
    market = ets * min(1.0, bc.ets_covered_reduction_t_per_year / tonnes)
    effective = instruments.effective_co2_price(market, energy, energy[:, :1], tonnes)
    ev.instruments = [
        instruments.lump_sum(ev.funding_gap_eur, ev.project.support_max_eur),
        # payments in the operating years, discounted like the cash flows to the funding gap's moment
        instruments.sde_style(tonnes, base, market, rate, years=min(SDE_YEARS, bc.lifetime_years), cap_eur_per_t=SDE_CAP_EUR_PER_T, first_t=build),
        instruments.carbon_contract_for_difference(tonnes, base, effective, rate, years=min(CCFD_YEARS, bc.lifetime_years), first_t=build),
    ]
    ev.note(
        f"SDE++-achtig en CCfD zijn illustratief: basisbedrag en contractprijs = de genivelleerde kosten van {base:,.0f} EUR/t "
        f"(centrale prijzen), correctie = ETS-prijs op het ETS-deel van de reductie, maximale intensiteit {SDE_CAP_EUR_PER_T:.0f} EUR/t, {SDE_YEARS} jaar.",
        confidential=True,  # the levelised cost is computed from the business case
    )



SENSITIVITY_FACTORS = (
    ("Aardgasprijs", "gas_eur_per_mwh"),
    ("Elektriciteitsprijs", "electricity_eur_per_mwh"),
    ("ETS-prijs", "ets_eur_per_t"),
    ("Investering", "capex"),
)


def sensitivity(project: Project, deck: PriceDeck | None = None, swing: float = 0.2) -> list[dict]:
    """Funding gap (central scenario) with each input −/+ ``swing`` and the others held: a tornado."""
    base = evaluate(project, deck)
    if base.funding_gap_eur is None:
        return []
    rows: list[dict] = []
    for label, key in SENSITIVITY_FACTORS:
        gaps = []
        for factor in (1 - swing, 1 + swing):
            scale = {"capex_scale": factor} if key == "capex" else {"price_scale": {key: factor}}
            gap = evaluate(project, base.deck, **scale).funding_gap_eur
            gaps.append(None if gap is None else float(gap[0]))
        if None in gaps:  # not computable at this swing (overflow): left out of the tornado
            continue
        rows.append({"label": label, "low": gaps[0], "high": gaps[1], "base": float(base.funding_gap_eur[0])})
    rows.sort(key=lambda r: -abs(r["high"] - r["low"]))
    return rows


# --- writing: projects (case intake, issue 13) -----------------------------------------------------------


def _project_fields(values: dict) -> dict:
    from django.core.exceptions import ValidationError

    from .models import Technique

    errors, out = {}, {}
    if "name" in values:
        out["name"] = (values["name"] or "").strip()
        if not out["name"]:
            errors["name"] = "Naam: verplicht."
        elif len(out["name"]) > 200:
            errors["name"] = "Naam: ten hoogste 200 tekens."
    if "description" in values:
        out["description"] = (values["description"] or "").strip()
    if "techniques" in values:
        techniques = list(dict.fromkeys(values["techniques"] or ()))
        wrong = [t for t in techniques if t not in Technique.values]
        if wrong:
            errors["techniques"] = f"Technieken: {', '.join(map(repr, wrong))} onbekend; kies uit {', '.join(Technique.values)}."
        out["techniques"] = techniques
    if errors:
        raise ValidationError(errors)
    return out


def create_project(trajectory: Trajectory, *, name: str, description: str = "", techniques: Iterable[str] = (), actor: Actor = None) -> Project:
    """A new project under ``trajectory``: name, description and techniques (codes of
    :class:`~maatwerk.finance.models.Technique`, may be empty); its figures and business case are
    entered afterwards (the register of figures, the business-case form). A name already used in the
    trajectory is refused (``DuplicateName``); the trajectory's history records the new project."""
    from maatwerk.trajectories import services as trajectories
    from maatwerk.trajectories.models import EventKind

    fields = _project_fields({"name": name, "description": description, "techniques": techniques})
    with trajectories.recording(trajectory, actor) as rec:
        if Project.objects.filter(trajectory=rec.trajectory, name__iexact=fields["name"]).exists():
            raise trajectories.DuplicateName({"name": f"Naam: {rec.trajectory.company.name} heeft al een project '{fields['name']}'."})
        project = Project.objects.create(trajectory=rec.trajectory, **fields)
        rec.event(EventKind.EDIT, effective_date=_today(), note=f"Project {project.name} aangemaakt.",
                  payload={"project": project.pk, "created": {**fields}})
        return project


def update_project(project: Project, changes: dict, *, expected_version: int, actor: Actor = None) -> Project:
    """Change a project's name, description or techniques, based on its ``version`` (a stale edit is
    refused with ``StaleEdit``); the trajectory's history records what changed."""
    from django.core.exceptions import ValidationError

    from maatwerk.core.locking import save_versioned
    from maatwerk.trajectories import services as trajectories
    from maatwerk.trajectories.models import EventKind

    unknown = set(changes) - {"name", "description", "techniques"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Dit veld wijzigt u met het projectformulier of de PATCH van het project."))
    fields = _project_fields(changes)
    with trajectories.recording(project.trajectory, actor) as rec:
        if "name" in fields and Project.objects.filter(trajectory=rec.trajectory, name__iexact=fields["name"]).exclude(pk=project.pk).exists():
            raise trajectories.DuplicateName({"name": f"Naam: {rec.trajectory.company.name} heeft al een project '{fields['name']}'."})
        diff = {f: [getattr(project, f), v] for f, v in fields.items() if getattr(project, f) != v}
        for f, value in fields.items():
            setattr(project, f, value)
        save_versioned(project, expected_version, list(fields))
        if diff:
            rec.event(EventKind.EDIT, effective_date=_today(), note=f"Project {project.name} gewijzigd: {', '.join(diff)}.",
                      payload={"project": project.pk, "changed": diff})
        return project


def _today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
