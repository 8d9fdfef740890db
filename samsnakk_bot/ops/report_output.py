"""The usage report as CSV and as a PNG chart. Suppressed figures stay ``<5`` in both.

Both take the figures from ``store.report_queries.usage_figures``. Labels and the title come
from the caller (texts.py), so nothing here is user-facing text.

The chart uses matplotlib's object API on the Agg canvas and never imports pyplot: no GUI
backend, no global figure registry to leak or to share between threads, so a caller may render
in ``asyncio.to_thread``. matplotlib is imported on first use, which keeps it out of the bot's
start-up. It uses the DejaVu Sans font that ships with matplotlib (it has æ, ø and å); nothing
is downloaded.

Figures of different units never share an axis: consecutive figures of one kind (rooms,
varsler) share a panel, and every other figure gets a panel of its own with its own scale;
a percentage's axis always runs 0–100.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from typing import TYPE_CHECKING

from samsnakk_bot.domain.report import Figure, format_number, is_suppressed, shown

if TYPE_CHECKING:
    from matplotlib.axes import Axes

CSV_HEADER = ("nøkkel", "verdi")
BAR_COLOUR = "#2a6f97"
MUTED_COLOUR = "#6c757d"
LABEL_WIDTH = 40  # characters before a label wraps
PERCENT_KEYS_PREFIX = "share_"
_SHARED_PANELS = ("rooms_", "varsler_")


def figures_csv(figures: Iterable[Figure]) -> bytes:
    """UTF-8, ``;``-separated ``nøkkel;verdi`` rows with decimal commas; suppressed is ``<5``.

    A figure with no value (nothing to measure) gets an empty cell.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for fig in figures:
        cell = "" if fig.value is None and not is_suppressed(fig) else shown(fig)
        writer.writerow((fig.key, cell))
    return out.getvalue().encode("utf-8")


def figures_png(
    figures: Sequence[Figure], title: str, labels: Mapping[str, str] | None = None
) -> bytes:
    """A horizontal bar chart of the figures as PNG bytes; suppressed ones read ``<5``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as Chart

    names = labels or {}
    panels = [list(group) for _, group in groupby(figures, key=_panel_of)]
    rows = max(len(figures), 1)
    chart = Chart(figsize=(8, 1.0 + 0.42 * rows + 0.35 * len(panels)), dpi=110)
    FigureCanvasAgg(chart)
    chart.set_layout_engine("constrained")
    chart.suptitle(_plain(title), fontsize=13, fontweight="bold")
    if panels:
        axes = chart.subplots(
            len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": [len(p) for p in panels]}
        )
        for ax, panel in zip(axes[:, 0], panels, strict=True):
            _draw_panel(ax, panel, names)
    out = io.BytesIO()
    chart.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _panel_of(fig: Figure) -> str:
    for prefix in _SHARED_PANELS:
        if fig.key.startswith(prefix):
            return prefix
    return fig.key


def _draw_panel(ax: Axes, panel: list[Figure], names: Mapping[str, str]) -> None:
    from matplotlib.ticker import FuncFormatter

    positions = range(len(panel))
    visible = [
        float(f.value) if f.value is not None and not is_suppressed(f) else 0.0 for f in panel
    ]
    ax.barh(positions, visible, color=BAR_COLOUR, height=0.6)
    ax.set_yticks(
        list(positions),
        [textwrap.fill(_plain(names.get(f.key, f.key)), LABEL_WIDTH) for f in panel],
    )
    ax.invert_yaxis()
    percent = all(f.key.startswith(PERCENT_KEYS_PREFIX) for f in panel)
    top = 100.0 if percent else max(visible, default=0.0) or 1.0
    ax.set_xlim(0, top * (1.0 if percent else 1.18))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: format_number(x)))
    if not any(visible) and not percent:
        ax.set_xticks([])
    for y, (fig, length) in enumerate(zip(panel, visible, strict=True)):
        suppressed = is_suppressed(fig)
        text = shown(fig) + (" %" if percent and not suppressed and fig.value is not None else "")
        inside = percent and length > 85
        ax.annotate(
            text,
            xy=(length, y),
            xytext=(-4 if inside else 4, 0),
            textcoords="offset points",
            va="center",
            ha="right" if inside else "left",
            color="white" if inside else (MUTED_COLOUR if suppressed else "black"),
            fontstyle="italic" if suppressed else "normal",
        )
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)


def _plain(text: str) -> str:
    """Text as written: a ``$`` would otherwise start matplotlib's math mode."""
    return text.replace("$", r"\$")
