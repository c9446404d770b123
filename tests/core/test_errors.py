"""Error responses of chat calls: which class is raised, what it carries, what it says.

Also: success responses this client cannot read, and credentials (missing, from the
environment, from a function) and that the API key never shows up in an error or a repr.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from mistral_core import (
    APIError,
    AuthenticationError,
    BadRequestError,
    BearerAuth,
    ConflictError,
    HTTPValidationError,
    InternalServerError,
    MissingCredentialsError,
    Mistral,
    MistralError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    SDKError,
)
from tests.payloads import API_KEY, CHAT_PATH, chat_response, user_says

MODEL = "mistral-small-latest"
REQUEST_ID = "b7d1f4a2c3e94c6f"

VALIDATION_DETAIL = [
    {"loc": ["body", "messages", 0, "role"], "msg": "Input should be 'user'", "type": "literal"},
    {"loc": ["body", "temperature"], "msg": "Input should be <= 1.5", "type": "less_than_equal"},
]


def complete(client: Mistral, **options: Any) -> Any:
    return client.chat.complete(model=MODEL, messages=user_says(), **options)


def raised_by(
    client: Mistral, api: respx.MockRouter, response: httpx.Response, **options: Any
) -> MistralError:
    """The error ``complete`` raises when the API answers ``response`` (without retries)."""
    api.post(CHAT_PATH).mock(return_value=response)
    with pytest.raises(MistralError) as info:
        complete(client, retries=None, **options)
    return info.value


def assert_no_key(*texts: str) -> None:
    for text in texts:
        assert API_KEY not in text
        assert API_KEY[3:15] not in text  # not even part of it


# --------------------------------------------------------------------------------------------
# Status to class


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, HTTPValidationError),
        (429, RateLimitError),
        (500, InternalServerError),
        (501, InternalServerError),
        (503, InternalServerError),
        (418, APIError),
        (402, APIError),
    ],
)
def test_status_maps_to_error_class(
    client: Mistral, api: respx.MockRouter, status: int, error_class: type[APIError]
) -> None:
    response = httpx.Response(
        status,
        json={"message": "the server says no"},
        headers={"x-request-id": REQUEST_ID, "x-other": "1"},
    )

    error = raised_by(client, api, response)

    assert type(error) is error_class
    assert isinstance(error, APIError)
    assert isinstance(error, SDKError)
    assert isinstance(error, MistralError)
    assert error.status_code == status
    assert error.message == "the server says no"
    assert error.body == {"message": "the server says no"}
    assert error.headers["x-other"] == "1"
    assert isinstance(error.response, httpx.Response)
    assert error.response.status_code == status
    assert error.request_id == REQUEST_ID
    text = str(error)
    assert str(status) in text
    assert "the server says no" in text
    assert REQUEST_ID in text
    assert repr(error) == (
        f"{error_class.__name__}(status_code={status}, message='the server says no')"
    )


def test_sdk_error_is_api_error() -> None:
    assert SDKError is APIError
    assert issubclass(APIError, MistralError)


def test_request_id_absent(client: Mistral, api: respx.MockRouter) -> None:
    error = raised_by(client, api, httpx.Response(400, json={"message": "bad"}))

    assert isinstance(error, BadRequestError)
    assert error.request_id is None
    assert str(error) == "400 bad"


def test_422_detail_is_the_parsed_list(client: Mistral, api: respx.MockRouter) -> None:
    response = httpx.Response(
        422, json={"detail": VALIDATION_DETAIL}, headers={"x-request-id": REQUEST_ID}
    )

    error = raised_by(client, api, response)

    assert isinstance(error, HTTPValidationError)
    assert error.detail == VALIDATION_DETAIL
    assert {"loc", "msg", "type"} <= error.detail[0].keys()
    assert error.detail[1]["loc"] == ["body", "temperature"]
    assert "Input should be <= 1.5" in str(error)
    assert "422" in str(error)


def test_the_official_sdk_s_names_of_the_error_s_parts(
    client: Mistral, api: respx.MockRouter
) -> None:
    response = httpx.Response(422, json={"detail": VALIDATION_DETAIL})

    error = raised_by(client, api, response)

    assert isinstance(error, HTTPValidationError)
    assert error.data.detail == error.detail == VALIDATION_DETAIL
    assert error.raw_response is error.response
    assert error.raw_response.status_code == error.status_code == 422


@pytest.mark.parametrize(
    "body",
    [{"detail": "Unprocessable"}, {"message": "nope"}, {}],
    ids=["detail-string", "message", "empty-object"],
)
def test_422_detail_is_an_empty_list_when_not_a_list(
    client: Mistral, api: respx.MockRouter, body: dict[str, Any]
) -> None:
    error = raised_by(client, api, httpx.Response(422, json=body))

    assert isinstance(error, HTTPValidationError)
    assert error.detail == []


def test_422_detail_with_text_body(client: Mistral, api: respx.MockRouter) -> None:
    error = raised_by(client, api, httpx.Response(422, text="unprocessable entity"))

    assert isinstance(error, HTTPValidationError)
    assert error.detail == []
    assert error.message == "unprocessable entity"


# --------------------------------------------------------------------------------------------
# Body shapes


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"message": "Invalid model: foo"}, "Invalid model: foo"),
        ({"detail": "Not authenticated"}, "Not authenticated"),
        ({"error": {"message": "quota exceeded", "code": 3505}}, "quota exceeded"),
        ({"error": "plain error string"}, "plain error string"),
        (
            {
                "object": "error",
                "message": "Invalid model: mistral-huge",
                "type": "invalid_model",
                "param": None,
                "code": "1500",
            },
            "Invalid model: mistral-huge",
        ),
    ],
    ids=["message", "detail", "error-object", "error-string", "mistral-error-object"],
)
def test_json_body_shapes_give_the_servers_message(
    client: Mistral, api: respx.MockRouter, body: dict[str, Any], message: str
) -> None:
    response = httpx.Response(400, json=body, headers={"x-request-id": REQUEST_ID})

    error = raised_by(client, api, response)

    assert isinstance(error, BadRequestError)
    assert error.message == message
    assert error.body == body
    assert str(error) == f"400 {message} (request id: {REQUEST_ID})"


def test_mistral_error_object_keeps_type_and_code_in_body(
    client: Mistral, api: respx.MockRouter
) -> None:
    body = {"object": "error", "message": "m", "type": "invalid_request", "code": "3051"}

    error = raised_by(client, api, httpx.Response(404, json=body))

    assert isinstance(error, NotFoundError)
    assert error.body["type"] == "invalid_request"
    assert error.body["code"] == "3051"


def test_unknown_json_shape_is_shown_as_json(client: Mistral, api: respx.MockRouter) -> None:
    error = raised_by(client, api, httpx.Response(400, json={"oops": [1, 2]}))

    assert error.message == '{"oops": [1, 2]}'


def test_html_body_message_is_the_text(client: Mistral, api: respx.MockRouter) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    response = httpx.Response(
        502, text=f"\n  {page}\n", headers={"content-type": "text/html", "x-request-id": "rq"}
    )

    error = raised_by(client, api, response)

    assert isinstance(error, InternalServerError)
    assert error.message == page
    assert error.body == f"\n  {page}\n"
    assert page in str(error)
    assert "rq" in str(error)


@pytest.mark.parametrize(
    ("status", "reason"),
    [(400, "Bad Request"), (404, "Not Found"), (500, "Internal Server Error")],
)
def test_empty_body_message_is_the_reason_phrase(
    client: Mistral, api: respx.MockRouter, status: int, reason: str
) -> None:
    error = raised_by(client, api, httpx.Response(status, content=b""))

    assert error.message == reason
    assert str(error) == f"{status} {reason}"


def test_whitespace_body_message_is_the_reason_phrase(
    client: Mistral, api: respx.MockRouter
) -> None:
    error = raised_by(client, api, httpx.Response(403, content=b"  \n"))

    assert isinstance(error, PermissionDeniedError)
    assert error.message == "Forbidden"


def test_empty_body_with_unknown_status_has_a_clear_message(
    client: Mistral, api: respx.MockRouter
) -> None:
    error = raised_by(client, api, httpx.Response(499, content=b""))

    assert type(error) is APIError
    assert error.message  # never an empty message
    assert str(error).startswith("499 ")
    assert len(str(error)) > len("499 ")


def test_truncated_json_message_is_the_text(client: Mistral, api: respx.MockRouter) -> None:
    error = raised_by(client, api, httpx.Response(400, content=b'{"message": "abc'))

    assert error.message == '{"message": "abc'
    assert error.body == '{"message": "abc'


def test_non_utf8_body_does_not_break_the_error(client: Mistral, api: respx.MockRouter) -> None:
    error = raised_by(client, api, httpx.Response(400, content=b"bad \xff\xfe byte"))

    assert error.message.startswith("bad ")
    assert error.message.endswith(" byte")


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(httpx.Response(500, text="x" * 20_000), id="text"),
        pytest.param(httpx.Response(500, text="<html>" + "y" * 20_000), id="html"),
        pytest.param(httpx.Response(500, json={"detail": [{"msg": "z" * 100}] * 200}), id="list"),
        pytest.param(httpx.Response(500, json={"unknown": "w" * 20_000}), id="unknown-shape"),
        pytest.param(httpx.Response(500, json={"message": "v" * 20_000}), id="long-message"),
    ],
)
def test_very_long_bodies_are_truncated_in_the_message(
    client: Mistral, api: respx.MockRouter, response: httpx.Response
) -> None:
    error = raised_by(client, api, response)

    assert len(error.message) <= 501
    assert error.message.endswith("…")
    assert len(str(error)) < 600
    assert len(error.response.content) > 10_000  # the full body stays available


# --------------------------------------------------------------------------------------------
# The API key never shows


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(401, json={"message": "Unauthorized"}),
        httpx.Response(401, json={"detail": "Invalid API key"}),
        httpx.Response(403, text="<html>Forbidden</html>"),
        httpx.Response(422, json={"detail": VALIDATION_DETAIL}),
        httpx.Response(429, content=b""),
        httpx.Response(500, content=b'{"message": "abc'),
        httpx.Response(200, text="<html>not json</html>"),
        httpx.Response(200, json={"id": "x"}),
    ],
    ids=["401", "401-detail", "403-html", "422", "429-empty", "500-truncated", "200-html", "200"],
)
def test_api_key_never_appears_in_errors(
    client: Mistral, api: respx.MockRouter, response: httpx.Response
) -> None:
    error = raised_by(client, api, response)

    texts = [str(error), repr(error), *(str(arg) for arg in error.args)]
    if isinstance(error, APIError):
        texts += [error.message, str(error.body), str(dict(error.headers))]
    assert_no_key(*texts)
    # The key was sent, so its absence above means something.
    assert api.calls.last.request.headers["authorization"] == f"Bearer {API_KEY}"


def test_api_key_never_appears_in_client_reprs(client: Mistral) -> None:
    assert_no_key(
        str(client),
        repr(client),
        repr(client._auth),
        str(client._auth),
        repr(client.chat),
        repr(client._config),
        repr(client.with_options(timeout_ms=1_000)),
    )
    assert repr(client._auth) == "BearerAuth(api_key=<hidden>)"


def test_callable_api_key_is_hidden_too() -> None:
    auth = BearerAuth(lambda: API_KEY)
    assert_no_key(repr(auth), str(auth))


def test_missing_credentials_message_does_not_leak_anything(
    api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    with Mistral() as client, pytest.raises(MissingCredentialsError) as info:
        complete(client)
    assert "MISTRAL_API_KEY" in str(info.value)
    assert "api_key" in str(info.value)


# --------------------------------------------------------------------------------------------
# Success responses that cannot be read


def test_200_html_is_a_response_validation_error(client: Mistral, api: respx.MockRouter) -> None:
    response = httpx.Response(
        200,
        text="<html><body>Maintenance</body></html>",
        headers={"content-type": "text/html; charset=utf-8", "x-request-id": REQUEST_ID},
    )

    error = raised_by(client, api, response)

    assert isinstance(error, ResponseValidationError)
    assert not isinstance(error, APIError)
    assert "not JSON" in str(error)
    assert "text/html" in str(error)
    assert error.info is not None
    assert error.info.status_code == 200
    assert error.info.headers["x-request-id"] == REQUEST_ID
    assert error.info.request_id == REQUEST_ID


def test_200_empty_body_is_a_response_validation_error(
    client: Mistral, api: respx.MockRouter
) -> None:
    error = raised_by(client, api, httpx.Response(200, content=b""))

    assert isinstance(error, ResponseValidationError)
    assert "not JSON" in str(error)
    assert error.info.status_code == 200


def test_200_without_choices_names_the_missing_field(
    client: Mistral, api: respx.MockRouter
) -> None:
    body = chat_response()
    del body["choices"]

    error = raised_by(client, api, httpx.Response(200, json=body, headers={"x-a": "b"}))

    assert isinstance(error, ResponseValidationError)
    assert "ChatCompletionResponse" in str(error)
    assert "choices: required field missing" in str(error)
    assert error.info.status_code == 200
    assert error.info.headers["x-a"] == "b"


def test_200_with_choices_a_string_names_the_field(client: Mistral, api: respx.MockRouter) -> None:
    error = raised_by(client, api, httpx.Response(200, json=chat_response(choices="abc")))

    assert isinstance(error, ResponseValidationError)
    assert "choices" in str(error)
    assert error.info.status_code == 200


def test_200_with_choices_an_empty_string_is_rejected_too(
    client: Mistral, api: respx.MockRouter
) -> None:
    """A string is not a list, even an empty one: it must not parse as ``choices=[]``."""
    error = None
    api.post(CHAT_PATH).mock(return_value=httpx.Response(200, json=chat_response(choices="")))
    try:
        result = complete(client)
    except ResponseValidationError as exc:
        error = exc
    else:
        pytest.fail(f"accepted choices='' as {result.choices!r}")
    assert "choices" in str(error)


def test_200_with_a_nested_problem_names_its_path(client: Mistral, api: respx.MockRouter) -> None:
    body = chat_response()
    del body["choices"][0]["finish_reason"]

    error = raised_by(client, api, httpx.Response(200, json=body))

    assert isinstance(error, ResponseValidationError)
    assert "choices[0].finish_reason: required field missing" in str(error)


def test_200_json_that_is_not_an_object(client: Mistral, api: respx.MockRouter) -> None:
    error = raised_by(client, api, httpx.Response(200, json=["not", "an", "object"]))

    assert isinstance(error, ResponseValidationError)
    assert "ChatCompletionResponse" in str(error)


@pytest.mark.parametrize("status", [200, 500])
@pytest.mark.parametrize("method", ["complete", "stream"])
def test_corrupt_compressed_body_raises_our_error_not_httpx(
    client: Mistral, api: respx.MockRouter, status: int, method: str
) -> None:
    """A body that says gzip but is not must not escape as a raw ``httpx.DecodingError``."""

    def corrupt(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status,
            stream=httpx.ByteStream(b"this is not gzip"),
            headers={"content-encoding": "gzip", "content-type": "application/json"},
        )

    api.post(CHAT_PATH).mock(side_effect=corrupt)

    def run() -> None:
        if method == "complete":
            client.chat.complete(model=MODEL, messages=user_says(), retries=None)
        else:
            list(client.chat.stream(model=MODEL, messages=user_says(), retries=None))

    try:
        run()
    except MistralError as exc:
        assert isinstance(exc.__cause__, httpx.DecodingError)  # noqa: PT017
    except httpx.HTTPError as exc:
        pytest.fail(f"a raw httpx error escaped: {exc!r}")
    else:
        pytest.fail("a corrupt body was accepted")


# --------------------------------------------------------------------------------------------
# Credentials


def test_missing_api_key_fails_before_sending(
    api: respx.MockRouter, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    route = api.post(CHAT_PATH).mock(return_value=httpx.Response(200, json=chat_response()))

    with Mistral() as client, pytest.raises(MissingCredentialsError) as info:
        complete(client)

    assert isinstance(info.value, MistralError)
    assert not route.called
    assert sleeps == []


@pytest.mark.parametrize("key", ["", None], ids=["empty-string", "none"])
def test_api_key_function_returning_nothing_fails_before_sending(
    api: respx.MockRouter, sleeps: list[float], key: str | None
) -> None:
    route = api.post(CHAT_PATH).mock(return_value=httpx.Response(200, json=chat_response()))

    with Mistral(api_key=lambda: key) as client, pytest.raises(MissingCredentialsError):  # type: ignore[arg-type,return-value]
        complete(client)

    assert not route.called


@pytest.mark.anyio
async def test_missing_api_key_fails_before_sending_async(
    api: respx.MockRouter, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MISTRAL_API_KEY", raising=False)
    route = api.post(CHAT_PATH).mock(return_value=httpx.Response(200, json=chat_response()))

    async with Mistral() as client:
        with pytest.raises(MissingCredentialsError):
            await client.chat.complete_async(model=MODEL, messages=user_says())
        with pytest.raises(MissingCredentialsError):
            await client.chat.stream_async(model=MODEL, messages=user_says())

    assert not route.called


def test_api_key_callable_is_called_once_per_request(
    api: respx.MockRouter, sleeps: list[float]
) -> None:
    keys = iter(["key-one", "key-two", "key-three"])
    calls: list[str] = []

    def api_key() -> str:
        calls.append(next(keys))
        return calls[-1]

    route = api.post(CHAT_PATH).mock(return_value=httpx.Response(200, json=chat_response()))
    with Mistral(api_key=api_key) as client:
        assert calls == []  # not at construction
        complete(client)
        complete(client)

    assert calls == ["key-one", "key-two"]
    sent = [call.request.headers["authorization"] for call in route.calls]
    assert sent == ["Bearer key-one", "Bearer key-two"]


def test_api_key_callable_is_called_again_for_each_retry(
    api: respx.MockRouter, sleeps: list[float]
) -> None:
    calls: list[int] = []

    def api_key() -> str:
        calls.append(len(calls))
        return f"key-{len(calls)}"

    route = api.post(CHAT_PATH).mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=chat_response())]
    )
    with Mistral(api_key=api_key) as client:
        complete(client)

    sent = [call.request.headers["authorization"] for call in route.calls]
    assert sent == ["Bearer key-1", "Bearer key-2"]


@pytest.mark.anyio
async def test_api_key_callable_async(api: respx.MockRouter, sleeps: list[float]) -> None:
    calls: list[str] = []

    def api_key() -> str:
        calls.append("called")
        return "async-key"

    route = api.post(CHAT_PATH).mock(return_value=httpx.Response(200, json=chat_response()))
    async with Mistral(api_key=api_key) as client:
        await client.chat.complete_async(model=MODEL, messages=user_says())
        await client.chat.complete_async(model=MODEL, messages=user_says())

    assert len(calls) == 2
    assert route.calls.last.request.headers["authorization"] == "Bearer async-key"


def test_env_var_is_used_when_no_api_key_is_given(
    api: respx.MockRouter, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", "env-key-123")
    route = api.post(CHAT_PATH).mock(return_value=httpx.Response(200, json=chat_response()))

    with Mistral() as client:
        complete(client)

    assert route.calls.last.request.headers["authorization"] == "Bearer env-key-123"


def test_explicit_api_key_wins_over_env_var(
    api: respx.MockRouter, sleeps: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MISTRAL_API_KEY", "env-key-123")
    route = api.post(CHAT_PATH).mock(return_value=httpx.Response(200, json=chat_response()))

    with Mistral(api_key="explicit-key") as client:
        complete(client)

    assert route.calls.last.request.headers["authorization"] == "Bearer explicit-key"


def test_authorization_header_is_sent_exactly_once(client: Mistral, api: respx.MockRouter) -> None:
    route = api.post(CHAT_PATH).mock(return_value=httpx.Response(200, json=chat_response()))

    complete(client, http_headers={"Authorization": "Bearer other"})

    assert route.calls.last.request.headers.get_list("authorization") == [f"Bearer {API_KEY}"]


# --------------------------------------------------------------------------------------------
# Async


@pytest.mark.anyio
async def test_async_422_maps_to_http_validation_error(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.post(CHAT_PATH).mock(
        return_value=httpx.Response(
            422, json={"detail": VALIDATION_DETAIL}, headers={"x-request-id": REQUEST_ID}
        )
    )

    with pytest.raises(HTTPValidationError) as info:
        await client.chat.complete_async(model=MODEL, messages=user_says())

    error = info.value
    assert error.status_code == 422
    assert error.detail == VALIDATION_DETAIL
    assert error.request_id == REQUEST_ID
    assert REQUEST_ID in str(error)
    assert_no_key(str(error), repr(error))
    assert api.calls.call_count == 1
    await client.aclose()


@pytest.mark.anyio
async def test_async_500_maps_to_internal_server_error(
    client: Mistral, api: respx.MockRouter, sleeps: list[float]
) -> None:
    body = {"object": "error", "message": "Service unavailable", "type": "internal", "code": "0"}
    api.post(CHAT_PATH).mock(
        return_value=httpx.Response(500, json=body, headers={"x-request-id": REQUEST_ID})
    )

    with pytest.raises(InternalServerError) as info:
        await client.chat.complete_async(model=MODEL, messages=user_says())

    error = info.value
    assert error.status_code == 500
    assert error.message == "Service unavailable"
    assert error.body == body
    assert str(error) == f"500 Service unavailable (request id: {REQUEST_ID})"
    assert api.calls.call_count == 3  # retried by default
    await client.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "error_class"),
    [(400, BadRequestError), (401, AuthenticationError), (404, NotFoundError), (418, APIError)],
)
async def test_async_status_mapping(
    client: Mistral, api: respx.MockRouter, status: int, error_class: type[APIError]
) -> None:
    api.post(CHAT_PATH).mock(return_value=httpx.Response(status, json={"detail": "d"}))

    with pytest.raises(APIError) as info:
        await client.chat.complete_async(model=MODEL, messages=user_says())

    assert type(info.value) is error_class
    assert info.value.message == "d"
    await client.aclose()


@pytest.mark.anyio
async def test_async_200_html_is_a_response_validation_error(
    client: Mistral, api: respx.MockRouter
) -> None:
    api.post(CHAT_PATH).mock(
        return_value=httpx.Response(200, text="<html/>", headers={"content-type": "text/html"})
    )

    with pytest.raises(ResponseValidationError) as info:
        await client.chat.complete_async(model=MODEL, messages=user_says())

    assert info.value.info.status_code == 200
    assert "text/html" in str(info.value)
    await client.aclose()


def test_error_body_is_read_for_json_errors(client: Mistral, api: respx.MockRouter) -> None:
    body = {"message": "too big", "extra": {"limit": 32_000}}
    error = raised_by(client, api, httpx.Response(400, content=json.dumps(body).encode()))

    assert error.body == body
    assert error.response.json() == body


def test_422_detail_nested_in_the_message_is_found(client: Mistral, api: respx.MockRouter) -> None:
    body = {
        "object": "error",
        "message": {
            "detail": [
                {
                    "type": "missing",
                    "loc": ["body", "messages", 0, "content"],
                    "msg": "Field required",
                }
            ]
        },
        "type": "invalid_request_error",
        "code": None,
    }
    api.post(CHAT_PATH).respond(422, json=body)
    with pytest.raises(HTTPValidationError) as caught:
        client.chat.complete(model=MODEL, messages=user_says(), retries=None)
    assert caught.value.detail == body["message"]["detail"]  # type: ignore[index]
    assert str(caught.value) == "422 messages.0.content: Field required"
