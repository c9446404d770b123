"""The distributions as users get them: wheels and sdists, installed by name.

Every distribution is built (``tools/dev.py wheels`` does the same) and checked by twine;
then, in fresh virtual environments with no source tree on the path, exactly the
commands of the docs install the client from that wheelhouse (third-party packages from
the package index), and a call is made against the local fake server (the slim client
imports neither pluggy nor OpenTelemetry for it; with the tracing plugin and the SDK, the
call is a span); the ``mistral`` command, the ``mistral_mock`` fixture and the fake
server's command work from theirs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mistral_core import __version__
from mistral_testing.server import FakeServer
from tools.dev import build_distributions, distributions

HI = """import sys
HI = [{"role": "user", "content": "Hi"}]
"""
CHAT = f"""{HI}
from mistral_core import Mistral

with Mistral(api_key="sk-any", server_url=sys.argv[1]) as client:
    res = client.chat.complete(model="mistral-small-latest", messages=HI)
    print(res.choices[0].message.content)
print([name for name in sys.modules if name.startswith(("opentelemetry", "pluggy"))])
"""
GCP = f"""{HI}
from mistral_plugin_gcp import MistralGCP

url = sys.argv[1]
with MistralGCP(project_id="p", access_token="ya29.any", server_url=url) as client:
    res = client.chat.complete(model="mistral-small-2503", messages=HI)
    print(res.choices[0].message.content)
    res = client.fim.complete(model="codestral-2501", prompt="def add(a, b):")
    print(res.choices[0].message.content)
"""
AZURE = f"""{HI}
from mistral_plugin_azure import MistralAzure

with MistralAzure(api_key="any", server_url=sys.argv[1]) as client:
    res = client.chat.complete(model="azureai", messages=HI)
    print(res.choices[0].message.content)
    print(type(client.ocr).__name__)
"""
TRACED = f"""{HI}
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from mistral_core import Mistral

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
with Mistral(api_key="sk-any", server_url=sys.argv[1]) as client:
    res = client.chat.complete(model="mistral-small-latest", messages=HI)
    print(res.choices[0].message.content)
for span in exporter.get_finished_spans():
    print(span.name, span.attributes["gen_ai.usage.output_tokens"] > 0)
"""
REALTIME = """import asyncio, sys
from mistral_core import Mistral


async def audio():
    yield bytes(3200)


async def main():
    client = Mistral(api_key="sk-any", server_url=sys.argv[1])
    stream = client.audio.realtime.transcribe_stream(audio_stream=audio(), model="voxtral")
    print([event.type async for event in stream][-1])

asyncio.run(main())
"""
ANSWER = "This is a fake answer from the local Mistral server."
INSTALLS = {
    "chat": (["mistral-core", "mistral-plugin-chat"], CHAT, [ANSWER, "[]"]),
    "gcp": (["mistral-core", "mistral-plugin-gcp"], GCP, [ANSWER, ANSWER]),
    "azure": (["mistral-core", "mistral-plugin-azure"], AZURE, [ANSWER, "Ocr"]),
    "realtime": (["mistral-core", "mistral-plugin-realtime"], REALTIME, ["transcription.done"]),
}
"""What a user types after ``pip install``, the script it runs, and what that prints."""


@pytest.fixture(scope="module")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("wheelhouse")
    build_distributions(sys.executable, directory)
    return directory


@pytest.fixture(scope="module")
def server() -> Iterator[FakeServer]:
    with FakeServer() as running:
        yield running


def test_every_distribution_builds_a_checked_wheel_and_sdist(wheelhouse: Path) -> None:
    built = sorted(path.name for path in wheelhouse.iterdir())
    assert len(built) == 2 * len(distributions())
    twine = [sys.executable, "-m", "twine", "check", "--strict"]
    done = subprocess.run([*twine, *map(str, wheelhouse.iterdir())], capture_output=True)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    for wheel in wheelhouse.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            info = next(n.rsplit("/", 1)[0] for n in names if n.endswith(".dist-info/METADATA"))
            metadata = archive.read(f"{info}/METADATA").decode()
        assert f"Version: {__version__}\n" in metadata, wheel.name
        assert "License-Expression: Apache-2.0\n" in metadata, wheel.name
        assert "Classifier: Typing :: Typed\n" in metadata, wheel.name
        assert "Description-Content-Type: text/markdown\n" in metadata, wheel.name
        assert f"{info}/licenses/LICENSE" in names, wheel.name
        assert any(name.endswith("/py.typed") for name in names), wheel.name


@pytest.mark.parametrize("install", INSTALLS)
def test_the_documented_install_works_from_the_wheelhouse(
    install: str, wheelhouse: Path, server: FakeServer, tmp_path: Path
) -> None:
    requirements, script, printed = INSTALLS[install]
    python = fresh_venv(tmp_path / "venv")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--find-links", str(wheelhouse), *requirements], cwd=tmp_path)

    done = run([python, "-I", "-c", script, server.url], cwd=tmp_path)
    assert done.stdout.splitlines() == printed
    installed = {
        d["name"]
        for d in json.loads(run([*pip[:3], "list", "--format", "json"], cwd=tmp_path).stdout)
    }
    ours = {name for name in installed if name.startswith("mistral-")}
    assert "mistral-cli" not in ours
    assert "mistral-testing" not in ours  # the core an app embeds carries neither


def test_tracing_works_from_its_wheel(wheelhouse: Path, server: FakeServer, tmp_path: Path) -> None:
    """Installed beside the SDK, the plugin traces a client with no line of its own; turned
    off by its environment variable, it does not."""
    python = fresh_venv(tmp_path / "venv")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    otel = ["mistral-plugin-otel", "opentelemetry-sdk"]
    run(
        [*pip, "--find-links", str(wheelhouse), "mistral-core", "mistral-plugin-chat", *otel],
        tmp_path,
    )

    traced = run([python, "-I", "-c", TRACED, server.url], tmp_path)
    assert traced.stdout.splitlines() == [ANSWER, "chat mistral-small-latest True"]
    off = run([python, "-I", "-c", TRACED, server.url], tmp_path, MISTRAL_OTEL_DISABLED="1")
    assert off.stdout.splitlines() == [ANSWER]


MOCKED_TEST = """
from mistral_core import Mistral


def test_the_fixture_answers(mistral_mock):
    mistral_mock.chat.reply("Paris")
    with Mistral(api_key="k") as client:
        res = client.chat.complete(model="m", messages=[{"role": "user", "content": "Capital?"}])
    assert res.choices[0].message.content == "Paris"
"""


def test_the_cli_and_the_testing_kit_work_from_their_wheels(
    wheelhouse: Path, server: FakeServer, tmp_path: Path
) -> None:
    python = fresh_venv(tmp_path / "venv")
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run(
        [*pip, "--find-links", str(wheelhouse), "mistral-cli", "mistral-testing", "pytest"],
        tmp_path,
    )
    mistral = str(Path(python).with_name("mistral"))
    chat = [mistral, "chat", "Hi"]
    done = run(chat, tmp_path, MISTRAL_API_KEY="sk-any", MISTRAL_SERVER_URL=server.url)
    assert done.stdout == ANSWER + "\n"
    (tmp_path / "test_app.py").write_text(MOCKED_TEST, encoding="utf-8")
    run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_app.py"], tmp_path)
    help_text = run([python, "-m", "mistral_testing.server", "--help"], tmp_path).stdout
    assert help_text.startswith("usage: python -m mistral_testing.server")


def fresh_venv(directory: Path) -> str:
    venv.create(directory, with_pip=True)
    return str(directory / ("Scripts" if os.name == "nt" else "bin") / "python")


def run(command: list[str], cwd: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    """Run with no source tree on the path: not the repository's, not its venv's."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env = {k: v for k, v in env.items() if not k.startswith("MISTRAL_")} | environ
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done
