"""Where the exercises' solutions go (assets/solutions.lua), run by the pandoc Quarto 1.10 runs
(3.8.2.1, from the pypandoc-binary wheel) on small chapters written here, so this needs no
Quarto: on a web page each solution is a closed <details> under its exercise, titled with the
exercise's number; in the PDF the solutions leave the chapters for an appendix, linked both ways.
The site tests check the same in the real render (tests/test_site.py)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from lib.book.run import ROOT

FILTER = ROOT / "assets" / "solutions.lua"
try:
    import pypandoc
    PANDOC = pypandoc.get_pandoc_path()
except (ImportError, OSError):
    PANDOC = None
pytestmark = pytest.mark.skipif(PANDOC is None, reason="no pandoc: pip install -r requirements.txt "
                                "(pypandoc-binary carries the pandoc Quarto uses)")


def exercises(chapter: str, n: int, *, solved=True) -> str:
    """A chapter's exercises section: n exercises, each with its solution (prose and a cell)."""
    parts = [f"## Exercises {{#sec-{chapter}-exercises}}\n"]
    for k in range(1, n + 1):
        parts.append(f"::: {{#exr-{chapter}-{k}}}\n*Compute.* Exercise {k} of {chapter}.\n:::\n")
        if solved:
            parts.append(f'::: {{.solution}}\nWhy {k} of {chapter}.\n\n'
                         f'::: {{.cell}}\n```python\nassert {k} == {k}  # {chapter} {k}\n```\n:::\n\n'
                         f'The answer of {chapter} {k}.\n:::\n')
    return "\n".join(parts)


def pandoc(tmp_path: Path, markdown: str, to: str, *, name="chapters/b.md", meta=None) -> subprocess.CompletedProcess:
    source = tmp_path / name
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(markdown)
    args = [PANDOC, str(source), "--to", to, "--lua-filter", str(FILTER)]
    if meta is not None:
        (tmp_path / "meta.yml").write_text(yaml.safe_dump(meta))
        args += ["--metadata-file", str(tmp_path / "meta.yml")]
    return subprocess.run(args, capture_output=True, text=True, cwd=tmp_path)


def html(tmp_path, markdown, **kw) -> str:
    done = pandoc(tmp_path, markdown, "html", **kw)
    assert done.returncode == 0, done.stderr
    return done.stdout


BOOK = {"book": {"render": [{"file": "index.qmd", "type": "chapter"},
                            {"file": "chapters/a.md", "number": "1", "type": "chapter"},
                            {"file": "chapters/b.md", "number": "2", "type": "chapter"}]}}


def test_on_a_page_each_solution_is_closed_under_its_exercise_and_names_its_number(tmp_path):
    page = html(tmp_path, "# B {#sec-b}\n\nProse.\n\n" + exercises("b", 3), meta=BOOK)
    blocks = re.findall(r'<div id="(exr-[^"]+)"|<details ([^>]*)>\s*<summary>([^<]*)</summary>', page)
    assert blocks == [("exr-b-1", "", ""), ("", 'class="solution" id="exr-b-1-solution"', "Solution to Exercise 2.1"),
                      ("exr-b-2", "", ""), ("", 'class="solution" id="exr-b-2-solution"', "Solution to Exercise 2.2"),
                      ("exr-b-3", "", ""), ("", 'class="solution" id="exr-b-3-solution"', "Solution to Exercise 2.3")]
    # each holds its whole solution, prose and code, and nothing else; none is open
    for k, body in enumerate(re.findall(r"<details.*?</details>", page, re.S), 1):
        assert re.findall(r"Why \d of b|# b \d|The answer of b \d", body) == [
            f"Why {k} of b", f"# b {k}", f"The answer of b {k}"], body
        assert "assert" in body and "<pre" in body and " open" not in body
    assert "Exercise 2 of b." in page.split('id="exr-b-2-solution"')[0].split('id="exr-b-1-solution"')[1]


def test_the_number_counts_every_exercise_of_the_chapter_in_reading_order(tmp_path):
    """An unsolved exercise, and one inside another div, take their numbers as Quarto counts them."""
    text = ("# A\n\n" + exercises("a", 1, solved=False) + "\n::: {.column-margin}\n" + exercises("c", 1) + ":::\n\n"
            + exercises("b", 1))
    page = html(tmp_path, text, name="chapters/a.md", meta=BOOK)
    assert re.findall(r"<summary>([^<]*)</summary>", page) == ["Solution to Exercise 1.2", "Solution to Exercise 1.3"]


def test_without_a_book_the_title_has_the_exercise_count_alone(tmp_path):
    page = html(tmp_path, "# B\n\n" + exercises("b", 2))
    assert re.findall(r"<summary>([^<]*)</summary>", page) == ["Solution to Exercise 1", "Solution to Exercise 2"]


def latex(tmp_path, markdown) -> str:
    done = pandoc(tmp_path, markdown, "latex", name="book.md")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_in_the_pdf_the_solutions_make_an_appendix_linked_both_ways(tmp_path):
    book = ("# Preface {.unnumbered}\n\nNo exercises.\n\n# A {#sec-a}\n\n" + exercises("a", 2)
            + "\n# Between {#sec-between}\n\nNone here.\n\n# B {#sec-b}\n\n" + exercises("b", 1))
    tex = latex(tmp_path, book)
    chapters, appendix = tex.split("\\appendix")
    ids = ["exr-a-1", "exr-a-2", "exr-b-1"]
    # no solution is left in a chapter; each exercise ends with a link to its solution's page
    assert "Why" not in chapters and "assert" not in chapters
    for i in ids:  # where its text begins, an anchor; at its end, a link to its solution's
        exercise = re.search(rf"\\label{{{i}}}.*?(?=\\label{{exr-\w-\d}}|\\section|$)", chapters, re.S)[0]
        assert re.search(rf"\A\\label{{{i}}}\s*\\leavevmode\\hypertarget{{{i}-start}}{{}}\\label{{{i}-start}}"
                         rf"\\emph{{Compute.}}", exercise), exercise
        assert rf"\hyperlink{{{i}-solution}}{{\emph{{Solution on page~\pageref*{{{i}-solution}}}}}}" in exercise
    # the appendix: its title, then each chapter that has solutions, its solutions in order, each
    # titled with its exercise's number (LaTeX's \ref) and a link back to the exercise's text
    assert re.search(r"\\section\{Solutions\}\\label\{sec-solutions\}|\\hypertarget\{sec-solutions\}", appendix)
    entries = re.findall(r"\\subsection\*\{\\texorpdfstring\{Chapter~\\ref\*\{(sec-\w+)\}: (\w+)\}|"
                         r"\\subsubsection\*\{\\hypertarget\{([\w-]+)\}\{\}\\label\{([\w-]+)\}Solution \\ref\*\{([\w-]+)\}"
                         r"\\hfill\{\\normalfont \\hyperlink\{([\w-]+)\}\{\\emph\{Exercise~\\ref\*\{([\w-]+)\}, "
                         r"page~\\pageref\*\{([\w-]+)\}\}\}\}\}", appendix)
    entries = [tuple(x for x in e if x) for e in entries]
    entry = lambda i: (f"{i}-solution",) * 2 + (i, f"{i}-start", i, f"{i}-start")
    assert entries == [("sec-a", "A"), entry("exr-a-1"), entry("exr-a-2"), ("sec-b", "B"), entry("exr-b-1")]
    # each solution's prose and code follow its title, in the order written
    order = [m.group(0) for m in re.finditer(r"Solution \\ref\*\{exr-\w-\d\}|Why \d of \w|\\# \w \d|"
                                             r"The answer of \w \d", appendix)]  # \# a 1: the cell's comment
    assert order == [x for i in ids for x in (f"Solution \\ref*{{{i}}}", f"Why {i[-1]} of {i[4]}",
                                              f"\\# {i[4]} {i[-1]}", f"The answer of {i[4]} {i[-1]}")]


def test_a_book_without_solutions_gets_no_appendix(tmp_path):
    tex = latex(tmp_path, "# A\n\n" + exercises("a", 2, solved=False))
    assert "appendix" not in tex and "hyper" not in tex


def test_a_solution_away_from_its_exercise_stops_the_render_saying_which(tmp_path):
    for to in ("html", "latex"):
        done = pandoc(tmp_path, "# A\n\n::: {#exr-a-1}\nAsk.\n:::\n\nA paragraph between.\n\n"
                      "::: {.solution}\nThe stray answer.\n:::\n", to)
        assert done.returncode != 0
        assert "must follow its ::: {#exr-...} exercise div directly" in done.stderr and "The stray answer" in done.stderr


def test_other_formats_keep_the_solution_where_it_is(tmp_path):
    done = pandoc(tmp_path, "# A\n\n" + exercises("a", 1), "markdown")
    assert done.returncode == 0 and re.search(r"::: \{#exr-a-1\}.*:::\s*:+ solution\s*Why 1 of a", done.stdout, re.S)
