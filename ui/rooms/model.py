"""What a room holds, and the policy every value must pass before it is stored or passed on.

A room holds the presenter's **view**: which page (``"em_1d"``, ``"em_2d"``, ``"compare"``)
and that page's deep-link query parameters, as the same strings its URL carries, e.g.
``{"dataset": "blobs", "n": "2000", "k": "3", "seed": "1", "step": "4"}``. Data settings,
model settings and the half-step all travel there, so a follower rebuilds the view with the
page's own link parser (``ui.links.parse_query``), which checks every value again.

The store adds a **version** (1 when the room is created, +1 whenever the view changes) and
**updated_at** (seconds since the epoch, from the store's clock).

``RoomPolicy`` is the allow-list: pages, parameter names, characters, value and total sizes.
Stores check every value against it on write **and** on read; extend it with
``DEFAULT_POLICY.extended(parameters={"probe"})`` (or edit ``ROOM_PARAMETERS``).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ui.rooms.errors import InvalidRoomState

ROOM_PAGES = ("em_1d", "em_2d", "compare")
# The deep-link parameters of the stepper pages (ui.links) and of k-means vs EM (sigma).
ROOM_PARAMETERS = (
    "dataset", "n", "centres", "spread", "stretch", "dseed", "cols", "std",
    "k", "cov", "init", "means", "seed", "reg", "tol", "iter", "step", "spec", "sigma",
)
# What the values of those parameters are made of: numbers ("1e-06", "-1.5"), names
# ("k-means++", "bill_length_mm"), lists ("x,y;x,y") and mixture specs ("0.5_0_0_1_1_0~...").
# No space, quote, bracket, <, >, &, %, # or backslash: a value can never be markup or a URL.
ROOM_VALUE_CHARACTERS = string.ascii_letters + string.digits + "-_.,;:+~"
MAX_VALUE_CHARS = 2000  # the same cap as ui.links.MAX_VALUE_CHARS
MAX_TOTAL_CHARS = 8000  # page + every name and value
# A stored payload longer than this is refused before it is parsed (JSON adds quotes, commas).
_MAX_PAYLOAD_CHARS = 2 * MAX_TOTAL_CHARS + 1000
_SAFE_NAME = re.compile(r"[a-z0-9_]{1,24}")


@dataclass(frozen=True)
class RoomView:
    """What the presenter shows: ``page`` (a page id) and ``query`` (its deep-link parameters).

    ``query`` is copied into a read-only mapping, sorted by name; compare it with a dict with
    ``==`` and pass ``dict(view.query)`` to ``st.query_params.from_dict``. The constructor
    checks only the types (InvalidRoomState); the content is checked by ``RoomPolicy.check``,
    which every store applies on write and on read.
    """

    page: str
    query: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.page, str):
            raise InvalidRoomState("A room's page must be a page name (text).")
        if not isinstance(self.query, Mapping):
            raise InvalidRoomState("A room's settings must be a mapping of parameter names to "
                                   "text values.")
        items = list(self.query.items())
        if not all(isinstance(name, str) and isinstance(value, str) for name, value in items):
            raise InvalidRoomState("A room's settings must map parameter names (text) to text "
                                   "values, as in a URL's query string.")
        object.__setattr__(self, "query", MappingProxyType(dict(sorted(items))))

    def to_json(self) -> str:
        """The compact, canonical JSON a store keeps (equal views give equal text)."""
        return json.dumps({"page": self.page, "query": dict(self.query)},
                          separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: object) -> RoomView:
        """The view in ``text`` (from a store): InvalidRoomState if it is not one."""
        if not isinstance(text, str) or len(text) > _MAX_PAYLOAD_CHARS:
            raise InvalidRoomState("the stored value is not text of a plausible size")
        try:
            data = json.loads(text)
        except ValueError:
            raise InvalidRoomState("the stored value is not valid JSON") from None
        if not isinstance(data, dict) or set(data) != {"page", "query"}:
            raise InvalidRoomState("the stored value does not have exactly a page and settings")
        return cls(page=data["page"], query=data["query"])


@dataclass(frozen=True)
class RoomState:
    """A room as a follower reads it: the presenter's view, its version and time.

    code: the canonical room code. version: 1 at creation, +1 at every change of the view
    (an update with an unchanged view keeps the version). updated_at: seconds since the epoch
    when the view last changed or the presenter last updated the room.
    """

    code: str
    view: RoomView
    version: int
    updated_at: float

    @property
    def page(self) -> str:
        return self.view.page

    @property
    def query(self) -> Mapping[str, str]:
        return self.view.query


@dataclass(frozen=True)
class RoomCreated:
    """What ``create_room`` returns: ``code, presenter_token = store.create_room(view)``.

    The token is left out of ``repr`` so that it does not end up in a log by accident.
    """

    code: str
    presenter_token: str = field(repr=False)

    def __iter__(self) -> Iterator[str]:
        return iter((self.code, self.presenter_token))


def _name_for_message(name: str) -> str:
    """A parameter name fit for a message: allow-listed characters only, else a description."""
    return repr(name) if _SAFE_NAME.fullmatch(name) else "with unusual characters"


@dataclass(frozen=True)
class RoomPolicy:
    """What a room may hold. Stores take one (``policy=``); all replicas must use the same.

    pages: the page ids a room can show. parameters: the allowed query parameter names.
    value_characters: the characters a value may contain (ASCII only). max_value_chars: the
    longest value. max_total_chars: the page plus all names and values together.
    """

    pages: frozenset[str] = frozenset(ROOM_PAGES)
    parameters: frozenset[str] = frozenset(ROOM_PARAMETERS)
    value_characters: frozenset[str] = frozenset(ROOM_VALUE_CHARACTERS)
    max_value_chars: int = MAX_VALUE_CHARS
    max_total_chars: int = MAX_TOTAL_CHARS

    def __post_init__(self) -> None:
        for name in (*self.pages, *self.parameters):
            if not _SAFE_NAME.fullmatch(name):
                raise ValueError(f"page and parameter names must match {_SAFE_NAME.pattern}")
        if not all(character.isascii() and character.isprintable()
                   for character in self.value_characters):
            raise ValueError("value_characters must be printable ASCII")

    def extended(self, *, pages: Iterable[str] = (), parameters: Iterable[str] = ()) -> RoomPolicy:
        """This policy with more pages and parameter names allowed."""
        return RoomPolicy(pages=self.pages | frozenset(pages),
                          parameters=self.parameters | frozenset(parameters),
                          value_characters=self.value_characters,
                          max_value_chars=self.max_value_chars,
                          max_total_chars=self.max_total_chars)

    def check(self, view: RoomView) -> RoomView:
        """``view`` itself if it passes, else InvalidRoomState with the first problem found.

        Messages name allow-listed things only and describe (never repeat) refused values.
        """
        if not isinstance(view, RoomView):
            raise InvalidRoomState("A room holds a RoomView (a page and its settings).")
        if view.page not in self.pages:
            raise InvalidRoomState(f"A room can only show one of the pages "
                                   f"{', '.join(sorted(self.pages))}.")
        total = len(view.page)
        for name, value in view.query.items():
            if name not in self.parameters:
                raise InvalidRoomState(
                    f"The setting {_name_for_message(name)} is not one a room may carry "
                    f"(allowed: {', '.join(sorted(self.parameters))})."
                )
            if len(value) > self.max_value_chars:
                raise InvalidRoomState(f"The value of {name} is {len(value):,} characters long; "
                                       f"a room accepts at most {self.max_value_chars:,}.")
            if not set(value) <= self.value_characters:
                raise InvalidRoomState(
                    f"The value of {name} contains characters a room does not accept (only "
                    f"ASCII letters, digits and {self._punctuation()})."
                )
            total += len(name) + len(value)
        if total > self.max_total_chars:
            raise InvalidRoomState(f"The room's settings are {total:,} characters long in all; "
                                   f"a room accepts at most {self.max_total_chars:,}.")
        return view

    def _punctuation(self) -> str:
        return " ".join(sorted(c for c in self.value_characters if not c.isalnum()))


DEFAULT_POLICY = RoomPolicy()
