"""Room codes, presenter tokens and the room policy (pure functions, no store)."""

from __future__ import annotations

import math

import pytest

from ui.rooms import (
    CODE_ALPHABET,
    CODE_BITS,
    CODE_LENGTH,
    DEFAULT_POLICY,
    InvalidRoomState,
    RoomPolicy,
    RoomView,
    format_room_code,
    new_room_code,
    parse_room_code,
)
from ui.rooms.codes import hash_presenter_token, new_presenter_token, token_matches


def test_codes_are_long_enough_and_use_no_ambiguous_characters():
    assert not set("0O1Il") & set(CODE_ALPHABET)
    assert len(set(CODE_ALPHABET)) == 32
    assert CODE_BITS == CODE_LENGTH * math.log2(len(CODE_ALPHABET)) >= 50
    codes = {new_room_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET) for code in codes)
    # every symbol turns up: the codes are drawn from the whole alphabet
    assert set("".join(codes)) == set(CODE_ALPHABET)


@pytest.mark.parametrize("typed", ["ABCDE-FGHJK", "abcde-fghjk", " ABCDE FGHJK\n", "ABCDEFGHJK"])
def test_a_code_is_read_as_students_type_it(typed):
    assert parse_room_code(typed) == "ABCDEFGHJK"
    assert format_room_code("ABCDEFGHJK") == "ABCDE-FGHJK"


def test_presenter_tokens_are_secret_enough_and_compared_by_hash():
    tokens = {new_presenter_token() for _ in range(100)}
    assert len(tokens) == 100
    token = tokens.pop()
    assert len(token) >= 43  # 32 random bytes = 256 bits in URL-safe base64
    digest = hash_presenter_token(token)
    assert len(digest) == 64 and token not in digest
    assert token_matches(token, digest)
    assert not token_matches(tokens.pop(), digest)
    assert not token_matches(None, digest)
    assert not token_matches("é" * 43, digest)


def test_the_policy_accepts_what_the_stepper_links_write():
    view = RoomView("em_2d", {
        "dataset": "generated", "spec": "0.5_0_0_1_1_0~0.5_4_4_1_0.5_0.3", "n": "500",
        "dseed": "3", "cols": "bill_length_mm,flipper_length_mm", "std": "1", "k": "2",
        "cov": "full", "init": "given-means", "means": "-1.5,2.0;3.25e-05,4.0", "seed": "0",
        "reg": "1e-06", "tol": "0.001", "iter": "100", "step": "12",
    })
    assert DEFAULT_POLICY.check(view) is view
    assert DEFAULT_POLICY.check(RoomView("compare", {"dataset": "stretched", "sigma": "0.5",
                                                     "init": "k-means++"})).page == "compare"


def test_the_policy_is_easy_to_extend_and_checks_its_own_names():
    wider = DEFAULT_POLICY.extended(parameters={"probe"}, pages={"kmeans"})
    view = RoomView("kmeans", {"probe": "1,2"})
    assert wider.check(view) is view
    with pytest.raises(InvalidRoomState):
        DEFAULT_POLICY.check(view)
    with pytest.raises(ValueError):
        RoomPolicy(parameters=frozenset({"<b>"}))
    with pytest.raises(ValueError):
        RoomPolicy(value_characters=frozenset("aé"))


def test_equal_views_are_stored_as_equal_text():
    first = RoomView("em_2d", {"k": "3", "dataset": "blobs"})
    second = RoomView("em_2d", {"dataset": "blobs", "k": "3"})
    assert first == second and first.to_json() == second.to_json()
    assert RoomView.from_json(first.to_json()) == first
