"""The deterministic protocol processor: strict dictation to bash, and bash back to dictation.

``process`` types what a strict utterance says; ``explain`` also says which spoken words
produced which characters; ``speak`` is the inverse, used to generate training and test data.
The protocol's words live in ``processor.vocabulary``.
"""

from .render import Processed, Token, bound, explain, process, shell_units
from .normalize import normalize, normalize_words, typed_words
from .speaker import SpeakError, speak

__all__ = ["process", "explain", "bound", "shell_units", "Processed", "Token", "speak",
           "SpeakError", "normalize", "normalize_words", "typed_words"]
