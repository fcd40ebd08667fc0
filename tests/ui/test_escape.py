"""ui.kit.escape: the one place where outside text is made safe for Markdown, LaTeX, HTML and
Plotly. The browser test (tests/browser/test_escape_browser.py) renders the same corpus in
Chromium; these tests check the escaped strings themselves, the cleaning rules and, through
AppTest, what Streamlit is sent."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.ui.escape_corpus import CORPUS, LONG_TEXT
from ui.kit.escape import (
    DEFAULT_MAX_CHARS,
    WORD_JOINER,
    untrusted_html,
    untrusted_latex,
    untrusted_markdown,
    untrusted_plain,
    untrusted_plotly,
)

ASCII_PUNCTUATION = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
BIDI_AND_INVISIBLE = ("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
                      "\u061c\u200b\ufeff\u00ad")
LATEX_COMMANDS = {r"\textbackslash", r"\textdollar", r"\textasciicircum", r"\textasciitilde",
                  r"\{", r"\}", r"\&", r"\#", r"\%", r"\_"}


def markdown_text(markdown: str) -> str:
    """What CommonMark shows for Markdown made only of backslash escapes and plain text."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


def assert_clean(text: str) -> None:
    for char in text:
        assert char not in BIDI_AND_INVISIBLE, repr(char)
        assert char == "\n" or unicodedata.category(char) not in ("Cc", "Cs"), repr(char)


# --- cleaning ------------------------------------------------------------------------------------


def test_plain_removes_controls_bidi_and_invisible_characters():
    text = "a\u202eb\u2066c\u2069d\x00e\x1b[31mf\u200bg\ufeffh\U000e0041i\u200fj"
    assert untrusted_plain(text) == "abcde[31mfghij"


def test_plain_keeps_emoji_sequences_and_other_scripts():
    family = "👨\u200d👩\u200d👧"
    assert untrusted_plain(f"{family} 漢字 عربي é") == f"{family} 漢字 عربي é"


def test_plain_collapses_whitespace_and_newlines_on_one_line():
    assert untrusted_plain("  a \n\n b\r\n\tc\u2028d\u00a0 e  ") == "a b c d e"


def test_plain_keeps_line_breaks_when_asked():
    text = "a\r\nb\n\n\n\nc \n  d"
    assert untrusted_plain(text, single_line=False) == "a\nb\n\nc\nd"


def test_plain_replaces_lone_surrogates():
    assert untrusted_plain("x\ud800y") == "x\ufffdy"
    untrusted_plain("x\ud800y").encode("utf-8")


def test_long_texts_are_cut_with_an_ellipsis():
    shown = untrusted_plain(LONG_TEXT)
    assert len(shown) == DEFAULT_MAX_CHARS and shown.endswith("…")
    assert shown[:-1] == LONG_TEXT[:DEFAULT_MAX_CHARS - 1].rstrip()
    assert untrusted_plain("x" * 100) == "x" * 100
    assert untrusted_plain("x" * 101) == "x" * 99 + "…"
    assert untrusted_plain("abcdef", max_chars=3) == "ab…"


def test_a_novel_is_never_scanned_whole_and_still_marked_as_cut():
    novel = "\u200b" * 10_000_000 + "visible"
    assert untrusted_plain(novel) == "…"
    assert untrusted_plain("word " * 2_000_000).endswith("…")


def test_a_cut_keeps_combining_marks_with_their_letter():
    assert untrusted_plain("e\u0301" * 60, max_chars=10) == "e\u0301" * 4 + "…"


def test_non_strings_are_shown_as_their_str():
    assert untrusted_markdown(None) == ""
    assert untrusted_markdown(1.5) == r"1\.5"
    with pytest.raises(ValueError):
        untrusted_plain("x", max_chars=0)


# --- Markdown ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", CORPUS)
def test_markdown_escapes_every_punctuation_character(text):
    escaped = untrusted_markdown(text)
    assert_clean(escaped)
    # Every ASCII punctuation character is escaped: nothing can start a construct.
    unescaped = re.sub(r"\\[!-/:-@\[-`{-~]", "", escaped)
    assert not any(char in ASCII_PUNCTUATION for char in unescaped), escaped
    assert markdown_text(escaped) == untrusted_plain(text)


@pytest.mark.parametrize("text", CORPUS)
def test_markdown_breaks_what_streamlit_finds_in_plain_text(text):
    shown = untrusted_markdown(text).replace("\\", "")
    # Bare URLs, www. links, e-mail addresses, :material/...: icons, :emoji: shortcodes and
    # :red[...] directives all need a ":" or "@" or "www." right next to the next character.
    assert not re.search(r":[^\u2060]", shown)
    assert not re.search(r"[^\u2060]@", shown)
    assert not re.search(r"www\.", shown, re.IGNORECASE)
    # " -- ", " -> ", " >= " ... become symbols in Streamlit.
    assert not re.search(r"[<>~-][>=-]", shown)


def test_markdown_examples_from_the_issue():
    assert untrusted_markdown("[Re-login](https://evil.example/p)") == (
        r"\[Re\-login\]\(https\:" + WORD_JOINER + r"\/\/evil\.example\/p\)")
    assert untrusted_markdown("![](https://evil.example/pixel.png)").startswith(r"\!\[\]\(")
    assert untrusted_markdown("a *b* _c_") == r"a \*b\* \_c\_"


def test_markdown_multiline_uses_hard_breaks_and_paragraphs():
    assert untrusted_markdown("a\nb\n\nc", single_line=False) == "a  \nb\n\nc"
    assert untrusted_markdown("# a\n- b", single_line=False) == "\\# a  \n\\- b"


# --- LaTeX ---------------------------------------------------------------------------------------


def latex_commands(latex: str) -> set[str]:
    return set(re.findall(r"\\(?:[A-Za-z]+|.)", latex))


@pytest.mark.parametrize("text", CORPUS)
def test_latex_is_one_closed_text_group_with_only_escape_commands(text):
    latex = untrusted_latex(text)
    assert latex.startswith(r"\text{") and latex.endswith("}")
    assert "$" not in latex and "\n" not in latex
    assert latex_commands(latex[len(r"\text"):]) <= LATEX_COMMANDS, latex
    # Braces balance once the escaped ones are set aside, and the group closes only at the end.
    depth = 0
    body = re.sub(r"\\[{}]", "", latex[len(r"\text"):])
    for position, char in enumerate(body):
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
        if depth == 0:
            assert position == len(body) - 1, latex
    assert ":material/" not in latex


def test_latex_neutralises_commands():
    latex = untrusted_latex(r"\href{https://evil.example}{x} \def\a{b} \input{f} }{")
    assert latex == (r"\text{\textbackslash{}href\{https:" + WORD_JOINER + r"//evil.example\}"
                     r"\{x\} \textbackslash{}def\textbackslash{}a\{b\} \textbackslash{}input\{f\}"
                     r" \}\{}")


def test_latex_keeps_text_mode_ligatures_apart_and_normalises_accents():
    assert untrusted_latex("a--b") == r"\text{a{-}{-}b}"
    assert untrusted_latex("e\u0301 + \u0301") == r"\text{é + }"


# --- HTML and Plotly -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", CORPUS)
def test_html_shows_the_text(text):
    escaped = untrusted_html(text)
    assert_clean(escaped)
    assert not set("<>\"'") & set(escaped)
    assert html.unescape(escaped) == untrusted_plain(text)
    multiline = untrusted_html(text, single_line=False)
    assert html.unescape(multiline.replace("<br>", "\n")) == untrusted_plain(
        text, single_line=False)


@pytest.mark.parametrize("text", CORPUS)
def test_plotly_has_no_tags_and_no_template_fields(text):
    escaped = untrusted_plotly(text)
    assert_clean(escaped)
    assert "<" not in escaped and ">" not in escaped and "%{" not in escaped
    assert not escaped.startswith("$")
    assert html.unescape(escaped).replace(WORD_JOINER, "") == untrusted_plain(text)


def test_plotly_examples():
    assert untrusted_plotly("<a href='x'>y</a>") == "&lt;a href='x'&gt;y&lt;/a&gt;"
    assert untrusted_plotly("&lt;") == "&amp;lt;"
    assert untrusted_plotly("%{x}") == "%" + WORD_JOINER + "{x}"


# --- any text at all -----------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.integers(min_value=1, max_value=200), st.booleans())
def test_any_text_is_cleaned_shortened_and_escaped(text, max_chars, single_line):
    plain = untrusted_plain(text, max_chars=max_chars, single_line=single_line)
    assert len(plain) <= max_chars
    assert_clean(plain)
    if single_line:
        assert "\n" not in plain
    markdown = untrusted_markdown(text, max_chars=max_chars, single_line=single_line)
    assert markdown_text(markdown).replace("  \n", "\n") == plain
    latex = untrusted_latex(text, max_chars=max_chars)
    assert latex_commands(latex[len(r"\text"):]) <= LATEX_COMMANDS and "$" not in latex
    assert html.unescape(untrusted_html(text, max_chars=max_chars)) == untrusted_plain(
        text, max_chars=max_chars)
    assert "<" not in untrusted_plotly(text, max_chars=max_chars)


# --- what Streamlit is sent -----------------------------------------------------------------------


def test_streamlit_receives_the_escaped_markdown(tmp_path: Path):
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "escape_app.py"
    script.write_text(
        "import streamlit as st\n"
        "from tests.ui.escape_corpus import CORPUS\n"
        "from ui.kit.escape import untrusted_markdown\n"
        "for text in CORPUS:\n"
        "    st.markdown(untrusted_markdown(text))\n"
        "    st.warning('Bad value ' + untrusted_markdown(text) + '; using the default.')\n"
    )
    app = AppTest.from_file(str(script), default_timeout=30).run()
    assert not app.exception
    assert len(app.markdown) == len(CORPUS) and len(app.warning) == len(CORPUS)
    for text, markdown, warning in zip(CORPUS, app.markdown, app.warning, strict=True):
        assert markdown.value == untrusted_markdown(text)
        assert markdown_text(markdown.value) == untrusted_plain(text)
        body = warning.value.removeprefix("Bad value ").removesuffix("; using the default.")
        assert markdown_text(body) == untrusted_plain(text)
        # No bracket, parenthesis, "!" or "<" reaches Markdown unescaped.
        assert not re.search(r"(?<!\\)[\[\]()!<]", markdown.value), text
