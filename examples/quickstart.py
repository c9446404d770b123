"""Chat with a Mistral model: one whole answer, then one streamed token by token.

With MISTRAL_API_KEY set, this talks to the API. Without it, it runs against a canned
in-process stand-in of the API (an httpx transport), so that it works on any machine.
"""

from __future__ import annotations

import json
import os

import httpx

from mistral_core import Mistral

MODEL = "mistral-small-latest"
QUESTION = "Who is the best French painter? Answer in one short sentence."
DEMO_ANSWER = ["Many", " would", " say", " Claude", " Monet", "."]


def main() -> None:
    with make_client() as client:
        messages = [{"role": "user", "content": QUESTION}]
        print(f"> {QUESTION}")

        response = client.chat.complete(model=MODEL, messages=messages)
        message = response.choices[0].message
        print(message.content if message else "(no message)")
        print(f"  ({response.usage.total_tokens} tokens, request id {response.http.request_id})")

        print("> The same, streamed:")
        with client.chat.stream(model=MODEL, messages=messages) as events:
            for event in events:
                print(event.data.choices[0].delta.content or "", end="", flush=True)
        print()


def make_client() -> Mistral:
    if os.environ.get("MISTRAL_API_KEY"):
        return Mistral()
    print("(MISTRAL_API_KEY is not set: answering from a canned local demo)")
    demo = httpx.Client(transport=httpx.MockTransport(demo_api))
    return Mistral(api_key="demo", client=demo)


def demo_api(request: httpx.Request) -> httpx.Response:
    """A stand-in for POST /v1/chat/completions, whole or streamed."""
    headers = {"x-request-id": "demo-request"}
    if json.loads(request.content).get("stream"):
        events = [demo_chunk({"role": "assistant", "content": token}) for token in DEMO_ANSWER]
        stream = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
        headers["content-type"] = "text/event-stream"
        return httpx.Response(200, content=stream.encode(), headers=headers)
    message = {"role": "assistant", "content": "".join(DEMO_ANSWER)}
    usage = {"prompt_tokens": 16, "completion_tokens": 7, "total_tokens": 23}
    choices = [{"index": 0, "message": message, "finish_reason": "stop"}]
    body = {**demo_chunk(message), "object": "chat.completion", "usage": usage, "choices": choices}
    return httpx.Response(200, json=body, headers=headers)


def demo_chunk(delta: dict[str, str]) -> dict[str, object]:
    return {
        "id": "demo",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
    }


if __name__ == "__main__":
    main()
