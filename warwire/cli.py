"""The ``warwire`` command: thin Click commands over the library."""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .config import load_settings
from .errors import InputError, WarwireError
from .sources import parse_date, read_file, read_jsonl, read_text


def _fail(exc: Exception) -> None:
    click.echo(f"warwire: {exc}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="warwire")
@click.option("--config", type=click.Path(dir_okay=False), default=None, help="A warwire.toml settings file.")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.pass_context
def main(ctx: click.Context, config: str | None, verbose: int) -> None:
    """warwire: turn conflict news into structured, evidenced event data."""
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)],
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    ctx.obj = {"config": config}


@main.command()
@click.argument("input", type=click.Path(allow_dash=True))
@click.option("--published", default=None, help="Publication date YYYY-MM-DD; relative dates resolve against it.")
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl"]), default=None,
              help="json: one indented object (one article); jsonl: one object per line. Default: json for "
                   "one article, jsonl for a .jsonl input.")
@click.option("--actors", "actor_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra actor knowledge file (YAML, same shape as the bundled ones). Repeatable.")
@click.option("--places", "place_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="Extra gazetteer file (YAML). Repeatable.")
@click.pass_context
def extract(ctx, input: str, published: str | None, fmt: str | None, actor_files, place_files) -> None:
    """Extract actors, places, relations and events from INPUT (text, HTML, .jsonl, or - for stdin)."""
    try:
        pub = parse_date(published, "--published")
        settings = load_settings(ctx.obj["config"], actor_files=actor_files or None, place_files=place_files or None)
    except (InputError, WarwireError) as exc:
        _fail(exc)
    is_batch = input != "-" and input.lower().endswith(".jsonl")
    if input != "-" and not Path(input).exists():
        _fail(WarwireError(f"{input}: no such file."))
    fmt = fmt or ("jsonl" if is_batch else "json")
    if is_batch:
        items = read_jsonl(Path(input), pub)
    elif input == "-":
        data = sys.stdin.buffer.read()
        try:
            from .sources import decode

            items = [read_text(decode(data, "stdin"), "stdin", pub)]
        except InputError as exc:
            from .types import Article

            items = [(Article("stdin", "", pub), exc)]
    else:
        items = [read_file(Path(input), pub)]
    from .pipeline import Extractor

    try:
        extractor = Extractor(settings)
    except WarwireError as exc:
        _fail(exc)
    from .ingest.engines import freeze_loaded

    freeze_loaded()  # the extractor lives as long as this command: spare the collector walking it
    out = sys.stdout
    for result in extractor.extract_many(items):
        obj = result.to_dict()
        if fmt == "json":
            out.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")
        else:
            out.write(json.dumps(obj, ensure_ascii=False) + "\n")
        out.flush()


def _register() -> None:
    """Commands living in their own modules (ingest/watch, query/export, serve) join the group here."""
    import importlib

    for module in ("warwire.cli_ingest", "warwire.cli_store"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        for cmd in getattr(mod, "COMMANDS", ()):
            main.add_command(cmd)


_register()

if __name__ == "__main__":
    main()
