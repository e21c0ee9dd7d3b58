# One command each, on a fresh clone: `make demo` installs the package into ./.venv and harvests
# the bundled replicas; `make test` installs the test extras into ./.venv, the Debian packages
# the suite needs (PostgreSQL, Chromium, Splash's QtWebKit; needs root) and runs every test.
# A virtual environment because Debian 12's python3 refuses `pip install` outside one (PEP 668).
PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
# Test processes (pytest-xdist): one per logical CPU; TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= logical

.PHONY: venv install install-test system demo test bench clean-venv

$(VPY):
	@bash scripts/make-venv.sh "$(PYTHON)" "$(VENV)"

venv: $(VPY)

install: $(VPY)
	$(VPY) -m pip install -q -e .

install-test: $(VPY)
	$(VPY) -m pip install -q -e '.[test]'

system:
	bash scripts/install-system.sh

demo: install
	$(VENV)/bin/harvester demo

test: install-test system
	$(VPY) -m pytest -n $(TEST_WORKERS)

bench: install-test
	$(VPY) -m bench

clean-venv:
	rm -rf $(VENV)
