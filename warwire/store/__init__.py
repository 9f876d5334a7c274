"""The store: one DuckDB file of articles, extracted records, events, merged events and runs.

    from warwire.store import Filters, Store

    with Store.open("events.duckdb") as store:
        store.add_result(result, url=url)                 # "added" | "version" | "duplicate" | "rejected"
        for row in store.events(Filters(actor="Nujaba", event_types=("ASSAULT",))):
            print(row.event.date, row.event.type, [a.label for a in row.sources])

        store.remerge()                                   # merge what is new since the last remerge
        for m in store.merged_events(Filters(countries=("IRQ",))):
            print(m.event.date_start, m.fatalities, m.event.n_sources, [r.url for r in m.reports])

Public surface: ``Store``, ``AddStatus``, ``Run``, ``Filters``, ``Near``, ``EventRow``, ``ActorRef``,
``MergedRow``, ``ReportRef``, ``RemergeStats``, ``content_hash``. Merged events: warwire.store.merged (writing,
``Store.remerge``) and warwire.store.merged_query (reading, ``Store.merged_events``).
"""
from .db import AddStatus, Run, Store
from .merged import RemergeStats
from .merged_query import MergedRow, ReportRef
from .query import ActorRef, EventRow, Filters, Near
from .records import content_hash

__all__ = ["Store", "AddStatus", "Run", "Filters", "Near", "EventRow", "ActorRef", "MergedRow", "ReportRef",
           "RemergeStats", "content_hash"]
