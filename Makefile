# Peer Journal's build entry point.
#
#   make run       install what is missing, build the UI, run the app (release)
#   make test      install what is missing, then every check CI runs: UI unit
#                  tests and typecheck, all Rust tests including the end-to-end
#                  tests under Xvfb, and the check that committed bindings are
#                  up to date
#   make package   install what is missing, build the release app and the
#                  peerjournal command, and make the Debian package of both
#                  (target/release/bundle/deb/peer-journal_VERSION_ARCH.deb)
#   make test-package  just the package test (part of make test)
#   make bindings  regenerate the TypeScript types that cross IPC (ui/src/bindings)
#   make bench     run the benchmarks
#   make clean     remove build output
#
# One cargo target dir, and every cargo command that builds the shell selects
# `--workspace`, so features unify the same way and nothing is built twice.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run
.PHONY: run test package test-package bindings bench clean

CARGO := cargo
# xvfb-run's default screen is 640x480 at 8-bit colour: give the app a
# desktop-sized, 24-bit one, as people have.
XVFB_RUN := xvfb-run -a -s "-screen 0 1280x1024x24"
BINDINGS := ui/src/bindings

# A short heading before each step.
heading = @printf '\n==> %s\n' '$(1)'

# The Tauri build embeds ui/dist at compile time, so the UI comes first.
define build_ui
	$(call heading,Building the UI)
	cd ui && npm run --silent build
endef

run:
	$(call heading,Checking what the app needs)
	scripts/setup.sh app
	$(build_ui)
	$(call heading,Running Peer Journal)
	$(CARGO) run --release --locked -p peer-journal-app

# The same release build as `make run` (the same packages and features), plus
# the command; Tauri's bundler then packs both (scripts/package.sh).
package:
	$(call heading,Checking what the build needs)
	scripts/setup.sh app
	$(build_ui)
	$(call heading,Building the release app and the peerjournal command)
	$(CARGO) build --release --locked -p peer-journal-app -p peerjournal
	$(call heading,Making the Debian package)
	scripts/package.sh release

# The package test alone: tests/package packs the debug build `make test`
# makes, so this makes that very build first (--no-run: every program, the
# peerjournal command included, without running the tests).
test-package:
	$(call heading,Checking what the tests need)
	scripts/setup.sh test
	$(build_ui)
	$(call heading,Building what make test builds)
	$(CARGO) test --workspace --locked --no-run
	$(call heading,The package test (under Xvfb))
	$(XVFB_RUN) $(CARGO) test --workspace --locked --test package

test:
	$(call heading,Checking what the tests need)
	scripts/setup.sh test
	$(build_ui)
	$(call heading,UI unit tests)
	cd ui && npm test
	$(call heading,Rust tests (end-to-end tests drive the app under Xvfb))
	$(XVFB_RUN) $(CARGO) test --workspace --locked
	$(call heading,Checking the committed bindings are up to date)
	@if [[ -n "$$(git status --porcelain -- $(BINDINGS))" ]]; then \
	  git status --short -- $(BINDINGS); \
	  echo "The TypeScript bindings in $(BINDINGS) are stale: cargo test regenerated them."; \
	  echo "Review and commit them (git add $(BINDINGS)), then run make test again."; \
	  exit 1; \
	fi
	@echo "bindings up to date"

# ts-rs writes the bindings from the export_bindings_* tests it generates in
# the libraries (into $(BINDINGS), see .cargo/config.toml). Same profile and
# --workspace as `test`, so it reuses that build.
bindings:
	$(call heading,Checking what the build needs)
	scripts/setup.sh app
	$(build_ui)
	$(call heading,Regenerating $(BINDINGS))
	$(CARGO) test --workspace --locked --lib export_bindings

# The budgets of docs/performance.md on a 100,000-record journal (release
# build): the core's, then the app's, driven through tauri-driver. Prints its
# figures, asserts nothing. BENCH_RECORDS=N for another size.
bench:
	$(call heading,Checking what the benchmarks need)
	scripts/setup.sh test
	$(build_ui)
	$(call heading,The core's benchmark)
	$(CARGO) bench --locked -p peerjournal --bench journal --features bench
	$(call heading,The app's benchmark (the release app, under Xvfb))
	$(CARGO) build --release --locked -p peer-journal-app
	$(XVFB_RUN) $(CARGO) bench --locked -p peer-journal-app --bench app

clean:
	$(call heading,Removing build output)
	$(CARGO) clean
	rm -rf ui/dist
