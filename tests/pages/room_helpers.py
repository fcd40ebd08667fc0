"""Helpers for the AppTest tests of rooms on the EM steppers (tests/pages/test_rooms*.py).

A room needs two sessions: the lecturer's AppTest presses ``Start presenting``, the follower's
AppTest opens the join link (``?room=<code>``). ``run_every`` fragments do not tick in AppTest,
so a follower's poll happens when the test runs it again (``follower.run()``).

The store comes from ``EM_ROOM_STORE`` like on a server: the ``room_backend`` fixture
(tests/pages/conftest.py) sets it to a SQLite file in ``tmp_path`` or to a redis-server started
for the test module, and makes the app build its store again
(``ui.rooms.panel.forget_room_store``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from streamlit.testing.v1 import AppTest

from tests.pages.stepper_helpers import PAGE_1D, PAGE_2D, assert_clean, click, open_page, visible
from tests.rooms.conftest import Backend

__all__ = ["PAGE_1D", "PAGE_2D", "DEMO", "RoomBackend",
           "presenting_lecturer", "lecturer_steps", "half_step", "status_line", "start_presenting",
           "open_page", "join", "messages", "all_text", "assert_clean", "press", "query"]

DEMO = {"dataset": "blobs", "n": "300", "k": "3", "seed": "4"}
STATUS = re.compile(r"^\*\*Half-step (\d+): ")


@dataclass
class RoomBackend:
    """The store the app under test uses: ``url`` (EM_ROOM_STORE) and raw access to it."""

    url: str
    raw: Backend


def status_line(app: AppTest) -> str:
    lines = [element.value for element in app.markdown if STATUS.match(element.value)]
    assert len(lines) == 1, lines
    return lines[0]


def half_step(app: AppTest) -> int:
    return int(STATUS.match(status_line(app)).group(1))


def messages(app: AppTest) -> str:
    """Every alert's visible text (info, success, warning, error), one per line."""
    return "\n".join(visible(str(element.value))
                     for kind in ("error", "warning", "info", "success")
                     for element in getattr(app, kind))


def all_text(app: AppTest) -> str:
    """Everything a page shows as text: Markdown, alerts, captions, code, HTML."""
    parts = [str(element.value) for element in app.markdown]
    parts += [str(element.value) for element in app.caption]
    parts += [str(element.value) for element in app.code]
    parts += [element.proto.body for element in app.get("html")]
    return "\n".join(parts) + "\n" + messages(app)


def query(app: AppTest) -> dict[str, str]:
    """The page's address-bar query as name -> (last) value."""
    from ui.kit.links import last_value

    return {name: last_value(value) for name, value in app.query_params.items()}


def press(app: AppTest, key: str) -> AppTest:
    app.button(key=key).click().run()
    assert_clean(app)
    return app


def start_presenting(app: AppTest, prefix: str = "em2d") -> str:
    """Press Start presenting; returns the room's code (checked against the page's text)."""
    press(app, f"{prefix}.start_presenting")
    code = app.session_state[f"{prefix}.presenting"]
    assert re.fullmatch(r"[A-Z2-9]{10}", code), messages(app)
    return code


def presenting_lecturer() -> tuple[AppTest, str]:
    """The lecturer's 2-D page on DEMO after Start presenting, and the room's code."""
    lecturer = open_page(PAGE_2D, DEMO)
    return lecturer, start_presenting(lecturer)


def lecturer_steps(lecturer: AppTest, follower: AppTest, button: str) -> None:
    """The lecturer clicks ``button`` (e.g. "E-step") on the 2-D page; the follower then polls."""
    click(lecturer, PAGE_2D, button)
    follower.run()


def join(code_text: str, script: str = PAGE_2D, **query: str) -> AppTest:
    """A follower's session opening a join link (``?room=<code_text>`` and ``query``)."""
    return open_page(script, {"room": code_text, **query})

