"""The pipeline: clean -> retrieve -> decide -> generate -> check -> Answer.

    >>> assistant.ask("What is label smoothing?").citations[0].term
    'Label Smoothing'
    >>> events = list(assistant.stream("what is mixup?"))   # text chunks, then the Answer
    >>> events[-1].citations[0].term
    'Mixup'
    >>> assistant.route("what is dropout?").decision.outcome
    'refused'
    >>> earlier = [Turn(question="what is mixup?", citations=["Mixup"])]
    >>> assistant.ask("and an example?", history=earlier).resolved_question
    'Mixup: an example?'

``route`` is the part before generation (clean, resolve a follow-up against the conversation, retrieve,
decide); the eval uses it too. ``stream``
yields text chunks as the model writes them, then the final ``Answer``. The support check runs on the
finished text: unsupported sentences, and those that stray in meaning from every entry sentence
(``closeness.py``) unless the model finds them likely from the entry alone (``likelihood.py``), are dropped,
and when too little survives the answer becomes the extractive one.
The final Answer then has ``revised: true`` and its ``answer`` replaces what was streamed (the UI and
widget swap the text and say so).
"""
from __future__ import annotations

import collections.abc
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property

from assistant.asks import Ask
from assistant.attribute import attribute
from assistant.closeness import Closeness
from assistant.corpus import Entry, Glossary
from assistant.decide import Decision, Thresholds, decide
from assistant.errors import Busy, GenerationError
from assistant.extractive import closest_answer, completed, extractive_answer, refusal_text
from assistant.followup import (GlossaryWords, about_topic, clean_history, in_conversation, resolve,
                               says_not_before_its_name)
from assistant.gaps import unaddressed, undefined_text
from assistant.gate import GenerationGate
from assistant.generate import Cancel, Generator, Prompt, SentenceScorer
from assistant.ground import GroundingChecker, Verdict
from assistant.guard import clean_question
from assistant.likelihood import Likelihood
from assistant.prompt import PromptStyle, build_prompt, packaged_style
from assistant.retrieve import Retrieval, Retriever
from assistant.schema import Answer, Citation, Retrieved, SentenceVerdict, Timings, Turn, WhenBusy
from assistant.suggest import FollowUps
from assistant.text import spell_what
from assistant.written import Written, written_cache, written_key

log = logging.getLogger(__name__)
Event = str | Answer


@dataclass(frozen=True)
class AnswerConfig:
    top_k: int
    max_question_chars: int
    max_new_tokens: int
    temperature: float
    timeout_s: float
    min_supported_share: float
    min_sentence_similarity: float
    min_sentence_logprob: float
    suggest_threshold: float
    thresholds: Thresholds
    max_history_turns: int = 10
    max_history_chars: int = 20_000
    answer_cache_size: int = 0  # generated answers kept by prompt (``written.py``); 0 = none
    when_busy: WhenBusy = "glossary"  # no generation slot within the queue's wait: the entry's own text, or Busy


@dataclass(frozen=True)
class Route:
    """What a question is, before any generation: its cleaned text, the question it stands for in the conversation
    (itself when it stands alone), what retrieval found for that, what was decided."""

    asked: str
    question: str
    retrieval: Retrieval
    decision: Decision
    retrieve_ms: float


class Assistant:
    """Answers questions from the glossary. Build it with ``assistant.wiring.build_assistant``."""

    def __init__(self, glossary: Glossary, retriever: Retriever, generator: Generator | None,
                 checker: GroundingChecker, gate: GenerationGate, config: AnswerConfig,
                 prompt_style: PromptStyle | None = None) -> None:
        self.glossary = glossary
        self.retriever = retriever
        self.generator = generator
        self.checker = checker
        self.gate = gate
        self.config = config
        self.closeness = Closeness(retriever.embedder, config.min_sentence_similarity)
        self.likelihood = Likelihood(generator, self.closeness, config.min_sentence_logprob) \
            if isinstance(generator, SentenceScorer) and config.min_sentence_logprob < 0 else None
        self._entries = {e.term: e for e in glossary.entries}
        self.prompt_style = prompt_style or packaged_style()  # the glossary's head: instructions, worked examples
        self.followups = FollowUps(retriever, self.route)
        self.written = written_cache(config.answer_cache_size)

    @cached_property
    def _words(self) -> GlossaryWords:
        """How the glossary writes single words, for follow-up turns: read at the first one, not at start-up."""
        return GlossaryWords.of(self.glossary.entries)

    @property
    def backend(self) -> str:
        return self.generator.name if self.generator else "extractive"

    def warm_up(self) -> None:
        if self.generator is not None:
            self.generator.warm_up(self.prompt_style.fixed_prefix())

    def ask(self, question: object, cancel: Cancel | None = None, route: Route | None = None,
            history: Sequence[Turn] = ()) -> Answer:
        answer = None
        for event in self.stream(question, cancel, route, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def route(self, question: object, history: Sequence[Turn] = ()) -> Route:
        """Clean, resolve, retrieve and decide; raises InvalidQuestion for what the doors would reject.
        ``history``: the conversation's earlier turns, oldest first."""
        started = time.perf_counter()
        asked = clean_question(question, self.config.max_question_chars)
        turns = clean_history(list(history), self.config.max_history_turns, self.config.max_history_chars)
        resolution = resolve(spell_what(asked), turns, self.retriever, self.config.thresholds.long_words)
        text = resolution.question  # built from the cleaned question and history
        retrieval, decision = self._decided(text, resolution.exclude)
        about = about_topic(text, resolution, retrieval, decision, self.glossary.entries, self._words,
                            self.retriever.matcher.is_name_word)
        if about is not None:  # "supervised or not?": asked about the conversation's entry
            text = about
            retrieval, decision = self._decided(text)
        decision = in_conversation(decision, resolution, retrieval, self._entries, self.config.thresholds,
                                   self._words)
        return Route(asked, text, retrieval, decision, _ms(started))

    def _decided(self, text: str, exclude: tuple[str, ...] = ()) -> tuple[Retrieval, Decision]:
        """Retrieval and decision for ``text``; ``exclude``: entries a correction turned away from."""
        retrieval = self.retriever.retrieve(text, k=max(5, self.config.top_k) + len(exclude))
        if exclude:  # a correction: another entry than the last answer's
            retrieval = replace(retrieval, hits=[h for h in retrieval.hits if h.term not in exclude],
                                matches=[m for m in retrieval.matches if m.term not in exclude])
        decision = decide(text, retrieval, self.retriever.matcher, self._entries, self.config.thresholds)
        if set(decision.terms) & set(exclude):  # "what is model drift?" asked again without it: the closest other
            top = max(retrieval.hits, key=lambda h: h.fused)
            decision = Decision("closest", "closest", [top.term], coverage=decision.coverage, ask=decision.ask)
        if exclude and decision.outcome != "answered":  # no other entry answers what the correction describes
            unexcluded, described = self._decided(text)
            if described.outcome == "answered" and described.reason in ("descriptive", "lead") \
                    and set(described.terms) <= set(exclude) \
                    and not says_not_before_its_name(text, [self._entries[t] for t in described.terms]):
                # "sorry, I meant the one EfficientNet uses, not BERT" after Swish and GELU Activations, whose text
                # says EfficientNet: the user corrected their own words, and the entry turned away from is meant
                return unexcluded, described
        return retrieval, decision

    def stream(self, question: object, cancel: Cancel | None = None, route: Route | None = None,
               history: Sequence[Turn] = ()) -> Iterator[Event]:
        """``route``: the question already routed (the eval reuses its retrieval); else it is routed here."""
        route = route or self.route(question, history)
        started = time.perf_counter() - route.retrieve_ms / 1000  # totals count the routing, wherever it ran
        text, retrieval, decision = route.question, route.retrieval, route.decision
        timings = Timings(retrieve_ms=route.retrieve_ms)
        base = dict(question=route.asked, resolved_question=text, retrieved=self._retrieved(retrieval),
                    reason=decision.reason, subject=decision.subject, backend=self.backend,
                    glossary_version=self.glossary.short_hash)
        if decision.outcome == "refused":
            suggestions = [] if decision.reason in ("injection", "no_words") else \
                [h.term for h in retrieval.hits[:3] if h.fused >= self.config.suggest_threshold]
            reply = refusal_text(decision.reason, decision.subject, suggestions)
            yield reply
            yield Answer(answer=reply, refused=True, citations=[], grounded=True, outcome="refused", mode="refusal",
                         suggestions=suggestions, sentences=attribute(reply, []), timings=_finish(timings, started),
                         **base)
            return
        entries = [self._entries[t] for t in decision.terms]
        citations = [Citation(term=e.term, score=_score(retrieval, e.term), category=e.category,
                              definition=e.definition, example=e.example) for e in entries]
        if decision.outcome == "closest":
            reply, claim = closest_answer(entries[0], decision.subject)
            yield reply
            yield self._final(reply, claim, reply, entries, citations, "extractive", [], base, timings, started,
                              "closest")
            return
        # What the glossary does not cover of the question comes first, in one sentence; it states no fact.
        preface = undefined_text(decision.undefined) or (
            unaddressed(entries[0], decision.ask, text, decision.outside)
            if len(entries) == 1 else None) or ""
        if self.generator is None or len(entries) > 1:
            yield from self._extractive(text, decision.ask, preface, entries, citations, base, timings, started)
            return
        try:
            yield from self._generate(text, decision.ask, preface, entries, citations, base, timings, started, cancel)
        except Busy:  # raised before the generation wrote anything: no slot could be promised in time
            if self.config.when_busy == "busy":
                raise
            yield from self._extractive(text, decision.ask, preface, entries, citations, base, timings, started,
                                        busy=True)

    def _extractive(self, text: str, ask: Ask, preface: str, entries: list[Entry], citations: list[Citation],
                    base: dict, timings: Timings, started: float, busy: bool = False) -> Iterator[Event]:
        """The answer in the glossary's own words, no generation; ``busy``: because no generation slot was free."""
        claims = extractive_answer(entries, text, ask)
        reply = _join(preface, claims)
        yield reply
        answer = self._final(reply, claims, reply, entries, citations, "extractive", [], base, timings, started)
        answer.busy = busy
        yield answer

    def _generate(self, text: str, ask: Ask, preface: str, entries: list[Entry], citations: list[Citation],
                  base: dict, timings: Timings, started: float, cancel: Cancel | None) -> Iterator[Event]:
        prompt = build_prompt(entries[0], text, ask, self.prompt_style)
        key = written_key(prompt, self.config.max_new_tokens, self.config.temperature)
        kept = self.written.get(key) if key is not None else None
        streamed = _join(preface, prompt.primer)
        gen_started = time.perf_counter()
        if kept is not None:  # asked before: the same text, no generation slot needed
            yield streamed
            timings.first_token_ms = _ms(started)
            yield kept.text
            model_text: str | None = kept.text
        else:
            with self.gate.slot():
                yield streamed
                deadline = gen_started + self.config.timeout_s  # the wait for a slot counts too
                model_text = yield from self._model_text(prompt, timings, started, deadline, cancel or Cancel())
        timings.generate_ms = _ms(gen_started)
        streamed = streamed + model_text if model_text is not None else ""
        if kept is not None:
            verdicts = list(kept.verdicts)
        else:
            written = streamed.removeprefix(preface).removeprefix(prompt.primer)  # the model's, after the primer
            verdicts = self.checker.check_text(written, entries) if written.strip() else []
            verdicts = self.review(verdicts, entries, prompt)
            if key is not None and model_text is not None:
                self.written.put(key, Written(model_text, tuple(verdicts)))
        kept_sentences = [v.sentence for v in verdicts if v.supported]
        enough = verdicts and len(kept_sentences) / len(verdicts) >= self.config.min_supported_share
        if enough:
            claims, mode = completed(" ".join(kept_sentences), entries[0], ask), "generated"
        else:
            claims, mode = extractive_answer(entries, text, ask), "extractive"
        reply = _join(preface, claims)
        answer = self._final(reply, claims, streamed, entries, citations, mode, verdicts, base, timings, started)
        # A fallback replaces what the model wrote (rejected, timed out, failed); a model that added nothing to the
        # quoted definition leaves the extractive answer without any fallback.
        answer.fallback = mode == "extractive" and (bool(verdicts) or not streamed)
        yield answer

    def _model_text(self, prompt: Prompt, timings: Timings, started: float, deadline: float,
                    cancel: Cancel) -> collections.abc.Generator[str, None, str | None]:
        """Streams what the model writes and returns it whole; None when it passed ``deadline`` (a
        ``perf_counter`` time), failed or was cancelled."""
        text = ""
        chunks = self.generator.stream(prompt, self.config.max_new_tokens, self.config.temperature, cancel)
        try:
            for chunk in chunks:
                if timings.first_token_ms is None:
                    timings.first_token_ms = _ms(started)
                text += chunk
                yield chunk
                if time.perf_counter() > deadline:
                    log.warning("generation passed %.0f s; answering extractively", self.config.timeout_s)
                    cancel.set()
                    return None
        except GenerationError as exc:
            log.warning("generation failed (%s); answering extractively", exc)
            return None
        finally:
            chunks.close()  # releases the backend (and its lock) even when our caller went away
        return None if cancel.is_set else text

    def review(self, verdicts: list[Verdict], entries: list[Entry], prompt: Prompt) -> list[Verdict]:
        """The lexical verdicts after the meaning stage: sentences far in meaning from every entry sentence are
        dropped (``closeness.py``) unless the model finds them likely from the entry alone (``likelihood.py``,
        backends that can score sentences)."""
        if self.likelihood is not None and self.closeness.minimum > 0:
            return self.likelihood.review(verdicts, entries, prompt)
        return self.closeness.review(verdicts, entries)

    def _final(self, reply: str, claims: str, streamed: str, entries: list[Entry], citations: list[Citation],
               mode: str, verdicts: list[Verdict], base: dict, timings: Timings, started: float,
               outcome: str = "answered") -> Answer:
        """``claims``: the part of ``reply`` that states facts (a closest-entry reply also says it is one)."""
        final_checks = self.checker.check_text(claims, entries)
        return Answer(answer=reply, refused=False, citations=citations, outcome=outcome, mode=mode,
                      grounded=bool(final_checks) and all(v.supported for v in final_checks),
                      verdicts=[SentenceVerdict(sentence=v.sentence, supported=v.supported, support=v.support,
                                                problem=v.problem) for v in verdicts],
                      revised=reply.strip() != streamed.strip(), sentences=attribute(reply, entries),
                      followups=self.followups.for_entries([e.term for e in entries]),
                      timings=_finish(timings, started), **base)

    def _retrieved(self, retrieval: Retrieval) -> list[Retrieved]:
        return [Retrieved(term=h.term, score=h.score, category=self._entries[h.term].category) for h in retrieval.hits]


def _join(*parts: str | None) -> str:
    return " ".join(p for p in parts if p)


def _score(retrieval: Retrieval, term: str) -> float:
    return next((h.score for h in retrieval.hits if h.term == term), 0.0)


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)


def _finish(timings: Timings, started: float) -> Timings:
    timings.total_ms = _ms(started)
    return timings
