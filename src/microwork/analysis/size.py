"""The size chapter's analysis: from the data tables to the estimates and their checks."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import checks as ck
from .estimate import (
    coefficient_as_printed,
    distance_to_whole,
    implied_accounts_per_person,
    people_from_accounts,
    people_with_exempt_platforms,
    raw_total,
    ratios_between_tiers,
    share_near_whole_if_divided,
    share_of_products_near_whole,
)

PUBLISHED_ACCOUNTS_PER_PERSON = "accounts_per_person"
POSSIBLY_PEOPLE = "possibly people"   # platform_registrations.counts of a figure that may already count people


def people_counting(registrations: pd.DataFrame) -> pd.DataFrame:
    """The platforms whose printed figure may already count people, not accounts (``counts`` in the data)."""
    return registrations[registrations["counts"] == POSSIBLY_PEOPLE]


def short_name(platform: str) -> str:
    """A platform's name without the former name in parentheses: 'Wirk (Foule Factory)' -> 'Wirk'."""
    return platform.split(" (")[0]


@dataclass(frozen=True)
class SizeEstimate:
    """What the chapter computes, for one value of the multihoming coefficient."""

    accounts_per_person: float
    published_accounts_per_person: float
    raw_total: int
    casual_book: float
    casual_published: int
    implied_accounts_per_person: float
    casual_at_published_coefficient: float
    casual_wirk_exempt: float
    sum_of_tiers: int


def estimate_size(
    registrations: pd.DataFrame, tiers: pd.DataFrame, published: pd.DataFrame, accounts_per_person: float
) -> SizeEstimate:
    """Recompute the casual tier from the platform registrations."""
    total = raw_total(registrations["registrations"])
    casual = int(tiers.set_index("tier").loc["casual", "persons"])
    published_coefficient = float(published.set_index("figure_id").loc[PUBLISHED_ACCOUNTS_PER_PERSON, "value"])
    by_platform = dict(zip(registrations["platform"], registrations["registrations"].astype(int)))
    return SizeEstimate(
        accounts_per_person=float(accounts_per_person),
        published_accounts_per_person=published_coefficient,
        raw_total=total,
        casual_book=people_from_accounts(total, accounts_per_person),
        casual_published=casual,
        implied_accounts_per_person=implied_accounts_per_person(total, casual),
        casual_at_published_coefficient=people_from_accounts(total, published_coefficient),
        casual_wirk_exempt=people_with_exempt_platforms(by_platform, published_coefficient,
                                                          list(people_counting(registrations)["platform"])),
        sum_of_tiers=int(tiers["persons"].sum()),
    )


# The headers readers see for the columns this module computes (see book.markdown_table).
HEADERS = {**ck.HEADERS, "scenario": "Scenario", "accounts_per_person": "Accounts per person", "people": "People",
           "kind": "What the coefficient is", "gap_to_published": "Gap to the published tier",
           "published": "Published tier", "times_coefficient": "Times the coefficient",
           "distance_to_whole": "Distance to a whole number", "near_whole": "Near a whole number"}


def scenarios(result: SizeEstimate, registrations: pd.DataFrame) -> pd.DataFrame:
    """Ways of turning the raw total into a count of people, side by side with the published tier.

    One scenario leaves uncorrected the platforms whose figure may already count people (:func:`people_counting`).
    """
    exempt = people_counting(registrations)
    names = [short_name(p) for p in exempt["platform"]]
    several = len(names) > 1
    figures = " and ".join(f"{n}'s {int(r):,}" for n, r in zip(names, exempt["registrations"]))
    rows = [
        ("No correction (raw registrations)", 1.0, result.raw_total, "accounts, not people"),
        (f"Single division by the published {result.published_accounts_per_person:.2f}",
         result.published_accounts_per_person, result.casual_at_published_coefficient, "published coefficient"),
        (f"Published coefficient, {' and '.join(names)} figure{'s' * several} left uncorrected",
         result.published_accounts_per_person, result.casual_wirk_exempt,
         f"hypothesis: {figures} already count{'s' * (not several)} people"),
        (f"Single division by this run's {result.accounts_per_person:.2f}", result.accounts_per_person,
         result.casual_book, "this run's parameter"),
        ("Coefficient implied by the published tier", result.implied_accounts_per_person,
         result.casual_published, "calibrated to the published tier"),
    ]
    frame = pd.DataFrame(rows, columns=["scenario", "accounts_per_person", "people", "kind"])
    frame["gap_to_published"] = frame["people"] / result.casual_published - 1
    return frame


def size_checks(result: SizeEstimate, tiers: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """A status for every published figure of the size chapter.

    No tier can be recomputed from inputs this book could read: the casual tier is matched
    only with a calibrated coefficient, the others are reported, with the reason their row of
    ``published`` gives. Roundings, re-quotations and press figures that add up published figures
    are *consistent*, never *reproduced*.
    """
    value = published.set_index("figure_id")["value"]
    reason = published.set_index("figure_id")["reason"]
    chapter = published[published["chapter"] == "size"]
    calibrated = coefficient_as_printed(result.raw_total, result.casual_published)
    checks = [
        ck.calibrated("tier_casual", result.casual_published, f"accounts_per_person = {calibrated}",
                      f"one division of the {result.raw_total:,} registrations gives it only with the coefficient "
                      f"{calibrated}, chosen to match, not the published "
                      f"{result.published_accounts_per_person:.2f} (which gives {result.casual_at_published_coefficient:,.0f}); "
                      + ck.reason_of(reason, "tier_casual")),
        ck.consistent("registrations_total", value["registrations_total"], result.raw_total,
                      "sum of the seven platform registrations", ck.reason_of(reason, "registrations_total"), "="),
        ck.consistent("press_sum_of_tiers", value["press_sum_of_tiers"], result.sum_of_tiers, "sum of the three tiers",
                      ck.reason_of(reason, "press_sum_of_tiers")),
        ck.consistent("press_raw_total", value["press_raw_total"], result.raw_total, "registrations_total",
                      ck.reason_of(reason, "press_raw_total")),
    ]
    checks += ck.restatement_checks(published, "size")
    return ck.checks_table(chapter, ck.reported_otherwise(chapter["figure_id"], checks, reason))


def tier_ratios(tiers: pd.DataFrame) -> dict[str, float]:
    """The tiers as shares of one another (they are not sub-populations of one count)."""
    ordered = tiers.sort_values("rank")
    return ratios_between_tiers(dict(zip(ordered["tier"], ordered["persons"].astype(float))))


def comparison_frame(tiers: pd.DataFrame, workforces: pd.DataFrame) -> pd.DataFrame:
    """The micro-work tiers and the other platform workforces in one table."""
    micro = pd.DataFrame({
        "workforce": "Micro-work: " + tiers["label_en"],
        "persons": tiers["persons"].astype(int),
        "is_microwork": True,
    })
    other = workforces.assign(is_microwork=False)[["workforce", "persons", "is_microwork"]]
    other["persons"] = other["persons"].astype(int)
    return pd.concat([micro, other], ignore_index=True)


NEAR_WHOLE = 0.02   # how close to a whole number a product must land to be called "near whole"


def products_with_coefficient(tiers: pd.DataFrame, coefficient: float) -> pd.DataFrame:
    """Each published tier multiplied by the published coefficient, and how far the product is from a whole number.

    This book's own arithmetic on published numbers, not the authors' method.
    """
    ordered = tiers.sort_values("rank")
    products = ordered["persons"].astype(int) * coefficient
    return pd.DataFrame({
        "tier": ordered["label_en"].to_numpy(),
        "published": ordered["persons"].astype(int).to_numpy(),
        "times_coefficient": products.round(2).to_numpy(),
        "distance_to_whole": [round(distance_to_whole(p), 2) for p in products],
        "near_whole": [distance_to_whole(p) <= NEAR_WHOLE + 1e-9 for p in products],
    })


def coincidence_odds(coefficient: float, numbers: range) -> dict[str, float]:
    """How often a product lands near a whole number by chance, and under the 'rounded division' hypothesis."""
    alone = share_of_products_near_whole(coefficient, NEAR_WHOLE, numbers)
    divided = share_near_whole_if_divided(coefficient, NEAR_WHOLE, range(round(numbers.start * coefficient),
                                                                         round(numbers.stop * coefficient)))
    # Two of the three tiers landed: the chance to compare is that of at least two landings among three, not two
    # out of the two that were picked once seen.
    at_least_two_of_three = 3 * alone ** 2 * (1 - alone) + alone ** 3
    return {"chance_one": alone, "chance_two": alone ** 2, "chance_two_of_three": at_least_two_of_three,
            "chance_one_if_divided": divided,
            "numbers_from": numbers.start, "numbers_to": numbers.stop - 1, "largest_rounding_shift": coefficient / 2}
