# auditfleet — `make` lists the targets.
GO        ?= go
BIN       := bin
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/auditfleet/auditfleet/version.Version=$(VERSION)

# MinIO, the S3 server the storage tests run against, built from the Go
# module proxy once and cached (about three minutes the first time).
MINIO_MODULE := github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_DIR    ?= $(HOME)/.cache/auditfleet/bin
export AUDITFLEET_MINIO_BIN ?= $(MINIO_DIR)/minio

# SeaweedFS, the second S3 server the storage and end-to-end tests run
# against, pinned the same way. `go install` refuses its module (it has
# replace directives), so the module is downloaded and ./weed is built
# inside a writable copy of it, once, into the same cache.
SEAWEEDFS_MODULE := github.com/seaweedfs/seaweedfs
SEAWEEDFS_VERSION := v0.0.0-20261109003541-7506e5f91cd6
export AUDITFLEET_SEAWEEDFS_BIN ?= $(MINIO_DIR)/weed

# The upstream OPA CLI, at the version of the SDK in go.mod.
OPA_VERSION := $(shell $(GO) list -m -f '{{.Version}}' github.com/open-policy-agent/opa)

# Collector plugins: every plugins/<name> folder with a cmd/main.go. Adding
# a collector touches only its folder (internal/testbin finds them the
# same way for the tests).
COLLECTORS := $(sort $(patsubst plugins/%/cmd/main.go,%,$(wildcard plugins/*/cmd/main.go)))

.DEFAULT_GOAL := help
# Programs the tests run for real, as command:Debian package: restic and
# borg for the backups collector, restic for the restore test.
DEBIAN_DEPS := restic:restic borg:borgbackup systemd-analyze:systemd

# How long each fuzz target runs: briefly in `make test`, as long as you
# like with `make fuzz FUZZTIME=10m`; FUZZ=<regexp> picks targets.
FUZZTIME ?= 1m
FUZZTIME_SHORT ?= 2s
FUZZ ?= .

.PHONY: help build demo deps minio test check cross opa-policies bench docs lifecycle proto clean fuzz fuzz-short seaweedfs

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build auditfleet-agent, auditfleet-server and every collector with its manifest into bin/
	@install -d -m 0755 $(BIN) $(BIN)/plugins
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/auditfleet-agent ./agent/cmd/auditfleet-agent
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/auditfleet-server ./server/cmd/auditfleet-server
	@for c in $(COLLECTORS); do \
		echo "$(GO) build -o $(BIN)/plugins/auditfleet-collector-$$c ./plugins/$$c/cmd"; \
		CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/plugins/auditfleet-collector-$$c ./plugins/$$c/cmd || exit 1; \
		chmod 0755 $(BIN)/plugins/auditfleet-collector-$$c; \
		$(BIN)/auditfleet-agent plugins manifest --name $$c --namespace $$c $(BIN)/plugins/auditfleet-collector-$$c >/dev/null || exit 1; \
	done
	@chmod 0644 $(BIN)/plugins/*.manifest.json

demo: build ## The main job: start a server on a local directory store, enroll agents, run a cycle, print the fleet scorecard
	BIN=$(BIN) scripts/demo.sh

deps: ## Install the Debian packages the tests run for real (restic, borg), when missing
	@missing=""; for d in $(DEBIAN_DEPS); do command -v $${d%%:*} >/dev/null || missing="$$missing $${d#*:}"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing with apt-get"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends$$missing >/dev/null; \
	fi

minio: ## Install the MinIO server the tests use into $(MINIO_DIR) (cached)
	@test -x $(AUDITFLEET_MINIO_BIN) || { echo "building MinIO into $(MINIO_DIR) (once)"; GOBIN=$(MINIO_DIR) $(GO) install $(MINIO_MODULE); }

seaweedfs: ## Install the SeaweedFS server (weed) the tests use into $(MINIO_DIR) (cached)
	@test -x $(AUDITFLEET_SEAWEEDFS_BIN) || { \
		echo "building SeaweedFS into $(MINIO_DIR) (once)"; \
		set -e; tmp=$$(mktemp -d); trap 'chmod -R u+w "$$tmp"; rm -rf "$$tmp"' EXIT; \
		src=$$(cd "$$tmp" && GOFLAGS=-mod=mod $(GO) mod download -json $(SEAWEEDFS_MODULE)@$(SEAWEEDFS_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p'); \
		test -n "$$src"; cp -R "$$src" "$$tmp/src"; chmod -R u+w "$$tmp/src"; \
		install -d -m 0755 $(MINIO_DIR); \
		cd "$$tmp/src" && CGO_ENABLED=0 $(GO) build -trimpath -o $(AUDITFLEET_SEAWEEDFS_BIN).tmp ./weed && mv $(AUDITFLEET_SEAWEEDFS_BIN).tmp $(AUDITFLEET_SEAWEEDFS_BIN); }

test: deps build opa-policies cross minio seaweedfs ## Run every test (what .ci/run runs)
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) test -race -count=1 ./...
	$(MAKE) fuzz-short

fuzz-short: ## Run every go test -fuzz target for FUZZTIME_SHORT (default 2s) each, one after another (part of test)
	GO=$(GO) FUZZTIME=$(FUZZTIME_SHORT) FUZZ='$(FUZZ)' scripts/fuzz.sh

fuzz: ## Run every go test -fuzz target for FUZZTIME (default 1m) each, one after another; FUZZ=<regexp> picks targets
	GO=$(GO) FUZZTIME=$(FUZZTIME) FUZZ='$(FUZZ)' scripts/fuzz.sh

check: ## Quick checks: gofmt and vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

cross: ## Cross-compile everything for windows and darwin
	GOOS=windows GOARCH=amd64 $(GO) build ./...
	GOOS=darwin GOARCH=arm64 $(GO) build ./...

opa-policies: ## Run upstream `opa check` and `opa test` on policies/, as policy authors would
	@install -d -m 0755 $(BIN)
	GOBIN=$(abspath $(BIN)) $(GO) install github.com/open-policy-agent/opa@$(OPA_VERSION)
	$(BIN)/opa check --strict policies/
	$(BIN)/opa test policies/
	@test -z "$$($(BIN)/opa fmt --list policies/)" || { $(BIN)/opa fmt --list policies/; echo "opa fmt needed"; exit 1; }

bench: ## Print the speed and memory figures: policy evaluation (hosts/s on one core and on all cores), collectors, a full scan (wall time, peak RSS per process)
	$(GO) test -run '^$$' -bench . -benchmem -cpu 1 ./opa/ ./plugins/accounts/ ./plugins/patching/ ./plugins/retention/ ./plugins/services/
	# On all cores, with the garbage collector set as auditfleet-server sets it (GOGC 400 unless set).
	GOGC=$${GOGC:-400} $(GO) test -run '^$$' -bench 'EvaluateFleetParallel' -benchmem -cpu 1,$$(nproc 2>/dev/null || echo 2) ./opa/
	$(GO) test -run '^$$' -bench 'Scan|CollectEach' -benchtime 20x ./agent/cli/

docs: ## Regenerate docs/controls.md from the policies' metadata
	$(GO) test ./catalogue/ -run TestDocumentUpToDate -update

lifecycle: ## Regenerate policies/lifecycle/data.json from internal/lifecycle/source/os-lifecycles.json
	$(GO) generate ./internal/lifecycle/...

proto: ## Regenerate the collector protocol's Go code (needs protoc)
	cd plugins/sdk/proto && protoc --go_out=. --go_opt=paths=source_relative \
		--go-grpc_out=. --go-grpc_opt=paths=source_relative collector.proto

clean: ## Remove bin/
	rm -rf $(BIN)
