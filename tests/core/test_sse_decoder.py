"""Tests for the incremental ``text/event-stream`` decoder.

Besides one example per WHATWG rule, the decoder is checked against a deliberately naive
reference implementation of the spec (character by character, whole stream at once), against
every way of cutting a stream into chunks, and by round-tripping generated events.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mistral_core._sse_decoder import ServerSentEvent, SSEDecoder

FAST = settings(max_examples=200, deadline=None, database=None)


# --------------------------------------------------------------------------------------------
# Helpers


def decode(chunks: Iterable[bytes]) -> tuple[list[ServerSentEvent], SSEDecoder]:
    """Feed every chunk, then flush; return all events and the finished decoder."""
    decoder = SSEDecoder()
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.flush())
    return events, decoder


def outcome(chunks: Iterable[bytes]) -> tuple[list[ServerSentEvent], bool, str | None, int | None]:
    """Everything observable about decoding a whole stream."""
    events, decoder = decode(chunks)
    return events, decoder.has_pending, decoder.last_event_id, decoder.retry


def split_at(raw: bytes, cuts: Iterable[int]) -> list[bytes]:
    """Cut ``raw`` at the given offsets (empty chunks included, they must be harmless)."""
    bounds = [0, *sorted(cuts), len(raw)]
    return [raw[a:b] for a, b in itertools.pairwise(bounds)]


def reference(raw: bytes) -> tuple[list[ServerSentEvent], bool, str | None, int | None]:
    """A literal, slow transcription of the spec's event stream interpretation.

    Differs from the spec only where the decoder documents it does: an event carries the retry
    value seen since the previous *emitted* event.
    """
    text = raw.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    lines: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in "\r\n":
            lines.append("".join(current))
            current = []
            if char == "\r" and text[i + 1 : i + 2] == "\n":
                i += 1
        else:
            current.append(char)
        i += 1
    partial_line = bool(current)  # an unterminated last line is not a line at all

    events: list[ServerSentEvent] = []
    data_buffer = ""
    event_type = ""
    id_buffer: str | None = None
    last_event_id: str | None = None
    event_retry: int | None = None
    stream_retry: int | None = None
    fields_since_blank = False
    for line in lines:
        if line == "":
            fields_since_blank = False
            last_event_id = id_buffer
            if data_buffer == "":
                event_type = ""
                continue
            if data_buffer.endswith("\n"):
                data_buffer = data_buffer[:-1]
            events.append(
                ServerSentEvent(event_type or "message", data_buffer, last_event_id, event_retry)
            )
            data_buffer, event_type, event_retry = "", "", None
            continue
        if line.startswith(":"):
            continue
        fields_since_blank = True
        if ":" in line:
            name, value = line.split(":", 1)
            if value.startswith(" "):
                value = value[1:]
        else:
            name, value = line, ""
        if name == "event":
            event_type = value
        elif name == "data":
            data_buffer += value + "\n"
        elif name == "id":
            if "\0" not in value:
                id_buffer = value
        elif name == "retry" and value and all(c in "0123456789" for c in value):
            event_retry = stream_retry = int(value)
    return events, partial_line or fields_since_blank, last_event_id, stream_retry


# --------------------------------------------------------------------------------------------
# Strategies

# Pieces that exercise every rule and every boundary: field names, colons and spaces, all three
# line endings, multi-byte and invalid UTF-8 (whole and cut), BOMs, NUL, digits, and characters
# that str.splitlines() would wrongly treat as line breaks (VT, FF, FS, NEL, LS, PS).
TOKENS = [
    b"data",
    b"event",
    b"id",
    b"retry",
    b"foo",
    b"Data",
    b":",
    b" ",
    b"  ",
    b"\r",
    b"\n",
    b"\r\n",
    b"\n\n",
    b"x",
    b"12",
    b"\xd9\xa1",  # ARABIC-INDIC DIGIT ONE: isdigit() but not ASCII
    b"\x00",
    b"\xe2\x82\xac",  # EURO SIGN
    b"\xf0\x9f\x98\x80",  # 4-byte emoji
    b"\xe2",  # truncated sequence
    b"\x82",  # stray continuation byte
    b"\xff",  # never valid
    b"\xef\xbb\xbf",  # BOM
    b"\x0b\x0c\x1c",
    b"\xc2\x85",  # NEL
    b"\xe2\x80\xa8",  # LINE SEPARATOR
]

token_streams = st.lists(st.sampled_from(TOKENS), max_size=60).map(b"".join)

line_text = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"), max_size=12
)
data_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r"), max_size=20)
id_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n\0"), max_size=8)
ENDINGS = ["\n", "\r", "\r\n"]


@attrs.frozen
class Spec:
    """One generated event, plus the noise the encoder may wrap it in."""

    data: str
    event: str | None
    id: str | None
    retry: int | None
    comments: list[str]
    extra_blank_lines: int


events_strategy = st.lists(
    st.builds(
        Spec,
        data=data_text,
        event=st.none() | line_text,
        id=st.none() | id_text,
        retry=st.none() | st.integers(0, 10**12),
        comments=st.lists(line_text, max_size=1),
        extra_blank_lines=st.integers(0, 2),
    ),
    max_size=5,
)


@st.composite
def encoded_streams(draw: st.DrawFn) -> tuple[bytes, list[ServerSentEvent]]:
    """Encode generated events per the spec; return the bytes and the events they must give."""
    specs = draw(events_strategy)
    lines: list[str] = []
    expected: list[ServerSentEvent] = []
    last_id: str | None = None

    def field(name: str, value: str) -> str:
        # One space after the colon is optional unless the value itself starts with a space.
        spaced = value.startswith(" ") or draw(st.booleans())
        return f"{name}: {value}" if spaced else f"{name}:{value}"

    for spec in specs:
        others = [f":{comment}" for comment in spec.comments]
        if spec.event is not None:
            others.append(field("event", spec.event))
        if spec.id is not None:
            others.append(field("id", spec.id))
            last_id = spec.id
        if spec.retry is not None:
            others.append(field("retry", str(spec.retry)))
        others = draw(st.permutations(others))
        data_lines = [field("data", part) for part in spec.data.split("\n")]
        at = draw(st.integers(0, len(others)))
        lines += [*others[:at], *data_lines, *others[at:], "", *[""] * spec.extra_blank_lines]
        expected.append(ServerSentEvent(spec.event or "message", spec.data, last_id, spec.retry))

    text = "\ufeff" if draw(st.booleans()) else ""
    previous = ""
    for line in lines:
        ending = draw(st.sampled_from(ENDINGS))
        if previous == "\r" and line == "" and ending == "\n":
            ending = "\r\n"  # CR then an LF-terminated blank line would read as one CRLF
        text += line + ending
        previous = ending
    return text.encode("utf-8"), expected


def cuts_for(raw: bytes) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(0, len(raw)), max_size=12)


# --------------------------------------------------------------------------------------------
# Properties


@FAST
@given(raw=token_streams, data=st.data())
def test_any_chunking_gives_the_same_result_as_one_chunk(raw: bytes, data: st.DataObject) -> None:
    cuts = data.draw(cuts_for(raw))
    assert outcome(split_at(raw, cuts)) == outcome([raw])


@FAST
@given(raw=token_streams)
def test_whole_and_byte_by_byte_match_the_naive_reference(raw: bytes) -> None:
    expected = reference(raw)
    assert outcome([raw]) == expected
    assert outcome(raw[i : i + 1] for i in range(len(raw))) == expected


@settings(FAST, max_examples=150)  # the slowest to generate; keeps the file under 3 s
@given(stream=encoded_streams(), data=st.data())
def test_encoded_events_round_trip_through_any_chunking(
    stream: tuple[bytes, list[ServerSentEvent]], data: st.DataObject
) -> None:
    raw, expected = stream
    assert reference(raw)[0] == expected  # the encoder itself follows the spec
    cuts = data.draw(cuts_for(raw))
    events, decoder = decode(split_at(raw, cuts))
    assert events == expected
    assert not decoder.has_pending
    assert decoder.last_event_id == (expected[-1].id if expected else None)

    # Any truncation: the events so far, and "pending" exactly when it ends mid-event.
    cut = data.draw(st.integers(0, len(raw)))
    events, decoder = decode([raw[:cut]])
    ref_events, ref_pending, _, _ = reference(raw[:cut])
    assert events == ref_events == expected[: len(events)]
    assert decoder.has_pending == ref_pending


# What the API sends: blocks of one ``data: `` line, many to a chunk, which the decoder
# cuts in one pass; mixed with blocks it must leave to the general rules.
api_values = st.lists(
    st.sampled_from(["data: ", "data:", "x", " ", ":", "{}", "\u20ac", "\x0b"]), max_size=4
).map("".join)
api_blocks = st.one_of(
    api_values.map(lambda value: f"data: {value}\n\n"),
    st.sampled_from(
        [
            "data:x\n\n",
            "data: a\ndata: b\n\n",
            "id: 7\n\n",
            "retry: 30\n\n",
            ": comment\n\n",
            "\n",
            "event: e\ndata: x\n\n",
            "data: half",
        ]
    ),
)
api_streams = st.lists(api_blocks, max_size=12).map(lambda blocks: "".join(blocks).encode())


@FAST
@given(raw=api_streams, data=st.data())
def test_streams_of_data_lines_read_as_the_reference_reads_them(
    raw: bytes, data: st.DataObject
) -> None:
    assert outcome([raw]) == reference(raw)
    assert outcome(split_at(raw, data.draw(cuts_for(raw)))) == reference(raw)


def test_a_chunk_s_events_are_made_as_they_are_taken() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 1\nretry: 5\n\n")
    events = decoder.events(b"data: a\n\n" * 3)
    assert not isinstance(events, list)
    assert (decoder.last_event_id, decoder.retry) == ("1", 5)  # the same, taken or not
    assert list(events) == [
        ServerSentEvent(data="a", id="1", retry=5),
        ServerSentEvent(data="a", id="1"),
        ServerSentEvent(data="a", id="1"),
    ]
    assert decoder.feed(b"data: b\n\n") == [ServerSentEvent(data="b", id="1")]


# --------------------------------------------------------------------------------------------
# One example per rule


def test_single_data_line() -> None:
    assert decode([b"data: hello\n\n"])[0] == [ServerSentEvent("message", "hello")]


def test_many_events_in_one_chunk() -> None:
    events, _ = decode([b"data: 1\n\ndata: 2\n\ndata: 3\n\n"])
    assert [e.data for e in events] == ["1", "2", "3"]


def test_multi_line_data_is_joined_with_lf() -> None:
    events, _ = decode([b"data: first\ndata\ndata:  third\n\n"])
    assert events == [ServerSentEvent(data="first\n\n third")]


def test_comment_lines_are_ignored() -> None:
    events, decoder = decode([b": keep-alive\ndata: x\n:data: y\n\n: trailing\n"])
    assert events == [ServerSentEvent(data="x")]
    assert not decoder.has_pending  # a comment alone is not an unfinished event


def test_field_without_colon_has_empty_value() -> None:
    events, _ = decode([b"event: e\ndata\n\n", b"data: x\nevent\n\n"])
    assert events == [ServerSentEvent("e", ""), ServerSentEvent("message", "x")]


def test_value_without_space_after_colon() -> None:
    assert decode([b"event:tick\ndata:x\n\n"])[0] == [ServerSentEvent("tick", "x")]


def test_only_one_leading_space_is_stripped() -> None:
    events, _ = decode([b"event:  tick\ndata:  x \n\n", b"data:  y\n\n", b"id:  1\ndata:\tz\n\n"])
    assert events == [
        ServerSentEvent(" tick", " x "),
        ServerSentEvent("message", " y", None),
        ServerSentEvent("message", "\tz", " 1"),
    ]


def test_value_may_contain_colons() -> None:
    events, _ = decode([b'data: {"a": "b:c"}\n\n'])
    assert events == [ServerSentEvent(data='{"a": "b:c"}')]


def test_field_names_are_case_sensitive_and_unknown_fields_ignored() -> None:
    events, _ = decode([b"Data: no\nfoo: bar\ndata: yes\n\n"])
    assert events == [ServerSentEvent(data="yes")]


def test_bom_is_stripped_at_the_start_only() -> None:
    bom = b"\xef\xbb\xbf"
    assert decode([bom + b"data: a\n\n"])[0] == [ServerSentEvent(data="a")]
    # A second BOM makes the first field name "\ufeffdata", an unknown field.
    assert decode([bom + bom + b"data: a\n\n"])[0] == []
    # A BOM later in the stream is just a character.
    events, _ = decode([b"data: a\n\n", bom + b"data: b\n\ndata: \xef\xbb\xbfc\n\n"])
    assert events == [ServerSentEvent(data="a"), ServerSentEvent(data="\ufeffc")]


def test_bom_split_across_chunks_is_still_stripped() -> None:
    events, _ = decode([b"\xef", b"\xbb", b"\xbfdata: a\n\n"])
    assert events == [ServerSentEvent(data="a")]


def test_id_persists_across_events() -> None:
    events, decoder = decode([b"id: 7\ndata: a\n\ndata: b\n\nid: 8\ndata: c\n\n"])
    assert [e.id for e in events] == ["7", "7", "8"]
    assert decoder.last_event_id == "8"


def test_id_with_nul_is_ignored() -> None:
    events, decoder = decode([b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n"])
    assert [e.id for e in events] == ["1", "1"]
    assert decoder.last_event_id == "1"


def test_empty_id_resets_the_last_event_id() -> None:
    events, _ = decode([b"id: 1\ndata: a\n\nid\ndata: b\n\n"])
    assert [e.id for e in events] == ["1", ""]


def test_id_only_block_updates_last_event_id_without_an_event() -> None:
    events, decoder = decode([b"id: 42\n\n"])
    assert events == []
    assert decoder.last_event_id == "42"


def test_id_of_an_unfinished_event_is_not_the_last_event_id() -> None:
    _, decoder = decode([b"id: 1\ndata: a\n\nid: 2\ndata: b\n"])
    assert decoder.last_event_id == "1"  # the spec only commits the ID at dispatch


def test_no_id_gives_none() -> None:
    assert decode([b"data: a\n\n"])[0][0].id is None


def test_retry_with_digits_is_applied() -> None:
    events, decoder = decode([b"retry: 5000\ndata: a\n\ndata: b\n\n"])
    assert [e.retry for e in events] == [5000, None]
    assert decoder.retry == 5000


@pytest.mark.parametrize(
    "value", [b"", b"1e3", b"-1", b"+1", b"12 ", b"1.5", b"\xd9\xa1\xd9\xa2", b"\xc2\xb2"]
)
def test_retry_that_is_not_all_ascii_digits_is_ignored(value: bytes) -> None:
    events, decoder = decode([b"retry: 100\ndata: a\n\nretry: " + value + b"\ndata: b\n\n"])
    assert [e.retry for e in events] == [100, None]
    assert decoder.retry == 100


def test_retry_only_block_is_carried_to_the_next_event() -> None:
    events, decoder = decode([b"retry: 3000\n\n", b"data: a\n\ndata: b\n\n"])
    assert events == [ServerSentEvent(data="a", retry=3000), ServerSentEvent(data="b")]
    assert decoder.retry == 3000


def test_retry_in_an_unfinished_event_still_sets_the_stream_retry() -> None:
    events, decoder = decode([b"retry: 250\ndata: a\n"])
    assert events == []
    assert decoder.retry == 250


def test_empty_data_buffer_dispatches_nothing_and_resets_the_type() -> None:
    events, _ = decode([b"event: ping\n\ndata: a\n\n\n\n"])
    assert events == [ServerSentEvent("message", "a")]


def test_empty_data_field_still_dispatches() -> None:
    assert decode([b"data:\n\n"])[0] == [ServerSentEvent(data="")]
    assert decode([b"data\ndata\n\n"])[0] == [ServerSentEvent(data="\n")]


def test_event_type_is_reset_after_dispatch() -> None:
    events, _ = decode([b"event: delta\ndata: a\n\ndata: b\n\nevent:\ndata: c\n\n"])
    assert [e.event for e in events] == ["delta", "message", "message"]


@pytest.mark.parametrize("ending", [b"\n", b"\r", b"\r\n"])
def test_every_line_ending_is_recognised(ending: bytes) -> None:
    stream = ending.join([b"event: e", b"data: a", b"data: b", b"", b"data: c", b"", b""])
    assert decode([stream])[0] == [ServerSentEvent("e", "a\nb"), ServerSentEvent(data="c")]


def test_mixed_line_endings() -> None:
    events, _ = decode([b"data: a\r\ndata: b\rdata: c\n\r\n\rdata: d\r\r"])
    assert events == [ServerSentEvent(data="a\nb\nc"), ServerSentEvent(data="d")]


def test_only_cr_lf_and_crlf_end_lines() -> None:
    # str.splitlines() would break on every one of these.
    odd = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    events, _ = decode([f"data: a{odd}b\n\n".encode()])
    assert events == [ServerSentEvent(data=f"a{odd}b")]


def test_cr_at_chunk_end_then_lf_is_one_line_ending() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    # Were CR and LF two endings, the LF would be a blank line and dispatch "a" alone.
    assert decoder.feed(b"\ndata: b\r") == []
    assert decoder.feed(b"\n\r") == [ServerSentEvent(data="a\nb")]
    assert decoder.feed(b"\n") == []  # completes the CRLF; not another blank line
    assert decoder.flush() == []
    assert not decoder.has_pending


def test_cr_at_chunk_end_completes_an_event_without_waiting() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r\r") == [ServerSentEvent(data="a")]
    assert decoder.feed(b"\r\ndata: b\r\r") == [ServerSentEvent(data="b")]
    assert decoder.flush() == []
    assert not decoder.has_pending


def test_crlf_split_at_every_position() -> None:
    raw = b"data: a\r\n\r\ndata: b\r\ndata: c\r\n\r\n"
    expected = [ServerSentEvent(data="a"), ServerSentEvent(data="b\nc")]
    for cut in range(len(raw) + 1):
        assert decode([raw[:cut], raw[cut:]])[0] == expected, cut


def test_multibyte_characters_split_across_chunks() -> None:
    raw = "data: h\u00e9llo \u20ac \U0001f600\n\n".encode()
    events, _ = decode(raw[i : i + 1] for i in range(len(raw)))
    assert events == [ServerSentEvent(data="h\u00e9llo \u20ac \U0001f600")]


def test_invalid_utf8_is_replaced() -> None:
    events, _ = decode([b"data: a\xffb\xe2\x82\n\n"])
    assert events == [ServerSentEvent(data="a\ufffdb\ufffd")]


def test_large_event_across_many_chunks() -> None:
    payload = "x" * 100_000
    raw = f"data: {payload}\ndata: {payload}\n\n".encode()
    events, decoder = decode(raw[i : i + 1000] for i in range(0, len(raw), 1000))
    assert events == [ServerSentEvent(data=f"{payload}\n{payload}")]
    assert not decoder.has_pending


def test_events_are_returned_by_the_feed_that_completes_them() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n") == []
    assert decoder.feed(b"\ndata: b\n\nda") == [
        ServerSentEvent(data="a"),
        ServerSentEvent(data="b"),
    ]
    assert decoder.feed(b"ta: c\n\n") == [ServerSentEvent(data="c")]


def test_pending_partial_event_at_flush_is_not_dispatched() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\nevent: e\ndata: b\n") == [ServerSentEvent(data="a")]
    assert decoder.has_pending
    assert decoder.flush() == []
    assert decoder.has_pending


def test_pending_partial_line_at_flush() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\ndata: b") == [ServerSentEvent(data="a")]
    assert decoder.has_pending
    assert decoder.flush() == []
    assert decoder.has_pending


def test_pending_partial_utf8_character() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"\xe2\x82") == []
    assert decoder.has_pending  # bytes held by the UTF-8 decoder count as a partial line
    assert decoder.flush() == []
    assert decoder.has_pending


def test_pending_unknown_field_counts_as_an_unfinished_event() -> None:
    _, decoder = decode([b"data: a\n\nfoo\n"])
    assert decoder.has_pending


@pytest.mark.parametrize(
    "raw", [b"", b"\xef\xbb\xbf", b"data: a\n\n", b"data: a\r\n\r\n", b"data: a\r\r", b":hb\n"]
)
def test_clean_end_has_nothing_pending(raw: bytes) -> None:
    decoder = SSEDecoder()
    decoder.feed(raw)
    assert not decoder.has_pending
    assert decoder.flush() == []
    assert not decoder.has_pending


def test_flush_is_idempotent_and_feed_after_flush_is_an_error() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n")
    assert decoder.flush() == []
    assert decoder.flush() == []
    with pytest.raises(ValueError, match="after flush"):
        decoder.feed(b"\n")


def test_empty_chunks_are_harmless() -> None:
    events, _ = decode([b"", b"data: a\r", b"", b"\n", b"", b"\r\n", b""])
    assert events == [ServerSentEvent(data="a")]


def test_event_defaults_and_immutability() -> None:
    event = ServerSentEvent()
    assert (event.event, event.data, event.id, event.retry) == ("message", "", None, None)
    assert event == ServerSentEvent("message", "", None, None)
    with pytest.raises(AttributeError):
        event.data = "changed"  # type: ignore[misc]
