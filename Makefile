# The two set-up commands of the README:  make book  and  make test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: book test

# A virtual environment holding requirements.txt, rebuilt when the requirements change.
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# With Quarto (on PATH, or PyPI's quarto-cli, which downloads Quarto as it installs): render
# the site and the PDF into _book/, then check the site and report its size. Only chapters whose
# code, lib modules or data changed since the last render execute (lib/book/freeze.py; see why
# with `python -m lib.book.freeze --explain`).
# Without Quarto: run every chapter through lib.book.run, executed notebooks into _notebooks/.
book: $(VENV)/.installed
	@$(PY) -m lib.mnist || true  # MNIST once into data/mnist/; without it the chapters use the bundled digits
	@quarto=$$(command -v quarto || true); \
	if [ -z "$$quarto" ]; then \
		if $(PY) -m pip install --quiet quarto-cli >/dev/null 2>&1 && [ -x $(VENV)/bin/quarto ]; then \
			quarto=$(abspath $(VENV))/bin/quarto; \
		else \
			echo "quarto is not on PATH and 'pip install quarto-cli' failed (it downloads Quarto): running every chapter with lib.book.run instead"; \
		fi; \
	fi; \
	if [ -n "$$quarto" ]; then \
		QUARTO_PYTHON=$(abspath $(PY)) $$quarto render && $(PY) -m lib.book.site _book; \
	else \
		$(PY) -m lib.book.run --all --jobs 2 --out _notebooks; \
	fi

test: $(VENV)/.installed
	$(PY) -m pytest
