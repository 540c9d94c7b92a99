"""The one place that builds the pipeline from Settings; the CLI, server, UI and eval all start here.

    >>> built = build_assistant(settings.model_copy(update={"backend": "extractive"}))
    >>> built.ask("What is label smoothing?").citations[0].term
    'Label Smoothing'
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from assistant.answer import AnswerConfig, Assistant
from assistant.concepts import ConceptFinder
from assistant.corpus import Glossary, load_glossary
from assistant.errors import CorpusError
from assistant.decide import Thresholds
from assistant.embed import Embedder, make_embedder, vocabulary_words
from assistant.gate import GenerationGate
from assistant.generate import Generator, make_generator
from assistant.ground import GroundingChecker
from assistant.index import BuiltIndex, IndexStore
from assistant.match import TermMatcher
from assistant.prompt import PromptStyle, fixed_prefix, packaged_style
from assistant.retrieve import Retriever
from assistant.settings import Settings
from assistant.text import words

log = logging.getLogger(__name__)


@dataclass
class RetrievalStack:
    glossary: Glossary
    embedder: Embedder
    index: BuiltIndex
    retriever: Retriever
    corpus_error: str | None = None  # set when an invalid corpus edit was rejected and the snapshot serves


def load_glossary_or_snapshot(settings: Settings) -> tuple[Glossary, str | None]:
    """The corpus file; if it is invalid, the glossary the current index was built from (and the error).

    A server keeps answering from its last good glossary while a bad edit is fixed; commands that
    build things (``index``) use ``load_glossary`` and fail instead.
    """
    try:
        return load_glossary(settings.corpus_path), None
    except CorpusError as exc:
        entries = IndexStore(settings.index_dir, make_embedder(settings)).load_snapshot()
        if not entries:
            raise
        log.error("%s -- rejected; serving the last valid glossary (%d entries) from %s", exc, len(entries),
                  settings.index_dir)
        return Glossary(version=1, entries=tuple(entries)), str(exc)


def corpus_vocabulary(glossary: Glossary, corpus_path: Path) -> set[str]:
    """Every word of the glossary and its source article: such words are never treated as typos."""
    texts = [text for e in glossary.entries for _, text in e.passages()]
    texts += [name for e in glossary.entries for name in e.names]
    if glossary.source and (corpus_path.parent / glossary.source).is_file():
        texts.append((corpus_path.parent / glossary.source).read_text(encoding="utf-8", errors="replace"))
    return {w for t in texts for w in words(t)}


def build_retrieval(settings: Settings, rebuild: bool = False, progress: bool = False,
                    persist_required: bool = False, keep_serving: bool = False,
                    embedder: Embedder | None = None) -> RetrievalStack:
    """``keep_serving``: on an invalid corpus, fall back to the index's snapshot (servers) instead of failing.
    ``embedder``: one already loaded (a reload keeps the running one)."""
    if keep_serving:
        glossary, corpus_error = load_glossary_or_snapshot(settings)
    else:
        glossary, corpus_error = load_glossary(settings.corpus_path), None
    if embedder is None:
        embedder = make_embedder(settings)
        embedder.warm_up()
    built = IndexStore(settings.index_dir, embedder, settings.hnsw_above, settings.index_mmap).load_or_build(
        glossary.entries, rebuild=rebuild, progress=progress, persist_required=persist_required)
    vocabulary = corpus_vocabulary(glossary, settings.corpus_path)
    concepts = ConceptFinder.load(settings.outside_concepts_path, glossary.entries, vocabulary, glossary.subject or "")
    matcher = TermMatcher(glossary.entries, vocabulary | concepts.words, concepts.words,
                          vocabulary_words(settings.embedder))
    retriever = Retriever(glossary.entries, embedder, built.index, matcher, dense_weight=settings.dense_weight,
                          concepts=concepts)
    return RetrievalStack(glossary, embedder, built, retriever, corpus_error)


def answer_config(settings: Settings) -> AnswerConfig:
    return AnswerConfig(top_k=settings.top_k, max_question_chars=settings.max_question_chars,
                        max_new_tokens=settings.max_new_tokens, temperature=settings.temperature,
                        timeout_s=settings.generation_timeout_s, min_supported_share=settings.min_supported_share,
                        min_sentence_similarity=settings.min_sentence_similarity,
                        min_sentence_logprob=settings.min_sentence_logprob,
                        suggest_threshold=settings.suggest_threshold,
                        max_history_turns=settings.max_history_turns,
                        max_history_chars=settings.max_history_chars,
                        answer_cache_size=settings.answer_cache_size, when_busy=settings.when_busy,
                        thresholds=Thresholds(answer_score=settings.answer_threshold,
                                              long_words=settings.long_question_words,
                                              long_min_coverage=settings.long_min_coverage,
                                              closest_score=settings.closest_threshold,
                                              short_answer_score=settings.short_answer_threshold,
                                              short_min_coverage=settings.short_min_coverage,
                                              lead=settings.lead_threshold,
                                              name_lead=settings.name_lead_threshold,
                                              close_meaning=settings.close_meaning_threshold,
                                              sentence_meaning=settings.sentence_meaning_threshold,
                                              meaning_lead=settings.meaning_lead_threshold))


def generation_gate(settings: Settings, generator: Generator | None) -> GenerationGate:
    """Admits as many generations at once as the backend runs together."""
    return GenerationGate(generator.parallel if generator else 1, settings.queue_size, settings.queue_timeout_s)


def with_current_glossary(assistant: Assistant, settings: Settings) -> Assistant:
    """The running assistant's generator, gate and settings over the glossary as it is on disk now (only new or
    edited entries are embedded); CorpusError when the glossary is invalid."""
    stack = build_retrieval(settings, embedder=assistant.retriever.embedder)
    return Assistant(stack.glossary, stack.retriever, assistant.generator,
                     GroundingChecker(concepts=stack.retriever.concepts), assistant.gate, assistant.config,
                     PromptStyle.for_glossary(stack.glossary, settings.corpus_path))


def build_assistant(settings: Settings, warm: bool = True, progress: bool = False,
                    keep_serving: bool = False) -> Assistant:
    """Everything the doors need: glossary, index (rebuilt if stale), retriever, generator, checker, gate.

    With ``warm`` the generator loads in a second thread while the retrieval stack is built: model
    loading runs in C without the GIL, which takes about 0.4 s off a 2 s start on 2 cores.
    """
    generator = make_generator(settings)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="load-generator") as pool:
        loading = pool.submit(generator.warm_up, fixed_prefix()) if warm and generator is not None else None
        stack = build_retrieval(settings, progress=progress, keep_serving=keep_serving)
        if loading is not None:
            loading.result()  # re-raises a load error here
    style = PromptStyle.for_glossary(stack.glossary, settings.corpus_path)
    if loading is not None and style != packaged_style():  # another glossary's head: its state, saved now
        generator.warm_up(style.fixed_prefix())
    return Assistant(stack.glossary, stack.retriever, generator, GroundingChecker(concepts=stack.retriever.concepts),
                     generation_gate(settings, generator), answer_config(settings), style)
