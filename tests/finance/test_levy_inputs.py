"""Dispensation rights from inputs (issue 16 point 3): the registry's free allocation × the regime's reduction
factor, an entered NEa figure overriding it, `maatwerk levy`, and additionality computed or published."""

import io
import json

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from maatwerk.engine import levy
from maatwerk.finance.levy_inputs import company_levy
from maatwerk.finance.models import DispensationRightsEntry, Project
from maatwerk.finance.services import additional_at_target, additionality_by_regime, evaluate
from maatwerk.registry.models import Company, Installation

from ..conftest import eutl_file


def _levy_json(*args):
    out = io.StringIO()
    call_command("levy", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _alco_free_allocation_2022_from_csv() -> float:
    df = pd.read_csv(eutl_file("NL"), low_memory=False)
    rows = df[df["AccountHolderName"].str.contains("Alco Energy Rotterdam", case=False, na=False)]
    assert len(rows) == 1
    return float(rows["FreeAllocations_2022"].iloc[0])


def test_alco_rights_2030_regime_2023_equal_free_allocation_2022_times_0667(demo):
    fa = _alco_free_allocation_2022_from_csv()
    assert fa == 178_195
    data = _levy_json("Alco Energy Rotterdam", "--year", "2030", "--regime", "2023")
    assert data["total"]["dispensation_rights_t"] == pytest.approx(fa * 0.667, abs=0.01)
    assert round(data["total"]["dispensation_rights_t"]) == 118_856
    row = data["installations"][0]
    assert row["dispensation_rights_basis"] == "vrije toewijzing 2022 × 0,667"
    assert row["tariff_eur_per_t"] is None and row["ets_price_eur_per_t"] is None  # unknown, not invented
    assert row["levy_due_eur"] is None  # no verified emissions for 2030


def test_alco_rights_under_the_2021_regime_differ(demo):
    fa = _alco_free_allocation_2022_from_csv()
    d21 = _levy_json("Alco Energy Rotterdam", "--year", "2030", "--regime", "2021")
    d23 = _levy_json("Alco Energy Rotterdam", "--year", "2030", "--regime", "2023")
    assert d21["total"]["dispensation_rights_t"] == pytest.approx(fa * 0.687, abs=0.01)
    assert d21["total"]["dispensation_rights_t"] != d23["total"]["dispensation_rights_t"]


def test_levy_2022_is_zero_for_ets_installations_with_the_fixed_ets_price(demo):
    data = _levy_json("Alco Energy Rotterdam", "--year", "2022", "--regime", "2023")
    row = data["installations"][0]
    assert row["ets_price_eur_per_t"] == 60.78 and row["tariff_eur_per_t"] == 41.75
    assert row["emissions_t"] == 329_336 and row["levy_due_eur"] == 0.0


def test_latest_free_allocation_up_to_the_year_is_used_and_named(demo):
    c = Company.objects.get(name="Alco Energy Rotterdam")
    r = company_levy(c, 2021, "2023")
    assert r.rows[0][1].basis == "vrije toewijzing 2021 × 1,2"
    assert r.rows[0][1].dispensation_rights_t == pytest.approx(176_283 * 1.2)


def test_entered_nea_figure_overrides_the_proxy_with_its_source(demo):
    inst = Installation.objects.get(eutl_id="NL-439")
    out = io.StringIO()
    call_command("enter_dispensation_rights", "NL-439", "--year", "2030", "--rights-t", "100000", "--source", "NEa-beschikking 1 jan 2030", stdout=out)
    data = _levy_json("Alco Energy Rotterdam", "--year", "2030", "--regime", "2023")
    assert data["total"]["dispensation_rights_t"] == 100_000
    assert data["installations"][0]["dispensation_rights_basis"] == "ingevoerd: NEa-beschikking 1 jan 2030"
    assert DispensationRightsEntry.objects.get(installation=inst).source == "NEa-beschikking 1 jan 2030"


def test_bad_entry_is_refused_in_dutch_and_writes_nothing(demo):
    with pytest.raises(CommandError, match="bron"):
        call_command("enter_dispensation_rights", "NL-439", "--year", "2030", "--rights-t", "100000", "--source", " ")
    with pytest.raises(CommandError, match="heffingsregime"):
        call_command("enter_dispensation_rights", "NL-439", "--year", "2030", "--rights-t", "1", "--source", "x", "--regime", "1999")
    with pytest.raises(CommandError, match="geen installatie"):
        call_command("enter_dispensation_rights", "NL-0", "--year", "2030", "--rights-t", "1", "--source", "x")
    assert not DispensationRightsEntry.objects.exists()


def test_levy_command_refuses_unknown_regime_and_company(demo):
    with pytest.raises(CommandError, match="heffingsregime"):
        call_command("levy", "Alco Energy Rotterdam", "--year", "2030", "--regime", "1999")
    with pytest.raises(CommandError, match="geen bedrijf"):
        call_command("levy", "Bestaat Niet BV", "--year", "2030")


def test_installation_kind_is_read_defensively(demo):
    # an installation kind outside the ETS (the registry may carry `levy_kind`): own base, no ETS price
    inst = Installation.objects.get(eutl_id="NL-439")
    inst.levy_kind = "n2o"
    from maatwerk.finance.levy_inputs import _Inputs

    r = _Inputs([inst]).levy(inst, 2030, "2023")
    assert r.params.ets_price.value == 0.0
    assert r.basis == "onbekend"  # no free-allocation proxy for an N2O installation


def test_alco_additionality_computed_from_inputs_hand_check(demo):
    p = Project.objects.get(trajectory__company__name="Alco Energy Rotterdam")
    # hand computation (issue 16): emissions 2021 344,002; reduction 224 kt; rights 178,195 × 0.667 in 2030
    expected = min(max(178_195 * 0.667 - (344_002 - 224_000), 0), 224_000)
    ev = evaluate(p, regime="2023")
    assert ev.additional_basis == "berekend"
    assert ev.additional_target_t == pytest.approx(expected)
    assert additional_at_target(p) == pytest.approx(expected)
    assert ev.emissions_before_t == 344_002


def test_anqore_additionality_is_the_published_figure_not_a_computation(demo):
    p = Project.objects.get(trajectory__company__name="AnQore")
    assert p.dispensation_rights_t is None  # the back-solved 273 kt is gone
    ev = evaluate(p)
    assert ev.additional_basis == "gepubliceerd" and ev.additional_target_t == 101_000
    assert "Joint Letter of Intent" in ev.additional_source  # the public source of the figure, never an internal file
    rows = {r["regime"]: r for r in additionality_by_regime(p)}
    assert rows["2023"]["decision"] and rows["2023"]["published_t"] == 101_000 and rows["2023"]["computed_t"] is None
    assert rows["2021"]["published_t"] is None and rows["2021"]["computed_t"] is None
    assert additional_at_target(p, "2021") is None


def test_project_page_shows_per_regime_with_the_decision_marked(demo, users, client):
    p = Project.objects.get(trajectory__company__name="Alco Energy Rotterdam")
    client.force_login(users["programme"])
    html = client.get(f"/projecten/{p.pk}/").content.decode()
    table = html[html.index('id="additionality-by-regime"'):]
    table = table[: table.index("</table>")]
    for code in levy.REGIMES:
        assert f"<td>{code}:" in table
    assert table.count("regime van het besluit") == 1
    assert "vrije toewijzing 2022 × 0,667" in table
    anqore = Project.objects.get(trajectory__company__name="AnQore")
    html = client.get(f"/projecten/{anqore.pk}/").content.decode()
    assert "gepubliceerd cijfer" in html
