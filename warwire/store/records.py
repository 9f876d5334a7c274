"""Between records and rows: a ``Result`` to the rows of each table, and the rows back to a ``Result``.

Pure functions, no database: ``db.Store`` runs the SQL. Column order of each ``*_COLUMNS`` tuple is
the order of the values the matching ``*_rows`` function yields.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator

from ..types import (AcledCode, Actor, ActorKind, Aggregate, Article, ErrorInfo, Event, EventType, Modality, Place,
                     Precision, Quantity, Relation, Result, Span, TieType, TimeSpan)

ARTICLE_COLUMNS = ("id", "source_id", "url", "url_key", "content_hash", "title", "published", "language", "text",
                   "status", "reason_code", "reason", "version", "current", "ingested_at", "run_id")
ACTOR_COLUMNS = ("article_id", "id", "key", "seq", "name", "canonical", "kb_id", "kind", "country", "acled_name",
                 "producer")
PLACE_COLUMNS = ("article_id", "id", "seq", "name", "country", "admin1", "feature", "lat", "lon", "geonames_id",
                 "producer")
MENTION_COLUMNS = ("article_id", "owner", "owner_id", "seq", "start_char", "end_char", "text")
NAME_COLUMNS = ("actor_key", "name_key")
RELATION_COLUMNS = ("article_id", "seq", "type", "subject", "object", "subject_key", "object_key", "confidence",
                    "evidence_start",
                    "evidence_end", "evidence_text", "producer")
EVENT_COLUMNS = ("pk", "article_id", "id", "seq", "current", "type", "mode", "contexts", "acled_event_type",
                 "acled_sub_event_type", "modality", "aggregate_count_min", "aggregate_count_max", "aggregate_text",
                 "sources", "targets", "place_id", "country", "lat", "lon", "date_start", "date_end",
                 "date_precision", "date_text", "fatalities_min", "fatalities_max", "injured_min", "injured_max",
                 "attributed_to", "confidence", "evidence_start", "evidence_end", "evidence_text", "trigger_start",
                 "trigger_end", "trigger_text", "producer")
EVENT_ACTOR_COLUMNS = ("event_pk", "actor_key", "actor_id", "role", "position")

Keys = dict[str, int]  # an article's actor ids -> their store-wide keys


def content_hash(text: str) -> str:
    """The identity of an article's text: re-adding the same text at the same URL is a duplicate."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def result_hash(result: Result) -> str:
    """``content_hash`` of the text; a rejection also hashes its source id and reason, because its
    text is usually empty and two different bad inputs must not look like one."""
    if result.error is None:
        return content_hash(result.article.text)
    err = result.error
    return content_hash("\x1frejected\x1f".join([result.article.id, err.code, err.message, result.article.text]))


def name_key(name: str) -> str:
    """How ``--actor`` compares names: case- and space-insensitive."""
    return " ".join(name.casefold().split())


def actor_rows(article_id: int, actors: tuple[Actor, ...], keys: Keys) -> Iterator[tuple]:
    for seq, a in enumerate(actors):
        yield (article_id, a.id, keys[a.id], seq, a.name, a.canonical, a.kb_id, str(a.kind), a.country, a.acled_name,
               a.producer)


def place_rows(article_id: int, places: tuple[Place, ...]) -> Iterator[tuple]:
    for seq, p in enumerate(places):
        yield (article_id, p.id, seq, p.name, p.country, p.admin1, p.feature, p.lat, p.lon, p.geonames_id,
               p.producer)


def mention_rows(article_id: int, result: Result) -> Iterator[tuple]:
    for owner, records in (("actor", result.actors), ("place", result.places)):
        for rec in records:
            for seq, m in enumerate(rec.mentions):
                yield (article_id, owner, rec.id, seq, m.start, m.end, m.text)


def name_rows(actors: tuple[Actor, ...], keys: Keys) -> Iterator[tuple]:
    """Every name an actor goes by in this article: name, canonical, ACLED name, KB id, mention texts."""
    for a in actors:
        names = {a.name, a.canonical, a.acled_name, a.kb_id, *(m.text for m in a.mentions)}
        for key in sorted({name_key(n) for n in names if n}):
            yield (keys[a.id], key)


def relation_rows(article_id: int, relations: tuple[Relation, ...], keys: Keys) -> Iterator[tuple]:
    for seq, r in enumerate(relations):
        ev = r.evidence
        yield (article_id, seq, str(r.type), r.subject, r.object, keys.get(r.subject), keys.get(r.object),
               r.confidence, ev.start, ev.end, ev.text, r.producer)


def event_row(pk: int, article_id: int, seq: int, e: Event, places: dict[str, Place], current: bool) -> tuple:
    place = places.get(e.place) if e.place else None
    agg, date, fat, inj = e.aggregate, e.date, _known(e.fatalities), _known(e.injured)
    return (pk, article_id, e.id, seq, current, str(e.type), e.mode, list(e.contexts), e.acled.event_type,
            e.acled.sub_event_type, str(e.modality),
            agg.count_min if agg else None, agg.count_max if agg else None, agg.text if agg else None,
            list(e.sources), list(e.targets), e.place,
            place.country if place else None, place.lat if place else None, place.lon if place else None,
            date.start if date else None, date.end if date else None,
            str(date.precision) if date else None, date.text if date else None,
            fat.min if fat else None, fat.max if fat else None, inj.min if inj else None, inj.max if inj else None,
            e.attributed_to, e.confidence, e.evidence.start, e.evidence.end, e.evidence.text,
            e.trigger.start, e.trigger.end, e.trigger.text, e.producer)


def event_actor_rows(pk: int, e: Event, keys: Keys) -> Iterator[tuple]:
    for role, ids in (("source", e.sources), ("target", e.targets)):
        for pos, actor_id in enumerate(ids):
            yield (pk, keys.get(actor_id), actor_id, role, pos)


def _known(q: Quantity | None) -> Quantity | None:
    """A quantity with neither bound is unknown: stored (and read back) as None."""
    return None if q is None or (q.min is None and q.max is None) else q


# ------------------------------------------------------------------ rows back to records


def article_from(row: dict) -> Article:
    return Article(row["source_id"], row["text"], row["published"], row["title"], row["url"], row["language"])


def error_from(row: dict) -> ErrorInfo | None:
    return None if row["status"] == "ok" else ErrorInfo(row["reason_code"] or "rejected", row["reason"] or "")


def actor_from(row: dict, mentions: tuple[Span, ...]) -> Actor:
    return Actor(row["id"], row["name"], row["canonical"], row["kb_id"], ActorKind(row["kind"]), row["country"],
                 row["acled_name"], mentions, row["producer"])


def place_from(row: dict, mentions: tuple[Span, ...]) -> Place:
    return Place(row["id"], row["name"], row["country"], row["admin1"], row["feature"], row["lat"], row["lon"],
                 row["geonames_id"], mentions, row["producer"])


def relation_from(row: dict) -> Relation:
    return Relation(TieType(row["type"]), row["subject"], row["object"], row["confidence"],
                    Span(row["evidence_start"], row["evidence_end"], row["evidence_text"]), row["producer"])


def event_from(row: dict) -> Event:
    agg = None
    if row["aggregate_text"] is not None:
        agg = Aggregate(row["aggregate_count_min"], row["aggregate_count_max"], row["aggregate_text"])
    date = None
    if row["date_precision"] is not None:
        date = TimeSpan(row["date_start"], row["date_end"], Precision(row["date_precision"]), row["date_text"])
    return Event(row["id"], EventType(row["type"]), row["mode"], tuple(row["contexts"]),
                 AcledCode(row["acled_event_type"], row["acled_sub_event_type"]), Modality(row["modality"]), agg,
                 tuple(row["sources"]), tuple(row["targets"]), row["place_id"], date,
                 _quantity(row["fatalities_min"], row["fatalities_max"]),
                 _quantity(row["injured_min"], row["injured_max"]),
                 row["attributed_to"], row["confidence"],
                 Span(row["evidence_start"], row["evidence_end"], row["evidence_text"]),
                 Span(row["trigger_start"], row["trigger_end"], row["trigger_text"]), row["producer"])


def _quantity(lo: int | None, hi: int | None) -> Quantity | None:
    return None if lo is None and hi is None else Quantity(lo, hi)
