"""The actor knowledge base: states, their forces, named groups and people, generic actors.

Loaded from YAML files (bundled ``kb/data/actors/*.yaml`` plus any the user passes), indexed by
surface form. No spaCy here: the extract layer builds its matchers from ``surface_forms()``.
"""
from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import KnowledgeBaseError
from ..types import ActorKind
from ._files import DATA_DIR, read_yaml

log = logging.getLogger(__name__)

_ABBREV = re.compile(r"^[A-Z0-9][A-Z0-9.&\-]*[A-Z0-9.]$|^[A-Z]$")


@dataclass(frozen=True, slots=True)
class ActorEntry:
    id: str
    canonical: str
    kind: ActorKind
    country: str | None
    acled_name: str | None
    aliases: tuple[str, ...] = ()
    ties: tuple[tuple[str, str], ...] = ()  # (tie type, object id)


@dataclass(frozen=True, slots=True)
class StateInfo:
    iso3: str
    name: str
    acled_name: str
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    region: str | None


@dataclass(frozen=True, slots=True)
class SurfaceForm:
    """One string that can name an actor, and how to read it."""

    text: str
    target: str      # an entry id, an ISO3 (role demonym/capital), or a generic id
    role: str        # "name" | "demonym" | "capital" | "generic"
    cased: bool      # match case-sensitively (abbreviations like "US", "KH")


@dataclass(frozen=True, slots=True)
class Restyle:
    """A generic actor ACLED names otherwise in some countries when the story bears certain marks: unidentified
    armed men are an "Unidentified Gang" where ACLED covers gang violence and the killing looks like a gang's."""

    generic: str                # the generic id re-read ("unidentified_armed_group")
    as_generic: str             # the generic id it becomes ("unidentified_gang")
    countries: frozenset[str]   # ISO3 codes where the rule holds
    marks: re.Pattern           # words of the story (lower case, whole words) that call for it


def is_abbreviation(alias: str) -> bool:
    return bool(_ABBREV.match(alias)) and len(alias.replace(".", "")) <= 6


class ActorKB:
    """Every actor warwire knows, with indexes by id, state and surface form."""

    def __init__(self, entries: dict[str, ActorEntry], states: dict[str, StateInfo],
                 with_state: dict[str, str], generic: dict[str, ActorEntry], generic_words: dict[str, str],
                 collective: frozenset[str] = frozenset(),
                 name_kinds: tuple[tuple[ActorKind, frozenset[str]], ...] = (),
                 restyles: tuple[Restyle, ...] = (), addressee_verbs: frozenset[str] = frozenset()):
        self.entries = entries
        self.states = states
        self.with_state = with_state          # noun phrase (lower) -> role: military/police/state/civilians/...
        self.generic = generic                # generic id -> template entry ("{country}" in acled_name)
        self.generic_words = generic_words    # phrase (lower) -> generic id
        self.collective = collective          # "a group of X": nouns whose "of X" names the actor
        self.name_kinds = name_kinds          # words in an unknown group's name -> its kind, first match wins
        self.restyles = restyles              # generic actors ACLED names otherwise where a story bears marks
        self.addressee_verbs = addressee_verbs  # "accused Kyiv": verbs whose object is a party, not a place

    # ---------------------------------------------------------------- loading

    @classmethod
    def load(cls, extra_files: tuple[str, ...] | list[str] = ()) -> "ActorKB":
        paths = sorted((DATA_DIR / "actors").glob("*.yaml")) + [Path(p) for p in extra_files]
        entries: dict[str, ActorEntry] = {}
        states: dict[str, StateInfo] = {}
        with_state: dict[str, str] = {}
        generic: dict[str, ActorEntry] = {}
        generic_words: dict[str, str] = {}
        collective: set[str] = set()
        addressee: set[str] = set()
        name_kinds: list[tuple[ActorKind, frozenset[str]]] = []
        restyles: list[Restyle] = []
        for path in paths:
            data = read_yaml(path)
            if isinstance(data, dict):  # the generic-actor file
                collective.update(str(w).lower() for w in data.get("collective") or ())
                addressee.update(str(w).lower() for w in data.get("addressee_verbs") or ())
                for kind, words in (data.get("name_kinds") or {}).items():
                    name_kinds.append((ActorKind(kind), frozenset(str(w).lower() for w in words)))
                restyles += [_restyle(r, path) for r in data.get("restyle") or ()]
                for role, words in (data.get("with_state") or {}).items():
                    for w in words:
                        with_state[str(w).lower()] = role
                for g in data.get("generic") or []:
                    entry = _entry(g, path)
                    generic[entry.id] = entry
                    for w in g.get("words") or []:
                        generic_words.setdefault(str(w).lower(), entry.id)
                continue
            if not isinstance(data, list):
                raise KnowledgeBaseError(f"{path}: expected a list of actors or a mapping, got {type(data).__name__}.")
            for item in data:
                if "iso3" in item:
                    state, derived = _state(item, path)
                    states[state.iso3] = state
                    for e in derived:
                        entries[e.id] = e
                else:
                    e = _entry(item, path)
                    if e.id in entries:
                        log.debug("actor id %s redefined by %s", e.id, path)
                    entries[e.id] = e
        log.debug("actor KB: %d entries, %d states", len(entries), len(states))
        for r in restyles:
            if r.generic not in generic or r.as_generic not in generic:
                raise KnowledgeBaseError(f"restyle {r.generic!r} -> {r.as_generic!r} names a generic actor no file "
                                         f"defines; use one of {', '.join(sorted(generic))}.")
        return cls(entries, states, with_state, generic, generic_words, frozenset(collective), tuple(name_kinds),
                   tuple(restyles), frozenset(addressee))

    # ---------------------------------------------------------------- queries

    def state(self, iso3: str) -> ActorEntry | None:
        return self.entries.get(iso3.lower())

    def state_role(self, iso3: str, role: str) -> ActorEntry | None:
        """The actor a state noun denotes: role military/police/state/civilians/protesters/rioters."""
        if role == "state":
            return self.state(iso3)
        if role in ("military", "police"):
            return self.entries.get(f"{iso3.lower()}_{role}")
        gid = {"civilians": "civilians", "protesters": "protesters", "rioters": "rioters"}.get(role)
        return self.generic_for(gid, iso3) if gid else None

    def generic_for(self, gid: str, iso3: str | None) -> ActorEntry:
        """A generic actor (civilians, unidentified armed group...) instantiated for a country."""
        tpl = self.generic[gid]
        if gid in ("military", "police") and iso3 and f"{iso3.lower()}_{gid}" in self.entries:
            return self.entries[f"{iso3.lower()}_{gid}"]
        if gid == "government" and iso3 and iso3.lower() in self.entries:
            return self.entries[iso3.lower()]
        st = self.states.get(iso3 or "")
        if st is None:
            acled = re.sub(r"\s*\(\{country\}\)|\s*of \{country\}", "", tpl.acled_name or "") or None
            return ActorEntry(tpl.id, tpl.canonical, tpl.kind, None, acled)
        acled = (tpl.acled_name or "").replace("{country}", st.acled_name) or None
        canonical = acled if "(" in (tpl.acled_name or "") else f"{tpl.canonical} of {st.name}"
        return ActorEntry(f"{tpl.id}:{st.iso3.lower()}", canonical, tpl.kind, st.iso3, acled)

    def surface_forms(self) -> list[SurfaceForm]:
        out: list[SurfaceForm] = []
        for e in self.entries.values():
            for alias in {e.canonical, *e.aliases}:
                out.append(SurfaceForm(alias, e.id, "name", is_abbreviation(alias)))
        for st in self.states.values():
            for d in st.demonyms:
                out.append(SurfaceForm(d, st.iso3, "demonym", is_abbreviation(d)))
            for c in st.capitals:
                out.append(SurfaceForm(c, st.iso3, "capital", False))
        for w, gid in self.generic_words.items():
            out.append(SurfaceForm(w, gid, "generic", is_abbreviation(w)))
        return out


def _entry(item: dict, path: Path) -> ActorEntry:
    try:
        kind = ActorKind(item.get("kind") or "unknown")
    except ValueError:
        raise KnowledgeBaseError(f"{path}: actor {item.get('id')!r} has unknown kind {item.get('kind')!r}; "
                                 f"use one of {', '.join(k.value for k in ActorKind)}.") from None
    if not item.get("id") or not item.get("canonical"):
        raise KnowledgeBaseError(f"{path}: every actor needs 'id' and 'canonical' (got {item!r:.120}).")
    ties = tuple((str(t["type"]), str(t["object"]).lower() if len(str(t["object"])) == 3 and str(t["object"]).isupper()
                  else str(t["object"])) for t in item.get("ties") or [] if isinstance(t, dict) and "type" in t)
    return ActorEntry(str(item["id"]), str(item["canonical"]), kind, item.get("country"),
                      item.get("acled_name") or item["canonical"],
                      tuple(str(a) for a in item.get("aliases") or () if a), ties)


def _restyle(item: dict, path: Path) -> Restyle:
    try:
        words = sorted((str(w).lower() for w in item["marks"]), key=len, reverse=True)
        return Restyle(str(item["from"]), str(item["to"]), frozenset(str(c).upper() for c in item["countries"]),
                       re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"))
    except (KeyError, TypeError) as exc:
        raise KnowledgeBaseError(f"{path}: a restyle rule needs 'from', 'to', 'countries' and 'marks' "
                                 f"(problem: {exc}; got {item!r:.120}).") from None


def _state(item: dict, path: Path) -> tuple[StateInfo, list[ActorEntry]]:
    try:
        iso3 = str(item["iso3"]).upper()
        name = str(item["name"])
    except KeyError as exc:
        raise KnowledgeBaseError(f"{path}: state entry lacks {exc}: {item!r:.120}") from None
    acled = str(item.get("acled_name") or name)
    info = StateInfo(iso3, name, acled, tuple(item.get("demonyms") or ()), tuple(item.get("capitals") or ()),
                     item.get("region"))
    state = ActorEntry(iso3.lower(), name, ActorKind.STATE, iso3, acled, tuple(item.get("aliases") or ()))
    mil = item.get("military") or {}
    military = ActorEntry(f"{iso3.lower()}_military", str(mil.get("name") or f"Military Forces of {name}"),
                          ActorKind.MILITARY, iso3, f"Military Forces of {acled}",
                          tuple(mil.get("aliases") or ()), (("part_of", iso3.lower()),))
    pol = item.get("police") or {}
    police = ActorEntry(f"{iso3.lower()}_police", str(pol.get("name") or f"Police Forces of {name}"),
                        ActorKind.POLICE, iso3, f"Police Forces of {acled}", tuple(pol.get("aliases") or ()),
                        (("part_of", iso3.lower()),))
    return info, [state, military, police]


@functools.cache
def generic_ids() -> frozenset[str]:
    """The ids of the bundled generic actors ("civilians", "unidentified_armed_group"), from
    ``kb/data/actors/generic.yaml``: actors that name a kind of people, not one group."""
    data = read_yaml(DATA_DIR / "actors" / "generic.yaml") or {}
    return frozenset(str(g["id"]) for g in data.get("generic") or ())
