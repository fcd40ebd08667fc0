"""Typed per-page session state: the only module that touches Streamlit's session state.

Each page declares its state once, as a subclass of :class:`PageState` whose class attributes
are :class:`Field` s (one value) or :class:`Family` s (one value per sub-key, e.g. per data set
or per component). Every entry's key is ``"<prefix>.<name>"`` (or ``"<prefix>.<name>.<sub>"``
in a family), so two pages never collide, and every read is cast to the field's type::

    class CounterState(PageState):
        clicks = Field(int, 0)
        labels = Family(str, "")

    state = CounterState("counter")
    state.clicks += 1                          # typed read, write
    st.number_input("Clicks", key=state.key("clicks"))   # a widget bound to the field
    state.labels["a"] = "first"                # a family member: key "counter.labels.a"

Widgets bound with ``key=state.key(name)`` keep their value under the same key, so the field
reads what the widget shows and a write before the widget is drawn sets what it will show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Generic, TypeVar

import streamlit as st

T = TypeVar("T")
_MISSING = object()


def _stored(key: str, default: object = _MISSING) -> object:
    return st.session_state.get(key, default)


def _store(key: str, value: object) -> None:
    st.session_state[key] = value


def _forget(key: str) -> object:
    return st.session_state.pop(key, _MISSING)


def _cast(kind: Callable[[Any], T], value: object) -> T:
    """``kind(value)``; ``object`` (no cast) keeps the stored value as it is."""
    return value if kind is object else kind(value)  # type: ignore[return-value]


class Field(Generic[T]):
    """One typed entry of a page's state.

    kind: the cast applied on every read (``int``, ``float``, ``bool``, ``str``, ``tuple`` ...;
    ``object`` stores any value unchanged); default: the value read while nothing is stored
    (a callable is called each time, for mutable defaults).
    """

    def __init__(self, kind: Callable[[Any], T], default: T | Callable[[], T] | None = None):
        self.kind = kind
        self._default = default
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def default(self) -> T:
        return self._default() if callable(self._default) else self._default  # type: ignore

    def __get__(self, state: PageState | None, owner: type) -> Any:
        if state is None:
            return self
        value = _stored(state.key(self.name))
        return self.default() if value is _MISSING else _cast(self.kind, value)

    def __set__(self, state: PageState, value: T) -> None:
        _store(state.key(self.name), value)


class FamilyView(Generic[T]):
    """The members of one :class:`Family` on one page: ``view[sub]`` reads, writes, ``in``."""

    def __init__(self, state: PageState, family: Family[T]):
        self._state = state
        self._family = family

    def key(self, sub: object) -> str:
        return f"{self._state.key(self._family.name)}.{sub}"

    def __getitem__(self, sub: object) -> T:
        value = _stored(self.key(sub))
        return self._family.default() if value is _MISSING else _cast(self._family.kind, value)

    def __setitem__(self, sub: object, value: T) -> None:
        _store(self.key(sub), value)

    def __contains__(self, sub: object) -> bool:
        return _stored(self.key(sub)) is not _MISSING

    def setdefault(self, sub: object, value: T) -> T:
        if sub not in self:
            self[sub] = value
        return self[sub]


class Family(Field[T]):
    """A typed entry per sub-key (a data set's chosen columns, a component's sliders...)."""

    def __get__(self, state: PageState | None, owner: type) -> Any:
        if state is None:
            return self
        return FamilyView(state, self)

    def __set__(self, state: PageState, value: T) -> None:
        raise AttributeError(f"{self.name} is a family: set one member, e.g. state.{self.name}[k]")


class PageState:
    """The declared state of one page (or of the whole session, with prefix "").

    Subclasses declare :class:`Field` and :class:`Family` class attributes; an instance binds
    them to a key prefix. Names that are not declared are refused, so a typo fails loudly.
    """

    _fields: ClassVar[dict[str, Field]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        fields: dict[str, Field] = {}
        for klass in reversed(cls.__mro__):
            fields.update({name: value for name, value in vars(klass).items()
                           if isinstance(value, Field)})
        cls._fields = fields

    def __init__(self, prefix: str):
        self.prefix = prefix

    def key(self, name: str) -> str:
        """The session key of field ``name`` (what a widget bound to it passes as ``key``)."""
        if name.split(".", 1)[0] not in self._fields:
            raise KeyError(f"{type(self).__name__} has no field {name!r}")
        return f"{self.prefix}.{name}" if self.prefix else name

    def is_set(self, name: str) -> bool:
        return _stored(self.key(name)) is not _MISSING

    def unset(self, name: str) -> None:
        _forget(self.key(name))

    def take(self, name: str, default: T) -> T:
        """Read field ``name`` and forget it (a one-shot request between two script runs)."""
        value = _forget(self.key(name))
        return default if value is _MISSING else _cast(self._fields[name].kind, value)

    def set_default(self, name: str, value: object) -> None:
        """Store ``value`` unless something is stored already (a widget's first value)."""
        if not self.is_set(name):
            _store(self.key(name), value)

    def names(self) -> Iterator[str]:
        return iter(self._fields)


class SessionState(PageState):
    """What every page of a session shares."""

    # Presentation mode: big fonts, markers and figures for a projector.
    presentation = Field(bool, False)


SESSION = SessionState("")
