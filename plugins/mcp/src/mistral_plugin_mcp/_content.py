"""What an MCP server says, as a conversation reads it: its tools as function tools, a
tool's result (and a prompt's or resource's content) as text. Sans-IO: no session here.

A result's content blocks become one text, a line (or more) each:

- text: the text itself;
- an image or audio clip: ``[image image/png, 1024 bytes]`` (the model reads text only);
- an embedded resource: its text, or ``[resource file:///a.bin application/pdf, 2048 bytes]``
  for a binary one;
- a resource link: ``[resource link file:///a.txt: name]``;

and a result with no content but structured content is that content as JSON.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable

from mcp import types

from mistral_plugin_chat.models import Function, Tool

__all__ = ["block_text", "function_tool_of", "result_text"]


def function_tool_of(tool: types.Tool) -> Tool:
    """The MCP tool as the function tool the model is shown: its name, description and
    input schema (the function's parameters) as they are."""
    function = Function(name=tool.name, parameters=dict(tool.input_schema))
    if tool.description:
        function.description = tool.description
    return Tool(function=function)


def result_text(result: types.CallToolResult) -> str:
    """The text the model reads of a tool's result (see the module's docstring)."""
    if not result.content and result.structured_content is not None:
        return json.dumps(result.structured_content, ensure_ascii=False)
    return contents_text(result.content)


def contents_text(blocks: Iterable[types.ContentBlock]) -> str:
    """The blocks as text, one after the other."""
    return "\n".join(block_text(block) for block in blocks)


def block_text(block: types.ContentBlock) -> str:
    """One content block as text."""
    if isinstance(block, types.TextContent):
        return block.text
    if isinstance(block, types.ImageContent | types.AudioContent):
        return f"[{block.type} {block.mime_type}, {_size(block.data)}]"
    if isinstance(block, types.EmbeddedResource):
        return resource_text(block.resource)
    return f"[resource link {block.uri}: {block.name}]"


def resource_text(resource: types.TextResourceContents | types.BlobResourceContents) -> str:
    """A resource's content: its text, or what its bytes are."""
    if isinstance(resource, types.TextResourceContents):
        return resource.text
    mime = f" {resource.mime_type}" if resource.mime_type else ""
    return f"[resource {resource.uri}{mime}, {_size(resource.blob)}]"


def _size(data: str) -> str:
    """How many bytes base64 ``data`` holds."""
    try:
        return f"{len(base64.b64decode(data, validate=True))} bytes"
    except (binascii.Error, ValueError):
        return f"{len(data)} base64 characters"
