"""One article's account of one event, flattened so that cross-article merging needs no ``Result``.

A :class:`Report` is what :mod:`warwire.resolve.merge` clusters. It carries the event's own fields
with its actors and place copied in (:class:`ActorRef`, :class:`PlaceRef`), plus where it was
published. ``report_from_result`` builds them from an extractor ``Result``; ``Report.from_dict`` /
``to_dict`` give the JSON shape the test corpus and the store use.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..types import Actor, ActorKind, EventType, Modality, Place, Precision, Result

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ActorRef:
    """An actor as one report names it: the surface name plus what the knowledge base linked it to."""

    name: str
    canonical: str | None = None
    kb_id: str | None = None
    country: str | None = None
    kind: ActorKind = ActorKind.UNKNOWN
    acled_name: str | None = None        # how ACLED names it (for exports of merged events)

    @classmethod
    def of(cls, actor: Actor) -> "ActorRef":
        return cls(actor.name, actor.canonical, actor.kb_id, actor.country, actor.kind, actor.acled_name)

    @property
    def label(self) -> str:
        return self.canonical or self.name

    def to_dict(self) -> dict:
        return {"name": self.name, "canonical": self.canonical, "kb_id": self.kb_id, "country": self.country,
                "kind": str(self.kind), "acled_name": self.acled_name}

    @classmethod
    def from_dict(cls, d: dict) -> "ActorRef":
        return cls(str(d["name"]), d.get("canonical"), d.get("kb_id"), d.get("country"),
                   ActorKind(d.get("kind") or "unknown"), d.get("acled_name"))


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place as one report locates the event; ``feature`` uses the output contract's vocabulary."""

    name: str
    country: str | None = None
    admin1: str | None = None
    feature: str = "other"
    lat: float | None = None
    lon: float | None = None
    geonames_id: int | None = None

    @classmethod
    def of(cls, place: Place) -> "PlaceRef":
        return cls(place.name, place.country, place.admin1, place.feature, place.lat, place.lon, place.geonames_id)

    def to_dict(self) -> dict:
        return {"name": self.name, "country": self.country, "admin1": self.admin1, "feature": self.feature,
                "lat": self.lat, "lon": self.lon, "geonames_id": self.geonames_id}

    @classmethod
    def from_dict(cls, d: dict) -> "PlaceRef":
        return cls(str(d["name"]), d.get("country"), d.get("admin1"), d.get("feature") or "other",
                   d.get("lat"), d.get("lon"), d.get("geonames_id"))


@dataclass(frozen=True, slots=True)
class Report:
    """One event as one article tells it. ``key`` (``article_id#event_id``) must be unique in a merge."""

    article_id: str
    event_id: str
    type: EventType
    published: dt.date | None = None
    url: str | None = None
    source: str | None = None                 # the outlet; from the URL's host when not given
    mode: str | None = None
    acled_event_type: str | None = None
    acled_sub_event_type: str | None = None
    modality: Modality = Modality.ASSERTED
    aggregate: bool = False
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: Precision = Precision.UNKNOWN
    place: PlaceRef | None = None
    sources: tuple[ActorRef, ...] = ()
    targets: tuple[ActorRef, ...] = ()
    fatalities_min: int | None = None
    fatalities_max: int | None = None
    confidence: float = 0.5
    evidence: str = ""

    @property
    def key(self) -> str:
        return f"{self.article_id}#{self.event_id}"

    @property
    def outlet(self) -> str:
        """Who published it, for counting distinct sources: the source name, the URL host, or the article."""
        return (self.source or url_host(self.url) or self.article_id).casefold()

    @property
    def has_fatalities(self) -> bool:
        return self.fatalities_min is not None or self.fatalities_max is not None

    def to_dict(self) -> dict:
        return {"article_id": self.article_id, "event_id": self.event_id, "type": str(self.type),
                "published": _iso(self.published), "url": self.url, "source": self.source, "mode": self.mode,
                "acled": {"event_type": self.acled_event_type, "sub_event_type": self.acled_sub_event_type},
                "modality": str(self.modality), "aggregate": self.aggregate,
                "date": {"start": _iso(self.date_start), "end": _iso(self.date_end),
                         "precision": str(self.date_precision)},
                "place": self.place.to_dict() if self.place else None,
                "sources": [a.to_dict() for a in self.sources], "targets": [a.to_dict() for a in self.targets],
                "fatalities": {"min": self.fatalities_min, "max": self.fatalities_max},
                "confidence": self.confidence, "evidence": self.evidence}

    @classmethod
    def from_dict(cls, d: dict) -> "Report":
        """Inverse of ``to_dict``; raises ``ValueError`` naming the field when a value is malformed."""
        acled = d.get("acled") or {}
        date = d.get("date") or {}
        fat = d.get("fatalities") or {}
        try:
            return cls(
                article_id=str(d["article_id"]), event_id=str(d["event_id"]), type=EventType(d["type"]),
                published=_date(d.get("published")), url=d.get("url"), source=d.get("source"), mode=d.get("mode"),
                acled_event_type=acled.get("event_type"), acled_sub_event_type=acled.get("sub_event_type"),
                modality=Modality(d.get("modality") or "asserted"), aggregate=bool(d.get("aggregate")),
                date_start=_date(date.get("start")), date_end=_date(date.get("end") or date.get("start")),
                date_precision=Precision(date.get("precision") or "unknown"),
                place=PlaceRef.from_dict(d["place"]) if d.get("place") else None,
                sources=tuple(ActorRef.from_dict(a) for a in d.get("sources") or ()),
                targets=tuple(ActorRef.from_dict(a) for a in d.get("targets") or ()),
                fatalities_min=fat.get("min"), fatalities_max=fat.get("max"),
                confidence=float(d.get("confidence", 0.5)), evidence=str(d.get("evidence") or ""))
        except KeyError as exc:
            raise ValueError(f"report {d.get('article_id')}#{d.get('event_id')} lacks field {exc}; "
                             "a report needs article_id, event_id and type.") from None


def report_from_result(result: Result) -> list[Report]:
    """One Report per event of an extractor Result, actors and place copied in from the Result.

    A Result that carries an error has no events and gives ``[]``. An event that refers to an actor or
    place id the Result does not hold keeps the rest of its fields; the dangling id is logged.
    """
    if result.error is not None:
        return []
    art = result.article
    actors = {a.id: a for a in result.actors}
    places = {p.id: p for p in result.places}
    out = []
    for ev in result.events:
        place = places.get(ev.place) if ev.place else None
        if ev.place and place is None:
            log.warning("article %s event %s: place %s is not among the Result's places", art.id, ev.id, ev.place)
        date = ev.date
        fat = ev.fatalities
        out.append(Report(
            article_id=art.id, event_id=ev.id, type=ev.type, published=art.published, url=art.url,
            source=url_host(art.url), mode=ev.mode, acled_event_type=ev.acled.event_type,
            acled_sub_event_type=ev.acled.sub_event_type, modality=ev.modality, aggregate=ev.aggregate is not None,
            date_start=date.start if date else None, date_end=(date.end or date.start) if date else None,
            date_precision=date.precision if date else Precision.UNKNOWN,
            place=PlaceRef.of(place) if place else None,
            sources=_refs(ev.sources, actors, art.id, ev.id), targets=_refs(ev.targets, actors, art.id, ev.id),
            fatalities_min=fat.min if fat else None, fatalities_max=fat.max if fat else None,
            confidence=ev.confidence, evidence=ev.evidence.text))
    return out


def _refs(ids: tuple[str, ...], actors: dict[str, Actor], article: str, event: str) -> tuple[ActorRef, ...]:
    refs = []
    for aid in ids:
        if aid in actors:
            refs.append(ActorRef.of(actors[aid]))
        else:
            log.warning("article %s event %s: actor %s is not among the Result's actors", article, event, aid)
    return tuple(refs)


def url_host(url: str | None) -> str | None:
    """The host of ``url`` without "www.", the outlet a report is counted under."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else "//" + url).hostname or ""
    return host.removeprefix("www.") or None


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


__all__ = ["ActorRef", "PlaceRef", "Report", "report_from_result", "url_host"]
