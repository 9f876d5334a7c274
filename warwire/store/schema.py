"""The store's schema as numbered migrations, applied in order and recorded in ``schema_version``.

A migration is never edited once released: change the schema by appending a new one. ``migrate``
is idempotent (it applies only the migrations a file lacks), and each migration runs in its own
transaction, so a store is always at one whole version.

Design notes (why the tables look the way they do):

* ``articles.id`` is assigned by the store; ``source_id`` is the id the input gave (a file name,
  a JSONL ``id``) and is what ``Result.article.id`` reads back as.
* An article is the same article when ``(url_key, content_hash)`` is: ``url_key`` is the URL or
  ``''`` (a UNIQUE key cannot hold NULLs, and two URL-less inputs with the same text are the same
  text). A changed text at the same URL is a new row with ``version + 1``; older versions stay for
  history with ``current = false`` and their events drop out of queries.
* ``events`` repeats the country and coordinates of its place and its article's ``current`` flag,
  so the common filters read one table (the 1M-event target in bench/store_bench.py).
* Every stored actor has a store-wide integer ``key``; ``event_actors`` lists each event's sources and
  targets by key, ``actor_names`` every folded name an actor goes by in its article, and relations
  carry the keys of their two actors, so ``--actor`` is an index lookup and joins on integers.
* Merged events also have a store-wide integer ``key`` (``merged_event_reports.merged_key`` repeats it):
  a page of merged events is read by key, which scans far less than their VARCHAR ids. ``merged_actors``
  lists, once per merged event, the keys of the actors any of its reports names as a source or target
  (what ``FILL_MERGED_ACTORS`` writes), so ``--actor`` on merged events reads one narrow integer table instead
  of going from the actors' events to their reports to their merged events. Aliases and members are
  resolved to actor keys at query time: the table holds only what the reports say, so it changes only with
  ``merged_event_reports`` (store/merged.py writes both in one transaction).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from ..errors import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


_V1 = (
    "CREATE SEQUENCE article_ids START 1",
    "CREATE SEQUENCE event_ids START 1",
    "CREATE SEQUENCE run_ids START 1",
    "CREATE SEQUENCE actor_keys START 1",
    """CREATE TABLE runs (
        id BIGINT PRIMARY KEY,
        started TIMESTAMP NOT NULL,
        finished TIMESTAMP,
        settings_hash VARCHAR,
        components JSON,
        counts JSON)""",
    """CREATE TABLE articles (
        id BIGINT PRIMARY KEY,
        source_id VARCHAR NOT NULL,
        url VARCHAR,
        url_key VARCHAR NOT NULL,
        content_hash VARCHAR NOT NULL,
        title VARCHAR,
        published DATE,
        language VARCHAR NOT NULL,
        text VARCHAR NOT NULL,
        status VARCHAR NOT NULL CHECK (status IN ('ok', 'rejected')),
        reason_code VARCHAR,
        reason VARCHAR,
        version INTEGER NOT NULL,
        current BOOLEAN NOT NULL,
        ingested_at TIMESTAMP NOT NULL,
        run_id BIGINT,
        UNIQUE (url_key, content_hash))""",
    """CREATE TABLE actors (
        article_id BIGINT NOT NULL,
        id VARCHAR NOT NULL,
        key BIGINT NOT NULL,
        seq INTEGER NOT NULL,
        name VARCHAR NOT NULL,
        canonical VARCHAR,
        kb_id VARCHAR,
        kind VARCHAR NOT NULL,
        country VARCHAR,
        acled_name VARCHAR,
        producer VARCHAR NOT NULL,
        PRIMARY KEY (article_id, id))""",
    """CREATE TABLE places (
        article_id BIGINT NOT NULL,
        id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        name VARCHAR NOT NULL,
        country VARCHAR,
        admin1 VARCHAR,
        feature VARCHAR NOT NULL,
        lat DOUBLE,
        lon DOUBLE,
        geonames_id BIGINT,
        producer VARCHAR NOT NULL,
        PRIMARY KEY (article_id, id))""",
    """CREATE TABLE mentions (
        article_id BIGINT NOT NULL,
        owner VARCHAR NOT NULL CHECK (owner IN ('actor', 'place')),
        owner_id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        text VARCHAR NOT NULL,
        PRIMARY KEY (article_id, owner, owner_id, seq))""",
    """CREATE TABLE actor_names (
        actor_key BIGINT NOT NULL,
        name_key VARCHAR NOT NULL)""",
    """CREATE TABLE relations (
        article_id BIGINT NOT NULL,
        seq INTEGER NOT NULL,
        type VARCHAR NOT NULL,
        subject VARCHAR NOT NULL,
        object VARCHAR NOT NULL,
        subject_key BIGINT,
        object_key BIGINT,
        confidence DOUBLE NOT NULL,
        evidence_start INTEGER NOT NULL,
        evidence_end INTEGER NOT NULL,
        evidence_text VARCHAR NOT NULL,
        producer VARCHAR NOT NULL,
        PRIMARY KEY (article_id, seq))""",
    """CREATE TABLE events (
        pk BIGINT PRIMARY KEY,
        article_id BIGINT NOT NULL,
        id VARCHAR NOT NULL,
        seq INTEGER NOT NULL,
        current BOOLEAN NOT NULL,
        type VARCHAR NOT NULL,
        mode VARCHAR,
        contexts VARCHAR[] NOT NULL,
        acled_event_type VARCHAR,
        acled_sub_event_type VARCHAR,
        modality VARCHAR NOT NULL,
        aggregate_count_min INTEGER,
        aggregate_count_max INTEGER,
        aggregate_text VARCHAR,
        sources VARCHAR[] NOT NULL,
        targets VARCHAR[] NOT NULL,
        place_id VARCHAR,
        country VARCHAR,
        lat DOUBLE,
        lon DOUBLE,
        date_start DATE,
        date_end DATE,
        date_precision VARCHAR,
        date_text VARCHAR,
        fatalities_min INTEGER,
        fatalities_max INTEGER,
        injured_min INTEGER,
        injured_max INTEGER,
        attributed_to VARCHAR,
        confidence DOUBLE NOT NULL,
        evidence_start INTEGER NOT NULL,
        evidence_end INTEGER NOT NULL,
        evidence_text VARCHAR NOT NULL,
        trigger_start INTEGER NOT NULL,
        trigger_end INTEGER NOT NULL,
        trigger_text VARCHAR NOT NULL,
        producer VARCHAR NOT NULL,
        UNIQUE (article_id, id))""",
    """CREATE TABLE event_actors (
        event_pk BIGINT NOT NULL,
        actor_key BIGINT,
        actor_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL CHECK (role IN ('source', 'target')),
        position INTEGER NOT NULL,
        PRIMARY KEY (event_pk, role, position))""",
    # Filled from warwire.resolve.merge (see store/merged.py); replaced whole on each re-merge.
    """CREATE TABLE merged_events (
        id VARCHAR PRIMARY KEY,
        seq INTEGER NOT NULL,
        type VARCHAR NOT NULL,
        mode VARCHAR,
        acled_event_type VARCHAR,
        acled_sub_event_type VARCHAR,
        modality VARCHAR NOT NULL,
        aggregate BOOLEAN NOT NULL,
        date_start DATE,
        date_end DATE,
        date_precision VARCHAR NOT NULL,
        place_name VARCHAR,
        country VARCHAR,
        admin1 VARCHAR,
        feature VARCHAR,
        lat DOUBLE,
        lon DOUBLE,
        sources JSON,
        targets JSON,
        n_reports INTEGER NOT NULL,
        n_articles INTEGER NOT NULL,
        n_sources INTEGER NOT NULL,
        fatalities_min INTEGER,
        fatalities_max INTEGER,
        fatality_claims JSON,
        earliest_event_pk BIGINT,
        earliest_article_id BIGINT,
        earliest_published DATE,
        disagreements JSON,
        confidence DOUBLE NOT NULL,
        producer VARCHAR NOT NULL,
        run_id BIGINT)""",
    """CREATE TABLE merged_event_reports (
        merged_id VARCHAR NOT NULL,
        event_pk BIGINT NOT NULL,
        article_id BIGINT NOT NULL,
        PRIMARY KEY (merged_id, event_pk))""",
    # Feed entries a `warwire watch` has ingested, so a restarted watch does not fetch them again.
    """CREATE TABLE feed_entries (
        feed VARCHAR NOT NULL,
        entry VARCHAR NOT NULL,
        seen_at TIMESTAMP NOT NULL,
        PRIMARY KEY (feed, entry))""",
    # ART indexes serve point lookups: an article by URL, text hash or input id (writes check these), an actor by
    # name or KB id (the first step of --actor). Range and IN filters over events need none: DuckDB's
    # per-row-group min/max (zone maps) and columnar scans answer them (bench/store_bench.py).
    "CREATE INDEX articles_source ON articles (source_id)",
    "CREATE INDEX articles_url ON articles (url)",
    "CREATE INDEX articles_hash ON articles (content_hash)",  # the UNIQUE pair's index serves no lookups
    "CREATE INDEX actor_names_key ON actor_names (name_key)",
    "CREATE INDEX actors_kb ON actors (kb_id)",
    "CREATE INDEX events_article ON events (article_id)",
)

# Merged events are derived data (a pure function of the current events), so they are dropped and made again
# rather than altered: a migrated store has no merged events until the next remerge, which then merges all.
# ``component`` is the link component a merged event belongs to (warwire.resolve.merge.Component): an
# incremental remerge reopens only the components new reports link to. ``fatalities`` is the best estimate.
_V2 = (
    "DROP TABLE merged_event_reports",
    "DROP TABLE merged_events",
    """CREATE TABLE merged_events (
        id VARCHAR PRIMARY KEY,
        component VARCHAR NOT NULL,
        type VARCHAR NOT NULL,
        mode VARCHAR,
        acled_event_type VARCHAR,
        acled_sub_event_type VARCHAR,
        modality VARCHAR NOT NULL,
        aggregate BOOLEAN NOT NULL,
        date_start DATE,
        date_end DATE,
        date_precision VARCHAR NOT NULL,
        place_name VARCHAR,
        country VARCHAR,
        admin1 VARCHAR,
        feature VARCHAR,
        lat DOUBLE,
        lon DOUBLE,
        geonames_id BIGINT,
        sources JSON,
        targets JSON,
        n_reports INTEGER NOT NULL,
        n_articles INTEGER NOT NULL,
        n_sources INTEGER NOT NULL,
        fatalities INTEGER,
        fatalities_min INTEGER,
        fatalities_max INTEGER,
        fatality_claims JSON,
        earliest_event_pk BIGINT,
        earliest_article_id BIGINT,
        earliest_published DATE,
        disagreements JSON,
        confidence DOUBLE NOT NULL,
        producer VARCHAR NOT NULL,
        run_id BIGINT)""",
    """CREATE TABLE merged_event_reports (
        merged_id VARCHAR NOT NULL,
        event_pk BIGINT NOT NULL,
        article_id BIGINT NOT NULL,
        PRIMARY KEY (merged_id, event_pk))""",
    "CREATE INDEX merged_component ON merged_events (component)",
    "CREATE INDEX merged_reports_event ON merged_event_reports (event_pk)",
)

# Fills merged_actors for the merged events whose key passes ``{keys}`` (a condition on r.merged_key, or TRUE).
FILL_MERGED_ACTORS = ("INSERT INTO merged_actors SELECT DISTINCT r.merged_key, ea.actor_key FROM merged_event_reports r "
                      "JOIN event_actors ea ON ea.event_pk = r.event_pk WHERE ea.actor_key IS NOT NULL AND {keys} "
                      "ORDER BY 2, 1")

# Keys and merged_actors are filled for the merged events already stored, so a migrated store answers
# --actor without a remerge.
_V3 = (
    "CREATE SEQUENCE merged_keys START 1",
    "ALTER TABLE merged_events ADD COLUMN key BIGINT",
    "UPDATE merged_events SET key = nextval('merged_keys')",
    "ALTER TABLE merged_event_reports ADD COLUMN merged_key BIGINT",
    "UPDATE merged_event_reports SET merged_key = m.key FROM merged_events m "
    "WHERE m.id = merged_event_reports.merged_id",
    """CREATE TABLE merged_actors (
        merged_key BIGINT NOT NULL,
        actor_key BIGINT NOT NULL)""",
    FILL_MERGED_ACTORS.format(keys="TRUE"),
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema: articles, records, events, merged events, runs, feed entries", _V1),
    Migration(2, "merged events by link component, with a best fatality estimate (incremental remerge)", _V2),
    Migration(3, "merged event keys and merged_actors (fast pages and --actor on merged events)", _V3),
)
LATEST = MIGRATIONS[-1].version


def current_version(con) -> int:
    """The schema version of an open store, 0 for an empty file."""
    has_table = con.execute("SELECT count(*) FROM information_schema.tables "
                            "WHERE table_name = 'schema_version' AND table_schema = 'main'").fetchone()[0]
    if not has_table:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(con, path: str = "the store") -> int:
    """Bring the store at ``con`` to the latest schema; returns how many migrations were applied."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)")
    have = current_version(con)
    if have > LATEST:
        raise StoreError(f"{path} has schema version {have}, newer than this warwire knows ({LATEST}). "
                         f"Upgrade warwire, or pass --db with another file.")
    applied = 0
    for m in MIGRATIONS:
        if m.version <= have:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            for stmt in m.statements:
                con.execute(stmt)
            con.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [m.version, m.name])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        log.info("%s: applied schema migration %d (%s)", path, m.version, m.name)
        applied += 1
    return applied
