# The two commands of the README:  make book  and  make test.
# Each creates .venv with the pinned dependencies (requirements.lock) when needed, and heals it when a package
# it holds went missing or changed (see the venv target).

PYTHON ?= python3
# The Pythons this project runs on (requires-python in pyproject.toml says the same).
PYTHONS_OK := 3.11 3.12 3.13
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WORKERS ?= 2

.PHONY: book test test-fast pdf venv cff-venv check reproduce snapshots bench bench-pages limits clean distclean help need-npm FORCE

# --- Checks made before anything is installed (each takes milliseconds) ---
comma := ,
space := $() $()
# The X.Y of the interpreter $(1) when it runs ("Python 3.12.1" gives 3.12); nothing when it does not.
python_xy = $(shell $(1) --version 2>&1 | sed -n 's/^Python \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p')
# The X.Y of $(1) when it runs and is one of $(PYTHONS_OK); nothing otherwise.
python_ok = $(filter $(PYTHONS_OK),$(call python_xy,$(1)))
# The X.Y of $(PYTHON), asked once (nothing when it does not run); "yes" when PYTHON was given, not the default.
PYTHON_XY = $(eval PYTHON_XY := $$(call python_xy,$$(PYTHON)))$(PYTHON_XY)
PYTHON_GIVEN := $(if $(filter file default,$(origin PYTHON)),,yes)
# "3.11, 3.12 or 3.13", for the messages.
pythons_said = $(subst $(space),$(comma)$(space),$(filter-out $(lastword $(PYTHONS_OK)),$(PYTHONS_OK))) or $(lastword $(PYTHONS_OK))
# What $(1) turned out to be, for the message.
python_found = $(if $(shell command -v $(1) 2>/dev/null),$(call python_said,$(1),$(shell $(1) --version 2>&1 | head -n 1)),$(1) is not installed)
python_said = $(if $(filter Python,$(firstword $(2))),$(1) is $(2),$(1) does not run ($(or $(2),it prints no version)))
# The accepted python3.1x that run here, and the versions pyenv has of those that do not (e.g. 3.12.1 3.13.0);
# each is found once, and only for the message.
pythons_here = $(eval pythons_here := $$(strip $$(foreach v,$$(PYTHONS_OK),$$(if $$(call python_ok,python$$(v)),python$$(v)))))$(pythons_here)
pythons_pyenv = $(eval pythons_pyenv := $$(if $$(shell command -v pyenv 2>/dev/null),$$(strip $$(foreach v,$$(PYTHONS_OK),$$(if $$(filter python$$(v),$$(pythons_here)),,$$(lastword $$(shell pyenv whence python$$(v) 2>/dev/null)))))))$(pythons_pyenv)
goal = $(or $(MAKECMDGOALS),venv)
pyenv_run = `PYENV_VERSION=$(lastword $(1)) make PYTHON=python$(basename $(lastword $(1))) $(goal)`
python_fix = $(if $(pythons_here),run `make PYTHON=$(lastword $(pythons_here)) $(goal)` ($(pythons_here) $(if $(word 2,$(pythons_here)),run,runs) here$(if $(pythons_pyenv),; pyenv also has $(subst $(space),$(comma)$(space),$(pythons_pyenv)): $(call pyenv_run,$(pythons_pyenv)))),$(if $(pythons_pyenv),run $(call pyenv_run,$(pythons_pyenv)) (pyenv has $(subst $(space),$(comma)$(space),$(pythons_pyenv))),install Python $(lastword $(PYTHONS_OK)) (with its venv module) and run `make PYTHON=python$(lastword $(PYTHONS_OK)) $(goal)`))
python_message = $(call python_found,$(PYTHON)) but this project needs Python $(pythons_said): $(python_fix)
# Expands to nothing when $(PYTHON) will do; otherwise make stops with one line.
check_python = $(if $(call python_ok,$(PYTHON)),,$(error $(python_message)))
# A venv of Python $(1) is kept unless $(PYTHON) asks for another version: one of $(PYTHONS_OK) (the venv is made
# again with it) or, when PYTHON is given, one that is not (refused). A PYTHON that does not run, or the default
# python3 when it is not accepted, asks for nothing: a sound venv never needs it.
venv_wanted = $(if $(PYTHON_XY),$(if $(filter $(1),$(PYTHON_XY)),yes,$(if $(filter $(PYTHONS_OK),$(PYTHON_XY)),,$(if $(PYTHON_GIVEN),,yes))),yes)
# The X.Y of the venv $(1) when its install stamp exists and its python runs and is one of $(PYTHONS_OK).
venv_xy = $(if $(wildcard $(1)/.installed),$(call python_ok,$(1)/bin/python))
# A venv is kept only when it has a version (above) that $(PYTHON) wants.
venv_ok = $(call venv_kept,$(call venv_xy,$(1)))
venv_kept = $(and $(1),$(call venv_wanted,$(1)))
venv_problem = $(if $(wildcard $(1)/.installed),$(if $(call venv_xy,$(1)),is Python $(call venv_xy,$(1)) but $(PYTHON) is Python $(PYTHON_XY): making it again with $(PYTHON),is half-made: $(1)/bin/python is not Python $(pythons_said) or does not run; making it again from scratch),is half-made: $(1)/.installed is missing (an earlier install did not finish); making it again from scratch)
# The recipe line that keeps a sound venv $(1), or makes it from scratch (a half-made one is removed first).
make_venv = $(if $(call venv_ok,$(1)),:,$(check_python)$(if $(wildcard $(1)),echo "[microwork] $(1) $(venv_problem)" && rm -rf $(1) && ,)$(PYTHON) -m venv $(1))
# The recipe line that checks the venv $(1) against the lock $(2) and reinstalls what went missing or changed
# (src/microwork/venvcheck.py: a few tenths of a second and no pip while the venv is sound).
heal_venv = $(1)/bin/python -I src/microwork/venvcheck.py --heal $(2)
npm_message = npm not found: make test needs Node.js 20 with npm (tests/js runs npm ci for axe-core); install them (e.g. apt-get install nodejs npm) and run make test again
check_npm = $(if $(shell command -v npm 2>/dev/null),,$(error $(npm_message)))

help:
	@echo "make book    build the whole book into _build/html, with its PDFs (_build/html/pdf, _build/html/fr/pdf)"
	@echo "make test    run the test suite (builds the book in a temporary copy)"
	@echo "make test-fast  only the tests that build nothing, open no browser and start no kernel (before each commit)"
	@echo "make pdf     the same as make book, listing the PDFs: students' edition (no solutions), teachers' edition"
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

# The venv, checked: a package deleted or changed since it was installed is reinstalled from the lock.
venv: $(STAMP)
	@$(call heal_venv,$(VENV),requirements.lock --editable microwork=.)

# The PDFs are part of the site: chromium prints them (.ci/install-system-deps installs it when missing).
book: venv
	bash .ci/install-system-deps
	$(BIN)/microwork build --workers $(WORKERS)

reproduce: venv
	$(BIN)/microwork reproduce --workers $(WORKERS)

snapshots: venv
	$(BIN)/microwork snapshots $(if $(UPDATE),--update,)

LIGHTHOUSE_STAMP := bench/node_modules/.installed

# Lighthouse (bench/package.json) for the page-speed part of the benchmark.
$(LIGHTHOUSE_STAMP): bench/package.json bench/package-lock.json
	@$(check_npm):
	npm ci --prefix bench --no-audit --no-fund --loglevel=error
	@touch $@

# The build benchmark (bench/run.py), then the page speed of the book it leaves built (bench/lighthouse.py);
# each writes its own section of bench/RESULTS.md. `make bench-pages` measures the pages only.
bench: venv $(LIGHTHOUSE_STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/microwork build --workers $(WORKERS)
	CHROME_PATH=/usr/bin/chromium $(BIN)/python bench/lighthouse.py

bench-pages: venv $(LIGHTHOUSE_STAMP)
	$(BIN)/microwork build --workers $(WORKERS)
	CHROME_PATH=/usr/bin/chromium $(BIN)/python bench/lighthouse.py

limits: venv
	@{ echo "# Chapters at the extremes of their parameters"; echo; \
	  echo "Written by \`make limits\` (\`bench/chapter_limits.py --repeat 2\`) on $$(date -u +%Y-%m-%d). A benchmark, not a test."; \
	  echo; $(BIN)/python bench/chapter_limits.py --repeat 2; } > bench/LIMITS.md.new && mv bench/LIMITS.md.new bench/LIMITS.md

pdf: venv
	bash .ci/install-system-deps
	$(BIN)/microwork pdf --workers $(WORKERS)

check: venv
	$(BIN)/microwork check

JS_STAMP := tests/js/node_modules/.installed
CFF_STAMP := .venv-cff/.installed

# cffconvert (CITATION.cff validation) needs an old jsonschema: it gets a small venv of its own.
$(CFF_STAMP): .ci/cffconvert.lock $(if $(call venv_ok,.venv-cff),,FORCE)
	@$(call make_venv,.venv-cff)
	.venv-cff/bin/python -m pip install --quiet --disable-pip-version-check -r .ci/cffconvert.lock
	@touch $@

cff-venv: $(CFF_STAMP)
	@$(call heal_venv,.venv-cff,.ci/cffconvert.lock)

$(JS_STAMP): tests/js/package.json tests/js/package-lock.json
	@$(check_npm):
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	@touch $@

# npm is looked for first, so that a missing npm is said before minutes of installing.
need-npm:
	@$(check_npm):

# Every test, the slowest listed at the end (what CI runs), in $(TEST_WORKERS) processes (pytest-xdist): a test
# file runs whole in one of them, the files with the most slow tests first (tests/conftest.py orders them; xdist
# keeps that order), and the built book they read is built once for all.
TEST_WORKERS ?= 2
PYTEST_PROCESSES = -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
test: $(if $(wildcard $(JS_STAMP)),,need-npm) venv $(JS_STAMP) cff-venv
	bash .ci/install-system-deps
	$(BIN)/python -m pytest $(PYTEST_PROCESSES) --durations=25

# The tests that build nothing (book or environment), open no browser and start no kernel: the loop before each
# commit (about a minute on 2 cores); `make test` runs them all.
test-fast: venv cff-venv
	bash .ci/install-system-deps
	$(BIN)/python -m pytest $(PYTEST_PROCESSES) -m "not build and not browser and not kernel and not venv" --durations=10

clean:
	rm -rf _build chapters/figures

distclean: clean
	rm -rf $(VENV) .venv-cff tests/js/node_modules bench/node_modules

FORCE:
