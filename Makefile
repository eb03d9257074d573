# Frontdesk: the two commands a newcomer needs are `make demo` and `make test`.
# Both work on a fresh Debian machine: they create .venv, pip-install everything into it, and
# apt-get the few system packages the tests use (as root, or through sudo when it is available).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
PORT ?= 8000
HOST ?= 127.0.0.1
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo)

# The distributions, in dependency order: core first, then everything that plugs into it.
DISTS := -e . -e ./voice -e ./plugins/shopify -e ./plugins/woocommerce -e ./plugins/booking
TEST_DISTS := -e '.[test,postgres]' -e './voice[test]' -e './plugins/shopify[test]' -e './plugins/woocommerce[test]' \
              -e './plugins/booking[test]' -e ./examples/frontdesk-giftcard
APT_TEST_PACKAGES := chromium espeak-ng sox asterisk-core-sounds-en-wav postgresql
PYTEST := $(PY) -m pytest -p no:cacheprovider

.PHONY: demo test install install-test system-test-deps widget-check test-core test-plugins test-voice bench clean

demo: $(VENV)/.installed
	$(VENV)/bin/frontdesk demo --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-test system-test-deps widget-check
	@status=0; \
	$(PYTEST) tests || status=1; \
	$(PYTEST) plugins/shopify/tests plugins/woocommerce/tests || status=1; \
	$(PYTEST) plugins/booking/tests || status=1; \
	$(PYTEST) voice/tests || status=1; \
	$(PYTEST) examples/frontdesk-giftcard/tests || status=1; \
	exit $$status

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel

$(VENV)/.installed: $(PY) setup.cfg voice/setup.cfg plugins/*/setup.cfg
	$(PIP) install $(DISTS)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed setup.cfg examples/frontdesk-giftcard/setup.cfg
	$(PIP) install $(TEST_DISTS) playwright
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Debian packages the tests drive for real: Chromium (widget and admin), espeak-ng/sox and Asterisk's
# recorded digits (voice), PostgreSQL (storage). Playwright's own browser download does not work offline.
system-test-deps:
	@missing=""; for p in $(APT_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The committed widget bundle must be exactly what widget/src builds to (so pip installs need no Node).
widget-check:
	cd widget && npm ci --no-audit --no-fund --silent
	sh widget/check-bundle.sh

bench: $(VENV)/.installed-test
	$(PY) bench/nlu_accuracy.py
	$(PY) bench/nlu_speed.py
	$(PY) bench/widget_size.py

clean:
	rm -rf $(VENV) var widget/node_modules
