"""The case-file format ``maatwerk-case/1``: reading, checking, and its partial dates.

A case file is checked in two steps, and every problem of both is reported at once, each naming its
JSON path (``$.projects[0].figures[2].high: …``):

1. the JSON Schema (``case-file.schema.json``, draft 2020-12; a copy is ``docs/case-file.schema.json``),
   read with ``jsonschema``; its English messages are rewritten in Dutch, like every other message
   of the command line and the web app;
2. what a schema cannot say: a qualifier against ``low``/``high`` (the register's own rule,
   :func:`maatwerk.figures.models.qualifier_error`), every ``source`` is a key of ``sources``, dates
   are real calendar dates, an undated event has a bound, a figure occurs once, project keys are unique.

Nothing here touches the database: the importer runs only on a file that passed both steps.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

FORMAT = "maatwerk-case/1"
SCHEMA_FILE = resources.files("maatwerk.casefiles") / "case-file.schema.json"
MAX_BYTES = 5 * 1024 * 1024  # a case is a few dozen kilobytes; refuse anything that is not a case file


@dataclass(frozen=True)
class CaseError:
    """One problem of a case file: where (a JSON path such as ``$.events[2].date``) and what (Dutch)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class CaseFileInvalid(Exception):
    """A case file that cannot be imported; ``errors`` lists every problem with its JSON path."""

    def __init__(self, errors, file_name: str = ""):
        self.errors = list(errors)
        self.file_name = file_name
        head = f"{file_name}: " if file_name else ""
        super().__init__(head + f"{len(self.errors)} fout(en) in het casusbestand:\n" + "\n".join(str(e) for e in self.errors))


# --- partial dates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """A date as the public record gives it: a day, a month ("2025-06": some day in June 2025) or a year.

    ``first`` and ``last`` are its earliest and latest possible day; ``precision`` is day, month or year
    (the values of :class:`maatwerk.trajectories.models.DatePrecision`)."""

    text: str
    first: dt.date
    last: dt.date
    precision: str

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Raise ValueError (Dutch) when ``text`` is not YYYY-MM-DD, YYYY-MM or YYYY of a real date."""
        parts = text.split("-") if isinstance(text, str) else []
        try:
            if len(parts) == 3 and all(p.isdigit() for p in parts) and [len(p) for p in parts] == [4, 2, 2]:
                day = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
                return cls(text, day, day, "day")
            if len(parts) == 2 and all(p.isdigit() for p in parts) and [len(p) for p in parts] == [4, 2]:
                year, month = int(parts[0]), int(parts[1])
                return cls(text, dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]), "month")
            if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 4:
                year = int(parts[0])
                return cls(text, dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
        except ValueError:
            raise ValueError(f"{text!r} is geen bestaande datum") from None
        raise ValueError(f"{text!r} is geen datum in de vorm JJJJ-MM-DD, JJJJ-MM of JJJJ")

    @staticmethod
    def of(day: dt.date | None, precision: str = "day") -> str | None:
        """The text of a stored date with its precision (the first day of its month or year)."""
        if day is None:
            return None
        if precision == "year":
            return f"{day.year:04d}"
        if precision == "month":
            return f"{day.year:04d}-{day.month:02d}"
        return day.isoformat()


def partial(text: str | None) -> PartialDate | None:
    return None if text is None else PartialDate.parse(text)


# --- reading ---------------------------------------------------------------------------------------


def read(data: bytes, file_name: str = "") -> dict:
    """The case file's JSON object, or CaseFileInvalid naming what is wrong with the bytes themselves."""
    if len(data) > MAX_BYTES:
        raise CaseFileInvalid([CaseError("$", f"het bestand is groter dan {MAX_BYTES // (1024 * 1024)} MB; dat is geen casusbestand")], file_name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseFileInvalid([CaseError("$", f"geen UTF-8-tekst (byte {exc.start})")], file_name) from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (regel {line}, kolom {exc.colno})" if line else ""
        raise CaseFileInvalid([CaseError("$", f"geen geldige JSON{where}: {getattr(exc, 'msg', exc)}")], file_name) from None
    return value


def _refuse_constant(name: str):
    raise ValueError(f"{name} is geen getal in JSON")


# --- checking --------------------------------------------------------------------------------------


@cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator():
    import jsonschema

    return jsonschema.Draft202012Validator(schema(), format_checker=None)


def check(data) -> list[CaseError]:
    """Every problem of ``data`` (a parsed case file), schema and semantics, each with its JSON path."""
    if not isinstance(data, dict):
        return [CaseError("$", "een casusbestand is een JSON-object ({…})")]
    if data.get("format") != FORMAT:
        found = data.get("format")
        return [CaseError("$.format", f"verwacht {FORMAT!r}, gevonden {found!r}" if found is not None else f"ontbreekt; verwacht {FORMAT!r}")]
    errors = [_dutch(e) for e in _validator().iter_errors(data)]
    errors = _dedupe(errors)
    errors += _semantic(data)
    order = _document_order(data)
    return sorted(_dedupe(errors), key=lambda e: _position(e.path, order))


def validate(data, file_name: str = "") -> dict:
    """``data`` itself when it is a valid case file; otherwise CaseFileInvalid with all its errors."""
    errors = check(data)
    if errors:
        raise CaseFileInvalid(errors, file_name)
    return data


def _document_order(data) -> dict[str, int]:
    """Every JSON path of ``data`` with its position in the document (depth first, as written)."""
    order: dict[str, int] = {}

    def walk(value, path):
        order[path] = len(order)
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, _json_path_join(path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    walk(data, "$")
    return order


def _position(path: str, order: dict[str, int]) -> tuple[int, str]:
    """Where an error's path stands in the document; a missing field sorts just after its parent."""
    probe = path
    while probe not in order and probe != "$":
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else "$"
    return order.get(probe, 0), path


def _dedupe(errors: list[CaseError]) -> list[CaseError]:
    seen, out = set(), []
    for e in errors:
        if (e.path, e.message) not in seen:
            seen.add((e.path, e.message))
            out.append(e)
    return out


def _json_path(path) -> str:
    out = "$"
    for part in path:
        out = f"{out}[{part}]" if isinstance(part, int) else _json_path_join(out, part)
    return out


def _json_path_join(base: str, name: str) -> str:
    return f"{base}.{name}" if _plain(name) else f"{base}[{json.dumps(name, ensure_ascii=False)}]"


def _plain(name: str) -> bool:
    return bool(name) and (name[0].isalpha() or name[0] == "_") and all(c.isalnum() or c in "_-" for c in name)


_TYPES = {"string": "tekst", "number": "getal", "integer": "geheel getal", "boolean": "true of false", "null": "null",
          "object": "object ({…})", "array": "lijst ([…])"}


def _describe(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def _dutch(error) -> CaseError:
    """A jsonschema error as a CaseError with a Dutch message; the path names the field itself."""
    path = list(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        missing = [name for name in expected if isinstance(value, dict) and name not in value]
        return CaseError(_json_path([*path, missing[0]] if missing else path), "ontbreekt (verplicht veld)")
    if kind in ("additionalProperties", "unevaluatedProperties"):
        known = set(error.schema.get("properties", {}))
        extra = [name for name in value if name not in known] if isinstance(value, dict) else []
        if kind == "unevaluatedProperties":  # the schema of a branch: name the first field the message names
            extra = re.findall(r"'([^']*)'", error.message.split("were unexpected")[0].split("was unexpected")[0]) or extra
        name = extra[0] if extra else "?"
        return CaseError(_json_path([*path, name]), "onbekend veld (niet in het formaat maatwerk-case/1)")
    if kind == "propertyNames":
        return CaseError(_json_path(path), f"ongeldige sleutel {_describe(value)}: letters, cijfers, '_', '.', '-', ten hoogste 40 tekens")
    if kind == "enum":
        return CaseError(_json_path(path), f"{_describe(value)} is geen toegestane waarde; kies uit {', '.join(json.dumps(v) for v in expected)}")
    if kind == "const":
        return CaseError(_json_path(path), f"verwacht {json.dumps(expected)}, gevonden {_describe(value)}")
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        return CaseError(_json_path(path), f"verwacht {' of '.join(_TYPES.get(t, t) for t in wanted)}, gevonden {_describe(value)}")
    if kind == "pattern" or (kind == "anyOf" and isinstance(value, str)):
        return CaseError(_json_path(path), _pattern_message(path, value))
    if kind == "anyOf":
        return CaseError(_json_path(path), f"verwacht een datum (JJJJ-MM-DD, JJJJ-MM of JJJJ) of null, gevonden {_describe(value)}")
    if kind == "minimum":
        return CaseError(_json_path(path), f"{_describe(value)} is kleiner dan {expected}")
    if kind == "maximum":
        return CaseError(_json_path(path), f"{_describe(value)} is groter dan {expected}")
    if kind == "minLength":
        return CaseError(_json_path(path), "mag niet leeg zijn")
    if kind == "maxLength":
        return CaseError(_json_path(path), f"te lang: ten hoogste {expected} tekens (nu {len(value)})")
    if kind == "uniqueItems":
        return CaseError(_json_path(path), "bevat een waarde twee keer")
    return CaseError(_json_path(path), f"ongeldig ({error.message})")


def _pattern_message(path, value) -> str:
    last = path[-1] if path else ""
    if last == "installations" or (len(path) >= 2 and path[-2] == "installations"):
        return f"{_describe(value)} is geen EUTL-id zoals NL-439"
    if last == "base_period":
        return f"{_describe(value)} is geen jaar of periode zoals 2021 of 2018-2021"
    if last in ("project", "key") or (len(path) >= 2 and path[-2] == "projects"):
        return f"{_describe(value)} is geen geldige sleutel: letters, cijfers, '_', '.', '-', ten hoogste 40 tekens"
    if last == "source":
        return f"{_describe(value)} is geen geldige bronsleutel"
    return f"{_describe(value)} is geen datum in de vorm JJJJ-MM-DD, JJJJ-MM of JJJJ"


# --- semantic checks -------------------------------------------------------------------------------

DATE_FIELDS = ("date", "not_after", "before", "approx")
_DATE_FORM = re.compile(r"[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?")  # as the schema's partial_date


def _semantic(data: dict) -> list[CaseError]:
    from maatwerk.figures.models import qualifier_error

    errors: list[CaseError] = []
    sources = data.get("sources") if isinstance(data.get("sources"), dict) else {}

    def date_at(path: str, value) -> PartialDate | None:
        if not isinstance(value, str):
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as exc:
            if _DATE_FORM.fullmatch(value):  # a malformed date is the schema's error already
                errors.append(CaseError(path, str(exc)))
            return None

    def source_at(path: str, key) -> None:
        if isinstance(key, str) and key not in sources:
            known = ", ".join(sorted(sources)) or "geen"
            errors.append(CaseError(path, f"bron {key!r} staat niet in $.sources (bekend: {known})"))

    company = data.get("company") if isinstance(data.get("company"), dict) else {}
    admission = company.get("admission") if isinstance(company.get("admission"), dict) else None
    if admission is not None:
        source_at("$.company.admission.source", admission.get("source"))
        for name in ("date", "not_after"):
            date_at(f"$.company.admission.{name}", admission.get(name))
    for key, source in sources.items():
        if isinstance(source, dict):
            here = _json_path_join("$.sources", key)
            date_at(f"{here}.date", source.get("date"))
            if source.get("public") is True and source.get("confidentiality") not in (None, "public"):
                errors.append(CaseError(f"{here}.confidentiality", "een openbare bron (public: true) is 'public'"))
            if source.get("public") is False and source.get("confidentiality") == "public":
                errors.append(CaseError(f"{here}.confidentiality", "'public' past niet bij public: false; kies 'internal' of 'confidential'"))

    events = data.get("events") if isinstance(data.get("events"), list) else []
    for i, event in enumerate(events):
        if not isinstance(event, dict):
            continue
        base = f"$.events[{i}]"
        dates = {name: date_at(f"{base}.{name}", event.get(name)) for name in DATE_FIELDS}
        if event.get("date") is None and not any(isinstance(event.get(n), str) for n in DATE_FIELDS[1:]):
            errors.append(CaseError(f"{base}.date", "geen datum en geen grens: geef 'date', of null met 'not_after', 'before' of 'approx'"))
        if dates["date"] is not None and dates["date"].precision == "day" and any(event.get(n) is not None for n in DATE_FIELDS[1:]):
            errors.append(CaseError(f"{base}.date", "een gebeurtenis met een bekende dag heeft geen grenzen (not_after, before, approx); laat die weg"))
        if dates["not_after"] and dates["approx"] and dates["approx"].first > dates["not_after"].last:
            errors.append(CaseError(f"{base}.approx", f"de schatting {event['approx']} ligt na de grens not_after {event['not_after']}"))
        if dates["before"] and dates["approx"] and dates["approx"].first >= dates["before"].first:
            errors.append(CaseError(f"{base}.approx", f"de schatting {event['approx']} ligt niet vóór {event['before']}"))
        if event.get("kind") == "amvi_advice":
            date_at(f"{base}.concept_submitted_on", event.get("concept_submitted_on"))
            for j, item in enumerate(event.get("items") or []):
                if isinstance(item, dict) and item.get("response") in ("partly", "not_adopted") and not str(item.get("reason") or "").strip():
                    errors.append(CaseError(f"{base}.items[{j}].reason", "geef een reden als een punt (deels) niet is overgenomen"))
        source_at(f"{base}.source", event.get("source"))
        if isinstance(event.get("exception"), dict):
            source_at(f"{base}.exception.source", event["exception"].get("source"))

    def figures_at(base: str, figures) -> None:
        seen: dict[tuple, int] = {}
        for j, figure in enumerate(figures if isinstance(figures, list) else []):
            if not isinstance(figure, dict):
                continue
            path = f"{base}[{j}]"
            source_at(f"{path}.source", figure.get("source"))
            date_at(f"{path}.valid_from", figure.get("valid_from"))
            low, high, qualifier = figure.get("low"), figure.get("high"), figure.get("qualifier")
            if isinstance(qualifier, str) and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in (low, high)):
                for field, message in qualifier_error(qualifier, low, high).items():
                    if field != "qualifier":  # an unknown qualifier is the schema's error already
                        errors.append(CaseError(f"{path}.{field}", (message[0].lower() + message[1:]).rstrip(".")))
            if figure.get("base_year") is not None and figure.get("base_period"):
                errors.append(CaseError(f"{path}.base_period", "geef base_year of base_period, niet beide"))
            if figure.get("published") is True and figure.get("confidentiality", "public") != "public":
                errors.append(CaseError(f"{path}.published", "alleen een openbaar cijfer (confidentiality 'public') kan gepubliceerd zijn"))
            src = sources.get(figure.get("source")) if isinstance(figure.get("source"), str) else None
            if figure.get("published") is True and isinstance(src, dict) and src.get("public") is False:
                errors.append(CaseError(f"{path}.published", f"de bron {figure['source']!r} is niet openbaar; een cijfer uit een niet-openbare bron wordt niet gepubliceerd"))
            slot = (figure.get("quantity"), figure.get("source"), figure.get("valid_from"), figure.get("year"))
            if slot in seen:
                errors.append(CaseError(path, f"hetzelfde cijfer (grootheid, bron, geldig vanaf en jaar) staat al in {base}[{seen[slot]}]"))
            else:
                seen[slot] = j

    figures_at("$.figures", data.get("figures"))
    keys: dict[str, int] = {}
    for i, project in enumerate(data.get("projects") if isinstance(data.get("projects"), list) else []):
        if not isinstance(project, dict):
            continue
        key = project.get("key")
        if isinstance(key, str):
            if key in keys:
                errors.append(CaseError(f"$.projects[{i}].key", f"de sleutel {key!r} staat al bij $.projects[{keys[key]}]"))
            keys.setdefault(key, i)
        figures_at(f"$.projects[{i}].figures", project.get("figures"))
    return errors
