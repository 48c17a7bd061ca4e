"""Where the trained classifiers live and how a stale one is refused.

An artifact holds weights for one definition of the features; read with another, it would
give confident nonsense. So each artifact is stamped with ``FEATURE_VERSION`` and its feature
names, and loading one made for another version raises ``ArtifactVersionError``, which names
both versions and the command that rebuilds the artifacts.
"""

from __future__ import annotations

from pathlib import Path

from .features import FEATURE_VERSION, RETRAIN_COMMAND

ARTIFACTS = Path(__file__).parent / "artifacts"
FILES = {"gate": "gate.json", "segmenter": "segmenter.npz"}


class ArtifactVersionError(ValueError):
    """A classifier artifact built for other features than this code computes."""


def default_path(name: str) -> Path:
    """The shipped artifact of ``name`` (``"gate"`` or ``"segmenter"``)."""
    return ARTIFACTS / FILES[name]


def check_version(path: Path, version, names, expected_names) -> None:
    """Raise ``ArtifactVersionError`` unless the artifact matches this code's features."""
    if version != FEATURE_VERSION:
        raise ArtifactVersionError(
            f"{path} was built for feature version {version}, but this code computes feature "
            f"version {FEATURE_VERSION}; rebuild it with `{RETRAIN_COMMAND}`")
    if names is not None and tuple(names) != tuple(expected_names):
        raise ArtifactVersionError(
            f"{path} lists other feature names than feature version {FEATURE_VERSION} "
            f"defines; rebuild it with `{RETRAIN_COMMAND}`")
