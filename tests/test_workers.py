"""Executing stale chapters two at a time: fair shares, and what a worker brings back."""
import json

import pytest

from lib.book import freeze, workers


def test_shares_balance_the_time_and_keep_the_book_order():
    chapters = ["a", "b", "c", "d", "e"]
    seconds = {"a": 10, "b": 8, "c": 3, "d": 1, "e": 6}
    groups = workers.shares(chapters, seconds)
    assert sorted(c for g in groups for c in g) == chapters  # every chapter once
    loads = [sum(seconds[c] for c in g) for g in groups]
    assert max(loads) - min(loads) <= 2  # 28 s split 14 / 14 at best
    assert all(g == sorted(g) for g in groups)
    assert workers.shares(["a"], {}) == [["a"]]  # one chapter: one worker
    unknown = workers.shares(["x", "y"], {})  # never timed: a guess each, one per worker
    assert unknown == [["x"], ["y"]]


def test_a_worker_brings_back_the_frozen_results_films_and_notebook(tmp_path):
    copy, root = tmp_path / "copy", tmp_path / "book"
    chapter = "chapters/a.qmd"
    results = freeze.frozen_dir(chapter, copy) / "execute-results"
    results.mkdir(parents=True)
    (results / "html.json").write_text(json.dumps({"hash": "h"}))
    (freeze.frozen_dir(chapter, copy) / "figure-html").mkdir()
    (freeze.frozen_dir(chapter, copy) / "figure-html" / "f.png").write_bytes(b"png")
    freeze.notebook_path(chapter, copy).parent.mkdir(parents=True)
    freeze.notebook_path(chapter, copy).write_text("{}")
    (copy / "chapters" / "films").mkdir(parents=True)
    (copy / "chapters" / "films" / "a.mp4").write_bytes(b"mp4")
    stale = freeze.frozen_dir(chapter, root) / "execute-results"
    stale.mkdir(parents=True)
    (stale / "old.json").write_text("{}")  # what an earlier render left is replaced, not merged
    workers._bring_back(chapter, copy, root)
    assert (freeze.frozen_dir(chapter, root) / "execute-results" / "html.json").is_file()
    assert not (freeze.frozen_dir(chapter, root) / "execute-results" / "old.json").exists()
    assert (freeze.frozen_dir(chapter, root) / "figure-html" / "f.png").read_bytes() == b"png"
    assert freeze.notebook_path(chapter, root).read_text() == "{}"
    assert (root / "chapters" / "films" / "a.mp4").read_bytes() == b"mp4"
    with pytest.raises(RuntimeError, match="no frozen results for chapters/b.qmd"):
        workers._bring_back("chapters/b.qmd", copy, root)
