# Lantern: `make run` starts the server on its embedded default; `make test` runs the suite.
SHELL := /bin/bash
# Build and run need the C libraries; the tests also need Debian's Prometheus 2.42 and promtool
# as real peers (remote read/write, federation, promtool interop, differential queries), the
# openssl and curl CLIs (TLS tests), and the sqlite3 CLI, which the corruption tests use to
# damage a database file.
BUILD_PACKAGES := libsqlite3-dev libcurl4-openssl-dev zlib1g-dev libsnappy-dev libcrypt-dev
TEST_PACKAGES := $(BUILD_PACKAGES) prometheus openssl curl sqlite3
APT_PACKAGES ?= $(BUILD_PACKAGES)
SWIFT ?= swift
export PATH := $(PATH):/opt/swift/usr/bin
export LANTERN_CONFORMANCE_DIR ?= $(abspath $(CURDIR)/../shared/conformance)
RUN_ARGS ?=

.PHONY: run test deps build release bench clean

## deps: install the missing apt packages when root, otherwise print the exact command.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "installing:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	    (systemctl stop prometheus || service prometheus stop) >/dev/null 2>&1 || true; \
	  else \
	    echo "missing packages; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "swift not found: install Swift 6.x (https://www.swift.org/install/linux/) and put it on PATH"; exit 1; }

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product lantern

## run: build in release mode and serve on the embedded default config (127.0.0.1:9090, data/).
run: release
	$$($(SWIFT) build -c release --show-bin-path)/lantern serve $(RUN_ARGS)

## test: build and run the whole suite (unit, integration, conformance).
test:
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(TEST_PACKAGES)"
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

bench: deps
	$(SWIFT) build -c release --product lantern-bench
	$$($(SWIFT) build -c release --show-bin-path)/lantern-bench

clean:
	rm -rf .build
