"""What each format shows of a chapter's cells (assets/formats.js, which the book's Quarto engine,
lib/book/engine.js, applies).
Its rules run in Chromium here, on notebooks written by hand, so this needs no Quarto; the
site tests check the rendered PDF itself (tests/test_site.py)."""
from __future__ import annotations

import json

import pytest

from browser import browser, needs_chromium, serve
from lib.book.run import ROOT

pytestmark = needs_chromium

CHAPTER = [  # a chapter's notebook as lib/book/run.py writes it: (cell type, source)
    ("markdown", "Some prose.\n\n::: {.content-visible when-format=\"html\"}\n"),
    ("code", "#| code-fold: true\n#| code-summary: \"Explorable: the data it gets\"\nexplorable(...)\n"),
    ("markdown", ":::\n\n::: {.content-visible when-format=\"pdf\"}\n"),
    ("code", "#| label: fig-print\n#| code-fold: true\n#| echo: true\nprinted.spiking(...)\n"),
    ("markdown", ":::\n\n::: {.callout-note}\nA note.\n:::\n"),
    ("code", "#| label: fig-plain\nplt.plot(x)\n"),
    ("code", "#| code-fold: true\n#| code-summary: \"Plotting code\"\nplt.plot(x)  # echo: true\n"),
    ("code", "x = 1\n#| code-fold: true\n"),  # not an option: options come first
]


@pytest.fixture(scope="module")
def engine():
    """forFormat(cells, format) -> the code cells' sources the format is given."""
    with serve(ROOT / "assets") as base, browser() as b:
        page = b.new_page()
        page.goto(base + "formats.js")

        def for_format(cells, format):
            nb = {"cells": [{"cell_type": t, "source": s, "metadata": {}} for t, s in cells]}
            out = page.evaluate(f"async () => {{ const m = await import('{base}formats.js'); "
                                f"return m.forFormat({json.dumps(nb)}, {json.dumps(format)}); }}")
            return ["".join(c["source"]) for c in out["cells"] if c["cell_type"] == "code"]

        yield for_format


def test_a_cell_fenced_for_one_format_is_not_given_to_the_other(engine):
    web, pdf = engine(CHAPTER, "html"), engine(CHAPTER, "pdf")
    assert any("explorable(...)" in s for s in web) and not any("explorable(...)" in s for s in pdf)
    assert any("printed.spiking" in s for s in pdf) and not any("printed.spiking" in s for s in web)
    assert sum("plt.plot(x)" in s for s in web) == sum("plt.plot(x)" in s for s in pdf) == 2


def test_a_div_without_braces_opens_and_latex_is_the_pdf(engine):
    cells = [("markdown", "::: {.content-visible when-format=\"latex\"}\n\n::: callout-note\nA note.\n:::\n"),
             ("code", "print_only()\n"), ("markdown", ":::\n"), ("code", "everywhere()\n")]
    assert engine(cells, "pdf") == ["print_only()\n", "everywhere()\n"]
    assert engine(cells, "html") == ["everywhere()\n"]


def test_the_pdf_prints_no_folded_code_and_the_web_page_folds_it(engine):
    web, pdf = engine(CHAPTER, "html"), engine(CHAPTER, "pdf")
    assert pdf == [
        "#| echo: false\n#| label: fig-print\n#| code-fold: true\nprinted.spiking(...)\n",  # its echo: true gone
        "#| label: fig-plain\nplt.plot(x)\n",
        "#| echo: false\n#| code-fold: true\n#| code-summary: \"Plotting code\"\nplt.plot(x)  # echo: true\n",
        "x = 1\n#| code-fold: true\n"]
    assert web == [s for t, s in CHAPTER if t == "code" and "printed" not in s]  # the web page: as written
    assert engine(CHAPTER, None) == [s for t, s in CHAPTER if t == "code"]  # other formats: untouched
