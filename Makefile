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

# With Quarto: render the site and PDF into _book/, executing every chapter afresh
# (_freeze/ is cleared so a change in lib/ is never hidden by a frozen result).
# Without Quarto: run every chapter through lib.run, executed notebooks into _notebooks/.
book: $(VENV)/.installed
	@if command -v quarto >/dev/null 2>&1; then \
		rm -rf _freeze && QUARTO_PYTHON=$(abspath $(PY)) quarto render; \
	else \
		echo "quarto is not on PATH: running every chapter with lib.run instead"; \
		$(PY) -m lib.run --all --jobs 2 --out _notebooks; \
	fi

test: $(VENV)/.installed
	$(PY) -m pytest
