"""Dutch labels for the codes the application stores.

The database, the API and the exports keep the codes (``jloi_signed``, ``eop``, ``p50``); every HTML
page shows the Dutch label through :func:`label` (template filter ``|label:"fase"``).  An unknown code
is shown as it is, so a new code is visible instead of silently blank.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

#: Scenario codes of the business case and the outlook.  p10 is the low outcome (10% of the draws
#: are lower), p90 the high one: named after what they are, not after "pessimistic/optimistic",
#: because for costs the low value is the good one.
SCENARIO_LABELS: dict[str, str] = {
    "p10": _("10%-scenario (laag)"),
    "p50": _("mediaan"),
    "p90": _("90%-scenario (hoog)"),
    "central": _("centraal"),
    "low": _("laag"),
    "high": _("hoog"),
}

#: Where an estimated transition probability of the outlook comes from.
RATE_SOURCE_LABELS: dict[str, str] = {
    "historie (Laplace)": _("uit de eigen geschiedenis van het programma"),
    "handmatig": _("handmatig ingesteld door het programmateam"),
}

#: Main activity types of the EU Transaction Log (EUTL ``MainActivityTypeCode``), in Dutch.
#:
#: Codes 20-47 and 10 are the activities of Annex I of Directive 2003/87/EC (as replaced by
#: Directive 2009/29/EC), 1-9 the activity groups of the first two trading periods, 99 an activity
#: added by a member state under article 24.  Source of the wording: the Dutch text of Annex I of
#: Richtlijn 2003/87/EG ("Categorieën van activiteiten").  These are OUR OWN short Dutch renderings
#: following that annex (without the capacity thresholds), not a verbatim copy of the official text,
#: which was not available to check against when this list was written.
EUTL_ACTIVITY_LABELS_NL: dict[int, str] = {
    1: "Stookinstallaties met een nominaal thermisch ingangsvermogen van meer dan 20 MW",
    2: "Aardolieraffinaderijen",
    3: "Cokesovens",
    4: "Roosten of sinteren van metaalerts",
    5: "Productie van ruwijzer of staal",
    6: "Productie van cementklinkers of kalk",
    7: "Productie van glas",
    8: "Productie van keramische producten",
    9: "Productie van pulp, papier of karton",
    10: "Luchtvaart",
    20: "Verbranding van brandstoffen",
    21: "Raffinage van aardolie",
    22: "Productie van cokes",
    23: "Roosten of sinteren van metaalerts",
    24: "Productie van ruwijzer of staal",
    25: "Productie of verwerking van ferrometalen",
    26: "Productie van primair aluminium",
    27: "Productie van secundair aluminium",
    28: "Productie of verwerking van non-ferrometalen",
    29: "Productie van cementklinkers",
    30: "Productie van kalk of branden van dolomiet of magnesiet",
    31: "Productie van glas",
    32: "Productie van keramische producten",
    33: "Productie van isolatiemateriaal van minerale wol",
    34: "Drogen of calcineren van gips of productie van gipsproducten",
    35: "Productie van pulp",
    36: "Productie van papier of karton",
    37: "Productie van roet",
    38: "Productie van salpeterzuur",
    39: "Productie van adipinezuur",
    40: "Productie van glyoxal en glyoxylzuur",
    41: "Productie van ammoniak",
    42: "Productie van organische bulkchemicaliën",
    43: "Productie van waterstof en synthesegas",
    44: "Productie van soda en natriumbicarbonaat",
    45: "Afvang van broeikasgassen voor geologische opslag",
    46: "Transport van broeikasgassen via pijpleidingen voor geologische opslag",
    47: "Geologische opslag van broeikasgassen",
    99: "Andere activiteit, door de lidstaat toegevoegd (artikel 24)",
}


def activity_label(code, fallback: str = "") -> str:
    """The Dutch name of an EUTL activity code; the register's own (English) text for an unknown code."""
    try:
        number = int(code)
    except (TypeError, ValueError):
        return fallback or "onbekend"
    return EUTL_ACTIVITY_LABELS_NL.get(number) or fallback or f"activiteit {number}"


def _choices(cls) -> dict[str, str]:
    return {str(value): str(text) for value, text in cls.choices}


def vocabularies() -> dict[str, Mapping[str, str]]:
    """Every code vocabulary shown to users, by name: the phases and core's own here, the rest from the apps
    (``AppConfig.vocabularies``, see :mod:`maatwerk.core.contributions`), so core imports no app."""
    from maatwerk.engine import workflow

    from .contributions import contributions

    tables: dict[str, Mapping[str, str]] = {
        "fase": dict(workflow.PHASE_LABELS),
        "scenario": {k: str(v) for k, v in SCENARIO_LABELS.items()},
        "kansbron": {k: str(v) for k, v in RATE_SOURCE_LABELS.items()},
    }
    for contribute in contributions("vocabularies"):
        tables.update({name: _choices(cls) for name, cls in contribute().items()})
    return tables


def label(code, vocabulary: str) -> str:
    """The Dutch label of ``code`` in ``vocabulary``; "onbekend" for no code, the code itself if unknown."""
    if code is None or code == "":
        return "onbekend"
    if vocabulary == "activiteit":
        return activity_label(code)
    try:
        table = vocabularies()[vocabulary]
    except KeyError:
        raise ValueError(f"Onbekende woordenlijst {vocabulary!r}") from None
    return table.get(str(code), str(code))
