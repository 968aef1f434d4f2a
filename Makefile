# Every target bootstraps its own virtualenv from pyproject.toml, so a fresh machine needs
# nothing but python3 (>= 3.11) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv generate check-generated lint test demo bench spec-diff serve clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Regenerate generated/replicate_api from openapi.yaml and replicate_ext/_sync from
## replicate_ext/_async (deterministic).
generate: $(STAMP)
	$(BIN)/python tools/generate.py
	$(BIN)/python -m tools.generate_sync

## Fail when anything generated differs from what its source produces.
check-generated: $(STAMP)
	$(BIN)/python tools/generate.py --check
	$(BIN)/python -m tools.generate_sync --check

## ruff, then a bare mypy: strict on replicate_ext, generated/, tests/, tools/ and bench/
## (files and settings in pyproject.toml's [tool.mypy]).
lint: $(STAMP)
	$(BIN)/ruff check replicate_ext tests tools bench
	$(BIN)/ruff format --check replicate_ext tests tools bench
	$(BIN)/mypy

## Includes tests/distribution: builds the wheel and sdist, installs the wheel into a clean venv.
test: check-generated lint
	$(BIN)/python -m pytest

## Compare an upstream spec with ours: make spec-diff UPSTREAM=path/to/openapi.json
spec-diff: $(STAMP)
	@test -n "$(UPSTREAM)" || (echo "usage: make spec-diff UPSTREAM=file.json|yaml" && exit 2)
	$(BIN)/python tools/spec_diff.py "$(UPSTREAM)" openapi.yaml

demo: $(STAMP)
	$(BIN)/python -m replicate_ext.demo

bench: $(STAMP)
	$(BIN)/python bench/run.py

serve: $(STAMP)
	$(BIN)/replicate-ext serve

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
