"""Another team's glossary: how long a 200-file Markdown folder takes to import and index, and how long a
one-entry edit takes to be served by a running server (hot reload).

    $ .venv/bin/python benchmarks/glossary_folder.py [--files 200] [--edits 5]

The folder is the CNCF glossary of eval/other/cncf (81 files, as published), copied until it holds
``--files`` files, each copy's title made unique. Import + index: ``python -m assistant index`` in a new
process with an empty index folder (model loading included). Reload: a server on loopback with the extractive
backend; one file's definition (its body's first paragraph) is edited, and the time runs until ``/healthz`` reports the new
glossary_version (polled every 50 ms). Prints JSON; the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "eval" / "other" / "cncf" / "source" / "content" / "en"


def make_folder(target: Path, n_files: int) -> None:
    sources = sorted(SOURCE.glob("*.md"))
    for i in range(n_files):
        src = sources[i % len(sources)]
        text = src.read_text(encoding="utf-8")
        copy = i // len(sources)
        if copy:
            text = re.sub(r"(?im)^(\s*title:\s*)(.+?)\s*$", lambda m: f"{m.group(1)}{m.group(2)} {copy + 1}", text, 1)
        (target / f"{src.stem}-{copy}.md").write_text(text, encoding="utf-8")


def healthz(port: int) -> dict:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            return json.loads(r.read())
    except Exception:  # noqa: BLE001 - not up yet
        return {}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--edits", type=int, default=5)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, index = Path(tmp) / "glossary", Path(tmp) / "index"
        folder.mkdir()
        make_folder(folder, args.files)
        env = {**os.environ, "GLOSSARY_CORPUS_PATH": str(folder), "GLOSSARY_INDEX_DIR": str(index),
               "GLOSSARY_BACKEND": "extractive", "GLOSSARY_RELOAD_POLL_S": "0.5"}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "assistant", "index"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        import_s = time.perf_counter() - started
        port = 7900 + os.getpid() % 90
        server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), "--no-ui"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not healthz(port).get("ready"):
                time.sleep(0.2)
            live = []
            files = sorted(folder.glob("*.md"))
            for i in range(args.edits):
                before = healthz(port)["glossary_version"]
                path = files[i * 7 % len(files)]
                text = path.read_text(encoding="utf-8")
                head, sep, body = text.partition("\n---\n")  # the definition is the body's first paragraph
                path.write_text(f"{head}{sep}Edited for the benchmark, round {i}. {body.lstrip()}", encoding="utf-8")
                edited = time.perf_counter()
                while healthz(port).get("glossary_version") == before:
                    time.sleep(0.05)
                live.append(time.perf_counter() - edited)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps({"files": args.files, "import_and_index_s": round(import_s, 2),
                      "edit_live_s": {"median": round(statistics.median(live), 2), "max": round(max(live), 2),
                                      "runs": [round(x, 2) for x in live]}, "poll_s": 0.5}, indent=2))


if __name__ == "__main__":
    main()
