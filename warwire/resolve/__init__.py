"""Records in, records out, no spaCy: cross-article merging of reports of the same event."""
from .merge import MergedEvent, merge
from .report import ActorRef, PlaceRef, Report, report_from_result

__all__ = ["merge", "MergedEvent", "Report", "ActorRef", "PlaceRef", "report_from_result"]
