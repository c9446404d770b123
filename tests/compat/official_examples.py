"""The official ``mistralai`` SDK's examples as data: its README's as published, and more.

Each is kept with the official imports (``from mistralai.client import Mistral``...);
``test_official_examples`` changes those lines, and nothing else, as the table of
``docs/migrating.md`` says, then runs the result against the local fake server.

Where they come from:

* the README of ``mistralai`` 3.7.0 (its PyPI description), ``SDK Example Usage`` and
  the sections after it: every Python block that runs as published and calls only a
  local server. Three are left out: ``Retries`` (per call) and ``Resource Management``
  are not valid Python as published (``prompts.list(,`` and ``with`` blocks without a
  body), and ``Override Server URL Per-Client`` names ``https://api.mistral.ai``, which
  a test without the network cannot call;
* the README has no example for chat streaming, FIM, models, files other than the
  upload, or OCR: those are written here, in the official call shapes (the signatures of
  the 3.7.0 package), each printing its result as the README's examples do;
* three more are written here too (their ``origin`` says so): the
  loop most programs write over a chat stream (``event.data.choices[0].delta.content``),
  its async form, and OCR printed with ``model_dump_json()`` as docs.mistral.ai does, with
  the 1.x import ``from mistralai import Mistral``.
* the official repository's typed batch example,
  ``examples/mistral/jobs/async_batch_job_embeddings_typed.py`` (its ``BatchClient``, from
  ``mistralai.extra.batch``), as published;
* two realtime sessions are written here, in the 3.7.0 package's call shapes (each checked
  with that package against the fake server): ``audio.realtime.transcribe_stream`` and
  ``audio.realtime_speech.speak_stream``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EXAMPLES", "Example"]


@dataclass(frozen=True)
class Example:
    """One official example."""

    origin: str
    """Where the text comes from."""
    source: str
    """The text, unchanged: official imports included."""


EXAMPLES: dict[str, Example] = {
    # README, "Create Chat Completions" (synchronous), line 219 of the 3.7.0 README
    "chat": Example(
        'README, "Create Chat Completions" (synchronous)',
        """\
# Synchronous Example
from mistralai.client import Mistral
import os


with Mistral(
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:

    res = mistral.chat.complete(model="mistral-large-latest", messages=[
        {
            "role": "user",
            "content": "Who is the best French painter? Answer in one short sentence.",
        },
    ], stream=False, response_format={
        "type": "text",
    })

    # Handle response
    print(res)
""",
    ),
    # README, "Create Chat Completions" (asynchronous), line 246 of the 3.7.0 README
    "chat_async": Example(
        'README, "Create Chat Completions" (asynchronous)',
        """\
# Asynchronous Example
import asyncio
from mistralai.client import Mistral
import os

async def main():

    async with Mistral(
        api_key=os.getenv("MISTRAL_API_KEY", ""),
    ) as mistral:

        res = await mistral.chat.complete_async(model="mistral-large-latest", messages=[
            {
                "role": "user",
                "content": "Who is the best French painter? Answer in one short sentence.",
            },
        ], stream=False, response_format={
            "type": "text",
        })

        # Handle response
        print(res)

asyncio.run(main())
""",
    ),
    # README, "Upload a file" (synchronous), line 277 of the 3.7.0 README
    "files_upload": Example(
        'README, "Upload a file" (synchronous)',
        """\
# Synchronous Example
from mistralai.client import Mistral
import os


with Mistral(
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:

    res = mistral.files.upload(file={
        "file_name": "example.file",
        "content": open("example.file", "rb"),
    }, visibility="workspace")

    # Handle response
    print(res)
""",
    ),
    # README, "Upload a file" (asynchronous), line 300 of the 3.7.0 README
    "files_upload_async": Example(
        'README, "Upload a file" (asynchronous)',
        """\
# Asynchronous Example
import asyncio
from mistralai.client import Mistral
import os

async def main():

    async with Mistral(
        api_key=os.getenv("MISTRAL_API_KEY", ""),
    ) as mistral:

        res = await mistral.files.upload_async(file={
            "file_name": "example.file",
            "content": open("example.file", "rb"),
        }, visibility="workspace")

        # Handle response
        print(res)

asyncio.run(main())
""",
    ),
    # README, "Create Agents Completions" (synchronous), line 327 of the 3.7.0 README
    "agents": Example(
        'README, "Create Agents Completions" (synchronous)',
        """\
# Synchronous Example
from mistralai.client import Mistral
import os


with Mistral(
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:

    res = mistral.agents.complete(messages=[
        {
            "role": "user",
            "content": "Who is the best French painter? Answer in one short sentence.",
        },
    ], agent_id="<id>", stream=False, response_format={
        "type": "text",
    })

    # Handle response
    print(res)
""",
    ),
    # README, "Create Agents Completions" (asynchronous), line 354 of the 3.7.0 README
    "agents_async": Example(
        'README, "Create Agents Completions" (asynchronous)',
        """\
# Asynchronous Example
import asyncio
from mistralai.client import Mistral
import os

async def main():

    async with Mistral(
        api_key=os.getenv("MISTRAL_API_KEY", ""),
    ) as mistral:

        res = await mistral.agents.complete_async(messages=[
            {
                "role": "user",
                "content": "Who is the best French painter? Answer in one short sentence.",
            },
        ], agent_id="<id>", stream=False, response_format={
            "type": "text",
        })

        # Handle response
        print(res)

asyncio.run(main())
""",
    ),
    # README, "Create Embedding Request" (synchronous), line 385 of the 3.7.0 README
    "embeddings": Example(
        'README, "Create Embedding Request" (synchronous)',
        """\
# Synchronous Example
from mistralai.client import Mistral
import os


with Mistral(
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:

    res = mistral.embeddings.create(model="mistral-embed", inputs=[
        "Embed this sentence.",
        "As well as this one.",
    ])

    # Handle response
    print(res)
""",
    ),
    # README, "Create Embedding Request" (asynchronous), line 408 of the 3.7.0 README
    "embeddings_async": Example(
        'README, "Create Embedding Request" (asynchronous)',
        """\
# Asynchronous Example
import asyncio
from mistralai.client import Mistral
import os

async def main():

    async with Mistral(
        api_key=os.getenv("MISTRAL_API_KEY", ""),
    ) as mistral:

        res = await mistral.embeddings.create_async(model="mistral-embed", inputs=[
            "Embed this sentence.",
            "As well as this one.",
        ])

        # Handle response
        print(res)

asyncio.run(main())
""",
    ),
    # README, "Azure AI", line 457 of the 3.7.0 README
    "azure": Example(
        'README, "Azure AI"',
        """\
import os
from mistralai.azure.client import MistralAzure

# The SDK automatically injects api-version as a query parameter
client = MistralAzure(
    api_key=os.environ["AZURE_API_KEY"],
    server_url=os.environ["AZURE_ENDPOINT"],
    api_version="2024-05-01-preview",  # Optional, this is the default
)

res = client.chat.complete(
    model=os.environ["AZURE_MODEL"],
    messages=[
        {
            "role": "user",
            "content": "Hello there!",
        }
    ],
)
print(res.choices[0].message.content)
""",
    ),
    # README, "Google Cloud", line 510 of the 3.7.0 README
    "gcp": Example(
        'README, "Google Cloud"',
        """\
import os
from mistralai.gcp.client import MistralGCP

# The SDK auto-detects credentials and builds the Vertex AI URL
client = MistralGCP(
    project_id=os.environ.get("GCP_PROJECT_ID"),  # Optional: auto-detected from credentials
    region="us-central1",  # Default: europe-west4
)

res = client.chat.complete(
    model="mistral-small-2503",
    messages=[
        {
            "role": "user",
            "content": "Hello there!",
        }
    ],
)
print(res.choices[0].message.content)
""",
    ),
    # README, "Server-sent event streaming", line 1006 of the 3.7.0 README
    "conversations_stream": Example(
        'README, "Server-sent event streaming"',
        """\
from mistralai.client import Mistral
import os


with Mistral(
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:

    res = mistral.beta.conversations.start_stream(inputs=[
        {
            "object": "entry",
            "type": "function.result",
            "tool_call_id": "<id>",
            "result": "<value>",
        },
    ], completion_args={
        "response_format": {
            "type": "text",
        },
    })

    with res as event_stream:
        for event in event_stream:
            # handle event
            print(event, flush=True)

""",
    ),
    # README, "Pagination", line 1083 of the 3.7.0 README
    "pagination": Example(
        'README, "Pagination"',
        """\
from mistralai.client import Mistral
import os


with Mistral(
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:

    res = mistral.beta.prompts.list()

    while res is not None:
        # Handle items

        res = res.next()

""",
    ),
    # README, "File uploads", line 1112 of the 3.7.0 README
    "libraries_documents_upload": Example(
        'README, "File uploads"',
        """\
from mistralai.client import Mistral
import os


with Mistral(
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:

    res = mistral.beta.libraries.documents.upload(library_id="a02150d9-5ee0-4877-b62c-28b1fcdf3b76", file={
        "file_name": "example.file",
        "content": open("example.file", "rb"),
    })

    # Handle response
    print(res)

""",  # noqa: E501
    ),
    # README, "Retries" (per client), line 1159 of the 3.7.0 README
    "retries_per_client": Example(
        'README, "Retries" (per client)',
        """\
from mistralai.client import Mistral
from mistralai.client.utils import BackoffStrategy, RetryConfig
import os


with Mistral(
    retry_config=RetryConfig("backoff", BackoffStrategy(1, 50, 1.1, 100), False),
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:

    res = mistral.beta.prompts.list()

    while res is not None:
        # Handle items

        res = res.next()

""",
    ),
    # README, "Error Handling", line 1195 of the 3.7.0 README
    "error_handling": Example(
        'README, "Error Handling"',
        """\
from mistralai.client import Mistral, errors
import os


with Mistral(
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:
    res = None
    try:

        res = mistral.beta.service_accounts.create(name="<value>", workspace_id="cf2146d0-158c-4b19-b8b1-ca0c68f41143")

        # Handle response
        print(res)


    except errors.MistralError as e:
        # The base class for HTTP error responses
        print(e.message)
        print(e.status_code)
        print(e.body)
        print(e.headers)
        print(e.raw_response)

        # Depending on the method different errors may be thrown
        if isinstance(e, errors.HTTPValidationError):
            print(e.data.detail)  # Optional[List[models.ValidationError]]
""",  # noqa: E501
    ),
    # Written here, in the official call shapes (3.7.0's signatures): the groups the
    # README has no example of, each printing its result as the README's examples do.
    "chat_stream": Example(
        "written here: chat.stream(..., stream=True), printing each event",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.chat.stream(
        model="mistral-large-latest",
        messages=[{"role": "user", "content": "Who is the best French painter?"}],
        stream=True,
        response_format={"type": "text"},
    )
    with res as event_stream:
        for event in event_stream:
            print(event, flush=True)
""",
    ),
    "fim": Example(
        "written here: fim.complete(..., stream=False)",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.fim.complete(
        model="codestral-latest", prompt="def add(a, b):", suffix="return a+b", stream=False
    )
    print(res)
""",
    ),
    "fim_stream": Example(
        "written here: fim.stream(..., stream=True), printing each event",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.fim.stream(
        model="codestral-latest", prompt="def add(a, b):", suffix="return a+b", stream=True
    )
    with res as event_stream:
        for event in event_stream:
            print(event, flush=True)
""",
    ),
    "agents_stream": Example(
        "written here: agents.stream(..., stream=True), printing each event",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.agents.stream(
        agent_id="ag-0123",
        messages=[{"role": "user", "content": "Who is the best French painter?"}],
        stream=True,
        response_format={"type": "text"},
    )
    with res as event_stream:
        for event in event_stream:
            print(event, flush=True)
""",
    ),
    "models_list": Example(
        "written here: models.list()",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.models.list()
    print(res)
""",
    ),
    "models_retrieve": Example(
        "written here: models.retrieve(model_id=...)",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.models.retrieve(model_id="ft:open-mistral-7b:587a6b29:20240514:7e773925")
    print(res)
""",
    ),
    "files_list": Example(
        "written here: files.list(page=..., page_size=..., include_total=...)",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.files.list(page=0, page_size=100, include_total=True)
    print(res)
""",
    ),
    "files_retrieve": Example(
        "written here: files.retrieve(file_id=...)",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.files.retrieve(file_id="f2a27685-ca4e-4dc2-9f2b-88c422c3e0f6")
    print(res)
""",
    ),
    "files_delete": Example(
        "written here: files.delete(file_id=...)",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.files.delete(file_id="3b6d45eb-e30b-416f-8019-f47e2e93d930")
    print(res)
""",
    ),
    "files_download": Example(
        "written here: files.download(file_id=...)",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.files.download(file_id="f8919994-a4a1-46b2-8b5b-06335a4300ce")
    print(res)
""",
    ),
    "ocr": Example(
        "written here: ocr.process(model=..., document=..., ...)",
        """\
from mistralai.client import Mistral
import os

with Mistral(api_key=os.getenv("MISTRAL_API_KEY", "")) as mistral:
    res = mistral.ocr.process(
        model="mistral-ocr-latest",
        document={"type": "document_url", "document_url": "https://example.org/invoice.pdf"},
        bbox_annotation_format={"type": "text"},
        document_annotation_format={"type": "text"},
        include_blocks=False,
    )
    print(res)
""",
    ),
    # Written here: a chat stream read the way most programs do, in the official shapes
    # (``chat.stream`` as a context manager, ``event.data.choices[0].delta.content``).
    "chat_stream_deltas": Example(
        "written here: chat.stream, reading each delta's content",
        """\
from mistralai.client import Mistral
import os


with Mistral(
    api_key=os.getenv("MISTRAL_API_KEY", ""),
) as mistral:

    with mistral.chat.stream(model="mistral-large-latest", messages=[
        {
            "role": "user",
            "content": "Who is the best French painter? Answer in one short sentence.",
        },
    ]) as event_stream:
        for event in event_stream:
            print(event.data.choices[0].delta.content)
""",
    ),
    # Written here: the async form of the one above, as the README writes its async
    # examples (``await ..._async(...)``, then ``async with`` and ``async for``).
    "chat_stream_async": Example(
        "written here: chat.stream_async, reading each delta's content",
        """\
# Asynchronous Example
import asyncio
from mistralai.client import Mistral
import os

async def main():

    async with Mistral(
        api_key=os.getenv("MISTRAL_API_KEY", ""),
    ) as mistral:

        res = await mistral.chat.stream_async(model="mistral-large-latest", messages=[
            {
                "role": "user",
                "content": "Who is the best French painter? Answer in one short sentence.",
            },
        ], stream=True)

        async with res as event_stream:
            async for event in event_stream:
                print(event.data.choices[0].delta.content, flush=True)

asyncio.run(main())
""",
    ),
    # Written here: OCR as docs.mistral.ai shows it (1.x import, a client without
    # ``with``), its result printed with ``model_dump_json()``.
    "ocr_model_dump_json": Example(
        "written here: ocr.process, printed with model_dump_json() (1.x import)",
        """\
import os
from mistralai import Mistral

api_key = os.environ["MISTRAL_API_KEY"]
client = Mistral(api_key=api_key)

ocr_response = client.ocr.process(
    model="mistral-ocr-latest",
    document={
        "type": "document_url",
        "document_url": "https://arxiv.org/pdf/2201.04234"
    },
    include_image_base64=True
)
print(ocr_response.model_dump_json())
""",
    ),
    # Written here: realtime transcription and speech in the official call shapes (the
    # 3.7.0 package's ``mistralai.extra.realtime``), checked there against the fake server.
    "realtime_transcription": Example(
        "written here: audio.realtime.transcribe_stream over an async iterator of chunks",
        """\
import asyncio
import os

from mistralai.client import Mistral
from mistralai.client.models import AudioFormat
from mistralai.client.models import TranscriptionStreamDone, TranscriptionStreamTextDelta
from mistralai.extra.realtime import UnknownRealtimeEvent


async def audio_chunks():
    for _ in range(10):
        yield bytes(3200)  # 100 ms of 16 kHz, 16-bit silence


async def main():
    client = Mistral(api_key=os.getenv("MISTRAL_API_KEY", ""))
    async for event in client.audio.realtime.transcribe_stream(
        audio_stream=audio_chunks(),
        model="voxtral-mini-transcribe-realtime-2602",
        audio_format=AudioFormat(encoding="pcm_s16le", sample_rate=16000),
    ):
        if isinstance(event, TranscriptionStreamTextDelta):
            print(event.text, end="", flush=True)
        elif isinstance(event, TranscriptionStreamDone):
            print()
        elif isinstance(event, UnknownRealtimeEvent):
            print(f"unknown event: {event.type}")


asyncio.run(main())
""",
    ),
    "batch_embeddings_typed": Example(
        "the official repository's examples/mistral/jobs/async_batch_job_embeddings_typed.py",
        """\
\"\"\"Run an embeddings batch job with the typed BatchClient.

Compare with async_batch_job_chat_completion_inline.py, which hand-builds the
request lines and would hand-parse the output. BatchClient owns the JSONL wire
format and the upload/create/poll/download lifecycle; you pass typed request
bodies keyed by custom_id and read back typed responses.

The two type params bind to the SDK's own per-endpoint models -- here
EmbeddingRequest / EmbeddingResponse. For another endpoint, swap the endpoint
string and response_body_type (e.g. "/v1/chat/completions", ChatCompletionResponse).
\"\"\"

import asyncio
import os

from mistralai.client import Mistral
from mistralai.client.models import EmbeddingRequest, EmbeddingResponse
from mistralai.extra.batch import BatchClient, BatchInput


async def main():
    client = Mistral(api_key=os.environ["MISTRAL_API_KEY"])

    batch = BatchClient(
        client,
        endpoint="/v1/embeddings",
        response_body_type=EmbeddingResponse,
    )

    texts = {
        "doc-0": "What is the best French cheese?",
        "doc-1": "What is the best French wine?",
    }

    # Pass typed bodies keyed by custom_id straight to run() -- it sends them
    # inline (or uploads if large), then blocks until the job reaches a terminal
    # state (owns the poll loop). The pure BatchInput below is I/O-free; build it
    # anywhere. To run the same input again later, upload it and keep the file id:
    #     payload = BatchInput.from_payload({...})
    #     f = await batch.upload(payload)      # f.file_id -- stash and reuse
    #     result = await batch.run(f)
    result = await batch.run(
        BatchInput.from_payload(
            {
                custom_id: EmbeddingRequest(model="mistral-embed", inputs=text)
                for custom_id, text in texts.items()
            }
        )
    )
    print(
        f"Job {result.job.id}: {result.status} "
        f"({result.succeeded} ok, {result.failed} failed)"
    )

    # run() already downloaded and parsed the output/error files, so these are sync.
    for custom_id, response in result.by_id().items():
        print(f"{custom_id}: {len(response.data[0].embedding)}-dim embedding")

    for err in result.errors():
        print(f"{err.custom_id} failed: {err.status_code} {err.error}")

    # Responses the API returned but that didn't match EmbeddingResponse (a schema
    # mismatch) land here instead of raising, so one bad line never loses the rest.
    for err in result.response_errors():
        print(f"{err.custom_id} unparseable: {err.error}")

    # For a large result, stream_results() instead of run() to read it one line at a
    # time (constant memory). It binds to a job you already own -- create it (or
    # rehydrate one from a prior process via batch.get(job_id)) and pass the handle;
    # it reads only, so cleaning up the job and its files stays yours:
    #     handle = await batch.create(BatchInput.from_payload({...}))
    #     async for custom_id, item in batch.stream_results(handle):
    #         ...  # item is a typed EmbeddingResponse or a BatchRequestError


if __name__ == "__main__":
    asyncio.run(main())
""",
    ),
    "realtime_speech": Example(
        "written here: audio.realtime_speech.speak_stream over an async iterator of text",
        """\
import asyncio
import os

from mistralai.client import Mistral
from mistralai.client.models import SpeechStreamAudioDelta
from mistralai.extra.realtime import audio_bytes


async def answer():
    for piece in ["Hello", " from", " a voice agent."]:
        yield piece


async def main():
    client = Mistral(api_key=os.getenv("MISTRAL_API_KEY", ""))
    audio = b""
    async for event in client.audio.realtime_speech.speak_stream(
        answer(), model="voxtral-mini-tts-latest", voice_id="en_paul"
    ):
        if isinstance(event, SpeechStreamAudioDelta):
            audio += audio_bytes(event)
    print(f"{len(audio)} bytes of audio")


asyncio.run(main())
""",
    ),
}
