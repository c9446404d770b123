"""Chat with a Mistral model: one whole answer, then one streamed token by token.

With MISTRAL_API_KEY set, this talks to the API. Without it, it starts the local fake
Mistral server (``mistral_testing.server``) on 127.0.0.1 and talks to that, over
real HTTP, so that it works on any machine.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Generator

from mistral_core import APIConnectionError, AuthenticationError, Mistral, MistralError

MODEL = "mistral-small-latest"
QUESTION = "Who is the best French painter? Answer in one short sentence."


def main() -> None:
    try:
        with api_client() as client:
            chat(client)
    except MistralError as error:
        sys.exit(f"quickstart: {explain(error)}")


def chat(client: Mistral) -> None:
    """A whole answer, then the same question streamed."""
    messages = [{"role": "user", "content": QUESTION}]
    print(f"> {QUESTION}")

    response = client.chat.complete(model=MODEL, messages=messages)
    message = response.choices[0].message
    print(message.content if message else "(no message)")
    print(f"  ({response.usage.total_tokens} tokens, request id {response.http.request_id})")

    print("> The same, streamed:")
    with client.chat.stream(model=MODEL, messages=messages) as stream:
        for text in stream.text_stream:
            print(text, end="", flush=True)
        streamed = stream.get_final_response()  # the answer, put together
    print(f"\n  ({streamed.usage.total_tokens} tokens, {streamed.choices[0].finish_reason})")


def explain(error: MistralError) -> str:
    """One line: what failed, and what to check."""
    server = os.environ.get("MISTRAL_SERVER_URL") or "the Mistral API"
    if isinstance(error, APIConnectionError):
        return (
            f"could not reach {server} ({error}); check the network, a proxy (HTTPS_PROXY) "
            "and MISTRAL_SERVER_URL, or unset MISTRAL_API_KEY to use the local fake server"
        )
    if isinstance(error, AuthenticationError):
        return f"{server} refused the key ({error}); check MISTRAL_API_KEY"
    return str(error)


@contextlib.contextmanager
def api_client() -> Generator[Mistral, None, None]:
    """A client of the API, or of the local fake server when there is no API key."""
    if os.environ.get("MISTRAL_API_KEY"):
        with Mistral() as client:
            yield client
        return
    from mistral_testing.server import FakeServer

    with FakeServer() as server, Mistral(api_key="demo", server_url=server.url) as client:
        print(f"(MISTRAL_API_KEY is not set: talking to the local fake server at {server.url})")
        yield client


if __name__ == "__main__":
    main()
