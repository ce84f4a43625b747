"""The size chapter's analysis: from the data tables to the estimates and their checks."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import checks as ck
from .estimate import (
    describe_rounding,
    implied_accounts_per_person,
    people_from_accounts,
    people_with_exempt_platforms,
    raw_total,
    ratios_between_tiers,
)

PUBLISHED_ACCOUNTS_PER_PERSON = "accounts_per_person"


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
        casual_wirk_exempt=people_with_exempt_platforms(by_platform, published_coefficient, ["Wirk (Foule Factory)"]),
        sum_of_tiers=int(tiers["persons"].sum()),
    )


def scenarios(result: SizeEstimate) -> pd.DataFrame:
    """Ways of turning the raw total into a count of people, side by side with the published tier."""
    rows = [
        ("No correction (raw registrations)", 1.0, result.raw_total, "accounts, not people"),
        (f"Single division by the published {result.published_accounts_per_person:.2f}",
         result.published_accounts_per_person, result.casual_at_published_coefficient, "published coefficient"),
        ("Published coefficient, Wirk figure left uncorrected", result.published_accounts_per_person,
         result.casual_wirk_exempt, "hypothesis: Wirk's 50,000 already counts people"),
        (f"Single division by this run's {result.accounts_per_person:.2f}", result.accounts_per_person,
         result.casual_book, "this run's parameter"),
        ("Coefficient implied by the published tier", result.implied_accounts_per_person,
         result.casual_published, "calibrated to the published tier"),
    ]
    frame = pd.DataFrame(rows, columns=["scenario", "accounts_per_person", "people", "kind"])
    frame["gap_to_published"] = frame["people"] / result.casual_published - 1
    return frame


def size_checks(result: SizeEstimate, tiers: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """A status for every published figure of the size chapter."""
    tier = tiers.set_index("tier")
    value = published.set_index("figure_id")["value"]
    checks = [
        ck.reported("tier_very_active",
                    "derivation not published (dossier open question 4); capture-recapture is named among the methods"),
        ck.reported("tier_routine",
                    "rests on web-traffic figures that are not public (open question 3)"),
        ck.calibrated("tier_casual", result.casual_published, f"accounts_per_person = {result.implied_accounts_per_person:.4f}",
                      f"one division of the {result.raw_total:,} registrations gives it only with the implied coefficient "
                      f"{result.implied_accounts_per_person:.3f}, not the published {result.published_accounts_per_person:.2f} "
                      f"(which gives {result.casual_at_published_coefficient:,.0f}); the exact correction is not public "
                      "(open question 1)"),
        ck.recomputed("registrations_total", value["registrations_total"], result.raw_total, ck.EXACT,
                      "sum of the seven platform registrations"),
        ck.reported("accounts_per_person",
                    "an input from the team's own data; as a single divisor it does not give the casual tier"),
        ck.reported("full_time_equivalents", "computation not published (open question 5)"),
        ck.reported("platforms_active_2018", "the list of the platforms is not public (open question 11)"),
        ck.reported("platforms_french_2018", "the list of the platforms is not public (open question 11)"),
        ck.recomputed("press_sum_of_tiers", value["press_sum_of_tiers"], result.sum_of_tiers, ck.ROUNDED,
                      "the sum of the three tiers, which the authors say must not be added: a misreading"),
        ck.recomputed("press_raw_total", value["press_raw_total"], result.raw_total, ck.ROUNDED,
                      "the raw registrations before the multihoming correction, not a count of people: a misreading"),
    ]
    for name in tier.index:
        exact = float(tier.loc[name, "persons"])
        checks.append(ck.recomputed(f"tier_{name}_rounded", value[f"tier_{name}_rounded"], exact, ck.ROUNDED,
                                    f"the exact tier {exact:,.0f} {describe_rounding(exact, value[f'tier_{name}_rounded'])}"))
    chapter = published[published["chapter"] == "size"]
    return ck.checks_table(chapter, checks)


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
