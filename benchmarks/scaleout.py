"""The scale-out layout of ``deploy/``, run as plain processes on this machine, driven through the proxy.

    $ .venv/bin/python benchmarks/scaleout.py --llama-server PATH/llama-server [--replicas 2] [--clients 24]

Starts ``llama-server`` (``--parallel 8 --cont-batching``, the packaged GGUF) as the generation engine,
``--replicas`` assistant servers (``serve --no-ui``) that generate through it (``backend=openai``,
``openai_api=completions``: the packaged model is a base model, so it gets the few-shot prompt), and
Debian's nginx with ``deploy/nginx.conf`` (its upstream pointed at the replicas) in front. Then the load
benchmark's clients (``benchmarks/load.py``, each from its own loopback address) ask through nginx for
``--seconds``, after a warm-up. Reports the load figures and the RSS of every process. Loopback only,
bounded; everything is stopped at the end. Needs ``nginx`` on PATH (``apt-get install nginx-light``).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.generate.models import packaged_gguf  # noqa: E402
from assistant.settings import ROOT, load_settings  # noqa: E402
from benchmarks.load import run_load  # noqa: E402
from tests.conftest import free_port, wait_until_ok  # noqa: E402


def _nginx_conf(listen: int, replicas: list[int], workdir: Path) -> str:
    """deploy/nginx.conf inside a minimal main config, listening on loopback, upstream = the replicas."""
    site = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    site = re.sub(r"server assistant:\d+;", " ".join(f"server 127.0.0.1:{p};" for p in replicas), site)
    site = re.sub(r"listen \d+;", f"listen 127.0.0.1:{listen};", site)
    return (f"worker_processes 1;\npid {workdir}/nginx.pid;\nerror_log {workdir}/error.log;\n"
            "events { worker_connections 1024; }\n"
            f"http {{\naccess_log off;\nclient_body_temp_path {workdir}/body;\nproxy_temp_path {workdir}/proxy;\n"
            f"{site}\n}}\n")


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and its children (nginx's workers)."""
    root = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--llama-server", type=Path, required=True)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--parallel", type=int, default=8, help="llama-server slots")
    parser.add_argument("--clients", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=10)
    args = parser.parse_args()
    if args.clients > 100 or args.seconds > 300 or args.replicas > 8:
        sys.exit("bounded: at most 100 clients, 300 seconds and 8 replicas")
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    settings = load_settings()
    llama_port, proxy_port = free_port(), free_port()
    replica_ports = [free_port() for _ in range(args.replicas)]
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        try:
            procs.append(subprocess.Popen(
                [str(args.llama_server), "--model", str(packaged_gguf(settings.model_cache_dir)), "--port",
                 str(llama_port), "--threads", str(settings.n_threads), "--parallel", str(args.parallel),
                 "--ctx-size", str(settings.n_ctx * args.parallel), "--cont-batching"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            wait_until_ok(f"http://127.0.0.1:{llama_port}/health", 180, procs[-1])
            env = {**os.environ, "GLOSSARY_BACKEND": "openai", "GLOSSARY_OPENAI_API": "completions",
                   "GLOSSARY_OPENAI_BASE_URL": f"http://127.0.0.1:{llama_port}/v1",
                   "GLOSSARY_MAX_CONCURRENT_GENERATIONS": str(args.parallel)}
            for port in replica_ports:
                serve = [sys.executable, "-m", "assistant", "serve", "--no-ui", "--port", str(port)]
                procs.append(subprocess.Popen(serve, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL))
            for port, proc in zip(replica_ports, procs[1:]):
                wait_until_ok(f"http://127.0.0.1:{port}/healthz", 180, proc)
            (workdir / "nginx.conf").write_text(_nginx_conf(proxy_port, replica_ports, workdir), encoding="utf-8")
            procs.append(subprocess.Popen([nginx, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-g",
                                           "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            url = f"http://127.0.0.1:{proxy_port}"
            wait_until_ok(url + "/healthz", 30, procs[-1])
            if args.warmup:
                asyncio.run(run_load(url, args.clients, args.warmup, "both", None))
            report = asyncio.run(run_load(url, args.clients, args.seconds, "both", None))
            report.pop("server_rss_mb", None)
            names = ["llama-server"] + [f"replica {i + 1}" for i in range(args.replicas)] + ["nginx"]
            rss = {name: round(_tree_rss(proc.pid) / 2**20, 1) for name, proc in zip(names, procs)}
        finally:
            for proc in reversed(procs):
                proc.terminate()
                proc.wait(30)
    print(json.dumps({"replicas": args.replicas, "llama_server_parallel": args.parallel, "load": report,
                      "rss_mb": rss}, indent=2))


if __name__ == "__main__":
    main()
