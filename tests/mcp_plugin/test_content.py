"""What the model reads of a tool's result, block by block (no server needed)."""

from __future__ import annotations

from mcp import types

from mistral_plugin_mcp._content import function_tool_of, result_text


def test_a_result_with_structured_content_only_is_its_json() -> None:
    result = types.CallToolResult(content=[], structured_content={"temperature": 21.5})
    assert result_text(result) == '{"temperature": 21.5}'


def test_content_is_preferred_and_sizes_are_told() -> None:
    result = types.CallToolResult(
        content=[
            types.AudioContent(data="AAAA", mime_type="audio/wav"),
            types.ImageContent(data="not base64!", mime_type="image/png"),
            types.EmbeddedResource(
                resource=types.BlobResourceContents(uri="file:///a.bin", blob="AAAAAA==")
            ),
        ],
        structured_content={"ignored": True},
    )
    assert result_text(result).splitlines() == [
        "[audio audio/wav, 3 bytes]",
        "[image image/png, 11 base64 characters]",
        "[resource file:///a.bin, 4 bytes]",
    ]


def test_a_tool_without_description_has_none() -> None:
    tool = types.Tool(name="ping", input_schema={"type": "object"})
    assert function_tool_of(tool).to_dict() == {
        "type": "function",
        "function": {"name": "ping", "parameters": {"type": "object"}},
    }
