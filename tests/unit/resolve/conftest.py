"""Fixtures of the resolve tests: the written merge corpus (tests/data/merge_corpus/*.yaml) expanded into
Report records with their gold cluster labels. (Tests run with --import-mode=importlib, so helpers live here
and reach the tests as fixtures.)"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from warwire.resolve.report import Report

CORPUS_DIR = Path(__file__).resolve().parents[2] / "data" / "merge_corpus"


@dataclass(frozen=True)
class Corpus:
    reports: tuple[Report, ...]
    gold: dict[str, str]          # report key -> gold cluster label
    kinds: dict[str, str]         # gold label -> "event" | "near_miss"


def load_corpus(path: Path = CORPUS_DIR / "corpus.yaml") -> Corpus:
    """Reports and gold labels of one corpus file; its tables extend those of corpus.yaml."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    base = yaml.safe_load((CORPUS_DIR / "corpus.yaml").read_text(encoding="utf-8"))
    for table in ("actors", "places", "acled"):
        data[table] = {**base[table], **(data.get(table) or {})}
    reports, gold, kinds = [], {}, {}
    for event in data["events"]:
        kinds[event["gold"]] = event["kind"]
        for short in event["reports"]:
            report = Report.from_dict(expand(short, data))
            if report.key in gold:
                raise ValueError(f"{path}: report key {report.key} appears twice")
            reports.append(report)
            gold[report.key] = event["gold"]
    return Corpus(tuple(reports), gold, kinds)


def expand(short: dict, data: dict) -> dict:
    """One report in the corpus shorthand -> the dict shape of ``Report.to_dict``."""
    known = {"art", "ev", "pub", "src", "url", "type", "mode", "acled", "mod", "agg", "date", "at", "by", "tgt",
             "dead", "conf", "text"}
    if set(short) - known:
        raise ValueError(f"unknown corpus field(s) {sorted(set(short) - known)} in {short}")
    event_type, sub_type = data["acled"][short["acled"]] if short.get("acled") else (None, None)
    date = short.get("date")
    if isinstance(date, list):
        start, end, precision = date
    else:
        start, end, precision = date, date, "day" if date else "unknown"
    dead = short.get("dead")
    lo, hi = (dead if isinstance(dead, list) else (dead, dead))
    place = short.get("at")
    return {
        "article_id": short["art"], "event_id": short.get("ev", "E1"), "type": short.get("type", "ASSAULT"),
        "published": short["pub"], "source": short.get("src"), "url": short.get("url"), "mode": short.get("mode"),
        "acled": {"event_type": event_type, "sub_event_type": sub_type},
        "modality": short.get("mod", "asserted"), "aggregate": bool(short.get("agg")),
        "date": {"start": start, "end": end, "precision": precision},
        "place": data["places"][place] if isinstance(place, str) else place,
        "sources": [_actor(a, data) for a in short.get("by", ())],
        "targets": [_actor(a, data) for a in short.get("tgt", ())],
        "fatalities": {"min": lo, "max": hi}, "confidence": short.get("conf", 0.6), "evidence": short.get("text", ""),
    }


def _actor(ref: str, data: dict) -> dict:
    key, _, surface = ref.partition("|")
    actor = dict(data["actors"][key])
    if surface:
        actor["name"] = surface
    return actor


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus()


@pytest.fixture(scope="session")
def heldout() -> Corpus:
    return load_corpus(CORPUS_DIR / "heldout.yaml")
