"""The outlook on honest inputs (issue 16, point 5), in the engine: a project without a known additional
reduction is left out of the additional total and counted in a separate band of its CO2 reduction; an
additional reduction can be a low/high range."""

import numpy as np
import pytest

from maatwerk.engine import outlook

from ..helpers import floored_normal_mean

NAN = float("nan")


def test_unknown_additionality_is_left_out_of_the_total_and_counted_in_the_band():
    # two certain projects: one with 100 kt additional, one with unknown additionality and 2 Mt CO2 reduction
    r = outlook.simulate([1.0, 1.0], [2028, 2029], [100_000, NAN], [1e6, 2e6], trials=40, delay_mean_years=0, reduction_sd=0,
                         co2_reduction_t=[300_000, 2_000_000])
    assert np.all(r.additional_mton == pytest.approx(0.1))
    assert np.all(r.unknown_band_mton == pytest.approx(2.0))
    assert np.all(r.spending_eur == pytest.approx(3e6))  # the support is spent whether or not the additionality is known
    np.testing.assert_allclose(r.contribution_mean_t, [100_000, 0])
    np.testing.assert_allclose(r.unknown_band_contribution_mean_t, [0, 2_000_000])


def test_removing_an_unknown_project_leaves_the_known_expectation_unchanged():
    rng = np.random.default_rng(3)
    n = 20
    p, planned = rng.uniform(0.1, 0.9, n), rng.integers(2026, 2032, n)
    add, co2 = rng.uniform(1e4, 2e5, n), rng.uniform(2e5, 5e6, n)
    unknown = rng.random(n) < 0.4
    add_with_unknown = np.where(unknown, np.nan, add)
    known = ~unknown
    full = outlook.expected_additional_t(p, planned, add_with_unknown, 2030, 1.0, 0.2)
    only_known = outlook.expected_additional_t(p[known], planned[known], add[known], 2030, 1.0, 0.2)
    assert full == pytest.approx(only_known, rel=1e-12)
    # and by hand: Σ over the known projects of p · P(on time) · additional · E[max(0, 1 + sd z)]
    hand = np.sum(p[known] * outlook.on_time_probability(planned[known], 2030, 1.0) * add[known]) * floored_normal_mean(0.2)
    assert full == pytest.approx(hand, rel=1e-12)
    r = outlook.simulate(p, planned, add_with_unknown, np.ones(n), trials=200_000, seed=2, delay_mean_years=1.0, reduction_sd=0.2, co2_reduction_t=co2)
    r_known = outlook.simulate(p[known], planned[known], add[known], np.ones(known.sum()), trials=200_000, seed=5, delay_mean_years=1.0, reduction_sd=0.2)
    for result in (r, r_known):
        stderr = result.additional_mton.std() / np.sqrt(result.trials)
        assert abs(result.additional_mton.mean() - full / 1e6) < 4 * stderr
    # the band: the same model applied to the CO2 reduction of the unknown projects only
    band = outlook.expected_unknown_band_t(p, planned, add_with_unknown, co2, 2030, 1.0, 0.2)
    band_hand = np.sum(p[unknown] * outlook.on_time_probability(planned[unknown], 2030, 1.0) * co2[unknown]) * floored_normal_mean(0.2)
    assert band == pytest.approx(band_hand, rel=1e-12)
    assert abs(r.unknown_band_mton.mean() - band / 1e6) < 4 * r.unknown_band_mton.std() / np.sqrt(r.trials)


def test_a_range_is_drawn_uniformly_between_low_and_high():
    r = outlook.simulate([1.0], [2028], [100_000], [1.0], trials=100_000, seed=4, delay_mean_years=0, reduction_sd=0, additional_high_t=[300_000])
    assert r.additional_mton.min() >= 0.1 - 1e-6 and r.additional_mton.max() <= 0.3 + 1e-6
    assert r.additional_mton.mean() == pytest.approx(0.2, abs=0.002)
    assert np.mean(r.additional_mton < 0.15) == pytest.approx(0.25, abs=0.01)  # uniform: a quarter below the first quarter point
    assert outlook.expected_additional_t([1.0], [2028], [100_000], 2030, 0, 0, additional_high_t=[300_000]) == pytest.approx(200_000)


def test_a_range_with_low_equal_to_high_gives_the_single_figure_draws():
    args = ([0.5, 0.3, 0.8], [2028, 2029, 2030], [1e5, 2e5, 3e5], [1e7, 2e7, 3e7])
    single = outlook.simulate(*args, trials=5000, seed=7)
    ranged = outlook.simulate(*args, trials=5000, seed=7, additional_high_t=args[2])
    np.testing.assert_array_equal(single.additional_mton, ranged.additional_mton)


@pytest.mark.parametrize("kwargs, message", [
    ({"additional_high_t": [50_000]}, "hoge waarde .* lager dan de lage"),
    ({"additional_high_t": [1, 2]}, "evenveel"),
    ({"co2_reduction_t": [1, 2]}, "evenveel"),
])
def test_bad_ranges_are_refused_with_a_dutch_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        outlook.simulate([1.0], [2030], [100_000], [1.0], trials=10, **kwargs)
