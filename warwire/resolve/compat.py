"""Could two reports describe the same real event? Pairwise rules for :mod:`warwire.resolve.merge`.

``assess(a, b)`` first applies hard gates — any one failing means "never the same event":

* an aggregate ("more than 150 attacks") is never the same as anything else;
* the PLOVER type differs, or both give an ACLED event type and they differ;
* modalities from different groups: asserted/claimed/alleged/denied go together, every other modality
  (threatened, planned, hypothetical, negated) only with itself;
* the places are in different countries, or are two specific places more than ``near_km`` apart, or
  a specific place lies outside the region the other report names;
* the dates do not meet within the tolerance of their precision (day ±1 day, week ±7 days,
  month/year must overlap);
* both reports name the source (or target) side and share no actor on it: two different named groups,
  or the forces of two different states (for battles and agreements the sides may be swapped);
* the place is unknown (or only the country is given) and the dates are not the same day, or the date
  is unknown and the places are not the same.

A pair that passes gets a score from how specifically it agrees. It *links* the two reports when the
score reaches ``link_score``; if the place is unknown or only the country (or a sea), something beyond
place and date must corroborate it (a shared named actor or matching death tolls), and a month-level
date links only with the same specific place. A year-level date counts as no date. Reports joined in a
cluster must all pass the gates pairwise (see merge.py).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import Enum

from ..kb.actors import generic_ids
from ..types import ActorKind, EventType, Modality, Precision
from .report import ActorRef, PlaceRef, Report


@dataclass(frozen=True, slots=True)
class MergeRules:
    """Thresholds of the merge rules, in one place.

    Calibrated by hand on tests/data/merge_corpus (written reports of ~30 events and ~15 near misses):
    ``link_score`` 3.5: "same specific place, same day" (4) links on its own; "same place, a day off"
    (3) needs one more agreeing detail (ACLED sub-event type, a named actor, the death toll); a state-level
    place and a week-level date (2) need the same sub-event type and mode. On that corpus pairwise
    precision stays 1.0 from 3 to 5 while recall is 0.915 at 3-3.5, 0.88 at 4 and 0.78 at 5; the misses
    left are reports that give only the country, place the event in a city 35 km away, or put a ship
    "in the Red Sea". These figures come from the corpus the rules were tuned on; the held-out corpus
    (heldout.yaml, written after the rules were frozen) is the fairer measure.
    """

    near_km: float = 25.0            # two specific places this close are the same place
    day_tolerance: int = 1           # days either side of a day-precision date
    week_tolerance: int = 7          # days either side of a week-precision date
    admin2_km: float = 80.0          # how far from its point a district/county-level place reaches
    admin1_km: float = 350.0         # ... a state/province
    region_km: float = 500.0         # ... a named region ("northeast Nigeria")
    water_km: float = 1500.0         # ... a sea or gulf (only as a coarse match)
    name_similarity: float = 0.85    # difflib ratio above which two place names are one spelling variant
    link_score: float = 3.5


DEFAULT_RULES = MergeRules()

# Points a passing pair earns. Place and date weigh most: they are what makes an event this event.
SCORE_SAME_PLACE, SCORE_WITHIN_REGION, SCORE_WITHIN_COUNTRY = 2.0, 1.0, 0.5
SCORE_SAME_DAY, SCORE_NEAR_DAY, SCORE_COARSE_DATE = 2.0, 1.0, 0.5
SCORE_NAMED_ACTOR, SCORE_STATE_ACTOR = 1.0, 0.5     # per side (source, target) sharing an actor
SCORE_SUB_TYPE, SCORE_FATALITIES, SCORE_MODE = 1.0, 1.0, 0.5

# A denial ("the army denied bombing the market") is about the same event as the accusation it answers;
# threats, plans, hypotheticals and negations are about events that have not (yet) happened.
FACTUAL = frozenset({Modality.ASSERTED, Modality.CLAIMED, Modality.ALLEGED, Modality.DENIED})
# Types whose two sides are interchangeable: who is "source" and who "target" varies with the outlet.
SYMMETRIC_TYPES = frozenset({EventType.AGREE, EventType.CONSULT, EventType.COOPERATE})
POINT_FEATURES = frozenset({"facility", "airport", "base", "district", "village", "town", "city", "other"})
# Specificity of a place feature, most specific first; used to pick a merged event's place.
FEATURE_RANK = {f: n for n, f in enumerate(
    ["facility", "airport", "base", "district", "village", "town", "city", "other", "admin2", "region",
     "water", "admin1", "country"])}
STATE_KINDS = frozenset({ActorKind.STATE, ActorKind.GOVERNMENT, ActorKind.MILITARY, ActorKind.POLICE})
_ADMIN_WORDS = re.compile(r"\b(state|province|region|governorate|district|county|prefecture|department|oblast|"
                          r"city|town|village|the|of)\b")
_GROUP_NOUNS = {"gang", "group", "militia", "cartel", "fighters", "rebels", "militants", "movement", "faction"}
_STOP_INITIALS = {"of", "the", "and", "for", "al", "el", "de", "du", "des", "la", "le", "wal", "in"}


class Match(Enum):
    SAME = "same"          # the same place / day
    NEAR = "near"          # within tolerance: one day off, a week, a region containing the place
    COARSE = "coarse"      # only consistent: a month or year, the country
    UNKNOWN = "unknown"    # one report does not say


@dataclass(frozen=True, slots=True)
class Assessment:
    score: float
    place: Match
    date: Match
    corroborated: bool      # a shared named actor or matching death tolls

    def links(self, rules: MergeRules) -> bool:
        if self.score < rules.link_score:
            return False
        if self.date is Match.COARSE and self.place is not Match.SAME:   # "in March", "in Borno": too vague
            return False
        return self.corroborated or self.place not in (Match.UNKNOWN, Match.COARSE)


def modality_group(m: Modality) -> str:
    return "factual" if m in FACTUAL else str(m)


def assess(a: Report, b: Report, rules: MergeRules = DEFAULT_RULES) -> Assessment | None:
    """How well two reports agree, or None when they cannot be the same event (see the module doc)."""
    if a.aggregate or b.aggregate or a.type != b.type:
        return None
    if modality_group(a.modality) != modality_group(b.modality):
        return None
    if a.acled_event_type and b.acled_event_type and a.acled_event_type != b.acled_event_type:
        return None
    place = place_match(a.place, b.place, rules)
    date = date_match(a, b, rules)
    if place is None or date is None:
        return None
    if place in (Match.UNKNOWN, Match.COARSE) and date is not Match.SAME:
        return None
    if date is Match.UNKNOWN and place is not Match.SAME:
        return None
    actors = actors_score(a, b)
    if actors is None:
        return None
    tolls = fatalities_agree(a, b)
    score = actors + _PLACE_POINTS[place] + _DATE_POINTS[date] + (SCORE_FATALITIES if tolls else 0.0)
    if a.acled_sub_event_type and a.acled_sub_event_type == b.acled_sub_event_type:
        score += SCORE_SUB_TYPE
    if a.mode and a.mode == b.mode:
        score += SCORE_MODE
    return Assessment(score, place, date, corroborated=actors > 0 or tolls)


_PLACE_POINTS = {Match.SAME: SCORE_SAME_PLACE, Match.NEAR: SCORE_WITHIN_REGION, Match.COARSE: SCORE_WITHIN_COUNTRY,
                 Match.UNKNOWN: 0.0}
_DATE_POINTS = {Match.SAME: SCORE_SAME_DAY, Match.NEAR: SCORE_NEAR_DAY, Match.COARSE: SCORE_COARSE_DATE,
                Match.UNKNOWN: 0.0}


# ---------------------------------------------------------------- dates

def date_match(a: Report, b: Report, rules: MergeRules = DEFAULT_RULES) -> Match | None:
    if a.date_start is None or b.date_start is None:
        return Match.UNKNOWN
    a_end, b_end = a.date_end or a.date_start, b.date_end or b.date_start
    tol = max(tolerance_days(a.date_precision, rules), tolerance_days(b.date_precision, rules))
    gap = max((a.date_start - b_end).days, (b.date_start - a_end).days, 0)
    if gap > tol:
        return None
    precisions = {a.date_precision, b.date_precision}
    if precisions == {Precision.DAY}:
        return Match.SAME if (a.date_start, a_end) == (b.date_start, b_end) else Match.NEAR
    if precisions <= {Precision.DAY, Precision.WEEK}:
        return Match.NEAR
    if Precision.YEAR in precisions or Precision.UNKNOWN in precisions:
        return Match.UNKNOWN      # "this year" says next to nothing about which event
    return Match.COARSE


def tolerance_days(p: Precision, rules: MergeRules = DEFAULT_RULES) -> int:
    return {Precision.DAY: rules.day_tolerance, Precision.WEEK: rules.week_tolerance}.get(p, 0)


# ---------------------------------------------------------------- places

def place_match(a: PlaceRef | None, b: PlaceRef | None, rules: MergeRules = DEFAULT_RULES) -> Match | None:
    if a is None or b is None:
        return Match.UNKNOWN
    if a.geonames_id is not None and a.geonames_id == b.geonames_id:
        return Match.SAME if is_point(a) else Match.NEAR     # two reports that both say "in Borno" are vague
    if a.country and b.country and a.country != b.country:
        return None
    if is_point(a) and is_point(b):
        return _points(a, b, rules)
    if rank(a) > rank(b):                # `a` is now the one at least as specific
        a, b = b, a
    if b.feature == "country":
        return Match.COARSE
    if _named_in(a, b):                 # "Aden" in "Gulf of Aden", "Kherson" in "Kherson Oblast"
        return Match.NEAR
    if b.feature == "water":            # a sea's centroid says little about where on it a ship was hit
        km = distance_km(a, b)
        return None if km is not None and km > rules.water_km else Match.COARSE
    if is_point(a):
        return _inside(a, b, rules)
    if norm_place(a.name) == norm_place(b.name):
        return Match.NEAR
    return _inside(a, b, rules)


def _points(a: PlaceRef, b: PlaceRef, rules: MergeRules) -> Match | None:
    km = distance_km(a, b)
    if km is not None:       # coordinates decide, so two towns of one name stay apart
        return Match.SAME if km <= rules.near_km else None
    if same_name(a.name, b.name, rules):
        return Match.SAME
    if a.admin1 and b.admin1 and not same_name(a.admin1, b.admin1, rules):
        return None
    return Match.COARSE     # a place the gazetteer did not find: how far it is from the other is unknown


def _inside(small: PlaceRef, big: PlaceRef, rules: MergeRules) -> Match | None:
    """Is ``small`` within the region ``big`` names? NEAR if so, COARSE if nothing tells, None if not."""
    if big.feature == "admin1" and small.admin1:
        names = (big.name, big.admin1 or big.name)
        return Match.NEAR if any(same_name(small.admin1, n, rules) for n in names) else None
    if big.admin1 and small.admin1 and not same_name(big.admin1, small.admin1, rules):
        return None
    km = distance_km(small, big)
    if km is not None:
        reach = {"admin2": rules.admin2_km, "admin1": rules.admin1_km}.get(big.feature, rules.region_km)
        return Match.NEAR if km <= reach else None
    if big.admin1 and small.admin1:
        return Match.NEAR if big.feature == "admin1" else Match.COARSE
    return Match.COARSE


def same_name(a: str, b: str, rules: MergeRules = DEFAULT_RULES) -> bool:
    """One place name or a spelling variant of it ("Salah ad Din" / "Salahuddin", "Kwarawa" / "Kwarrawa")."""
    x, y = norm_place(a).replace(" ", ""), norm_place(b).replace(" ", "")
    return x == y or SequenceMatcher(None, x, y).ratio() >= rules.name_similarity


def _named_in(small: PlaceRef, big: PlaceRef) -> bool:
    name = fold(small.name)
    return bool(name) and f" {name} " in f" {fold(big.name)} "


def is_point(p: PlaceRef) -> bool:
    return p.feature in POINT_FEATURES


def rank(p: PlaceRef | None) -> int:
    return len(FEATURE_RANK) if p is None else FEATURE_RANK.get(p.feature, FEATURE_RANK["other"])


def distance_km(a: PlaceRef, b: PlaceRef) -> float | None:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def norm_place(name: str) -> str:
    return " ".join(_ADMIN_WORDS.sub(" ", fold(name)).split())


def fold(text: str) -> str:
    """Lower case without accents or punctuation: "Mocímboa da Praia" -> "mocimboa da praia"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.casefold()).split())


# ---------------------------------------------------------------- actors

def actor_keys(a: ActorRef) -> frozenset[str]:
    """What identifies a named actor, or an empty set for a generic one ("gunmen", "civilians").

    The forces and government of one state share one key, "state:ISO3": reports often call the same
    unit police in one place and soldiers in another, but never confuse two states.
    """
    base = (a.kb_id or "").split(":")[0]
    if base in generic_ids():  # kb ids of generic actors are "id:iso3"
        return frozenset()
    if a.kind in STATE_KINDS:
        return frozenset({f"state:{a.country}"}) if a.country else frozenset()
    if a.kind in (ActorKind.CIVILIANS, ActorKind.PROTESTERS):
        return frozenset()
    if a.kb_id is None and a.canonical is None and not _proper(a.name):
        return frozenset()
    keys = {f"kb:{a.kb_id}"} if a.kb_id else set()
    for name in filter(None, (a.canonical, a.name)):
        keys.add("name:" + fold(name))
        keys.add("name:" + _core(name))
        initials = _initials(name)
        if initials:
            keys.add("name:" + initials)
    return frozenset(keys)


def is_state_key(keys: frozenset[str]) -> bool:
    return any(k.startswith("state:") for k in keys)


def _proper(name: str) -> bool:
    words = name.removeprefix("the ").split()
    return any(w[:1].isupper() for w in words)


def _core(name: str) -> str:
    """The distinctive part of a group's name: "the Ti Kouto gang" -> "ti kouto"."""
    words = fold(name).split()
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    while len(words) > 1 and words[-1] in _GROUP_NOUNS:
        words.pop()
    return " ".join(words)


def _initials(name: str) -> str | None:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.casefold() not in _STOP_INITIALS]
    if len(words) < 3 or not all(w[:1].isupper() for w in words):    # "KSF", not a two-letter clash
        return None
    return "".join(w[0] for w in words).casefold()


def same_actor(x: ActorRef, y: ActorRef) -> bool:
    """Do two named actors denote one actor? Two KB-linked groups only if their kb ids are equal."""
    kx, ky = actor_keys(x), actor_keys(y)
    if not kx or not ky:
        return False
    if is_state_key(kx) or is_state_key(ky):
        return kx == ky
    if x.kb_id and y.kb_id:
        return x.kb_id == y.kb_id
    return bool(kx & ky)


def side_match(xs: tuple[ActorRef, ...], ys: tuple[ActorRef, ...]) -> float | None:
    """Points for one side (sources or targets): shared actor, open (one side generic/absent) or None."""
    nx = [a for a in xs if actor_keys(a)]
    ny = [a for a in ys if actor_keys(a)]
    if not nx or not ny:
        return 0.0
    shared = [a for a in nx for b in ny if same_actor(a, b)]
    if not shared:
        return None
    return SCORE_NAMED_ACTOR if any(not is_state_key(actor_keys(a)) for a in shared) else SCORE_STATE_ACTOR


def actors_score(a: Report, b: Report) -> float | None:
    straight = sides_score(a, b)
    if not swappable(a, b):
        return straight
    options = [s for s in (straight, sides_score(a, b, swap=True)) if s is not None]
    return max(options) if options else None


def swappable(a: Report, b: Report) -> bool:
    """Who attacked whom is disputed in clashes, and an agreement has no first party."""
    return "Battles" in (a.acled_event_type, b.acled_event_type) or a.type in SYMMETRIC_TYPES


def sides_score(a: Report, b: Report, swap: bool = False) -> float | None:
    b_src, b_tgt = (b.targets, b.sources) if swap else (b.sources, b.targets)
    src, tgt = side_match(a.sources, b_src), side_match(a.targets, b_tgt)
    return None if src is None or tgt is None else src + tgt


# ---------------------------------------------------------------- fatalities

def fatalities_agree(a: Report, b: Report) -> bool:
    """Both give a death toll and the tolls are close: overlapping ranges, or within 2 or 25 %."""
    if not (a.has_fatalities and b.has_fatalities):
        return False
    lo_a, hi_a = _range(a)
    lo_b, hi_b = _range(b)
    gap = max(lo_a - hi_b, lo_b - hi_a, 0)
    return gap <= max(2.0, 0.25 * max(lo_a, lo_b))


def _range(r: Report) -> tuple[float, float]:
    lo = r.fatalities_min if r.fatalities_min is not None else r.fatalities_max
    hi = r.fatalities_max if r.fatalities_max is not None else math.inf
    return float(lo), float(hi)


__all__ = ["MergeRules", "DEFAULT_RULES", "Assessment", "Match", "assess", "date_match", "place_match",
           "actor_keys", "same_actor", "side_match", "actors_score", "sides_score", "swappable",
           "fatalities_agree", "modality_group", "tolerance_days", "distance_km", "same_name", "norm_place",
           "fold", "rank", "is_point"]
