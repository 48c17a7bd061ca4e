"""CTranslate2's ``model.bin`` read into numpy arrays and written back, by code of ours.

The layout is the one ``ctranslate2.specs.model_spec.ModelSpec._serialize`` writes (binary
version 6, little-endian): ``uint32 version``, the spec's name (``uint16`` length counting a
final NUL, the UTF-8 bytes, the NUL), ``uint32 revision``, ``uint32`` variable count, then
each variable as name, ``uint8`` rank, ``uint32`` per dimension, ``uint8`` type id (the order
of ``DTYPES``), ``uint32`` byte count and the raw bytes; then ``uint32`` alias count and each
alias as two names (alias, variable). Reading it needs no ctranslate2 import, so the
adapted recogniser can be built without loading a model.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

VERSION = 6
DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")
"""Type ids in CTranslate2's order (``include/ctranslate2/types.h``)."""


class ModelFileError(ValueError):
    """``model.bin`` is not a CTranslate2 model this code reads (truncated, other version)."""


@dataclass
class ModelFile:
    """A CTranslate2 model: ``variables`` by name as stored (int8 weights keep their
    ``<name>_scale``), ``aliases`` (alias -> variable name), the spec's ``name`` and
    ``revision``."""

    name: str
    revision: int
    variables: dict[str, np.ndarray]
    aliases: dict[str, str] = field(default_factory=dict)

    def weight(self, name: str) -> np.ndarray:
        """Variable ``name`` (or the variable it aliases) as float32, dequantized if it was
        stored as int8/int16 with a scale (CTranslate2 stores ``round(w * scale)`` with one
        scale per output row)."""
        name = self.aliases.get(name, name)
        value = self.variables[name]
        scale = self.variables.get(name + "_scale")
        if scale is not None and value.dtype in (np.int8, np.int16):
            return value.astype(np.float32) / scale.astype(np.float32).reshape(-1, 1)
        return value.astype(np.float32)


def _bfloat16_to_float32(raw: bytes, shape: tuple[int, ...]) -> np.ndarray:
    bits = np.frombuffer(raw, dtype=np.uint16).astype(np.uint32) << 16
    return bits.view(np.float32).reshape(shape)


def read(path: str | Path) -> ModelFile:
    """The model at ``path`` (a ``model.bin``); ModelFileError if it cannot be parsed."""
    data = Path(path).read_bytes()
    offset = 0

    def take(fmt: str):
        nonlocal offset
        value = struct.unpack_from("<" + fmt, data, offset)
        offset += struct.calcsize("<" + fmt)
        return value[0]

    def string() -> str:
        nonlocal offset
        size = take("H")
        text = data[offset:offset + size - 1].decode("utf-8")
        offset += size
        return text

    try:
        version = take("I")
        if version != VERSION:
            raise ModelFileError(f"{path}: CTranslate2 binary version {version} "
                                 f"(this reader knows {VERSION})")
        name, revision = string(), take("I")
        variables = {}
        for _ in range(take("I")):
            var = string()
            shape = tuple(take("I") for _ in range(take("B")))
            dtype = DTYPES[take("B")]
            size = take("I")
            raw = data[offset:offset + size]
            if len(raw) != size:
                raise ModelFileError(f"{path}: truncated in {var}")
            offset += size
            variables[var] = (_bfloat16_to_float32(raw, shape) if dtype == "bfloat16"
                              else np.frombuffer(raw, dtype=dtype).reshape(shape))
        aliases = {}
        for _ in range(take("I")):
            alias = string()
            aliases[alias] = string()
    except (struct.error, IndexError, UnicodeDecodeError, ValueError) as error:
        if isinstance(error, ModelFileError):
            raise
        raise ModelFileError(f"{path} is not a CTranslate2 model.bin ({error})") from None
    if offset != len(data):
        raise ModelFileError(f"{path}: {len(data) - offset} bytes after the model")
    return ModelFile(name, revision, variables, aliases)


def write(model: ModelFile, path: str | Path) -> None:
    """``model`` as a CTranslate2 ``model.bin`` at ``path`` (what ``read`` reads back)."""
    def string(text: str) -> bytes:
        raw = text.encode("utf-8")
        return struct.pack("<H", len(raw) + 1) + raw + b"\0"

    with open(path, "wb") as out:
        out.write(struct.pack("<I", VERSION) + string(model.name)
                  + struct.pack("<II", model.revision, len(model.variables)))
        for name, value in model.variables.items():
            value = np.asarray(value, order="C")  # ascontiguousarray makes scalars 1-d
            if value.dtype.name not in DTYPES or value.dtype.name == "bfloat16":
                raise ValueError(f"{name}: cannot store {value.dtype}")
            out.write(string(name) + struct.pack("<B", value.ndim)
                      + struct.pack(f"<{value.ndim}I", *value.shape)
                      + struct.pack("<BI", DTYPES.index(value.dtype.name), value.nbytes))
            out.write(value.tobytes())
        out.write(struct.pack("<I", len(model.aliases)))
        for alias, name in model.aliases.items():
            out.write(string(alias) + string(name))
