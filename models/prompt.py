"""The model's prompt: the one definition shared by data generation, training and inference.

A test fails if training data or the runtime ever build a prompt another way.
"""

from __future__ import annotations

import hashlib

SYSTEM_PROMPT = "Dictated shell command to strict protocol words."
"""Short on purpose: every token of it is computed again for every fragment on a CPU."""


def messages(fragment: str, answer: str | None = None) -> list[dict[str, str]]:
    """The chat messages for one fragment, with the answer when it is a training row."""
    chat = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": fragment}]
    if answer is not None:
        chat.append({"role": "assistant", "content": answer})
    return chat


def tagging_tokens(tokenizer, words: list[str]) -> tuple[list[int], list[int]]:
    """Token ids the tagger reads for ``words``, and the index of each word's last token.

    The chat prompt (system text, the fragment as the user's message) is followed by the
    fragment once more as the answer: a causal model's state at a word of that echo has seen
    the whole utterance, so a word can be judged by what comes after it ("dash i no wait").
    """
    prompt = tokenizer.apply_chat_template(messages(" ".join(words)), add_generation_prompt=True,
                                           tokenize=False)
    ids = list(tokenizer.encode(prompt, add_special_tokens=False))
    positions = []
    for k, word in enumerate(words):
        ids += tokenizer.encode((" " if k else "") + word, add_special_tokens=False)
        positions.append(len(ids) - 1)
    return ids, positions


def fingerprint() -> str:
    """Identifies this prompt definition; an adapter records the one it was trained with."""
    return hashlib.sha256((SYSTEM_PROMPT + "|echo-tagging-v1").encode()).hexdigest()[:16]
