"""``warwire query`` and ``warwire export``: thin Click commands over warwire.store and warwire.export.

Both open the store read-only, so they run beside other readers (not beside a running ingest, which
holds the write lock). Data goes to stdout or the output file; messages go to stderr. Registered on the
``warwire`` group by cli.py through ``COMMANDS``.
"""
from __future__ import annotations

import csv
import functools
import json
import os
import sys

import click

from .config import Settings, load_settings
from .errors import WarwireError
from .types import EventType, Modality

DB_HELP = "The store (a DuckDB file). Default: the db setting (warwire.toml, WARWIRE_DB), else warwire.duckdb."
TABLE_COLUMNS = ("date_start", "type", "acled_sub_event_type", "modality", "sources", "targets", "place", "country",
                 "fatalities_min", "article", "evidence")


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"warwire: {message}", err=True)
    sys.exit(code)


class NearType(click.ParamType):
    """LAT,LON,KM: a point and a radius in kilometres."""

    name = "LAT,LON,KM"

    def convert(self, value, param, ctx):
        from .store import Near

        if isinstance(value, Near):
            return value
        try:
            lat, lon, km = (float(x) for x in str(value).split(","))
        except ValueError:
            self.fail(f"{value!r} is not LAT,LON,KM (e.g. 33.31,44.36,50).", param, ctx)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
            self.fail(f"{value!r}: latitude must be in [-90, 90], longitude in [-180, 180], KM above 0.", param, ctx)
        return Near(lat, lon, km)


def _iso3(ctx, param, values):
    bad = [v for v in values if len(v) != 3 or not v.isalpha()]
    if bad:
        raise click.BadParameter(f"{', '.join(bad)}: give ISO 3166-1 alpha-3 codes such as IRQ or SYR.")
    return tuple(v.upper() for v in values)


FILTER_OPTIONS = (
    click.option("--db", default=None, help=DB_HELP),
    click.option("--actor", default=None, metavar="NAME",
                 help="Events with this actor among their sources or targets: a name, alias, ACLED name or "
                      "knowledge-base id, case-insensitive; its members count too (see --no-members)."),
    click.option("--members/--no-members", default=True, show_default=True,
                 help="With --actor, also match actors that are member_of/part_of it (stored relations and the "
                      "actor knowledge base)."),
    click.option("--type", "event_types", multiple=True,
                 type=click.Choice([t.value for t in EventType], case_sensitive=False),
                 help="PLOVER event type, e.g. ASSAULT. Repeatable (any of them)."),
    click.option("--acled-type", "acled_types", multiple=True, metavar="TYPE",
                 help="ACLED event_type or sub_event_type, e.g. Battles or 'Air/drone strike'. Repeatable."),
    click.option("--modality", "modalities", multiple=True,
                 type=click.Choice([m.value for m in Modality], case_sensitive=False),
                 help="Only events reported with this modality (asserted, claimed, alleged...). Repeatable."),
    click.option("--country", "countries", multiple=True, callback=_iso3, metavar="ISO3",
                 help="ISO3 code of the event's place, e.g. IRQ. Repeatable."),
    click.option("--near", type=NearType(), default=None,
                 help="Events whose place is within KM kilometres of LAT,LON, e.g. 33.31,44.36,50."),
    click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
                 help="Events whose dates reach YYYY-MM-DD or later (date ranges overlap)."),
    click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
                 help="Events whose dates begin on YYYY-MM-DD or earlier."),
    click.option("--min-fatalities", type=click.IntRange(min=0), default=None, metavar="N",
                 help="Events whose lowest reported death toll is at least N."),
    click.option("--all-versions", is_flag=True,
                 help="Also search the events of superseded versions of changed articles."),
)


def filter_options(fn):
    for option in reversed(FILTER_OPTIONS):
        fn = option(fn)
    return fn


def _open(ctx: click.Context, db: str | None):
    from .store import Store

    try:
        settings = load_settings(ctx.obj["config"] if ctx.obj else None, db=db)
        return settings, Store.open(settings.db, read_only=True)
    except WarwireError as exc:
        _fail(str(exc))


def _filters(settings: Settings, actor, members, event_types, acled_types, modalities, countries, near, since,
             until, min_fatalities, all_versions):
    from .store import Filters

    kb_ids: tuple[str, ...] = ()
    if actor is not None:
        from .kb.actors import ActorKB
        from .store.query import kb_ids_for

        try:
            kb_ids = kb_ids_for(ActorKB.load(settings.actor_files), actor, members)
        except WarwireError as exc:
            _fail(str(exc))
    return Filters(actor=actor, actor_kb_ids=kb_ids, members=members,
                   event_types=tuple(t.upper() for t in event_types), acled_types=tuple(acled_types),
                   modalities=tuple(m.lower() for m in modalities), countries=countries, near=near,
                   since=since.date() if since else None, until=until.date() if until else None,
                   min_fatalities=min_fatalities, include_superseded=all_versions)


def _store_command(fn):
    """Common to query and export: open the store, build the filters, close the store, report errors."""
    @functools.wraps(fn)
    def wrapper(ctx, db, actor, members, event_types, acled_types, modalities, countries, near, since, until,
                min_fatalities, all_versions, **rest):
        settings, store = _open(ctx, db)
        with store:
            filters = _filters(settings, actor, members, event_types, acled_types, modalities, countries, near,
                               since, until, min_fatalities, all_versions)
            try:
                fn(ctx, store, filters, **rest)
            except WarwireError as exc:
                _fail(str(exc))
            except BrokenPipeError:  # `warwire query ... | head`: stop quietly, as other Unix tools do
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                sys.exit(1)
    return wrapper


@click.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
              help="table: aligned columns (a Rich table on a terminal); json: an array of events with every "
                   "field; csv: every field, lists joined with '; '.")
@click.option("--limit", type=click.IntRange(min=1), default=None, metavar="N",
              help="At most N events, newest first (default: all).")
@click.pass_context
@_store_command
def query(ctx, store, filters, fmt: str, limit: int | None) -> None:
    """Search the stored events; every filter narrows the result (newest events first).

    Example: warwire query --actor "Red Hand Brigade" --type ASSAULT --country IRQ --since 2024-01-01
    """
    rows = (r.to_dict() for r in store.iter_events(filters, limit=limit))
    out = sys.stdout
    if fmt == "json":
        n = _write_json(rows, out)
    elif fmt == "csv":
        n = _write_csv(rows, out)
    elif out.isatty():
        n = _rich_table(list(rows))
    else:
        n = _plain_table(rows, out)
    if fmt == "table":
        click.echo(f"{n} events", err=True)


def _write_json(rows, out) -> int:
    """A JSON array, written event by event so a large result needs little memory."""
    n = 0
    for r in rows:
        out.write(("[\n" if n == 0 else ",\n") + json.dumps(r, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "[]\n")
    return n


def _write_csv(rows, out) -> int:
    writer = None
    n = 0
    for r in rows:
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(r), lineterminator="\n")
            writer.writeheader()
        writer.writerow({k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in r.items()})
        n += 1
    return n


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(map(str, value))
    return " ".join(str(value).split())


RICH_COLUMNS = (  # (field, header, Rich column options): short fields never wrap, the evidence takes the rest
    ("date_start", "date", {"no_wrap": True}), ("type", "type", {"no_wrap": True}),
    ("acled_sub_event_type", "ACLED", {"max_width": 18}), ("modality", "modality", {"no_wrap": True}),
    ("sources", "sources", {"max_width": 24}), ("targets", "targets", {"max_width": 24}),
    ("place", "place", {"max_width": 16}), ("country", "iso", {"no_wrap": True}),
    ("fatalities_min", "killed", {"justify": "right", "no_wrap": True}),
    ("evidence", "evidence", {"ratio": 1, "min_width": 20}))


def _rich_table(rows: list[dict]) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold", expand=True)
    for _, header, options in RICH_COLUMNS:
        table.add_column(header, **options)
    for r in rows:
        table.add_row(*(_cell(r[field]) for field, _, _ in RICH_COLUMNS))
    Console().print(table)
    return len(rows)


def _plain_table(rows, out) -> int:
    """Tab-separated: stable for scripts and `column -t`, one event per line."""
    out.write("\t".join(TABLE_COLUMNS) + "\n")
    n = 0
    for r in rows:
        out.write("\t".join(_cell(r[c]).replace("\t", " ") for c in TABLE_COLUMNS) + "\n")
        n += 1
    return n


@click.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(["acled-csv", "geojson", "parquet", "jsonl"]), required=True,
              help="acled-csv: ACLED's columns and codes (only events ACLED would code); geojson: a "
                   "FeatureCollection of the events with coordinates; parquet: every event field; jsonl: one "
                   "output-contract result per article.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The file to write ('-' for stdout, except parquet).")
@click.pass_context
@_store_command
def export(ctx, store, filters, fmt: str, output: str) -> None:
    """Write the stored events (the same filters as query) as ACLED-style CSV, GeoJSON, Parquet or JSONL."""
    from . import export as ex

    if fmt == "parquet":
        if output == "-":
            _fail("parquet needs a file: pass -o FILE.parquet.")
        n = ex.write_parquet(store, filters, output)
    else:
        out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")
        try:
            if fmt == "acled-csv":
                n = ex.write_acled_csv(store, filters, out, ex.country_table(_kb(ctx)))
            elif fmt == "geojson":
                n = ex.write_geojson(store, filters, out)
            else:
                n = ex.write_jsonl(store, filters, out)
        finally:
            if out is not sys.stdout:
                out.close()
    what = "articles" if fmt == "jsonl" else "events"
    click.echo(f"exported {n} {what} to {output}", err=True)


def _kb(ctx):
    from .kb.actors import ActorKB

    settings = load_settings(ctx.obj["config"] if ctx.obj else None)
    return ActorKB.load(settings.actor_files)


COMMANDS = [query, export]
