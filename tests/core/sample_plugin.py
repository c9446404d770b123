"""A hook plugin as a third party ships it: a module named by a ``mistral.plugins`` entry point."""

import httpx

from mistral_core import hookimpl


@hookimpl
def mistral_before_request(request: httpx.Request) -> None:
    request.headers["x-stamped-by"] = "sample_plugin"
