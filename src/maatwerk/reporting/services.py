"""The half-yearly progress letter and the parliamentary overviews, from the public record only.

Everything here reads companies, projects and their figures through :mod:`maatwerk.portal.public`
(its allow-list, the publication state of the figures, and its rule that a company without potential
is not named); nothing reads a model's fields directly, so a field that is not on the allow-list
cannot reach a letter or an overview."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from maatwerk.engine import ranges, workflow
from maatwerk.finance.models import Technique
from maatwerk.portal import public
from maatwerk.programme import services as programme
from maatwerk.registry.models import Company, EmissionRecord, Sector
from maatwerk.registry.selectors import company_installations
from maatwerk.trajectories.models import Trajectory
from maatwerk.trajectories.services import state_as_of


def previous_letter_date(as_of: dt.date) -> dt.date:
    """Letters go every half year: the previous one is six months earlier (same day, clamped to month end)."""
    month, year = as_of.month - 6, as_of.year
    if month <= 0:
        month, year = month + 12, year - 1
    for day in (as_of.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass(frozen=True)
class Change:
    company: str
    date: dt.date | None
    not_after: dt.date | None
    text: str


def _in_window(entry: workflow.PhaseEntry, since: dt.date, as_of: dt.date) -> bool:
    day = entry.since or entry.not_after
    return day is not None and since < day <= as_of


def changes(since: dt.date, as_of: dt.date) -> list[Change]:
    """Public phase changes with a known day in (since, as_of], and undated ones bounded in that window;
    not of companies that may not be named (see :func:`unnamed_changes`)."""
    out = []
    unnamed = public.unnamed_trajectory_ids(as_of)
    for t in Trajectory.objects.select_related("company").exclude(pk__in=unnamed):
        for entry in state_as_of(t, as_of).history[1:]:
            phase = workflow.PHASE_BY_CODE[entry.phase]
            if not (phase.public or entry.phase == workflow.EXPLORATION):
                continue
            if _in_window(entry, since, as_of):
                out.append(Change(t.company.name, entry.since, entry.not_after if entry.since is None else None, phase.label))
    return sorted(out, key=lambda c: (c.date or c.not_after, c.company))


def unnamed_changes(since: dt.date, as_of: dt.date) -> int:
    """How many trajectories ended without potential in the window: the fact, without names or days."""
    unnamed = public.unnamed_trajectory_ids(as_of)
    return sum(
        1
        for t in Trajectory.objects.filter(pk__in=unnamed)
        for entry in state_as_of(t, as_of).history[1:]
        if entry.phase == workflow.NO_POTENTIAL and _in_window(entry, since, as_of)
    )


# the letter's figures: its name → (the field of the public allow-list, the register's unit)
PUBLIC_FIGURES = {
    "co2_reduction_t": ("co2_reduction_t", "t CO2/jr"), "additional_t": ("additional_reduction_public_t", "t CO2/jr"),
    "nox_reduction_t": ("nox_reduction_t", "t NOx/jr"), "nh3_reduction_t": ("nh3_reduction_t", "t NH3/jr"),
    "water_m3": ("water_m3", "m3/jr"), "gas_m3": ("gas_m3", "m3/jr"), "support_max_eur": ("support_max_eur", "EUR"),
}


def public_totals(as_of: dt.date | None = None, known_at: dt.datetime | None = None) -> dict[str, dict]:
    """Per category of the public phase: the published figures of its projects added up as values of
    the register (:func:`maatwerk.engine.ranges.total`: a sum of ranges is a range, "ten minste"
    survives), None when no project of it has the figure; ``unknown`` counts the projects without it
    (unknown is not 0). ``text`` is each total in Dutch ("onbekend" when none is known)."""
    from maatwerk.core.templatetags.maatwerk import figure as figure_text

    companies = {c["slug"]: c for c in public.companies(as_of)}
    rows = [
        (programme.CATEGORY_OF.get(companies[p["company_slug"]]["phase"]), p, companies[p["company_slug"]])
        for p in public.projects(as_of=as_of, known_at=known_at)
        if p["company_slug"] in companies
    ]
    out: dict[str, Any] = {}
    for code, label, _ in programme.CATEGORIES:
        members = [p for category, p, _ in rows if category == code]
        sums = {f: ranges.total(p["values"][source] for p in members if p["values"][source] is not None) for f, (source, _) in PUBLIC_FIGURES.items()}
        out[code] = {
            "label": label,
            "projects": members,
            "sums": sums,
            "text": {f: figure_text(sums[f], unit) if members else "–" for f, (_, unit) in PUBLIC_FIGURES.items()},
            "unknown": {f: sum(1 for p in members if p["values"][source] is None) for f, (source, _) in PUBLIC_FIGURES.items()},
        }
    out["_rows"] = rows
    return out


def public_budget_use(totals: dict | None = None, as_of: dt.date | None = None) -> list[dict]:
    """Per budget the published reserved, committed and disbursed support on ``as_of``, each project
    counted once (read from the budget stages through :func:`maatwerk.portal.public.budget_use`; a
    JLoI's maximum is reserved, not committed). ``totals`` is no longer used (kept for callers)."""
    return public.budget_use(as_of)


def letter_context(as_of: dt.date, since: dt.date | None = None, known_at: dt.datetime | None = None) -> dict:
    """The letter's figures and facts on ``as_of`` (the register's figures as known at ``known_at``; None: now)."""
    since = since or previous_letter_date(as_of)
    companies = public.companies(as_of)
    projects: dict[str, list[dict]] = {}
    for p in public.projects(as_of=as_of, known_at=known_at):
        projects.setdefault(p["company_slug"], []).append(p)
    totals = public_totals(as_of, known_at)
    categories = [(code, totals[code]) for code, _, _ in programme.CATEGORIES]
    budget = public_budget_use(totals, as_of)
    unnamed = public.unnamed_no_potential(as_of)
    return {
        "as_of": as_of,
        "since": since,
        # a company that withdrew or paused has no agreement to count: its earlier figures are not shown
        "companies": [{**c, "projects": [] if c["phase"] in NOT_COUNTED_PHASES else projects.get(c["slug"], [])} for c in companies],
        "changes": changes(since, as_of),
        "categories": categories,
        "goal_mton": programme.GOAL_MTON,
        "additional_agreed": ranges.total(c["sums"]["additional_t"] for code, c in categories if code in programme.COMMITTED and c["sums"]["additional_t"]),
        "additional_unknown": sum(c["unknown"]["additional_t"] for code, c in categories if code in programme.COMMITTED),
        "budget": budget,
        "phase_counts": [
            (p.label, unnamed if p.code == workflow.NO_POTENTIAL else sum(1 for c in companies if c["phase"] == p.code)) for p in workflow.PHASES
        ],
        "unnamed_changes": unnamed_changes(since, as_of),
    }


# --- parliamentary overviews --------------------------------------------------------------------


def _programme_companies(as_of: dt.date | None = None) -> list[Company]:
    """The companies the public record names on ``as_of`` (not those without potential)."""
    slugs = [c["slug"] for c in public.companies(as_of)]
    return list(Company.objects.filter(slug__in=slugs).order_by("name"))


def overview_emissions(as_of: dt.date | None = None, first_year: int = 2013, last_year: int | None = None) -> tuple[list[str], list[list]]:
    """CO2 emissions per company by year up to the latest imported year (verified emissions; empty where
    none) of the top-20 emitters of that year according to the registry (q 61) and of every company the
    public record names on ``as_of`` (the admitted extensions among them). A company that ended without
    potential is not named, even when it is among the top-20."""
    from maatwerk.registry.selectors import rank_emitters

    cap = last_year if last_year is not None else (as_of.year if as_of else None)
    years = sorted({y for y in EmissionRecord.objects.order_by("year").values_list("year", flat=True).distinct() if y >= first_year and (cap is None or y <= cap)})
    latest = years[-1] if years else None
    ranked = {r.company_slug: r.rank for r in rank_emitters(latest, sector=Sector.INDUSTRY)} if latest else {}
    in_programme = {c.slug for c in _programme_companies(as_of)}
    unnamed = set(Company.objects.filter(trajectory__in=public.unnamed_trajectory_ids(as_of)).values_list("slug", flat=True))
    companies = Company.objects.filter(slug__in=(set(ranked) - {None} | in_programme) - unnamed).order_by("name")
    header = ["bedrijf", f"plaats in de industriële top-20 van {latest}" if latest else "plaats in de industriële top-20", "in het programma", *map(str, years)]
    rows = []
    for company in companies:
        per_year: dict[int, int] = {}
        for year, value in EmissionRecord.objects.filter(installation__in=company_installations(company), verified_emissions_t__isnull=False).values_list("year", "verified_emissions_t"):
            per_year[year] = per_year.get(year, 0) + (value or 0)  # never None: filtered above
        rows.append([company.name, ranked.get(company.slug), "ja" if company.slug in in_programme else "nee", *(per_year.get(y) for y in years)])
    return header, rows


NOT_COUNTED_PHASES = (workflow.WITHDRAWN, workflow.PAUSED, workflow.NO_POTENTIAL)


def _phases(as_of: dt.date | None) -> dict[str, dict]:
    return {c["name"]: c for c in public.companies(as_of)}


def _per_project(
    fields: list[tuple[str, str]], as_of: dt.date | None = None, extra: Callable[[int, bool], list] | None = None
) -> tuple[list[str], list[list]]:
    """One row per project of the public record on ``as_of`` (today when None); a figure of the register gives three columns: its low and high end
    as numbers (empty where the source gives none) and the figure as the source says it. The last column is the
    company's public phase; a withdrawn or paused company's figures are left empty ("telt niet mee"): it has no agreement
    to count. ``extra(project_id, counted)`` adds columns of its own before the phase."""
    header = ["bedrijf", "project"]
    for f, label in fields:
        header += [f"{label} ondergrens", f"{label} bovengrens", f"{label} volgens de bron"] if f in public.FIGURE_FIELDS else [label]
    phases = _phases(as_of)
    rows = []
    for project_id, p in public.projects_by_id(as_of):
        company = phases.get(p["company"], {})
        counted = company.get("phase") not in NOT_COUNTED_PHASES
        row = [p["company"], p["name"]]
        for f, _ in fields:
            if f in public.FIGURE_FIELDS:
                row += [p[f"{f}_low"], p[f"{f}_high"], p[f"{f}_text"]] if counted else [None, None, "telt niet mee"]
            else:
                row += [p[f]]
        if extra is not None:
            row += extra(project_id, counted)
        rows.append([*row, company.get("phase_label", "")])
    return header, rows


def overview_nox(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    """The agreed NOx reduction per project (as before), and per company and year the NOx and NH3 it emitted
    to air according to the EEA's industrial reporting (tonnes; 'vertrouwelijk' where the EEA withholds it;
    one row with 'onbekend' for a company of which no emission is known).

    One table in long form: a project row leaves the emission columns empty, an emission row (one per
    company and year) leaves the project columns empty, so summing a column counts nothing twice."""
    from maatwerk.registry.pollutants import releases_by_company

    header, project_rows = _per_project([("nox_reduction_t", "NOx-reductie (t/jr)"), ("target_year", "doeljaar")], as_of)
    project_rows = [row[:-1] for row in project_rows]  # the phase is not a column here
    header = [*header, "emissiejaar", "NOx-emissie naar lucht (t)", "NH3-emissie naar lucht (t)", "bron emissie"]
    by_company: dict[str, list] = {}
    for row in project_rows:
        by_company.setdefault(row[0], []).append([*row, None, None, None, None])
    blank = [None] * (len(header) - 2 - 4)
    companies = _programme_companies(as_of)
    releases = releases_by_company({c.pk for c in companies})
    for company in companies:
        known = releases.get(company.pk, [])
        for cy in known:
            by_company.setdefault(company.name, []).append(
                [company.name, None, *blank, cy.year, cy.cells["NOX"].shown(), cy.cells["NH3"].shown(), cy.source]
            )
        if not known:
            by_company.setdefault(company.name, []).append([company.name, None, *blank, None, "onbekend", "onbekend", "geen EEA-gegevens ingelezen"])
    return header, [row for name in sorted(by_company) for row in by_company[name]]


def overview_reductions(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    header, rows = _per_project(
        [("co2_reduction_t", "CO2-reductie (t/jr)"), ("additional_reduction_public_t", "additioneel (t/jr)"), ("nox_reduction_t", "NOx (t/jr)"),
         ("nh3_reduction_t", "NH3 (t/jr)"), ("water_m3", "zoetwater (m3/jr)"), ("gas_m3", "aardgas (m3/jr)"), ("target_year", "doeljaar")],
        as_of,
    )
    return [*header, "fase"], rows


def overview_techniques(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    labels = dict(Technique.choices)
    phases = _phases(as_of)
    header = ["bedrijf", "project", "technieken", "fase"]
    return header, [[p["company"], p["name"], ", ".join(str(labels.get(t, t)) for t in p["techniques"]), phases.get(p["company"], {}).get("phase_label", "")]
                    for p in public.projects(as_of=as_of)]


def overview_dates(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    """Per company the day it entered each phase, the concept JLoI and the AMVI advice included ("uiterlijk D"
    where only a bound is known); no-potential companies are not named."""
    phases = [p for p in workflow.PHASES if p.code != workflow.NO_POTENTIAL]
    header = ["bedrijf", *(p.label for p in phases)]
    rows = []
    unnamed = public.unnamed_trajectory_ids(as_of)
    for t in Trajectory.objects.select_related("company").exclude(pk__in=unnamed).order_by("company__name"):
        entered = {}
        for e in state_as_of(t, as_of).history[1:]:
            entered[e.phase] = e.since if e.since else (f"uiterlijk {e.not_after.isoformat()}" if e.not_after else "datum onbekend")
        rows.append([t.company.name, *(entered.get(p.code) for p in phases)])
    return header, rows


def overview_support(as_of: dt.date | None = None) -> tuple[list[str], list[list]]:
    """Per project the State's maximum support from its documents, the money in its stages on ``as_of``
    (reserved in a JLoI, committed in a binding decision, of which disbursed) and the furthest stage."""
    from maatwerk.programme.models import BudgetStage

    support = public.support_by_project(as_of)
    stages = dict(BudgetStage.choices)

    def stage_columns(project_id: int, counted: bool) -> list:
        s = support.get(project_id)
        if s is None or not counted:
            return [None, None, None, "geen openbare reservering of toezegging" if counted else "telt niet mee"]
        return [s["reserved_eur"], s["committed_eur"], s["disbursed_eur"], str(stages.get(s["stage"], s["stage"]))]

    header, rows = _per_project([("support_max_eur", "maximale steun (EUR)"), ("investment_eur", "investering (EUR)"), ("public_source", "bron")],
                                as_of, extra=stage_columns)
    return [*header, "gereserveerd (EUR)", "toegezegd (EUR)", "waarvan uitbetaald (EUR)", "stadium", "fase"], rows


OVERVIEWS = {
    "emissies": ("CO2-emissies per bedrijf per jaar (EU ETS)", overview_emissions,
                 "Geverifieerde emissies uit de EU Transaction Log (European Commission, CC BY 4.0), ingelezen in het register, per bedrijf opgeteld over zijn installaties."),
    "stikstof": ("NOx per bedrijf: afgesproken reductie en uitstoot (EEA)", overview_nox,
                 "Afgesproken reducties: de gepubliceerde cijfers uit het register met hun bron; uitstoot: EEA industrial reporting (E-PRTR/IED)."),
    "reducties": ("Afgesproken reducties per bedrijf", overview_reductions, "De gepubliceerde cijfers uit het register; de bron van elk cijfer staat in het overzicht steun."),
    "technieken": ("Technieken per bedrijf", overview_techniques, "De projecten met gepubliceerde cijfers en hun technieken."),
    "data": ("Data per fase per bedrijf", overview_dates, "De gebeurtenissen van de trajecten, met de concept-JLoI en het AMVI-advies."),
    "steun": ("Steun per bedrijf en stadium", overview_support, "De gepubliceerde cijfers en de openbare budgetregels (gereserveerd, toegezegd, uitbetaald)."),
}

#: the meaning of a column, by its name (or the end of its name) — for the data dictionary
COLUMN_MEANINGS = {
    "bedrijf": ("tekst", "Het bedrijf (zoals het register het noemt)"),
    "project": ("tekst", "Het project; leeg in een rij over het bedrijf als geheel"),
    "ondergrens": ("getal", "De ondergrens van het cijfer volgens de bron; leeg als de bron er geen geeft (bijv. 'ten hoogste')"),
    "bovengrens": ("getal", "De bovengrens van het cijfer volgens de bron; leeg bij 'ten minste' of een puntwaarde"),
    "volgens de bron": ("tekst", "Het cijfer zoals de bron het zegt ('ca. 260 kt', 'ten hoogste € 105 mln', 'onbekend', 'telt niet mee')"),
    "doeljaar": ("geheel getal", "Het jaar waarop de reductie ziet"),
    "in het programma": ("ja/nee", "Of het bedrijf op de peildatum een openbaar traject in de maatwerkaanpak heeft (top-20 of toegelaten uitbreiding)"),
    "fase": ("tekst", "De openbare fase van het traject op de peildatum"),
    "technieken": ("tekst", "De technieken van het project, gescheiden door komma's"),
    "bron": ("tekst", "De publieke bronnen van de cijfers (titel, datum, kenmerk)"),
    "(EUR)": ("getal", "Een bedrag in euro"),
    "emissiejaar": ("geheel getal", "Het jaar van de uitstoot"),
    "(t)": ("getal of tekst", "Uitstoot in ton; 'vertrouwelijk' als de EEA het achterhoudt, 'onbekend' als er niets is ingelezen"),
    "bron emissie": ("tekst", "De EEA-publicatie van de uitstoot"),
    "stadium": ("tekst", "Het verste stadium van de steun: gereserveerd, toegezegd of uitbetaald"),
}


def overview_dictionary(name: str) -> list[tuple[str, str, str]]:
    """(column, type, meaning) per column of an overview's CSV."""
    header, _rows = OVERVIEWS[name][1](None)
    out = []
    for column in header:
        if column.startswith("plaats in de industriële top-20"):
            out.append((column, "geheel getal", "De plaats van het bedrijf in de top-20 van industriële uitstoters naar geverifieerde emissies van dat jaar (het register, bedrijven gegroepeerd); leeg: niet in de top-20"))
            continue
        if column.isdigit():
            out.append((column, "geheel getal", f"Geverifieerde CO2-emissie in {column} (ton); leeg als er geen is"))
            continue
        if name == "data" and column != "bedrijf":
            out.append((column, "datum (JJJJ-MM-DD) of tekst", f"De dag waarop het traject de fase '{column}' inging; 'uiterlijk D' als alleen een grens bekend is"))
            continue
        meaning = COLUMN_MEANINGS.get(column) or next((m for key, m in COLUMN_MEANINGS.items() if column.endswith(key)), ("tekst", ""))
        out.append((column, *meaning))
    return out


def dictionary_csv(name: str) -> str:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kolom", "type", "betekenis"])
    writer.writerows(overview_dictionary(name))
    return out.getvalue()


def overview_csv(name: str, as_of: dt.date | None = None) -> str:
    """RFC 4180 (CRLF line ends, quoted where needed); the caller writes it as UTF-8 with a BOM."""
    import csv

    from maatwerk.core.exports import safe_row

    header, rows = OVERVIEWS[name][1](as_of)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    writer.writerows(safe_row("" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in row) for row in rows)
    return out.getvalue()


HEADER_ROW = 5  # title, as-of date, sources, a blank line, then the header


def overview_xlsx(name: str, as_of: dt.date | None = None) -> bytes:
    """For people: the title, the as-of date (a date cell) and the sources above the table, Dutch
    headers in bold in a frozen row, numbers as number cells with Dutch-style formats, dates as date
    cells; a second sheet holds the data dictionary."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from maatwerk.core.exports import append_row

    day = as_of or timezone.localdate()
    title, build, source = OVERVIEWS[name]
    header, rows = build(as_of)
    wb = Workbook()
    ws = wb.active
    ws.title = name[:31]
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"], ws["B2"] = "Stand op", day
    ws["B2"].number_format = "DD-MM-YYYY"
    ws["A3"], ws["B3"] = "Bronnen", source
    assert ws.max_row == HEADER_ROW - 2
    ws.append([])
    append_row(ws, header)
    for cell in ws[HEADER_ROW]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(ws, row)
    for row in ws.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD-MM-YYYY"
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.##"
            elif isinstance(cell.value, int):
                cell.number_format = "0" if "jaar" in header[cell.column - 1] else "#,##0"
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    for i, column in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, min(40, len(column) + 2))
    words = wb.create_sheet("Woordenboek")
    append_row(words, ["kolom", "type", "betekenis"])
    for cell in words[1]:
        cell.font = Font(bold=True)
    for entry in overview_dictionary(name):
        append_row(words, entry)
    words.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- drafts and sent letters (issue 14 §2) -----------------------------------------------------------

LETTER_FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "html": ("text/html; charset=utf-8", "html"),
}


class LetterRefused(Exception):
    """A change the letter's state does not allow (a sent letter is frozen); nothing was written."""


def letter_meta(letter: Any, **changes: Any) -> Any:
    from .letter import SECTION_KEYS, Meta

    values = {
        "kenmerk": letter.kenmerk, "subject": letter.subject, "date": letter.sent_on, "kamerstuk": letter.kamerstuk,
        "minister_name": letter.minister_name, "ienw_name": letter.ienw_name,
        "texts": {key: getattr(letter, f"text_{key}") for key in SECTION_KEYS},
    }
    return Meta(**{**values, **changes})


def draft_letter(as_of: dt.date, since: dt.date | None = None, *, actor: Any = None, kenmerk: str = "", subject: str = "") -> Any:
    """A new draft for the period (since, as_of], its narrative generated from the period's events."""
    from .letter import DEFAULT_SUBJECT, generated_texts
    from .models import Letter

    since = since or previous_letter_date(as_of)
    texts = generated_texts(as_of, since)
    return Letter.objects.create(
        as_of=as_of, since=since, kenmerk=kenmerk, subject=subject or DEFAULT_SUBJECT, created_by=actor,
        **{f"text_{key}": text for key, text in texts.items()},
    )


def letter_content(letter: Any) -> dict:
    """A sent letter's stored content; a draft's content built now from the public record."""
    from .letter import build

    if letter.is_sent:
        return letter.content
    return build(letter.as_of, letter.since, letter_meta(letter))


def render_letter(content: dict, fmt: str) -> bytes:
    from . import formats

    if fmt == "pdf":
        return formats.to_pdf(content)
    if fmt == "docx":
        return formats.to_docx(content)
    if fmt == "html":
        return formats.to_html(content).encode("utf-8")
    raise ValueError(f"onbekend formaat: {fmt}")


def regenerate_texts(letter: Any, expected_version: int) -> Any:
    """Back to the generated narrative (as the data stand now); only for a draft."""
    from maatwerk.core.locking import save_versioned

    from .letter import generated_texts

    if letter.is_sent:
        raise LetterRefused("Een verzonden brief ligt vast; de tekst kan niet meer veranderen.")
    for key, text in generated_texts(letter.as_of, letter.since).items():
        setattr(letter, f"text_{key}", text)
    return save_versioned(letter, expected_version, [f"text_{key}" for key in ("intro", "changes", "standing", "budget", "closing")])


def send_letter(letter: Any, *, sent_on: dt.date, kamerstuk: str, actor: Any, expected_version: int, kenmerk: str | None = None) -> Any:
    """Mark a draft sent and freeze it: its content as the system knows the record now (the register's
    figures as known at this moment), stored with its hash and the hashes of the three formats."""
    import hashlib

    from django.db import transaction
    from django.utils import timezone

    from maatwerk.core.locking import StaleEdit, save_versioned

    from .letter import build, digest
    from .models import Letter, LetterStatus

    with transaction.atomic():
        stored = Letter.objects.select_for_update().get(pk=letter.pk)
        if stored.is_sent:
            raise LetterRefused(f"Deze brief is al verzonden op {stored.sent_on} ({stored.kamerstuk}).")
        if stored.version != expected_version:
            raise StaleEdit(stored, expected_version)
        if sent_on < stored.as_of:
            raise LetterRefused(f"Verzonden op {sent_on.isoformat()} ligt voor de stand van de brief ({stored.as_of.isoformat()}).")
        if kenmerk is not None:
            stored.kenmerk = kenmerk
        if not stored.kenmerk:
            raise LetterRefused("Een verzonden brief heeft een kenmerk: vul ons kenmerk in.")
        now = timezone.now()
        content = build(stored.as_of, stored.since, letter_meta(stored, date=sent_on, kamerstuk=kamerstuk), known_at=now)
        stored.status, stored.sent_on, stored.kamerstuk, stored.sent_at, stored.sent_by = LetterStatus.SENT, sent_on, kamerstuk, now, actor
        stored.content, stored.content_sha256 = content, digest(content)
        for fmt in ("pdf", "docx", "html"):
            setattr(stored, f"{fmt}_sha256", hashlib.sha256(render_letter(content, fmt)).hexdigest())
        fields = ["kenmerk", "status", "sent_on", "kamerstuk", "sent_at", "sent_by", "content", "content_sha256", "pdf_sha256", "docx_sha256", "html_sha256"]
        return save_versioned(stored, expected_version, fields)


def sent_letters() -> Any:
    from .models import Letter, LetterStatus

    return Letter.objects.filter(status=LetterStatus.SENT).order_by("-sent_on", "-pk")
