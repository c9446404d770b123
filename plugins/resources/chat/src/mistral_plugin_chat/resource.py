"""``client.chat``: chat completions, whole or streamed, sync or async."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mistral_core import UNSET, Operation, Unset
from mistral_core.resource import Resource, body_fields

if TYPE_CHECKING:  # the models are imported on the first call, not when client.chat mounts
    from typing_extensions import Unpack

    from mistral_core import AsyncEventStream, CallOptions, EventStream

    from .models import (
        ChatCompletionResponse,
        CompletionEvent,
        GuardrailConfig,
        Messages,
        MistralPromptMode,
        Prediction,
        ReasoningEffort,
        RequestedServiceTier,
        ResponseFormat,
        ToolChoice,
        ToolChoiceEnum,
        Tools,
    )

    Message = Messages | Mapping[str, Any]
    """A message as a model (``UserMessage(content=...)``) or as a dict with a ``role``."""
    Tool = Tools | Mapping[str, Any]

__all__ = ["Chat"]

CHAT_COMPLETION: Operation[ChatCompletionResponse, CompletionEvent] = Operation(
    id="chat_completion_v1_chat_completions_post",
    method="POST",
    path="/v1/chat/completions",
    models="mistral_plugin_chat.models",
    body="ChatCompletionRequest",
    returns="ChatCompletionResponse",
    events="CompletionEvent",
)


class Chat(Resource):
    """Chat completions (``POST /v1/chat/completions``).

    Every method takes the fields of ``ChatCompletionRequest`` as keyword arguments (see
    its docstrings for each one), dicts or models alike, and the per-call options of
    :class:`~mistral_core.CallOptions` (``retries``, ``timeout_ms``, ``http_headers``,
    ``server_url``, ``extra_headers``, ``extra_query``, ``extra_body``).
    """

    def complete(
        self,
        *,
        model: str,
        messages: Sequence[Message],
        temperature: float | Unset | None = UNSET,
        top_p: float | Unset | None = UNSET,
        max_tokens: int | Unset | None = UNSET,
        stop: str | Sequence[str] | Unset | None = UNSET,
        random_seed: int | Unset | None = UNSET,
        metadata: Mapping[str, Any] | Unset | None = UNSET,
        response_format: ResponseFormat | Mapping[str, Any] | Unset = UNSET,
        tools: Sequence[Tool] | Unset | None = UNSET,
        tool_choice: ToolChoice | ToolChoiceEnum | str | Mapping[str, Any] | Unset = UNSET,
        presence_penalty: float | Unset | None = UNSET,
        frequency_penalty: float | Unset | None = UNSET,
        n: int | Unset | None = UNSET,
        prediction: Prediction | Mapping[str, Any] | Unset = UNSET,
        parallel_tool_calls: bool | Unset = UNSET,
        reasoning_effort: ReasoningEffort | str | Unset | None = UNSET,
        prompt_mode: MistralPromptMode | str | Unset | None = UNSET,
        guardrails: Sequence[GuardrailConfig | Mapping[str, Any]] | Unset | None = UNSET,
        prompt_cache_key: str | Unset | None = UNSET,
        service_tier: RequestedServiceTier | str | Unset | None = UNSET,
        safe_prompt: bool | Unset = UNSET,
        **options: Unpack[CallOptions],
    ) -> ChatCompletionResponse:
        """Generate the next message of a conversation."""
        return self._call(CHAT_COMPLETION, body_fields(locals()), options)

    async def complete_async(
        self,
        *,
        model: str,
        messages: Sequence[Message],
        temperature: float | Unset | None = UNSET,
        top_p: float | Unset | None = UNSET,
        max_tokens: int | Unset | None = UNSET,
        stop: str | Sequence[str] | Unset | None = UNSET,
        random_seed: int | Unset | None = UNSET,
        metadata: Mapping[str, Any] | Unset | None = UNSET,
        response_format: ResponseFormat | Mapping[str, Any] | Unset = UNSET,
        tools: Sequence[Tool] | Unset | None = UNSET,
        tool_choice: ToolChoice | ToolChoiceEnum | str | Mapping[str, Any] | Unset = UNSET,
        presence_penalty: float | Unset | None = UNSET,
        frequency_penalty: float | Unset | None = UNSET,
        n: int | Unset | None = UNSET,
        prediction: Prediction | Mapping[str, Any] | Unset = UNSET,
        parallel_tool_calls: bool | Unset = UNSET,
        reasoning_effort: ReasoningEffort | str | Unset | None = UNSET,
        prompt_mode: MistralPromptMode | str | Unset | None = UNSET,
        guardrails: Sequence[GuardrailConfig | Mapping[str, Any]] | Unset | None = UNSET,
        prompt_cache_key: str | Unset | None = UNSET,
        service_tier: RequestedServiceTier | str | Unset | None = UNSET,
        safe_prompt: bool | Unset = UNSET,
        **options: Unpack[CallOptions],
    ) -> ChatCompletionResponse:
        """Generate the next message of a conversation, without blocking the event loop."""
        return await self._call_async(CHAT_COMPLETION, body_fields(locals()), options)

    def stream(
        self,
        *,
        model: str,
        messages: Sequence[Message],
        temperature: float | Unset | None = UNSET,
        top_p: float | Unset | None = UNSET,
        max_tokens: int | Unset | None = UNSET,
        stop: str | Sequence[str] | Unset | None = UNSET,
        random_seed: int | Unset | None = UNSET,
        metadata: Mapping[str, Any] | Unset | None = UNSET,
        response_format: ResponseFormat | Mapping[str, Any] | Unset = UNSET,
        tools: Sequence[Tool] | Unset | None = UNSET,
        tool_choice: ToolChoice | ToolChoiceEnum | str | Mapping[str, Any] | Unset = UNSET,
        presence_penalty: float | Unset | None = UNSET,
        frequency_penalty: float | Unset | None = UNSET,
        n: int | Unset | None = UNSET,
        prediction: Prediction | Mapping[str, Any] | Unset = UNSET,
        parallel_tool_calls: bool | Unset = UNSET,
        reasoning_effort: ReasoningEffort | str | Unset | None = UNSET,
        prompt_mode: MistralPromptMode | str | Unset | None = UNSET,
        guardrails: Sequence[GuardrailConfig | Mapping[str, Any]] | Unset | None = UNSET,
        prompt_cache_key: str | Unset | None = UNSET,
        service_tier: RequestedServiceTier | str | Unset | None = UNSET,
        safe_prompt: bool | Unset = UNSET,
        **options: Unpack[CallOptions],
    ) -> EventStream[CompletionEvent]:
        """Stream the next message of a conversation as it is generated.

        Iterate the result (best in a ``with`` block) for ``CompletionEvent`` items; the
        connection is released when the stream ends or the block or loop is left.
        """
        return self._stream(CHAT_COMPLETION, {**body_fields(locals()), "stream": True}, options)

    async def stream_async(
        self,
        *,
        model: str,
        messages: Sequence[Message],
        temperature: float | Unset | None = UNSET,
        top_p: float | Unset | None = UNSET,
        max_tokens: int | Unset | None = UNSET,
        stop: str | Sequence[str] | Unset | None = UNSET,
        random_seed: int | Unset | None = UNSET,
        metadata: Mapping[str, Any] | Unset | None = UNSET,
        response_format: ResponseFormat | Mapping[str, Any] | Unset = UNSET,
        tools: Sequence[Tool] | Unset | None = UNSET,
        tool_choice: ToolChoice | ToolChoiceEnum | str | Mapping[str, Any] | Unset = UNSET,
        presence_penalty: float | Unset | None = UNSET,
        frequency_penalty: float | Unset | None = UNSET,
        n: int | Unset | None = UNSET,
        prediction: Prediction | Mapping[str, Any] | Unset = UNSET,
        parallel_tool_calls: bool | Unset = UNSET,
        reasoning_effort: ReasoningEffort | str | Unset | None = UNSET,
        prompt_mode: MistralPromptMode | str | Unset | None = UNSET,
        guardrails: Sequence[GuardrailConfig | Mapping[str, Any]] | Unset | None = UNSET,
        prompt_cache_key: str | Unset | None = UNSET,
        service_tier: RequestedServiceTier | str | Unset | None = UNSET,
        safe_prompt: bool | Unset = UNSET,
        **options: Unpack[CallOptions],
    ) -> AsyncEventStream[CompletionEvent]:
        """Stream the next message of a conversation without blocking the event loop."""
        stream = {**body_fields(locals()), "stream": True}
        return await self._stream_async(CHAT_COMPLETION, stream, options)
