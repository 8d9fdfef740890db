"""`samsnakk rapport`: the usage report as CSV or PNG, aggregate only (counts below 5 hidden)."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from samsnakk_bot.config import Config
from samsnakk_bot.domain import texts
from samsnakk_bot.domain.report import PeriodProblem, parse_period
from samsnakk_bot.domain.timezone import OSLO
from samsnakk_bot.ops.report_output import figures_csv, figures_png
from samsnakk_bot.store import Database
from samsnakk_bot.store.report_queries import usage_figures


async def write_report(
    cfg: Config, fmt: str, org: str | None, period_text: str, output: Path
) -> int:
    period = parse_period(period_text, datetime.now(OSLO))
    if isinstance(period, PeriodProblem):
        print(texts.REPORT_PERIOD_PROBLEMS[period.name], file=sys.stderr)
        return 2
    db = Database(cfg.database.url)
    try:
        figures = await usage_figures(db, org, period, exclude_senders=[cfg.bot_user_id])
    finally:
        await db.close()
    if fmt == "csv":
        data = figures_csv(figures)
    else:
        data = figures_png(figures, texts.REPORT_TITLE, texts.REPORT_LABELS)
    output.write_bytes(data)  # noqa: ASYNC240 - a one-shot CLI, nothing else runs
    print(f"wrote {output} ({len(figures)} figures)")
    return 0
