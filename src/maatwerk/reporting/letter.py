"""The half-yearly progress letter as a Kamerbrief: one content, three formats.

:func:`build` assembles the letter as plain data (strings, lists and dicts only): the letterhead, the
addressee, date, reference and subject, the narrative sections, the signature blocks, the annexes with
their tables and the sources. :mod:`maatwerk.reporting.formats` turns that one content into HTML, a
tagged PDF and a DOCX, so the three say the same thing. Because the content is plain data, a sent
letter stores it as JSON (:class:`maatwerk.reporting.models.Letter`) and every later download is
rendered from that stored content, byte for byte the same whatever happened to the data since.

Everything is read from the public record (:mod:`maatwerk.portal.public` and the letter's own
:mod:`maatwerk.reporting.services`): figures only once published, sources are the public documents,
a company without potential is not named. Withdrawn, paused and no-potential trajectories count in
no total, and a figure that is not known is printed as "onbekend", never as 0.

The narrative is generated from the period's events (:func:`generated_texts`); the programme team
edits it (each section a text of paragraphs separated by a blank line) before the letter is sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field

from maatwerk.core.templatetags.maatwerk import datum, dutch_number, figure, money_text
from maatwerk.engine import ranges, workflow
from maatwerk.portal import public
from maatwerk.programme import services as programme
from maatwerk.trajectories.models import ParliamentNotice, Party, Trajectory

from . import services

FORMAT_VERSION = 1
MINISTRY = "Ministerie van Klimaat en Groene Groei"
UNIT = "Programma maatwerkaanpak verduurzaming industrie"
ADDRESSEE = "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal"
SALUTATION = "Geachte Voorzitter,"
DEFAULT_SUBJECT = "Voortgang maatwerkaanpak verduurzaming industrie"
MINISTER = "De minister van Klimaat en Groene Groei,"
IENW = "De staatssecretaris van Infrastructuur en Waterstaat,"
GOAL_SOURCE = "Kamerstuk 29 826 nr. 177"
#: phases that count in no total (their companies are listed, their figures are not added)
NOT_COUNTED = services.NOT_COUNTED_PHASES

#: the editable sections of the narrative, in the letter's order: key → heading (None: no heading)
SECTIONS = (
    ("intro", None),
    ("changes", "Ontwikkelingen per bedrijf"),
    ("standing", "Stand van het programma"),
    ("budget", "Budget"),
    ("closing", None),
)
SECTION_KEYS = tuple(key for key, _ in SECTIONS)


@dataclass(frozen=True)
class Meta:
    """What the programme team sets on a letter besides the figures."""

    kenmerk: str = ""
    subject: str = DEFAULT_SUBJECT
    date: dt.date | None = None  # the letter's date; None: its as-of date
    kamerstuk: str = ""
    minister_name: str = ""
    ienw_name: str = ""
    texts: dict[str, str] = field(default_factory=dict)  # section key → edited text; missing: generated


def _day(day: dt.date | None) -> str:
    return datum(day) if day else "onbekend"


def _when(change: services.Change) -> str:
    if change.date:
        return f"op {datum(change.date)}"
    return f"uiterlijk op {datum(change.not_after)} (de precieze dag is niet openbaar)"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


# per phase: the sentence for one company and for several ({names}, {when})
SENTENCES = {
    workflow.EXPLORATION: ("{names} is {when} in gesprek gegaan over maatwerk (verkenning).", "{names} zijn {when} in gesprek gegaan over maatwerk (verkenning)."),
    workflow.EOP_SIGNED: ("Met {names} is {when} een Expression of Principles (EoP) getekend.", "Met {names} is {when} een Expression of Principles (EoP) getekend."),
    workflow.JLOI_SIGNED: ("Met {names} is {when} een Joint Letter of Intent (JLoI) getekend.", "Met {names} is {when} een Joint Letter of Intent (JLoI) getekend."),
    workflow.BINDING_AGREEMENT: ("Met {names} is {when} een bindende maatwerkafspraak gesloten.", "Met {names} zijn {when} bindende maatwerkafspraken gesloten."),
    workflow.REALISATION: ("{names} is {when} begonnen met de realisatie.", "{names} zijn {when} begonnen met de realisatie."),
    workflow.COMPLETED: ("Het maatwerktraject met {names} is {when} afgerond.", "De maatwerktrajecten met {names} zijn {when} afgerond."),
    workflow.PAUSED: ("Het traject met {names} is {when} gepauzeerd; het telt niet mee in de totalen.", "De trajecten met {names} zijn {when} gepauzeerd; zij tellen niet mee in de totalen."),
    workflow.WITHDRAWN: (
        "{names} heeft zich {when} teruggetrokken; de eerdere ambitie telt niet meer mee in de totalen.",
        "{names} hebben zich {when} teruggetrokken; hun eerdere ambities tellen niet meer mee in de totalen.",
    ),
}
PHASE_OF_LABEL = {p.label: p.code for p in workflow.PHASES}


def _notices(since: dt.date, as_of: dt.date) -> dict[str, list[ParliamentNotice]]:
    """Per company: the letters that informed parliament in the period (date known or bounded in it)."""
    unnamed = public.unnamed_trajectory_ids(as_of)
    out: dict[str, list[ParliamentNotice]] = {}
    for n in ParliamentNotice.objects.select_related("trajectory__company").exclude(trajectory__in=unnamed).order_by("informed_on", "pk"):
        day = n.informed_on or n.not_after
        if day is not None and since < day <= as_of:
            out.setdefault(n.trajectory.company.name, []).append(n)
    return out


def _kamerstuk(number: str) -> str:
    """"29826-266" → "Kamerstuk 29 826 nr. 266" ("29826/32813-260": "Kamerstukken 29 826/32 813 nr. 260");
    any other text as it is."""
    dossier, _, item = number.rpartition("-")
    dossiers = dossier.split("/")
    if not (item.isdigit() and all(d.isdigit() for d in dossiers)):
        return number
    spaced = "/".join(f"{int(d):,}".replace(",", " ") for d in dossiers)
    return f"Kamerstuk{'ken' if len(dossiers) > 1 else ''} {spaced} nr. {int(item)}"


def _notice_when(notices: list[ParliamentNotice]) -> str:
    """"op 23 juni 2025 (Kamerstuk …) en uiterlijk op …": when (and in which paper) parliament was informed."""
    parts = []
    for n in notices:
        when = f"op {datum(n.informed_on)}" if n.informed_on else f"uiterlijk op {datum(n.not_after)}"
        parts.append(f"{when} ({_kamerstuk(n.kamerstuk)})" if n.kamerstuk else when)
    return _names(parts)


def _changes_text(since: dt.date, as_of: dt.date) -> str:
    changes = services.changes(since, as_of)
    notices = _notices(since, as_of)
    # companies with the same phase change on the same (bound of the) day share one sentence
    groups: dict[tuple[str, str], list[str]] = {}
    for c in changes:
        groups.setdefault((c.text, _when(c)), []).append(c.company)
    paragraphs = []
    told: set[str] = set()
    for (label, when), names in groups.items():
        code = PHASE_OF_LABEL.get(label, "")
        one, several = SENTENCES.get(code, ("{names}: " + label.lower() + " {when}.", "{names}: " + label.lower() + " {when}."))
        text = (one if len(names) == 1 else several).format(names=_names(names), when=when)
        for name in names:
            if name in notices and name not in told:
                about = f"over {name} " if len(names) > 1 else "hierover "
                text += f" Uw Kamer is {about}{_notice_when(notices[name])} geïnformeerd."
                told.add(name)
        paragraphs.append(text)
    for name, items in notices.items():
        if name not in told:
            paragraphs.append(f"Over {name} is uw Kamer {_notice_when(items)} geïnformeerd.")
    unnamed = services.unnamed_changes(since, as_of)
    if unnamed:
        paragraphs.append(
            f"Met {unnamed} bedrij{'f' if unnamed == 1 else 'ven'} is in deze periode vastgesteld dat er geen potentieel voor maatwerk is; "
            "bedrijven zonder potentieel worden niet bij naam genoemd."
        )
    return "\n\n".join(paragraphs) or f"In de periode van {datum(since)} tot en met {datum(as_of)} is geen traject van fase veranderd."


def _share_of_goal(total: ranges.Value | None) -> str:
    """The agreed additional reduction as a share of the 1–1.9 Mt goal, as a range ("" when unknown)."""
    lo_goal, hi_goal = (g * 1e6 for g in programme.GOAL_MTON)
    if total is None or total.lower is None:
        return ""
    low = 100 * total.lower / hi_goal
    high = None if total.upper is None else 100 * total.upper / lo_goal
    def pct(x: float) -> str:
        return f"{x:.0f}".replace(".", ",") + "%"
    return f"{pct(low)} tot {pct(high)}" if high is not None else f"ten minste {pct(low)}"


def _standing_text(ctx: dict) -> str:
    cats = dict(ctx["categories"])
    counts = {code: sum(1 for c in ctx["companies"] if programme.CATEGORY_OF.get(c["phase"]) == code) for code, _, _ in programme.CATEGORIES}
    as_of = ctx["as_of"]
    first = (
        f"Op {datum(as_of)} is met {counts['ambition']} bedrij{'f' if counts['ambition'] == 1 else 'ven'} een Expression of Principles getekend "
        f"zonder dat er al een JLoI is, met {counts['jloi']} een Joint Letter of Intent en met {counts['binding']} een bindende maatwerkafspraak"
        + (f"; {counts['realised']} in realisatie of afgerond." if counts["realised"] else ".")
    )
    agreed = ranges.total(cats[code]["sums"]["co2_reduction_t"] for code in programme.COMMITTED if cats[code]["sums"]["co2_reduction_t"])
    additional = ctx["additional_agreed"]
    goal = " tot ".join(dutch_number(g, 1).removesuffix(",0") for g in programme.GOAL_MTON)
    second = (
        f"De getekende afspraken (JLoI's en bindende afspraken) leiden volgens de openbare cijfers samen tot {figure(agreed, 't CO2/jr')} "
        f"CO2-reductie per jaar. Het doel is {goal} Mton additionele reductie in 2030 ({GOAL_SOURCE}). "
    )
    if additional is not None:
        share = _share_of_goal(additional)
        second += f"Daarvan is {figure(additional, 't CO2/jr')} per jaar additioneel" + (f", {share} van het doel." if share else ".")
    else:
        second += "Hoeveel daarvan additioneel is, is nog onbekend."
    if ctx["additional_unknown"]:
        n = ctx["additional_unknown"]
        second += f" Van {n} afspra{'ak' if n == 1 else 'ken'} is de additionele reductie nog niet openbaar; die telt als onbekend, niet als nul."
    ambition = cats["ambition"]["sums"]["co2_reduction_t"]
    third = (
        f"De ambities in Expression of Principles zonder JLoI komen samen op {figure(ambition, 't CO2/jr')} per jaar; dat zijn nog geen afspraken. "
        "Teruggetrokken, gepauzeerde en beëindigde trajecten tellen in geen van deze totalen mee."
    )
    return "\n\n".join([first, second, third])


def _budget_text(ctx: dict) -> str:
    parts = []
    for b in ctx["budget"]:
        budget = b["budget"]
        amount = money_text(budget.amount_eur)[0]
        if b["reference"]:
            parts.append(f"{budget.name}: {amount} ({budget.source}); dit is een apart instrument.")
            continue
        if not (b["reserved_eur"] or b["committed_eur"]):
            parts.append(f"Voor {budget.name} is {amount} beschikbaar ({budget.source}). Uit gepubliceerde documenten is daarop nog geen reservering of toezegging vastgelegd.")
            continue
        parts.append(
            f"Voor {budget.name} is {amount} beschikbaar ({budget.source}). Daarvan is {money_text(b['reserved_eur'])[0]} gereserveerd in JLoI's "
            f"en {money_text(b['committed_eur'])[0]} toegezegd in bindende afspraken, waarvan {money_text(b['disbursed_eur'])[0]} uitbetaald."
        )
    text = " ".join(parts) or "Er is op deze datum geen openbaar budget vastgesteld."
    return text + "\n\nElk project telt één keer: een bindend besluit vervangt de reservering uit de JLoI. Alleen bedragen uit gepubliceerde documenten tellen mee."


def _ienw_party(as_of: dt.date, since: dt.date) -> bool:
    """Whether IenW is a party to a trajectory whose change this letter reports (then its state secretary co-signs)."""
    names = {c.company for c in services.changes(since, as_of)}
    ienw = Party.objects.filter(name__icontains="Infrastructuur en Waterstaat")
    return Trajectory.objects.filter(company__name__in=names, parties__in=ienw).exists()


def generated_texts(as_of: dt.date, since: dt.date | None = None, ctx: dict | None = None) -> dict[str, str]:
    """The narrative as the system drafts it from the period's events and the public figures."""
    since = since or services.previous_letter_date(as_of)
    ctx = ctx or services.letter_context(as_of, since)
    ienw = _ienw_party(as_of, since)
    return {
        "intro": (
            f"Met deze brief informeer ik uw Kamer{', mede namens de staatssecretaris van Infrastructuur en Waterstaat,' if ienw else ''} over de voortgang "
            f"van de maatwerkaanpak verduurzaming industrie in de periode van {datum(since)} tot en met {datum(as_of)}. "
            "In deze aanpak maakt de Staat met de grootste industriële uitstoters afspraken om sneller en verder te verduurzamen dan de CO2-heffing "
            "vraagt en om de leefomgeving te verbeteren.\n\n"
            "De cijfers in deze brief zijn de openbare cijfers uit de getekende documenten. Een bandbreedte blijft een bandbreedte; wat niet openbaar "
            "is, staat er als onbekend. De bijlagen geven de stand per bedrijf, de totalen per fase en het budget."
        ),
        "changes": _changes_text(since, as_of),
        "standing": _standing_text(ctx),
        "budget": _budget_text(ctx),
        "closing": "Ik zal uw Kamer over een half jaar opnieuw informeren over de voortgang van de maatwerkaanpak.",
    }


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _joined(company: dict, key: str) -> str:
    """A company's figures of one kind, each project's as its source says it; "telt niet mee" for a
    company whose trajectory counts in no total, "onbekend" when no project of it has a public figure."""
    if company["phase"] in NOT_COUNTED:
        return "telt niet mee"
    return "; ".join(p[key] for p in company["projects"]) if company["projects"] else "onbekend"


def _company_rows(ctx: dict) -> list[list[str]]:
    return [
        [c["name"], c["phase_label"], _day(c["phase_since"]) if c["phase_since"] else "niet openbaar",
         _joined(c, "co2_reduction_t_text"), _joined(c, "support_max_eur_text")]
        for c in ctx["companies"]
    ]


def _total_rows(ctx: dict) -> list[list[str]]:
    rows = []
    for _code, c in ctx["categories"]:
        rows.append([c["label"], str(len(c["projects"])), c["text"]["co2_reduction_t"], c["text"]["additional_t"], c["text"]["nox_reduction_t"], c["text"]["support_max_eur"]])
    return rows


def _budget_rows(ctx: dict) -> list[list[str]]:
    rows = []
    for b in ctx["budget"]:
        if b["reference"]:
            amounts = ["apart instrument"] * 3
        elif not (b["reserved_eur"] or b["committed_eur"]):
            amounts = ["niets vastgelegd"] * 3  # no public budget entry yet: not "€ 0", which would read as a decision
        else:
            amounts = [money_text(b[k])[1] for k in ("reserved_eur", "committed_eur", "disbursed_eur")]
        rows.append([b["budget"].name, money_text(b["budget"].amount_eur)[1], *amounts, b["budget"].source])
    return rows


def _sources(ctx: dict, since: dt.date, as_of: dt.date) -> list[str]:
    seen: list[str] = []
    def add(text: str) -> None:
        for part in text.split("; "):
            if part and part not in seen:
                seen.append(part)
    for c in ctx["companies"]:
        for p in c["projects"]:
            add(p["public_source"])
    for b in ctx["budget"]:
        add(b["budget"].source)
    for items in _notices(since, as_of).values():
        for n in items:
            add(n.source or _kamerstuk(n.kamerstuk))
    add(f"Doel van het programma: {GOAL_SOURCE}")
    add("Emissiecijfers: European Commission, EU Transaction Log (CC BY 4.0)")
    return seen


def build(as_of: dt.date, since: dt.date | None = None, meta: Meta | None = None, known_at: dt.datetime | None = None) -> dict:
    """The whole letter as plain data, from the public record on ``as_of`` (figures as the system knew
    them at ``known_at``; None: now), with ``meta``'s edited texts where given."""
    meta = meta or Meta()
    since = since or services.previous_letter_date(as_of)
    ctx = services.letter_context(as_of, since, known_at=known_at)
    texts = {**generated_texts(as_of, since, ctx), **{k: v for k, v in meta.texts.items() if v and v.strip()}}
    signatures = [{"title": MINISTER, "name": meta.minister_name}]
    if _ienw_party(as_of, since):
        signatures.append({"title": IENW, "name": meta.ienw_name})
    annexes = [
        {"title": "Bijlage 1. Stand per bedrijf", "note": "Per bedrijf de openbare fase en de openbare cijfers van zijn projecten. Teruggetrokken en gepauzeerde trajecten tellen niet mee.",
         "header": ["Bedrijf", "Fase", "Sinds", "CO2-reductie per jaar", "Maximale steun"], "numeric": [3, 4], "rows": _company_rows(ctx)},
        {"title": "Bijlage 2. Totalen per fase", "note": "Som van de openbare cijfers per fase; een som van bandbreedtes is een bandbreedte, onbekend telt niet als nul.",
         "header": ["Fase", "Projecten", "CO2-reductie per jaar", "Additioneel per jaar", "NOx per jaar", "Maximale steun"], "numeric": [1, 2, 3, 4, 5],
         "rows": _total_rows(ctx)},
        {"title": "Bijlage 3. Budget", "note": "Gereserveerd: maximale steun uit een JLoI; toegezegd: in een bindend besluit; uitbetaald is een deel van toegezegd.",
         "header": ["Budget", "Bedrag", "Gereserveerd", "Toegezegd", "Uitbetaald", "Bron"], "numeric": [1, 2, 3, 4], "rows": _budget_rows(ctx)},
        {"title": "Bijlage 4. Bedrijven per fase", "note": f"Stand op {datum(as_of)}.", "header": ["Fase", "Bedrijven"], "numeric": [1],
         "rows": [[label, str(n)] for label, n in ctx["phase_counts"] if n]},
        {"title": "Bijlage 5. Faseovergangen in de periode", "note": f"Van {datum(since)} tot en met {datum(as_of)}.", "header": ["Bedrijf", "Fase", "Datum"], "numeric": [],
         "rows": [[c.company, c.text, datum(c.date) if c.date else f"uiterlijk {datum(c.not_after)}"] for c in ctx["changes"]]},
    ]
    return {
        "format": FORMAT_VERSION,
        "as_of": as_of.isoformat(),
        "since": since.isoformat(),
        "date": (meta.date or as_of).isoformat(),
        "date_text": datum(meta.date or as_of),
        "ministry": MINISTRY,
        "unit": UNIT,
        "addressee": ADDRESSEE,
        "kenmerk": meta.kenmerk,
        "kamerstuk": _kamerstuk(meta.kamerstuk) if meta.kamerstuk else "",
        "subject": meta.subject or DEFAULT_SUBJECT,
        "salutation": SALUTATION,
        "sections": [{"key": key, "heading": heading, "paragraphs": _paragraphs(texts[key])} for key, heading in SECTIONS],
        "signatures": signatures,
        "annexes": annexes,
        "sources": _sources(ctx, since, as_of),
        "as_of_text": datum(as_of),
        "since_text": datum(since),
    }


def canonical(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def digest(content: dict) -> str:
    """The letter's fingerprint: SHA-256 of its content in canonical JSON (shown with a sent letter)."""
    return hashlib.sha256(canonical(content)).hexdigest()
