"""The usage report as CSV and PNG: exact CSV bytes, a valid PNG, no bar for a suppressed figure."""

from __future__ import annotations

import csv
import io
import struct

import numpy as np
from matplotlib.image import imread

from samsnakk_bot.domain.report import Figure
from samsnakk_bot.ops.report_output import BAR_COLOUR, figures_csv, figures_png

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIGURES = [
    Figure("rooms_created", 12, 12),
    Figure("rooms_active", 9, 9),
    Figure("median_hours_proposal_to_approval", 5.25, 7),
    Figure("median_days_room_to_first_meeting", 3.0, 3),
    Figure("share_summary_within_24h", 87.5, 6),
    Figure("messages_per_room_per_week", 14.3, 9),
    Figure("varsler_sent_app", 140, 140),
    Figure("varsler_sent_sms", 23, 23),
    Figure("varsler_sent_epost", 2, 2),
    Figure("varsler_failed", 0, 0),
]
LABELS = {
    "rooms_created": "Rom opprettet",
    "rooms_active": "Aktive rom",
    "median_hours_proposal_to_approval": "Median timer fra forslag til godkjenning",
    "median_days_room_to_first_meeting": "Median dager fra rom til Det første møtet",
    "share_summary_within_24h": "Møter med oppsummering innen 24 t",
    "messages_per_room_per_week": "Meldinger per rom per uke",
    "varsler_sent_app": "Varsler i appen",
    "varsler_sent_sms": "Varsler på SMS",
    "varsler_sent_epost": "Varsler på e-post",
    "varsler_failed": "Varsler som feilet",
}


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def has_bar_colour(png: bytes) -> bool:
    pixels = imread(io.BytesIO(png), format="png")[:, :, :3]
    target = np.array([int(BAR_COLOUR[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return bool(np.any(np.all(np.abs(pixels - target) < 0.01, axis=-1)))


# -- CSV ----------------------------------------------------------------------------------


def test_csv_is_semicolon_separated_utf8_with_decimal_commas_and_suppression() -> None:
    figures = [
        Figure("rooms_created", 12, 12),
        Figure("median_hours_proposal_to_approval", 3.46, 7),
        Figure("varsler_failed", 2, 2),
        Figure("median_days_room_to_first_meeting", 40.0, 4),
        Figure("share_summary_within_24h", None, 0),
        Figure("messages_per_room_per_week", None, 5),
    ]

    assert (
        figures_csv(figures)
        == (
            "nøkkel;verdi\r\n"
            "rooms_created;12\r\n"
            "median_hours_proposal_to_approval;3,5\r\n"
            "varsler_failed;<5\r\n"
            "median_days_room_to_first_meeting;<5\r\n"
            "share_summary_within_24h;<5\r\n"
            "messages_per_room_per_week;\r\n"
        ).encode()
    )


def test_csv_reads_back_with_a_semicolon_dialect() -> None:
    text = figures_csv(FIGURES).decode("utf-8")

    rows = list(csv.reader(io.StringIO(text), delimiter=";"))

    assert rows[0] == ["nøkkel", "verdi"]
    assert dict(rows[1:])["median_hours_proposal_to_approval"] == "5,3"
    assert len(rows) == 1 + len(FIGURES)


def test_csv_of_no_figures_is_the_header() -> None:
    assert figures_csv([]) == "nøkkel;verdi\r\n".encode()


# -- PNG ----------------------------------------------------------------------------------


def test_png_is_a_real_image_of_a_readable_size() -> None:
    png = figures_png(FIGURES, "Samsnakk · Askøy kommune · september 2026", LABELS)

    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 10_000
    width, height = png_size(png)
    assert 700 <= width <= 1200
    assert 500 <= height <= 1400
    assert has_bar_colour(png)


def test_a_suppressed_figure_gets_no_bar() -> None:
    shown_figure = figures_png([Figure("rooms_created", 12, 12)], "Rapport")
    suppressed = figures_png([Figure("rooms_created", 12, 4)], "Rapport")

    assert has_bar_colour(shown_figure)
    assert not has_bar_colour(suppressed)


def test_a_count_below_five_gets_no_bar_whatever_the_count_says() -> None:
    assert not has_bar_colour(figures_png([Figure("varsler_failed", 3, 40)], "Rapport"))


def test_more_figures_make_a_taller_chart() -> None:
    one = figures_png(FIGURES[:1], "Rapport")
    all_of_them = figures_png(FIGURES, "Rapport")

    assert png_size(all_of_them)[1] > png_size(one)[1]


def test_dollar_signs_are_text_not_matplotlib_math() -> None:
    # Read as math, "$^$" is a syntax error and the chart would not render at all.
    png = figures_png(FIGURES, "Kostnad a $^$ b", {"rooms_created": "Rom $\\frac$"})

    assert png.startswith(PNG_SIGNATURE)


def test_no_figures_still_make_an_image() -> None:
    png = figures_png([], "Ingen tall")

    assert png.startswith(PNG_SIGNATURE)
    assert not has_bar_colour(png)
