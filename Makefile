# The two set-up commands from the README. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: plan test test-teleport teleport-build lint clean

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

# Real Teleport, built once per machine from the Go module proxy (cached by commit; a no-op
# when built). See README "Real Teleport tier".
teleport-build:
	tests/teleport/build

# The real-Teleport tier alone, in a loopback-only network namespace of its own. It FAILS when
# Teleport cannot be built or started. `make test` runs it only when the binaries are there.
test-teleport: $(STAMP)
	@status=0; tests/teleport/build || status=1; \
	TELEPORT_OIDC_REQUIRE_TELEPORT=1 TELEPORT_OIDC_RECORD=1 $(BIN)/python -m tests.netns \
		$(BIN)/pytest -m teleport -p no:cacheprovider tests/test_real_teleport.py || status=1; \
	exit $$status

clean:
	rm -rf $(VENV)
