"""The arithmetic of the size estimate: pure functions on published inputs.

Nothing here reads files; chapters pass the tables loaded by :mod:`microwork.analysis.data`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np


def raw_total(registrations: Iterable[int]) -> int:
    """Add up the French registrations of several platforms (accounts, not people)."""
    return int(sum(int(r) for r in registrations))


def people_from_accounts(accounts: float, accounts_per_person: float) -> float:
    """Correct a count of accounts for multihoming: people = accounts / accounts per person.

    ``accounts_per_person`` is the average number of platform accounts held by
    one person (1.0 means nobody is registered twice).
    """
    if accounts_per_person < 1.0:
        raise ValueError(f"accounts_per_person must be at least 1.0, got {accounts_per_person}")
    return accounts / accounts_per_person


def implied_accounts_per_person(accounts: float, people: float) -> float:
    """The multihoming coefficient that turns ``accounts`` into ``people`` by one division."""
    if people <= 0:
        raise ValueError("people must be positive")
    return accounts / people


def coefficient_as_printed(accounts: float, people: float, most_decimals: int = 8) -> str:
    """The coefficient that turns ``accounts`` into ``people`` by one division, written with the fewest decimals
    (two at least) that still give ``people`` once rounded: 319,096 / 1.19904 is 266,126, but 319,096 / 1.1990
    is 266,135. A printed calibrated value has to reproduce what it was calibrated to."""
    exact = implied_accounts_per_person(accounts, people)
    for decimals in range(2, most_decimals + 1):
        if round(accounts / round(exact, decimals)) == round(people):
            return f"{exact:.{decimals}f}"
    return f"{exact:.{most_decimals}f}"


def people_with_exempt_platforms(
    registrations: Mapping[str, int], accounts_per_person: float, exempt: Iterable[str]
) -> float:
    """Correct every platform for multihoming except the ``exempt`` ones, then add up.

    One reading of how a published total could differ from a single division:
    some platforms' figures may already count people rather than accounts.
    """
    exempt = set(exempt)
    unknown = exempt - set(registrations)
    if unknown:
        raise KeyError(f"unknown platform(s): {', '.join(sorted(unknown))}")
    corrected = sum(v for k, v in registrations.items() if k not in exempt)
    kept = sum(v for k, v in registrations.items() if k in exempt)
    return people_from_accounts(corrected, accounts_per_person) + kept


def ratios_between_tiers(tiers: Mapping[str, float]) -> dict[str, float]:
    """Each tier as a share of each larger tier, e.g. ``very_active/casual``.

    ``tiers`` must be ordered from the most active (smallest) to the least active.
    """
    names = list(tiers)
    return {
        f"{small}/{large}": tiers[small] / tiers[large]
        for i, small in enumerate(names)
        for large in names[i + 1:]
    }


def round_to(value: float, step: float, how: str = "nearest") -> float:
    """Round ``value`` to a multiple of ``step``: ``nearest``, ``down`` or ``up``."""
    if how == "nearest":
        return math.floor(value / step + 0.5) * step
    if how == "down":
        return math.floor(value / step) * step
    if how == "up":
        return math.ceil(value / step) * step
    raise ValueError(f"how must be nearest, down or up, not {how!r}")


def describe_rounding(exact: float, rounded: float, largest_step: float = 100_000) -> str:
    """Say which rounding of ``exact`` gives ``rounded``: nearest, down or up, and to which step.

    Steps are powers of ten from 0.1 up to ``largest_step``, then five times a power of ten; the
    finest step that works is named, a rounding to the nearest before one down or up.
    """
    labels = {"nearest": "to the nearest", "down": "down to a multiple of", "up": "up to a multiple of"}
    steps = [m * 10.0 ** k for m in (1, 5) for k in range(-1, 7)]
    for how in ("nearest", "down", "up"):
        for step in (s for s in steps if s <= largest_step):
            if math.isclose(round_to(exact, step, how), rounded, rel_tol=1e-12, abs_tol=1e-9):
                return f"rounded {labels[how]} {step:,.10g}"
    return "not a simple rounding"


def distance_to_whole(value: float) -> float:
    """How far ``value`` is from the nearest whole number (between 0 and 0.5)."""
    return abs(value - round(value))


def whole_numbers(numbers: Iterable[int]) -> np.ndarray:
    """``numbers`` as an array of 64-bit integers (a ``range`` made at once, without a Python loop)."""
    if isinstance(numbers, range):
        return np.arange(numbers.start, numbers.stop, numbers.step, dtype=np.int64)
    return np.asarray(list(numbers) if not isinstance(numbers, np.ndarray) else numbers, dtype=np.int64)


def share_of_products_near_whole(coefficient: float, tolerance: float, numbers: Iterable[int]) -> float:
    """The share of whole ``numbers`` whose product with ``coefficient`` lies within ``tolerance`` of a whole number.

    With every number of a wide range, this is the chance that a number picked at random
    lands that close to a whole number once multiplied (for 1.27 and 0.02: 5 in 100).
    """
    values = whole_numbers(numbers)
    if not len(values):
        raise ValueError("numbers is empty")
    products = values * coefficient  # each product as Python computes n * coefficient; np.round rounds halves to even
    near = np.abs(products - np.round(products)) <= tolerance + 1e-9  # as round() does: distance_to_whole, at once
    return int(np.count_nonzero(near)) / len(values)


def share_near_whole_if_divided(coefficient: float, tolerance: float, totals: Iterable[int]) -> float:
    """The same share when each number is made as ``round(total / coefficient)`` from a whole ``total``.

    This is the hypothesis "the tier is a whole count divided by the coefficient, then rounded":
    if it made products near whole numbers more likely, a near-whole product would be evidence for it.
    """
    divided = np.round(whole_numbers(totals) / coefficient)  # round(total / coefficient), at once
    return share_of_products_near_whole(coefficient, tolerance, divided.astype(np.int64))
