"""Builds eval/real/questions.jsonl from the collected files in eval/real/raw/ (questions copied from
public sources, each with its source). Run from the repository root: ``python eval/real/assemble.py``.

Every question keeps its text exactly as collected. A second reader's review (``review_*.jsonl``: drop a
question whose subject was lost in trimming, or relabel it) is applied on top. Questions are split by
*source page*: all the questions of one page go to the same split, chosen by a hash of the page address,
so that the test split holds pages no rule or threshold was developed on. Duplicates are dropped, and so are
questions a text generator wrote (``MACHINE_WRITTEN``, below), which keep their ids.

Round 2 (``raw/round2.jsonl``: 117 questions from 84 pages no earlier file uses, collected after round 1's
test split had been run) is the split ``test2``: round 1's ``test`` was run once and is development data since.
Round 3 (``raw/round3.jsonl``: 64 questions from 64 more new pages) is ``test3``, collected once ``test2`` had
been run and become development data in turn. Round 4 (``raw/round4.jsonl``, 34 questions) is ``test4`` and round 5
(``raw/round5.jsonl``, 110 questions from 105 new pages, collected on 2026-12-02) is ``test5``; both were reviewed by
a second reader (``review_round4.jsonl``, ``review_round5.jsonl``) before any run. Round 6 (``raw/round6.jsonl``,
100 questions from 99 new pages, collected and reviewed (``review_round6.jsonl``) on 2026-12-02, after rounds 4 and
5 had been run) is ``test6``. Round 7 (``raw/round7.jsonl``, 60 questions from 48 new pages, mostly interview
question banks, Stack Exchange and courses; reviewed in ``review_round7.jsonl``), collected the same day once
``test6`` had been run, is ``test7``. Round 8 (``raw/round8.jsonl``, 50 questions from 50 new pages, 42 of them GitHub
issues, and ``raw/round8b.jsonl``, 13 more from 13 pages, mostly Stack Exchange and its mirrors; reviewed in
``review_round8.jsonl`` and ``review_round8b.jsonl``), collected once ``test7`` had been run, is ``test8``. Round 9 (``raw/round9.jsonl``, 33 questions from 33 new pages;
reviewed in ``review_round9.jsonl``: 11 dropped), collected once ``test8`` had been run, is ``test9``. Round 10 (``raw/round10.jsonl``, 49 questions from 41 new pages, mostly
course questionnaires and interview banks; reviewed in ``review_round10.jsonl``: 7 dropped, 3 relabelled), collected on
2026-12-03 with the build that ran ``test9`` unchanged, is ``test10``. Round 11 (``raw/round11.jsonl``, 38 questions
from 38 new pages, 33 of them GitHub issues; reviewed in ``review_round11.jsonl``: 15 dropped, 1 relabelled), collected
the same day once ``test10`` had been run, is ``test11``. Round 12 (``raw/round12.jsonl``, 56 questions from 56 new pages,
53 of them GitHub issues; reviewed in ``review_round12.jsonl``: 9 dropped, 2 relabelled), collected on 2026-12-03 once
the conversation and other-glossary work had landed, is ``test12``. Round 13 (``raw/round13.jsonl``, 31 questions from
30 new pages, 18 of them GitHub issues and 11 interview or quiz banks; reviewed in ``review_round13.jsonl``: 4 dropped,
1 relabelled), collected on 2026-12-03 once ``test12`` had been run, is ``test13`` Round 14 (``raw/round14.jsonl``, 60 questions from
60 new pages, 35 of them GitHub issues and 13 interview banks; reviewed in ``review_round14.jsonl``: 3 dropped,
3 relabelled; 2 asked word for word on pages an earlier round used, kept there), collected on 2026-12-04 with the conversation work of that day in progress, is ``test14``. Round 15
(``raw/round15.jsonl``, 60 questions from 56 new pages, 41 of them course quizzes and practice exams, the pages
that issues and Stack Exchange threads earlier rounds had not used were few; reviewed in ``review_round15.jsonl``:
10 dropped, 2 relabelled), collected on 2026-12-04 (stop 34), is ``test15``. Round 16 (``raw/round16.jsonl``, 55 questions
from 55 new pages, all of them GitHub issues, fresh pages of other kinds being used up; 3 more questions whose pages
the conversation set uses were left out; reviewed in ``review_round16.jsonl``: 7 dropped, 11 relabelled), collected on
2026-12-04 (stop 35), is ``test16``. Round 17 (``raw/round17.jsonl``, 40 questions from 39 new pages, 29 of them GitHub
issues, fewer than asked for since fresh pages are scarce; reviewed in ``review_round17.jsonl``: 4 dropped, 3
relabelled), collected on 2026-12-04 (stop 36), is ``test17``. Round 18 (``raw/round18.jsonl``, 50 questions from 50 new
pages, 17 of them interview banks, 9 GitHub issues and 8 forum threads; reviewed in ``review_round18.jsonl``: 2
dropped), collected on 2026-12-04 (stop 36), is ``test18``. Round 19 (``raw/round19.jsonl``, 45 questions from 45 new
pages, 31 of them GitHub issues and 8 book exercises, none from interview banks; reviewed in ``review_round19.jsonl``:
4 dropped, 2 relabelled), collected the same day once ``test18`` had been run, is ``test19``. Rounds 20 and 21, collected
on 2026-12-04 (stop 37) by two helpers at once from separate kinds of pages, are ``test20`` (``raw/round20.jsonl``,
45 questions from 45 GitHub issues, Stack Exchange pages new to the set being few; reviewed in
``review_round20.jsonl``: 8 dropped, 3 relabelled) and ``test21`` (``raw/round21.jsonl``, 45 questions from 39 new
interview banks, course quizzes, book exercises and forum pages; reviewed in ``review_round21.jsonl``: 5 dropped).
Round 22 (``raw/round22.jsonl``, 45 questions from 44 new pages of any kind, asked to favour the entries earlier rounds
ask least about; reviewed in ``review_round22.jsonl``: 13 dropped, most for a subject the trimmed text no longer
names), collected the same day once the stop's work on conversations had landed, is ``test22``. Round 23
(``raw/round23.jsonl``, 45 questions from 45 new pages, mostly GitHub issues, favouring the entries earlier rounds ask
least about; reviewed in ``review_round23.jsonl``: 7 dropped), collected on 2026-12-05 (stop 38), is ``test23``. Round 24
(``raw/round24.jsonl``, 45 questions from 45 new pages, most of them course quizzes, Q&A sites and interview banks;
reviewed in ``review_round24.jsonl``: 27 dropped, 20 of them near-repeats of earlier questions), collected the same
day, is ``test24``. Round 25 (``raw/round25.jsonl``, 45 questions from 45 new pages, 36 of them interview banks;
reviewed in ``review_round25.jsonl``: 27 dropped, 22 of them repeats of earlier questions), collected on 2026-12-05
(stop 39), is ``test25``. Round 26 (``raw/round26.jsonl``, 45 questions from 45 new pages, 44 of them GitHub issues;
reviewed in ``review_round26.jsonl``: 9 dropped, 1 relabelled), collected on 2026-12-06 (stop 40), is ``test26``.
Round 27 (``raw/round27.jsonl``, 45 questions from 45 new pages, 33 of them interview banks; reviewed in
``review_round27.jsonl``: 8 dropped), collected on 2026-12-06 (stop 41), is ``test27``. Round 28 (``raw/round28.jsonl``,
45 questions from 45 new pages, 39 of them GitHub issues; reviewed in ``review_round28.jsonl``: 10 dropped), collected
on 2026-12-06 (stop 42), is ``test28``. Round 29 (``raw/round29.jsonl``, 45 questions from 45 new pages, 39 of them
GitHub issues; reviewed in ``review_round29.jsonl``: 16 dropped), collected on 2026-12-06 (stop 43), is ``test29``.
Round 30 (``raw/round30.jsonl``, 45 questions from 45 new pages, 27 of them interview banks; reviewed in
``review_round30.jsonl``: 7 dropped), collected the same day once ``test29`` had been run, is ``test30``. Round 31
(``raw/round31.jsonl``, 45 questions from 45 new pages, 44 of them GitHub issues; reviewed in ``review_round31.jsonl``:
27 dropped, most of them fragments of issues that only their repository could answer), collected at the end of stop
43, is ``test31``. Round 32 (``raw/round32.jsonl``, 45 questions from 45 new pages, 44 of them GitHub issues;
reviewed in ``review_round32.jsonl``: 19 dropped), collected on 2026-12-06 (stop 44) once ``test31`` had been run, is
``test32``. Round 33 (``raw/round33.jsonl``, 45 questions from 45 new pages, 38 of them interview banks; reviewed in
``review_round33.jsonl``: 5 dropped), collected at the end of stop 44, is ``test33``. Round 34 (``raw/round34.jsonl``,
45 questions from 45 new pages, 44 of them GitHub issues; reviewed in ``review_round34.jsonl``: 11 dropped, two of
them from pages the conversation set had copied from), collected on 2026-12-06 (stop 45) once ``test33`` had been
run, is ``test34``. Round 35 (``raw/round35.jsonl``, 45 questions from 45 new pages, 16 of them book exercises and 13
interview banks; reviewed in ``review_round35.jsonl``: 4 dropped), collected at the end of stop 45, is ``test35``.
Round 36 (``raw/round36.jsonl``, 45 questions from 45 new pages, 32 of them GitHub issues and 10 course pages; reviewed
in ``review_round36.jsonl``: 11 dropped), collected on 2026-12-06 (stop 46) once ``test35`` had been run, is ``test36``.
Round 37 (``raw/round37.jsonl``, 45 questions from 45 new pages, 26 of them interview banks and 12 GitHub issues;
reviewed in ``review_round37.jsonl``: 10 dropped), collected at the end of stop 46, is ``test37``, run at the start of
stop 47. Round 38 (``raw/round38.jsonl``, 45 questions from 45 new pages, 29 of them GitHub issues and 12 book
exercises; reviewed in ``review_round38.jsonl``: 14 dropped), collected during stop 47, is ``test38``, run at the end
of stop 47.
Round 39 (``raw/round39.jsonl``, 45 questions from 45 new pages, 26 of them interview banks and 16 GitHub issues;
reviewed in ``review_round39.jsonl``: 11 dropped), collected during stop 47 for the next stop, is ``test39``, run at
the start of stop 48. Round 40 (``raw/round40.jsonl``, 45 questions from 45 new pages, 39 of them interview-question
repositories and 6 GitHub issues; reviewed in ``review_round40.jsonl``: 29 dropped, 24 of them repeats of earlier
asks), collected during stop 48, is ``test40``, run at its end. Round 41 (``raw/round41.jsonl``, 45 questions from 45
new pages, 22 of them interview pages and 10 GitHub issues; reviewed: 34 dropped, 33 of them repeats of earlier asks;
``review_round41.jsonl`` holds 32, the other two are word-for-word copies that the duplicate check drops, since a
review line drops every question with its text, the earlier one too), collected at the end of stop 48 for the next
stop, is ``test41``, run at the start of stop 49. Round 42 (``raw/round42.jsonl``, 44 questions from 44 new pages, 24 of
them GitHub issues and 6 interview pages; reviewed in ``review_round42.jsonl``: 28 dropped, 25 of them repeats of
earlier asks), collected during stop 49, is ``test42``, run at its end; a 45th question, "What is: Sharpness-Aware
Minimization?", which the reader had dropped as a repeat, was taken out of both files: eval/heldout.jsonl asks it.
Round 43 (``raw/round43.jsonl``, 45 questions from 45 new pages, 31 of them interview-question repositories and 8 GitHub
issues; reviewed: 25 dropped, 22 of them repeats of earlier asks; ``review_round43.jsonl`` holds 24, the other one is a
word-for-word copy that the duplicate check drops), collected at the end of stop 49 for the next stop, is ``test43``,
run at the start of stop 50. Round 44 (``raw/round44.jsonl``, 45 questions from 45 new pages, 17 of them course pages
and 15 GitHub issues; reviewed in ``review_round44.jsonl``: 27 dropped, 24 of them repeats of earlier asks), collected
during stop 50, is ``test44``, run at its end. Round 45 (``raw/round45.jsonl``, 44 questions from 44 new pages, most of
them interview-question pages, 9 GitHub issues; reviewed: 33 dropped, 29 of them repeats of earlier asks;
``review_round45.jsonl`` holds 32, the other one is a word-for-word copy that the duplicate check drops; a 45th
question, a repeat about restricted Boltzmann machines, was taken out of both files: eval/heldout.jsonl asks it),
collected at the end of stop 50 for the next stop, is ``test45``, run at the start of stop 51. Round 46
(``raw/round46.jsonl``, 45 questions from 45 new pages, 21 of them interview-question pages and 9 GitHub issues;
reviewed in ``review_round46.jsonl``: 29 dropped, all repeats of earlier asks), collected during stop 51, is
``test46``, run at its end. Round 47 (``raw/round47.jsonl``, 44 questions from 44 new pages, 38 of them
interview-question pages, fresh pages of other kinds being used up; reviewed: 36 dropped, all repeats of earlier asks;
``review_round47.jsonl`` holds 23, the other 13 are word-for-word copies that the duplicate check drops; a 45th
question, about restricted Boltzmann machines, was taken out: eval/heldout.jsonl asks it), collected at the end of
stop 51 for the next stop, is ``test47``, run at the start of stop 52. Round 48 (``raw/round48.jsonl``, 20
questions from 20 new pages, all GitHub issues: Q&A, forum and interview pages had no fresh asks left; reviewed: 3
dropped, all repeats of earlier asks), collected during stop 52, is ``test48``, run at its end. Round 49
(``raw/round49.jsonl``, 17 questions from 17 new GitHub issue pages; reviewed: 8 dropped, two repeats of earlier
asks, two that do not stand alone, four with an undecidable label, and 1 relabelled), collected at the end of stop 52
for the next stop, is ``test49``, run at the start of stop 53. Round 50 (``raw/round50.jsonl``, 18 questions from 18
new GitHub issue pages, fresh asks being nearly used up; reviewed: 2 dropped, one that does not stand alone and one
with an undecidable label), collected during stop 53, is ``test50``, run at its end. Round 51 (``raw/round51.jsonl``, 20
questions from 20 new pages, 19 GitHub issues and one Stack Exchange question; reviewed: 3 dropped, all three not
standing alone once trimmed), collected at the end of stop 53 for the next stop, is ``test51``, run at the start of
stop 54. Round 52 (``raw/round52.jsonl``, 37 questions from 37 new GitHub issue pages; reviewed: 9 dropped, six that
do not stand alone once trimmed, one from a page that carries chatbot text, two with an undecidable label), collected
during stop 54, is ``test52``, run at its end. Round 53 (``raw/round53.jsonl``, 27 questions from 27 new GitHub issue
pages, fresh asks being nearly used up; reviewed: 5 dropped, four that do not stand alone once trimmed and one repeat
of an earlier ask), collected at the end of stop 54 for the next stop, is ``test53``, run at the start of stop 55.
Round 54 (``raw/round54.jsonl``, 26 questions from 26 new pages, 24 GitHub issues and two Stack Exchange questions;
reviewed: 1 dropped, a question that does not stand alone once trimmed), collected during stop 55, is ``test54``, run
at its end. Round 55 (``raw/round55.jsonl``, 18 questions from 18 new pages, 17 GitHub issues and a course forum
post, fresh pages being scarce; reviewed: 3 dropped, questions that do not stand alone without their page), collected
during stop 56, is ``test55``, run during it. Round 56 (``raw/round56.jsonl``, 15 questions from 15 new
GitHub issue pages; reviewed: 6 dropped, five whose label readers would split on and one repeat of an earlier ask),
collected during stop 56, is ``test56``, run at its end.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
TEST_SHARE = 45  # percent of round 1's source pages that go to its test split
LATER_ROUNDS = {"round2.jsonl": "test2", "round3.jsonl": "test3",  # collected file -> its split: held out until
                "round4.jsonl": "test4", "round5.jsonl": "test5", "round6.jsonl": "test6",  # run once
                "round7.jsonl": "test7", "round8.jsonl": "test8", "round8b.jsonl": "test8",
                "round9.jsonl": "test9", "round10.jsonl": "test10",
                "round11.jsonl": "test11", "round12.jsonl": "test12", "round13.jsonl": "test13",
                "round14.jsonl": "test14", "round15.jsonl": "test15", "round16.jsonl": "test16",
                "round17.jsonl": "test17", "round18.jsonl": "test18",
                "round19.jsonl": "test19", "round20.jsonl": "test20", "round21.jsonl": "test21",
                "round22.jsonl": "test22", "round23.jsonl": "test23",
                "round24.jsonl": "test24", "round25.jsonl": "test25",
                "round26.jsonl": "test26", "round27.jsonl": "test27", "round28.jsonl": "test28",
                "round29.jsonl": "test29", "round30.jsonl": "test30",
                "round31.jsonl": "test31", "round32.jsonl": "test32",
                "round33.jsonl": "test33", "round34.jsonl": "test34",
                "round35.jsonl": "test35", "round36.jsonl": "test36", "round37.jsonl": "test37",
                "round38.jsonl": "test38", "round39.jsonl": "test39", "round40.jsonl": "test40",
                "round41.jsonl": "test41", "round42.jsonl": "test42", "round43.jsonl": "test43",
                "round44.jsonl": "test44", "round45.jsonl": "test45",
                "round46.jsonl": "test46", "round47.jsonl": "test47",
                "round48.jsonl": "test48", "round49.jsonl": "test49",
                "round50.jsonl": "test50", "round51.jsonl": "test51",
                "round52.jsonl": "test52", "round53.jsonl": "test53",
                "round54.jsonl": "test54", "round55.jsonl": "test55",
                "round56.jsonl": "test56"}
FIELDS = ("question", "expected_terms", "answerable", "ask", "concept", "source", "source_kind", "title")
# Questions no person asked: a text generator wrote them (checked in stop 52 question by question: the commit that
# introduced the question carries an AI author or co-author trailer, or the page carries chatbot text, or an agent
# workflow in the repository writes those files). By source address (scheme and "www." aside) for pages wholly
# written so, by id where only some questions of a page were. They keep their ids, so no other id moves, and are
# left out of questions.jsonl.
MACHINE_WRITTEN = ("github.com/wicai/ml_fundamentals", "github.com/ajmalrasi/ml-interview-prep",
                   "github.com/Shakkak/ml-interview-prep", "github.com/nthirukachi/masai",
                   "github.com/sobyspauw/robitquiz", "github.com/prashantkul/ai-ml-interviews-study-guide")
MACHINE_WRITTEN_IDS = frozenset({"r1343", "r1454", "r1456", "r1457", "r1598", "r1599", "r1617", "r1618", "r1764",
                                 "r1829", "r1831", "r1842", "r1843", "r1844", "r1845", "r1846", "r2000", "r2024",
                                 "r2026", "r2040"})


def page_of(source: str) -> str:
    """The page a question came from: its address without fragment or query (a GitHub file: repo and path)."""
    parts = urlsplit(source.strip())
    path = parts.path.rstrip("/")
    if parts.netloc == "github.com" and "/blob/" in path:  # any commit or branch of one file is one page
        owner_repo, _, rest = path.partition("/blob/")
        path = owner_repo + "/" + rest.partition("/")[2]
    return f"{parts.netloc}{path}".lower()


def split_of(source: str) -> str:
    digest = int(hashlib.sha1(page_of(source).encode()).hexdigest(), 16)
    return "test" if digest % 100 < TEST_SHARE else "dev"


def machine_written(row: dict) -> bool:
    address = re.sub(r"^https?://(?:www\.)?", "", row["source"].strip())
    return row["id"] in MACHINE_WRITTEN_IDS or address.startswith(MACHINE_WRITTEN)


def kind_of(item: dict) -> str:
    if item["answerable"]:
        return item.get("ask") or "definition"
    return "uncovered_near" if item.get("near") else "uncovered"


def reviews() -> dict[str, dict]:
    """question text -> the reviewer's action (drop, or relabel with expected_terms and answerable)."""
    out = {}
    for path in sorted(HERE.glob("review_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out[item["question"]] = item
    return out


def main() -> int:
    seen: set[str] = set()
    review = reviews()
    rows = []
    rounds = [HERE / "raw" / name for name in LATER_ROUNDS]  # in the order they were collected: the first keeps a
    for path in sorted(set((HERE / "raw").glob("*.jsonl")) - set(rounds)) + rounds:  # question asked twice
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            item = json.loads(line)
            missing = [f for f in ("question", "expected_terms", "answerable", "source") if f not in item]
            if missing:
                sys.exit(f"{path.name}, line {number}: missing {missing}")
            key = " ".join(item["question"].lower().split())
            if key in seen:
                continue
            seen.add(key)
            action = review.get(item["question"])
            if action and action["action"] == "drop":
                continue
            if action and action["action"] == "relabel":
                item |= {"expected_terms": action["expected_terms"], "answerable": action["answerable"],
                         "relabelled": action["why"]}
            row = {f: item[f] for f in FIELDS if f in item}
            row |= {k: item[k] for k in ("near", "relabelled") if item.get(k)}
            split = LATER_ROUNDS.get(path.name) or split_of(item["source"])
            row |= {"kind": kind_of(item), "split": split, "collected_in": path.name}
            rows.append(row)
    splits = list(dict.fromkeys(("dev", "test", *LATER_ROUNDS.values())))  # a new round's ids follow the others'
    rows.sort(key=lambda r: (splits.index(r["split"]), not r["answerable"], page_of(r["source"]), r["question"]))
    width = 3  # ids keep three digits (r001 ... r998) and grow past 999 (r1001): earlier ids stay as they were
    numbered = [{"id": f"r{i:0{width}d}", **row} for i, row in enumerate(rows, 1)]
    rows = [r for r in numbered if not machine_written(r)]
    print(f"left out as machine-written: {len(numbered) - len(rows)}")
    with open(HERE / "questions.jsonl", "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    for split in splits:
        part = [r for r in rows if r["split"] == split]
        terms = {t for r in part for t in r["expected_terms"]}
        print(f"{split}: {len(part)} questions, {sum(r['answerable'] for r in part)} answerable over "
              f"{len(terms)} entries, {sum(not r['answerable'] for r in part)} uncovered, "
              f"{len({page_of(r['source']) for r in part})} source pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
