"""A torch-free forward pass for BERT sentence-transformers models with mean pooling (the packaged
all-MiniLM-L6-v2 is one), used to encode questions without importing torch.

    >>> from assistant.embed import resolve_embedder_path
    >>> folder = Path(resolve_embedder_path("all-MiniLM-L6-v2"))
    >>> supported(folder) is None          # else the reason it is not
    True
    >>> encoder = NumpyBertEncoder(folder)
    >>> encoder.encode("what is label smoothing?").shape
    (384,)

Same tokenizer file, same weights, same arithmetic as sentence-transformers in float32: embeddings
agree to about 1e-7 (tests compare them on every eval question). Importing torch and
sentence-transformers takes about 4 s on 2 cores; this module needs numpy, tokenizers and
safetensors (about 0.15 s), so a fresh process answers in under 2 s. Index builds (batches) still use
sentence-transformers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Abramowitz & Stegun 7.1.26: erfc(z) ~ poly(t) exp(-z^2), t = 1 / (1 + P z), absolute error < 1.5e-7
_ERF_P = np.float32(0.3275911)
_ERF_POLY = [np.float32(c) for c in (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)]
_MODULES = ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling",
            "sentence_transformers.models.Normalize"]


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray  # (d, 3*d): query, key and value projections side by side, transposed for x @ w
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    attn_norm: tuple[np.ndarray, np.ndarray]
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ffn_norm: tuple[np.ndarray, np.ndarray]


def _gelu(h: np.ndarray) -> np.ndarray:
    """Exact-form GELU, h * Phi(h), in place on ``h``; within 5e-7 of the erf form (scipy's erf is 15 ns
    per value here, this is about 2x faster, which matters for long questions)."""
    z = np.abs(h)
    z *= np.float32(np.sqrt(0.5))
    np.minimum(z, np.float32(6.0), out=z)  # erfc(6) is 0 in float32; also keeps exp() clear of denormals
    t = z * _ERF_P
    t += 1
    np.reciprocal(t, out=t)
    tail = t * _ERF_POLY[0]
    for c in _ERF_POLY[1:]:
        tail += c
        tail *= t
    np.square(z, out=z)
    np.negative(z, out=z)
    np.exp(z, out=z)
    tail *= z
    tail *= np.float32(0.5)  # Phi(-|h|)
    np.subtract(1, tail, out=tail, where=h >= 0)  # Phi(h)
    h *= tail
    return h


def _read_json(path: Path) -> dict | list | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def supported(folder: Path) -> str | None:
    """None if ``folder`` holds a model this encoder reproduces exactly, else the reason it does not."""
    modules = _read_json(folder / "modules.json")
    if not isinstance(modules, list) or [m.get("type") for m in modules] not in (_MODULES, _MODULES[:2]):
        return "not a Transformer + Pooling (+ Normalize) sentence-transformers model"
    config = _read_json(folder / "config.json") or {}
    if (config.get("model_type"), config.get("hidden_act"), config.get("position_embedding_type", "absolute")) != \
            ("bert", "gelu", "absolute"):
        return "not a BERT model with GELU and absolute positions"
    pooling = _read_json(folder / modules[1].get("path", "") / "config.json") or {}
    modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True}
    if modes != {"pooling_mode_mean_tokens"} or pooling.get("include_prompt", True) is not True:
        return "pooling is not plain mean pooling"
    for name in ("model.safetensors", "tokenizer.json", "sentence_bert_config.json"):
        if not (folder / name).is_file():
            return f"no {name}"
    return None


class NumpyBertEncoder:
    def __init__(self, folder: Path) -> None:
        import tokenizers
        from safetensors.numpy import load_file

        config = _read_json(folder / "config.json") or {}
        max_len = (_read_json(folder / "sentence_bert_config.json") or {}).get("max_seq_length") or 512
        self.tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(min(int(max_len), int(config["max_position_embeddings"])))
        self.tokenizer.no_padding()
        self.heads = int(config["num_attention_heads"])
        self.eps = np.float32(config["layer_norm_eps"])
        w = {k.removeprefix("bert."): v for k, v in load_file(str(folder / "model.safetensors")).items()}
        self.word = w["embeddings.word_embeddings.weight"]
        self.position = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.embed_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [self._layer(w, f"encoder.layer.{i}.") for i in range(int(config["num_hidden_layers"]))]
        self.dim = int(self.word.shape[1])

    @staticmethod
    def _layer(w: dict[str, np.ndarray], p: str) -> _Layer:
        def t(name: str) -> np.ndarray:  # torch Linear stores (out, in); contiguous (in, out) multiplies 25 % faster
            return np.ascontiguousarray(w[name].T)

        qkv = [f"{p}attention.self.{name}" for name in ("query", "key", "value")]
        return _Layer(qkv_w=np.ascontiguousarray(np.concatenate([w[f"{n}.weight"] for n in qkv]).T),
                      qkv_b=np.concatenate([w[f"{n}.bias"] for n in qkv]),
                      out_w=t(f"{p}attention.output.dense.weight"), out_b=w[f"{p}attention.output.dense.bias"],
                      attn_norm=(w[f"{p}attention.output.LayerNorm.weight"], w[f"{p}attention.output.LayerNorm.bias"]),
                      up_w=t(f"{p}intermediate.dense.weight"), up_b=w[f"{p}intermediate.dense.bias"],
                      down_w=t(f"{p}output.dense.weight"), down_b=w[f"{p}output.dense.bias"],
                      ffn_norm=(w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]))

    def _norm(self, x: np.ndarray, weight_bias: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * weight_bias[0] + weight_bias[1]

    def encode(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised: mean of the last hidden states over all tokens."""
        ids = np.asarray(self.tokenizer.encode(text).ids)
        n, d = len(ids), self.dim
        heads, head_dim = self.heads, d // self.heads
        scale = np.float32(1 / np.sqrt(head_dim))
        x = self._norm(self.word[ids] + self.position[:n] + self.token_type, self.embed_norm)
        for layer in self.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            q, k, v = (qkv[:, i * d:(i + 1) * d].reshape(n, heads, head_dim).transpose(1, 0, 2) for i in range(3))
            scores = (q @ k.transpose(0, 2, 1)) * scale
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            attended = (scores @ v).transpose(1, 0, 2).reshape(n, d)
            x = self._norm(attended @ layer.out_w + layer.out_b + x, layer.attn_norm)
            hidden = x @ layer.up_w + layer.up_b
            hidden = _gelu(hidden)
            x = self._norm(hidden @ layer.down_w + layer.down_b + x, layer.ffn_norm)
        pooled = x.mean(0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
