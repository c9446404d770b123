"""Google credentials, found on first need and refreshed before they expire.

One :class:`GoogleCredentials` is shared by a provider's endpoint (which may need the
project id that ``google.auth.default()`` found) and its :class:`GoogleAuth`. Refreshing
is done once however many threads or tasks find the token stale together: threads wait on
a lock and look again; tasks of one event loop wait for one refresh made in a worker
thread, so that the loop never blocks on Google's token endpoint.
"""

from __future__ import annotations

import asyncio
import datetime
import threading
from typing import TYPE_CHECKING, Any

import httpx

from mistral_core import MissingCredentialsError

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

__all__ = ["SCOPES", "GoogleAuth", "GoogleCredentials"]

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
REFRESH_MARGIN = datetime.timedelta(minutes=5)
"""A token this close to its expiry is refreshed before it is used."""

HINT = (
    "run `gcloud auth application-default login`, or pass credentials=... "
    "(google.auth credentials) or access_token=... to MistralGCP"
)


def utcnow() -> datetime.datetime:
    """Now in UTC, without a time zone, as google-auth writes ``expiry`` (tests replace it)."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class GoogleCredentials:
    """The credentials (given, or from ``google.auth.default()`` on first need) and project."""

    def __init__(self, credentials: Credentials | None, project_id: str | None) -> None:
        self._credentials = credentials
        self._project_id = project_id
        self._lock = threading.Lock()
        self._refreshing: tuple[asyncio.AbstractEventLoop, asyncio.Future[str]] | None = None

    # --- finding them ------------------------------------------------------------------

    def credentials(self) -> Credentials:
        """The credentials, from ``google.auth.default()`` the first time when none were given."""
        found = self._credentials
        if found is None:
            with self._lock:
                if self._credentials is None:
                    self._credentials, project_id = _default_credentials()
                    if self._project_id is None:
                        self._project_id = project_id
                found = self._credentials
        return found

    def project_id(self) -> str:
        """The project given, or the one of the credentials (which may mean finding them)."""
        if self._project_id is None:
            credentials = self.credentials()
            if self._project_id is None:  # given credentials may know their project
                self._project_id = getattr(credentials, "project_id", None) or None
        if self._project_id is None:
            raise MissingCredentialsError(
                "No Google Cloud project: pass MistralGCP(project_id=...), or set one with "
                "`gcloud config set project PROJECT_ID` (or GOOGLE_CLOUD_PROJECT)."
            )
        return self._project_id

    # --- their token ---------------------------------------------------------------------

    def token(self) -> str:
        """A token valid for a while yet, refreshing the credentials (once) if needed."""
        credentials = self.credentials()
        token = _fresh_token(credentials)
        if token is not None:
            return token
        with self._lock:
            token = _fresh_token(credentials)  # another thread may have refreshed them
            if token is None:
                _refresh(credentials)
                token = _fresh_token(credentials, margin=datetime.timedelta(0))
                if token is None:
                    raise MissingCredentialsError(
                        f"Google credentials gave no valid token after a refresh: {HINT}."
                    )
        return token

    async def async_token(self) -> str:
        """:meth:`token` for a task: a refresh runs in a thread, shared by concurrent tasks."""
        credentials = self._credentials
        if credentials is not None:
            token = _fresh_token(credentials)
            if token is not None:
                return token
        loop = asyncio.get_running_loop()
        refreshing = self._refreshing
        if refreshing is None or refreshing[0] is not loop or refreshing[1].done():
            future = asyncio.ensure_future(asyncio.to_thread(self.token))
            refreshing = self._refreshing = (loop, future)
            future.add_done_callback(lambda _: self._forget(future))
        return await asyncio.shield(refreshing[1])

    def _forget(self, future: asyncio.Future[str]) -> None:
        if self._refreshing is not None and self._refreshing[1] is future:
            self._refreshing = None


class GoogleAuth:
    """Signs requests with the bearer token of Google credentials (and their quota project)."""

    def __init__(self, credentials: GoogleCredentials) -> None:
        self._credentials = credentials

    def sign(self, request: httpx.Request) -> None:
        self._apply(request, self._credentials.token())

    async def async_sign(self, request: httpx.Request) -> None:
        self._apply(request, await self._credentials.async_token())

    def _apply(self, request: httpx.Request, token: str) -> None:
        headers: dict[str, str] = {}
        self._credentials.credentials().apply(headers, token=token)  # type: ignore[no-untyped-call]
        request.headers.update(headers)

    def __repr__(self) -> str:
        return "GoogleAuth(credentials=<hidden>)"


def _fresh_token(
    credentials: Credentials, margin: datetime.timedelta = REFRESH_MARGIN
) -> str | None:
    """The credentials' token unless it is missing or expires within ``margin``."""
    token: Any = credentials.token
    if not token:
        return None
    expiry: datetime.datetime | None = credentials.expiry
    if expiry is None:
        return str(token) if credentials.valid else None
    if expiry.tzinfo is not None:
        expiry = expiry.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return str(token) if utcnow() < expiry - margin else None


def _default_credentials() -> tuple[Credentials, str | None]:
    import google.auth
    import google.auth.exceptions

    try:
        # google-auth names its return type through an import that only mypy resolves
        found: tuple[Credentials, str | None] = google.auth.default(  # pyright: ignore[reportUnknownMemberType, reportUnknownVariableType]
            scopes=list(SCOPES)
        )
    except google.auth.exceptions.GoogleAuthError as exc:
        raise MissingCredentialsError(f"No Google credentials were found: {HINT}.") from exc
    return found


def _refresh(credentials: Credentials) -> None:
    import google.auth.exceptions

    from ._transport import HttpxRequest

    try:
        credentials.refresh(HttpxRequest())  # type: ignore[no-untyped-call]
    except google.auth.exceptions.GoogleAuthError as exc:
        raise MissingCredentialsError(
            f"The Google credentials could not be refreshed ({_reason(exc)}): {HINT}."
        ) from exc


def _reason(exc: BaseException) -> str:
    text = str(exc.args[0]) if exc.args else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
