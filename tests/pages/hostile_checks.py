"""Hostile inputs and what every page must do with them (issue #17), for the AppTest sweeps.

The inputs: markup (Markdown links, images and autolinks, HTML, LaTeX ``\\href``, Streamlit's
``:red[...]``), numbers as people paste them (Unicode minus, full-width and Arabic-Indic digits,
superscripts, circled digits, no-break and thin spaces, a bidi override), extreme magnitudes
(1e±300, the smallest denormal, the largest float and beyond) and 10,000-character texts; CSV
files built from them (hostile headers and file names, extreme and degenerate columns).

The check, :func:`foreign_markup`, walks every element AppTest sees (main area and sidebar,
labels and help texts included) and returns what a renderer would turn into markup the app
did not write. Every hostile text points at the host ``evil.example``; the escaping helper
(``ui.kit.escape``) backslash-escapes every ASCII punctuation character in Markdown, so an
unescaped ``evil.`` in a Markdown source is outside text that reached Markdown raw. Plotly
strings and HTML bodies must not hold a live ``<a>``/``<img>`` naming that host; no rendered
text may keep a bidi override, and none may echo a 10,000-character input in full.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator

from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from ui import pages as registry
from ui.compare.links import KNOWN_PARAMETERS as COMPARE_PARAMETERS
from ui.guided import resume
from ui.kit import view_settings as vs
from ui.mixture_model.links import PAGE_PARAMETERS as MODEL_PARAMETERS
from ui.rooms.codes import ROOM_QUERY_PARAMETER
from ui.selection.links import grid_query
from ui.selection.settings import GridChoice

HOST = "evil.example"

MARKUP = (
    f"[Re-login](https://{HOST}/p)",
    f"![](https://{HOST}/pixel.png)",
    f"<https://{HOST}/autolink>",
    f"https://{HOST}/bare",
    f"www.{HOST}",
    f"<a href='https://{HOST}/a'>click</a>",
    f"<img src=https://{HOST}/i.png onerror=alert(1)>",
    rf"$\href{{https://{HOST}/h}}{{x}}$",
    rf"\url{{https://{HOST}/u}}",
    ":red[alarm] :material/warning: **bold**",
    f"\u202e{HOST}/reversed",
)
# Numbers as they arrive from PDFs, other keyboards and other scripts.
UNICODE_NUMBERS = (
    "\u22121.5",              # − (U+2212), pasted from a PDF
    "\uff11\uff12",           # １２ full-width
    "\u00b2",                 # ² (AltGr+2 on a German keyboard)
    "\u2463",                 # ④
    "\u0663",                 # ٣ Arabic-Indic three
    "1\u00a0000",             # no-break space as a thousands separator
    "1\u2009000,5",           # thin space and a decimal comma
    "\u202e1.5",              # bidi override before a number
    "1, \u00b2",              # a list with a superscript
    "\u22122, \uff11; \u0663, 0",
    "0,73",
    "\u2013\u2009\u00bd",     # en dash, thin space, one half
)
MAGNITUDES = ("1e300", "-1e300", "1e-300", "5e-324", "1e308", "-1.7976931348623157e308",
              "2e308", "1e-400", "nan", "inf", "-0")
LONG = ("x" * 10_000, "9" * 10_000)
TEXTS = MARKUP + UNICODE_NUMBERS + MAGNITUDES + LONG

# Number boxes without bounds get these (bounded ones get their ends).
EXTREME_FLOATS = (1e300, -1e300, 1e-300, 5e-324, 1.7976931348623157e308, -1.7976931348623157e308,
                  1e160, -0.0)

def link_parameters(page: registry.Page) -> tuple[str, ...]:
    """The query parameters ``page`` reads (pages without links read none)."""
    stepper = (*vs.QUERY_PARAMETERS, ROOM_QUERY_PARAMETER)
    return {
        registry.EM_1D: stepper,
        registry.EM_2D: stepper,
        registry.COMPARE: COMPARE_PARAMETERS,
        registry.MODEL_SELECTION: (*vs.QUERY_PARAMETERS,
                                   *grid_query(GridChoice(types=("full",)))),
        registry.MIXTURE_MODEL: MODEL_PARAMETERS,
        registry.GUIDED_LESSONS: resume.PARAMETERS,
    }.get(page, ())


# --- CSV files ------------------------------------------------------------------------------

HOSTILE_FILE_NAMES = (
    f"![](https://{HOST}/pixel.png).csv",
    f"<a href='https://{HOST}'>x</a>.csv",
    f"[Re-login](https://{HOST}/p) \u202egpj.csv",
    "x" * 10_000 + ".csv",
)


def _column(values) -> list[str]:
    return [repr(float(v)) if not isinstance(v, str) else v for v in values]


def csv_bytes(header: list[str], columns: list[list[str]]) -> bytes:
    """A CSV file: ``header`` (quoted as needed) and the columns' cells."""
    def quoted(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\n') else cell
    rows = [",".join(quoted(name) for name in header)]
    rows += [",".join(quoted(cell) for cell in cells) for cells in zip(*columns, strict=True)]
    return ("\n".join(rows) + "\n").encode()


def _spread(n: int, scale: float = 1.0, shift: float = 0.0, turn: int = 0) -> list[float]:
    """n values in three loose groups (deterministic); another ``turn``, another pattern."""
    return [shift + scale * ((i % 3) * 4.0 + (i * (7 + 6 * turn) % 11) / 11.0)
            for i in range(n)]


def hostile_csvs(n_features: int) -> list[tuple[str, str, bytes]]:
    """(what, file name, content) for a page that wants ``n_features`` columns: hostile headers
    and file names, extreme magnitudes, Unicode numbers and degenerate data."""
    d = n_features

    def table(*columns: list, header: list[str] | None = None) -> bytes:
        columns = list(columns)[:d] if len(columns) >= d else [*columns] * d
        header = (header or [f"x{j + 1}" for j in range(d)])[:d]
        if len(header) < d:
            header = [*header, *(f"x{j + 1}" for j in range(len(header), d))]
        return csv_bytes(header, [_column(column) for column in columns])

    normal_a, normal_b = _spread(40), _spread(40, 0.5, -3.0, turn=1)
    outlier = [0.0, 0.1, 0.2, 0.1, 0.0, 0.2, 0.1, 0.15, 0.05, 0.12, 50.0]
    names = HOSTILE_FILE_NAMES
    return [
        ("markdown and html headers", names[0],
         table(normal_a, normal_b, header=[MARKUP[0], MARKUP[6]])),
        ("latex, directive and bidi headers", names[1],
         table(normal_a, normal_b, header=[MARKUP[7], MARKUP[9] + MARKUP[10]])),
        ("10,000-character header", names[3], table(normal_a, normal_b, header=[LONG[0]])),
        ("values near 1e300", names[2],
         table([v * 1e299 for v in normal_a], [-v * 1e299 for v in normal_b])),
        ("denormal values", "denormal.csv", table([v * 5e-324 for v in range(40)], normal_b)),
        ("the largest floats", "huge.csv",
         table([1.7976931348623157e308, -1.7976931348623157e308] * 20, normal_b)),
        ("values at 1e-300", "tiny.csv",
         table([v * 1e-300 for v in normal_a], [v * 1e-300 for v in normal_b])),
        ("Unicode minus signs and digits", "unicode.csv",
         table(["\u22121.5", "\uff12", "\u0663", "1\u00a0000", "\u00b2", "\u2463", "2,5",
                "\u22120.5"] * 5, normal_b[:40])),
        ("identical points", "identical.csv", table([1.5] * 40, [-2.0] * 40)),
        ("a constant column", "constant.csv", table(normal_a, [7.0] * 40)
         if d == 2 else table([7.0] * 40)),
        ("two rows", "two_rows.csv", table([0.0, 1.0], [1.0, 0.0])),
        ("an outlier (11 rows)", "outlier.csv", table(outlier, outlier[::-1])),
        ("no numbers at all", names[0], csv_bytes([MARKUP[1]] * d, [[MARKUP[0]] * 5] * d)),
    ]


# --- the check --------------------------------------------------------------------------------

_RAW_HOST = re.compile(r"evil\.", re.IGNORECASE)  # escaped Markdown reads "evil\."
_MATH = re.compile(r"(?<!\\)\$\$?.*?(?<!\\)\$\$?", re.DOTALL)
_LIVE_TAG = re.compile(r"<\s*(a|img|image|iframe|script|link|object|embed)\b[^>]*evil",
                       re.IGNORECASE | re.DOTALL)
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Every message caps what it quotes (at most 1,000 characters): a longer run is an echo in full.
_LONG_RUN = re.compile(r"(.)\1{999}", re.DOTALL)
# Fields that hold what the user typed or chose (shown as plain text), ids and URLs of media.
_PLAIN_FIELDS = {"value", "default", "rawValue", "rawValues", "id", "formId", "url",
                 "placeholder", "options", "defaultValue", "fileUploaderId"}
# Elements that show their text as it is (no Markdown).
_PLAIN_ELEMENTS = {"code", "text", "json", "arrow_data_frame", "arrow_table", "exception",
                   "dataframe", "table",
                   "download_button", "file_uploader", "selectbox", "multiselect",
                   "select_slider", "text_input", "text_area", "number_input"}
_LABEL_FIELDS = {"label", "help", "caption", "captions"}


def _strings(value, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _strings(item, name)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)


def _context(text: str, match: re.Match) -> str:
    return text[max(match.start() - 60, 0):match.end() + 60]


def _markdown_problems(where: str, text: str) -> list[str]:
    found = []
    without_math = _MATH.sub("", text)
    for pattern, what in ((_RAW_HOST, "unescaped outside text in Markdown"),
                          (_BIDI, "a bidi control character"),
                          (_LONG_RUN, "a 10,000-character input echoed in full")):
        match = pattern.search(without_math if pattern is _RAW_HOST else text)
        if match:
            found.append(f"{where}: {what}: {_context(text, match)!r}")
    math = "".join(_MATH.findall(text))
    if re.search(r"\\(?:href|url|includegraphics)\s*\{\s*https?://evil", math):
        found.append(f"{where}: a live LaTeX link in math: {math[:200]!r}")
    return found


def _markup_problems(where: str, text: str) -> list[str]:
    """For Plotly strings, HTML bodies and SVG: no live tag naming the host, no bidi, no
    full echo of a long input."""
    found = []
    for pattern, what in ((_LIVE_TAG, "a live tag naming evil.example"),
                          (_BIDI, "a bidi control character"),
                          (_LONG_RUN, "a 10,000-character input echoed in full")):
        match = pattern.search(text)
        if match:
            found.append(f"{where}: {what}: {_context(text, match)!r}")
    return found


def _svg_images(proto) -> Iterator[str]:
    prefix = "data:image/svg+xml;base64,"
    for image in getattr(proto, "imgs", []):
        if image.url.startswith(prefix):
            yield base64.b64decode(image.url[len(prefix):]).decode(errors="replace")
        elif HOST in image.url:
            yield f"<img src='{image.url}'>"


def foreign_markup(app: AppTest) -> list[str]:
    """Every place where outside text would render as markup the app did not write (see the
    module docstring); empty when the page is clean."""
    found: list[str] = []
    for node in app._tree:
        kind, proto = getattr(node, "type", ""), getattr(node, "proto", None)
        if proto is None or kind in ("exception",):
            continue
        if kind == "plotly_chart":
            spec = json.loads(proto.spec or "{}")
            for path, text in _strings(spec):
                if path != "bdata":  # numbers, base64-encoded
                    found += _markup_problems(f"plotly {path}", text)
            continue
        if kind == "html":
            found += _markup_problems("st.html", proto.body)
            continue
        if kind in ("image", "imgs"):
            for svg in _svg_images(proto):
                found += _markup_problems("image", svg)
            continue
        try:
            fields = MessageToDict(proto, preserving_proto_field_name=False)
        except (TypeError, AttributeError):
            continue
        plain_element = kind in _PLAIN_ELEMENTS
        for path, text in _strings(fields):
            if path in _PLAIN_FIELDS:
                if _BIDI.search(text) and path == "options":
                    found.append(f"{kind} option: a bidi control character: {text[:80]!r}")
                continue
            if plain_element and path not in _LABEL_FIELDS:
                continue
            found += _markdown_problems(f"{kind} {path}", text)
    return found


def exceptions(app: AppTest) -> list[str]:
    return [f"{element.value}\n{''.join(element.stack_trace)}" for element in app.exception]


def messages(app: AppTest) -> str:
    """Every error, warning, info and success text (main area and sidebar), one per line."""
    return "\n".join(str(element.value)
                     for element in (*app.error, *app.warning, *app.info, *app.success))
