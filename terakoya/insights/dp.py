"""Differentially private counts for board-level releases (pure: no Django, no ledger).

The noise comes from OpenDP's Laplace mechanism on integers, which is the discrete Laplace
(two-sided geometric) distribution sampled exactly from the operating system's secure random
source: no floating-point Laplace, so none of the least-significant-bit attacks on naive
samplers (Mironov 2012). OpenDP marks the constructor "contrib" (its proof is not yet
reviewed); docs/decisions/0205-differential-privacy.md says why it is still the better choice
than a sampler of our own. The privacy loss is taken from OpenDP's own privacy map, not from
a formula here, and checked against the epsilon asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import opendp.prelude as dp

dp.enable_features("contrib")

MECHANISM = "discrete_laplace"


@dataclass(frozen=True)
class NoisyCount:
    """A released count: the noisy value (clamped at 0), its epsilon and the noise scale."""

    value: int
    epsilon: float
    scale: float
    mechanism: str


def noisy_count(true_count: int, *, epsilon: float, sensitivity: int = 1) -> NoisyCount:
    """Release ``true_count`` with ε-differential privacy (one person changes it by ≤ sensitivity).

    Noise: discrete Laplace with scale sensitivity/ε. A negative noisy count is shown as 0,
    which is post-processing and costs no privacy. Raises ValueError on a negative count, a
    non-positive or non-finite epsilon or sensitivity.
    """
    if true_count < 0:
        raise ValueError("a count cannot be negative")
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise ValueError("epsilon must be a positive number")
    if sensitivity < 1:
        raise ValueError("sensitivity must be at least 1")
    scale = sensitivity / epsilon
    measurement = dp.m.make_laplace(dp.atom_domain(T=int), dp.absolute_distance(T=int), scale=scale)
    spent = float(measurement.map(sensitivity))  # type: ignore[no-untyped-call]
    # OpenDP rounds the map upwards; anything beyond float noise would mean a wrong scale.
    if spent > epsilon * (1 + 1e-9):
        raise ValueError(f"mechanism would spend ε={spent}, more than the {epsilon} asked for")
    value = int(measurement(int(true_count)))
    return NoisyCount(value=max(value, 0), epsilon=spent, scale=scale, mechanism=MECHANISM)


@dataclass(frozen=True)
class NoisyHistogram:
    """Released counts of disjoint cells: noisy values (clamped at 0), one epsilon for all."""

    values: dict[str, int]
    epsilon: float
    scale: float
    mechanism: str


def noisy_histogram(counts: dict[str, int], *, epsilon: float) -> NoisyHistogram:
    """Release counts of *disjoint* cells (each person in at most one) with ε-DP in total.

    Adding or removing one person changes one cell by 1, so the L1 sensitivity is 1 and one
    draw of discrete Laplace noise of scale 1/ε per cell spends ε for the whole table
    (parallel composition); OpenDP's map over the vector is checked against ε. The caller
    must pass a partition: counts where one person can appear in two cells need a sensitivity
    this function does not take. Raises ValueError on bad input.
    """
    if not counts:
        raise ValueError("nothing to release")
    if any(v < 0 for v in counts.values()):
        raise ValueError("a count cannot be negative")
    if not (math.isfinite(epsilon) and epsilon > 0):
        raise ValueError("epsilon must be a positive number")
    scale = 1.0 / epsilon
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )
    spent = float(measurement.map(1))  # type: ignore[no-untyped-call]
    if spent > epsilon * (1 + 1e-9):
        raise ValueError(f"mechanism would spend ε={spent}, more than the {epsilon} asked for")
    labels = list(counts)
    noisy = measurement([int(counts[label]) for label in labels])
    return NoisyHistogram(
        values={label: max(int(v), 0) for label, v in zip(labels, noisy, strict=True)},
        epsilon=spent,
        scale=scale,
        mechanism=MECHANISM,
    )
