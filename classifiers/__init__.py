"""The gate (does an utterance need the model?) and the segmenter (which words are a command).

Both are trained with scikit-learn by ``dictbash train classifiers`` (``classifiers.train``)
and run with numpy alone from the small artifacts in ``classifiers/artifacts``:

    gate = Gate.load(); gate.needs_model("git space status")        # False
    Segmenter.load().segment("first run npm space install then wait")
"""

from .artifacts import ArtifactVersionError
from .features import FEATURE_VERSION
from .gate import Gate
from .segmenter import COMMAND, PROSE, Segmenter, Span

__all__ = ["Gate", "Segmenter", "Span", "COMMAND", "PROSE", "ArtifactVersionError",
           "FEATURE_VERSION"]
