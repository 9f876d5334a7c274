"""Golden articles: short conflict-news texts we wrote ourselves, each with what must be extracted,
what must not be, and why the case exists (tests/golden/cases/*.yaml; the format is in README.md
next to this file).

Each expectation is its own test, with the id ``<case>:<section>[<n>]``, so a report names exactly
what is missing. An expectation the extractor does not meet yet carries ``xfail: <what is missing>``
in the case file: it runs as a strict xfail, so the suite stays green, the gap stays visible, and
the day it is fixed the XPASS fails until the marker is removed. Expectations are never weakened
to make a case pass.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from warwire.types import Actor, Article, Event, Place, Relation, Result

CASES_DIR = Path(__file__).parent / "cases"
CASE_KEYS = {"published", "why", "text", "expect", "must_not"}
EXPECT_SECTIONS = ("actors", "places", "relations", "events")
MUST_NOT_SECTIONS = ("actors", "places", "relations", "events", "counts")
ACTOR_KEYS = {"canonical", "name", "mention", "kind", "country", "kb_id", "min_mentions"}
PLACE_KEYS = {"name", "mention", "country", "feature", "admin1"}
RELATION_KEYS = {"type", "subject", "object", "within"}
EVENT_KEYS = {"type", "modality", "mode", "acled", "acled_event_type", "source", "target", "place", "date",
              "date_within", "fatalities", "injured", "has_fatalities", "aggregate", "trigger"}
COUNT_KEYS = EVENT_KEYS | {"max"}


# ------------------------------------------------------------------------------------- loading

@dataclass(frozen=True)
class Case:
    id: str
    text: str
    published: dt.date
    why: str
    expect: dict
    must_not: dict


def _load(path: Path) -> Case:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(data) - CASE_KEYS
    if unknown or not {"text", "published", "why"} <= set(data):
        raise ValueError(f"{path.name}: keys must be {sorted(CASE_KEYS)}; unknown {sorted(unknown)}")
    published = data["published"]
    if not isinstance(published, dt.date):
        published = dt.date.fromisoformat(str(published))
    return Case(path.stem, data["text"].strip(), published, data["why"], data.get("expect") or {},
                data.get("must_not") or {})


CASES = {c.id: c for c in map(_load, sorted(CASES_DIR.glob("*.yaml")))}


SECTION_KEYS = {"actors": ACTOR_KEYS, "places": PLACE_KEYS, "relations": RELATION_KEYS, "events": EVENT_KEYS,
                "counts": COUNT_KEYS}


def _validate(case_id: str, section: str, spec) -> None:
    """A misspelt key would make an expectation vacuous: refuse it when the tests are collected."""
    if section in ("actors", "places"):
        _validate_ref(case_id, section, spec)
        return
    if not isinstance(spec, dict):
        raise ValueError(f"{case_id}: {section} entries must be mappings, got {spec!r}")
    _refuse_unknown(case_id, section, spec, SECTION_KEYS[section])
    if section == "counts" and "max" not in spec:
        raise ValueError(f"{case_id}: a counts entry needs 'max'")
    for key in ("source", "target", "subject", "object"):
        if key in spec:
            _validate_ref(case_id, "actors", spec[key])
    if "place" in spec:
        _validate_ref(case_id, "places", spec["place"])


def _validate_ref(case_id: str, section: str, ref) -> None:
    for r in ref if isinstance(ref, list) else [ref]:
        if isinstance(r, dict):
            _refuse_unknown(case_id, section, r, SECTION_KEYS[section])
        elif not isinstance(r, str):
            raise ValueError(f"{case_id}: an {section[:-1]} reference is a string or a mapping, got {r!r}")


def _refuse_unknown(case_id: str, section: str, spec: dict, allowed: set[str]) -> None:
    unknown = set(spec) - allowed - {"xfail"}
    if unknown:
        raise ValueError(f"{case_id}: unknown {section} key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")


def _items():
    """One pytest param per expectation: (case id, "expect"/"must_not", section, spec)."""
    for case in CASES.values():
        for group, sections in (("expect", EXPECT_SECTIONS), ("must_not", MUST_NOT_SECTIONS)):
            block = getattr(case, group)
            unknown = set(block) - set(sections)
            if unknown:
                raise ValueError(f"{case.id}: unknown {group} section(s) {sorted(unknown)}")
            for section in sections:
                for n, spec in enumerate(block.get(section) or []):
                    _validate(case.id, section, spec)
                    marks = [pytest.mark.slow]
                    if isinstance(spec, dict) and spec.get("xfail"):
                        # only a failed expectation is the known gap; any other error still fails
                        marks.append(pytest.mark.xfail(strict=True, raises=AssertionError, reason=spec["xfail"]))
                    prefix = "" if group == "expect" else "must_not."
                    yield pytest.param(case.id, group, section, spec, marks=marks,
                                       id=f"{case.id}:{prefix}{section}[{n}]")


# ------------------------------------------------------------------------------------- running

@pytest.fixture(scope="session")
def golden_results(extractor):
    """Results by case id, each case extracted once however many of its expectations run."""
    cache: dict[str, Result] = {}

    def get(case_id: str) -> Result:
        if case_id not in cache:
            case = CASES[case_id]
            cache[case_id] = extractor.extract(Article(id=case_id, text=case.text, published=case.published))
        return cache[case_id]

    return get


@pytest.mark.slow
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_offsets(golden_results, case_id):
    """Every mention, evidence and trigger slices the text as given to exactly its own text."""
    text = CASES[case_id].text
    result = golden_results(case_id)
    assert result.error is None, result.error
    spans = [("actor " + a.id, m) for a in result.actors for m in a.mentions]
    spans += [("place " + p.id, m) for p in result.places for m in p.mentions]
    spans += [(f"relation {r.type}", r.evidence) for r in result.relations]
    spans += [(f"event {e.id} evidence", e.evidence) for e in result.events]
    spans += [(f"event {e.id} trigger", e.trigger) for e in result.events]
    bad = [(what, s) for what, s in spans if not (0 <= s.start <= s.end <= len(text) and text[s.start:s.end] == s.text)]
    assert not bad


@pytest.mark.slow
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_references(golden_results, case_id):
    """Events and relations name actors and places that the result lists."""
    result = golden_results(case_id)
    actor_ids = {a.id for a in result.actors}
    place_ids = {p.id for p in result.places}
    for e in result.events:
        assert set(e.sources) <= actor_ids and set(e.targets) <= actor_ids, e
        assert e.place is None or e.place in place_ids, e
    for r in result.relations:
        assert {r.subject, r.object} <= actor_ids, r


@pytest.mark.parametrize("case_id, group, section, spec", list(_items()))
def test_golden(golden_results, case_id, group, section, spec):
    result = golden_results(case_id)
    if isinstance(spec, dict):
        spec = {k: v for k, v in spec.items() if k != "xfail"}
    if section == "counts":
        limit = spec.pop("max")
        found = [e for e in result.events if event_matches(e, spec, result)]
        assert len(found) <= limit, f"{len(found)} events match {spec}, at most {limit} allowed:\n" + _events(found)
        return
    matcher = {"actors": actor_matches, "places": place_matches, "relations": relation_matches,
               "events": event_matches}[section]
    records = getattr(result, section)
    found = [r for r in records if matcher(r, spec, result)]
    if group == "expect":
        assert found, f"no {section[:-1]} matches {spec}; got:\n" + _show(section, result)
    else:
        assert not found, f"must not find {section[:-1]} {spec}; found:\n" + "\n".join(map(repr, found))


# ------------------------------------------------------------------------------------- matching

def _same(value, want) -> bool:
    """``want`` may be one value or a list of acceptable values; strings compare case-insensitively and
    without a leading "the" ("the Red Sea" is the Red Sea)."""
    wants = want if isinstance(want, list) else [want]

    def norm(v):
        return v.casefold().removeprefix("the ") if isinstance(v, str) else v

    return norm(value) in [norm(w) for w in wants]


def actor_matches(actor: Actor, ref, result: Result | None = None) -> bool:
    """A string names the actor by canonical, name or any mention; a dict gives fields to match."""
    if isinstance(ref, list):
        return any(actor_matches(actor, r, result) for r in ref)
    mentions = [m.text for m in actor.mentions]
    if isinstance(ref, str):
        return any(_same(v, ref) for v in [actor.canonical, actor.name, *mentions] if v)
    checks = {
        "canonical": lambda w: actor.canonical is None if w is None else _same(actor.canonical, w),
        "name": lambda w: any(_same(v, w) for v in [actor.name, *mentions]),
        "mention": lambda w: any(_same(v, w) for v in mentions),
        "kind": lambda w: _same(actor.kind, w),
        "country": lambda w: _same(actor.country, w),
        "kb_id": lambda w: _same(actor.kb_id, w),
        "min_mentions": lambda w: len(actor.mentions) >= w,
    }
    return all(checks[k](w) for k, w in ref.items() if k != "xfail")


def place_matches(place: Place, ref, result: Result | None = None) -> bool:
    if isinstance(ref, list):
        return any(place_matches(place, r, result) for r in ref)
    mentions = [m.text for m in place.mentions]
    if isinstance(ref, str):
        return any(_same(v, ref) for v in [place.name, *mentions])
    checks = {
        "name": lambda w: any(_same(v, w) for v in [place.name, *mentions]),
        "mention": lambda w: any(_same(v, w) for v in mentions),
        "country": lambda w: _same(place.country, w),
        "feature": lambda w: _same(place.feature, w),
        "admin1": lambda w: _same(place.admin1, w),
    }
    return all(checks[k](w) for k, w in ref.items() if k != "xfail")


def relation_matches(rel: Relation, spec: dict, result: Result) -> bool:
    actors = {a.id: a for a in result.actors}
    checks = {
        "type": lambda w: _same(rel.type, w),
        "subject": lambda w: rel.subject in actors and actor_matches(actors[rel.subject], w),
        "object": lambda w: rel.object in actors and actor_matches(actors[rel.object], w),
        "within": lambda w: rel.evidence.text in w,  # the evidence lies inside this stretch of text
    }
    return all(checks[k](w) for k, w in spec.items())


def event_matches(ev: Event, spec: dict, result: Result) -> bool:
    actors = {a.id: a for a in result.actors}
    places = {p.id: p for p in result.places}
    checks = {
        "type": lambda w: _same(ev.type, w),
        "modality": lambda w: _same(ev.modality, w),
        "mode": lambda w: ev.mode is None if w is None else _same(ev.mode, w),
        "acled": lambda w: ev.acled.sub_event_type is None if w is None else _same(ev.acled.sub_event_type, w),
        "acled_event_type": lambda w: _same(ev.acled.event_type, w),
        "source": lambda w: any(actor_matches(actors[i], w) for i in ev.sources if i in actors),
        "target": lambda w: any(actor_matches(actors[i], w) for i in ev.targets if i in actors),
        "place": lambda w: ev.place in places and place_matches(places[ev.place], w),
        "date": lambda w: _date_is(ev, w),
        "date_within": lambda w: _date_within(ev, w),
        "fatalities": lambda w: _quantity_is(ev.fatalities, w),
        "injured": lambda w: _quantity_is(ev.injured, w),
        "has_fatalities": lambda w: (ev.fatalities is not None and (ev.fatalities.min or 0) > 0) == w,
        "aggregate": lambda w: ev.aggregate is None if w is None else (
            ev.aggregate is not None and all(getattr(ev.aggregate, k) == v for k, v in w.items())),
        "trigger": lambda w: _same(ev.trigger.text, w),
    }
    return all(checks[k](w) for k, w in spec.items())


def _as_date(v) -> dt.date:
    return v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v))


def _date_is(ev: Event, want: dict) -> bool:
    if ev.date is None:
        return False
    got = {"start": ev.date.start, "end": ev.date.end, "precision": str(ev.date.precision)}
    return all(got[k] == (_as_date(v) if k != "precision" else v) for k, v in want.items())


def _date_within(ev: Event, bounds: list) -> bool:
    """The event's whole date range lies within [lo, hi]."""
    lo, hi = map(_as_date, bounds)
    return ev.date is not None and ev.date.start is not None and ev.date.end is not None and \
        lo <= ev.date.start and ev.date.end <= hi


def _quantity_is(q, want) -> bool:
    if want is None:
        return q is None
    return q is not None and all(getattr(q, k) == v for k, v in want.items())


# ------------------------------------------------------------------------------------- messages

def _events(events) -> str:
    return "\n".join(
        f"  {e.id} {e.type}/{e.mode} {e.modality} acled={e.acled.sub_event_type!r} src={list(e.sources)} "
        f"tgt={list(e.targets)} place={e.place} date={e.date and (str(e.date.start), str(e.date.end))} "
        f"fat={e.fatalities} inj={e.injured} agg={e.aggregate} trigger={e.trigger.text!r}" for e in events)


def _show(section: str, result: Result) -> str:
    if section == "events":
        actors = "\n".join(f"  {a.id} {a.name!r} ({a.canonical}, {a.kind}, {a.country})" for a in result.actors)
        places = "\n".join(f"  {p.id} {p.name!r} ({p.country}, {p.feature})" for p in result.places)
        return f"{_events(result.events)}\nactors:\n{actors}\nplaces:\n{places}"
    return "\n".join(f"  {r!r}" for r in getattr(result, section))


# ------------------------------------------------------------------------------------- the harness itself

def _tiny_result() -> Result:
    """"Hezbollah fighters shelled Metula." coded by hand, to test the matchers without a model."""
    from warwire.types import AcledCode, ActorKind, Modality, EventType, Precision, Quantity, Span, TimeSpan

    text = "Hezbollah fighters shelled Metula."
    hez = Actor("A1", "Hezbollah", "Hezbollah", "hezbollah", ActorKind.MILITIA, "LBN", "Hezbollah",
                (Span.of(text, 0, 9),))
    metula = Place("P1", "Metula", "ISR", None, "village", 33.28, 35.58, None, (Span.of(text, 27, 33),))
    ev = Event("E1", EventType.ASSAULT, "heavy-weapons", (), AcledCode("Explosions/Remote violence",
               "Shelling/artillery/missile attack"), Modality.ASSERTED, None, ("A1",), (), "P1",
               TimeSpan(dt.date(2024, 1, 11), dt.date(2024, 1, 11), Precision.DAY, "Thursday"), Quantity(2, 2), None,
               None, 0.8, Span.of(text, 0, len(text)), Span.of(text, 19, 26))
    return Result(Article("t", text, dt.date(2024, 1, 12)), (hez,), (metula,), (), (ev,))


@pytest.mark.parametrize("spec, matches", [
    ({"type": "ASSAULT"}, True),
    ({"type": "PROTEST"}, False),
    ({"type": ["PROTEST", "ASSAULT"]}, True),
    ({"modality": "claimed"}, False),
    ({"source": "Hezbollah", "place": "Metula", "acled": "Shelling/artillery/missile attack"}, True),
    ({"source": {"kind": "militia", "country": "LBN"}}, True),
    ({"source": {"kind": "militia", "country": "SYR"}}, False),
    ({"target": "Hezbollah"}, False),
    ({"place": {"name": "Metula", "country": "LBN"}}, False),
    ({"date": {"start": dt.date(2024, 1, 11), "precision": "day"}}, True),
    ({"date_within": [dt.date(2024, 1, 1), dt.date(2024, 1, 10)]}, False),
    ({"fatalities": {"min": 2}}, True),
    ({"fatalities": {"min": 3}}, False),
    ({"fatalities": None}, False),
    ({"injured": None, "has_fatalities": True, "aggregate": None}, True),
    ({"mode": None}, False),
    ({"trigger": "shelled"}, True),
], ids=repr)
def test_event_matcher(spec, matches):
    result = _tiny_result()
    assert event_matches(result.events[0], spec, result) is matches


def test_actor_and_place_refs():
    result = _tiny_result()
    hez, metula = result.actors[0], result.places[0]
    assert actor_matches(hez, "hezbollah") and actor_matches(hez, {"canonical": "Hezbollah", "mention": "Hezbollah"})
    assert not actor_matches(hez, {"canonical": None})
    assert actor_matches(hez, [{"kind": "state"}, {"kind": "militia"}])
    assert place_matches(metula, "the Metula") and not place_matches(metula, {"feature": "city"})


def test_misspelt_keys_are_refused():
    with pytest.raises(ValueError, match="unknown events key"):
        _validate("t", "events", {"type": "ASSAULT", "sorce": "Hezbollah"})
    with pytest.raises(ValueError, match="unknown actors key"):
        _validate("t", "events", {"type": "ASSAULT", "source": [{"knd": "militia"}]})
    with pytest.raises(ValueError, match="needs 'max'"):
        _validate("t", "counts", {"type": "ASSAULT"})
