"""Room codes (public: they go in the join link) and presenter tokens (secret: never in a URL).

A **room code** is read off a projector and typed by students, so it uses 32 symbols that
cannot be mistaken for one another: the capital letters without I and O, and the digits 2-9
(no 0/O, no 1/I/l). Ten symbols drawn with ``secrets`` give 10 × log2(32) = **50 bits**:
about 1.1e15 codes. Someone guessing codes at 1,000 requests per second while 100 rooms are
open needs on average 1.1e15 / 100 / 1000 s ≈ 350 years to find one, and finding one only lets
them watch a lecture: a code carries no power. It is shown in two groups, ``ABCDE-FGHJK``;
``parse_room_code`` accepts that form, lower case and spaces.

A **presenter token** is ``secrets.token_urlsafe(32)``: 256 bits. The lecturer's session keeps
it (in its session state, never in a URL); the store keeps only its SHA-256 digest, and
compares digests in constant time. A plain hash (no salt, no key) is enough because the token
itself is 256 random bits: there is nothing to guess from the digest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from ui.rooms.errors import InvalidRoomCode

ROOM_QUERY_PARAMETER = "room"  # the join link: <page URL>?room=<code> (UI vocabulary)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
CODE_GROUP = 5  # shown as ABCDE-FGHJK
CODE_BITS = 50  # CODE_LENGTH * log2(len(CODE_ALPHABET))
# Longer input is refused before it is even normalised (a 10,000-character room= value).
MAX_CODE_INPUT_CHARS = 32
_SEPARATORS = "- "
_CODE_SYMBOLS = frozenset(CODE_ALPHABET)

TOKEN_BYTES = 32  # 256 bits
MAX_TOKEN_CHARS = 256  # token_urlsafe(32) has 43; anything much longer is not ours
_TOKEN_SYMBOLS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

assert len(CODE_ALPHABET) == 32 and len(_CODE_SYMBOLS) == 32


def new_room_code() -> str:
    """A fresh code of ``CODE_LENGTH`` symbols from ``CODE_ALPHABET`` (50 bits, ``secrets``)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def parse_room_code(text: object) -> str:
    """The canonical code (``"ABCDEFGHJK"``) in ``text``, or InvalidRoomCode saying why not.

    Accepts what a student types from the screen: ``ABCDE-FGHJK``, ``abcde fghjk``, with
    surrounding spaces. Refuses anything else without touching a store: non-text, more than
    ``MAX_CODE_INPUT_CHARS`` characters, the wrong number of symbols, any other character.
    The messages never repeat the text itself (it came from a URL).
    """
    example = _EXAMPLE
    if not isinstance(text, str):
        raise InvalidRoomCode(f"A room code is text like {example}.")
    if len(text) > MAX_CODE_INPUT_CHARS:
        raise InvalidRoomCode(
            f"This room code is {len(text):,} characters long; a room code has "
            f"{CODE_LENGTH} characters, like {example}. Check the link."
        )
    compact = text.strip().upper()
    for separator in _SEPARATORS:
        compact = compact.replace(separator, "")
    if not compact:
        raise InvalidRoomCode(f"The room code is empty; it has {CODE_LENGTH} characters, like "
                              f"{example}.")
    if not set(compact) <= _CODE_SYMBOLS:
        raise InvalidRoomCode(
            "This room code contains characters that room codes never use; a room code has "
            f"{CODE_LENGTH} of the letters A-Z (without I and O) and the digits 2-9, like "
            f"{example}."
        )
    if len(compact) != CODE_LENGTH:
        raise InvalidRoomCode(
            f"This room code has {len(compact)} characters; a room code has {CODE_LENGTH}, "
            f"like {example}."
        )
    return compact


def format_room_code(code: str) -> str:
    """``"ABCDEFGHJK"`` -> ``"ABCDE-FGHJK"``: easier to read aloud and to type from a screen."""
    return "-".join(code[i:i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


_EXAMPLE = format_room_code("ABCDEFGHJK")


def new_presenter_token() -> str:
    """A fresh secret for the presenter: ``secrets.token_urlsafe(32)``, 256 bits, 43 characters."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_presenter_token(token: str) -> str:
    """The SHA-256 digest (64 hex characters) that the store keeps instead of the token."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_well_formed_token(token: object) -> bool:
    """True for text that could be a token we issued (URL-safe base64, bounded length)."""
    return (isinstance(token, str) and 0 < len(token) <= MAX_TOKEN_CHARS
            and set(token) <= _TOKEN_SYMBOLS)


def token_matches(token: object, token_hash: str) -> bool:
    """Whether ``token`` is the presenter token whose digest is ``token_hash`` (constant time)."""
    if not is_well_formed_token(token):
        return False
    return hmac.compare_digest(hash_presenter_token(token), token_hash)
