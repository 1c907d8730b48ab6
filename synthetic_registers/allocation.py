"""Exact integer allocation: every published count is met to the unit at any scale."""

from __future__ import annotations

import numpy as np


def scaled(published: float, scale: float) -> int:
    """round(published x scale), half away from zero as people round (Python's round() is banker's)."""
    return int(np.floor(published * scale + 0.5))


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to `weights` that sum to exactly `total` (Hamilton's method)."""
    weights = np.asarray(weights, dtype=np.float64)
    if total == 0 or weights.sum() <= 0:
        if total and weights.sum() <= 0:
            raise ValueError(f"cannot allocate {total} over zero weights")
        return np.zeros(weights.shape, dtype=np.int64)
    quota = weights / weights.sum() * total
    base = np.floor(quota).astype(np.int64)
    short = total - int(base.sum())
    if short:
        order = np.argsort(-(quota - base), kind="stable")
        base[order[:short]] += 1
    return base


def systematic(weights: np.ndarray, total: int, u: float) -> np.ndarray:
    """Counts per unit, proportional to weights, summing to `total`: systematic sampling with one offset.

    Each unit gets floor or ceil of its expected count, and any run of consecutive units gets within one
    of its expected sum, so ordering units by stratum keeps every stratum's count exact to one.
    """
    weights = np.asarray(weights, dtype=np.float64)
    if total == 0:
        return np.zeros(weights.shape, dtype=np.int64)
    cum = np.cumsum(weights)
    if cum[-1] <= 0:
        raise ValueError(f"cannot allocate {total} over zero weights")
    points = (np.arange(total) + u) * (cum[-1] / total)
    idx = np.searchsorted(cum, points, side="right")
    return np.bincount(np.minimum(idx, len(weights) - 1), minlength=len(weights)).astype(np.int64)


def pick_exact(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    """A boolean mask with exactly k of n set, at random."""
    mask = np.zeros(n, dtype=bool)
    if k:
        mask[rng.choice(n, size=k, replace=False)] = True
    return mask


def weighted_order(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """A random order in which heavier units tend to come first (Efraimidis-Spirakis keys)."""
    u = rng.random(len(weights))
    with np.errstate(divide="ignore"):
        keys = np.where(weights > 0, np.log(u) / weights, -np.inf)
    return np.argsort(-keys, kind="stable")
