"""Command line: ``python -m assistant <command>`` (see ../shared/INTERFACES.md for the contract).

    $ python -m assistant search "lable smoothing" --k 3 --json
    $ python -m assistant ask "What is mixup?"

JSON goes to stdout as one document; logs, progress and warnings go to stderr. Errors print one
line to stderr and exit with 2 (bad input or settings) or 1 (anything else the user can act on).
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from assistant.errors import AssistantError, ConfigError, CorpusError, InvalidQuestion
from assistant.process import configure_process
from assistant.settings import load_settings

log = logging.getLogger("assistant")


def _parser() -> argparse.ArgumentParser:
    from assistant.fusion import FUSIONS  # numpy: imported after configure_process()

    p = argparse.ArgumentParser(prog="python -m assistant", description="Grounded Q&A over a machine-learning glossary.")
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO level on stderr")
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("glossary", help="list every corpus entry; `glossary lint PATH` checks a glossary")
    g.add_argument("action", nargs="?", choices=["lint"], help="lint: report every problem of PATH, exit 1 on any")
    g.add_argument("path", nargs="?", type=Path, help="the glossary file or folder to lint (default: corpus_path)")
    g.add_argument("--json", action="store_true")
    i = sub.add_parser("index", help="build or refresh the FAISS index (no-op when fresh); prints JSON")
    i.add_argument("--rebuild", action="store_true", help="rebuild even when the index is fresh")
    i.add_argument("--json", action="store_true", help="accepted for symmetry: the output is always JSON")
    s = sub.add_parser("search", help="retrieval only, best first")
    s.add_argument("question")
    s.add_argument("--k", type=int, default=5)
    s.add_argument("--method", choices=list(FUSIONS), default=next(iter(FUSIONS)))
    s.add_argument("--json", action="store_true")
    a = sub.add_parser("ask", help="answer a question (streams; --json prints the Answer object)")
    a.add_argument("question")
    a.add_argument("--json", action="store_true")
    sub.add_parser("chat", help="a conversation in the terminal: follow-ups are read in the light of earlier turns")
    gaps = sub.add_parser("gaps", help="the gap inbox: logged questions the glossary did not answer, grouped, "
                                       "with a suggested stub per group")
    gaps.add_argument("--file", type=Path, help="the gap log (default: the gap_log_path setting)")
    gaps.add_argument("--json", action="store_true")
    sub.add_parser("prepare", help="do all one-time set-up: build the index, assemble/convert and load the model")
    v = sub.add_parser("serve", help="chat UI + JSON API + widget on one port")
    v.add_argument("--host")
    v.add_argument("--port", type=int)
    v.add_argument("--workers", type=int, help="server processes sharing the port (default 1)")
    v.add_argument("--no-ui", dest="ui", action="store_false", default=None,
                   help="JSON API and widget only, without the Gradio chat UI (faster start)")
    from assistant.evaluate.cli import add_eval_parser

    add_eval_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    configure_process()  # before numpy, bm25s or gradio load: the commands import them lazily
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return _COMMANDS[args.command](args)
    except (InvalidQuestion, ConfigError, CorpusError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _glossary(args: argparse.Namespace) -> int:
    from assistant.corpus import load_glossary

    if args.action == "lint":
        return _lint(args.path or load_settings().corpus_path, args.json)
    glossary = load_glossary(load_settings().corpus_path)
    if args.json:
        _print_json([e.model_dump(mode="json", exclude_none=True) for e in glossary.entries])
    else:
        for e in glossary.entries:
            aliases = f" ({', '.join(e.aliases)})" if e.aliases else ""
            print(f"{e.term}{aliases} [{e.category}]\n  {e.definition}")
    return 0


def _lint(path: Path, as_json: bool) -> int:
    from dataclasses import asdict

    from assistant.lint import lint

    problems = lint(path)
    if as_json:
        _print_json([{**asdict(p), "text": str(p)} for p in problems])
    else:
        for problem in problems:
            print(problem)
        print(f"{path}: {len(problems)} problem{'s' * (len(problems) != 1)}", file=sys.stderr)
    return 1 if problems else 0


def _index(args: argparse.Namespace) -> int:
    from assistant.wiring import build_retrieval

    settings = load_settings()
    stack = build_retrieval(settings, rebuild=args.rebuild, progress=sys.stderr.isatty(), persist_required=True)
    built = stack.index
    verb = "built" if built.status == "built" else "fresh, loaded"
    why = f" ({built.reason})" if built.reason else ""
    print(f"index {verb}{why}: {built.manifest.entries} entries, {built.manifest.index_type}", file=sys.stderr)
    _print_json({"entries": built.manifest.entries, "model": built.manifest.embedder, "dim": built.manifest.dim,
                 "path": str(built.path), "status": built.status, "index_type": built.manifest.index_type})
    return 0


def _search(args: argparse.Namespace) -> int:
    from assistant.guard import clean_question
    from assistant.wiring import build_retrieval

    settings = load_settings()
    question = clean_question(args.question, settings.max_question_chars)
    if args.k < 1:
        raise InvalidQuestion("--k must be at least 1")
    stack = build_retrieval(settings)
    hits = stack.retriever.retrieve(question, k=args.k, method=args.method).hits
    entries = {e.term: e for e in stack.glossary.entries}
    rows = [{"term": h.term, "score": h.score, "category": entries[h.term].category, "dense": h.dense,
             "bm25": h.bm25, "named": h.named} for h in hits]
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['score']:.3f}  {r['term']}  [{r['category']}]")
    return 0


def _ask(args: argparse.Namespace) -> int:
    from assistant.wiring import build_assistant

    assistant = build_assistant(load_settings())
    if args.json:
        _print_json(assistant.ask(args.question).model_dump(mode="json"))
        return 0
    _print_stream(assistant.stream(args.question))
    return 0


def _print_stream(events):
    """Prints an answer as it streams, then its sources; returns the final Answer."""
    from assistant.schema import Answer

    for event in events:
        if isinstance(event, Answer):
            if event.revised:
                print(f"\n\n[revised after the support check]\n{event.answer}", end="")
            print()
            if event.resolved_question and event.resolved_question != event.question:
                print(f"  (read as: {event.resolved_question})")
            for c in event.citations:
                print(f"  source: {c.term} ({c.score:.2f})")
            if event.suggestions:
                print(f"  closest entries: {', '.join(event.suggestions)}")
            if event.followups:
                print(f"  ask next: {' | '.join(event.followups)}")
            return event
        print(event, end="", flush=True)
    raise AssertionError("the answer stream ended without an Answer")


def _chat(args: argparse.Namespace) -> int:
    """Reads questions from stdin until EOF or an empty line; each is answered with the earlier turns."""
    from assistant.schema import Turn
    from assistant.wiring import build_assistant

    assistant = build_assistant(load_settings())
    history: list[Turn] = []
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask about a glossary term; follow-ups like \"and an example?\" work. An empty line ends.",
              file=sys.stderr)
    while True:
        if interactive:
            print("> ", end="", file=sys.stderr, flush=True)
        line = sys.stdin.readline()
        if not line.strip():
            return 0
        try:
            answer = _print_stream(assistant.stream(line, history=history))
        except InvalidQuestion as exc:
            print(f"error: {exc}", file=sys.stderr)
            continue
        history.append(Turn.from_answer(answer))


def _gaps(args: argparse.Namespace) -> int:
    from assistant.inbox import group_gaps, read_gaps
    from assistant.wiring import build_retrieval

    settings = load_settings()
    path = args.file or settings.gap_log_path
    if path is None:
        raise ConfigError("No gap log: set gap_log_path (GLOSSARY_GAP_LOG_PATH) while serving, or pass --file.")
    records = read_gaps(path)
    stack = build_retrieval(settings)
    groups = group_gaps(records, stack.retriever.embedder, entries=stack.glossary.entries)
    if args.json:
        _print_json([{"count": g.count, "subject": g.subject, "examples": g.examples,
                      "stub": {"kind": g.stub.kind, "term": g.stub.term, "entry": g.stub.entry}} for g in groups])
        return 0
    print(f"{len(records)} logged questions in {len(groups)} groups ({path})")
    for g in groups:
        stub = f"alias “{g.stub.term}” of {g.stub.entry}" if g.stub.kind == "alias" else \
            f"new entry “{g.stub.term}”"
        print(f"\n{g.count:>4} × {g.subject or '(no subject)'} — suggested: {stub}")
        for example in g.examples:
            print(f"       · {example[:160]}")
    return 0


def _prepare(args: argparse.Namespace) -> int:
    from assistant.wiring import build_assistant

    assistant = build_assistant(load_settings(), progress=True)
    print(f"ready: {len(assistant.glossary.entries)} entries, backend {assistant.backend}", file=sys.stderr)
    return 0


def _serve(args: argparse.Namespace) -> int:
    from assistant.web.server import serve

    overrides = {k: v for k, v in (("host", args.host), ("port", args.port), ("workers", args.workers),
                                   ("ui", args.ui)) if v is not None}
    serve(load_settings(**overrides))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from assistant.evaluate.cli import run_eval

    return run_eval(args)


_COMMANDS = {"glossary": _glossary, "index": _index, "search": _search, "ask": _ask, "chat": _chat, "gaps": _gaps,
             "prepare": _prepare,
             "serve": _serve, "eval": _eval}
