# The README's commands. `make test` is what CI runs.
GO ?= go
GOLANGCI_LINT_VERSION := v2.15.0

.PHONY: build test lint fuzz bench

build:
	$(GO) build -o dockguard ./cmd/dockguard

# Unit, golden, testscript and live-daemon tests, all under the race
# detector (the live tests too: they take under a minute with it). The live tests start a
# private dockerd when run as root with dockerd installed, use
# DOCKGUARD_TEST_DOCKER_HOST otherwise, and skip (saying why) when neither is
# available; DOCKGUARD_REQUIRE_DAEMON=1 turns that skip into a failure.
test:
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

lint:
	golangci-lint run ./...
	$(GO) run ./cmd/dockguard check .

# Short fuzzing of every parser entry point.
fuzz:
	./scripts/fuzz.sh 20s

bench:
	./bench/run.sh
