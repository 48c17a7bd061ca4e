"""Where the trained classifiers live and how a stale one is refused.

An artifact holds weights for one definition of the features; read with another, it would
give confident nonsense. So each artifact is stamped with ``FEATURE_VERSION`` and its feature
names, and loading one made for another version raises ``ArtifactVersionError``, which names
both versions and the command that rebuilds the artifacts.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np

from .features import FEATURE_VERSION, RETRAIN_COMMAND

ARTIFACTS = Path(__file__).parent / "artifacts"
FILES = {"gate": "gate.json", "segmenter": "segmenter.npz", "spacer": "spacer.npz"}


class ArtifactVersionError(ValueError):
    """A classifier artifact built for other features than this code computes."""


def default_path(name: str) -> Path:
    """The shipped artifact of ``name`` (``"gate"``, ``"segmenter"`` or ``"spacer"``)."""
    return ARTIFACTS / FILES[name]


def check_version(path: Path, version, names, expected_names,
                  command: str = RETRAIN_COMMAND) -> None:
    """Raise ``ArtifactVersionError`` unless the artifact matches this code's features."""
    if version != FEATURE_VERSION:
        raise ArtifactVersionError(
            f"{path} was built for feature version {version}, but this code computes feature "
            f"version {FEATURE_VERSION}; rebuild it with `{command}`")
    if names is not None and tuple(names) != tuple(expected_names):
        raise ArtifactVersionError(
            f"{path} lists other feature names than feature version {FEATURE_VERSION} "
            f"defines; rebuild it with `{command}`")


def load_npz(path: Path, feature_names, command: str = RETRAIN_COMMAND) -> tuple[dict, dict]:
    """(metadata, arrays) of an ``.npz`` artifact, after ``check_version`` has passed it; a
    file that is no artifact at all (truncated, another format) is a ``ValueError`` that says
    how to rebuild it."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = dict(data)
        meta = json.loads(str(arrays.pop("meta")))
    except (ValueError, EOFError, KeyError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path} is not a readable artifact ({error}); rebuild it with "
                         f"`{command}`") from None
    check_version(path, meta.get("feature_version"), meta.get("feature_names"), feature_names,
                  command)
    return meta, arrays
