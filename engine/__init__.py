"""The hybrid runtime: the library call (``Engine``), the ``dictbash`` CLI and the voice REPL."""

__all__ = ["Engine", "Result"]


def __getattr__(name: str):
    """``Engine`` and ``Result`` are imported when first asked for, not with the package: a
    ``dictbash`` command that only talks to a running server (``dictbash serve``) starts
    without importing the processor and the classifiers."""
    if name in __all__:
        from . import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
