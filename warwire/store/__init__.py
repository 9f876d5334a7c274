"""The store: one DuckDB file of articles, extracted records, events, merged events and runs.

    from warwire.store import Filters, Store

    with Store.open("events.duckdb") as store:
        store.add_result(result, url=url)                 # "added" | "version" | "duplicate" | "rejected"
        for row in store.events(Filters(actor="Nujaba", event_types=("ASSAULT",))):
            print(row.event.date, row.event.type, [a.label for a in row.sources])

Public surface: ``Store``, ``AddStatus``, ``Run``, ``Filters``, ``Near``, ``EventRow``, ``ActorRef``,
``content_hash``. Merged events: ``Store.remerge()`` (warwire.store.merged).
"""
from .db import AddStatus, Run, Store
from .query import ActorRef, EventRow, Filters, Near
from .records import content_hash

__all__ = ["Store", "AddStatus", "Run", "Filters", "Near", "EventRow", "ActorRef", "content_hash"]
