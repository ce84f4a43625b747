"""Monte Carlo sensitivity of the size estimate to its uncertain inputs (this book's analysis, not the study's).

Model (a simplification, stated in the chapter):

    casual      = sum over platforms of registrations x French share / accounts per person
    routine     = casual x share of the casual pool active at least monthly
    very active = routine x share of routine workers active at least weekly

Each uncertain input is drawn uniformly from a range given as chapter parameters.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

INPUTS = {
    "accounts_per_person": "accounts per person (multihoming)",
    "french_share": "French share of each platform's registrations",
    "monthly_share": "share of the casual pool active monthly",
    "weekly_share": "share of monthly workers active weekly",
}
TIERS = ["casual", "routine", "very_active"]
LEVELS = (0.05, 0.5, 0.95)  # quantiles reported: a 90 % interval and the median
NO_MULTIHOMING = 1.0  # one account per person: the lowest the multihoming coefficient can be


@dataclass(frozen=True)
class Ranges:
    """Low and high value of each uncertain input."""

    accounts_per_person: tuple[float, float]
    french_share: tuple[float, float]
    monthly_share: tuple[float, float]
    weekly_share: tuple[float, float]

    def __post_init__(self) -> None:
        for name in INPUTS:
            low, high = getattr(self, name)
            if low > high:
                raise ValueError(f"{name}: low {low} is above high {high}")

    def middle(self) -> dict[str, float]:
        """The midpoint of every range."""
        return {name: sum(getattr(self, name)) / 2 for name in INPUTS}


def tiers_from(registrations: np.ndarray, accounts_per_person, french_share, monthly_share, weekly_share) -> dict:
    """The three tiers for given inputs (arrays of draws, or single values).

    ``french_share`` has one column per platform when drawn per platform.
    """
    french = np.asarray(french_share)
    accounts = (registrations * french).sum(axis=-1) if french.ndim else registrations.sum() * french
    casual = accounts / np.asarray(accounts_per_person)
    routine = casual * np.asarray(monthly_share)
    return {"casual": casual, "routine": routine, "very_active": routine * np.asarray(weekly_share)}


def simulate(registrations: np.ndarray, ranges: Ranges, draws: int, seed: int) -> pd.DataFrame:
    """``draws`` Monte Carlo draws of the inputs (French share drawn per platform) and the tiers they give."""
    rng = np.random.default_rng(seed)
    uniform = {name: rng.uniform(*getattr(ranges, name), size=draws) for name in INPUTS if name != "french_share"}
    french = rng.uniform(*ranges.french_share, size=(draws, len(registrations)))
    tiers = tiers_from(registrations, uniform["accounts_per_person"], french, uniform["monthly_share"],
                       uniform["weekly_share"])
    return pd.DataFrame({**uniform, "french_share": french.mean(axis=1), **tiers})


# The headers readers see for the columns this module computes (see book.markdown_table).
HEADERS = {"tier": "Tier", "q05": "5th percentile", "q50": "Median", "q95": "95th percentile",
           "published": "Published", "published_inside_90": "Published inside the 90% interval",
           "input": "Input", "at_low": "Input at its low end", "at_high": "Input at its high end", "swing": "Swing"}


def intervals(draws: pd.DataFrame, levels: tuple[float, ...] = LEVELS) -> pd.DataFrame:
    """Quantiles of each tier over the draws (one row per tier)."""
    table = draws[TIERS].quantile(list(levels)).T
    table.columns = [f"q{round(level * 100):02d}" for level in levels]
    return table.rename_axis("tier").reset_index()


def casual_interval(registrations: np.ndarray, ranges: Ranges, draws: int, seed: int,
                    **changed: tuple[float, float]) -> tuple[float, float]:
    """The 90 % interval of the casual tier (5th and 95th percentiles of the draws) when the ``changed`` inputs
    take other ranges than in ``ranges`` (e.g. ``french_share=(1.0, 1.0)``: no discount)."""
    table = intervals(simulate(registrations, dataclasses.replace(ranges, **changed), draws, seed)).set_index("tier")
    return float(table.loc["casual", "q05"]), float(table.loc["casual", "q95"])


def tornado(registrations: np.ndarray, ranges: Ranges, tier: str) -> pd.DataFrame:
    """One input at a time from its low to its high value, the others at their midpoints: the swing of ``tier``."""
    middle = ranges.middle()
    rows = []
    for name, label in INPUTS.items():
        values = {}
        for end, value in zip(("low", "high"), getattr(ranges, name)):
            inputs = {**middle, name: value}
            values[end] = float(tiers_from(registrations, **inputs)[tier])
        rows.append({"input": label, "at_low": values["low"], "at_high": values["high"],
                     "swing": abs(values["high"] - values["low"])})
    return pd.DataFrame(rows).sort_values("swing", ascending=False, ignore_index=True)
