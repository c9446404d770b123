"""What a span and the metrics say of a call, in the OpenTelemetry GenAI conventions' terms.

Pure functions of the call, its JSON body (as sent) and its result: no OpenTelemetry import
here, and nothing read that could hold a credential (no header, no query, no userinfo).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mistral_core import APIError, StreamError
from mistral_core._guards import is_array, is_mapping
from mistral_core.models import UNSET, Model

if TYPE_CHECKING:
    from mistral_core import Mistral

OPERATION = "gen_ai.operation.name"
PROVIDER = "gen_ai.provider.name"
REQUEST_MODEL = "gen_ai.request.model"
AGENT_ID = "gen_ai.agent.id"
AGENT_NAME = "gen_ai.agent.name"
RESPONSE_MODEL = "gen_ai.response.model"
INPUT_TOKENS = "gen_ai.usage.input_tokens"
OUTPUT_TOKENS = "gen_ai.usage.output_tokens"
SERVER_ADDRESS = "server.address"
SERVER_PORT = "server.port"
ERROR_TYPE = "error.type"
OPERATION_ID = "mistral.operation.id"
"""The spec's ``operationId``: which call it was, where several share an operation name."""

MISTRAL_AI = "mistral_ai"
PROVIDERS = {"azure": "azure.ai.inference", "gcp": "gcp.vertex_ai"}
"""The conventions' provider names of the clouds (a client made without one: ``mistral_ai``);
Azure AI serves Mistral's models through its model inference API, Vertex AI through
``aiplatform.googleapis.com``. Another provider is named as it names itself."""

_CONVERSATIONS = "agents_api_v1_conversations_"
OPERATIONS = {
    "chat_completion_v1_chat_completions_post": "chat",
    "fim_completion_v1_fim_completions_post": "text_completion",
    "embeddings_v1_embeddings_post": "embeddings",
    "agents_completion_v1_agents_completions_post": "invoke_agent",
    "agents_api_v1_agents_create": "create_agent",
    **{
        f"{_CONVERSATIONS}{verb}{stream}": "chat"  # ``invoke_agent`` when an agent is named
        for verb in ("start", "append", "restart")
        for stream in ("", "_stream")
    },
}
"""The operations the conventions name; any other is named by its ``operationId``."""

_NUMBERS = {
    "temperature": "gen_ai.request.temperature",
    "top_p": "gen_ai.request.top_p",
    "presence_penalty": "gen_ai.request.presence_penalty",
    "frequency_penalty": "gen_ai.request.frequency_penalty",
}
_INTEGERS = {
    "max_tokens": "gen_ai.request.max_tokens",
    "random_seed": "gen_ai.request.seed",
    "output_dimension": "gen_ai.embeddings.dimension.count",
}
_OUTPUT_TYPES = {"text": "text", "json_object": "json", "json_schema": "json"}

METRIC_KEYS = (OPERATION, PROVIDER, REQUEST_MODEL, SERVER_ADDRESS, SERVER_PORT)
"""The request's attributes that the metrics carry too (the response model is added later)."""

Attributes = dict[str, Any]


def request_attributes(
    operation_id: str, body: Mapping[str, Any], client: Mistral, url: str
) -> Attributes:
    """The span's attributes known before the call is sent."""
    attributes: Attributes = {
        OPERATION: operation_name(operation_id, body),
        PROVIDER: provider_name(client),
        OPERATION_ID: operation_id,
    }
    server = _server(url)
    if server is not None:
        attributes[SERVER_ADDRESS], attributes[SERVER_PORT] = server
    model = body.get("model")
    if isinstance(model, str):
        attributes[REQUEST_MODEL] = model
    agent = body.get("agent_id")
    if isinstance(agent, str):
        attributes[AGENT_ID] = agent
    if attributes[OPERATION] == "create_agent" and isinstance(body.get("name"), str):
        attributes[AGENT_NAME] = body["name"]
    for field, key in _NUMBERS.items():
        value = body.get(field)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            attributes[key] = float(value)
    for field, key in _INTEGERS.items():
        value = body.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            attributes[key] = value
    choices = body.get("n")
    if isinstance(choices, int) and not isinstance(choices, bool) and choices != 1:
        attributes["gen_ai.request.choice.count"] = choices
    stop = body.get("stop")
    if isinstance(stop, str):
        stop = [stop]
    if is_array(stop) and all(isinstance(item, str) for item in stop):
        attributes["gen_ai.request.stop_sequences"] = stop
    output = _OUTPUT_TYPES.get(str(field_of(body.get("response_format"), "type")))
    if output is not None:
        attributes["gen_ai.output.type"] = output
    encoding = body.get("encoding_format")
    if isinstance(encoding, str):
        attributes["gen_ai.request.encoding_formats"] = [encoding]
    if body.get("stream") is True:
        attributes["gen_ai.request.stream"] = True
    return attributes


def operation_name(operation_id: str, body: Mapping[str, Any]) -> str:
    """The conventions' ``gen_ai.operation.name``: ``chat``, ``embeddings``... or the id."""
    name = OPERATIONS.get(operation_id, operation_id)
    if name == "chat" and operation_id.startswith(_CONVERSATIONS) and body.get("agent_id"):
        return "invoke_agent"
    return name


def provider_name(client: Mistral) -> str:
    """``mistral_ai``, or the conventions' name of the cloud serving the client's calls."""
    provider = client._provider
    if provider is None:
        return MISTRAL_AI
    return PROVIDERS.get(provider.name, provider.name)


def span_name(attributes: Attributes) -> str:
    """``{operation} {model}``; an agent's operations name the agent instead."""
    operation = attributes[OPERATION]
    target = attributes.get(REQUEST_MODEL)
    if operation == "create_agent":
        target = attributes.get(AGENT_NAME, target)
    elif operation == "invoke_agent":
        target = attributes.get(AGENT_ID, target)
    return f"{operation} {target}" if target else operation


@functools.lru_cache(maxsize=64)
def _server(url: str) -> tuple[str, int] | None:
    """``server.address`` and ``server.port`` (the scheme's when the URL has none); a
    client's calls go to a few URLs, so each is split once."""
    parts = urlsplit(url)
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or (80 if parts.scheme == "http" else 443)


def response_attributes(result: Any) -> Attributes:
    """What an answer says of itself: its id, model, finish reasons, usage, conversation.

    ``result`` is a model, the JSON of an operation without one, or anything else (a
    download), of which nothing is read.
    """
    attributes: Attributes = {}
    for field, key in (
        ("id", "gen_ai.response.id"),
        ("model", RESPONSE_MODEL),
        ("conversation_id", "gen_ai.conversation.id"),
    ):
        value = field_of(result, field)
        if isinstance(value, str):
            attributes[key] = value
    choices = field_of(result, "choices")
    if is_array(choices):
        reasons = [field_of(choice, "finish_reason") for choice in choices]
        attributes["gen_ai.response.finish_reasons"] = [str(r) for r in reasons if r]
    usage = field_of(result, "usage")
    tokens = [field_of(usage, "prompt_tokens"), field_of(usage, "completion_tokens")]
    if any(isinstance(count, int) and count > 0 for count in tokens):  # 0 and 0: not counted
        for key, count in zip((INPUT_TOKENS, OUTPUT_TOKENS), tokens, strict=True):
            if isinstance(count, int):
                attributes[key] = count
    return attributes


def field_of(value: Any, name: str) -> Any:
    """A field of a model or of a JSON object; ``None`` when unset or not there."""
    if isinstance(value, Model):
        found = getattr(value, name, None)
        return None if found is UNSET else found
    return value.get(name) if is_mapping(value) else None


def error_type(error: BaseException) -> str:
    """``error.type``: the status of an API error (``"429"``), else the error's class name.

    A stream's error event is named by its class: its status is the stream's own 200.
    """
    if isinstance(error, APIError) and not isinstance(error, StreamError):
        return str(error.status_code)
    return type(error).__qualname__
