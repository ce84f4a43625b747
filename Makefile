# The two commands of the README:  make book  and  make test.
# Each creates .venv with the pinned dependencies (requirements.lock) when needed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WORKERS ?= 2

.PHONY: book test pdf venv check reproduce snapshots bench limits clean help

help:
	@echo "make book    build the whole book into _build/html"
	@echo "make test    run the test suite (builds the book in a temporary copy)"
	@echo "make pdf     one PDF per chapter and one for the whole book, in _build/pdf"
	@echo "make check   validate the data package"
	@echo "make reproduce  re-execute everything from scratch; write _build/reproduce/report.json"
	@echo "make snapshots  compare chart specs with tests/snapshots/charts (UPDATE=1 to accept them)"
	@echo "make bench   run the build benchmark, write bench/RESULTS.md"
	@echo "make limits  time every chapter at the extremes of its parameters, write bench/LIMITS.md"
	@echo "make clean   remove _build"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

venv: $(STAMP)

book: $(STAMP)
	$(BIN)/microwork build --workers $(WORKERS)

reproduce: $(STAMP)
	$(BIN)/microwork reproduce --workers $(WORKERS)

snapshots: $(STAMP)
	$(BIN)/microwork snapshots $(if $(UPDATE),--update,)

bench: $(STAMP)
	$(BIN)/python bench/run.py

limits: $(STAMP)
	@{ echo "# Chapters at the extremes of their parameters"; echo; \
	  echo "Written by \`make limits\` (\`bench/chapter_limits.py --repeat 2\`) on $$(date -u +%Y-%m-%d). A benchmark, not a test."; \
	  echo; $(BIN)/python bench/chapter_limits.py --repeat 2; } > bench/LIMITS.md.new && mv bench/LIMITS.md.new bench/LIMITS.md

pdf: $(STAMP)
	bash .ci/install-system-deps
	$(BIN)/microwork pdf --workers $(WORKERS)

check: $(STAMP)
	$(BIN)/microwork check

JS_STAMP := tests/js/node_modules/.installed
CFF_STAMP := .venv-cff/.installed

# cffconvert (CITATION.cff validation) needs an old jsonschema: it gets a small venv of its own.
$(CFF_STAMP): .ci/cffconvert.lock
	@test -x .venv-cff/bin/python || $(PYTHON) -m venv .venv-cff
	.venv-cff/bin/python -m pip install --quiet --disable-pip-version-check -r .ci/cffconvert.lock
	@touch $@

$(JS_STAMP): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	@touch $@

test: $(STAMP) $(JS_STAMP) $(CFF_STAMP)
	bash .ci/install-system-deps
	$(BIN)/python -m pytest

clean:
	rm -rf _build chapters/figures
