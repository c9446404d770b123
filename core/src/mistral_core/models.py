"""The building blocks every API model is made of.

Resource plugins declare their models as ``@attrs.define`` classes deriving from
:class:`Model`, with these pieces for what JSON Schema says and Python lacks:

* :data:`UNSET` marks an optional field the caller did not set: it is left out of the
  request, where ``None`` is sent as ``null``.
* :class:`OpenEnum` is the base of the API's enums. Fields are typed ``MyEnum | str``: a
  value this client does not know yet stays a plain ``str`` instead of failing.
* :class:`Tagged` marks a discriminated union (``Annotated[A | B | UnknownVariant,
  Tagged("type")]``); a variant this client does not know is kept as an
  :class:`UnknownVariant` holding its raw JSON, and written back unchanged.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

if TYPE_CHECKING:
    import httpx

__all__ = [
    "UNSET",
    "HTTPInfo",
    "Model",
    "OpenEnum",
    "Tagged",
    "UnknownVariant",
    "Unset",
]


class Unset(enum.Enum):
    """The type of :data:`UNSET` (an enum so that type checkers narrow ``x is UNSET``)."""

    UNSET = "UNSET"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET
"""An optional field that was not set: not sent at all (``None`` is sent as ``null``)."""


class OpenEnum(str, enum.Enum):
    """Base of the API's enums; members compare equal to their string values.

    Fields are typed ``MyEnum | str`` so that a value added to the API after this client
    was released parses as a plain string and is sent back unchanged.
    """

    def __str__(self) -> str:
        return str(self.value)


@attrs.frozen
class Tagged:
    """Marks a union as discriminated by the JSON field ``tag`` (``type``, ``role``, ...)."""

    tag: str
    optional: bool = False
    """Whether an object may leave the tag out (each variant has a default for it): it is
    then read as the variant that knows most of its keys, the first of those in a tie."""


@attrs.frozen
class HTTPInfo:
    """What the HTTP exchange behind a response looked like."""

    status_code: int
    headers: httpx.Headers
    retries: int
    """How many times the request was retried before this response."""
    raw: httpx.Response = attrs.field(repr=False, eq=False)

    @property
    def request_id(self) -> str | None:
        """The server's ``x-request-id``: quote it when you report a problem."""
        request_id: str | None = self.headers.get("x-request-id")
        return request_id


class Model:
    """Base of every API model: gives top-level responses their :attr:`http` metadata."""

    __slots__ = ("_http",)
    _http: HTTPInfo

    @property
    def http(self) -> HTTPInfo:
        """The HTTP exchange that returned this object (status, headers, request id, retries).

        Only the top-level object a call returns has one; asking another raises
        ``AttributeError``.
        """
        try:
            return self._http
        except AttributeError:
            raise AttributeError(
                f"this {type(self).__name__} was not returned by a call: it has no HTTP exchange"
            ) from None


@attrs.frozen
class UnknownVariant(Model):
    """A union variant this client does not know, kept as the raw JSON object it came as.

    It is written back exactly as it was read, so a request built from a response (a
    conversation history, say) never loses what the server added.
    """

    raw: dict[str, Any]

    def tag(self, name: str) -> Any:
        """The value of the discriminating field ``name`` (``None`` when absent)."""
        return self.raw.get(name)
