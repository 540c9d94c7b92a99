"""Conversations over HTTP (history, resolved_question), sentence sources, follow-ups and feedback, against a
real server on loopback; and the eval commands that read conversations and feedback."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest

from assistant.settings import ROOT
from assistant.web.server import create_app
from tests.conftest import LiveServer

HISTORY = [{"question": "What is label smoothing?", "answer": "Label smoothing is …", "citations": ["Label Smoothing"]}]


def test_a_follow_up_is_answered_in_the_light_of_the_history(live_server):
    r = httpx.post(f"{live_server.url}/api/ask", json={"question": "and an example?", "history": HISTORY}, timeout=60)
    body = r.json()
    assert r.status_code == 200 and body["resolved_question"] == "Label Smoothing: an example?"
    assert body["question"] == "and an example?" and body["citations"][0]["term"] == "Label Smoothing"
    assert body["glossary_version"]


def test_the_stream_takes_the_history_too_and_answer_objects_are_accepted_as_turns(live_server):
    first = httpx.post(f"{live_server.url}/api/ask", json={"question": "what is mixup?"}, timeout=60).json()
    with httpx.stream("POST", f"{live_server.url}/api/ask/stream", timeout=60,
                      json={"question": "how is it different from label smoothing?", "history": [first]}) as r:
        final = [json.loads(line[5:]) for line in r.iter_lines() if line.startswith("data:")][-1]
    assert {c["term"] for c in final["citations"]} == {"Mixup", "Label Smoothing"}
    assert final["resolved_question"] == "how is Mixup different from label smoothing?"


def test_without_history_the_question_is_answered_alone(live_server):
    body = httpx.post(f"{live_server.url}/api/ask", json={"question": "and an example?"}, timeout=60).json()
    assert body["resolved_question"] == "and an example?" and body["outcome"] != "answered"


@pytest.mark.parametrize("history, status", [
    ("not a list", 422),
    ([{"answer": "no question"}], 422),
    ([{"question": 42}], 422),
    ([{"question": "   "}], 422),
    ([{"question": "q", "citations": "Label Smoothing"}], 422),
    ([{"question": "x" * 1900, "answer": "y" * 19_000}], 413),
])
def test_a_malformed_history_gets_a_clear_4xx(live_server, history, status):
    for path in ("/api/ask", "/api/ask/stream"):
        r = httpx.post(f"{live_server.url}{path}", json={"question": "and an example?", "history": history}, timeout=60)
        assert r.status_code == status and "detail" in r.json()


def test_each_answer_sentence_carries_the_entry_part_it_rests_on(live_server):
    body = httpx.post(f"{live_server.url}/api/ask", json={"question": "What is an example of mixup?"}, timeout=60).json()
    sources = [s for s in body["sentences"] if s["term"]]
    assert " ".join(s["sentence"] for s in body["sentences"]) == body["answer"]
    assert {s["term"] for s in sources} == {"Mixup"} and "example" in {s["part"] for s in sources}
    assert all(s["text"] and s["part"] in ("definition", "example", "use_case", "analogy", "details") for s in sources)


def test_suggested_follow_ups_are_answered_from_their_entry(live_server, assistant):
    body = httpx.post(f"{live_server.url}/api/ask", json={"question": "What is triplet loss?"}, timeout=60).json()
    assert 2 <= len(body["followups"]) <= 3
    for question in body["followups"]:
        decision = assistant.route(question).decision
        assert decision.outcome == "answered" and decision.terms != ["Triplet Loss"]
        assert question == f"What is {decision.terms[0]}?"


def test_feedback_is_appended_with_the_answer_and_glossary_version(live_server, server_settings):
    answer = httpx.post(f"{live_server.url}/api/ask", json={"question": "What is mixup?"}, timeout=60).json()
    feedback = {"rating": "down", "question": answer["question"], "answer": answer["answer"],
                "citations": answer["citations"], "reason": "too short", "expected_entry": "Label Smoothing",
                "glossary_version": answer["glossary_version"]}
    r = httpx.post(f"{live_server.url}/api/feedback", json=feedback, timeout=30,
                   headers={"Origin": "http://localhost:8000"})
    assert r.status_code == 201 and r.headers["access-control-allow-origin"] == "http://localhost:8000"
    stored = json.loads(server_settings.feedback_path.read_text(encoding="utf-8").splitlines()[-1])
    assert stored["rating"] == "down" and stored["citations"] == ["Mixup"] and stored["reason"] == "too short"
    assert stored["glossary_version"] == stored["served_glossary_version"] == answer["glossary_version"]


@pytest.mark.parametrize("body", [
    {"rating": "meh", "question": "q"},
    {"rating": "up"},
    {"rating": "up", "question": "q", "reason": "x" * 5000},
    {"rating": "up", "question": "q", "unknown": 1},
])
def test_malformed_feedback_gets_422(live_server, body):
    r = httpx.post(f"{live_server.url}/api/feedback", json=body, timeout=30)
    assert r.status_code == 422 and "detail" in r.json()


def test_feedback_is_rate_limited_and_off_when_no_file_is_set(server_settings, assistant, tmp_path):
    limited = server_settings.model_copy(update={"rate_limit_per_minute": 2, "feedback_path": tmp_path / "f.jsonl"})
    with LiveServer(create_app(limited, assistant)) as server:
        codes = [httpx.post(f"{server.url}/api/feedback", json={"rating": "up", "question": "q"}, timeout=30).status_code
                 for _ in range(3)]
    assert codes == [201, 201, 429] and len((tmp_path / "f.jsonl").read_text().splitlines()) == 2
    off = server_settings.model_copy(update={"feedback_path": None})
    with LiveServer(create_app(off, assistant)) as server:
        r = httpx.post(f"{server.url}/api/feedback", json={"rating": "up", "question": "q"}, timeout=30)
    assert r.status_code == 404 and "feedback" in r.json()["detail"]


def _eval(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", "eval", "--retrieval-only", "--json", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_eval_turns_feedback_into_cases(tmp_path):
    lines = [{"rating": "up", "question": "What is mixup?", "citations": ["Mixup"], "time": "2026-12-03T00:00:00+00:00"},
             {"rating": "down", "question": "and an example?", "resolved_question": "Label Smoothing: an example?",
              "expected_entry": "Label Smoothing", "time": "2026-12-03T00:00:00+00:00"},
             {"rating": "down", "question": "What is dropout?", "expected_entry": "none", "time": "2026-12-03T00:00:00+00:00"},
             {"rating": "down", "question": "What is SAM?", "time": "2026-12-03T00:00:00+00:00"}]
    path = tmp_path / "feedback.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    done = _eval("--from-feedback", str(path), "--out", str(tmp_path / "run"))
    summary = json.loads(done.stdout)
    rows = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert [(r["question"], r["expected_terms"], r["answerable"]) for r in rows] == [
        ("What is mixup?", ["Mixup"], True), ("Label Smoothing: an example?", ["Label Smoothing"], True),
        ("What is dropout?", [], False)]  # a thumbs-down without an expected entry is no case
    assert summary["n"] == 3 and summary["hit@1"] == 1.0


def test_eval_scores_conversations_turn_by_turn(tmp_path):
    conversations = [
        {"id": "a", "turns": [{"question": "What is label smoothing?", "expected_terms": ["Label Smoothing"],
                               "answerable": True, "kind": "first"},
                              {"question": "and an example?", "expected_terms": ["Label Smoothing"], "answerable": True,
                               "kind": "ellipsis"},
                              {"question": "and what about dropout?", "expected_terms": [], "answerable": False,
                               "kind": "uncovered"}]},
        {"id": "b", "turns": [{"question": "What is mixup?", "expected_terms": ["Mixup"], "answerable": True},
                              {"question": "What is a pointer network?", "expected_terms": ["Pointer Network"],
                               "answerable": True, "kind": "switch"}]}]
    paths = [tmp_path / "conversations.jsonl", tmp_path / "conversations-2.jsonl"]  # a set in two files
    for path, conversation in zip(paths, conversations):
        path.write_text(json.dumps(conversation) + "\n", encoding="utf-8")
    done = _eval("--conversations", *map(str, paths), "--out", str(tmp_path / "run"))
    summary = json.loads(done.stdout)
    assert done.returncode == 0 and summary["n"] == 5 and summary["turns_right"] == 1.0
    assert summary["answered_from_previous_entry"] == [] and summary["by_kind"]["ellipsis"]["turns_right"] == 1.0
    rows = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert rows[1]["resolved_question"] == "Label Smoothing: an example?"


def test_a_conversation_id_may_be_used_once_across_files(tmp_path):
    turn = {"question": "What is mixup?", "expected_terms": ["Mixup"], "answerable": True}
    conversation = {"id": "a", "turns": [turn]}
    paths = [tmp_path / "one.jsonl", tmp_path / "two.jsonl"]
    for path in paths:
        path.write_text(json.dumps(conversation) + "\n", encoding="utf-8")
    done = _eval("--conversations", *map(str, paths), "--out", str(tmp_path / "run"))
    assert done.returncode != 0 and "duplicate conversation ids" in done.stderr
    assert not (tmp_path / "run").exists()


def _cli(*args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env={**os.environ, **env})


def test_chat_is_a_terminal_conversation_on_the_same_code(settings):
    done = _cli("chat", stdin="what is mixup?\nand an example?\nwhat is dropout?\nwhy does it help?\n\n",
                GLOSSARY_BACKEND="extractive", GLOSSARY_INDEX_DIR=str(settings.index_dir))
    assert done.returncode == 0, done.stderr
    assert "(read as: Mixup: an example?)" in done.stdout and "70% dog" in done.stdout
    assert "(read as: why does dropout help?)" in done.stdout and done.stdout.count("doesn't define") == 2


def test_the_gap_inbox_logs_only_when_on_and_groups_what_it_logged(server_settings, assistant, tmp_path):
    questions = ["What is weight decay?", "explain weight decay please", "how does weight decay work?",
                 "What is beam search?", "how does beam search pick the output sequence?", "What is mixup?"]
    off = server_settings.model_copy(update={"gap_log_path": None, "feedback_path": None})
    with LiveServer(create_app(off, assistant)) as server:
        for question in questions[:2]:
            httpx.post(f"{server.url}/api/ask", json={"question": question}, timeout=60)
    assert list(tmp_path.iterdir()) == []
    log = tmp_path / "gaps.jsonl"
    with LiveServer(create_app(server_settings.model_copy(update={"gap_log_path": log}), assistant)) as server:
        outcomes = [httpx.post(f"{server.url}/api/ask", json={"question": q}, timeout=60).json()["outcome"]
                    for q in questions]
    assert outcomes == ["refused"] * 5 + ["answered"] and len(log.read_text().splitlines()) == 5
    done = _cli("gaps", "--file", str(log), "--json", GLOSSARY_INDEX_DIR=str(server_settings.index_dir))
    groups = json.loads(done.stdout)
    assert [(g["count"], g["stub"]["kind"], g["stub"]["term"]) for g in groups] == \
        [(3, "new_entry", "Weight Decay"), (2, "new_entry", "Beam Search")]
