"""Importing the package has no side effects; the entry points set the process options."""
from __future__ import annotations

import subprocess
import sys

from assistant.settings import ROOT

_IMPORT_EVERYTHING = """
import importlib, logging, os, pkgutil
import bm25s, gradio, threadpoolctl  # libraries first: what they change on import is theirs
before, level = dict(os.environ), logging.getLogger("bm25s").level
import assistant
for module in pkgutil.walk_packages(assistant.__path__, "assistant."):
    if module.name != "assistant.__main__":
        importlib.import_module(module.name)
changed = sorted(k for k in set(os.environ) | set(before) if os.environ.get(k) != before.get(k))
print(changed, logging.getLogger("bm25s").level == level)
"""


def test_importing_every_module_changes_no_environment_variable_or_log_level():
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", _IMPORT_EVERYTHING], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[] True"


def test_the_cli_sets_the_process_options():
    code = "import os, sys; from assistant.cli import main; main(['glossary']); print(os.environ['OPENBLAS_THREAD_TIMEOUT'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert out.returncode == 0 and out.stdout.strip().splitlines()[-1] == "20", out.stderr[-2000:]
