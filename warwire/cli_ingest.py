"""``warwire ingest`` and ``warwire watch``: thin Click commands over warwire.ingest.

A Rich progress line (articles/s) is drawn on stderr only when stderr is a terminal; the summary line goes to
stdout. Registered on the ``warwire`` group by cli.py through ``COMMANDS``.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
from contextlib import contextmanager

import click

from .config import Settings, load_settings
from .errors import InputError, WarwireError
from .sources import parse_date

DB_HELP = "The store (a DuckDB file). Default: the db setting (warwire.toml, WARWIRE_DB), else warwire.duckdb."


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"warwire: {message}", err=True)
    sys.exit(code)


def _settings(ctx: click.Context, db: str | None) -> Settings:
    try:
        return load_settings(ctx.obj["config"] if ctx.obj else None, db=db)
    except WarwireError as exc:
        _fail(str(exc))


def _date(value: str | None) -> dt.date | None:
    try:
        return parse_date(value, "--published")
    except InputError as exc:
        _fail(str(exc))


@contextmanager
def _progress(enabled: bool):
    """Yields an on_progress callback: a Rich progress line with articles/s on a terminal, else None."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:.1f} articles/s" if task.speed else "... articles/s")

    progress = Progress(SpinnerColumn(), TextColumn("{task.completed} articles"), Rate(),
                        TextColumn("{task.fields[detail]}"), TimeElapsedColumn(),
                        console=Console(file=sys.stderr), transient=True)
    task = progress.add_task("ingest", total=None, detail="")

    def update(counts) -> None:
        rejected = sum(counts.rejected.values())
        progress.update(task, completed=counts.total,
                        detail=f"{counts.added} added, {counts.duplicate} dup, {rejected} rejected")

    with progress:
        yield update


def _quiet_dask() -> None:
    """Dask logs its cluster's every step at INFO; show that only with -v."""
    import logging

    import distributed  # noqa: F401  (sets its loggers up on import; adjusted after)

    if logging.getLogger().getEffectiveLevel() > logging.INFO:
        logging.getLogger("distributed").setLevel(logging.WARNING)


def _open_store(path: str):
    from .store import Store

    return Store.open(path)


@click.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--db", default=None, help=DB_HELP)
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Extraction processes (local) or local Dask workers. Default: one per core.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: a pool of processes on this machine; dask: a Dask cluster (see --scheduler).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --engine dask). Default: a local cluster.")
@click.option("--published", default=None, help="Publication date YYYY-MM-DD for articles that carry none.")
@click.pass_context
def ingest(ctx, sources, db, workers, engine, scheduler, published) -> None:
    """Extract and store articles from files, directories, URLs and feeds.

    A SOURCE is a file, a directory (recursive: .txt, .html/.htm, .jsonl), an article URL, or an RSS/Atom
    feed (a .xml/.rss/.atom file or a feed URL; each entry's page is fetched and its main text read).

    Articles already stored are skipped, so re-running after an interruption stores each article once.
    """
    from .ingest import check_sources, default_workers, ingest as run_ingest

    settings = _settings(ctx, db)
    pub = _date(published)
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask.")
    missing = check_sources(sources)
    if missing:
        _fail(f"no such file or directory: {', '.join(missing)} (a SOURCE is a path or an http(s) URL).")
    workers = workers or default_workers()
    if engine == "dask":
        _quiet_dask()
    started = time.perf_counter()
    try:
        with _open_store(settings.db) as store, _progress(sys.stderr.isatty()) as on_progress:
            counts = run_ingest(sources, settings, store, workers=workers, engine=engine, scheduler=scheduler,
                                published=pub, on_progress=on_progress)
            # reports of one event across articles: the new ones merged into the stored merged events
            merged = store.remerge() if counts.stored_new else None
    except KeyboardInterrupt:
        _fail("interrupted. Every article stored so far is complete; run the same command again to go on.", 130)
    except WarwireError as exc:
        _fail(str(exc))
    seconds = time.perf_counter() - started
    click.echo(f"ingested {counts.summary()} into {settings.db} in {seconds:.1f}s "
               f"({counts.total / max(seconds, 1e-9):.1f} articles/s)")
    if merged is not None:
        click.echo(_merge_summary(merged))


def _merge_summary(stats) -> str:
    how = "rebuilt" if stats.full else "updated"
    return (f"merged events {how}: {stats.total} in the store ({stats.reports} reports merged, "
            f"{stats.removed} replaced by {stats.added})")


@click.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option("--full", is_flag=True,
              help="Merge every current event again instead of only what is new (after the merge rules changed, "
                   "or to check the merged events).")
@click.pass_context
def remerge(ctx, db, full) -> None:
    """Merge reports of the same real event across articles into merged events.

    warwire ingest does this after each run; by default only the events stored since the last merge are
    merged, into the merged events they can join (the result is the same as --full, which merges all).
    """
    settings = _settings(ctx, db)
    try:
        with _open_store(settings.db) as store:
            stats = store.remerge(full=full)
    except WarwireError as exc:
        _fail(str(exc))
    click.echo(_merge_summary(stats))


@click.command()
@click.argument("feeds", nargs=-1, required=True)
@click.option("--every", default="15m", show_default=True, help="Time between polls: 30s, 15m, 2h, 1d.")
@click.option("--db", default=None, help=DB_HELP)
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Extraction processes kept loaded between polls.")
@click.option("--once", is_flag=True, help="Poll once and exit (for cron).")
@click.pass_context
def watch(ctx, feeds, every, db, workers, once) -> None:
    """Poll feeds and ingest only the entries not seen before; Ctrl-C stops.

    A FEED is an RSS/Atom URL or file. After a poll that stored new articles, the merged events are updated
    (incrementally, as warwire ingest does). The store is opened only while a poll writes and merges, so
    `warwire query` can read it between polls.
    """
    from .ingest import Fetcher, check_sources, make_engine, parse_interval, watch as run_watch

    settings = _settings(ctx, db)
    try:
        interval = parse_interval(every)
    except ValueError as exc:
        _fail(str(exc))
    missing = check_sources(feeds)
    if missing:
        _fail(f"no such feed file: {', '.join(missing)} (a FEED is a file or an http(s) URL).")
    polls = []

    def report(n: int, counts) -> None:
        polls.append(n)
        click.echo(f"{dt.datetime.now().isoformat(timespec='seconds')} poll {n}: {counts.summary()}")

    def merged(n: int, stats) -> None:
        click.echo(f"{dt.datetime.now().isoformat(timespec='seconds')} poll {n}: {_merge_summary(stats)}")

    try:
        with Fetcher() as fetcher, make_engine(settings, workers) as engine:
            run_watch(feeds, lambda: _open_store(settings.db), engine, every=interval, fetcher=fetcher,
                      on_cycle=report, on_merged=merged, cycles=1 if once else None)
    except KeyboardInterrupt:
        click.echo(f"stopped after {len(polls)} poll(s). Every article stored so far is complete.", err=True)
    except WarwireError as exc:
        _fail(str(exc))


COMMANDS = [ingest, watch, remerge]
