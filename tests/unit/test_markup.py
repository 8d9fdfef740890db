"""One source per message: the light markup renders both bodies, and values stay values."""

from __future__ import annotations

from samsnakk_bot.domain.texts._markup import bullets, code, example, para, render, rich


def test_markup_gives_plain_and_html_from_one_template() -> None:
    line = rich(
        "**{title}** – skriv «`{usage}`» eller `{other}`",
        title="Møte 1",
        usage="!a <b>",
        other="!c",
    )
    assert line.plain == "Møte 1 – skriv «!a <b>» eller !c"
    assert (
        line.html
        == "<strong>Møte 1</strong> – skriv <code>!a &lt;b&gt;</code> eller <code>!c</code>"
    )


def test_a_value_cannot_add_markup_or_html() -> None:
    line = rich("Hei {name}!", name="**<script>** `x`")
    assert line.plain == "Hei **<script>** `x`!"
    assert line.html == "Hei **&lt;script&gt;** `x`!"


def test_blocks_join_like_the_hand_written_bodies_did() -> None:
    reply = render(
        para("Først", rich("**{x}**", x="fet")),
        bullets(["a", code("!b")]),
        para("Til slutt"),
        example("!c 1"),
    )
    assert reply.body == "Først\nfet\n• a\n• «!b»\n\nTil slutt\n!c 1"
    assert reply.html == (
        "<p>Først<br><strong>fet</strong></p><ul><li>a</li><li><code>!b</code></li></ul>"
        "<p>Til slutt</p><pre><code>!c 1</code></pre>"
    )
