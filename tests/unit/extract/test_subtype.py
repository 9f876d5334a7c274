"""The learned ACLED sub-type model: loading, deferring to the rules, and the features it reads."""
from __future__ import annotations

import json

import pytest

from warwire.errors import ConfigError
from warwire.extract.subtype import features
from warwire.kb.models import SUBTYPE_MODEL, SubtypeModel, code_of, label_of
from warwire.types import AcledCode

CLASSES = ["Battles|Armed clash", "NONE", "Violence against civilians|Attack"]


def _model(tmp_path, weights, min_confidence=0.0, none_confidence=None):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"classes": CLASSES, "bias": [0.0, 0.0, 0.0], "weights": weights,
                                "min_confidence": min_confidence, "none_confidence": none_confidence}))
    return SubtypeModel.load(path)


def test_prediction_follows_the_weights(tmp_path):
    m = _model(tmp_path, {"w:exchange": [3.0, 0.0, 0.0], "w:villager": [0.0, 0.0, 3.0]})
    assert m.predict(["w:exchange"])[0] == "Battles|Armed clash"
    assert m.predict(["w:villager", "w:unknown"])[0] == "Violence against civilians|Attack"
    p = m.scores(["w:exchange"])
    assert abs(sum(p) - 1.0) < 1e-9 and p[0] > 0.9


def test_none_class_leaves_the_event_uncoded(tmp_path):
    m = _model(tmp_path, {"w:flood": [0.0, 4.0, 0.0]})
    assert m.refine(AcledCode("Violence against civilians", "Attack"), ["w:flood"]) == AcledCode()


def test_unsure_model_keeps_the_rules_answer(tmp_path):
    rule = AcledCode("Violence against civilians", "Attack")
    m = _model(tmp_path, {"w:exchange": [0.5, 0.0, 0.0]}, min_confidence=0.9)
    assert m.refine(rule, ["w:exchange"]) == rule
    sure = _model(tmp_path, {"w:exchange": [9.0, 0.0, 0.0]}, min_confidence=0.9)
    assert sure.refine(rule, ["w:exchange"]) == AcledCode("Battles", "Armed clash")


def test_no_event_answer_needs_its_own_confidence(tmp_path):
    rule = AcledCode("Violence against civilians", "Attack")
    weights = {"w:arrest": [0.0, 2.0, 0.0]}  # NONE at about 0.79
    assert _model(tmp_path, weights, min_confidence=0.6).refine(rule, ["w:arrest"]) == AcledCode()
    assert _model(tmp_path, weights, min_confidence=0.6, none_confidence=0.9).refine(rule, ["w:arrest"]) == rule
    sure = _model(tmp_path, {"w:flood": [0.0, 9.0, 0.0]}, min_confidence=0.6, none_confidence=0.9)
    assert sure.refine(rule, ["w:flood"]) == AcledCode()
    # the floor for NONE leaves the other classes' floor alone
    other = _model(tmp_path, {"w:exchange": [2.0, 0.0, 0.0]}, min_confidence=0.6, none_confidence=0.9)
    assert other.refine(rule, ["w:exchange"]) == AcledCode("Battles", "Armed clash")


def test_labels_round_trip():
    for code in (AcledCode(), AcledCode("Riots", "Mob violence")):
        assert code_of(label_of(code)) == code


@pytest.mark.parametrize("content", ["not json", json.dumps({"classes": CLASSES}),
                                     json.dumps({"classes": CLASSES, "bias": [0, 0], "weights": {}}),
                                     json.dumps({"classes": CLASSES, "bias": [0, 0, 0], "weights": {"w:x": [1]}})])
def test_broken_model_file_is_a_clear_error(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(ConfigError, match="train_subtype"):
        SubtypeModel.load(path)


def test_bundled_model_loads_and_knows_every_acled_sub_type():
    m = SubtypeModel.load(SUBTYPE_MODEL)
    assert "NONE" in m.classes and len(m.classes) == 26
    assert 0.0 < m.min_confidence < 1.0


@pytest.mark.slow
def test_features_mask_names_and_read_the_next_sentence(extractor):
    doc = extractor.nlp("On 3 May 2023, gunmen shot a farmer in Kaduna. The victim was a vigilante member.")
    sent = next(iter(doc.sents))
    feats = features(doc, sent, "shoot", "ASSAULT", AcledCode("Violence against civilians", "Attack"),
                     "firearms", "asserted", ["militia"], ["civilians"], False)
    assert "w:gunman" in feats and "w:vigilante" in feats  # the second sentence counts
    assert "w:E:GPE" in feats and not any("kaduna" in f.lower() for f in feats)
    assert "rule:Violence against civilians|Attack" in feats and "st:militia_civilians" in feats
