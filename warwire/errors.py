"""warwire's exceptions. Catch at the level you care about:

    WarwireError                 anything warwire raises on purpose
    ├── ConfigError              a setting, config file or data file is wrong
    ├── PipelineMissingError     the spaCy English pipeline is not installed
    ├── KnowledgeBaseError       an actor/place/cue data file cannot be read
    ├── StoreError               the event store cannot be opened, read or written
    │   └── StoreLockedError       another process holds the store file
    ├── ExtractionError          code "extraction_failed": a stage failed on one article (a bug); that
    │                              article is reported, the run goes on, ingest does not store it
    └── InputError               one input cannot be processed (carries a code)
        ├── EmptyInputError        code "empty"
        ├── BinaryInputError       code "binary"
        ├── EncodingError          code "encoding"
        ├── TooLargeError          code "too_large"
        ├── NotEnglishError        code "not_english"
        ├── MalformedRecordError   code "bad_record" (bad JSONL line, missing text, bad field)
        ├── BadDateError           code "bad_date"
        ├── HtmlError              code "bad_html"
        ├── FeedError              code "bad_feed" (not an RSS/Atom feed, or a feed with no entries)
        └── FetchError             code "fetch_failed" (network error, timeout, bad URL)
            ├── HttpStatusError      code "http_status" (the server answered 4xx/5xx)
            ├── RedirectError        code "too_many_redirects"
            ├── ContentTypeError     code "content_type" (not a page, text or feed)
            └── ResponseTooLargeError code "too_large" (over the response size limit)

An ``InputError`` is recorded as an error record for that one input and the run goes on; the other
classes stop the run with a message saying what to do.
"""
from __future__ import annotations


class WarwireError(Exception):
    """Base class of every error warwire raises on purpose."""


class ConfigError(WarwireError):
    pass


class KnowledgeBaseError(WarwireError):
    pass


class PipelineMissingError(WarwireError):
    pass


class InputError(WarwireError):
    code = "bad_input"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EmptyInputError(InputError):
    code = "empty"


class BinaryInputError(InputError):
    code = "binary"


class EncodingError(InputError):
    code = "encoding"


class TooLargeError(InputError):
    code = "too_large"


class NotEnglishError(InputError):
    code = "not_english"


class MalformedRecordError(InputError):
    code = "bad_record"


class BadDateError(InputError):
    code = "bad_date"


class HtmlError(InputError):
    code = "bad_html"


class FeedError(InputError):
    code = "bad_feed"


class FetchError(InputError):
    code = "fetch_failed"


class HttpStatusError(FetchError):
    code = "http_status"


class RedirectError(FetchError):
    code = "too_many_redirects"


class ContentTypeError(FetchError):
    code = "content_type"


class ResponseTooLargeError(FetchError):
    code = "too_large"


class ExtractionError(WarwireError):
    """An extraction stage raised on one article: a bug in warwire, not in the input. The article gets an
    error record with this code and the run goes on with the others; ``warwire ingest`` does not store it,
    so a later run (after the fix) extracts it again."""

    code = "extraction_failed"


class StoreError(WarwireError):
    """The DuckDB store cannot be opened, migrated, read or written."""


class StoreLockedError(StoreError):
    """Another process holds the store file's write lock."""
