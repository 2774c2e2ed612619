"""The levy for every installation kind: the fixed ETS price per year, the 2026 incinerator regime and the own
base of N2O installations, each parameter with its provenance; unknown values stay unknown (DOMAIN.md §2)."""

import math

import pytest

from maatwerk.engine import levy


def test_ets_price_fixed_2022_is_the_nea_figure_and_other_years_are_unknown():
    v = levy.ets_price_fixed_provenance(2022)
    assert v.value == 60.78 and v.status == levy.SOURCED and "NEa" in v.source
    for year in (2021, 2023, 2025, 2030):
        u = levy.ets_price_fixed_provenance(year)
        assert math.isnan(u.value) and u.status == levy.UNKNOWN


def test_ets_installations_paid_no_levy_in_2022():
    # tariff 41.75 < ETS price 60.78: max(0, 41.75 - 60.78) = 0 per tonne, whatever the rights
    r = levy.installation_levy("ets", 2022, "2023", emissions_t=1_000_000)
    assert r.params.tariff.value == 41.75 and r.params.ets_price.value == 60.78
    assert r.levy_due_eur == 0.0
    assert math.isnan(r.dispensation_rights_t)  # no basis given: the rights stay unknown


def test_levy_due_uses_the_fixed_ets_price_formula():
    # max(0, e - DPR) × max(0, tariff - ets): with a hand-given price the general formula still holds
    due = levy.levy_due_eur(500_000, 400_000, 87.90, 60.78)
    assert float(due) == pytest.approx(100_000 * (87.90 - 60.78))


def test_ets_levy_unknown_when_the_ets_price_of_the_year_is_unknown():
    r = levy.installation_levy("ets", 2025, "2023", benchmark_t=200_000, benchmark_basis="vrije toewijzing 2022", emissions_t=300_000)
    assert r.params.tariff.value == 87.90
    assert math.isnan(r.levy_due_eur)
    assert any("ETS-prijs onbekend" in u for u in r.unknown)


def test_rights_from_benchmark_times_reduction_factor_with_basis_text():
    r = levy.installation_levy("ets", 2030, "2023", benchmark_t=178_195, benchmark_basis="vrije toewijzing 2022")
    assert r.dispensation_rights_t == pytest.approx(178_195 * 0.667)
    assert round(r.dispensation_rights_t) == 118_856
    assert r.basis == "vrije toewijzing 2022 × 0,667"
    r21 = levy.installation_levy("ets", 2030, "2021", benchmark_t=178_195, benchmark_basis="vrije toewijzing 2022")
    assert r21.dispensation_rights_t == pytest.approx(178_195 * 0.687)


def test_entered_rights_override_the_benchmark():
    r = levy.installation_levy("ets", 2030, "2023", benchmark_t=178_195, benchmark_basis="x", rights_t=100_000, rights_basis="ingevoerd: NEa-brief")
    assert r.dispensation_rights_t == 100_000 and r.basis == "ingevoerd: NEa-brief"


def test_outside_the_ets_no_ets_price_is_deducted():
    r = levy.installation_levy("n2o", 2025, "2023", rights_t=100_000, rights_basis="ingevoerd", emissions_t=150_000)
    assert r.params.ets_price.value == 0.0 and r.params.ets_price.status == levy.RULE
    assert r.levy_due_eur == pytest.approx(50_000 * 87.90)


def test_n2o_without_its_own_base_has_unknown_rights():
    r = levy.installation_levy("n2o", 2030, "2023", emissions_t=150_000)
    assert math.isnan(r.dispensation_rights_t) and math.isnan(r.levy_due_eur)
    assert any("eigen basis" in u for u in r.unknown)


def test_incinerator_regime_2026_tariff_295_in_2030_and_intermediate_years_unknown():
    p = levy.parameters(2030, "2026", "waste_incinerator")
    assert p.tariff.value == 295.0 and p.tariff.status == levy.SOURCED
    for year in (2026, 2027, 2028, 2029):
        q = levy.parameters(year, "2026", "waste_incinerator")
        assert math.isnan(q.tariff.value) and q.tariff.status == levy.UNKNOWN
    # ETS installations keep the general 2026 tariff
    assert levy.parameters(2030, "2026", "ets").tariff.value == 78.67


def test_incinerator_correction_factor_zero_in_2033_path_unknown_before():
    p = levy.parameters(2033, "2026", "avi")
    assert p.correction_factor.value == 0.0 and p.correction_factor.status == levy.SOURCED
    r = levy.installation_levy("avi", 2033, "2026", benchmark_t=300_000, benchmark_basis="eigen basis")
    assert r.dispensation_rights_t == 0.0
    mid = levy.installation_levy("avi", 2030, "2026", benchmark_t=300_000, benchmark_basis="eigen basis", emissions_t=400_000)
    assert math.isnan(mid.dispensation_rights_t) and math.isnan(mid.levy_due_eur)  # unknown, never 0


def test_incinerators_before_2026_follow_the_general_path():
    p = levy.parameters(2025, "2026", "waste_incinerator")
    assert p.tariff.value == 87.90 and p.correction_factor is None


def test_unknown_kind_is_refused_in_dutch():
    with pytest.raises(ValueError, match="onbekende installatiesoort"):
        levy.parameters(2030, "2023", "kolencentrale")


def test_every_parameter_carries_provenance():
    for kind in levy.KINDS:
        for year in range(2021, 2034):
            p = levy.parameters(year, "2026", kind)
            for v in (p.reduction_factor, p.tariff, p.ets_price, p.correction_factor):
                if v is not None:
                    assert v.source and v.label
                    assert (v.status == levy.UNKNOWN) == math.isnan(v.value)
