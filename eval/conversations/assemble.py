"""Builds eval/conversations/real.jsonl (and written.jsonl, written-2.jsonl, ...) from the raw files, with a split
per conversation.

    $ python3 eval/conversations/assemble.py

- raw/collected.jsonl: conversations copied from public pages by a helper (sources per line). A conversation
  from a page that eval/real/questions.jsonl also drew on is `dev` (its first turns were seen while the
  single-question decision was developed); one from a page new to the project is `test`, held out.
- raw/collected2.jsonl: more conversations copied later by another helper from pages no earlier file used,
  with a second reader's drops and relabels in raw/review_collected2.jsonl: `test2`, held out.
- raw/written.jsonl: conversations written by a helper blind to the code, for the turn kinds public pages
  rarely show (corrections, ellipsis, pronouns); half of them, chosen by a hash of the id, are `test`.
- raw/written2.jsonl to raw/written152.jsonl: 34 to 40 more each, written later by one hundred and fifty-one
  more helpers that read only the glossary: `test3` to `test153`, held out (each file present is read: a new helper's
  file is the next split). Thirty-five conversations (x034, z017, w6-025, w6-035, w10-028, w20-008, w20-018, w29-001,
  w44-036, w45-004, w63-012, w64-015, w66-036, w67-040, w74-028, w79-036, w81-007, w81-024, w92-012, w93-032,
  w96-028, w102-037, w103-012, w105-034, w122-038, w127-018, w127-021, w132-021, w133-009, w135-035,
  w136-036, w141-026, w142-035, w145-022, w151-019) were taken out because a turn asked a question of eval/heldout.jsonl
  word for word: that set stays unseen.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).parent
HELPERS_PER_FILE = 100  # written sets per output file: about 3.5 MB each


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _page(url: str) -> str:
    return url.split("#")[0].rstrip("/").lower()


def _reviewed(conversations: list[dict], review: list[dict]) -> list[dict]:
    """The second reader's changes applied (turns are numbered from 1): split test2."""
    changes = {(r["conversation"], r.get("turn")): r for r in review}
    out = []
    for c in conversations:
        if any(r["action"] == "drop_conversation" for (cid, _), r in changes.items() if cid == c["id"]):
            continue
        turns = []
        for number, turn in enumerate(c["turns"], 1):
            change = changes.get((c["id"], number), {"action": "keep"})
            if change["action"] == "drop":
                continue
            if change["action"] == "relabel":
                turn = {**turn, "expected_terms": change["expected_terms"], "answerable": change["answerable"]}
            turns.append(turn)
        if turns:
            out.append({**c, "turns": turns, "split": "test2"})
    return out


def main() -> None:
    seen_pages = {_page(q.get("source", "")) for q in _lines(HERE.parent / "real" / "questions.jsonl")}
    collected = [{**c, "split": "dev" if _page(c["source"]) in seen_pages else "test"}
                 for c in _lines(HERE / "raw" / "collected.jsonl")]
    collected += _reviewed(_lines(HERE / "raw" / "collected2.jsonl"), _lines(HERE / "raw" / "review_collected2.jsonl"))
    (HERE / "real.jsonl").write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in collected),
                                     encoding="utf-8")
    written_raw = HERE / "raw" / "written.jsonl"
    if written_raw.exists():
        files: dict[str, list[dict]] = {}
        files[_written_file(1)] = [{**c, "split": "test" if hashlib.sha1(c["id"].encode()).digest()[0] % 2 else "dev"}
                                   for c in _lines(written_raw)]
        numbers = sorted(int(path.stem.removeprefix("written")) for path in (HERE / "raw").glob("written[0-9]*.jsonl"))
        for number in numbers:  # written2.jsonl is split test3, ...
            files.setdefault(_written_file(number), []).extend(
                {**c, "split": f"test{number + 1}"} for c in _lines(HERE / "raw" / f"written{number}.jsonl"))
        for stale in set(p.name for p in HERE.glob("written*.jsonl")) - files.keys():
            (HERE / stale).unlink()
        for name, written in files.items():
            (HERE / name).write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in written),
                                     encoding="utf-8")
    for name, pattern in (("real", "real.jsonl"), ("written", "written*.jsonl")):
        rows = [c for path in sorted(HERE.glob(pattern), key=_file_order) for c in _lines(path)]
        if rows:
            splits = dict.fromkeys(c["split"] for c in rows)
            print(name, {s: sum(c["split"] == s for c in rows) for s in splits},
                  "turns", sum(len(c["turns"]) for c in rows))


def _written_file(number: int) -> str:
    """The output file of raw written set ``number`` (raw/written.jsonl is 1): written.jsonl for the first
    ``HELPERS_PER_FILE`` sets, then written-2.jsonl, ..., so that no file reaches 5 MiB."""
    part = (number - 1) // HELPERS_PER_FILE + 1
    return "written.jsonl" if part == 1 else f"written-{part}.jsonl"


def _file_order(path: Path) -> int:
    return int(path.stem.partition("-")[2] or 1)


if __name__ == "__main__":
    main()
