"""The ``warwire`` command: help everywhere, clear failures, and the JSONL contract of ``extract``."""
from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from warwire.cli import main

ENGLISH = ("Gunmen attacked a police checkpoint near the town of Example on Tuesday, killing two officers, "
           "officials said. The attackers fled before reinforcements arrived.")
FRENCH = ("Des hommes armés ont attaqué un poste de police près de la ville mardi, tuant deux agents, selon "
          "les autorités locales. Les assaillants ont pris la fuite avant l'arrivée des renforts.")
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "sample_article.txt"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*prefix, name))


COMMANDS = list(_commands(main))


def test_top_level_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for path, _ in COMMANDS:
        if len(path) == 1:
            assert path[0] in result.output


@pytest.mark.parametrize("path, cmd", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help(path, cmd):
    assert (cmd.help or "").strip(), f"`warwire {' '.join(path)}` has no help text (add a docstring)"
    undocumented = [p.name for p in cmd.params if isinstance(p, click.Option) and not (p.help or "").strip()]
    assert not undocumented, f"`warwire {' '.join(path)}` options without help: {undocumented}"
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and "warwire" in result.output


@pytest.mark.parametrize("args, needle", [
    (["extract", "no/such/article.txt"], "no such file"),
    (["extract", "no/such/batch.jsonl"], "no such file"),
    (["extract", str(SAMPLE), "--published", "14/03/2024"], "YYYY-MM-DD"),
    (["extract", str(SAMPLE), "--format", "xml"], "xml"),
], ids=["missing-txt", "missing-jsonl", "bad-published", "bad-format"])
def test_extract_fails_clearly_before_loading_the_model(args, needle):
    result = CliRunner().invoke(main, args)
    assert result.exit_code != 0
    assert needle in result.output  # click's runner mixes stderr into output
    assert not result.stdout.strip().startswith("{"), "nothing is printed to stdout on failure"


def test_extract_bad_config_fails_clearly(tmp_path):
    cfg = tmp_path / "warwire.toml"
    cfg.write_text("[warwire]\nbatch_sise = 3\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(cfg), "extract", str(SAMPLE)])
    assert result.exit_code != 0 and "batch_sise" in result.output


LINES = [
    json.dumps({"id": "good-1", "text": ENGLISH, "published": "2024-03-14", "title": "Checkpoint attack"}),
    '{"id": "broken", "text": "unterminated',
    json.dumps({"id": "no-text"}),
    json.dumps({"id": "french", "text": FRENCH}),
    json.dumps({"id": "bad-date", "text": ENGLISH, "published": "last Tuesday"}),
    json.dumps(["not", "an", "object"]),
    json.dumps({"id": "empty", "text": "   "}),
    json.dumps({"id": "good-2", "text": ENGLISH, "published": None}),
]
@pytest.fixture
def shared(extractor, monkeypatch):
    """`extract` builds its Extractor from default settings; hand it the session's instead of loading again."""
    import warwire.pipeline

    monkeypatch.setattr(warwire.pipeline, "Extractor", lambda settings=None, **kw: extractor)


EXPECTED = [("good-1", None), ("line-2", "bad_record"), ("no-text", "bad_record"), ("french", "not_english"),
            ("bad-date", "bad_date"), ("line-6", "bad_record"), ("empty", "empty"), ("good-2", None)]


@pytest.mark.slow
def test_extract_jsonl_one_line_per_input_in_order(tmp_path):
    """Runs the command end to end, building its own Extractor from settings."""
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(batch), "--published", "2024-03-15"])
    assert result.exit_code == 0, result.output
    out = result.stdout.splitlines()
    assert len(out) == len(LINES)
    records = [json.loads(line) for line in out]
    assert [(r["article"]["id"], r.get("error", {}).get("code")) for r in records] == EXPECTED
    for r in records:
        if "error" in r:
            assert set(r["error"]) == {"code", "message"} and r["error"]["message"]
        else:
            assert {"actors", "places", "relations", "events"} <= set(r)
    assert records[0]["article"]["published"] == "2024-03-14"
    assert records[-1]["article"]["published"] == "2024-03-15"  # --published fills a missing date


@pytest.mark.slow
def test_extract_text_file_and_stdin_print_one_json_object(shared):
    text = SAMPLE.read_text(encoding="utf-8")
    from_file = CliRunner().invoke(main, ["extract", str(SAMPLE), "--published", "2024-03-14"])
    from_stdin = CliRunner().invoke(main, ["extract", "-", "--published", "2024-03-14"], input=text.encode())
    assert from_file.exit_code == 0 and from_stdin.exit_code == 0
    a, b = json.loads(from_file.stdout), json.loads(from_stdin.stdout)
    assert a["article"]["id"] == "sample_article.txt" and b["article"]["id"] == "stdin"
    assert a["actors"] == b["actors"] and a["events"] == b["events"]
    for actor in a["actors"]:
        for m in actor["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]


@pytest.mark.slow
def test_extract_binary_stdin_is_an_error_record(shared):
    result = CliRunner().invoke(main, ["extract", "-", "--format", "jsonl"], input=b"\x89PNG\x00\x00\x01")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["error"]["code"] == "binary"
