"""report.html: one self-contained, offline page (plots embedded as PNG data URIs, all text escaped).

    $ python -m assistant eval    # writes render_report(summary, rows) to eval/runs/<timestamp>/report.html
"""
from __future__ import annotations

import base64
import html
import io
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from assistant.evaluate.metrics import Row  # noqa: E402

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f6f7fb;color:#1b1f2a}
header{background:#312e81;color:#fff;padding:20px 28px}header h1{margin:0 0 4px;font-size:22px}
main{padding:20px 28px;max-width:1200px}section{background:#fff;border-radius:10px;padding:16px 20px;margin:0 0 18px;
box-shadow:0 1px 3px #0001}.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border-radius:10px;
padding:12px 16px;min-width:150px;box-shadow:0 1px 3px #0001}.card b{display:block;font-size:24px}
.ok{color:#047857}.bad{color:#b91c1c}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid #e5e7eb;padding:5px 8px;text-align:left;vertical-align:top}th{background:#f3f4f6}
.plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:14px}.plots img{width:100%}
tr.fail td:first-child{border-left:4px solid #b91c1c}tr.pass td:first-child{border-left:4px solid #047857}
input{padding:6px 10px;width:320px;border:1px solid #cbd5e1;border-radius:6px}
"""
_FILTER_JS = """
document.getElementById('filter').addEventListener('input',function(e){var q=e.target.value.toLowerCase();
document.querySelectorAll('#questions tbody tr').forEach(function(tr){
tr.style.display=tr.textContent.toLowerCase().indexOf(q)>=0?'':'none';});});
"""


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _plots(summary: dict, rows: list[Row], threshold: float) -> dict[str, str]:
    plots = {}
    fig, ax = plt.subplots(figsize=(5, 3.2))
    methods = list(summary["retrieval"])
    for i, k in enumerate(("hit@1", "hit@3", "hit@5")):
        ax.bar([x + i * 0.25 for x in range(len(methods))], [summary["retrieval"][m][k] for m in methods], 0.25, label=k)
    ax.set_xticks([x + 0.25 for x in range(len(methods))], methods)
    ax.set_ylim(0.5, 1.0)
    ax.set_title("Retrieval hit@k by method")
    ax.legend(loc="lower right")
    plots["hit@k by method"] = _png(fig)

    c = summary["refusal_confusion"]
    fig, ax = plt.subplots(figsize=(4, 3.2))
    grid = [[c["tn"], c["fp"]], [c["fn"], c["tp"]]]
    ax.imshow(grid, cmap="Blues")
    for i in range(2):
        for j in range(2):
            ax.text(j, i, str(grid[i][j]), ha="center", va="center", fontsize=14)
    ax.set_xticks([0, 1], ["answered", "refused"])
    ax.set_yticks([0, 1], ["answerable", "not answerable"])
    ax.set_title("Refusal confusion matrix")
    plots["refusal confusion matrix"] = _png(fig)

    totals = [r["latency_ms"] for r in rows if r.get("latency_ms")]
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.hist(totals, bins=30, color="#6366f1")
    ax.set_xlabel("total latency per question (ms)")
    ax.set_title("Latency")
    plots["latency histogram"] = _png(fig)

    fig, ax = plt.subplots(figsize=(5, 3.2))
    for answerable, colour in ((True, "#10b981"), (False, "#ef4444")):
        scores = [r["top_score"] for r in rows if r["answerable"] == answerable and r.get("top_score") is not None]
        ax.hist(scores, bins=25, alpha=0.6, color=colour, label="answerable" if answerable else "not answerable")
    ax.axvline(threshold, color="#111827", linestyle="--", label=f"answer threshold {threshold}")
    ax.set_xlabel("top-1 fused retrieval score")
    ax.set_title("Top-1 scores, answerable vs not")
    ax.legend()
    plots["score distribution"] = _png(fig)
    return plots


def _verdict(row: Row) -> tuple[bool, str]:
    if row["answerable"]:
        cited = [c["term"] for c in row.get("citations") or []]
        if row.get("answer") is None:  # retrieval-only run
            return row["ranks"].get("hybrid") == 1, f"rank {row['ranks'].get('hybrid')}"
        if row["refused"]:
            return False, "refused an answerable question"
        ok = bool(set(cited) & set(row["expected_terms"])) and bool(row.get("grounded"))
        return ok, "ok" if ok else ("not grounded" if not row.get("grounded") else "wrong citation")
    return bool(row["refused"]), "refused" if row["refused"] else f"answered ({row.get('outcome')})"


def render_report(summary: dict, rows: list[Row], threshold: float) -> str:
    e = html.escape
    cards = []
    for name, gate in summary["gates"].items():
        cls = "ok" if gate["passed"] else "bad"
        cards.append(f'<div class="card"><span>{e(name)}</span><b class="{cls}">{gate["value"]:.3f}</b>'
                     f'<small>gate ≥ {gate["threshold"]}</small></div>')
    for name in ("answered_right", "covered_refused", "uncovered_answered", "latency_ms_p50", "latency_ms_p95",
                 "throughput_qpm"):
        if summary.get(name) is not None:
            cards.append(f'<div class="card"><span>{e(name)}</span><b>{summary[name]}</b></div>')
    plots = "".join(f'<figure><img alt="{e(k)}" data-plot="{e(k)}" src="{v}"><figcaption>{e(k)}</figcaption></figure>'
                    for k, v in _plots(summary, rows, threshold).items())
    columns = ("hit@1", "hit@3", "answered_right", "covered_refused", "uncovered_answered", "closest_share",
               "citation_accuracy", "grounded_rate")
    group_tables = {group: "".join(
        f"<tr><td>{e(k)}</td><td>{f['n']}</td>" + "".join(
            f"<td>{'' if f.get(x) is None else format(f[x], '.3f')}</td>" for x in columns) + "</tr>"
        for k, f in summary[f"by_{group}"].items()) for group in ("split", "kind")}
    head = "".join(f"<th>{e(x.replace('_', ' '))}</th>" for x in columns)
    sections = "".join(
        f'<section><h2>Per question {group}</h2><table id="{group}s"><thead><tr><th>{group}</th><th>n</th>{head}'
        f"</tr></thead><tbody>{body}</tbody></table></section>" for group, body in group_tables.items())
    judged = sorted(((_verdict(r), r) for r in rows), key=lambda x: (x[0][0], x[1]["id"]))
    q_rows = "".join(
        f'<tr class="{"pass" if ok else "fail"}"><td>{e(r["id"])}</td><td>{e(r["kind"])}</td><td>{e(r["question"])}</td>'
        f'<td>{e(", ".join(r["expected_terms"]) or "—")}</td><td>{e(r.get("answer") or "")}</td>'
        f'<td>{e(", ".join(c["term"] for c in r.get("citations") or []))}</td><td>{e(why)}</td></tr>'
        for (ok, why), r in judged)
    meta = {k: summary.get(k) for k in ("backend", "embedder", "questions_file", "created", "wall_s", "retrieval_only")}
    status = '<b class="ok">PASSED</b>' if summary["passed"] else '<b class="bad">FAILED</b>'
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Glossary assistant eval report</title>
<style>{_CSS}</style></head><body><header><h1>Glossary assistant — evaluation report</h1>
<div>{summary['n']} questions · {status} · {e(json.dumps(meta))}</div></header><main>
<section><h2>Headline figures</h2><div class="cards">{''.join(cards)}</div></section>
<section><h2>Plots</h2><div class="plots">{plots}</div></section>
{sections}
<section><h2>Every question (failures first)</h2><input id="filter" placeholder="Filter questions…">
<table id="questions"><thead><tr><th>id</th><th>kind</th><th>question</th><th>expected</th><th>answer</th>
<th>cited</th><th>verdict</th></tr></thead><tbody>{q_rows}</tbody></table></section>
</main><script>{_FILTER_JS}</script></body></html>"""
