"""The checker of maatwerk-case/1: every error at once, each naming its JSON path, in Dutch."""

import json

import pytest

from maatwerk.casefiles import format as case_format

from .cases import alco_like


def test_the_alco_like_case_is_valid():
    assert case_format.check(alco_like()) == []


def test_the_docs_copy_of_the_schema_is_the_schema():
    from tests.conftest import REPO

    assert json.loads((REPO / "docs" / "case-file.schema.json").read_text(encoding="utf-8")) == case_format.schema()


def _broken(change):
    data = alco_like()
    change(data)
    return [str(e) for e in case_format.check(data)]


BREAKAGES = {
    "range_high_below_low": (lambda d: d["projects"][0]["figures"][0].update(high=1000),
                             "$.projects[0].figures[0].high: de bovengrens is kleiner dan de ondergrens"),
    "at_least_with_high": (lambda d: d["projects"][0]["figures"][1].update(qualifier="at_least"),
                           "$.projects[0].figures[1].high: bij 'ten minste' en 'meer dan' is er geen bovengrens"),
    "at_most_with_low": (lambda d: d["projects"][0]["figures"][2].update(qualifier="at_most"),
                         "$.projects[0].figures[2].low: bij 'ten hoogste' is er geen ondergrens"),
    "exact_low_ne_high": (lambda d: d["projects"][0]["figures"][2].update(high=46),
                          "$.projects[0].figures[2].high: bij 'precies' en 'ongeveer' is de bovengrens gelijk aan de waarde (of leeg)"),
    "unknown_source": (lambda d: d["events"][3].update(source="S9"),
                       "$.events[3].source: bron 'S9' staat niet in $.sources (bekend: BC, J, P24, P25)"),
    "unknown_phase": (lambda d: d["events"][1].update(to_phase="concept"),
                      "$.events[1].to_phase: \"concept\" is geen toegestane waarde; kies uit \"exploration\""),
    "impossible_date": (lambda d: d["events"][3].update(date="2026-02-30"),
                        "$.events[3].date: '2026-02-30' is geen bestaande datum"),
    "date_form": (lambda d: d["events"][3].update(date="11-03-2026"),
                  "$.events[3].date: \"11-03-2026\" is geen datum in de vorm JJJJ-MM-DD, JJJJ-MM of JJJJ"),
    "undated_without_bound": (lambda d: d["events"][0].pop("not_after"),
                              "$.events[0].date: geen datum en geen grens"),
    "unknown_field": (lambda d: d["projects"][0]["figures"][3].update(value=1),
                      "$.projects[0].figures[3].value: onbekend veld"),
    "missing_required": (lambda d: d["projects"][0].pop("name"), "$.projects[0].name: ontbreekt"),
    "wrong_type": (lambda d: d["projects"][0]["figures"][0].update(low="224 kt"),
                   "$.projects[0].figures[0].low: verwacht getal of null, gevonden \"224 kt\""),
    "unknown_quantity": (lambda d: d["projects"][0]["figures"][0].update(quantity="co2"),
                         "$.projects[0].figures[0].quantity: \"co2\" is geen toegestane waarde"),
    "published_from_closed_source": (lambda d: d["projects"][0]["figures"][0].update(source="BC"),
                                     "$.projects[0].figures[0].published: de bron 'BC' is niet openbaar"),
    "wrong_format": (lambda d: d.update(format="maatwerk-case/2"), "$.format: verwacht 'maatwerk-case/1'"),
    "duplicate_project_key": (lambda d: d["projects"].append({"key": "eboiler", "name": "Nog een"}),
                              "$.projects[1].key: de sleutel 'eboiler' staat al bij $.projects[0]"),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_each_breakage_is_named_with_its_path(name):
    change, expected = BREAKAGES[name]
    errors = _broken(change)
    assert any(e.startswith(expected) for e in errors), errors


def test_all_errors_come_at_once_in_document_order():
    def break_three(d):
        d["projects"][0]["figures"][2]["high"] = 46
        d["events"][3]["date"] = "2026-13-01"
        d["sources"]["J"]["public"] = "ja"

    errors = _broken(break_three)
    assert [e.split(":")[0] for e in errors] == [
        "$.sources.J.public", "$.events[3].date", "$.projects[0].figures[2].high",
    ], errors


def test_bytes_that_are_not_json_name_the_line():
    with pytest.raises(case_format.CaseFileInvalid) as info:
        case_format.read(b'{"format": "maatwerk-case/1",\n "company": }', "kapot.json")
    assert "$: geen geldige JSON (regel 2" in str(info.value)


def test_partial_dates_have_their_first_and_last_day():
    import datetime as dt

    month = case_format.PartialDate.parse("2024-02")
    assert (month.first, month.last, month.precision) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")
    year = case_format.PartialDate.parse("2023")
    assert (year.first, year.last) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
