"""Audio sent faster than the server reads waits instead of piling up in memory.

Measured in memory (``tracemalloc``: what Python allocates, client and server alike),
never in time: a server that does not read lets the sender offer 32 MiB of audio; the
sender stops after what the socket buffers hold, the memory held stays within a few
buffers, and once the server reads, every byte arrives.
"""

from __future__ import annotations

import asyncio
import base64
import json
import tracemalloc
from typing import Any

from mistral_plugin_realtime import TranscriptionStreamDone
from tests.realtime.conftest import CREATED, DONE, MODEL, scripted

CHUNK = bytes(64 * 1024)
CHUNKS = 512  # 32 MiB of audio, 43 MiB once in base64
BOUND = 4 * 1024 * 1024
"""The most memory the transfer may hold at any time: a few send and read buffers."""


async def until_stalled(progress: list[int]) -> None:
    """Run the loop until ``progress[0]`` stops moving for many turns in a row."""
    still, last = 0, -1
    while still < 200:
        await asyncio.sleep(0)
        still = still + 1 if progress[0] == last else 0
        last = progress[0]


def test_a_server_that_does_not_read_stops_the_sender_within_bounded_memory() -> None:
    received = [0]

    async def main() -> tuple[int, int, int, list[Any]]:
        reading = asyncio.Event()

        async def handler(ws: Any) -> None:
            await ws.send(CREATED)
            await reading.wait()
            async for message in ws:
                sent = json.loads(message)
                if sent["type"] == "input_audio.end":
                    await ws.send(DONE)
                    return
                received[0] += len(base64.b64decode(sent["audio"]))

        sent = [0]
        async with (
            scripted(handler, max_queue=1, max_size=None) as client,
            client.audio.realtime.connect(MODEL) as connection,
        ):

            async def produce() -> None:
                for _ in range(CHUNKS):
                    await connection.send_audio(CHUNK)
                    sent[0] += 1
                await connection.end_audio()

            tracemalloc.start()
            try:
                before = tracemalloc.get_traced_memory()[0]
                producer = asyncio.ensure_future(produce())
                await until_stalled(sent)
                stalled_at = sent[0]
                held = tracemalloc.get_traced_memory()[0] - before
                reading.set()
                await producer
                events = [event async for event in connection]
                peak = tracemalloc.get_traced_memory()[1] - before
            finally:
                tracemalloc.stop()
        return stalled_at, held, peak, events

    stalled_at, held, peak, events = asyncio.run(main())
    assert stalled_at < CHUNKS // 2  # the sender waited: most of the audio was not taken
    assert held < BOUND, f"{held} bytes held while the server did not read"
    assert peak < BOUND, f"{peak} bytes at the peak of a 32 MiB transfer"
    assert received[0] == CHUNKS * len(CHUNK)  # and nothing was lost
    assert isinstance(events[-1], TranscriptionStreamDone)
