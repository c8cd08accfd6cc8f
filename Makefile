# The two set-up commands from the README. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: plan test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The main job on a local default: what `pulumi up` of the root stack would create,
# from Pulumi.example.yaml, with no cloud credentials and no network.
plan: $(STAMP)
	$(BIN)/teleport-oidc plan --stack-config Pulumi.example.yaml --offline

# The whole suite: lint, types, tests.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

clean:
	rm -rf $(VENV)
