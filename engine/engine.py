"""The library call: ``Engine().convert(text)`` turns one utterance into a command.

Routes: ``processor`` (strict protocol, rendered exactly) and ``unchanged`` (nothing to
convert). The gate, segmenter and model routes join here as they are built.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import processor


@dataclass
class Result:
    """What the engine made of one utterance, and how."""

    text: str
    output: str
    route: str
    confidence: float
    timings_us: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


class Engine:
    """Converts dictation to bash with the embedded defaults."""

    def convert(self, text: str) -> Result:
        start = time.perf_counter()
        output = processor.process(text)
        elapsed = (time.perf_counter() - start) * 1e6
        route = "processor" if output else "unchanged"
        return Result(text, output, route, 1.0, {"processor": elapsed})
