"""The gate (does an utterance need the model?) and the per-word segmenter (which words are a command)."""
