"""The ``errdiag`` command: diagnose locally or against a running service, check a catalogue, serve."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from app.engine import Engine
    from app.engine.results import DiagnoseResult, MultiDiagnoseResult

# The engine is imported by the commands that use it: `errdiag --help` does without, and `errdiag serve`
# leaves it to app.api.main, which imports the app with the garbage collector paused.

__all__ = ["main", "cli"]

cli = typer.Typer(add_completion=False, no_args_is_help=True, help="Diagnose Azure Backup errors.")
catalog_cli = typer.Typer(no_args_is_help=True, help="Work with a catalogue directory.")
cli.add_typer(catalog_cli, name="catalog")

CatalogOpt = Annotated[Path | None, typer.Option("--catalog", help="Catalogue directory (default: ERRDIAG_CATALOG_DIR or the bundled one).")]
UrlOpt = Annotated[str | None, typer.Option("--url", help="Ask a running errdiag service (e.g. http://host:8000) instead of matching locally.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the JSON answer instead of text.")]
LangOpt = Annotated[str | None, typer.Option("--lang", help="Language of the answer: fr or en.")]


def _settings():  # noqa: ANN202
    from app.settings import settings_or_exit

    return settings_or_exit(2)


def _engine(catalog: Path | None) -> Engine:
    from app.engine import CatalogError, DiagnoseOptions, Engine

    settings = _settings()
    options = DiagnoseOptions(threshold=settings.threshold, limit=settings.default_limit, max_segments=settings.max_segments)
    try:
        return Engine.from_directory(catalog or settings.catalog_dir, options, check=False, parse_cache=settings.parse_cache_path)
    except CatalogError as exc:
        typer.echo(f"errdiag: {exc}", err=True)
        raise typer.Exit(2) from None


def _read(source: str) -> str:
    """The text to diagnose: ``-`` reads stdin, an existing file path reads the file, anything else is the message."""
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    if len(source) < 1024 and "\n" not in source and path.is_file():
        return path.read_text(encoding="utf-8", errors="replace")
    return source


def _remote(url: str, path: str, *, content: bytes, content_type: str, lang: str | None) -> dict:
    import httpx

    params = {"lang": lang} if lang else {}
    try:
        response = httpx.post(url.rstrip("/") + path, content=content, params=params,
                              headers={"Content-Type": content_type, "Accept": "application/json"}, timeout=30)
    except httpx.HTTPError as exc:
        typer.echo(f"errdiag: cannot reach {url}: {exc}", err=True)
        raise typer.Exit(2) from None
    if response.status_code != 200:
        typer.echo(f"errdiag: {url} answered {response.status_code}: {response.text[:500]}", err=True)
        raise typer.Exit(2)
    return response.json()


def _answer(result: DiagnoseResult | MultiDiagnoseResult, as_json: bool, render) -> None:  # noqa: ANN001
    """Print the answer (JSON or rendered text); exit 0 when something matched, 1 when nothing did."""
    typer.echo(result.model_dump_json(indent=2) if as_json else render(result), nl=as_json)
    raise typer.Exit(0 if result.matched else 1)


@cli.command()
def diagnose(
    message: Annotated[str, typer.Argument(help="The error message, a file path, or - to read stdin.")],
    catalog: CatalogOpt = None, url: UrlOpt = None, as_json: JsonOpt = False, lang: LangOpt = None,
) -> None:
    """Diagnose one message or a whole log. Exit code 1 when nothing matched."""
    from app.engine.results import DiagnoseResult
    from app.render import render_text

    text = _read(message)
    if not text.strip():
        typer.echo("errdiag: nothing to diagnose (empty input)", err=True)
        raise typer.Exit(2)
    if url:
        result = DiagnoseResult.model_validate(_remote(url, "/v1/diagnose", content=text.encode(), content_type="text/plain", lang=lang))
    else:
        result = _engine(catalog).diagnose(text, lang=lang)  # type: ignore[arg-type]
    _answer(result, as_json, render_text)


@cli.command("diagnose-job")
def diagnose_job(
    payload: Annotated[str, typer.Argument(help="A JSON job payload file, or - for stdin.")],
    catalog: CatalogOpt = None, url: UrlOpt = None, as_json: JsonOpt = False, lang: LangOpt = None,
) -> None:
    """Diagnose every distinct error of a job-failure payload (Azure job, ARM error, PowerShell...)."""
    from app.engine.results import MultiDiagnoseResult
    from app.render import render_multi_text

    raw = sys.stdin.read() if payload == "-" else Path(payload).read_text(encoding="utf-8")
    if url:
        result = MultiDiagnoseResult.model_validate(_remote(url, "/v1/diagnose/job", content=raw.encode(), content_type="application/json", lang=lang))
    else:
        try:
            document = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            typer.echo(f"errdiag: {payload} is not valid JSON: {exc}", err=True)
            raise typer.Exit(2) from None
        result = _engine(catalog).diagnose_job(document, lang=lang)  # type: ignore[arg-type]
    _answer(result, as_json, render_multi_text)


@cli.command("triage")
def triage_ticket(
    payload: Annotated[str, typer.Argument(help="A ticket payload (JSON of a tracker, a generic ticket, or plain text), or - for stdin.")],
    source: Annotated[str, typer.Option("--source", help="auto, generic, jira, servicenow, zendesk or github.")] = "auto",
    catalog: CatalogOpt = None, url: UrlOpt = None, as_json: JsonOpt = False, lang: LangOpt = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print only the comment to post (Markdown).")] = False,
) -> None:
    """Triage a ticket: labels, priority, assignment group and the comment. Exit code 1 when nothing matched."""
    from app.cli_triage import SOURCE_CHOICES, run_triage

    if source not in SOURCE_CHOICES:
        typer.echo(f"errdiag: --source must be one of {', '.join(SOURCE_CHOICES)}", err=True)
        raise typer.Exit(2)
    output = "json" if as_json else "markdown" if markdown else "text"
    raise typer.Exit(run_triage(payload, source=source, url=url, output=output, lang=lang,
                                engine=lambda: _engine(catalog), settings=_settings))


@catalog_cli.command("check")
def catalog_check(directory: Annotated[Path, typer.Argument(help="The catalogue directory.")] = Path("catalog")) -> None:
    """Validate every file and entry, and run every entry's examples (this also fills the parse cache)."""
    from app.engine import CatalogError, DiagnoseOptions, build_index, check_examples, load_catalog

    settings = _settings()
    try:
        index = build_index(load_catalog(directory, parse_cache=settings.parse_cache_path))
    except CatalogError as exc:
        typer.echo(f"FAIL {exc}", err=True)
        raise typer.Exit(1) from None
    problems = check_examples(index, DiagnoseOptions(threshold=settings.threshold))
    examples = sum(len(e.examples) for e in index.catalog)
    for problem in problems:
        typer.echo(f"FAIL {problem}", err=True)
    status = "FAIL" if problems else "ok"
    typer.echo(f"{status}: {len(index.catalog)} entries, {len(index.catalog.categories)} categories, "
               f"{examples} examples ({len(problems)} failing), version {index.catalog.version}")
    raise typer.Exit(1 if problems else 0)


@cli.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    loop: Annotated[str, typer.Option(help="Event loop: asyncio (measured: shorter tail latency under load) or uvloop.")] = "asyncio",
    http: Annotated[str, typer.Option(help="HTTP parser: httptools (measured: about 50 % more requests/s than h11) or h11.")] = "httptools",
) -> None:
    """Start the HTTP service on the configured catalogue (defaults chosen from `make bench`, see README)."""
    import uvicorn

    _settings()  # fail fast, naming the wrong setting
    from app.api.protocol import http_protocol  # httptools with Nagle's algorithm off, whatever the workers

    uvicorn.run("app.api.main:app", host=host, port=port, workers=workers, loop=loop, http=http_protocol(http),  # type: ignore[arg-type]
                ws="none", log_config=None, access_log=False)  # no WebSocket route: its libraries are not even imported


@cli.command(
    "eval", context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def evaluate(ctx: typer.Context) -> None:
    """Accuracy report over tests/eval with the naive baseline (--catalog, --eval-dir, --threshold, --json; --help)."""
    from app.evaluation import main as evaluation_main

    raise typer.Exit(evaluation_main(ctx.args))


@cli.command()
def openapi(output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None) -> None:
    """Print the OpenAPI document of the API."""
    from app.api.openapi_file import openapi_json

    text = openapi_json()
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        typer.echo(text, nl=False)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
