"""Helpers for the AppTest tests of rooms on the EM steppers (tests/pages/test_rooms*.py).

A room needs two sessions: the lecturer's AppTest presses ``Start presenting``, the follower's
AppTest opens the join link (``?room=<code>``). ``run_every`` fragments do not tick in AppTest,
so a follower's poll happens when the test runs it again (``follower.run()``).

The store comes from ``EM_ROOM_STORE`` like on a server: the ``room_backend`` fixture sets it
to a SQLite file in ``tmp_path`` or to a redis-server started for the test session, and makes
the app build its store again (``ui.rooms.panel.forget_room_store``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from devtools.redis_server import RedisServerMissing, running_redis_server
from tests.pages.stepper_helpers import PAGE_1D, PAGE_2D, assert_clean, open_page, visible
from tests.rooms.conftest import Backend
from ui.rooms import panel
from ui.rooms.redis_store import DEFAULT_KEY_PREFIX

__all__ = ["PAGE_1D", "PAGE_2D", "DEMO", "RoomBackend", "room_backend_fixture",
           "redis_server_fixture", "half_step", "status_line", "start_presenting",
           "open_page", "join", "messages", "all_text", "assert_clean", "press", "query"]

DEMO = {"dataset": "blobs", "n": "300", "k": "3", "seed": "4"}
STATUS = re.compile(r"^\*\*Half-step (\d+): ")


@dataclass
class RoomBackend:
    """The store the app under test uses: ``url`` (EM_ROOM_STORE) and raw access to it."""

    url: str
    raw: Backend


def redis_server_fixture() -> Iterator:
    try:
        with running_redis_server() as server:
            yield server
    except RedisServerMissing as missing:
        pytest.fail(str(missing))


def room_backend_fixture(request, tmp_path, monkeypatch) -> Iterator[RoomBackend]:
    if request.param == "sqlite":
        path = tmp_path / "rooms.db"
        chosen = RoomBackend(f"sqlite://{path}", Backend("sqlite", sqlite_path=path))
    else:
        server = request.getfixturevalue("redis_server")
        chosen = RoomBackend(server.url, Backend("redis", redis_server=server,
                                                 key_prefix=DEFAULT_KEY_PREFIX))
    monkeypatch.setenv("EM_ROOM_STORE", chosen.url)
    monkeypatch.delenv("EM_ROOM_TTL_HOURS", raising=False)
    panel.forget_room_store()
    yield chosen
    panel.forget_room_store()


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


def join(code_text: str, script: str = PAGE_2D, **query: str) -> AppTest:
    """A follower's session opening a join link (``?room=<code_text>`` and ``query``)."""
    return open_page(script, {"room": code_text, **query})

