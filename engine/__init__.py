"""The hybrid runtime: the library call (``Engine``), the ``dictbash`` CLI and the voice REPL."""

from .engine import Engine, Result

__all__ = ["Engine", "Result"]
