"""Aggregate figures of a run (summary.json), the threshold gates, and summary.md for pull requests.

    $ python -m assistant eval    # summarize(rows, meta, aliases, gates) -> summary.json; exit 1 below a gate
"""
from __future__ import annotations

import math
import re

from assistant.evaluate import metrics as m
from assistant.evaluate.metrics import Row
from assistant.retrieve import METHODS

KS = (1, 3, 5)


def retrieval_figures(rows: list[Row], method: str) -> dict[str, float]:
    return {**{f"hit@{k}": m.hit_at(rows, method, k) for k in KS}, "mrr": m.mrr(rows, method)}


def _natural(text: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _group(rows: list[Row], key: str, aliases: dict[str, str], full: bool) -> dict[str, dict]:
    out = {}
    for value in sorted({str(r.get(key)) for r in rows}, key=_natural):  # test2 before test10
        part = [r for r in rows if str(r.get(key)) == value]
        fig = {"n": len(part), "refused_share": m._mean(bool(r["refused"]) for r in part)}
        if any(r["answerable"] for r in part):
            fig |= {"hit@1": m.hit_at(part, "hybrid", 1), "hit@3": m.hit_at(part, "hybrid", 3),
                    "dense_hit@1": m.hit_at(part, "dense", 1), "bm25_hit@1": m.hit_at(part, "bm25", 1)}
            if full:
                fig["citation_accuracy"] = m.citation_accuracy(part, aliases)
        if full and m.answered(part):
            fig["grounded_rate"] = m.grounded_rate(part)
        fig["closest_share"] = m._mean(r.get("outcome") == "closest" for r in part)
        fig |= m.outcome_rates(part, aliases)
        out[value] = fig
    return out


def summarize(rows: list[Row], meta: dict, aliases: dict[str, str], gates: dict[str, float]) -> dict:
    full = not meta["retrieval_only"]
    unanswerable = [r for r in rows if not r["answerable"]]
    s: dict = {"n": len(rows), "n_answerable": len(rows) - len(unanswerable), "n_unanswerable": len(unanswerable),
               **meta}
    s["retrieval"] = {method: retrieval_figures(rows, method) for method in METHODS}
    s.update(s["retrieval"]["hybrid"])
    compare = m.expecting_several(rows)
    s["compare_both@3"] = m._mean(bool(r.get("both_in_top3")) for r in compare) if compare else None
    s["every_side_cited"] = m.every_side_cited(rows, aliases)
    s["refusal_precision"] = m.refusal_precision(rows)
    s["refusal_recall"] = m.refusal_recall(rows)
    s["refusal_confusion"] = m.refusal_counts(rows)
    s["closest"] = {"answerable": sum(r.get("outcome") == "closest" for r in rows if r["answerable"]),
                    "unanswerable": sum(r.get("outcome") == "closest" for r in unanswerable)}
    s.update(m.outcome_rates(rows, aliases))
    s["refused_or_closest_recall"] = m._mean(bool(r["refused"]) or r.get("outcome") == "closest" for r in unanswerable)
    s["grounded_rate"] = None  # the contract's key, also in retrieval-only runs (no answers to check)
    if full:
        answered = m.answered(rows)
        s["citation_accuracy"] = m.citation_accuracy(rows, aliases)
        s["grounded_rate"] = m.grounded_rate(rows)
        s["unsupported_sentence_rate"] = m.unsupported_sentence_rate(rows)
        s["fallback_rate"] = m.fallback_rate(rows)
        s["generated_share"] = m._mean(r.get("mode") == "generated" for r in answered)
        s["mean_answer_words"] = m._mean(len((r.get("answer") or "").split()) for r in answered)
        bigrams = [r["bigram_precision"] for r in answered if "bigram_precision" in r and r.get("outcome") == "answered"]
        s["bigram_precision_mean"] = m._mean(bigrams)
        s["bigram_precision_share_ge_0.8"] = m._mean(b >= 0.8 for b in bigrams)
    latency = {key: m.percentiles(r.get("timings", {}).get(key) for r in rows)
               for key in ("retrieve_ms", "first_token_ms", "generate_ms", "total_ms")}
    s["latency"] = latency
    lat = m.percentiles(r.get("latency_ms") for r in rows)
    s["latency_ms_p50"], s["latency_ms_p95"], s["latency_ms_max"] = lat["p50"], lat["p95"], lat["max"]
    s["throughput_qpm"] = round(len(rows) / meta["wall_s"] * 60, 1) if meta.get("wall_s") else None
    s["by_kind"] = _group(rows, "kind", aliases, full)
    s["by_split"] = _group(rows, "split", aliases, full)
    s["gates"] = {}
    for name, threshold in gates.items():
        value = s.get(name)
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        s["gates"][name] = {"value": value, "threshold": threshold, "passed": value >= threshold}
    s["passed"] = all(g["passed"] for g in s["gates"].values())
    return s


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return "n/a" if math.isnan(v) else f"{v:.3f}"
    return "n/a" if v is None else str(v)


def summary_markdown(s: dict) -> str:
    lines = [f"### Glossary assistant eval — {s['n']} questions ({s['n_answerable']} answerable)", "",
             f"Backend `{s.get('backend')}`, embedder `{s.get('embedder')}`, "
             f"{'retrieval only' if s['retrieval_only'] else 'full answers'}; {_fmt(s.get('wall_s'))} s.", "",
             "| method | hit@1 | hit@3 | hit@5 | MRR |", "|---|---|---|---|---|"]
    for method, fig in s["retrieval"].items():
        lines.append(f"| {method} | {_fmt(fig['hit@1'])} | {_fmt(fig['hit@3'])} | {_fmt(fig['hit@5'])} | {_fmt(fig['mrr'])} |")
    lines += ["", "| figure | value | gate |", "|---|---|---|"]
    names = ["answered_right", "covered_refused", "uncovered_answered", "every_side_cited", "refusal_precision",
             "refusal_recall", "refused_or_closest_recall", "citation_accuracy", "grounded_rate",
             "unsupported_sentence_rate", "fallback_rate", "bigram_precision_mean", "latency_ms_p50", "latency_ms_p95"]
    for name in names:
        if name in s:
            gate = s["gates"].get(name)
            mark = "" if not gate else (f"≥ {gate['threshold']} ✅" if gate["passed"] else f"≥ {gate['threshold']} ❌")
            lines.append(f"| {name} | {_fmt(s[name])} | {mark} |")
    for group in ("split", "kind"):
        lines += ["", f"| {group} | n | hit@1 | answered right | covered refused | uncovered answered | closest | "
                      "grounded |", "|---|---|---|---|---|---|---|---|"]
        for name, fig in s[f"by_{group}"].items():
            lines.append(f"| {name} | {fig['n']} | {_fmt(fig.get('hit@1'))} | {_fmt(fig.get('answered_right'))} | "
                         f"{_fmt(fig.get('covered_refused'))} | {_fmt(fig.get('uncovered_answered'))} | "
                         f"{_fmt(fig['closest_share'])} | {_fmt(fig.get('grounded_rate'))} |")
    if "cold_prefill" in s:
        c = s["cold_prefill"]
        lines += ["", f"Prefix reuse vs cold prefill: {c['differ']} of {c['checked']} generated answers differ."]
    if "batched" in s:
        b = s["batched"]
        lines += ["", f"Alone vs decoded together: {b['differ']} of {b['checked']} generated answers differ."]
    lines += ["", f"**{'PASSED' if s['passed'] else 'FAILED'}** ({sum(g['passed'] for g in s['gates'].values())}/"
                  f"{len(s['gates'])} gates)"]
    return "\n".join(lines) + "\n"
