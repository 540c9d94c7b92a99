"""Where the saved head + entry sequence states live: in memory, or in files (the default with a cache folder).

    >>> import tempfile, time
    >>> files = StateFiles(Path(tempfile.mkdtemp()), max_bytes=2**20)
    >>> files.put(("head", (1, 2)), SeqState(b"state", 3)); time.sleep(0.5)  # written in the background
    >>> files.get(("head", (1, 2)))  # by any process using the folder, until the budget pushes it out
    SeqState(blob=b'state', n_tokens=3)

One state is about 5 MB (300 positions of 18 KB), and an entry has up to 4 prompt blocks, so the states of a
51-entry glossary outgrow the rest of the server. In files they cost page cache, which the kernel reclaims
under memory pressure, instead of the process's own memory; reading one back from the page cache takes a few
milliseconds, against the 0.1-0.2 s of evaluating the entry again. Both stores drop the least recently used
states past their budget.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import zlib
from pathlib import Path

from assistant.files import atomic_write
from assistant.generate.llamacpp_batch import SeqState
from assistant.lru import LRU

log = logging.getLogger(__name__)
_HEADER = 8  # CRC-32 of the rest, then the number of positions, both 4 bytes little-endian


def state_file_bytes(state: SeqState) -> bytes:
    """What a state file holds: CRC-32 of the rest, the number of positions, then the llama.cpp state."""
    body = state.n_tokens.to_bytes(4, "little") + state.blob
    return zlib.crc32(body).to_bytes(4, "little") + body


def read_state_file(path: Path) -> SeqState | None:
    """The state a file holds; None when there is none, or it is cut short or altered (then it is removed)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    view = memoryview(data)  # checked and cut without copying 6 MB twice more
    if len(data) <= _HEADER or zlib.crc32(view[4:]) != int.from_bytes(data[:4], "little"):
        log.warning("discarding a damaged saved state %s", path)
        path.unlink(missing_ok=True)
        return None
    return SeqState(bytes(view[_HEADER:]), int.from_bytes(data[4:_HEADER], "little"))


def state_cache(max_bytes: int) -> LRU[object, SeqState]:
    """Sequence states by key in memory, the least recently used dropped past ``max_bytes``."""
    return LRU(max_bytes, cost=lambda state: len(state.blob))


class StateFiles:
    """Sequence states by key, one file each in ``folder`` (named by a hash of the key, which must say
    everything the state depends on), the least recently used removed past ``max_bytes``. A file is written
    in the background, then renamed into place; one cut short or altered fails its checksum and is a miss.
    Processes may share the folder."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self._writing: set[Path] = set()
        self._lock = threading.Lock()

    def get(self, key: object) -> SeqState | None:
        path = self._path(key)
        state = read_state_file(path)
        if state is not None:
            try:
                os.utime(path)  # recently used: the last to be removed
            except OSError:  # removed by another process meanwhile: the state read is still whole
                pass
        return state

    def put(self, key: object, state: SeqState) -> None:
        """Returns at once (it is called between decoding steps); the file appears when written."""
        if self.max_bytes <= 0 or len(state.blob) > self.max_bytes:
            return
        path = self._path(key)
        with self._lock:
            if path in self._writing:
                return
            self._writing.add(path)
        threading.Thread(target=self._write, args=(path, state), name="llama-state-write", daemon=True).start()

    def _write(self, path: Path, state: SeqState) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(path, state_file_bytes(state))
            self._prune()
        except OSError as exc:  # a read-only or full disk costs evaluating the entry each time, nothing more
            log.warning("cannot keep a saved state in %s: %s", self.folder, exc.strerror or exc)
        finally:
            with self._lock:
                self._writing.discard(path)

    def _prune(self) -> None:
        files = []
        for path in self.folder.glob("*.state"):
            try:
                stat = path.stat()
            except OSError:  # removed by another process meanwhile
                continue
            files.append((stat.st_mtime, stat.st_size, path))
        kept = 0
        for _, size, path in sorted(files, key=lambda f: f[0], reverse=True):
            kept += size
            if kept > self.max_bytes:
                path.unlink(missing_ok=True)

    def _path(self, key: object) -> Path:
        return self.folder / f"{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}.state"

