"""Counting a hidden crowd: a SYNTHETIC population of micro-workers and the estimators a researcher could use.

Nothing here is data about real people. The population is drawn at random from the
parameters, so that the true numbers are known and each estimator's bias can be measured.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ACTIVITY = ["casual", "routine", "very_active"]
# How much more likely a routine or very active worker is to be reached by a survey, relative to casual ones,
# is the chapter's `catchability_ratio` r: weights 1, sqrt(r), r.


def population(people: int, platforms: int, overlap: float, shares: tuple[float, float, float], seed: int) -> pd.DataFrame:
    """A synthetic crowd: one row per account (person, platform), with each person's activity level.

    Each person holds 1 + Poisson(``overlap`` x k) accounts, k = 1, 2, 3 for casual, routine and
    very active people (the more active hold more accounts), on platforms chosen by popularity.
    """
    if min(shares) < 0 or abs(sum(shares) - 1) > 1e-9:
        raise ValueError(f"the activity shares must be non-negative and add up to 1, got {shares}")
    if shares[0] >= 1:
        raise ValueError("casual_share is 1: nobody is active, so the estimators have nothing to count")
    rng = np.random.default_rng(seed)
    activity = rng.choice(len(ACTIVITY), size=people, p=np.asarray(shares))
    accounts = np.minimum(1 + rng.poisson(overlap * (activity + 1)), platforms)
    popularity = 1 / np.arange(1, platforms + 1)
    popularity /= popularity.sum()
    # Weighted sampling without replacement for everyone at once: the smallest exponential keys win.
    keys = rng.exponential(size=(people, platforms)) / popularity
    rank = keys.argsort(axis=1).argsort(axis=1)
    person, platform = np.nonzero(rank < accounts[:, None])
    frame = pd.DataFrame({"person": person, "platform": platform})
    frame["activity"] = np.asarray(ACTIVITY)[activity[frame["person"]]]
    return frame


def people_table(accounts: pd.DataFrame) -> pd.DataFrame:
    """One row per person: activity and number of accounts."""
    return accounts.groupby("person").agg(activity=("activity", "first"), accounts=("platform", "size")).reset_index()


def lincoln_petersen(first: int, second: int, both: int) -> float:
    """Lincoln-Petersen estimate of a population from two samples and their overlap."""
    return float("inf") if both == 0 else first * second / both


def chapman(first: int, second: int, both: int) -> float:
    """Chapman's bias-corrected version of Lincoln-Petersen."""
    return (first + 1) * (second + 1) / (both + 1) - 1


def catch_weights(people: pd.DataFrame, catchability_ratio: float) -> np.ndarray:
    """Relative chance of each person to be reached by a survey wave."""
    weight = {"casual": 1.0, "routine": catchability_ratio ** 0.5, "very_active": catchability_ratio}
    return people["activity"].map(weight).to_numpy()


def survey_wave(people: pd.DataFrame, size: int, weights: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Ids of the people reached by one survey wave (without replacement, by weight)."""
    return rng.choice(people["person"].to_numpy(), size=min(size, len(people)), replace=False, p=weights / weights.sum())


# The headers readers see for the columns this module computes (see book.markdown_table).
HEADERS = {"estimator": "Estimator", "estimate": "Estimate", "truth": "True value", "target": "Who it aims at",
           "bias": "Bias"}


def estimators(accounts: pd.DataFrame, sample_1: int, sample_2: int, catchability_ratio: float, seed: int) -> pd.DataFrame:
    """Each estimator's estimate, the true value of what it aims at, and its bias."""
    rng = np.random.default_rng(seed + 1)
    people = people_table(accounts)
    truth_all = len(people)
    active = people[people["activity"] != "casual"]
    weights = catch_weights(people, catchability_ratio)
    wave_1 = survey_wave(people, sample_1, weights, rng)
    wave_2 = survey_wave(people, sample_2, weights, rng)
    both = len(np.intersect1d(wave_1, wave_2))
    surveyed = people.set_index("person").loc[wave_1]
    surveyed_active = surveyed[surveyed["activity"] != "casual"]
    random_sample = people.sample(n=min(sample_1, len(people)), random_state=seed + 2)
    monthly_visitors = accounts[accounts["activity"] != "casual"].groupby("platform")["person"].nunique().sum()
    rows = [
        ("raw sum of registrations", len(accounts), truth_all, "everyone registered"),
        ("multihoming correction, coefficient from a random sample", len(accounts) / random_sample["accounts"].mean(),
         truth_all, "everyone registered"),
        ("multihoming correction, coefficient from a survey of active workers",
         len(accounts) / surveyed_active["accounts"].mean(), truth_all, "everyone registered"),
        ("capture-recapture (Lincoln-Petersen)", lincoln_petersen(len(wave_1), len(wave_2), both), truth_all,
         "everyone registered"),
        ("capture-recapture (Chapman)", chapman(len(wave_1), len(wave_2), both), truth_all, "everyone registered"),
        ("traffic: monthly visitors summed over platforms", monthly_visitors, len(active), "active at least monthly"),
    ]
    frame = pd.DataFrame(rows, columns=["estimator", "estimate", "truth", "target"])
    frame["bias"] = frame["estimate"] / frame["truth"] - 1
    return frame


def chapman_bias_by_catchability(accounts: pd.DataFrame, sample_1: int, sample_2: int, ratios: list[float], seed: int,
                                 repeats: int = 20) -> pd.DataFrame:
    """Average bias of Chapman's estimator as survey reach becomes more unequal."""
    people = people_table(accounts)
    rows = []
    for ratio in ratios:
        weights = catch_weights(people, ratio)
        rng = np.random.default_rng(seed + 3)
        estimates = []
        for _ in range(repeats):
            wave_1, wave_2 = (survey_wave(people, sample_1, weights, rng), survey_wave(people, sample_2, weights, rng))
            estimates.append(chapman(len(wave_1), len(wave_2), len(np.intersect1d(wave_1, wave_2))))
        rows.append({"catchability_ratio": ratio, "bias": float(np.mean(estimates)) / len(people) - 1})
    return pd.DataFrame(rows)
