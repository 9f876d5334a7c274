"""Everything warwire outputs for a fixed set of articles, written to a directory so that two versions of the
code can be compared byte for byte (a speed change must not change one record):

    .venv/bin/python bench/snapshot.py OUT_DIR [--articles 400]
    diff -r BEFORE_DIR AFTER_DIR

The articles: the benchmark corpus (bench/corpus.py, two seeds), the samples, the golden cases' texts and
the merge test corpus. Written: ``extract.jsonl`` (``Result.to_dict`` per article, as ``warwire extract``
prints it) and ``store.txt``, every table of a store filled by one-worker ingest of the same articles, rows
sorted, the columns holding wall-clock times left out.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))

from corpus import fictional_articles  # noqa: E402

from warwire.config import Settings  # noqa: E402
from warwire.sources import read_file, read_jsonl  # noqa: E402
from warwire.types import Article  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TIME_COLUMNS = {"ingested_at", "started", "finished", "created_at", "updated_at", "merged_at", "applied_at"}


def articles(n: int) -> list:
    items = list(fictional_articles(n, seed=7)) + list(fictional_articles(24, seed=99))
    for path in sorted((ROOT / "samples" / "articles").iterdir()):
        items.extend(read_jsonl(path, None) if path.suffix == ".jsonl" else [read_file(path, dt.date(2024, 6, 1))])
    items.append(read_file(ROOT / "samples" / "sample_article.txt", dt.date(2024, 6, 1)))
    for path in sorted((ROOT / "tests" / "golden" / "cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text())
        items.append(Article(path.stem, case["text"], case.get("published")))
    for path in sorted((ROOT / "tests" / "data" / "merge_corpus" / "articles").iterdir()):
        items.append(read_file(path, dt.date(2024, 6, 1)))
    return items


def write_extract(items: list, out: Path) -> None:
    from warwire.pipeline import Extractor

    with (out / "extract.jsonl").open("w") as fh:
        for result in Extractor(Settings()).extract_many(items):
            fh.write(json.dumps(result.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")


def write_store(items: list, out: Path) -> None:
    from warwire.ingest import Fetcher, discover, ingest_located, make_engine
    from warwire.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        # the same path in every run: each article is stored under its file URI
        corpus = Path(tempfile.gettempdir()) / "warwire-snapshot-corpus.jsonl"
        with corpus.open("w") as fh:
            for item in items:
                a = item[0] if isinstance(item, tuple) else item
                fh.write(json.dumps({"id": a.id, "text": a.text, "title": a.title, "url": a.url,
                                     "published": a.published.isoformat() if a.published else None}) + "\n")
        db = Path(tmp) / "snap.duckdb"
        with Fetcher() as fetcher, make_engine(Settings(), 1) as engine, Store.open(str(db)) as store:
            ingest_located(discover([str(corpus)], fetcher, dt.date(2024, 6, 1)), store, engine)
            store.remerge()
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        with (out / "store.txt").open("w") as fh:
            for (table,) in con.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'main' ORDER BY 1").fetchall():
                cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                                  "table_name = ? ORDER BY ordinal_position", [table]).fetchall()
                        if c not in TIME_COLUMNS]
                rows = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
                fh.write(f"## {table} ({', '.join(cols)}): {len(rows)} rows\n")
                for row in sorted(rows, key=repr):
                    fh.write(repr(row) + "\n")
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--no-store", action="store_true", help="only extract.jsonl")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    items = articles(args.articles)
    write_extract(items, args.out)
    if not args.no_store:
        write_store(items, args.out)
    print(f"{len(items)} articles -> {args.out}")


if __name__ == "__main__":
    main()
