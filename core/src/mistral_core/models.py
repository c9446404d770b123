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

Every model reads and writes itself as JSON (:meth:`Model.to_dict`,
:meth:`Model.from_dict`, and pydantic's names for the same, which users of the official
SDK call), and keeps the fields the server sent that it does not know
(:attr:`Model.model_extra`).

A request takes a dict or a model wherever a model goes; :func:`register_request_value`
teaches it other values (a plugin's own objects: the chat plugin's functions as tools).
"""

from __future__ import annotations

import enum
import types
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar, overload

import attrs

if TYPE_CHECKING:
    import httpx

M = TypeVar("M", bound="Model")
V = TypeVar("V")

__all__ = [
    "UNSET",
    "HTTPInfo",
    "Model",
    "OpenEnum",
    "Tagged",
    "UnknownVariant",
    "Unset",
    "register_request_value",
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
    """Base of every API model: JSON in and out, HTTP metadata, and fields not known yet.

    Reading a model never loses what the server sent: a field this client does not know
    is kept in :attr:`model_extra` and written back with the model (a conversation
    history sent back, say). ``to_dict()`` and ``model_dump()`` give what is sent: JSON
    names, unset fields left out, ``None`` as ``null``.
    """

    __slots__ = ("_extra", "_http")
    _http: HTTPInfo
    _extra: dict[str, Any] | None
    """Set by reading (``None`` when nothing was left over); unset on an instance built
    by its constructor."""

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

    @property
    def model_extra(self) -> Mapping[str, Any]:
        """The fields the server sent that this model does not know, by their JSON names.

        They are written back by :meth:`to_dict` and when the model is sent in a request;
        openai's and pydantic's models offer them under the same name.
        """
        return extra_of(self) or _NO_EXTRA

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of this model, as a request sends it.

        JSON names (``textContent``, not ``text_content``), unset fields left out,
        ``None`` kept as ``null``, unknown fields from :attr:`model_extra` kept.
        """
        return self.model_dump()

    def to_json(self) -> str:
        """The JSON text of :meth:`to_dict`, compact: what a request sends."""
        return self.model_dump_json()

    @classmethod
    def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
        """The model read from its JSON object, as a response is read.

        Keys may be JSON names only; unknown keys go to :attr:`model_extra`, and values
        the API may have added since (an enum value, a union variant) are kept. Raises
        ``ValueError`` naming each field that does not fit.
        """
        from . import serde

        return serde.read(data, cls)

    @classmethod
    def from_json(cls: type[M], text: str | bytes) -> M:
        """The model read from its JSON text (see :meth:`from_dict`)."""
        from . import _json

        return cls.from_dict(_json.loads(text))

    def model_dump(
        self,
        *,
        mode: Literal["python", "json"] = "python",
        by_alias: bool = True,
        exclude_none: bool = False,
    ) -> dict[str, Any]:
        """The model as a dict, with the official SDK's (pydantic's) arguments.

        By JSON name, as the official SDK does even with ``by_alias=False``: here
        ``by_alias=False`` gives the Python names of the fields. Unset fields are always
        left out; ``exclude_none`` leaves out ``None`` too. Values are JSON values in
        both modes (enum members are ``str``).
        """
        from . import serde

        del mode  # every value is a JSON value already: both modes give the same
        dumped: dict[str, Any] = serde.dump(self, by_alias=by_alias)
        return serde.without_none(dumped) if exclude_none else dumped

    def model_dump_json(
        self, *, indent: int | None = None, by_alias: bool = True, exclude_none: bool = False
    ) -> str:
        """The JSON text of :meth:`model_dump`: compact, or indented by ``indent``."""
        from . import _json

        value = self.model_dump(by_alias=by_alias, exclude_none=exclude_none)
        return _json.dumps_text(value, indent=indent)

    @classmethod
    def model_validate(cls: type[M], data: Mapping[str, Any]) -> M:
        """Pydantic's name for :meth:`from_dict`."""
        return cls.from_dict(data)

    @classmethod
    def model_validate_json(cls: type[M], text: str | bytes) -> M:
        """Pydantic's name for :meth:`from_json`."""
        return cls.from_json(text)


_NO_EXTRA: Mapping[str, Any] = types.MappingProxyType({})


def extra_of(model: Model) -> dict[str, Any] | None:
    """The unknown fields a model was read with; ``None`` when it was built, not read."""
    try:
        return model._extra
    except AttributeError:  # built by its constructor, or not one of our models
        return None


@attrs.frozen
class UnknownVariant(Model):
    """A union variant this client does not know, kept as the raw JSON object it came as.

    It is written back exactly as it was read, so a request built from a response (a
    conversation history, say) never loses what the server added. Its fields are
    attributes by their JSON names (``variant.id``): the fields every variant of a union
    has can be read without first telling the variants apart, and type-check.
    """

    raw: dict[str, Any]

    def tag(self, name: str) -> Any:
        """The value of the discriminating field ``name`` (``None`` when absent)."""
        return self.raw.get(name)

    def __getattr__(self, name: str) -> Any:
        """The field ``name`` as the server sent it; ``AttributeError`` if it sent none."""
        if name == "raw" or name.startswith("_"):  # not set yet, or not a field
            raise AttributeError(name)
        try:
            return self.raw[name]
        except KeyError:
            raise AttributeError(
                f"this unknown variant ({_tags(self.raw)}) has no field {name!r}"
            ) from None


def _tags(raw: dict[str, Any]) -> str:
    """What an unknown variant says it is, for errors: its ``type`` / ``role`` / ..."""
    said = [f"{key}={raw[key]!r}" for key in ("type", "role", "object", "event") if key in raw]
    return ", ".join(said) or "no tag"


def resolved_fields(cls: type) -> tuple[attrs.Attribute[Any], ...]:
    """The attrs fields of ``cls``, their types resolved on the class that declares them.

    A subclass that is not an attrs class itself (``ParsedChatCompletionResponse``, which
    narrows ``choices`` for type checkers) shares its base's fields: resolving its own
    annotations would rewrite the base's field types, for every later reader of the base.
    """
    declaring = next(klass for klass in cls.__mro__ if "__attrs_attrs__" in vars(klass))
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(attrs.resolve_types(declaring))
    return fields


# --- request values that are not models ------------------------------------------------


@overload
def register_request_value(kind: type[V], to_json: Callable[[V], Any]) -> None: ...


@overload
def register_request_value(kind: Callable[[Any], bool], to_json: Callable[[Any], Any]) -> None: ...


def register_request_value(kind: Any, to_json: Callable[[Any], Any]) -> None:
    """Teach request bodies a value that is not a model: a value of the class ``kind``
    (or one the predicate ``kind`` accepts) found anywhere in a call's input is replaced
    by ``to_json(value)``, JSON or a model, which is then checked as if the caller had
    passed it. The first registration that accepts a value converts it.

    For plugins, at import: the chat plugin teaches functions as tools
    (``tools=[get_weather]``). Only input that fails the fast check is searched for such
    values (see :func:`mistral_core.serde.to_request_json`), so a call with none costs
    nothing more; dicts, lists, tuples and models are never asked about.
    """
    _taught.append((kind, to_json))


_taught: list[tuple[type | Callable[[Any], bool], Callable[[Any], Any]]] = []
"""The registrations of :func:`register_request_value`, in order."""


def taught_value(value: Any) -> Any:
    """What a request sends for ``value``, as :func:`register_request_value` taught it;
    ``value`` itself when nothing was taught about it."""
    for kind, to_json in _taught:
        if isinstance(value, kind) if isinstance(kind, type) else kind(value):
            return to_json(value)
    return value
