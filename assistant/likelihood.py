"""Shown only when the model finds it likely from the entry alone: a generated sentence that passed the lexical
check but is not close in meaning to any entry sentence (``closeness.py``) is read again by the language model,
right after its entry and without the question; it is dropped below ``minimum`` mean log-probability per token.

    >>> from assistant.prompt import build_prompt
    >>> likelihood = Likelihood(assistant.generator, assistant.closeness, minimum=-1.7)
    >>> entry = glossary.by_term("Monte Carlo Dropout")
    >>> beyond = "Monte Carlo dropout is applied during training, inference, and both."  # judged "beyond"
    >>> verdicts = assistant.checker.check_text(beyond, [entry])
    >>> [v.supported for v in verdicts], assistant.closeness.similarity(beyond, [entry]) < 0.85
    ([True], True)
    >>> [v.supported for v in likelihood.review(verdicts, [entry], build_prompt(entry, "is it applied in training?"))]
    [False]

Why it works: a grounded sentence copies or closely paraphrases what the model read in the entry, so the model
finds it likely there; a sentence made from the question, from what the model knows, or recombined into another
claim is one it finds unlikely once the question is gone. On ``eval/real/judged.jsonl`` this tells the
unsupported sentences that pass the lexical check from the supported ones with AUC 0.93, against 0.82 for the
embedder closeness. Cost: one prefill of the sentence with an output row per token (about 13 ms a token on 2
cores: the 262k-word output layer), so sentences already close in meaning are not scored.
"""
from __future__ import annotations

from assistant.closeness import Closeness, about_entry
from assistant.corpus import Entry
from assistant.generate import Prompt, SentenceScorer
from assistant.ground import Verdict


class Likelihood:
    def __init__(self, scorer: SentenceScorer, closeness: Closeness, minimum: float) -> None:
        self.scorer = scorer
        self.closeness = closeness
        self.minimum = minimum

    def review(self, verdicts: list[Verdict], entries: list[Entry], prompt: Prompt) -> list[Verdict]:
        """The verdicts with each supported sentence that is neither close in meaning to an entry sentence nor
        likely after the prompt's entry marked unsupported."""
        doubtful = [i for i, v in enumerate(verdicts)
                    if v.supported and self.closeness.similarity(v.sentence, entries) < self.closeness.minimum]
        scores = self.scorer.sentence_logprobs(prompt, [about_entry(verdicts[i].sentence, entries[0])
                                                        for i in doubtful]) if doubtful else []
        out = list(verdicts)
        for i, score in zip(doubtful, scores):
            if score < self.minimum:
                v = verdicts[i]
                out[i] = Verdict(v.sentence, False, v.support, f"the model finds it unlikely from the entry alone "
                                                               f"(mean log-probability {score:.2f} per token)")
        return out
