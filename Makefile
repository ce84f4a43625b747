# The two commands of the README:  make book  and  make test.
# Each creates .venv with the pinned dependencies (requirements.lock) when needed.

PYTHON ?= python3
PYTHON_NEEDED := 3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WORKERS ?= 2

.PHONY: book test pdf venv check reproduce snapshots bench bench-pages limits clean distclean help need-npm FORCE

# --- Checks made before anything is installed (each takes milliseconds) ---
# "yes" when the interpreter $(1) runs and is Python $(PYTHON_NEEDED).
python_ok = $(shell case "$$($(1) --version 2>&1)" in ("Python $(PYTHON_NEEDED)."*) echo yes;; esac)
# What $(1) turned out to be, for the message.
python_found = $(if $(shell command -v $(1) 2>/dev/null),$(call python_said,$(1),$(shell $(1) --version 2>&1 | head -n 1)),$(1) is not installed)
python_said = $(if $(filter Python,$(firstword $(2))),$(1) is $(2),$(1) does not run ($(or $(2),it prints no version)))
python_fix = $(if $(shell command -v python$(PYTHON_NEEDED) 2>/dev/null),run `make PYTHON=python$(PYTHON_NEEDED) $(or $(MAKECMDGOALS),venv)` (python$(PYTHON_NEEDED) is installed here),install Python $(PYTHON_NEEDED) (with its venv module) and run `make PYTHON=python$(PYTHON_NEEDED) $(or $(MAKECMDGOALS),venv)`)
python_message = $(call python_found,$(PYTHON)) but this project needs Python $(PYTHON_NEEDED): $(python_fix)
# Expands to nothing when $(PYTHON) will do; otherwise make stops with one line.
check_python = $(if $(call python_ok,$(PYTHON)),,$(error $(python_message)))
# A venv is kept only when its install stamp exists and its python runs and is $(PYTHON_NEEDED).
venv_ok = $(and $(wildcard $(1)/.installed),$(call python_ok,$(1)/bin/python))
venv_problem = $(if $(wildcard $(1)/.installed),$(1)/bin/python is not Python $(PYTHON_NEEDED) or does not run,$(1)/.installed is missing (an earlier install did not finish))
# The recipe line that keeps a sound venv $(1), or makes it from scratch (a half-made one is removed first).
make_venv = $(if $(call venv_ok,$(1)),:,$(check_python)$(if $(wildcard $(1)),echo "[microwork] $(1) is half-made: $(venv_problem); making it again from scratch" && rm -rf $(1) && ,)$(PYTHON) -m venv $(1))
npm_message = npm not found: make test needs Node.js 20 with npm (tests/js runs npm ci for axe-core); install them (e.g. apt-get install nodejs npm) and run make test again
check_npm = $(if $(shell command -v npm 2>/dev/null),,$(error $(npm_message)))

help:
	@echo "make book    build the whole book into _build/html"
	@echo "make test    run the test suite (builds the book in a temporary copy)"
	@echo "make pdf     PDFs per chapter and for the book: _build/pdf/students (no solutions), _build/pdf/teachers"
	@echo "make check   validate the data package"
	@echo "make reproduce  re-execute everything from scratch; write _build/reproduce/report.json"
	@echo "make snapshots  compare chart specs with tests/snapshots/charts (UPDATE=1 to accept them)"
	@echo "make bench   run the build benchmark and Lighthouse on every page, write bench/RESULTS.md"
	@echo "make bench-pages  only Lighthouse on every page (its section of bench/RESULTS.md)"
	@echo "make limits  time every chapter at the extremes of its parameters, write bench/LIMITS.md"
	@echo "make clean   remove _build"
	@echo "make distclean  also remove the installed environments (.venv, .venv-cff, tests/js/node_modules)"

$(STAMP): requirements.lock pyproject.toml $(if $(call venv_ok,$(VENV)),,FORCE)
	@$(call make_venv,$(VENV))
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

LIGHTHOUSE_STAMP := bench/node_modules/.installed

# Lighthouse (bench/package.json) for the page-speed part of the benchmark.
$(LIGHTHOUSE_STAMP): bench/package.json bench/package-lock.json
	@$(check_npm):
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	@touch $@

# The build benchmark (bench/run.py), then the page speed of the book it leaves built (bench/lighthouse.py);
# each writes its own section of bench/RESULTS.md. `make bench-pages` measures the pages only.
bench: $(STAMP) $(LIGHTHOUSE_STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/microwork build --workers $(WORKERS)
	CHROME_PATH=/usr/bin/chromium $(BIN)/python bench/lighthouse.py

bench-pages: $(STAMP) $(LIGHTHOUSE_STAMP)
	$(BIN)/microwork build --workers $(WORKERS)
	CHROME_PATH=/usr/bin/chromium $(BIN)/python bench/lighthouse.py

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
$(CFF_STAMP): .ci/cffconvert.lock $(if $(call venv_ok,.venv-cff),,FORCE)
	@$(call make_venv,.venv-cff)
	.venv-cff/bin/python -m pip install --quiet --disable-pip-version-check -r .ci/cffconvert.lock
	@touch $@

$(JS_STAMP): tests/js/package.json tests/js/package-lock.json
	@$(check_npm):
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	@touch $@

# npm is looked for first, so that a missing npm is said before minutes of installing.
need-npm:
	@$(check_npm):

test: $(if $(wildcard $(JS_STAMP)),,need-npm) $(STAMP) $(JS_STAMP) $(CFF_STAMP)
	bash .ci/install-system-deps
	$(BIN)/python -m pytest

clean:
	rm -rf _build chapters/figures

distclean: clean
	rm -rf $(VENV) .venv-cff tests/js/node_modules bench/node_modules

FORCE:
