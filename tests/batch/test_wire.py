"""The Batch API's lines: requests written as JSONL, result lines read as outcomes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pytest

from mistral_core import FieldError, serde
from mistral_plugin_batch import (
    BatchOutcome,
    BatchRequest,
    BatchRequestError,
    BatchResponseError,
    read_outcome,
    request_lines,
)
from mistral_plugin_chat.models import ChatCompletionRequest, ChatCompletionResponse, UserMessage

MESSAGES = [{"role": "user", "content": "Hi"}]


def lines(requests: Iterable[Any] | Mapping[str, Any]) -> list[Any]:
    return [json.loads(line) for line in request_lines(requests)]


def test_every_shape_of_requests_gives_the_same_envelope() -> None:
    body = {"messages": MESSAGES}
    expected = [{"custom_id": "0", "body": body}]
    assert lines({"0": body}) == expected
    assert lines([body]) == expected
    assert lines([{"custom_id": "0", "body": body}]) == expected
    assert lines([BatchRequest(custom_id="0", body=body)]) == expected


def test_a_request_model_is_written_as_a_call_writes_it() -> None:
    model = ChatCompletionRequest(model="m", messages=[UserMessage(content="Hi")], max_tokens=5)
    [line] = lines({"a": model})
    assert line == {"custom_id": "a", "body": serde.dump(model)}
    assert line["body"]["max_tokens"] == 5
    [inside] = lines([{"model": "m", "messages": [UserMessage(content="Hi")]}])
    assert inside["body"]["messages"] == [{"role": "user", "content": "Hi"}]


def test_lines_are_made_one_at_a_time() -> None:
    made: list[int] = []

    def bodies() -> Iterator[dict[str, str]]:
        for n in range(3):
            made.append(n)
            yield {"input": str(n)}

    written = request_lines(bodies())
    assert next(written).endswith(b"\n")
    assert made == [0]


@pytest.mark.parametrize(
    ("requests", "problem"),
    [
        ([42], "is a dict or a request model, got int"),
        ({"": {}}, "custom_id is a non-empty str"),
        ([{"x": float("nan")}], "not JSON"),
    ],
)
def test_bad_requests_are_field_errors(requests: list[Any] | dict[str, Any], problem: str) -> None:
    with pytest.raises(FieldError, match=problem):
        lines(requests)


def test_an_outcome_is_a_response_or_an_error() -> None:
    reader = serde.reader(ChatCompletionResponse)
    error = {"custom_id": "b", "response": {"status_code": 429, "body": {"m": 1}}, "error": None}
    outcome = read_outcome(error, reader)
    assert outcome.error == BatchRequestError("b", 429, {"m": 1})
    assert not outcome.ok
    assert outcome.response is None
    stated = {"custom_id": "c", "error": {"message": "no"}}
    assert read_outcome(stated, reader).error == BatchRequestError("c", None, {"message": "no"})
    unreadable = {"custom_id": "d", "response": {"status_code": 200, "body": {"id": 1}}}
    mismatch = read_outcome(unreadable, reader).error
    assert isinstance(mismatch, BatchResponseError)
    assert (mismatch.custom_id, mismatch.body) == ("d", {"id": 1})
    plain: BatchOutcome[Any] = read_outcome(unreadable, None)
    assert plain.response == {"id": 1}
    assert isinstance(read_outcome([1], None).error, BatchResponseError)
