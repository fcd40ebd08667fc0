"""The escaping helpers (``ui.kit.escape``) rendered by the real thing: Streamlit's Markdown,
KaTeX, st.html and Plotly in Chromium.

A throw-away Streamlit script renders every text of ``tests/ui/escape_corpus.py`` through each
helper, in every kind of element the app uses (st.markdown, st.warning, st.caption, a widget
label, st.latex, $...$ in Markdown, st.html, Plotly titles, annotations and hover labels). The
test then reads the DOM: no link, image, script or frame anywhere, only the tags plain text
produces, no KaTeX error, and the visible text is the cleaned original text.
"""

from __future__ import annotations

import textwrap
import unicodedata

import pytest

from devtools.browser import REPO_ROOT, open_app_page, streamlit_server
from tests.ui.escape_corpus import CORPUS
from ui.kit.escape import WORD_JOINER, untrusted_plain

MULTILINE_MAX_CHARS = 400

SCRIPT = textwrap.dedent(f"""
    import sys
    sys.path.insert(0, {str(REPO_ROOT)!r})
    import plotly.graph_objects as go
    import streamlit as st
    from tests.ui.escape_corpus import CORPUS
    from ui.kit.escape import (untrusted_html, untrusted_latex, untrusted_markdown,
                               untrusted_plotly)

    for i, text in enumerate(CORPUS):
        with st.container(key=f"markdown_{{i}}"):
            st.markdown(untrusted_markdown(text))
        with st.container(key=f"multiline_{{i}}"):
            st.markdown(untrusted_markdown(text, single_line=False,
                                           max_chars={MULTILINE_MAX_CHARS}))
        with st.container(key=f"warning_{{i}}"):
            st.warning(untrusted_markdown(text))
        with st.container(key=f"caption_{{i}}"):
            st.caption("Column " + untrusted_markdown(text) + " is empty.")
        with st.container(key=f"label_{{i}}"):
            st.text_input("Label " + untrusted_markdown(text), key=f"input_{{i}}")
        with st.container(key=f"latex_{{i}}"):
            st.latex(r"x_{{" + untrusted_latex(text) + "}} = 1")
        with st.container(key=f"inline_{{i}}"):
            st.markdown("Name: $" + untrusted_latex(text) + "$ end")
        with st.container(key=f"html_{{i}}"):
            st.html("<p>" + untrusted_html(text) + "</p>")

    link = CORPUS.index("<a href='https://evil.example'>click</a>")
    tags = CORPUS.index("<b>bold</b><br><i>it</i> <span style='color:red'>red</span> <sup>2</sup>")
    figure = go.Figure(go.Scatter(
        x=[0.0], y=[0.0], mode="markers", marker={{"size": 40}},
        name=untrusted_plotly(CORPUS[link]),
        text=[untrusted_plotly(CORPUS[tags])],
        hovertemplate="Point " + untrusted_plotly(CORPUS[link]) + " %{{text}}<extra></extra>"))
    figure.update_layout(
        title=untrusted_plotly(CORPUS[link]), xaxis_title=untrusted_plotly(CORPUS[1]),
        yaxis_title=untrusted_plotly(CORPUS[tags]), showlegend=True,
        height=300 + 28 * len(CORPUS), hovermode="closest")
    for i, text in enumerate(CORPUS):
        figure.add_annotation(x=0.5, y=i / len(CORPUS), xref="paper", yref="paper",
                              text=untrusted_plotly(text), showarrow=False)
    with st.container(key="plotly"):
        st.plotly_chart(figure, config={{"displayModeBar": False}})
""")

# Tags that plain text may produce in each kind of element (wrappers, paragraphs, line breaks,
# and KaTeX's spans).
ALLOWED_TAGS = {
    "markdown": {"div", "p"},
    "multiline": {"div", "p", "br"},
    "warning": {"div", "p"},
    "caption": {"div", "p"},
    "label": {"div", "p", "span"},
    "latex": {"span"},
    "inline": {"span"},
    "html": {"div", "p"},
}
PREFIX_SUFFIX = {"caption": ("Column", "isempty."), "label": ("Label", ""),
                 "latex": ("x", "=1"), "inline": ("", "")}

READ_ELEMENTS = """() => {
    const out = {};
    for (const box of document.querySelectorAll('[class*="st-key-"]')) {
        const key = [...box.classList].find(c => c.startsWith('st-key-')).slice(7);
        let node = box;
        if (key.startsWith('latex') || key.startsWith('inline')) {
            node = box.querySelector('.katex-html');
        } else if (key.startsWith('label')) {
            node = box.querySelector('[data-testid="stWidgetLabel"]');
        } else if (key.startsWith('html')) {
            node = box.querySelector('[data-testid="stHtml"]') || box;
        } else {
            node = box.querySelector('[data-testid="stMarkdownContainer"]') || box;
        }
        out[key] = {
            text: node ? node.innerText : null,
            tags: node ? [...new Set([...node.querySelectorAll('*')].map(
                e => e.tagName.toLowerCase()))] : [],
            katex_errors: box.querySelectorAll('.katex-error').length,
        };
    }
    return out;
}"""


def _squeeze(text: str) -> str:
    """Text without whitespace and without the invisible characters a renderer adds (our word
    joiners, KaTeX's zero-width struts), so that line wrapping cannot make a difference."""
    return "".join(text.replace(WORD_JOINER, "").replace("\u200b", "").split())


def _expected(kind: str, text: str) -> str:
    if kind == "multiline":
        return untrusted_plain(text, max_chars=MULTILINE_MAX_CHARS, single_line=False)
    expected = untrusted_plain(text)
    if kind in ("latex", "inline"):
        # KaTeX's text mode: ’ and ‘ for ' and `; marks without a base are dropped (documented).
        expected = "".join(char for char in unicodedata.normalize("NFC", expected)
                           if not unicodedata.combining(char))
    return expected


def _shown(kind: str, text: str) -> str:
    shown = _squeeze(text)
    if kind in ("latex", "inline"):
        shown = shown.replace("’", "'").replace("‘", "`")
    prefix, suffix = PREFIX_SUFFIX.get(kind, ("", ""))
    assert shown.startswith(prefix) and shown.endswith(suffix), (kind, shown)
    return shown[len(prefix):len(shown) - len(suffix)]


@pytest.mark.browser
def test_hostile_texts_render_as_text_in_every_element(browser, tmp_path):
    script = tmp_path / "escape_page.py"
    script.write_text(SCRIPT)
    with streamlit_server(script=str(script)) as base_url:
        page = open_app_page(browser, base_url)
        page.wait_for_selector(".js-plotly-plot .annotation-text", timeout=60_000)
        page.wait_for_selector(".katex-html", timeout=60_000)

        main = page.locator('[data-testid="stMain"]')
        for tag in ("a", "img", "script", "iframe", "object", "embed", "image", "foreignObject"):
            assert main.locator(tag).count() == 0, f"a <{tag}> element was rendered"

        elements = page.evaluate(READ_ELEMENTS)
        checked = 0
        for key, element in elements.items():
            kind, _, index = key.rpartition("_")
            if kind not in ALLOWED_TAGS:
                continue
            text = CORPUS[int(index)]
            assert element["text"] is not None, f"{key}: nothing rendered"
            assert set(element["tags"]) <= ALLOWED_TAGS[kind], (key, element["tags"], text)
            assert element["katex_errors"] == 0, (key, text)
            expected = _squeeze(_expected(kind, text))
            shown = _shown(kind, element["text"])
            if kind in ("latex", "inline") and unicodedata.normalize("NFD", expected) != expected:
                # KaTeX draws é as e plus a separate accent glyph: compare the letters only.
                shown = "".join(c for c in unicodedata.normalize("NFD", shown) if c.isascii())
                expected = "".join(c for c in unicodedata.normalize("NFD", expected)
                                   if c.isascii())
            assert shown == expected, (key, text)
            checked += 1
        assert checked == len(CORPUS) * len(ALLOWED_TAGS)

        plot = page.locator('.st-key-plotly .js-plotly-plot')
        annotations = plot.locator(".annotation-text").all_text_contents()
        assert [_squeeze(a) for a in annotations] == [
            _squeeze(untrusted_plain(text)) for text in CORPUS]
        link_text = "<a href='https://evil.example'>click</a>"
        assert _squeeze(plot.locator(".gtitle").text_content()) == _squeeze(link_text)
        assert _squeeze(plot.locator(".legendtext").text_content()) == _squeeze(link_text)
        assert _squeeze(plot.locator(".xtitle").text_content()) == _squeeze(CORPUS[1])
        assert "<b>bold</b>" in plot.locator(".ytitle").text_content()
        assert plot.locator("tspan[style*='font-style:italic']").count() == 0

        # The hover label: the template's own text and the %{text} it pulls in.
        plot.scroll_into_view_if_needed()
        plot.locator(".scatterlayer .point").first.hover(force=True)
        hover = plot.locator(".hoverlayer .hovertext")
        hover.wait_for(timeout=10_000)
        hover_text = _squeeze(hover.text_content())
        assert hover_text.startswith(_squeeze("Point " + link_text))
        assert "<span style='color:red'>red</span>" in hover.text_content()
        assert main.locator("a").count() == 0
