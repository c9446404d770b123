"""Fuzzing what reads the network: the SSE decoder and the reading of response models.

Derandomized and bounded, so the run is the same on every machine and stays fast.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mistral_core import serde
from mistral_core._sse_decoder import SSEDecoder
from mistral_plugin_chat.models import ChatCompletionRequest, ChatCompletionResponse
from mistral_types.chat import CompletionChunk, CompletionEvent

FUZZ = settings(
    max_examples=150,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

SSE_BYTES = st.lists(
    st.one_of(
        st.binary(max_size=40),
        st.sampled_from(
            [
                b"data: x\n\n",
                b"\r",
                b"\n",
                b"\r\n",
                b":",
                b"data:",
                b"event: error\n",
                b"id:\x00\n",
                b"retry: 12\n",
                b"retry: 1x\n",
                b"\xef\xbb\xbf",
                b"\xe2\x82",
                b"\xac",
                b"\n\n",
            ]
        ),
    ),
    max_size=30,
)


@FUZZ
@given(chunks=SSE_BYTES)
def test_the_sse_decoder_never_raises(chunks: list[bytes]) -> None:
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    events += decoder.flush()
    assert isinstance(decoder.has_pending, bool)
    for event in events:
        assert isinstance(event.data, str)
        assert event.data  # an event is only dispatched with data


@FUZZ
@given(data=st.binary(max_size=300), cuts=st.lists(st.integers(0, 300), max_size=10))
def test_the_sse_decoder_does_not_depend_on_the_chunking(data: bytes, cuts: list[int]) -> None:
    whole = SSEDecoder()
    expected = whole.feed(data) + whole.flush()
    pieces = SSEDecoder()
    bounds = [0, *sorted(cut for cut in cuts if cut <= len(data)), len(data)]
    got = [event for a, b in itertools.pairwise(bounds) for event in pieces.feed(data[a:b])]
    got += pieces.flush()
    assert got == expected
    assert pieces.has_pending == whole.has_pending


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)

MODELS: list[Any] = [
    ChatCompletionResponse,
    CompletionChunk,
    CompletionEvent,
    ChatCompletionRequest,
]


def near(model: Any) -> st.SearchStrategy[Any]:
    """Dicts with the model's own keys (and a few others), holding arbitrary JSON."""
    keys = [field.name for field in getattr(model, "__attrs_attrs__", ())]
    keys += ["choices", "message", "delta", "object", "data", "role", "content"]
    return st.dictionaries(st.sampled_from(keys), JSON, max_size=8)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@FUZZ
@given(data=st.data())
def test_reading_arbitrary_json_raises_only_value_error(model: Any, data: st.DataObject) -> None:
    payload = data.draw(st.one_of(JSON, near(model)))
    with contextlib.suppress(ValueError):
        serde.read(payload, model)
