"""``mistral``: the Mistral AI API from the command line.

``mistral chat "..."`` streams a reply, ``mistral models list`` lists the models,
``mistral files upload PATH`` uploads a file, ``mistral ocr FILE_OR_URL`` reads a document,
``mistral batch run REQUESTS.jsonl`` runs a batch job (``status`` and ``results`` by its id).
The key comes from ``MISTRAL_API_KEY``, the server from ``MISTRAL_SERVER_URL`` (optional).

Startup imports argparse and nothing more of the client: each command imports what it
uses when it runs, so ``mistral --help`` is instant and ``mistral chat`` loads only the
chat plugin. Every failure is one line on stderr and an exit status: 2 for a usage or
configuration error, 1 for an API or connection error, 130 for Ctrl-C.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, TYPE_CHECKING, Any

from mistral_core._guards import is_array

if TYPE_CHECKING:
    from mistral_core import Mistral

__all__ = ["main"]

PROG = "mistral"
API_KEY_ENV = "MISTRAL_API_KEY"
SERVER_URL_ENV = "MISTRAL_SERVER_URL"
"""Read by ``Mistral()`` itself; named here for the help only, so that it imports nothing."""
DEFAULT_CHAT_MODEL = "mistral-small-latest"
DEFAULT_OCR_MODEL = "mistral-ocr-latest"
DEFAULT_BATCH_ENDPOINT = "/v1/chat/completions"

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

_IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
}


class UsageError(Exception):
    """A problem with what the user typed or configured: exit 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The Mistral AI API from the command line.",
        epilog=f"Set {API_KEY_ENV} to your API key; {SERVER_URL_ENV} to use another server.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    chat = commands.add_parser("chat", help="chat with a model (the reply is streamed)")
    chat.add_argument("prompt", help="the message to send; '-' reads it from stdin")
    chat.add_argument("--model", default=DEFAULT_CHAT_MODEL, help="default: %(default)s")
    chat.add_argument("--system", metavar="TEXT", help="a system prompt sent before yours")
    chat.add_argument(
        "--json", action="store_true", help="print the whole response as JSON, not streamed"
    )
    chat.set_defaults(run=_chat)

    models = commands.add_parser("models", help="the models available to you")
    models_commands = models.add_subparsers(dest="action", metavar="ACTION", required=True)
    models_list = models_commands.add_parser("list", help="list the models, one id a line")
    models_list.add_argument("--json", action="store_true", help="print the list as JSON")
    models_list.set_defaults(run=_models_list)

    files = commands.add_parser("files", help="files for fine-tuning, batches and OCR")
    files_commands = files.add_subparsers(dest="action", metavar="ACTION", required=True)
    upload = files_commands.add_parser("upload", help="upload a file and print its id")
    upload.add_argument("path", metavar="PATH", help="the file to upload")
    upload.add_argument(
        "--purpose", default="fine-tune", help="fine-tune, batch or ocr (default: %(default)s)"
    )
    upload.set_defaults(run=_files_upload)

    ocr = commands.add_parser("ocr", help="read a document or an image as Markdown")
    ocr.add_argument("source", metavar="FILE_OR_URL", help="a local file or an http(s) URL")
    ocr.add_argument("--model", default=DEFAULT_OCR_MODEL, help="default: %(default)s")
    ocr.add_argument("--json", action="store_true", help="print the whole response as JSON")
    ocr.set_defaults(run=_ocr)

    batch = commands.add_parser("batch", help="batch jobs: many requests run together")
    batch_commands = batch.add_subparsers(dest="action", metavar="ACTION", required=True)
    batch_run = batch_commands.add_parser(
        "run", help="run a JSONL file of requests, wait, print the results as JSONL"
    )
    batch_run.add_argument("path", metavar="REQUESTS", help='a JSONL file: {"custom_id", "body"}')
    batch_run.add_argument(
        "--endpoint", default=DEFAULT_BATCH_ENDPOINT, help="default: %(default)s"
    )
    batch_run.add_argument("--model", help="the model of every request")
    batch_run.add_argument(
        "--state",
        metavar="FILE",
        help="where the run records its steps, to resume it (default: REQUESTS.batch.json)",
    )
    batch_run.set_defaults(run=_batch_run)
    batch_status = batch_commands.add_parser("status", help="a job's status and counts")
    batch_status.add_argument("job_id", metavar="JOB")
    batch_status.add_argument("--json", action="store_true", help="print the whole job as JSON")
    batch_status.set_defaults(run=_batch_status)
    batch_results = batch_commands.add_parser(
        "results", help="a job's results as JSONL (waits for it to end)"
    )
    batch_results.add_argument("job_id", metavar="JOB")
    batch_results.set_defaults(run=_batch_results)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default: ``sys.argv[1:]``); return the exit status."""
    try:
        args = build_parser().parse_args(argv)  # exits 2 with the usage on a bad argument
        run: Callable[[Mistral, argparse.Namespace], None] = args.run
        with _client() as client:
            run(client, args)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `mistral models list | head`: the reader left
        _silence_stdout()
        return EXIT_ERROR
    except UsageError as exc:
        _fail(str(exc))
        return EXIT_USAGE
    except Exception as exc:
        if os.environ.get("MISTRAL_DEBUG", "").lower() in ("1", "true", "yes", "on"):
            raise  # the whole traceback, for a bug report
        _fail(_describe(exc))
        return EXIT_ERROR
    return 0


def _client() -> Mistral:
    if not os.environ.get(API_KEY_ENV):
        raise UsageError(
            f"no API key: set the {API_KEY_ENV} environment variable, e.g. export {API_KEY_ENV}=..."
        )
    from mistral_core import Mistral

    try:
        return Mistral()  # which reads both variables, and names them in its errors
    except ValueError as exc:  # a bad MISTRAL_SERVER_URL, named in the message
        raise UsageError(str(exc)) from None


def _chat(client: Mistral, args: argparse.Namespace) -> None:
    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    if not prompt.strip():
        raise UsageError("the prompt is empty")
    messages = [{"role": "user", "content": prompt}]
    if args.system is not None:
        messages.insert(0, {"role": "system", "content": args.system})
    if args.json:
        _print_json(client.chat.complete(model=args.model, messages=messages))
        return
    out = sys.stdout
    wrote = False
    try:
        with client.chat.stream(model=args.model, messages=messages) as stream:
            for event in stream:
                for choice in event.data.choices[:1]:
                    text = _text_of(choice.delta.content)
                    if text:
                        out.write(text)
                        out.flush()
                        wrote = True
    except BaseException:
        if wrote:  # end the partial reply's line before the error is told
            out.write("\n")
            out.flush()
        raise
    out.write("\n")
    out.flush()


def _text_of(content: Any) -> str:
    """The text of a delta's content: a string, or a list of chunks of which some are text."""
    if isinstance(content, str):
        return content
    if is_array(content):
        texts = (getattr(chunk, "text", None) for chunk in content)
        return "".join(text for text in texts if isinstance(text, str))
    return ""


def _models_list(client: Mistral, args: argparse.Namespace) -> None:
    models = client.models.list()
    if args.json:
        _print_json(models)
        return
    for model in models.data or ():
        model_id = getattr(model, "id", None)
        if model_id is None:  # a kind of model this client does not know yet
            model_id = getattr(model, "raw", {}).get("id")
        if model_id is not None:
            print(model_id)


def _files_upload(client: Mistral, args: argparse.Namespace) -> None:
    print(_upload(client, args.path, args.purpose).id)


def _upload(client: Mistral, path: str, purpose: str) -> Any:
    files = client.files  # a missing plugin fails here, before the file is opened
    try:
        raw = io.FileIO(path, "r")
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    with ProgressReader(raw, os.fstat(raw.fileno()).st_size, sys.stderr) as reader:
        try:
            return files.upload(file=reader, purpose=purpose)
        finally:
            reader.finish()


def _ocr(client: Mistral, args: argparse.Namespace) -> None:
    ocr = client.ocr
    response = ocr.process(model=args.model, document=_document(client, args.source))
    if args.json:
        _print_json(response)
        return
    print("\n\n".join(page.markdown for page in response.pages))


def _document(client: Mistral, source: str) -> dict[str, Any]:
    """The OCR document for a URL (sent as is) or a local file (inlined or uploaded)."""
    suffix = os.path.splitext(source.split("?", 1)[0])[1].lower()
    if source.startswith(("http://", "https://", "data:")):
        if suffix in _IMAGE_TYPES or source.startswith("data:image/"):
            return {"type": "image_url", "image_url": source}
        return {"type": "document_url", "document_url": source}
    if not os.path.isfile(source):
        raise UsageError(f"no such file: {source} (give a local file or an http(s) URL)")
    if suffix in _IMAGE_TYPES:
        return {"type": "image_url", "image_url": _data_url(source, _IMAGE_TYPES[suffix])}
    if suffix == ".pdf":
        return {
            "type": "document_url",
            "document_url": _data_url(source, "application/pdf"),
            "document_name": os.path.basename(source),
        }
    return {"type": "file", "file_id": _upload(client, source, "ocr").id}


def _data_url(path: str, media_type: str) -> str:
    import base64

    with open(path, "rb") as file:
        return f"data:{media_type};base64,{base64.b64encode(file.read()).decode('ascii')}"


def _batch_run(client: Mistral, args: argparse.Namespace) -> None:
    """Run the file's requests; killed and run again (same state file), it goes on."""
    from pathlib import Path

    from mistral_core import UNSET

    jobs = client.batch.jobs  # a missing plugin fails here, before anything is sent
    requests = Path(args.path)
    if not requests.is_file():
        raise UsageError(f"no such file: {args.path}")
    state = Path(args.state) if args.state else requests.with_name(requests.name + ".batch.json")
    bar = JobProgress(sys.stderr)
    try:
        model = args.model or UNSET  # not sent when not given
        run = jobs.run(
            requests, endpoint=args.endpoint, model=model, state=state, on_progress=bar.show
        )
    finally:
        bar.finish()
    _print_results(jobs.stream_results(run.job, response_type=dict))


def _batch_status(client: Mistral, args: argparse.Namespace) -> None:
    job = client.batch.jobs.get(job_id=args.job_id)
    if args.json:
        _print_json(job)
        return
    print(f"{job.id} {job.status} {JobProgress.counts(job)}")


def _batch_results(client: Mistral, args: argparse.Namespace) -> None:
    jobs = client.batch.jobs
    bar = JobProgress(sys.stderr)
    try:
        job = jobs.wait(job_id=args.job_id, on_progress=bar.show)
    finally:
        bar.finish()
    _print_results(jobs.stream_results(job, response_type=dict))


def _print_results(outcomes: Iterable[Any]) -> None:
    """Each outcome as the API's result line: ``custom_id`` and ``response`` or ``error``."""
    import json

    from mistral_plugin_batch import BatchRequestError

    for outcome in outcomes:
        line: dict[str, Any] = {"custom_id": outcome.custom_id}
        error = outcome.error
        if error is None:
            line["response"] = outcome.response
        else:  # the API's error, or why the response did not read
            line["error"] = (
                error.error if isinstance(error, BatchRequestError) else str(error.error)
            )
            line["status_code"] = error.status_code
        print(json.dumps(line, ensure_ascii=False))


class JobProgress:
    """A batch job's progress drawn on ``out`` at each read: requests done of the total."""

    WIDTH = 30

    def __init__(self, out: IO[str]) -> None:
        self._out = out
        self._shown = False

    @staticmethod
    def counts(job: Any) -> str:
        done, total = job.completed_requests, job.total_requests
        return (
            f"{done}/{total} requests ({job.succeeded_requests} ok, {job.failed_requests} failed)"
        )

    def show(self, job: Any) -> None:
        done, total = job.completed_requests, job.total_requests
        percent = 100 if total == 0 else min(100, done * 100 // total)
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self._out.write(f"\r[{bar}] {percent:3d}% {self.counts(job)} {job.status} {job.id}")
        self._out.flush()
        self._shown = True

    def finish(self) -> None:
        """End the bar's line (after the last read, or a failure)."""
        if self._shown:
            self._out.write("\n")
            self._out.flush()


def _print_json(model: object) -> None:
    import json

    from mistral_core import serde

    print(json.dumps(serde.converter.unstructure(model), indent=2, ensure_ascii=False))


class ProgressReader(io.BufferedReader):
    """A binary file that draws a progress bar on ``out`` as httpx reads it.

    A real buffered file (what an upload takes, name included, closing ``raw`` when
    closed), not a look-alike; the bar follows the position in the file, so a retry that
    rewinds it starts over.
    """

    WIDTH = 30

    def __init__(self, raw: io.FileIO, size: int, out: IO[str]) -> None:
        super().__init__(raw)
        self._size = size
        self._out = out
        self._shown: int | None = None

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self._show(self.tell())
        return chunk

    def finish(self) -> None:
        """End the bar's line (after the last read, or a failure)."""
        if self._shown is not None:
            self._out.write("\n")
            self._out.flush()

    def _show(self, done: int) -> None:
        percent = 100 if self._size == 0 else min(100, done * 100 // self._size)
        if percent == self._shown:
            return
        self._shown = percent
        filled = self.WIDTH * percent // 100
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self._out.write(f"\r[{bar}] {percent:3d}% {_size(done)} / {_size(self._size)}")
        self._out.flush()


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _describe(exc: BaseException) -> str:
    """One line about an error: the API's errors say enough, others get their type."""
    from mistral_core import APIError, MissingResourceError, MistralError

    if isinstance(exc, APIError):
        text = f"the API answered {exc}"
    elif isinstance(exc, (MistralError, MissingResourceError)):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())


def _fail(message: str) -> None:
    sys.stderr.write(f"{PROG}: error: {message}\n")
    sys.stderr.flush()


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
