# Two commands: `make demo` and `make test`. Each sets up uv and the virtualenv when missing.
SHELL := /bin/bash
# This machine sets PYTHONDONTWRITEBYTECODE=1: then every process a test starts (some hundred
# `ektp` runs, validation children, portals) compiled the project's ~170 modules again (~0.1 s
# each), and each pytest worker rewrote every test module's asserts again (~3 s). Written here.
export PYTHONDONTWRITEBYTECODE :=
PYTHON ?= python3
# uv runs as a module of the system Python, so a fresh `pip install uv` needs no PATH change.
UV := $(PYTHON) -m uv

.PHONY: setup venv uv demo test check lint style browser nginx bench bench-portal clean

uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock
	@$(MAKE) --no-print-directory uv
	@$(UV) sync --frozen --quiet
	@touch $@

# Every installed module's bytecode, for the programs (`make setup`, `make demo`, a server): this
# machine sets PYTHONDONTWRITEBYTECODE=1, and an `ektp` started from a shell (or a service user
# who cannot write to .venv) would otherwise compile the stack at every start (30 s instead of
# 15 s). The tests skip it (~12 s of both cores for 10,700 modules): under make, Python writes
# the bytecode of the ~4,200 modules they import as it first imports them.
.venv/.compiled: .venv/.synced
	@$(UV) sync --frozen --quiet --compile-bytecode
	@touch $@

# The Data Docs' scripts and styles, from the npm registry at their pinned hashes: the pages
# then work offline (expectations/datadocs.py).
.venv/.datadocs: .venv/.synced expectations/datadocs.py
	@.venv/bin/python -m expectations.datadocs >/dev/null
	@touch $@

# What the tests need; `setup` is that and the compiled bytecode.
venv: .venv/.synced .venv/.datadocs

setup: venv .venv/.compiled

# Debian's Chromium renders the HTML report headless in the browser test.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Debian's nginx-light, logrotate and systemd's tools: the deploy tests (tests/deploy) start nginx
# in front of the portal over HTTPS, rotate a log with deploy/logrotate/ektp and run
# `systemd-analyze verify` on deploy/systemd.
nginx:
	@(test -x /usr/sbin/nginx && test -x /usr/sbin/logrotate && test -x /usr/bin/systemd-analyze) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light logrotate systemd >/dev/null)

demo: setup
	.venv/bin/ektp demo

# Style and types: the checks `make test` and `make check` run too.
lint: style
	.venv/bin/mypy

style: venv
	.venv/bin/ruff format --check --quiet .
	.venv/bin/ruff check --quiet .

# mypy's cache outside the clone, like uv's: without one, mypy takes ~18 s of one core on a fresh
# clone (CI's), with one ~0.7 s. An entry serves only while its module's source hash is the same
# (tried: another clone's entries served, and an error added there was still found); mypy writes
# each entry atomically. In the clone when the user's cache folder cannot be written.
MYPY_CACHE_DIR ?= $(shell d="$${XDG_CACHE_HOME:-$$HOME/.cache}/ektp/mypy"; mkdir -p "$$d" 2>/dev/null && test -w "$$d" && echo "$$d" || echo .mypy_cache)
export MYPY_CACHE_DIR

# pytest with these arguments, and mypy beside it (on a cold cache it needs ~18 s of one core,
# which the tests' first seconds, workers starting and collecting, leave partly idle).
# Fails when either fails; mypy's output is printed after the tests'.
define typed_pytest
	@types=$$(mktemp); .venv/bin/mypy >"$$types" 2>&1 & mypy=$$!; \
	.venv/bin/python -m pytest $(1); tests=$$?; \
	wait $$mypy; typed=$$?; cat "$$types"; rm -f "$$types"; \
	if [ $$tests -ne 0 ]; then exit $$tests; fi; exit $$typed
endef

# pytest-xdist workers: one more than the cores. The tests wait on what they start (servers,
# `ektp` runs, Chromium, the demo) and a waiting worker runs nothing: with one worker a core, the
# cores sat idle 7.4-8% of `make test`; with one more, 2.4-2.6%, at the same CPU (vmstat over six
# fresh clones in three alternated pairs on this 2-core machine: 534/431, 477/419, 509/487 s).
# At most 8, a bound not measured on a larger machine: each worker keeps its own GX child (~250
# MB), all of them send their flows to one Prefect test server (tests/prefect_server.py), and the
# demo's file alone takes 60-80 s.
WORKERS ?= $(shell n=$$(( $$(nproc) + 1 )); echo $$(( n < 8 ? n : 8 )))

# Everything, for CI. Whole files to each worker (a file's tests share its fixtures).
test: venv browser nginx style
	$(call typed_pytest,-n $(WORKERS) --dist loadfile --no-loadscope-reorder)

# The everyday loop: lint and the tests that need no Prefect server, portal, browser or whole
# corpus (tests/conftest.py marks the rest `slow`).
check: venv style
	$(call typed_pytest,-n $(WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow" -q)

bench: setup
	.venv/bin/python -m bench.run

# The portal's receipt latency: 200 uploads from 10 concurrent clients (bench/RESULTS.md).
bench-portal: setup
	.venv/bin/python -m bench.portal

clean:
	rm -rf data/demo .pytest_cache
