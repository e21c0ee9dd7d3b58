# One command each: `make demo` installs and harvests the bundled replicas; `make test` installs
# everything (Python packages + Debian packages for PostgreSQL, Chromium and Splash) and runs all tests.
PYTHON ?= python3
PIP ?= $(PYTHON) -m pip

.PHONY: install install-test system demo test bench

install:
	$(PIP) install -q -e .

install-test:
	$(PIP) install -q -e '.[test]'

system:
	bash scripts/install-system.sh

demo: install
	harvester demo

test: install-test system
	$(PYTHON) -m pytest

bench: install-test
	$(PYTHON) -m bench
