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
MERGED_TABLE_COLUMNS = ("date_start", "type", "acled_sub_event_type", "modality", "sources", "targets", "place",
                        "country", "fatalities", "fatalities_max", "n_sources", "merged_id")
MERGED_HELP = ("--merged: one row per real-world event, however many articles reported it (reports merged across "
               "articles by warwire remerge; filters apply to the merged event's own type, place, date and best "
               "fatality estimate, and --actor to any of its reports). --reports: one row per event as each "
               "article reported it.")


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
                 help="Also search the events of superseded versions of changed articles (with --reports)."),
)


def _merged_option(default: str):
    return click.option("--merged/--reports", "merged", default=None, help=f"{MERGED_HELP} Default: {default}.")


def _warn_unmerged(store, merged: bool) -> None:
    """A store that took articles since its last remerge holds events no merged event shows yet."""
    n = store.unmerged() if merged else 0
    if n:
        click.echo(f"warwire: {n} stored events are not merged yet, so merged results leave them out; run "
                   f"warwire remerge --db {store.path}, or pass --reports.", err=True)


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
@_merged_option("--merged")
@click.pass_context
@_store_command
def query(ctx, store, filters, fmt: str, limit: int | None, merged: bool | None) -> None:
    """Search the stored events; every filter narrows the result (newest events first).

    By default each row is a merged event: one real-world event with its best fatality estimate (the lowest
    toll reported), the range (fatalities_min/max), n_sources (distinct outlets) and its reports. --reports
    lists the events of each article instead.

    Example: warwire query --actor "Red Hand Brigade" --type ASSAULT --country IRQ --since 2024-01-01
    """
    merged = merged is not False
    _warn_unmerged(store, merged)
    found = store.iter_merged(filters, limit=limit) if merged else store.iter_events(filters, limit=limit)
    rows = (r.to_dict() for r in found)
    out = sys.stdout
    if fmt == "json":
        n = _write_json(rows, out)
    elif fmt == "csv":
        n = _write_csv(rows, out)
    elif out.isatty():
        n = _rich_table(list(rows), MERGED_RICH_COLUMNS if merged else RICH_COLUMNS)
    else:
        n = _plain_table(rows, out, MERGED_TABLE_COLUMNS if merged else TABLE_COLUMNS)
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
        writer.writerow({k: _csv_value(v) for k, v in r.items()})
        n += 1
    return n


def _csv_value(value):
    """Lists of plain values joined with '; '; lists of objects (a merged event's claims) as JSON."""
    if isinstance(value, list):
        if any(isinstance(v, (dict, list)) for v in value):
            return json.dumps(value, ensure_ascii=False)
        return "; ".join(map(str, value))
    return value


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
MERGED_RICH_COLUMNS = (
    ("date_start", "date", {"no_wrap": True}), ("type", "type", {"no_wrap": True}),
    ("acled_sub_event_type", "ACLED", {"max_width": 18}), ("modality", "modality", {"no_wrap": True}),
    ("sources", "sources", {"ratio": 1}), ("targets", "targets", {"ratio": 1}), ("place", "place", {"max_width": 16}),
    ("country", "iso", {"no_wrap": True}), ("fatalities", "killed", {"justify": "right", "no_wrap": True}),
    ("fatalities_max", "max", {"justify": "right", "no_wrap": True}),
    ("n_sources", "outlets", {"justify": "right", "no_wrap": True}), ("merged_id", "id", {"no_wrap": True}))


def _rich_table(rows: list[dict], columns) -> int:
    from rich.console import Console
    from rich.table import Table

    table = Table(header_style="bold", expand=True)
    for _, header, options in columns:
        table.add_column(header, **options)
    for r in rows:
        table.add_row(*(_cell(r[field]) for field, _, _ in columns))
    Console().print(table)
    return len(rows)


def _plain_table(rows, out, columns) -> int:
    """Tab-separated: stable for scripts and `column -t`, one event per line."""
    out.write("\t".join(columns) + "\n")
    n = 0
    for r in rows:
        out.write("\t".join(_cell(r[c]).replace("\t", " ") for c in columns) + "\n")
        n += 1
    return n


@click.command()
@filter_options
@click.option("--format", "fmt", type=click.Choice(["acled-csv", "geojson", "parquet", "jsonl"]), required=True,
              help="acled-csv: ACLED's columns and codes (only events ACLED would code); geojson: a "
                   "FeatureCollection of the events with coordinates; parquet: every event field; jsonl: one "
                   "output-contract result per article (with --merged: one merged event per line).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The file to write ('-' for stdout, except parquet).")
@_merged_option("--merged for acled-csv, geojson and parquet; --reports for jsonl")
@click.pass_context
@_store_command
def export(ctx, store, filters, fmt: str, output: str, merged: bool | None) -> None:
    """Write the stored events (the same filters as query) as ACLED-style CSV, GeoJSON, Parquet or JSONL.

    Merged events (the default but for jsonl) are one row per real-world event: ACLED's fatalities is the best
    estimate (the lowest toll reported), extra columns give fatalities_min/max, n_sources, n_reports and the
    earliest report's date; source lists the outlets, notes the reports and who gave which toll.
    """
    from . import export as ex

    merged = fmt != "jsonl" if merged is None else merged
    _warn_unmerged(store, merged)
    if fmt == "parquet":
        if output == "-":
            _fail("parquet needs a file: pass -o FILE.parquet.")
        n = ex.write_parquet(store, filters, output, merged=merged)
    else:
        out = sys.stdout if output == "-" else open(output, "w", encoding="utf-8", newline="")
        try:
            if fmt == "acled-csv":
                n = ex.write_acled_csv(store, filters, out, ex.country_table(_kb(ctx)), merged=merged)
            elif fmt == "geojson":
                n = ex.write_geojson(store, filters, out, merged=merged)
            else:
                n = ex.write_jsonl(store, filters, out, merged=merged)
        finally:
            if out is not sys.stdout:
                out.close()
    what = "merged events" if merged else "articles" if fmt == "jsonl" else "events"
    click.echo(f"exported {n} {what} to {output}", err=True)


def _kb(ctx):
    from .kb.actors import ActorKB

    settings = load_settings(ctx.obj["config"] if ctx.obj else None)
    return ActorKB.load(settings.actor_files)


COMMANDS = [query, export]
