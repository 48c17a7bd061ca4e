"""The model's prompt: the one definition shared by data generation, training and inference.

A test fails if training data or the runtime ever build a prompt another way.
"""

from __future__ import annotations

import hashlib

from .features import as_read

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
    words = as_read(words)
    prompt = tokenizer.apply_chat_template(messages(" ".join(words)), add_generation_prompt=True,
                                           tokenize=False)
    ids = list(tokenizer.encode(prompt, add_special_tokens=False))
    positions = []
    for k, word in enumerate(words):
        ids += tokenizer.encode((" " if k else "") + word, add_special_tokens=False)
        positions.append(len(ids) - 1)
    return ids, positions


COMMAND_PREFIX = '$ ls -la ~/projects\n$ git commit -m "fix typo"\n$ tar -xzf backup.tar.gz -C /tmp\n$'
"""What a command text follows when the base model judges how likely it is as written
(``command_tokens``): a shell session of three everyday commands, so that the model reads
it as a command typed at a prompt; a bare ``$`` gained the second opinion far less
(docs/HISTORY.md)."""


def command_tokens(tokenizer, command: str) -> list[int]:
    """Token ids of `` command`` as it follows ``COMMAND_PREFIX`` (whose own ids,
    ``prefix_tokens``, are the same for every command: computed once, then cached), ending
    with its newline (so that how it ends counts too: ``cut -f 2-``, not ``cut -f 2 -``). Not
    part of the tagging prompt: it is read with the adapter's layers switched off."""
    return list(tokenizer.encode(" " + command + "\n", add_special_tokens=False))


def prefix_tokens(tokenizer) -> list[int]:
    """Token ids of ``COMMAND_PREFIX``."""
    return list(tokenizer.encode(COMMAND_PREFIX, add_special_tokens=False))


def fingerprint() -> str:
    """Identifies this prompt definition; an adapter records the one it was trained with."""
    return hashlib.sha256((SYSTEM_PROMPT + "|echo-tagging-v1").encode()).hexdigest()[:16]
