"""The models of the chat completion API, following the schemas of the OpenAPI spec.

One ``attrs`` class per object schema, one :class:`~mistral_core.models.OpenEnum` per string
enum, one ``Annotated[... | UnknownVariant, Tagged(...)]`` alias per discriminated union,
built with the conventions of :mod:`mistral_core.models`: optional fields default to
:data:`~mistral_core.models.UNSET` (not sent), nullable ones also accept ``None`` (sent as
``null``), enums are open (``Enum | str``).
"""

from typing import Annotated, Any, Literal

import attrs

from mistral_core.models import UNSET, Model, OpenEnum, Tagged, UnknownVariant, Unset

__all__ = [
    "APIKeyAuth",
    "AssistantMessage",
    "AudioChunk",
    "Authorization",
    "BuiltInConnectors",
    "ChatCompletionChoice",
    "ChatCompletionRequest",
    "ChatCompletionResponse",
    "ChatCompletionResponseBase",
    "CodeInterpreterTool",
    "CompletionChunk",
    "CompletionEvent",
    "CompletionResponseStreamChoice",
    "ContentChunk",
    "CustomConnector",
    "DeltaMessage",
    "DocumentLibraryTool",
    "DocumentURLChunk",
    "FileChunk",
    "FinishReason",
    "Function",
    "FunctionCall",
    "FunctionName",
    "GuardrailConfig",
    "HTTPValidationError",
    "ImageDetail",
    "ImageGenerationTool",
    "ImageURL",
    "ImageURLChunk",
    "JsonSchema",
    "Messages",
    "MistralPromptMode",
    "ModerationLLMAction",
    "ModerationLLMV1CategoryThresholds",
    "ModerationLLMV1Config",
    "ModerationLLMV2CategoryThresholds",
    "ModerationLLMV2Config",
    "OAuth2TokenAuth",
    "Prediction",
    "ReasoningEffort",
    "ReferenceChunk",
    "RequestedServiceTier",
    "ResponseBase",
    "ResponseFormat",
    "ResponseFormats",
    "SystemMessage",
    "SystemMessageContentChunks",
    "TextChunk",
    "ThinkChunk",
    "ThinkingChunk",
    "Tool",
    "ToolCall",
    "ToolChoice",
    "ToolChoiceEnum",
    "ToolConfiguration",
    "ToolMessage",
    "ToolReferenceChunk",
    "ToolTypes",
    "Tools",
    "UsageInfo",
    "UserMessage",
    "ValidationError",
    "WebSearchPremiumTool",
    "WebSearchTool",
]


class BuiltInConnectors(OpenEnum):
    """The built-in tools."""

    WEB_SEARCH = "web_search"
    WEB_SEARCH_PREMIUM = "web_search_premium"
    CODE_INTERPRETER = "code_interpreter"
    IMAGE_GENERATION = "image_generation"
    DOCUMENT_LIBRARY = "document_library"


class ImageDetail(OpenEnum):
    """How closely the model looks at an image."""

    LOW = "low"
    AUTO = "auto"
    HIGH = "high"


class ToolTypes(OpenEnum):
    """The kinds of tool."""

    FUNCTION = "function"


class ResponseFormats(OpenEnum):
    """The formats the model can answer in."""

    TEXT = "text"
    JSON_OBJECT = "json_object"
    JSON_SCHEMA = "json_schema"


class ToolChoiceEnum(OpenEnum):
    """Whether the model must, may or must not call tools."""

    AUTO = "auto"
    NONE = "none"
    ANY = "any"
    REQUIRED = "required"


class ReasoningEffort(OpenEnum):
    """How much the model reasons before answering."""

    NONE = "none"
    MINIMAL = "minimal"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    XHIGH = "xhigh"


class MistralPromptMode(OpenEnum):
    """Available options to the prompt_mode argument on the chat completion endpoint.

    Values represent high-level intent. Assignment to actual SPs is handled internally.

    System prompt may include knowledge cutoff date, model capabilities, tone to use, safety
    guidelines, etc.
    """

    REASONING = "reasoning"


class ModerationLLMAction(OpenEnum):
    """What a moderation guardrail does when a score is above its threshold."""

    NONE = "none"
    BLOCK = "block"


class RequestedServiceTier(OpenEnum):
    """The capacity a request is served with."""

    AUTO = "auto"
    STANDARD_ONLY = "standard_only"


class FinishReason(OpenEnum):
    """Why the model stopped generating.

    The union of the ChatCompletionChoice.finish_reason and
    CompletionResponseStreamChoice.finish_reason enums of the spec (`model_length` is only listed
    for the former; a streamed choice that has not finished has null).
    """

    STOP = "stop"
    LENGTH = "length"
    MODEL_LENGTH = "model_length"
    ERROR = "error"
    TOOL_CALLS = "tool_calls"


@attrs.define(kw_only=True)
class TextChunk(Model):
    """A chunk of text."""

    type: Literal["text"] = "text"
    text: str


@attrs.define(kw_only=True)
class ToolReferenceChunk(Model):
    """A source consulted by a tool, referenced in the model's reasoning."""

    type: Literal["tool_reference"] = "tool_reference"
    tool: BuiltInConnectors | str
    title: str
    url: str | Unset | None = UNSET
    favicon: str | Unset | None = UNSET
    description: str | Unset | None = UNSET


@attrs.define(kw_only=True)
class ReferenceChunk(Model):
    """References to sources, by id."""

    type: Literal["reference"] = "reference"
    reference_ids: list[int | str]


# The spec gives ThinkChunk.thinking items as an anyOf without a discriminator, but all three
# variants carry a distinct `type` tag: modelled as a tagged union so that a chunk kind added later
# is kept (UnknownVariant) instead of failing.
ThinkingChunk = Annotated[
    TextChunk | ToolReferenceChunk | ReferenceChunk | UnknownVariant, Tagged("type")
]
"""A chunk of the model's reasoning, by `type`."""


@attrs.define(kw_only=True)
class ThinkChunk(Model):
    """A chunk of the model's reasoning."""

    type: Literal["thinking"] = "thinking"
    thinking: list[ThinkingChunk]
    signature: str | Unset | None = UNSET
    """Signature to replay some reasoning blocks across turns."""
    closed: bool | Unset = UNSET
    """Whether the thinking chunk is closed or not. Currently only used for prefixing. Server
    default: true.
    """


SystemMessageContentChunks = Annotated[TextChunk | ThinkChunk | UnknownVariant, Tagged("type")]
"""A chunk of system message content, by `type`."""


@attrs.define(kw_only=True)
class SystemMessage(Model):
    """A system message: instructions that steer the model."""

    role: Literal["system"] = "system"
    content: str | list[SystemMessageContentChunks]


@attrs.define(kw_only=True)
class ImageURL(Model):
    """An image URL, with how closely the model should look at the image."""

    url: str
    detail: ImageDetail | str | Unset | None = UNSET


@attrs.define(kw_only=True)
class ImageURLChunk(Model):
    """{"type":"image_url","image_url":"data:image/png;base64,iVBORw0"}"""

    type: Literal["image_url"] = "image_url"
    image_url: ImageURL | str


@attrs.define(kw_only=True)
class DocumentURLChunk(Model):
    """A document, by URL."""

    type: Literal["document_url"] = "document_url"
    document_url: str
    document_name: str | Unset | None = UNSET
    """The filename of the document"""


@attrs.define(kw_only=True)
class FileChunk(Model):
    """A file uploaded through the Files API, by id."""

    type: Literal["file"] = "file"
    file_id: str


@attrs.define(kw_only=True)
class AudioChunk(Model):
    """An audio input."""

    type: Literal["input_audio"] = "input_audio"
    input_audio: str


ContentChunk = Annotated[
    TextChunk
    | ImageURLChunk
    | DocumentURLChunk
    | ReferenceChunk
    | FileChunk
    | ThinkChunk
    | AudioChunk
    | UnknownVariant,
    Tagged("type"),
]
"""A chunk of message content, by `type`."""


@attrs.define(kw_only=True)
class UserMessage(Model):
    """A message from the user."""

    role: Literal["user"] = "user"
    content: str | list[ContentChunk] | None


@attrs.define(kw_only=True)
class FunctionCall(Model):
    """The function a tool call calls, with its arguments."""

    name: str
    arguments: dict[str, Any] | str


@attrs.define(kw_only=True)
class ToolCall(Model):
    """A call of a tool by the model."""

    id: str | Unset = UNSET
    """Server default: "null"."""
    type: ToolTypes | str | Unset = UNSET
    """Server default: "function"."""
    function: FunctionCall
    index: int | Unset = UNSET
    """Server default: 0."""


@attrs.define(kw_only=True)
class AssistantMessage(Model):
    """A message from the model (or a prefix for it to continue)."""

    role: Literal["assistant"] = "assistant"
    content: str | list[ContentChunk] | Unset | None = UNSET
    tool_calls: list[ToolCall] | Unset | None = UNSET
    prefix: bool | Unset = UNSET
    """Set this to `true` when adding an assistant message as prefix to condition the model
    response. The role of the prefix message is to force the model to start its answer by the
    content of the message. Server default: false.
    """


@attrs.define(kw_only=True)
class ToolMessage(Model):
    """The result of a tool call, sent back to the model."""

    role: Literal["tool"] = "tool"
    content: str | list[ContentChunk] | None
    tool_call_id: str | Unset | None = UNSET
    name: str | Unset | None = UNSET


Messages = Annotated[
    SystemMessage | UserMessage | AssistantMessage | ToolMessage | UnknownVariant, Tagged("role")
]
"""A message of a conversation, by `role`."""


@attrs.define(kw_only=True)
class JsonSchema(Model):
    """A JSON schema the model's answer must follow."""

    name: str
    description: str | Unset | None = UNSET
    schema: dict[str, Any]
    strict: bool | Unset = UNSET
    """Server default: false."""


@attrs.define(kw_only=True)
class ResponseFormat(Model):
    """Specify the format that the model must output. By default it will use `{ "type": "text" }`.
    Setting to `{ "type": "json_object" }` enables JSON mode, which guarantees the message the model
    generates is in JSON. When using JSON mode you MUST also instruct the model to produce JSON
    yourself with a system or a user message. Setting to `{ "type": "json_schema" }` enables JSON
    schema mode, which guarantees the message the model generates is in JSON and follows the schema
    you provide.
    """

    type: ResponseFormats | str | Unset = UNSET
    """Server default: "text"."""
    json_schema: JsonSchema | Unset | None = UNSET


@attrs.define(kw_only=True)
class Function(Model):
    """A function definition: name, description and the JSON schema of its parameters."""

    name: str
    description: str | Unset = UNSET
    """Server default: ""."""
    strict: bool | Unset = UNSET
    """Server default: false."""
    parameters: dict[str, Any]


@attrs.define(kw_only=True)
class Tool(Model):
    """A function the model may call."""

    type: ToolTypes | str = ToolTypes.FUNCTION
    function: Function


@attrs.define(kw_only=True)
class ToolConfiguration(Model):
    """Which functions of a tool to include, exclude or confirm first."""

    exclude: list[str] | Unset | None = UNSET
    include: list[str] | Unset | None = UNSET
    requires_confirmation: list[str] | Unset | None = UNSET


@attrs.define(kw_only=True)
class WebSearchTool(Model):
    """The built-in web search tool."""

    tool_configuration: ToolConfiguration | Unset | None = UNSET
    type: Literal["web_search"] = "web_search"


@attrs.define(kw_only=True)
class WebSearchPremiumTool(Model):
    """The built-in premium web search tool."""

    tool_configuration: ToolConfiguration | Unset | None = UNSET
    type: Literal["web_search_premium"] = "web_search_premium"


@attrs.define(kw_only=True)
class CodeInterpreterTool(Model):
    """The built-in code interpreter tool."""

    tool_configuration: ToolConfiguration | Unset | None = UNSET
    type: Literal["code_interpreter"] = "code_interpreter"


@attrs.define(kw_only=True)
class ImageGenerationTool(Model):
    """The built-in image generation tool."""

    tool_configuration: ToolConfiguration | Unset | None = UNSET
    type: Literal["image_generation"] = "image_generation"


@attrs.define(kw_only=True)
class DocumentLibraryTool(Model):
    """The built-in document library search tool."""

    tool_configuration: ToolConfiguration | Unset | None = UNSET
    type: Literal["document_library"] = "document_library"
    library_ids: list[str]
    """Ids of the library in which to search. At least 1 item."""


@attrs.define(kw_only=True)
class OAuth2TokenAuth(Model):
    """Authorization by OAuth2 token."""

    type: Literal["oauth2-token"] = "oauth2-token"
    value: str


@attrs.define(kw_only=True)
class APIKeyAuth(Model):
    """Authorization by API key."""

    type: Literal["api-key"] = "api-key"
    value: str


Authorization = Annotated[OAuth2TokenAuth | APIKeyAuth | UnknownVariant, Tagged("type")]
"""How a custom connector authorizes its calls, by `type`."""


@attrs.define(kw_only=True)
class CustomConnector(Model):
    """A custom connector, by id."""

    type: Literal["connector"] = "connector"
    connector_id: str
    authorization: Authorization | Unset | None = UNSET
    tool_configuration: ToolConfiguration | Unset | None = UNSET


Tools = Annotated[
    Tool
    | WebSearchTool
    | WebSearchPremiumTool
    | CodeInterpreterTool
    | ImageGenerationTool
    | DocumentLibraryTool
    | CustomConnector
    | UnknownVariant,
    Tagged("type"),
]
"""A tool the model may use, by `type`."""


@attrs.define(kw_only=True)
class FunctionName(Model):
    """this restriction of `Function` is used to select a specific function to call"""

    name: str


@attrs.define(kw_only=True)
class ToolChoice(Model):
    """ToolChoice is either a ToolChoiceEnum or a ToolChoice"""

    type: ToolTypes | str | Unset = UNSET
    """Server default: "function"."""
    function: FunctionName


@attrs.define(kw_only=True)
class Prediction(Model):
    """Enable users to specify an expected completion, optimizing response times by leveraging known
    or predictable content.
    """

    type: Literal["content"] = "content"
    content: str | Unset = UNSET
    """Server default: ""."""


@attrs.define(kw_only=True)
class ModerationLLMV1CategoryThresholds(Model):
    """Score thresholds, by category, of the v1 moderation."""

    sexual: float | Unset | None = UNSET
    hate_and_discrimination: float | Unset | None = UNSET
    violence_and_threats: float | Unset | None = UNSET
    dangerous_and_criminal_content: float | Unset | None = UNSET
    selfharm: float | Unset | None = UNSET
    health: float | Unset | None = UNSET
    financial: float | Unset | None = UNSET
    law: float | Unset | None = UNSET
    pii: float | Unset | None = UNSET


@attrs.define(kw_only=True)
class ModerationLLMV1Config(Model):
    """Configuration of the v1 moderation guardrail."""

    model_name: str | Unset = UNSET
    """Override model name. Should be omitted in general. Server default: "mistral-moderation-2411".
    """
    custom_category_thresholds: ModerationLLMV1CategoryThresholds | Unset | None = UNSET
    ignore_other_categories: bool | Unset = UNSET
    """If true, only evaluate categories in custom_category_thresholds; others are ignored. Server
    default: false.
    """
    action: ModerationLLMAction | str | Unset = UNSET
    """Action to take if any score is above the threshold for any category. Server default: "none".
    """


@attrs.define(kw_only=True)
class ModerationLLMV2CategoryThresholds(Model):
    """Score thresholds, by category, of the v2 moderation."""

    sexual: float | Unset | None = UNSET
    hate_and_discrimination: float | Unset | None = UNSET
    violence_and_threats: float | Unset | None = UNSET
    dangerous: float | Unset | None = UNSET
    criminal: float | Unset | None = UNSET
    selfharm: float | Unset | None = UNSET
    health: float | Unset | None = UNSET
    financial: float | Unset | None = UNSET
    law: float | Unset | None = UNSET
    pii: float | Unset | None = UNSET
    jailbreaking: float | Unset | None = UNSET


@attrs.define(kw_only=True)
class ModerationLLMV2Config(Model):
    """Configuration of the v2 moderation guardrail."""

    model_name: str | Unset = UNSET
    """Override model name. Should be omitted in general. Server default: "mistral-moderation-2603".
    """
    custom_category_thresholds: ModerationLLMV2CategoryThresholds | Unset | None = UNSET
    ignore_other_categories: bool | Unset = UNSET
    """If true, only evaluate categories in custom_category_thresholds; others are ignored. Server
    default: false.
    """
    action: ModerationLLMAction | str | Unset = UNSET
    """Action to take if any score is above the threshold for any category. Server default: "none".
    """


@attrs.define(kw_only=True)
class GuardrailConfig(Model):
    """The guardrails applied to a request."""

    block_on_error: bool | Unset = UNSET
    """If true, return HTTP 403 and block request in the event of a server-side error. Server
    default: false.
    """
    moderation_llm_v1: ModerationLLMV1Config | Unset | None = UNSET
    moderation_llm_v2: ModerationLLMV2Config | Unset | None = UNSET


@attrs.define(kw_only=True)
class ChatCompletionRequest(Model):
    """The body of a chat completion request."""

    model: str
    """ID of the model to use. You can use the [List Available
    Models](/api/#tag/models/operation/list_models_v1_models_get) API to see all of your available
    models, or see our [Model overview](/models) for model descriptions.
    """
    temperature: float | Unset | None = UNSET
    """What sampling temperature to use, we recommend between 0.0 and 0.7. Higher values like 0.7
    will make the output more random, while lower values like 0.2 will make it more focused and
    deterministic. We generally recommend altering this or `top_p` but not both. The default value
    varies depending on the model you are targeting. Call the `/models` endpoint to retrieve the
    appropriate value. Between 0 and 1.5.
    """
    top_p: float | Unset | None = UNSET
    """Nucleus sampling, where the model considers the results of the tokens with `top_p`
    probability mass. So 0.1 means only the tokens comprising the top 10% probability mass are
    considered. We generally recommend altering this or `temperature` but not both. Greater than 0
    and at most 1.
    """
    max_tokens: int | Unset | None = UNSET
    """The maximum number of tokens to generate in the completion. The token count of your prompt
    plus `max_tokens` cannot exceed the model's context length. At least 0.
    """
    stream: bool | Unset = UNSET
    """Whether to stream back partial progress. If set, tokens will be sent as data-only server-side
    events as they become available, with the stream terminated by a data: [DONE] message.
    Otherwise, the server will hold the request open until the timeout or until completion, with the
    response containing the full result as JSON. Server default: false.
    """
    stop: str | list[str] | Unset | None = UNSET
    """Stop generation if this token is detected. Or if one of these tokens is detected when
    providing an array
    """
    random_seed: int | Unset | None = UNSET
    """The seed to use for random sampling. If set, different calls will generate deterministic
    results. At least 0.
    """
    metadata: dict[str, Any] | Unset | None = UNSET
    messages: list[Messages]
    """The prompt(s) to generate completions for, encoded as a list of dict with role and content.
    """
    response_format: ResponseFormat | Unset = UNSET
    tools: list[Tools] | Unset | None = UNSET
    """A list of tools the model may call. Use this to provide a list of functions the model may
    generate JSON inputs for.
    """
    tool_choice: ToolChoice | ToolChoiceEnum | str | Unset = UNSET
    """Controls which (if any) tool is called by the model. `none` means the model will not call any
    tool and instead generates a message. `auto` means the model can pick between generating a
    message or calling one or more tools. `any` or `required` means the model must call one or more
    tools. Specifying a particular tool via `{"type": "function", "function": {"name":
    "my_function"}}` forces the model to call that tool. Server default: "auto".
    """
    presence_penalty: float | Unset | None = UNSET
    """The `presence_penalty` determines how much the model penalizes the repetition of words or
    phrases. A higher presence penalty encourages the model to use a wider variety of words and
    phrases, making the output more diverse and creative. Between -2 and 2.
    """
    frequency_penalty: float | Unset | None = UNSET
    """The `frequency_penalty` penalizes the repetition of words based on their frequency in the
    generated text. A higher frequency penalty discourages the model from repeating words that have
    already appeared frequently in the output, promoting diversity and reducing repetition. Between
    -2 and 2.
    """
    n: int | Unset | None = UNSET
    """Number of completions to return for each request, input tokens are only billed once. At least
    1.
    """
    prediction: Prediction | Unset = UNSET
    """Enable users to specify expected results, optimizing response times by leveraging known or
    predictable content. This approach is especially effective for updating text documents or code
    files with minimal changes, reducing latency while maintaining high-quality results. Server
    default: {"type": "content", "content": ""}.
    """
    parallel_tool_calls: bool | Unset = UNSET
    """Whether to enable parallel function calling during tool use, when enabled the model can call
    multiple tools in parallel. Server default: true.
    """
    reasoning_effort: ReasoningEffort | str | Unset | None = UNSET
    prompt_mode: MistralPromptMode | str | Unset | None = UNSET
    """Allows toggling between the reasoning mode and no system prompt. When set to `reasoning` the
    system prompt for reasoning models will be used.
    """
    guardrails: list[GuardrailConfig] | Unset | None = UNSET
    prompt_cache_key: str | Unset | None = UNSET
    service_tier: RequestedServiceTier | str | Unset | None = UNSET
    """Determines whether to serve the request using priority or standard capacity."""
    safe_prompt: bool | Unset = UNSET
    """Whether to inject a safety prompt before all conversations. Server default: false."""


@attrs.define(kw_only=True)
class UsageInfo(Model):
    """How many tokens (and seconds of audio) a request used."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    prompt_audio_seconds: int | Unset | None = UNSET
    service_tier: str | Unset | None = UNSET
    """The service tier at which the request was processed: standard or priority."""


@attrs.define(kw_only=True)
class DeltaMessage(Model):
    """What a streamed chunk adds to a message."""

    role: str | Unset | None = UNSET
    content: str | list[ContentChunk] | Unset | None = UNSET
    tool_calls: list[ToolCall] | Unset | None = UNSET
    tool_call_id: str | Unset | None = UNSET
    index: int | Unset | None = UNSET
    """If the completion returns multiple messages, this is to specify which message this delta is
    for. At least 0.
    """
    metadata: dict[str, Any] | Unset | None = UNSET


@attrs.define(kw_only=True)
class ChatCompletionChoice(Model):
    """One completion of a chat completion response."""

    index: int
    message: AssistantMessage | Unset = UNSET
    messages: list[DeltaMessage] | Unset = UNSET
    finish_reason: FinishReason | str


@attrs.define(kw_only=True)
class ChatCompletionResponse(Model):
    """The response to a chat completion request (not streamed)."""

    # Flattened from allOf ChatCompletionResponseBase (itself allOf ResponseBase). The spec's
    # `required` also lists "data", which is not a property of this schema: ignored.

    id: str
    object: str
    model: str
    usage: UsageInfo
    created: int
    choices: list[ChatCompletionChoice]


@attrs.define(kw_only=True)
class ChatCompletionResponseBase(Model):
    """What chat completion responses have in common."""

    # Flattened from allOf ResponseBase.

    id: str | Unset = UNSET
    object: str | Unset = UNSET
    model: str | Unset = UNSET
    usage: UsageInfo | Unset = UNSET
    created: int | Unset = UNSET


@attrs.define(kw_only=True)
class ResponseBase(Model):
    """What responses have in common."""

    id: str | Unset = UNSET
    object: str | Unset = UNSET
    model: str | Unset = UNSET
    usage: UsageInfo | Unset = UNSET


@attrs.define(kw_only=True)
class CompletionResponseStreamChoice(Model):
    """What a streamed chunk adds to one completion."""

    index: int
    delta: DeltaMessage
    finish_reason: FinishReason | str | None


@attrs.define(kw_only=True)
class CompletionChunk(Model):
    """A chunk of a streamed chat completion."""

    id: str
    object: str | Unset = UNSET
    created: int | Unset = UNSET
    model: str
    usage: UsageInfo | Unset = UNSET
    choices: list[CompletionResponseStreamChoice]


@attrs.define(kw_only=True)
class CompletionEvent(Model):
    """A server-sent event of a streamed chat completion."""

    data: CompletionChunk


@attrs.define(kw_only=True)
class ValidationError(Model):
    """One problem found in the request."""

    loc: list[str | int]
    msg: str
    type: str
    input: Any | Unset = UNSET
    ctx: dict[str, Any] | Unset = UNSET


@attrs.define(kw_only=True)
class HTTPValidationError(Model):
    """The body of a 422 response: what is wrong with the request."""

    detail: list[ValidationError] | Unset = UNSET
