"""The gate (does an utterance need the model?), the segmenter (which words are a command) and
the spacer (where spaces go between the words a command keeps).

All three are trained with scikit-learn by ``dictbash train classifiers`` (``classifiers.train``)
and run with numpy alone from the small artifacts in ``classifiers/artifacts``:

    gate = Gate.load(); gate.needs_model("git space status")        # False
    Segmenter.load().segment("first run npm space install then wait")
"""

from .artifacts import ArtifactVersionError
from .features import FEATURE_VERSION
from .gate import Gate
from .segmenter import COMMAND, PROSE, Segmenter, Span
from .spacer import Spacer

__all__ = ["Gate", "Segmenter", "Spacer", "Span", "COMMAND", "PROSE",
           "ArtifactVersionError",
           "FEATURE_VERSION"]
