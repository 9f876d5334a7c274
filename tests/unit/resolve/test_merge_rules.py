"""The merge rules one at a time, on hand-built report pairs, and what a MergedEvent records."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

import pytest

from warwire.resolve.merge import merge, merged_id
from warwire.resolve.report import ActorRef, PlaceRef, Report, report_from_result
from warwire.types import (AcledCode, Actor, ActorKind, Aggregate, Article, ErrorInfo, Event, EventType, Modality,
                           Place, Precision, Quantity, Result, Span, TimeSpan)

D = dt.date(2024, 2, 13)
GUSAU = PlaceRef("Gusau", "NGA", "Zamfara", "city", 12.163, 6.664)
GUNMEN = ActorRef("gunmen", "Unidentified Armed Group (Nigeria)", "unidentified_armed_group:nga", "NGA",
                  ActorKind.MILITIA)
CIVILIANS = ActorRef("villagers", "Civilians (Nigeria)", "civilians:nga", "NGA", ActorKind.CIVILIANS)
SAMBISA = ActorRef("Sambisa Brotherhood", "Sambisa Brotherhood", "sambisa_brotherhood", "NGA", ActorKind.TERRORIST)
LCWF = ActorRef("Lake Chad Wilayat Front", "Lake Chad Wilayat Front", "lcwf", "NGA", ActorKind.TERRORIST)
ARMY = ActorRef("Nigerian Army", "Nigerian Army", "nga_military", "NGA", ActorKind.MILITARY)
POLICE = ActorRef("police", "Nigeria Police Force", "nga_police", "NGA", ActorKind.POLICE)
CHAD_ARMY = ActorRef("Chadian Army", "Chadian Army", "tcd_military", "TCD", ActorKind.MILITARY)


def report(article: str, **fields) -> Report:
    base = dict(article_id=article, event_id="E1", type=EventType.ASSAULT, published=D + dt.timedelta(days=1),
                source=f"outlet-{article}", acled_event_type="Violence against civilians",
                acled_sub_event_type="Attack", date_start=D, date_end=D, date_precision=Precision.DAY, place=GUSAU,
                sources=(GUNMEN,), targets=(CIVILIANS,), confidence=0.6)
    base.update(fields)
    if "date_start" in fields and "date_end" not in fields:
        base["date_end"] = fields["date_start"]
    return Report(**base)


def merged_together(a: Report, b: Report) -> bool:
    return len(merge([a, b])) == 1


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def place(name, feature, lat=None, lon=None, admin1="Zamfara", country="NGA") -> PlaceRef:
    return PlaceRef(name, country, admin1, feature, lat, lon)


# ---------------------------------------------------------------- the rules, pair by pair

@pytest.mark.parametrize("a, b, together, why", [
    ({"modality": Modality.ASSERTED}, {"modality": Modality.CLAIMED}, True, "a claim of the same attack"),
    ({"modality": Modality.ASSERTED}, {"modality": Modality.ALLEGED}, True, "an accusation"),
    ({"modality": Modality.ALLEGED}, {"modality": Modality.DENIED}, True, "a denial answers an accusation"),
    ({"modality": Modality.ASSERTED}, {"modality": Modality.THREATENED}, False, "a threat is not the attack"),
    ({"modality": Modality.ASSERTED}, {"modality": Modality.PLANNED}, False, "a plan is not the attack"),
    ({"modality": Modality.ASSERTED}, {"modality": Modality.HYPOTHETICAL}, False, "nor a hypothesis"),
    ({"modality": Modality.ASSERTED}, {"modality": Modality.NEGATED}, False, "nor a denial it happened"),
    ({"modality": Modality.THREATENED}, {"modality": Modality.THREATENED}, True, "one threat, two reports"),
    ({}, {"type": EventType.PROTEST}, False, "a protest is not an attack"),
    ({}, {"acled_event_type": "Battles", "acled_sub_event_type": "Armed clash"}, False, "ACLED types differ"),
    ({}, {"acled_event_type": None, "acled_sub_event_type": None}, True, "one report has no ACLED code"),
    ({}, {"acled_sub_event_type": "Abduction/forced disappearance"}, True, "same ACLED type, other sub-type"),
])
def test_type_and_modality(a, b, together, why):
    assert merged_together(report("x", **a), report("y", **b)) is together, why


@pytest.mark.parametrize("b, together, why", [
    ({"date_start": D}, True, "same day"),
    ({"date_start": day(1)}, True, "a day later: within the day tolerance"),
    ({"date_start": day(-1)}, True, "a day earlier"),
    ({"date_start": day(2)}, False, "two days later"),
    ({"date_start": day(-3), "date_end": day(3), "date_precision": Precision.WEEK}, True, "that week"),
    ({"date_start": day(9), "date_end": day(15), "date_precision": Precision.WEEK}, False, "the week after"),
    ({"date_start": dt.date(2024, 2, 1), "date_end": dt.date(2024, 2, 29), "date_precision": Precision.MONTH,
      "fatalities_min": 5, "fatalities_max": 5}, True, "that month, same place and toll"),
    ({"date_start": dt.date(2024, 3, 1), "date_end": dt.date(2024, 3, 31), "date_precision": Precision.MONTH},
     False, "the next month"),
    ({"date_start": None, "date_end": None, "date_precision": Precision.UNKNOWN, "fatalities_min": 5,
      "fatalities_max": 5, "sources": (SAMBISA,)}, True, "no date, but same place, group and toll"),
    ({"date_start": None, "date_end": None, "date_precision": Precision.UNKNOWN}, False, "no date, nothing else"),
])
def test_dates(b, together, why):
    a = report("x", fatalities_min=5, fatalities_max=5, sources=(SAMBISA,))
    assert merged_together(a, report("y", **b)) is together, why


@pytest.mark.parametrize("b_place, extra, together, why", [
    (GUSAU, {}, True, "same town"),
    (place("Gusau", "city"), {}, True, "same name, no coordinates"),
    (place("Gussau", "city"), {}, True, "a spelling variant, no coordinates"),
    (place("Wonaka", "village", 12.05, 6.55), {}, True, "a village 17 km away"),
    (place("Tsafe", "town", 11.957, 6.921), {}, False, "a town 36 km away"),
    (place("Anka", "town", 12.108, 5.927), {}, False, "a town 80 km away"),
    (place("Zamfara", "admin1", 12.12, 6.22), {}, True, "the state the town is in"),
    (place("Sokoto", "admin1", 13.06, 5.24, admin1="Sokoto"), {}, False, "another state"),
    (place("Nigeria", "country", 9.08, 8.68, admin1=None), {"sources": (SAMBISA,)}, True,
     "only the country, but the same day and the same group"),
    (place("Nigeria", "country", 9.08, 8.68, admin1=None), {}, False, "only the country, nothing to corroborate"),
    (None, {"sources": (SAMBISA,), "fatalities_min": 5, "fatalities_max": 5}, True,
     "no place, but same day, group and toll"),
    (None, {"date_start": day(1)}, False, "no place and a day off"),
    (PlaceRef("Maradi", "NER", "Maradi", "city", 13.5, 7.1), {}, False, "another country"),
])
def test_places(b_place, extra, together, why):
    a = report("x", sources=(SAMBISA,), fatalities_min=5, fatalities_max=5)
    b = report("y", place=b_place, **extra)
    assert merged_together(a, b) is together, why


def test_places_across_a_border_stay_apart_however_close():
    syria = PlaceRef("Al-Bukamal", "SYR", "Deir ez-Zor", "town", 34.453, 40.919)
    iraq = PlaceRef("Al-Qaim", "IRQ", "Anbar", "town", 34.37, 41.09)        # 18 km away
    assert not merged_together(report("x", place=syria), report("y", place=iraq))


@pytest.mark.parametrize("a, b, together, why", [
    ({"sources": (SAMBISA,)}, {"sources": (SAMBISA,)}, True, "the same group"),
    ({"sources": (SAMBISA,)}, {"sources": (GUNMEN,)}, True, "a group and 'gunmen'"),
    ({"sources": (SAMBISA,)}, {"sources": ()}, True, "a group and no attacker named"),
    ({"sources": (SAMBISA,)}, {"sources": (LCWF,)}, False, "two different named groups"),
    ({"sources": (LCWF,)}, {"sources": (ActorRef("LCWF", kind=ActorKind.UNKNOWN),)}, True,
     "the group and its acronym, unlinked"),
    ({"sources": (ARMY,)}, {"sources": (POLICE,)}, True, "one state's forces, called police or army"),
    ({"sources": (ARMY,)}, {"sources": (CHAD_ARMY,)}, False, "two states' armies"),
    ({"sources": (ARMY,)}, {"sources": (SAMBISA,)}, False, "the army or a group"),
    ({"sources": (SAMBISA,), "targets": (ARMY,), "acled_event_type": "Battles", "acled_sub_event_type": "Armed clash"},
     {"sources": (ARMY,), "targets": (SAMBISA,), "acled_event_type": "Battles", "acled_sub_event_type": "Armed clash"},
     True, "a clash told from either side"),
    ({"sources": (SAMBISA,), "targets": (ARMY,)}, {"sources": (ARMY,), "targets": (SAMBISA,)}, False,
     "an attack is not its reprisal"),
])
def test_actors(a, b, together, why):
    assert merged_together(report("x", **a), report("y", **b)) is together, why


def test_aggregates_never_merge():
    single = report("x", fatalities_min=5, fatalities_max=5)
    aggregate = replace(single, article_id="y", aggregate=True)
    assert len(merge([single, aggregate])) == 2
    assert len(merge([aggregate, replace(aggregate, article_id="z")])) == 2
    assert all(m.aggregate for m in merge([aggregate]))


def test_a_vague_report_does_not_chain_two_events():
    """'Attackers struck in Zamfara' fits both villages; the villages are 36 km apart and stay apart."""
    a = report("a", place=place("Kwarawa", "village", 12.03, 6.95), sources=(SAMBISA,))
    a2 = report("a2", place=place("Kwarawa", "village", 12.03, 6.95), sources=(SAMBISA,))
    b = report("b", place=place("Gusau", "city", 12.163, 6.664))
    vague = report("v", place=place("Zamfara", "admin1", 12.12, 6.22), sources=(SAMBISA,))
    events = merge([vague, b, a, a2])
    assert sorted(len(e.reports) for e in events) == [1, 3]
    big = next(e for e in events if len(e.reports) == 3)
    assert big.reports == ("a#E1", "a2#E1", "v#E1"), "the vague report joins the event it corroborates most"


# ---------------------------------------------------------------- the merged record

def test_fatality_range_claims_earliest_and_disagreements():
    r1 = report("a1", published=day(1), fatalities_min=9, fatalities_max=9, sources=(GUNMEN,), source="Monitor")
    r2 = report("a2", published=day(1), fatalities_min=12, fatalities_max=None, sources=(SAMBISA,),
                source="Dispatch")
    r3 = report("a3", published=day(3), fatalities_min=14, fatalities_max=14, modality=Modality.CLAIMED,
                sources=(SAMBISA,), source="Monitor", place=place("Wonaka", "village", 12.05, 6.55))
    (event,) = merge([r3, r1, r2])
    assert (event.fatalities_min, event.fatalities_max) == (9, 14)
    assert [(c.report, c.min, c.max) for c in event.fatality_claims] == [
        ("a1#E1", 9, 9), ("a2#E1", 12, None), ("a3#E1", 14, 14)]
    assert event.earliest.report == "a1#E1" and event.earliest.published == day(1)
    assert event.reports == ("a1#E1", "a2#E1", "a3#E1")
    assert event.n_articles == 3 and event.n_sources == 2
    assert event.modality is Modality.ASSERTED
    assert event.sources == (SAMBISA,), "the named group replaces 'gunmen'"
    assert event.place.name == "Wonaka", "the most specific place: a village before a city"
    fields = {d.field: {c.value: c.reports for c in d.claims} for d in event.disagreements}
    assert fields["fatalities"] == {"9": ("a1#E1",), ">=12": ("a2#E1",), "14": ("a3#E1",)}
    assert fields["modality"] == {"asserted": ("a1#E1", "a2#E1"), "claimed": ("a3#E1",)}
    assert fields["place"] == {"Gusau": ("a1#E1", "a2#E1"), "Wonaka": ("a3#E1",)}
    assert "sources" not in fields, "'gunmen' and a named group do not disagree"


def test_dates_of_the_merged_event_come_from_the_most_precise_reports():
    week = report("w", date_start=day(-3), date_end=day(3), date_precision=Precision.WEEK, sources=(SAMBISA,))
    (event,) = merge([report("a", sources=(SAMBISA,)), report("b", date_start=day(1), sources=(SAMBISA,)), week])
    assert (event.date_start, event.date_end, event.date_precision) == (D, day(1), Precision.DAY)
    assert any(d.field == "date" for d in event.disagreements)


def test_clash_sides_are_aligned_before_listing_actors():
    battle = {"acled_event_type": "Battles", "acled_sub_event_type": "Armed clash"}
    a = report("a", sources=(SAMBISA,), targets=(ARMY,), **battle)
    b = report("b", sources=(SAMBISA,), targets=(ARMY,), **battle)
    c = report("c", sources=(ARMY,), targets=(SAMBISA,), **battle)
    (event,) = merge([a, b, c])
    assert event.sources == (SAMBISA,) and event.targets == (ARMY,)


def test_id_is_a_hash_of_the_sorted_report_keys():
    (event,) = merge([report("b"), report("a")])
    expected = "M" + hashlib.sha1(b"a#E1\nb#E1").hexdigest()[:16]
    assert event.id == merged_id(("b#E1", "a#E1")) == expected


def test_confidence_grows_with_independent_sources():
    one = merge([report("a")])[0].confidence
    two = merge([report("a"), report("b")])[0].confidence
    same_outlet = merge([report("a"), report("b", source="outlet-a")])[0].confidence
    assert one < two and same_outlet == one


def test_two_different_reports_with_one_key_are_an_error():
    with pytest.raises(ValueError, match="share the key"):
        merge([report("a"), report("a", fatalities_min=3)])


def test_to_dict_is_json_ready():
    import json

    (event,) = merge([report("a", fatalities_min=2, fatalities_max=2), report("b", fatalities_min=3,
                                                                              fatalities_max=3)])
    data = json.loads(json.dumps(event.to_dict()))
    assert data["fatalities"]["claims"][0] == {"report": "a#E1", "published": "2024-02-14", "min": 2, "max": 2}
    assert data["n_articles"] == 2 and data["reports"] == ["a#E1", "b#E1"]


# ---------------------------------------------------------------- from extractor Results

def _result() -> Result:
    text = "Sambisa Brotherhood fighters killed 12 soldiers in Bama on Tuesday."
    article = Article("art-1", text, published=dt.date(2024, 3, 6), url="https://www.example-news.org/a/1")
    span = Span.of(text, 0, len(text))
    actors = (Actor("A1", "Sambisa Brotherhood", "Sambisa Brotherhood", "sambisa_brotherhood", ActorKind.TERRORIST,
                    "NGA", "Sambisa Brotherhood", (Span.of(text, 0, 19),)),
              Actor("A2", "soldiers", "Nigerian Army", "nga_military", ActorKind.MILITARY, "NGA",
                    "Military Forces of Nigeria (2023-)", (Span.of(text, 37, 45),)))
    places = (Place("P1", "Bama", "NGA", "Borno", "town", 11.522, 13.686, 2347000, (Span.of(text, 49, 53),)),)
    event = Event("E1", EventType.ASSAULT, "firearms", ("military",), AcledCode("Battles", "Armed clash"),
                  Modality.ASSERTED, None, ("A1",), ("A2",), "P1",
                  TimeSpan(dt.date(2024, 3, 5), dt.date(2024, 3, 5), Precision.DAY, "on Tuesday"),
                  Quantity(12, 12), None, None, 0.8, span, Span.of(text, 29, 35))
    counted = replace(event, id="E2", aggregate=Aggregate(30, None, "more than 30 attacks"), place=None,
                      date=None, fatalities=None, targets=())
    return Result(article, actors, places, (), (event, counted))


def test_report_from_result_fills_actors_and_place():
    first, second = report_from_result(_result())
    assert first.key == "art-1#E1" and first.source == "example-news.org"
    assert first.published == dt.date(2024, 3, 6)
    assert first.sources[0].kb_id == "sambisa_brotherhood" and first.targets[0].canonical == "Nigerian Army"
    assert first.place.name == "Bama" and first.place.geonames_id == 2347000
    assert (first.date_start, first.date_precision) == (dt.date(2024, 3, 5), Precision.DAY)
    assert (first.fatalities_min, first.fatalities_max) == (12, 12)
    assert first.acled_event_type == "Battles" and first.evidence.startswith("Sambisa")
    assert second.aggregate and second.place is None and second.date_start is None


def test_report_from_result_with_an_error_gives_nothing():
    result = Result(Article("bad", ""), error=ErrorInfo("empty", "The input is empty."))
    assert report_from_result(result) == []


def test_report_from_result_logs_a_dangling_actor(caplog):
    result = _result()
    broken = replace(result, events=(replace(result.events[0], sources=("A9",)),))
    (r,) = report_from_result(broken)
    assert r.sources == () and "A9" in caplog.text
