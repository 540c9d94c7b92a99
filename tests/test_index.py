"""The persisted index: fresh loads, staleness, corruption recovery and atomic writes, with the real embedder."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest

from assistant.errors import IndexBuildError
from assistant.index import INDEX_FORMAT, IndexStore


@pytest.fixture()
def store(tmp_path, stack):
    return IndexStore(tmp_path / "index", stack.embedder)


def test_build_writes_index_and_manifest(store, glossary):
    built = store.load_or_build(glossary.entries)
    assert built.status == "built" and built.reason == "no index yet"
    manifest = json.loads(store.manifest_path.read_text())
    assert manifest["format_version"] == INDEX_FORMAT
    assert manifest["entries"] == len(glossary.entries) == built.index.ntotal
    assert manifest["dim"] == 384 and manifest["embedder"] == "all-MiniLM-L6-v2"
    assert {"faiss-cpu", "sentence-transformers", "torch"} <= set(manifest["versions"])
    assert not [p for p in store.index_dir.iterdir() if p.name.endswith(".tmp")]


def test_fresh_index_is_loaded_not_rebuilt(store, glossary):
    store.load_or_build(glossary.entries)
    again = store.load_or_build(glossary.entries)
    assert again.status == "loaded"


def test_corpus_change_triggers_rebuild(store, glossary, caplog):
    store.load_or_build(glossary.entries)
    changed = list(glossary.entries)
    changed[0] = changed[0].model_copy(update={"definition": changed[0].definition + " Edited."})
    with caplog.at_level("WARNING"):
        built = store.load_or_build(changed)
    assert built.status == "built" and built.reason == "corpus changed"
    assert "rebuilding the index" in caplog.text


def test_embedder_change_triggers_rebuild(store, glossary):
    store.load_or_build(glossary.entries)
    manifest = json.loads(store.manifest_path.read_text())
    manifest["embedder"] = "some/other-model"
    store.manifest_path.write_text(json.dumps(manifest))
    assert store.load_or_build(glossary.entries).reason.startswith("embedder changed")


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete_index", "manifest_garbage"])
def test_corrupt_or_missing_files_are_rebuilt_not_fatal(store, glossary, damage):
    store.load_or_build(glossary.entries)
    if damage == "truncate":
        data = store.index_path.read_bytes()
        store.index_path.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        store.index_path.write_bytes(os.urandom(4096))
    elif damage == "delete_index":
        store.index_path.unlink()
    else:
        store.manifest_path.write_text("{not json")
    built = store.load_or_build(glossary.entries)
    assert built.status == "built" and built.index.ntotal == len(glossary.entries)
    assert store.load_or_build(glossary.entries).status == "loaded"


def test_read_only_index_dir_serves_from_memory_or_fails_clearly(tmp_path, stack, glossary):
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    store = IndexStore(ro, stack.embedder)
    assert store.load_or_build(glossary.entries).index.ntotal == len(glossary.entries)
    with pytest.raises(IndexBuildError, match="Cannot write the index"):
        store.load_or_build(glossary.entries, persist_required=True)


def test_unwritable_index_path_fails_clearly(tmp_path, stack, glossary):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the index folder should be")
    store = IndexStore(blocker / "index", stack.embedder)
    assert store.load_or_build(glossary.entries).index.ntotal == len(glossary.entries)  # serves from memory
    with pytest.raises(IndexBuildError, match="Cannot write the index"):
        store.load_or_build(glossary.entries, persist_required=True)


def test_large_corpora_use_hnsw(tmp_path, stack, glossary):
    store = IndexStore(tmp_path / "index", stack.embedder, hnsw_above=10)
    built = store.load_or_build(glossary.entries)
    assert built.manifest.index_type == "hnsw32"


def test_rebuild_embeds_only_changed_entries(store, glossary, caplog):
    store.load_or_build(glossary.entries)
    changed = list(glossary.entries)
    changed[5] = changed[5].model_copy(update={"example": "A brand-new example sentence."})
    with caplog.at_level("INFO", logger="assistant.index"):
        built = store.load_or_build(changed)
    assert f"reused {len(changed) - 1} of {len(changed)} entry vectors; embedded 1" in caplog.text
    fresh = IndexStore(store.index_dir.parent / "fresh", store.embedder).load_or_build(changed)
    # same vectors as a from-scratch build, up to the float noise of different batch padding
    assert np.allclose(built.index.reconstruct_n(0, len(changed)), fresh.index.reconstruct_n(0, len(changed)), atol=1e-4)


def test_memory_mapped_index_gives_the_same_results(store, glossary, stack):
    store.load_or_build(glossary.entries)
    mapped = IndexStore(store.index_dir, stack.embedder, mmap=True).load_or_build(glossary.entries)
    assert mapped.status == "loaded"
    query = stack.embedder.encode_query("how does mixup blend images?")[None, :]
    assert (mapped.index.search(query, 5)[1] == store.load_or_build(glossary.entries).index.search(query, 5)[1]).all()
