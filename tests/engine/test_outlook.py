"""The Monte Carlo outlook: reproducible with a seed, and converging to the analytic expectation."""

import numpy as np
import pytest

from maatwerk.engine import outlook


def test_certain_projects_sum_exactly():
    r = outlook.simulate([1.0, 1.0], [2027, 2029], [100_000, 250_000], [1e6, 2e6], trials=50, delay_mean_years=0, reduction_sd=0)
    assert np.all(r.additional_mton == pytest.approx(0.35))
    assert np.all(r.spending_eur == pytest.approx(3e6))
    assert r.probability_at_least(0.35) == 1.0 and r.probability_at_least(0.36) == 0.0


def test_late_projects_do_not_count():
    r = outlook.simulate([1.0], [2031], [100_000], [1e6], trials=10, delay_mean_years=0, reduction_sd=0)
    assert np.all(r.additional_mton == 0) and np.all(r.spending_eur == 1e6)


def test_same_seed_same_answer_other_seed_other_answer():
    args = ([0.5, 0.3, 0.8], [2028, 2029, 2030], [1e5, 2e5, 3e5], [1e7, 2e7, 3e7])
    a, b = outlook.simulate(*args, trials=5000, seed=7), outlook.simulate(*args, trials=5000, seed=7)
    np.testing.assert_array_equal(a.additional_mton, b.additional_mton)
    assert not np.array_equal(a.additional_mton, outlook.simulate(*args, trials=5000, seed=8).additional_mton)


@pytest.mark.parametrize("delay,sd", [(0.0, 0.0), (1.0, 0.0), (0.5, 0.2), (2.0, 0.5)])
def test_converges_to_the_analytic_expectation(delay, sd):
    rng = np.random.default_rng(0)
    p = rng.uniform(0.1, 0.9, 20)
    planned = rng.integers(2026, 2032, 20)
    add = rng.uniform(1e4, 2e5, 20)
    r = outlook.simulate(p, planned, add, np.ones(20), trials=200_000, seed=1, delay_mean_years=delay, reduction_sd=sd)
    expected = outlook.expected_additional_t(p, planned, add, 2030, delay, sd) / 1e6
    stderr = r.additional_mton.std() / np.sqrt(r.trials)
    assert abs(r.additional_mton.mean() - expected) < 4 * stderr
    assert r.spending_eur.mean() == pytest.approx(p.sum(), rel=0.01)
    np.testing.assert_allclose(r.realised_share, p, atol=0.005)


def test_hand_computed_on_time_probability():
    # geometric delay with mean 1: q = 1/2; slack 1 year → P(d ≤ 1) = 1 − q² = 0.75
    assert outlook.on_time_probability(2029, 2030, 1.0) == pytest.approx(0.75)
    assert outlook.on_time_probability(2031, 2030, 1.0) == 0


def test_expected_reduction_of_a_certain_project_is_the_mean_of_its_floored_draws():
    # realised for sure and on time: the expectation is the reduction times E[max(0, 1 + sd z)], sampled here
    z = np.random.default_rng(0).standard_normal(2_000_000)
    expected = outlook.expected_additional_t([1.0], [2025], [100_000.0], 2030, 0.0, 0.8)
    assert expected == pytest.approx(100_000.0 * np.maximum(0, 1 + 0.8 * z).mean(), rel=3e-3)
    assert expected > 100_000.0  # flooring at zero lifts the mean above the nominal figure


def test_bad_probabilities_refused():
    with pytest.raises(ValueError, match="tussen 0 en 1"):
        outlook.simulate([1.2], [2030], [1], [1])
