# The two set-up commands of the README:  make book  and  make test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
QUARTO ?= $(shell command -v quarto)
# ruff's checks (a small set): pyflakes (F), syntax and statements (E4, E7, E9), deprecated
# escapes (W6), mutable default arguments (B006); not E731 (a named lambda) nor E741 (the
# names l, I, O: maths uses them).
RUFF := $(PY) -m ruff check --quiet --select F,E4,E7,E9,W6,B006 --ignore E731,E741

.PHONY: book render test

# A virtual environment holding requirements.txt, rebuilt when the requirements change.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# With Quarto (on PATH, or else PyPI's quarto-cli, which downloads Quarto as it installs): the
# site and the PDF into _book/, then a check of the site and its size. Without Quarto: every
# chapter whose code, lib modules or data changed is executed into _notebooks/ (lib/book/run.py).
book: $(VENV)/.installed
	@$(PY) -m lib.mnist || true  # MNIST once into data/mnist/; without it the chapters use the bundled digits
	@quarto="$(QUARTO)"; \
	if [ -z "$$quarto" ] && $(PY) -m pip install --quiet quarto-cli >/dev/null 2>&1 \
			&& [ -x $(VENV)/bin/quarto ]; then quarto=$(abspath $(VENV))/bin/quarto; fi; \
	if [ -n "$$quarto" ]; then \
		$(MAKE) --no-print-directory render QUARTO="$$quarto" && $(PY) tests/site_checks.py _book; \
	else \
		echo "quarto is not on PATH and 'pip install quarto-cli' failed: executing the chapters only"; \
		$(PY) -m lib.book.run; \
	fi

# The site, then the PDF. Quarto's pre-render step executes every stale chapter first (see why
# with `python -m lib.book.run --explain`); both formats are made from those notebooks. The
# PDF is made again only when a notebook or the settings are newer than it (a second make, so
# that it sees the notebooks just written), kept in _pdf/ and copied into the site.
render:
	QUARTO_PYTHON=$(abspath $(PY)) $(QUARTO) render --to html
	@$(MAKE) --no-print-directory _pdf/made
	cp _pdf/*.pdf _book/

_pdf/made: $(shell find _notebooks -name '*.ipynb' 2>/dev/null) _quarto.yml lib/book/engine.js \
		assets/formats.js assets/solutions.lua
	QUARTO_PYTHON=$(abspath $(PY)) $(QUARTO) render --to pdf --output-dir _pdf
	touch $@

test: $(VENV)/.installed
	$(RUFF) .
	$(PY) -m pytest
