"""JSON text in and out: the one place that chooses the JSON library."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["dumps", "loads"]


def loads(data: bytes | str) -> Any:
    """Parse JSON text from the API."""
    return json.loads(data)


def dumps(value: Any) -> bytes:
    """Compact JSON bytes for a request body."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
