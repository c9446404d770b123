"""Both JSON backends (stdlib json, orjson) give the same results, and the client works on each."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import respx

from mistral_core import Mistral, _json
from tests.payloads import CHAT_PATH, chat_response, chunk, sse, user_says

ORJSON = _json.orjson_backend()
BACKENDS = [
    pytest.param(_json.STDLIB, id="stdlib"),
    pytest.param(ORJSON, id="orjson", marks=pytest.mark.skipif(ORJSON is None, reason="no orjson")),
]

VALUES: list[Any] = [
    {"content": "Monet peint « Impression, soleil levant » 🌅 — 日本語"},
    {"a": [1, {"b": [True, False, None, {"c": ["d", 2.5]}]}], "e": {}, "f": []},
    [0.1, -2.5, 1.0, -0.0, 3.141592653589793, 1e16, 1e300, 5e-324, 123456789.123],
    [0, -1, 2**53 + 1, 2**63 - 1, -(2**63), 2**64 - 1],
    'quote " backslash \\ newline \n tab \t control \x01 slash /',
    [],
    {"z": 1, "a": 2, "m": 3},  # order kept, not sorted
]


def both() -> list[Any]:
    return [_json.STDLIB, *([ORJSON] if ORJSON is not None else [])]


@pytest.mark.parametrize("value", VALUES)
def test_dumps_and_loads_are_identical(value: Any) -> None:
    written = {backend.dumps(value) for backend in both()}
    assert len(written) == 1
    text = written.pop()
    assert text == json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    for backend in both():
        assert backend.loads(text) == value
        assert backend.loads(text.decode()) == value


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("value", [1e-7, 1.5e-05, 2.5e-10, 1e22])
def test_float_exponents_read_back_the_same(backend: _json.Backend, value: float) -> None:
    """orjson may spell an exponent differently (``1e-7``): the number is the same."""
    assert _json.STDLIB.loads(backend.dumps(value)) == value


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "value",
    [
        2**64,  # beyond 64 bits: orjson refuses it
        -(2**63) - 1,
        [float("nan"), {"x": float("inf")}, -math.inf],  # orjson would write null
        {1: "int key", None: "none key"},  # orjson refuses keys that are not strings
        {"also": None, "no": [None]},  # null without NaN stays orjson's
    ],
    ids=["2**64", "-2**63-1", "non-finite", "non-str-keys", "plain-null"],
)
def test_what_orjson_cannot_write_is_written_by_the_stdlib(
    backend: _json.Backend, value: Any
) -> None:
    assert backend.dumps(value) == _json.STDLIB.dumps(value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_what_json_refuses_raises_the_same_error(backend: _json.Backend) -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        backend.dumps({"when": object()})
    with pytest.raises(UnicodeEncodeError):
        backend.dumps("\ud800")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "text",
    [b"NaN", b"[Infinity, -Infinity]", b"1e400", b'"\\ud800"', b"\xef\xbb\xbf{}", b"[2, 3]"],
)
def test_what_orjson_refuses_to_read_is_read_by_the_stdlib(
    backend: _json.Backend, text: bytes
) -> None:
    expected, got = json.loads(text), backend.loads(text)
    assert repr(got) == repr(expected)  # nan != nan: compare spellings


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    "text", [b'{"a": [1, 2.5, "\xc3\xa9", null]}', b"NaN", b"1e400", b"\xef\xbb\xbf{}", b"{"]
)
def test_the_quick_parse_reads_the_same_or_refuses(backend: _json.Backend, text: bytes) -> None:
    """A hot loop parses with ``quick_loads`` and reads again with ``loads`` what it refuses."""
    try:
        expected = repr(backend.loads(text))
    except ValueError:
        expected = "refused"
    try:
        quick = repr(backend.quick_loads(text))
    except ValueError:
        quick = "refused"
    assert quick in (expected, "refused")
    assert backend.quick_loads(b'{"a": [1, 2.5]}') == {"a": [1, 2.5]}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("text", [b"", b"{", b"[1,]", b"{'a': 1}", b"\xff", '{"a": }', b"[1] 2"])
def test_invalid_json_raises_value_error(backend: _json.Backend, text: bytes | str) -> None:
    error = _value_error(backend.loads, text)
    assert type(error) is type(_value_error(json.loads, text))  # the stdlib's own error
    assert str(error) == str(_value_error(json.loads, text))


def _value_error(read: Callable[[Any], Any], text: bytes | str) -> ValueError:
    try:
        read(text)
    except ValueError as error:
        return error
    raise AssertionError(f"{text!r} was read")


@pytest.mark.skipif(ORJSON is None, reason="no orjson")
def test_orjson_reads_integers_beyond_64_bits_as_floats() -> None:
    """The one documented difference in reading (the API sends no such integers)."""
    assert ORJSON is not None
    assert ORJSON.loads(b"18446744073709551616") == pytest.approx(2.0**64)
    assert _json.STDLIB.loads(b"18446744073709551616") == 2**64


@pytest.mark.parametrize(("setting", "expected"), [("stdlib", "json"), ("", None)])
def test_the_environment_chooses_the_backend(setting: str, expected: str | None) -> None:
    program = "from mistral_core import _json; print(_json.backend().name)"
    env = {**os.environ, "MISTRAL_JSON": setting}
    result = subprocess.run(
        [sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == (expected or ("orjson" if ORJSON else "json"))


@pytest.fixture(params=BACKENDS)
def json_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    backend: _json.Backend = request.param
    monkeypatch.setattr(_json, "loads", backend.loads)
    monkeypatch.setattr(_json, "dumps", backend.dumps)
    return backend.name


def test_a_chat_call_on_each_backend(
    json_backend: str, api: respx.MockRouter, client: Mistral
) -> None:
    route = api.post(CHAT_PATH).respond(json=chat_response("Monet, évidemment 🎨"))
    answer = client.chat.complete(model="mistral-small-latest", messages=user_says("Qui ? ✨"))
    assert answer.choices[0].message.content == "Monet, évidemment 🎨"
    sent = route.calls.last.request.content
    assert sent == _json.STDLIB.dumps(json.loads(sent))  # compact, UTF-8, as the stdlib writes
    assert "Qui ? ✨".encode() in sent


def test_a_stream_on_each_backend(
    json_backend: str, api: respx.MockRouter, client: Mistral
) -> None:
    body = sse(chunk("Claude"), chunk(" Monet ✨", finish_reason="stop"))
    api.post(CHAT_PATH).respond(content=body, headers={"content-type": "text/event-stream"})
    with client.chat.stream(model="mistral-small-latest", messages=user_says()) as events:
        text = "".join(event.data.choices[0].delta.content or "" for event in events)
    assert text == "Claude Monet ✨"


def test_a_response_that_is_not_json_is_reported_on_each_backend(
    json_backend: str, api: respx.MockRouter, client: Mistral
) -> None:
    api.post(CHAT_PATH).respond(content=b"<html>oops", headers={"content-type": "text/html"})
    with pytest.raises(Exception, match="not JSON"):
        client.chat.complete(model="mistral-small-latest", messages=user_says())
