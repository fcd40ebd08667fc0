"""The join link as a QR code for the projector: SVG from ``segno`` (pure Python). No Streamlit.

A QR code read from the back of a hall needs few, large modules: the join link is short (the
page's address and ``?room=<code>``, about 50 characters: a 37 x 37 symbol with segno's
boosted error correction) and the picture is drawn as wide as the screen allows
(``QR_WIDTH_CSS``). The rule of thumb for phone cameras is a distance of up to about ten times
the code's width: 1 m on a projection screen reaches the back of a 10-m hall.
"""

from __future__ import annotations

import segno

from ui.kit.escape import untrusted_html

# As large as the column allows, but never taller than 70 % of the window (the projector).
QR_WIDTH_CSS = "min(100%, 70vh)"
# Text links longer than this are not ours (a join link is ~50 characters; browsers' addresses
# can be long, but a QR code of 500 characters would be too dense to scan from afar).
MAX_LINK_CHARS = 500


def qr_svg_data_uri(link: str) -> str:
    """The QR code of ``link`` as an SVG ``data:`` URI (black on white, 4-module quiet zone).

    Raises ValueError for a link longer than MAX_LINK_CHARS.
    """
    if len(link) > MAX_LINK_CHARS:
        raise ValueError(f"a join link has at most {MAX_LINK_CHARS} characters")
    code = segno.make(link, error="m", micro=False)
    # scale 1 keeps the SVG small; the browser scales it (a vector picture stays sharp).
    return code.svg_data_uri(scale=1, border=4, dark="#000000", light="#ffffff")


def qr_html(link: str, *, width_css: str = QR_WIDTH_CSS) -> str:
    """An ``<img>`` of the QR code whose text alternative is the link itself (escaped)."""
    alt = untrusted_html(f"QR code of the join link {link}", max_chars=MAX_LINK_CHARS + 40)
    return (f'<img src="{qr_svg_data_uri(link)}" alt="{alt}" '
            f'style="width: {width_css}; height: auto; image-rendering: pixelated; '
            f'display: block; margin: 0 auto;">')
