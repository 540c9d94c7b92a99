"""The gap inbox: an opt-in log of the questions the glossary could not answer, grouped for its maintainers.

    >>> asked = [assistant.ask(q) for q in ("What is weight decay?", "explain weight decay pls",
    ...                                     "How does beam search work?")]
    >>> [a.outcome for a in asked], GapLog(None).record(asked[0])  # logging off: nothing is written
    (['refused', 'refused', 'refused'], False)
    >>> groups = group_gaps([GapRecord.from_answer(a) for a in asked], assistant.retriever.embedder)
    >>> [(g.count, g.stub.kind, g.stub.term) for g in groups]
    [(2, 'new_entry', 'Weight Decay'), (1, 'new_entry', 'Beam Search')]

``GapLog`` appends one JSON line per refused or closest-entry answer (injections and wordless input are not
gaps); ``read_gaps`` reads the file back, skipping what it cannot parse; ``group_gaps`` groups paraphrases of one
missing concept and suggests a stub per group: a new entry, or an alias when the glossary answered most of the
group from one entry (it has the thing under another name).
"""
from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import TypeAdapter, ValidationError
from rapidfuzz.process import cdist
from rapidfuzz.distance import OSA

from assistant.corpus import Entry
from assistant.embed import Embedder
from assistant.files import append_line
from assistant.schema import Answer
from assistant.text import QUERY_WORDS, STOPWORDS, fold, normalize_name, words

log = logging.getLogger(__name__)
FORMAT_VERSION = 1  # the "v" of every line; lines of another version are skipped
MAX_QUESTION_CHARS = 2_000
MAX_RECORDS = 5_000  # the latest ones are grouped: the (k, k) float32 similarity matrix stays near 100 MB
# Chosen on tests/test_inbox.py's CALIBRATION (ten concepts, 54 questions, neighbours in meaning among them), not
# on its target groups: pairwise F1 against the true grouping is best (0.91) from 0.285 to 0.365, and this is the
# middle; below, layer and batch normalization merge, above, paraphrases split off. The target groups (three
# concepts, ten paraphrases each) then come out exactly from 0.215 to 0.42.
MIN_SIMILARITY = 0.33
_NOT_GAPS = ("injection", "no_words")
_MIN_TYPO_NAME = 8  # shorter names one letter apart are often two things: ReLU/GELU, ResNet/ResNeXt, Adam/AdamW


@dataclass(frozen=True)
class GapRecord:
    """One logged question. ``closest``: the entry a closest-entry answer cited."""

    time: str
    question: str
    resolved_question: str | None
    outcome: Literal["refused", "closest"]
    reason: str
    subject: str | None
    closest: str | None
    suggestions: tuple[str, ...]
    glossary_version: str

    @classmethod
    def from_answer(cls, answer: Answer) -> GapRecord:
        closest = answer.citations[0].term if answer.outcome == "closest" and answer.citations else None
        resolved = answer.resolved_question[:MAX_QUESTION_CHARS] if answer.resolved_question is not None else None
        return cls(datetime.now(timezone.utc).isoformat(timespec="seconds"), answer.question[:MAX_QUESTION_CHARS],
                   resolved, answer.outcome, answer.reason, answer.subject, closest, tuple(answer.suggestions),
                   answer.glossary_version)

    @property
    def text(self) -> str:
        """What was asked in full: a follow-up's resolved question, else the question."""
        return self.resolved_question or self.question


_RECORD = TypeAdapter(GapRecord)  # lines are read back through the dataclass's types


class GapLog:
    """Appends gaps to a JSON-lines file (``files.append_line``: threads and server workers appending at once
    never interleave within a line); ``GapLog(None)`` is off and writes nothing. A failed write is logged and
    never breaks answering."""

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path is not None else None

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def record(self, answer: Answer) -> bool:
        """Appends the answer when it is a gap; whether a line was written."""
        if self.path is None or answer.outcome not in ("refused", "closest") or answer.reason in _NOT_GAPS:
            return False
        row = {"v": FORMAT_VERSION, **asdict(GapRecord.from_answer(answer))}
        try:  # ASCII escapes: a lone surrogate in a question cannot fail the encoding
            append_line(self.path, json.dumps(row))
        except OSError as exc:
            log.warning("cannot append to the gap log %s (%s); answering goes on", self.path, exc)
            return False
        return True


def read_gaps(path: Path) -> list[GapRecord]:
    """The file's records in order; a missing file is empty. Blank lines are ignored; lines that are not a record
    of this format (cut short, not UTF-8, another version) are skipped with one warning."""
    try:
        lines = Path(path).read_bytes().splitlines()
    except FileNotFoundError:
        return []
    records, skipped = [], 0
    for line in lines:
        if not line.strip():
            continue
        try:
            row = json.loads(line.decode("utf-8"))
            if not isinstance(row, dict) or row.pop("v", None) != FORMAT_VERSION:
                raise ValueError("not a record of this format")
            records.append(_RECORD.validate_python(row))
        except (ValueError, ValidationError):  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            skipped += 1
    if skipped:
        log.warning("skipped %d malformed lines of the gap log %s", skipped, path)
    return records


@dataclass(frozen=True)
class Stub:
    """A suggested glossary change: a new entry named ``term``, or ``term`` as an alias of the existing ``entry``."""

    kind: Literal["new_entry", "alias"]
    term: str
    entry: str | None


@dataclass(frozen=True)
class GapGroup:
    """Paraphrases of one missing concept. ``examples``: up to three distinct questions, the most typical first;
    ``subject``: the commonest subject as written; ``records``: all of them, in log order."""

    count: int
    examples: list[str]
    subject: str | None
    stub: Stub
    records: list[GapRecord]


def group_gaps(records: Sequence[GapRecord], embedder: Embedder, min_similarity: float = MIN_SIMILARITY,
               entries: Sequence[Entry] = ()) -> list[GapGroup]:
    """Groups the latest ``MAX_RECORDS`` records, largest group first. Records naming the same subject start
    together; groups then merge while their average cosine is at least ``min_similarity`` (average linkage).
    ``entries``: the glossary's, to check an alias's entry still exists (without them, any cited entry does)."""
    records = list(records)[-MAX_RECORDS:]
    if not records:
        return []
    vectors = embedder.encode([_about(r.text) for r in records])  # (n, dim) float32, L2-normalised
    names = {normalize_name(n): e.term for e in entries for n in e.names}
    groups = [_group([records[i] for i in members], vectors[members], names)
              for members in _average_linkage(vectors, _subject_seeds(records), min_similarity)]
    return sorted(groups, key=lambda g: -g.count)


def _content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and w not in QUERY_WORDS and len(w) > 1 and not w.isdigit()]


def _about(text: str) -> str:
    """What a question is about: its words without those that say how it is asked. Embedded whole, questions
    sharing a template ("..., what is that called?") sit closer than questions sharing a subject."""
    return " ".join(_content_words(text)) or text


def _subject_seeds(records: list[GapRecord]) -> list[list[int]]:
    """Record indexes by subject, the same name up to one typo (an edit or two swapped letters, not a digit:
    "fcoal loss" is "focal loss", "L1 loss" is not "L2 loss"); a record without a subject alone."""
    keys = [normalize_name(r.subject or "") for r in records]
    names = sorted({k for k in keys if k})
    root = list(range(len(names)))  # union-find over the distinct names

    def find(a: int) -> int:
        while root[a] != a:
            a = root[a]
        return a

    distances = cdist(names, names, scorer=OSA.distance, score_cutoff=1, dtype=np.uint8)  # (s, s)
    for a, b in zip(*np.nonzero(distances == 1)):
        if a < b and min(len(names[a]), len(names[b])) >= _MIN_TYPO_NAME and _digits(names[a]) == _digits(names[b]):
            root[find(a)] = find(b)
    number = {n: i for i, n in enumerate(names)}
    seeds: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        seeds.setdefault(find(number[k]) if k else len(names) + i, []).append(i)
    return list(seeds.values())


def _digits(name: str) -> str:
    return "".join(c for c in name if c.isdigit())


def _average_linkage(vectors: np.ndarray, seeds: list[list[int]], threshold: float) -> list[list[int]]:
    """Merges the closest two groups while their average pairwise cosine is at least ``threshold``.

    The average cosine between groups A and B is mean(A) . mean(B) for unit vectors, so a group is its vector sum
    and size. Each row's best partner is cached, so a merge costs O(k) rows instead of a search of all k x k pairs.
    """
    members = [list(s) for s in seeds]
    sums = np.stack([vectors[s].sum(axis=0) for s in seeds]).astype(np.float64)  # (k, dim)
    sizes = np.array([len(s) for s in seeds], dtype=np.float64)
    means = sums / sizes[:, None]
    sim = (means @ means.T).astype(np.float32)  # (k, k) average cosine between groups
    np.fill_diagonal(sim, -np.inf)
    partner = sim.argmax(axis=1)
    best = sim[np.arange(len(seeds)), partner]
    while True:
        i = int(best.argmax())
        if best[i] < threshold:
            break
        j = int(partner[i])
        members[i] += members[j]
        members[j] = []
        sums[i] += sums[j]
        sizes[i] += sizes[j]
        sizes[j] = 0
        alive = sizes > 0
        row = np.full(len(sizes), -np.inf)
        row[alive] = (sums[alive] @ sums[i]) / (sizes[alive] * sizes[i])
        row[i] = -np.inf
        sim[i], sim[:, i] = row, row
        sim[j], sim[:, j] = -np.inf, -np.inf
        stale = (partner == i) | (partner == j)  # their best partner changed: search their rows again
        stale[[i, j]] = True
        partner[stale] = sim[stale].argmax(axis=1)
        best[stale] = sim[stale, partner[stale]]
        better = row > best
        partner[better], best[better] = i, row[better]
    return [sorted(m) for m in members if m]  # in log order


def _group(records: list[GapRecord], vectors: np.ndarray, names: dict[str, str]) -> GapGroup:
    examples: dict[str, str] = {}  # folded text -> its first spelling, the most typical (nearest the mean) first
    for i in np.argsort(-(vectors @ vectors.mean(axis=0)), kind="stable"):
        examples.setdefault(fold(records[i].text).strip(), records[i].text)
    written = Counter(r.subject.strip() for r in records if r.subject and normalize_name(r.subject))
    by_name = Counter(normalize_name(s) for s in written.elements())
    subject = None
    if by_name:  # the commonest subject, in its commonest spelling
        top = by_name.most_common(1)[0][0]
        subject = max((s for s in written if normalize_name(s) == top), key=lambda s: (written[s], not s.isupper()))
    term = _title(subject) if subject else _commonest_phrase([r.text for r in records])
    closest = Counter(r.closest for r in records if r.outcome == "closest" and r.closest).most_common(1)
    entry = None
    if closest and 2 * closest[0][1] > len(records):  # most of the group was answered from this entry
        entry = names.get(normalize_name(closest[0][0])) if names else closest[0][0]
    stub = Stub("alias", term, entry) if entry else Stub("new_entry", term, None)
    return GapGroup(len(records), list(examples.values())[:3], subject, stub, records)


def _title(text: str) -> str:
    """Each word's first letter capitalised, the rest as written: "t-SNE plots" -> "T-SNE Plots"."""
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def _commonest_phrase(texts: list[str]) -> str:
    """The 1-3 word run of content words found in the most questions (the longer on a tie), title-cased."""
    counts: Counter[str] = Counter()
    for text in texts:
        runs, run = [], []
        content = set(_content_words(text))
        for w in [*words(text), ""]:  # "" ends the last run
            if w in content:
                run.append(w)
            elif run:
                runs.append(run)
                run = []
        counts.update({" ".join(r[i:i + n]) for r in runs for n in (1, 2, 3) for i in range(len(r) - n + 1)})
    if not counts:
        return _title(texts[0][:60])
    return _title(max(counts, key=lambda p: (counts[p], len(p.split()))))
