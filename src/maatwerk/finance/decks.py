"""Price decks: import from CSV (all-or-nothing, errors name file, line and column) and lookup as arrays."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Max

from maatwerk.core.csvfiles import check_text, csv_rows, parse_decimal, parse_int
from maatwerk.core.forms import plain_int
from maatwerk.registry.eutl import ImportFileError

from .models import PRICE_FIELDS, PriceDeck, PricePoint

DECK_COLUMNS = ("scenario", "year", *PRICE_FIELDS)
PRICE_LIMITS = {  # plausible bounds per unit; outside them a figure is refused as a likely unit error
    "gas_eur_per_mwh": (0, 1000),
    "electricity_eur_per_mwh": (-500, 5000),
    "ets_eur_per_t": (0, 2000),
    "hydrogen_eur_per_kg": (0, 100),
    "co2_ts_eur_per_t": (0, 1000),
}


DECK_LIMITS = {"scenario": 40}  # PricePoint.scenario


def _price(row: dict, f: str, file_name: str, line: int) -> float | None:
    """A price in ASCII digits with a decimal point or comma; no exponent, '_', 'nan' or 'inf'."""
    if row[f] == "":
        return None
    return parse_decimal(row[f], file_name, line, f, *PRICE_LIMITS[f])


def parse_deck(data: bytes, file_name: str) -> list[dict]:
    """Parse and validate a price-deck CSV; raise ImportFileError naming file, line and column."""
    rows, seen = [], {}
    for line, row in csv_rows(data, file_name, DECK_COLUMNS, max_lengths=DECK_LIMITS):
        scenario = row["scenario"]
        if not scenario:
            raise ImportFileError(file_name, "scenario ontbreekt", line, "scenario")
        year = parse_int(row["year"], file_name, line, "year", 2000, 2100, what="jaartal")
        if (scenario, year) in seen:
            raise ImportFileError(file_name, f"{scenario} {year} staat dubbel (ook op regel {seen[(scenario, year)]})", line, "year")
        seen[(scenario, year)] = line
        rows.append(
            {"scenario": scenario, "year": year, "source": row.get("source", ""), **{f: _price(row, f, file_name, line) for f in PRICE_FIELDS}}
        )
    if not rows:
        raise ImportFileError(file_name, "geen prijzen in het bestand")
    for scenario in {r["scenario"] for r in rows}:
        years = sorted(r["year"] for r in rows if r["scenario"] == scenario)
        gaps = sorted(set(range(years[0], years[-1] + 1)) - set(years))
        if gaps:
            raise ImportFileError(file_name, f"scenario {scenario} mist jaren: {', '.join(map(str, gaps))}")
    return rows


def import_deck(data: bytes, file_name: str, name: str, description: str = "", illustrative: bool = False, user: str = "") -> PriceDeck:
    """Store a new version of deck ``name``; the same content as its latest version adds nothing."""
    if not name.strip():
        raise ImportFileError(file_name, "geef de prijzenset een naam")
    check_text(name, file_name, None, "naam", max_length=100)  # PriceDeck.name; PostgreSQL refuses NUL
    check_text(description, file_name, None, "omschrijving", multiline=True)
    rows = parse_deck(data, file_name)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        latest = PriceDeck.objects.filter(name=name).order_by("-version").first()
        if latest is not None and latest.sha256 == digest:
            return latest
        version = (PriceDeck.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0) + 1
        deck = PriceDeck.objects.create(
            name=name, version=version, description=description, illustrative=illustrative, file_name=file_name, sha256=digest, imported_by=user
        )
        PricePoint.objects.bulk_create(PricePoint(deck=deck, **r) for r in rows)
    return deck


def find_deck(key: str) -> PriceDeck:
    """``NAME`` (latest version) or ``NAME@VERSION``."""
    name, _, version = key.partition("@")
    qs = PriceDeck.objects.filter(name=name)
    if version:
        number = plain_int(version)
        if number is None or number > 2**31 - 1:
            raise PriceDeck.DoesNotExist(f"versie {version!r} is geen geldig versienummer (een geheel getal)")
        qs = qs.filter(version=number)
    deck = qs.order_by("-version").first()
    if deck is None:
        known = ", ".join(sorted(set(PriceDeck.objects.values_list("name", flat=True)))) or "geen"
        raise PriceDeck.DoesNotExist(f"geen prijzenset {key!r}; bekend: {known}")
    return deck


@dataclass(frozen=True)
class PricePaths:
    """Yearly prices of one deck as arrays: shape (scenarios, years). Missing years hold the nearest sourced value."""

    scenarios: tuple[str, ...]
    years: np.ndarray
    prices: dict[str, np.ndarray]

    def for_years(self, years) -> dict[str, np.ndarray]:
        """Prices for the given calendar years; before the first / after the last year the edge value is held flat."""
        idx = np.clip(np.asarray(years) - self.years[0], 0, len(self.years) - 1)
        return {k: v[:, idx] for k, v in self.prices.items()}


def price_paths(deck: PriceDeck, scenarios: list[str] | None = None) -> PricePaths:
    points = list(deck.points.all())
    names = tuple(scenarios or sorted({p.scenario for p in points}, key=lambda s: (s != "central", s)))
    years = np.arange(min(p.year for p in points), max(p.year for p in points) + 1)
    prices = {f: np.full((len(names), len(years)), np.nan) for f in PRICE_FIELDS}
    for p in points:
        if p.scenario in names:
            for f in PRICE_FIELDS:
                value = getattr(p, f)
                if value is not None:
                    prices[f][names.index(p.scenario), p.year - years[0]] = value
    for arr in prices.values():  # fill gaps by holding the last known value (then the first, backwards)
        for row in arr:
            mask = np.isnan(row)
            if mask.all():
                continue  # stays NaN: a project that needs this price cannot be evaluated on this deck
            idx = np.where(~mask, np.arange(len(row)), 0)
            np.maximum.accumulate(idx, out=idx)
            row[:] = row[idx]
            first = np.argmax(~mask)
            row[:first] = row[first]
    return PricePaths(names, years, prices)
