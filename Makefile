# The everyday checks, run inside the venv of the README's second command (.venv). CI runs .ci/run,
# which runs the whole suite and the same lint, type and docs checks.
VENV ?= .venv
BIN := $(VENV)/bin
PATHS := src tests docs benchmarks

.PHONY: test test-quick lint docs docs-check bench

# Everything, the slow tests included (as CI).
test:
	$(BIN)/python -m pytest -q

# Under a minute: leaves out the tests marked slow.
test-quick:
	$(BIN)/python -m pytest -q -m "not slow"

lint:
	$(BIN)/ruff check $(PATHS)
	$(BIN)/ruff format --check $(PATHS)
	$(BIN)/mypy
	$(BIN)/cog --check -I docs docs/*.md

# Regenerate docs/commands.md and docs/schema.md from the code.
docs:
	$(BIN)/cog -r -I docs docs/*.md

# The speed run of docs/speed.md (minutes; on a quiet machine).
bench:
	$(BIN)/python benchmarks/run.py
