"""The differentially private count: the noise has the scale its epsilon implies."""

from __future__ import annotations

import math
import statistics

import pytest

from terakoya.insights.dp import noisy_count, noisy_histogram


def test_noise_is_centred_with_the_spread_of_a_discrete_laplace_of_scale_one_over_epsilon():
    values = [noisy_count(500, epsilon=0.5).value for _ in range(3000)]
    # Discrete Laplace with scale b = 2: variance 2·e^(-1/b)/(1 - e^(-1/b))² ≈ 7.67.
    q = math.exp(-1 / 2)
    sd = math.sqrt(2 * q / (1 - q) ** 2)
    assert statistics.mean(values) == pytest.approx(500, abs=0.4)
    assert statistics.pstdev(values) == pytest.approx(sd, rel=0.1)
    assert len(set(values)) > 10  # noisy, not a constant


def test_the_epsilon_reported_is_the_one_spent_and_counts_stay_non_negative():
    released = noisy_count(0, epsilon=0.25)
    assert released.epsilon == pytest.approx(0.25)
    assert released.scale == pytest.approx(4.0)
    assert all(noisy_count(0, epsilon=0.1).value >= 0 for _ in range(200))


@pytest.mark.parametrize(
    ("count", "epsilon"), [(-1, 1.0), (3, 0.0), (3, -1.0), (3, float("inf")), (3, float("nan"))]
)
def test_invalid_requests_are_refused(count, epsilon):
    with pytest.raises(ValueError):  # noqa: PT011 - several distinct messages
        noisy_count(count, epsilon=epsilon)


def test_a_histogram_adds_independent_noise_to_each_cell_for_one_epsilon():
    draws = [noisy_histogram({"a": 100, "b": 100}, epsilon=1.0) for _ in range(400)]
    assert all(d.epsilon == pytest.approx(1.0) for d in draws)
    differs = sum(d.values["a"] != d.values["b"] for d in draws)
    assert differs > 200  # the two cells get their own noise
    assert statistics.mean(d.values["a"] for d in draws) == pytest.approx(100, abs=0.5)
    with pytest.raises(ValueError, match="nothing"):
        noisy_histogram({}, epsilon=1.0)
