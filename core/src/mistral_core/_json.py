"""JSON text in and out: the one place that chooses the JSON library."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = ["dumps", "loads"]


loads: Callable[[bytes | str], Any] = json.loads
"""Parse JSON text from the API (the library's own function: this is on the hot path)."""


def dumps(value: Any) -> bytes:
    """Compact JSON bytes for a request body."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
