"""A file upload, as the official SDK's README writes it."""

from __future__ import annotations

from pathlib import Path

from typing_extensions import assert_type

from mistral_core import Mistral
from mistral_plugin_files import Files
from mistral_plugin_files.models import CreateFileResponse


def upload(path: Path) -> str:
    client = Mistral()
    assert_type(client.files, Files)
    with path.open("rb") as file:
        uploaded = client.files.upload(
            file={"file_name": path.name, "content": file}, purpose="fine-tune"
        )
    assert_type(uploaded, CreateFileResponse)
    again = client.files.upload(file=path)  # a path works too
    return uploaded.id + again.id
