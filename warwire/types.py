"""Records passed between warwire's stages: frozen dataclasses and string enums.

Every record that states a fact carries its evidence (a character span of the article text) and,
where useful, the versioned name of the component that produced it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    STATE = "state"
    GOVERNMENT = "government"
    MILITARY = "military"
    POLICE = "police"
    MILITIA = "militia"
    REBEL = "rebel"
    TERRORIST = "terrorist"
    PARTY = "party"
    PERSON = "person"
    CIVILIANS = "civilians"
    PROTESTERS = "protesters"
    ORGANIZATION = "organization"
    ALLIANCE = "alliance"
    MEDIA = "media"
    UNKNOWN = "unknown"


ARMED_KINDS = frozenset({ActorKind.MILITARY, ActorKind.POLICE, ActorKind.MILITIA, ActorKind.REBEL,
                         ActorKind.TERRORIST})
NON_STATE_ARMED = frozenset({ActorKind.MILITIA, ActorKind.REBEL, ActorKind.TERRORIST})


class Modality(StrEnum):
    ASSERTED = "asserted"
    THREATENED = "threatened"
    PLANNED = "planned"
    CLAIMED = "claimed"
    ALLEGED = "alleged"
    DENIED = "denied"
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"


class EventType(StrEnum):
    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


class TieType(StrEnum):
    BACKED_BY = "backed_by"
    MEMBER_OF = "member_of"
    LEADER_OF = "leader_of"
    PART_OF = "part_of"
    ALLIED_WITH = "allied_with"
    OPPOSES = "opposes"


class Precision(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Span:
    """A character span of the article text: ``text[start:end] == self.text``."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, source: str, start: int, end: int) -> "Span":
        return cls(start, end, source[start:end])

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    canonical: str | None
    kb_id: str | None
    kind: ActorKind
    country: str | None
    acled_name: str | None
    mentions: tuple[Span, ...]
    producer: str = "warwire.actors.v1"


@dataclass(frozen=True, slots=True)
class Place:
    id: str
    name: str
    country: str | None
    admin1: str | None
    feature: str
    lat: float | None
    lon: float | None
    geonames_id: int | None
    mentions: tuple[Span, ...]
    producer: str = "warwire.places.v1"


@dataclass(frozen=True, slots=True)
class Relation:
    type: TieType
    subject: str
    object: str
    confidence: float
    evidence: Span
    producer: str = "warwire.relations.v1"


@dataclass(frozen=True, slots=True)
class TimeSpan:
    start: dt.date | None
    end: dt.date | None
    precision: Precision
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Quantity:
    min: int | None
    max: int | None


@dataclass(frozen=True, slots=True)
class Aggregate:
    count_min: int | None
    count_max: int | None
    text: str


@dataclass(frozen=True, slots=True)
class AcledCode:
    event_type: str | None = None
    sub_event_type: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: EventType
    mode: str | None
    contexts: tuple[str, ...]
    acled: AcledCode
    modality: Modality
    aggregate: Aggregate | None
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    place: str | None
    date: TimeSpan | None
    fatalities: Quantity | None
    injured: Quantity | None
    attributed_to: str | None
    confidence: float
    evidence: Span
    trigger: Span
    producer: str = "warwire.events.rules.v1"


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Result:
    """What ``warwire extract`` prints for one article: the output contract (spec/OUTPUT.md)."""

    article: Article
    actors: tuple[Actor, ...] = ()
    places: tuple[Place, ...] = ()
    relations: tuple[Relation, ...] = ()
    events: tuple[Event, ...] = ()
    error: ErrorInfo | None = None

    def to_dict(self) -> dict:
        art = self.article
        head = {"id": art.id, "title": art.title, "url": art.url,
                "published": art.published.isoformat() if art.published else None, "language": art.language}
        if self.error is not None:
            return {"article": head, "error": asdict(self.error)}
        return {"article": head,
                "actors": [_actor_dict(a) for a in self.actors],
                "places": [_place_dict(p) for p in self.places],
                "relations": [_relation_dict(r) for r in self.relations],
                "events": [_event_dict(e) for e in self.events]}


def _span(s: Span) -> dict:
    return {"start": s.start, "end": s.end, "text": s.text}


def _actor_dict(a: Actor) -> dict:
    return {"id": a.id, "name": a.name, "canonical": a.canonical, "kb_id": a.kb_id, "kind": str(a.kind),
            "country": a.country, "acled_name": a.acled_name, "mentions": [_span(m) for m in a.mentions]}


def _place_dict(p: Place) -> dict:
    return {"id": p.id, "name": p.name, "country": p.country, "admin1": p.admin1, "feature": p.feature,
            "lat": p.lat, "lon": p.lon, "geonames_id": p.geonames_id, "mentions": [_span(m) for m in p.mentions]}


def _relation_dict(r: Relation) -> dict:
    return {"type": str(r.type), "subject": r.subject, "object": r.object, "confidence": r.confidence,
            "evidence": _span(r.evidence), "producer": r.producer}


def _date_dict(t: TimeSpan | None) -> dict | None:
    if t is None:
        return None
    return {"start": t.start.isoformat() if t.start else None, "end": t.end.isoformat() if t.end else None,
            "precision": str(t.precision), "text": t.text}


def _qty(q: Quantity | None) -> dict | None:
    return None if q is None else {"min": q.min, "max": q.max}


def _event_dict(e: Event) -> dict:
    return {"id": e.id, "type": str(e.type), "mode": e.mode, "contexts": list(e.contexts),
            "acled": {"event_type": e.acled.event_type, "sub_event_type": e.acled.sub_event_type},
            "modality": str(e.modality),
            "aggregate": None if e.aggregate is None else asdict(e.aggregate),
            "sources": list(e.sources), "targets": list(e.targets), "place": e.place,
            "date": _date_dict(e.date), "fatalities": _qty(e.fatalities), "injured": _qty(e.injured),
            "attributed_to": e.attributed_to, "confidence": e.confidence,
            "evidence": _span(e.evidence), "trigger": _span(e.trigger), "producer": e.producer}


__all__ = ["ActorKind", "Modality", "EventType", "TieType", "Precision", "Span", "Article", "Actor", "Place",
           "Relation", "TimeSpan", "Quantity", "Aggregate", "AcledCode", "Event", "ErrorInfo", "Result",
           "ARMED_KINDS", "NON_STATE_ARMED"]
