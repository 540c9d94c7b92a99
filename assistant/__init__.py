"""glossary-assistant: grounded answers about machine-learning terms from a curated glossary."""
import os

# Questions are encoded with numpy (OpenBLAS) just before llama.cpp prefills the prompt on the same
# cores. OpenBLAS workers spin for 2^28 cycles (~0.1 s) after each call by default, which slowed the
# first token by 80 ms; 2^20 cycles keeps encoding as fast. Read when numpy loads, so set it here.
os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "20")

__version__ = "0.1.0"
