"""The persisted FAISS index of glossary entries, with a versioned manifest and atomic writes.

    >>> store = IndexStore(settings.index_dir, assistant.retriever.embedder)
    >>> store.load_or_build(glossary.entries).status   # "built" when missing, stale or damaged
    'loaded'
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError

from assistant.corpus import Entry
from assistant.embed import Embedder
from assistant.errors import IndexBuildError
from assistant.files import atomic_write

log = logging.getLogger(__name__)
INDEX_FORMAT = 1
INDEX_FILE = "entries.faiss"
MANIFEST_FILE = "manifest.json"
SNAPSHOT_FILE = "glossary.json"  # the entries the index was built from: served if a later corpus edit is invalid
VECTORS_FILE = "vectors.npz"  # entry vectors keyed by text hash: a rebuild embeds only new or changed entries
Status = Literal["loaded", "built"]


class Manifest(BaseModel):
    format_version: int
    embedder: str
    dim: int
    entries: int
    corpus_hash: str
    index_type: str
    versions: dict[str, str]
    built_at: float
    build_seconds: float


@dataclass(frozen=True)
class BuiltIndex:
    index: faiss.Index
    manifest: Manifest
    path: Path
    status: Status
    reason: str  # why it was rebuilt ("" when loaded)


def corpus_hash(entries: tuple[Entry, ...] | list[Entry]) -> str:
    """Hash of exactly what gets embedded, in order: the index is stale iff this changes."""
    digest = hashlib.sha256()
    for entry in entries:
        digest.update(entry.index_text().encode("utf-8") + b"\0")
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    out = {}
    for pkg in ("faiss-cpu", "sentence-transformers", "torch", "numpy"):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "unknown"
    return out


def make_faiss_index(vectors: np.ndarray, hnsw_above: int) -> tuple[faiss.Index, str]:
    """Exact inner product for small corpora; HNSW (approximate, fast) above ``hnsw_above`` entries."""
    n, dim = vectors.shape  # (n_entries, dim) float32, L2-normalised
    if n > hnsw_above:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 64
        index.hnsw.efSearch = 96
        kind = "hnsw32"
    else:
        index = faiss.IndexFlatIP(dim)
        kind = "flat_ip"
    index.add(vectors)
    return index, kind


class IndexStore:
    """Loads the index from ``index_dir`` when its manifest matches, else rebuilds and persists it."""

    def __init__(self, index_dir: Path, embedder: Embedder, hnsw_above: int = 20_000, mmap: bool = False) -> None:
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.hnsw_above = hnsw_above
        self.mmap = mmap  # read-only mapping: several processes share the vectors' pages

    @property
    def index_path(self) -> Path:
        return self.index_dir / INDEX_FILE

    @property
    def manifest_path(self) -> Path:
        return self.index_dir / MANIFEST_FILE

    @property
    def snapshot_path(self) -> Path:
        return self.index_dir / SNAPSHOT_FILE

    def load_snapshot(self) -> list[Entry] | None:
        """The entries of the last index built, when the manifest still vouches for them."""
        try:
            manifest = Manifest.model_validate_json(self.manifest_path.read_bytes())
            entries = [Entry.model_validate(e) for e in json.loads(self.snapshot_path.read_bytes())]
        except (OSError, ValueError, ValidationError):
            return None
        return entries if corpus_hash(entries) == manifest.corpus_hash else None

    def load_or_build(self, entries: tuple[Entry, ...] | list[Entry], rebuild: bool = False,
                      progress: bool = False, persist_required: bool = False) -> BuiltIndex:
        expected_hash = corpus_hash(entries)
        reason = "rebuild requested" if rebuild else self._stale_reason(expected_hash, len(entries))
        if not reason:
            try:
                return self._load()
            except (RuntimeError, OSError, ValueError) as exc:  # faiss raises RuntimeError on corrupt files
                reason = f"index file unreadable ({exc.__class__.__name__})"
        log.warning("rebuilding the index in %s: %s", self.index_dir, reason)
        return self._build(entries, expected_hash, reason, progress, persist_required)

    def _stale_reason(self, expected_hash: str, n_entries: int) -> str:
        if not self.manifest_path.exists() or not self.index_path.exists():
            return "no index yet"
        try:
            manifest = Manifest.model_validate_json(self.manifest_path.read_bytes())
        except (ValidationError, OSError, ValueError):
            return "manifest unreadable"
        checks = [
            (manifest.format_version != INDEX_FORMAT, f"format version {manifest.format_version} != {INDEX_FORMAT}"),
            (manifest.embedder != self.embedder.model_id, f"embedder changed ({manifest.embedder} -> {self.embedder.model_id})"),
            (manifest.corpus_hash != expected_hash, "corpus changed"),
            (manifest.entries != n_entries, "entry count changed"),
        ]
        return next((why for bad, why in checks if bad), "")

    def _load(self) -> BuiltIndex:
        manifest = Manifest.model_validate_json(self.manifest_path.read_bytes())
        index = faiss.read_index(str(self.index_path), faiss.IO_FLAG_MMAP_IFC if self.mmap else 0)
        if index.ntotal != manifest.entries or index.d != manifest.dim or manifest.dim != self.embedder.dim:
            raise ValueError("index size or dimension does not match its manifest")
        return BuiltIndex(index, manifest, self.index_path, "loaded", "")

    def _build(self, entries, expected_hash: str, reason: str, progress: bool, persist_required: bool) -> BuiltIndex:
        started = time.perf_counter()
        keys, vectors, reused = self._embed(entries, progress)
        if reused:
            log.info("reused %d of %d entry vectors; embedded %d", reused, len(entries), len(entries) - reused)
        index, kind = make_faiss_index(vectors, self.hnsw_above)
        manifest = Manifest(format_version=INDEX_FORMAT, embedder=self.embedder.model_id, dim=int(vectors.shape[1]),
                            entries=len(entries), corpus_hash=expected_hash, index_type=kind,
                            versions=library_versions(), built_at=time.time(),
                            build_seconds=round(time.perf_counter() - started, 3))
        try:
            self._persist(index, manifest, entries, keys, vectors)
        except OSError as exc:
            message = f"Cannot write the index to {self.index_dir}: {exc.strerror or exc}"
            if persist_required:
                raise IndexBuildError(message + " (check free disk space and permissions).") from exc
            log.warning("%s; serving the index from memory", message)
        return BuiltIndex(index, manifest, self.index_path, "built", reason)

    def _embed(self, entries, progress: bool) -> tuple[np.ndarray, np.ndarray, int]:
        """(text keys, (n, dim) float32 vectors, how many were reused): vectors of unchanged texts come
        from the last build with this embedder, only new or edited entries are embedded."""
        texts = [e.index_text() for e in entries]
        keys = [hashlib.sha1(f"{self.embedder.model_id}\0{t}".encode()).hexdigest() for t in texts]
        known: dict[str, np.ndarray] = {}
        try:
            with np.load(self.index_dir / VECTORS_FILE) as old:
                known = dict(zip(old["keys"].tolist(), old["vectors"]))
        except (OSError, ValueError, KeyError):
            pass
        todo = [i for i, k in enumerate(keys) if k not in known]
        fresh = self.embedder.encode([texts[i] for i in todo], progress=progress) if todo else None
        vectors = np.empty((len(texts), self.embedder.dim), dtype=np.float32)
        for j, i in enumerate(todo):
            vectors[i] = fresh[j]
        for i, k in enumerate(keys):
            if k in known:
                vectors[i] = known[k]
        return np.array(keys), vectors, len(texts) - len(todo)

    def _persist(self, index: faiss.Index, manifest: Manifest, entries, keys: np.ndarray, vectors: np.ndarray) -> None:
        """Index and snapshot first, manifest last, each via a temp file + rename: readers never see a
        half-written set."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        if self.manifest_path.exists():
            self.manifest_path.unlink()  # invalidate before replacing the index it describes
        atomic_write(self.index_path, faiss.serialize_index(index).tobytes())
        atomic_write(self.snapshot_path, json.dumps([e.model_dump(mode="json") for e in entries], ensure_ascii=False))
        buffer = io.BytesIO()
        np.savez(buffer, keys=keys, vectors=vectors)
        atomic_write(self.index_dir / VECTORS_FILE, buffer.getvalue())
        atomic_write(self.manifest_path, json.dumps(manifest.model_dump(), indent=2).encode("utf-8"))
