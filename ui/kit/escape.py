"""THE one place where text from outside the app is made safe to show.

Every piece of text the app did not write itself (URL values, CSV column names and cells, typed
formulas and names, uploaded file names, a user's number as typed) goes through one of these
functions before it reaches a renderer. Pick the function by where the text goes:

====================================  ============================================================
where the text goes                   function
====================================  ============================================================
``st.markdown``, ``st.warning``,      :func:`untrusted_markdown`
``st.error``, ``st.info``,
``st.success``, ``st.caption``,
``st.toast``, ``help=`` texts, every
widget label, tab and expander labels
``st.latex`` or ``$...$`` in Markdown :func:`untrusted_latex` (returns a whole ``\\text{...}``)
``st.html``, ``unsafe_allow_html``    :func:`untrusted_html`
Plotly titles, axis titles, legend    :func:`untrusted_plotly`
names, annotations, hover texts and
hovertemplates
``st.text``, ``st.code``, dataframe   :func:`untrusted_plain` (no markup there: only cleaned and
cells, selectbox options, file names  shortened)
====================================  ============================================================

All of them first *clean* the text the same way (:func:`untrusted_plain`):

- control characters (C0, C1), Unicode bidi embeddings/overrides/isolates and marks (the
  "Trojan Source" characters), zero-width and other invisible format characters, and Unicode
  tag characters are removed; the zero-width joiner stays (emoji sequences need it); lone
  surrogates (which cannot be sent to the browser) become U+FFFD;
- in a single line (the default) every run of whitespace, newlines included, becomes one space;
  otherwise line breaks are kept (at most one blank line in a row) and other whitespace runs
  become one space;
- text longer than ``max_chars`` characters (default :data:`DEFAULT_MAX_CHARS` = 100) is cut
  to ``max_chars - 1`` characters followed by "…", so a pasted novel shows as one short line.

Then each target escapes what its renderer would otherwise read as markup. In Markdown every
ASCII punctuation character is backslash-escaped (links, images, autolinks, HTML, emphasis,
headings, lists, tables, code, ``$`` math, ``:red[...]`` directives), and a word joiner
(U+2060, invisible) is put after every ``:``, before every ``@`` and between ``www`` and ``.``:
Streamlit's Markdown turns bare ``https://...``, ``www....`` and e-mail addresses into links
after escapes are resolved, and expands ``:material/...:`` icons and ``:emoji:`` shortcodes,
so only a character that really sits in the text breaks those. The visible text is the cleaned
text (the word joiners are invisible); ``tests/browser/test_escape_browser.py`` checks this in
Chromium for every target.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = [
    "DEFAULT_MAX_CHARS",
    "WORD_JOINER",
    "untrusted_html",
    "untrusted_latex",
    "untrusted_markdown",
    "untrusted_plain",
    "untrusted_plotly",
]

DEFAULT_MAX_CHARS = 100
ELLIPSIS = "…"
# Invisible and unbreakable: inserted where a renderer would otherwise find a link, an icon
# or an emoji shortcode in the text (see the module docstring).
WORD_JOINER = "\u2060"

# Characters that reorder or hide text: bidi embeddings, overrides, isolates and marks.
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                           "\u2066\u2067\u2068\u2069")
_KEPT_FORMAT_CHARACTERS = frozenset("\u200d")  # zero-width joiner: emoji sequences
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# How much of an input is looked at before cleaning: cleaning only removes or merges
# characters, so a prefix this long is enough unless it is mostly invisible characters; a
# pasted novel is never scanned whole.
_SCAN_FACTOR = 8
_SCAN_MINIMUM = 4096


def _is_dropped(char: str) -> bool:
    """Whether a (non-whitespace) character is removed by cleaning."""
    if char in _BIDI_CONTROLS:
        return True
    category = unicodedata.category(char)
    if category == "Cc":
        return True
    return category == "Cf" and char not in _KEPT_FORMAT_CHARACTERS


_SPACES = re.compile(" {2,}")


def _shorten(text: str, max_chars: int, cut: bool) -> str:
    """At most ``max_chars`` characters, the last one "…" when anything was cut.

    A cut never separates a character from the combining marks, variation selectors or
    zero-width joiner that follow it.
    """
    if len(text) <= max_chars and not cut:
        return text
    end = max(max_chars - 1, 0)
    while 0 < end < len(text) and (unicodedata.combining(text[end])
                                  or text[end] == "\u200d"
                                  or "\ufe00" <= text[end] <= "\ufe0f"):
        end -= 1
    return text[:end].rstrip() + ELLIPSIS


def untrusted_plain(text: object, *, max_chars: int = DEFAULT_MAX_CHARS,
                    single_line: bool = True) -> str:
    """Outside text, cleaned and shortened, with no markup escaping (see the module docstring).

    For places that show text as it is: ``st.text``, ``st.code``, dataframe cells and column
    names, selectbox options, download file names, and as the *expected visible text* of the
    other functions. ``text``: anything (``str()`` is applied; None gives ""). ``max_chars``:
    at least 1. Returns a str without control or bidi characters, at most ``max_chars``
    characters long.
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, not {max_chars}")
    text = "" if text is None else str(text)
    scan = max(max_chars * _SCAN_FACTOR, _SCAN_MINIMUM)
    cut = len(text) > scan
    text = text[:scan].replace("\r\n", "\n")
    if text.isprintable():
        # No control, format, surrogate, separator or line-break character anywhere (only the
        # ASCII space): cleaning merges and trims spaces, as the loop below would, in C.
        return _shorten(_SPACES.sub(" ", text).strip(" "), max_chars, cut)
    pieces: list[str] = []
    pending_space = False
    pending_breaks = 0
    for char in text:
        if char in _LINE_BREAKS and not single_line:
            pending_breaks += 1
            pending_space = False
            continue
        if char.isspace() or char in _LINE_BREAKS:
            pending_space = True
            continue
        if _is_dropped(char):
            continue
        if "\ud800" <= char <= "\udfff":
            char = "\ufffd"  # a lone surrogate cannot be encoded for the browser
        if pieces:
            if pending_breaks:
                pieces.append("\n\n" if pending_breaks > 1 else "\n")
            elif pending_space:
                pieces.append(" ")
        pending_space = False
        pending_breaks = 0
        pieces.append(char)
    return _shorten("".join(pieces), max_chars, cut)


# --- Markdown ------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_WWW = re.compile(r"(www)(?=\.)", re.IGNORECASE)
# Streamlit turns " -- ", " -> ", " <- ", " <-> ", " >= ", " <= " and " ~= " into single
# symbols (—, →, ←, ↔, ≥, ≤, ≈) after escapes are resolved: a word joiner inside each pair.
_SYMBOL_PAIR = re.compile(r"(?<=[<>~-])(?=[>=-])")


def untrusted_markdown(text: object, *, max_chars: int = DEFAULT_MAX_CHARS,
                       single_line: bool = True) -> str:
    """Outside text as Markdown that renders as exactly that text, for every Streamlit
    element that reads Markdown (see the module docstring's table).

    Embed the result in the app's own Markdown: ``st.warning(f"Column {untrusted_markdown(name)}
    is empty.")``. With ``single_line=False`` line breaks are kept (as Markdown hard breaks).
    The result can be several times longer than ``max_chars`` (escapes), but shows at most
    ``max_chars`` characters.
    """
    cleaned = untrusted_plain(text, max_chars=max_chars, single_line=single_line)
    # Word joiners first: the backslashes would hide "www." from the pattern.
    joined = cleaned.replace(":", ":" + WORD_JOINER).replace("@", WORD_JOINER + "@")
    joined = _WWW.sub(r"\1" + WORD_JOINER, joined)
    joined = _SYMBOL_PAIR.sub(WORD_JOINER, joined)
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", joined)
    if not single_line:
        # A hard line break ("two spaces, newline") per line; a blank line stays a paragraph.
        escaped = re.sub(r"(?<!\n)\n(?!\n)", "  \n", escaped)
    return escaped


# --- LaTeX ---------------------------------------------------------------------------------------

# KaTeX text mode: what each special character must become to be shown as itself. No "$" is
# ever emitted: inside Markdown's $...$ (and st.latex's $$...$$) a "$" would end the math.
_LATEX_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\textdollar{}",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    # Text-mode ligatures (-- –, --- —, `` “, '' ”) would change the text: one group each.
    "-": "{-}",
    "`": "{`}",
    "'": "{'}",
    # Streamlit rewrites ":material/" in the whole Markdown source, math included.
    ":": ":" + WORD_JOINER,
}


def untrusted_latex(text: object, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Outside text as a complete KaTeX group ``\\text{...}`` that shows exactly that text.

    Use it anywhere in ``st.latex`` or inside ``$...$`` in Markdown, e.g.
    ``st.latex(rf"\\frac{{\\partial f}}{{\\partial {untrusted_latex(name)}}}")``. Backslashes
    and braces are escaped, so ``\\href``, ``\\url``, ``\\def``, ``\\newcommand``, ``\\input``
    or an unbalanced brace cannot reach KaTeX; no ``$`` is emitted. Always one line.

    KaTeX has no straight quotes in text mode: an apostrophe shows as ’ and a backtick as ‘.
    It cannot place a combining mark on nothing, so the text is NFC-normalised (e + U+0301
    becomes é) and combining marks still left over are dropped.
    """
    cleaned = untrusted_plain(text, max_chars=max_chars, single_line=True)
    cleaned = "".join(char for char in unicodedata.normalize("NFC", cleaned)
                      if not unicodedata.combining(char))
    body = "".join(_LATEX_TEXT_ESCAPES.get(char, char) for char in cleaned)
    return r"\text{" + body + "}"


# --- HTML ----------------------------------------------------------------------------------------


def untrusted_html(text: object, *, max_chars: int = DEFAULT_MAX_CHARS,
                   single_line: bool = True) -> str:
    """Outside text as HTML text content (or a quoted attribute value) showing exactly that
    text: ``& < > " '`` become entities; with ``single_line=False`` line breaks become
    ``<br>``. For ``st.html`` and Markdown with ``unsafe_allow_html=True``."""
    cleaned = untrusted_plain(text, max_chars=max_chars, single_line=single_line)
    escaped = html.escape(cleaned, quote=True)
    return escaped.replace("\n", "<br>") if not single_line else escaped


# --- Plotly --------------------------------------------------------------------------------------


def untrusted_plotly(text: object, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Outside text for a Plotly string that Plotly renders as its HTML subset (titles, axis
    titles, legend and trace names, annotations, tick texts, hover texts, hovertemplates).

    ``& < >`` become entities (Plotly decodes them and shows the characters, so ``<a href>``,
    ``<b>``, ``<br>``, ``<span style>`` and ``<extra>`` are shown as text), a word joiner
    goes between ``%`` and ``{`` (no ``%{x}`` substitution in a hovertemplate) and before a
    leading ``$`` (Plotly typesets ``$...$`` strings with MathJax when present). One line:
    Plotly breaks lines only at ``<br>``.
    """
    cleaned = untrusted_plain(text, max_chars=max_chars, single_line=True)
    escaped = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    escaped = escaped.replace("%{", "%" + WORD_JOINER + "{")
    if escaped.startswith("$"):
        escaped = WORD_JOINER + escaped
    return escaped
