"""merge() on the written multi-report corpus: pairwise precision and recall against the gold clusters."""
from __future__ import annotations

from collections import defaultdict

import pytest

from warwire.resolve.merge import merge

FLOOR = 0.9     # issue 4: aim for pairwise precision and recall >= 0.9


def pairwise(predicted: dict[str, str], gold: dict[str, str]) -> tuple[float, float, int, int, int]:
    """Pairwise precision and recall of a clustering (report key -> cluster id) against gold labels."""
    keys = sorted(gold)
    tp = fp = fn = 0
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            same_pred, same_gold = predicted[a] == predicted[b], gold[a] == gold[b]
            tp += same_pred and same_gold
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


def _predicted(reports) -> dict[str, str]:
    return {key: m.id for m in merge(reports) for key in m.reports}


@pytest.mark.parametrize("name", ["corpus", "heldout"])
def test_pairwise_precision_and_recall(name, request, capsys):
    data = request.getfixturevalue(name)
    precision, recall, tp, fp, fn = pairwise(_predicted(data.reports), data.gold)
    with capsys.disabled():
        print(f"\nmerge {name}: {len(data.reports)} reports, {len(set(data.gold.values()))} events; "
              f"pairwise precision {precision:.3f} recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})")
    assert precision >= FLOOR
    assert recall >= FLOOR


@pytest.mark.parametrize("name", ["corpus", "heldout"])
def test_near_misses_never_share_a_cluster_with_another_event(name, request):
    data = request.getfixturevalue(name)
    for merged in merge(data.reports):
        labels = {data.gold[k] for k in merged.reports}
        near = {g for g in labels if data.kinds[g] == "near_miss"}
        assert not near or len(labels) == 1, f"{sorted(labels)} merged into {merged.id}"


def test_corpus_has_the_promised_shape(corpus):
    sizes = defaultdict(int)
    for label in corpus.gold.values():
        sizes[label] += 1
    events = [g for g, kind in corpus.kinds.items() if kind == "event"]
    near = [g for g, kind in corpus.kinds.items() if kind == "near_miss"]
    assert len(events) >= 30 and len(near) >= 15
    assert all(2 <= sizes[g] <= 5 for g in events)


def test_the_mass_abduction_is_counted_once(corpus):
    """The GDELT failure: five articles about one abduction must give one event, not five."""
    abduction = [r for r in corpus.reports if corpus.gold[r.key] == "E01"]
    merged = merge(abduction)
    assert len(merged) == 1
    assert merged[0].n_articles == 5
    assert merged[0].n_sources == 4          # two of the articles come from the same outlet
    assert merged[0].earliest.article_id == "art-z01"
