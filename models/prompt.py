"""The model's prompt: the one definition shared by data generation, training and inference.

A test fails if training data or the runtime ever build a prompt another way.
"""

from __future__ import annotations

SYSTEM_PROMPT = (
    "Rewrite dictated speech as strict dictation protocol words for one shell command. "
    "Keep the command's words, drop filler, wrappers and corrected mistakes, "
    "and say space between arguments."
)


def messages(fragment: str, answer: str | None = None) -> list[dict[str, str]]:
    """The chat messages for one fragment, with the answer when it is a training row."""
    chat = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": fragment}]
    if answer is not None:
        chat.append({"role": "assistant", "content": answer})
    return chat
