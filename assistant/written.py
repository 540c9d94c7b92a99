"""What the model wrote for a prompt, and the support check's verdicts on it, kept for the next time.

    >>> from assistant.prompt import build_prompt
    >>> prompt = build_prompt(glossary.by_term("Mixup"), "what is mixup?")
    >>> cache = written_cache(size=2)
    >>> key = written_key(prompt, max_new_tokens=72, temperature=0.0)
    >>> cache.put(key, Written(" It is a loss.", ()))
    >>> cache.get(key).text, written_key(prompt, max_new_tokens=72, temperature=0.7)
    (' It is a loss.', None)

A docs page gets the same few questions again and again. A greedy answer is a function of its prompt (the
glossary entry and the question are in it), so a question asked again is answered from here, without a
generation slot or a decoding step: the same text, checked the same way. Only whole generations are kept:
not one that timed out, failed or was cancelled, nor a sampled one (temperature > 0).
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.generate import Prompt
from assistant.ground import Verdict
from assistant.lru import LRU


@dataclass(frozen=True)
class Written:
    text: str  # what the model wrote after the primer
    verdicts: tuple[Verdict, ...]  # the support check's, after the meaning stage


def written_cache(size: int) -> LRU[tuple, Written]:
    """The ``size`` most recently used generations (0: none)."""
    return LRU(size)


def written_key(prompt: Prompt, max_new_tokens: int, temperature: float) -> tuple | None:
    """What a generation is a function of, or None when it is sampled and so not worth keeping."""
    return (prompt, max_new_tokens) if temperature == 0 else None
