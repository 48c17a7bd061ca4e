"""The language-model path: a fine-tuned small LLM on MLX for the fuzzy fragments."""
