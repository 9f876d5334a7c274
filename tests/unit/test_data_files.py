"""Reading the knowledge files: words stay words, whatever YAML 1.1 would make of them."""
from __future__ import annotations

from warwire.kb._files import DATA_DIR, read_yaml


def test_yes_no_on_off_in_a_word_list_are_words(tmp_path):
    path = tmp_path / "words.yaml"
    path.write_text("preps: [in, on, off]\nanswers: [yes, no, y, n]\nflags: [true, False]\n", encoding="utf-8")
    data = read_yaml(path)
    assert data["preps"] == ["in", "on", "off"]
    assert data["answers"] == ["yes", "no", "y", "n"]
    assert data["flags"] == [True, False]  # the YAML 1.2 booleans are still booleans


def _booleans(node, where, in_list=False):
    """Booleans inside lists: word lists never mean one."""
    if isinstance(node, bool) and in_list:
        yield where
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _booleans(value, f"{where}.{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from _booleans(value, f"{where}[{n}]", in_list=True)


def test_no_bundled_word_list_holds_a_boolean():
    found = [w for path in sorted(DATA_DIR.rglob("*.yaml")) for w in _booleans(read_yaml(path), path.name)]
    assert found == []


def test_the_place_words_keep_on_as_a_name_particle():
    from warwire.kb.gazetteer import place_words

    assert "on" in place_words()["name_particles"]
