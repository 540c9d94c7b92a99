"""Saved head + entry states in files: read back whole, a damaged file is a miss, the budget holds."""
from __future__ import annotations

import os
import time

from assistant.generate.llamacpp_batch import SeqState
from assistant.generate.llamacpp_states import StateFiles


def _written(store: StateFiles, key: object, state: SeqState) -> None:
    store.put(key, state)
    deadline = time.monotonic() + 10
    while store.get(key) is None and time.monotonic() < deadline:  # put writes in the background
        time.sleep(0.01)


def test_a_state_comes_back_as_it_was_saved_and_another_process_finds_it(tmp_path):
    state = SeqState(bytes(range(256)) * 100, 42)
    _written(StateFiles(tmp_path, max_bytes=2**20), ("prefix", (1, 2, 3)), state)
    again = StateFiles(tmp_path, max_bytes=2**20).get(("prefix", (1, 2, 3)))  # a new process, same folder
    assert again == state
    assert StateFiles(tmp_path, max_bytes=2**20).get(("prefix", (1, 2, 4))) is None


def test_a_damaged_or_cut_file_is_a_miss_and_is_removed(tmp_path):
    store = StateFiles(tmp_path, max_bytes=2**20)
    _written(store, "a", SeqState(b"x" * 1000, 7))
    (path,) = tmp_path.glob("*.state")
    data = bytearray(path.read_bytes())
    data[500] ^= 1
    path.write_bytes(bytes(data))
    assert store.get("a") is None and not path.exists()
    _written(store, "b", SeqState(b"y" * 1000, 7))
    (path,) = tmp_path.glob("*.state")
    path.write_bytes(path.read_bytes()[:300])
    assert store.get("b") is None and not path.exists()


def test_the_least_recently_used_files_go_past_the_budget(tmp_path):
    store = StateFiles(tmp_path, max_bytes=2500)
    for key in ("a", "b"):
        _written(store, key, SeqState(key.encode() * 1000, 1))
    past = time.time() - 60
    for path in tmp_path.glob("*.state"):
        os.utime(path, (past, past))
    assert store.get("a") is not None  # used again: now the newest
    _written(store, "c", SeqState(b"c" * 1000, 1))
    assert store.get("b") is None
    assert store.get("a") is not None and store.get("c") is not None


def test_an_unwritable_folder_only_costs_the_saved_state(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    store = StateFiles(blocker / "entries", max_bytes=2**20)
    store.put("a", SeqState(b"z" * 100, 1))
    deadline = time.monotonic() + 10
    while "cannot keep a saved state" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "cannot keep a saved state" in caplog.text
    assert store.get("a") is None
