# Katalog Inovasi — `make help` lists the targets.
PY ?= python3
VENV ?= .venv
PORT ?= 8000
OUTPUTDIR ?= output
CONFFILE ?= pelicanconf.py
PUBLISHCONF ?= publishconf.py
PYTEST_ARGS ?=
N ?= 153,1000
REPEAT ?= 3

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install html publish check test test-deps lint serve devserver clean bench dist majalah

help: ## show this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench,api,majalah]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the project with test, bench, api and majalah extras

html: $(STAMP) ## build the site into output/ (atomic: a failed build keeps the old output)
	$(BIN)/katalog build --settings $(CONFFILE) --output $(OUTPUTDIR)

publish: $(STAMP) ## build with production settings (absolute URLs)
	$(BIN)/katalog build --settings $(PUBLISHCONF) --output $(OUTPUTDIR)

majalah: $(STAMP) ## print the catalogue: output/majalah-inovasi.pdf (A4, QR codes to publishconf.py's address)
	@bash scripts/majalah-deps.sh
	$(BIN)/katalog majalah --settings $(PUBLISHCONF) --output $(OUTPUTDIR)/majalah-inovasi.pdf

check: $(STAMP) ## validate every content file without building
	$(BIN)/katalog check content/inovasi

test: $(STAMP) test-deps ## run the test suite
	$(BIN)/pytest $(PYTEST_ARGS)

test-deps: ## Chromium, Java and Pango for the browser, HTML and Majalah tests: apt-get as root, else say what to install
	@bash scripts/test-deps.sh

dist: $(STAMP) ## build the engine's wheel and sdist into dist/
	$(BIN)/python -m build --no-isolation --outdir dist .

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

serve: ## serve output/ on http://localhost:$(PORT), with the production security headers
	$(BIN)/python -m katalog.tools.serve --port $(PORT) --bind 127.0.0.1 --directory $(OUTPUTDIR)

devserver: $(STAMP) ## preview on http://localhost:$(PORT): rebuild on save, reload the page, show errors in it
	$(BIN)/katalog devserver --port $(PORT) --settings $(CONFFILE) --output $(OUTPUTDIR)

bench: $(STAMP) ## compare with Pelican, Hugo, Pagefind (N=153,1000 REPEAT=3) into docs/benchmarks.md
	$(BIN)/python -m bench.run --n $(N) --repeat $(REPEAT) --out docs/benchmarks.md

clean: ## remove output/ and build caches
	rm -rf $(OUTPUTDIR) .katalog
