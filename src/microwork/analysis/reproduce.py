"""The reproduction report: a status for every published figure in ``data/``.

Each table of published figures is checked by the chapter that discusses it
(:func:`microwork.size.size_checks`, :func:`microwork.profile.profile_checks`, ...);
this module gathers them into one table, and compares a report with a baseline.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from . import checks as ck
from . import profile, size
from .data import load_table
from .readable import stated

HEADERS = ck.HEADERS  # the headers of the report's columns in the book's tables
REPORT_COLUMNS = ["figure_id", "table", "chapter", "description", "published", "source", "locator", "confidence",
                  "status", "book_value", "tolerance", "parameter", "reason", "inputs", "restates"]


def debate_checks(published: pd.DataFrame) -> list[ck.Check]:
    """The 2020 restatement, the critique's and the press's figures: each restates a published tier."""
    return ck.restatement_checks(published, "debate")


def report_reasons() -> dict[str, str]:
    """Why the figures of each table are reported as published when nothing else gives them a status, by table."""
    reasons = load_table("report_reasons")
    return dict(zip(reasons["table"], reasons["reason"]))


def published_rows(table: str, frame: pd.DataFrame, id_column: str, description: str, chapter: str) -> pd.DataFrame:
    """A data table of published figures (with ``value`` and, optionally, ``comparator`` and
    ``value_high`` columns) in the report's common shape."""
    comparator = frame["comparator"] if "comparator" in frame else ["="] * len(frame)
    high = frame["value_high"] if "value_high" in frame else [None] * len(frame)
    return pd.DataFrame({
        "figure_id": frame[id_column].astype(str).to_numpy(),
        "table": table,
        "chapter": frame["chapter"].to_numpy() if "chapter" in frame else chapter,
        "description": frame[description].to_numpy(),
        "published": [stated(v, c, h) for v, c, h in zip(frame["value"], comparator, high)],
        "source": frame["source"].to_numpy(),
        "locator": frame["locator"].to_numpy(),
        "confidence": frame["confidence"].to_numpy(),
    })


def identifiers(prefix: str, names: pd.Series) -> pd.Series:
    """Figure ids made from names, e.g. 'Wirk (Foule Factory)' -> 'registrations_wirk_foule_factory'."""
    return prefix + "_" + names.str.lower().str.replace(r"[^a-z]+", "_", regex=True).str.strip("_")


def collect_checks(accounts_per_person: float | None = None) -> pd.DataFrame:
    """Every published figure of the data package with the book's status for it."""
    published = load_table("published_figures")
    registrations = load_table("platform_registrations")
    tiers = load_table("size_tiers")
    survey = load_table("survey_profile")
    workforces = load_table("comparison_workforces")
    international = load_table("international_estimates")
    coefficient = (float(published.set_index("figure_id").loc["accounts_per_person", "value"])
                   if accounts_per_person is None else accounts_per_person)
    result = size.estimate_size(registrations, tiers, published, coefficient)

    reasons = report_reasons()

    size_table = size.size_checks(result, tiers, published)
    chapter_checks = [ck.Check(**{k: r[k] for k in ("figure_id", "status", "book_value", "tolerance", "parameter", "reason",
                                                     "inputs")})
                      for r in size_table.to_dict("records")]
    chapter_checks += debate_checks(published)
    others = published[~published["chapter"].isin(["size", "debate"])]
    chapter_checks += [c for c in ck.restatement_checks(published) if c.figure_id in set(others["figure_id"])]
    figure_reasons = published.set_index("figure_id")["reason"]
    verdicts = {c.figure_id: c for c in ck.reported_otherwise(published["figure_id"], chapter_checks, figure_reasons,
                                                              reasons["published_figures"])}
    rows = [published_rows("published_figures", published, "figure_id", "description", "")]

    registrations = registrations.assign(value=registrations["registrations"].astype(float),
                                         key=identifiers("registrations", registrations["platform"]))
    rows.append(published_rows("platform_registrations", registrations, "key", "platform", "size"))
    verdicts.update({c.figure_id: c for c in ck.reported_otherwise(
        registrations["key"], [], default=reasons["platform_registrations"])})

    survey = survey.assign(description=survey["description"] + " (" + survey["denominator"] + ")")
    rows.append(published_rows("survey_profile", survey, "indicator", "description", "profile"))
    verdicts.update({c.figure_id: c for c in profile.profile_checks(load_table("survey_profile"),
                                                                     reasons["survey_profile"], published)})

    workforces = workforces.assign(value=workforces["persons"].astype(float),
                                   key=identifiers("workforce", workforces["workforce"]))
    rows.append(published_rows("comparison_workforces", workforces, "key", "workforce", "size"))
    verdicts.update({c.figure_id: c for c in ck.reported_otherwise(
        workforces["key"], [], default=reasons["comparison_workforces"])})

    rows.append(published_rows("international_estimates", international, "estimate_id", "measure", "international"))
    verdicts.update({c.figure_id: c for c in ck.reported_otherwise(
        international["estimate_id"], [], default=reasons["international_estimates"])})

    report = pd.concat(rows, ignore_index=True)
    duplicated = report["figure_id"][report["figure_id"].duplicated()]
    if len(duplicated):
        raise ValueError(f"figure ids used in two tables: {', '.join(duplicated)}")
    missing = set(report["figure_id"]) - set(verdicts)
    if missing:
        raise ValueError(f"published figures without a status: {', '.join(sorted(missing))}")
    verdict = pd.DataFrame([asdict(verdicts[i]) for i in report["figure_id"]])
    return pd.concat([report, verdict.drop(columns="figure_id")], axis=1)[REPORT_COLUMNS]


def status_counts(report: pd.DataFrame) -> dict[str, int]:
    """How many figures have each status."""
    return report["status"].value_counts().reindex(ck.STATUSES, fill_value=0).astype(int).to_dict()


def regressions(report: list[dict], baseline: list[dict]) -> list[str]:
    """Figures reproduced or consistent in the baseline that no longer are."""
    now = {r["figure_id"]: r["status"] for r in report}
    return [f"{r['figure_id']}: was {r['status']}, now {now.get(r['figure_id'], 'missing')}"
            for r in baseline if r["status"] in ("reproduced", "consistent") and now.get(r["figure_id"]) != r["status"]]


def write_report(report: pd.DataFrame, path: Path, metadata: dict | None = None) -> None:
    """Write the report as JSON (one object per figure, plus the counts per status).

    ``metadata`` (see :func:`microwork.provenance.run_metadata`), when given, is written under the key ``run``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    records = json.loads(report.to_json(orient="records"))
    content = {"counts": status_counts(report), "figures": records} | ({"run": metadata} if metadata else {})
    path.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
