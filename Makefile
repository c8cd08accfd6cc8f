# The two set-up commands from the README. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: plan test test-fast test-engine engine test-teleport test-engine-teleport teleport-build \
	lint clean actionlint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The main job on a local default: what `pulumi up` of the root stack would create,
# from Pulumi.example.yaml, with no cloud credentials and no network.
plan: $(STAMP)
	$(BIN)/teleport-oidc plan --stack-config Pulumi.example.yaml --offline

# The whole suite: lint, types, the fast tier and the real-Teleport tier, then the engine tier
# (with real Teleport through the real engine). When Go is here it first builds real Teleport
# and the Pulumi CLI, once per machine (cached; cold about 8 + 5 min on an idle 2-core machine);
# without Go, or where no network namespace can be made, those tiers are skipped with the reason.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	@if command -v go >/dev/null 2>&1; then tests/teleport/build; fi
	@if command -v go >/dev/null 2>&1; then tests/actionlint/build; fi
	@if command -v go >/dev/null 2>&1; then export TELEPORT_OIDC_REQUIRE_ACTIONLINT=1; fi; \
	$(BIN)/pytest -m "not engine"
	@if command -v go >/dev/null 2>&1; then $(MAKE) --no-print-directory test-engine; \
	else $(BIN)/pytest -m engine tests/engine; fi

# Build actionlint (checks examples/ci's GitHub workflow) once per machine from the Go module
# proxy into ~/.cache/teleport-oidc/actionlint-<version>/ (a no-op when there; cold ~1 min).
actionlint: $(STAMP)
	tests/actionlint/build

# The fast tier alone (no real engine, no real Teleport).
test-fast: $(STAMP)
	$(BIN)/pytest -m "not engine and not teleport"

# Build the real Pulumi CLI into ~/.cache/teleport-oidc/pulumi-<version>/, and beside it the
# tools of the other-language checks: pulumi-language-yaml, the SDK generator, the pinned npm
# install (TypeScript, @pulumi/pulumi) and the Go example's modules. Each a no-op when there.
engine: $(STAMP)
	tests/engine/build

# The real-engine tier alone: fails, not skips, when the engine cannot be built or run. Its
# real-Teleport part runs when Teleport is built here (else it is skipped with the reason).
test-engine: engine
	TELEPORT_OIDC_REQUIRE_ENGINE=1 $(BIN)/pytest -m engine tests/engine

# Real Teleport through the real engine alone, in a loopback-only network namespace of its own:
# FAILS when the engine or Teleport cannot be built, started or run (see README).
test-engine-teleport: engine
	@status=0; tests/teleport/build || status=1; \
	TELEPORT_OIDC_REQUIRE_ENGINE=1 TELEPORT_OIDC_REQUIRE_TELEPORT=1 $(BIN)/pytest -rP \
		-m "engine and teleport" -p no:cacheprovider tests/engine || status=1; \
	exit $$status

# Real Teleport, built once per machine from the Go module proxy (cached by commit; a no-op
# when built). See README "Real Teleport tier".
teleport-build:
	tests/teleport/build

# The real-Teleport tier alone, in a loopback-only network namespace of its own. It FAILS when
# Teleport cannot be built or started. `make test` builds it (when Go is here) and runs it too.
test-teleport: $(STAMP)
	@status=0; tests/teleport/build || status=1; \
	TELEPORT_OIDC_REQUIRE_TELEPORT=1 TELEPORT_OIDC_RECORD=1 $(BIN)/python -m tests.netns \
		$(BIN)/pytest -m teleport -p no:cacheprovider tests/real_teleport_steps.py || status=1; \
	exit $$status

clean:
	rm -rf $(VENV)
