"""``warwire ingest`` / ``warwire watch`` with a real DuckDB store: the summary line, quiet when piped, a run
killed mid-way and started again storing each article exactly once, and watch taking only new entries."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from warwire.cli import main
from warwire.ingest import InProcessEngine

WARWIRE = Path(sys.executable).parent / "warwire"


@pytest.fixture
def shared_engine(monkeypatch, extractor):
    """The CLI's engine, built on the session's Extractor instead of loading the pipeline again."""
    monkeypatch.setattr("warwire.ingest.runner.make_engine",
                        lambda settings, workers, engine="local", scheduler=None:
                        InProcessEngine(settings, extractor=extractor))
    monkeypatch.setattr("warwire.ingest.make_engine",
                        lambda settings, workers, engine="local", scheduler=None:
                        InProcessEngine(settings, extractor=extractor))


def articles_table(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT source_id, url_key, content_hash, status, reason_code FROM articles").fetchall()


@pytest.mark.slow
def test_summary_line_and_no_progress_when_piped(corpus, tmp_path, shared_engine):
    db = tmp_path / "events.duckdb"
    result = CliRunner().invoke(main, ["ingest", str(corpus.root), "--db", str(db), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"ingested {corpus.good + 4} articles: {corpus.good} added, 0 duplicates, 0 new versions, "
                     r"4 rejected \(1 bad_record, 1 binary, 1 empty, 1 encoding\) into .*events\.duckdb",
                     result.stdout)
    assert "articles/s" in result.stdout and result.stderr == ""
    rows = articles_table(db)
    assert sorted(r[4] for r in rows if r[3] == "rejected") == sorted(corpus.rejected)
    again = CliRunner().invoke(main, ["ingest", str(corpus.root), "--db", str(db)])
    assert f"0 added, {corpus.good} duplicates" in again.stdout
    assert articles_table(db) == rows


@pytest.mark.parametrize("args, message", [
    (["ingest", "/no/such/dir"], "no such file or directory: /no/such/dir"),
    (["ingest", ".", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler needs --engine dask"),
    (["ingest", ".", "--published", "yesterday"], "not a date"),
    (["watch", "feed.rss", "--every", "soon"], "not an interval"),
])
def test_bad_arguments_fail_fast_with_a_message(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and message in result.stderr


def test_progress_callback_draws_on_a_terminal():
    from warwire.cli_ingest import _progress
    from warwire.ingest import IngestCounts

    with _progress(False) as quiet:
        assert quiet is None
    with _progress(True) as update:
        update(IngestCounts(added=3))


@pytest.mark.slow
def test_watch_once_twice_with_a_growing_feed(site, tmp_path, shared_engine):
    site.page("/dam.html", "dam_strike.html")
    site.page("/port.html", "port_protest.html")
    first = [("urn:dam", "/dam.html", "Dam", "Tue, 05 Mar 2024 09:00:00 GMT")]
    feed = site.rss("/world.rss", first)
    db = str(tmp_path / "w.duckdb")
    one = CliRunner().invoke(main, ["watch", feed, "--once", "--db", db])
    site.rss("/world.rss", [("urn:port", "/port.html", "Port", "Wed, 06 Mar 2024 07:00:00 GMT"), *first])
    two = CliRunner().invoke(main, ["watch", feed, "--once", "--db", db])
    assert "poll 1: 1 article: 1 added" in one.stdout and "poll 1: 1 article: 1 added" in two.stdout
    assert "poll 1: merged events updated:" in one.stdout and "poll 1: merged events updated:" in two.stdout
    assert site.hits("/dam.html") == 1 and site.hits("/port.html") == 1
    assert len(articles_table(tmp_path / "w.duckdb")) == 2


def _kill_group(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.slow
def test_killed_and_restarted_ingest_stores_each_article_once(tmp_path, corpus, extractor):
    """kill -9 the whole ingest (parent and workers) right after its first article is stored, then run it again."""
    folder = tmp_path / "series"
    folder.mkdir()
    # 30 articles of a few paragraphs: four batches, so the kill lands with some of them not yet stored
    texts = {f"{name[:-4]}-{n}.txt": "\n\n".join([text] * 4) + f" Report {n} of the series." for n in range(10)
             for name, text in corpus.stories.items()}
    for name, text in texts.items():
        (folder / name).write_text(text)
    db = tmp_path / "k.duckdb"
    cmd = [str(WARWIRE), "-v", "ingest", str(folder), "--db", str(db), "--workers", "2"]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    deadline = time.monotonic() + 90
    for line in proc.stderr:
        if re.search(r"warwire\.ingest\.runner: added: ", line) or time.monotonic() > deadline:
            break
    _kill_group(proc)
    partial = articles_table(db)
    assert 1 <= len(partial) < len(texts), "the kill should land mid-run"

    restart = [str(WARWIRE), "ingest", str(folder), "--db", str(db), "--workers", "1"]
    done = subprocess.run(restart, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert f"{len(texts) - len(partial)} added, {len(partial)} duplicates" in done.stdout
    rows = articles_table(db)
    assert len(rows) == len(texts) == len({(r[1], r[2]) for r in rows})
    assert {r[0] for r in rows} == set(texts)
    with duckdb.connect(str(db), read_only=True) as con:
        stored = dict(con.execute("SELECT a.source_id, count(e.pk) FROM articles a LEFT JOIN events e "
                                  "ON e.article_id = a.id GROUP BY a.source_id").fetchall())
    from warwire.types import Article

    expected = {name: len(extractor.extract(Article(name, text)).events) for name, text in texts.items()}
    assert stored == expected   # no article lost its events, none has them twice
