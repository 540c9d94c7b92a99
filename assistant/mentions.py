"""What a question mentions: the glossary names and outside concepts in it, with their overlaps resolved.

    >>> retrieval = assistant.retriever.retrieve("Is weight decay the same as elastic weight consolidation?")
    >>> m = mentions(retrieval, {e.term: e for e in glossary.entries}, top_term="Elastic Weight Consolidation")
    >>> m.named, [o.name for o in m.outside]
    (['Elastic Weight Consolidation'], ['weight decay'])

Where a glossary name and an outside concept overlap, the longer, more specific name wins ("Fleiss'
kappa" is not Cohen's kappa) unless its extra words belong to the entry itself; the glossary term it
was built on is kept as a *relative*. Outside concepts that several entries mention ("neural network")
are the domain's context, not a subject. A one-word glossary name that other entries use as an
ordinary word ("anchors") counts only when the question's content points to the same entry, or when it is
listed or compared with a name that counts ("population and sample").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from assistant.concepts import ConceptMention
from assistant.corpus import Entry
from assistant.match import NameMatch, TermMatcher, coordinated, tokenize
from assistant.retrieve import Retrieval
from assistant.text import STOPWORDS

_CONTEXT_ENTRIES = 3  # an outside concept mentioned by this many entries is the domain's context
_MIN_SHORTENED = 4  # a last word this long may be the start of the word the entry writes in full
_QUESTION_OPENING = frozenset("what what's whats how why when where which who does do did is are was were can could "
                              "would should will the a an".split())
_ASKS_FOR_KIND = frozenset("which what what's whats".split())
_PREPOSITIONS = frozenset("behind of about for in on with from regarding within into".split())


@dataclass(frozen=True)
class Mentions:
    named: list[str]  # glossary terms the question names, in order
    outside: list[ConceptMention]  # outside concepts it names (context words of the domain left out)
    relatives: dict[str, str] = field(default_factory=dict)  # outside name -> the glossary term it is built on


def mentions(retrieval: Retrieval, entries: dict[str, Entry], top_term: str) -> Mentions:
    """``top_term``: the entry the question's content scores highest, whatever names it mentions."""
    matches, outside, relatives = _resolve(retrieval.matches, retrieval.outside, entries)
    counted = _counted(matches, top_term, retrieval.question)
    named = list(dict.fromkeys(m.term for m, names in zip(matches, counted) if names))
    return Mentions(named, [o for o in outside if not _is_context(o, entries)], relatives)


def _counted(matches: list[NameMatch], top_term: str, question: str) -> list[bool]:
    """Which matches name their entry: all but ambiguous one-word names, which count when the question's content
    points to their entry, or when they stand in one list or comparison with a name that counts ("the difference
    between a population and sample", "mean, median, and mode"), both written as the glossary writes them (not
    "modal" taken for a typo of "module")."""
    counted = [not m.ambiguous or m.term == top_term for m in matches]
    if all(counted) or not any(counted):
        return counted  # no name that counts beside one that does not: the question need not be read again
    tokens = tokenize(question)
    changed = True
    while changed:
        changed = False
        for i in range(len(matches) - 1):
            pair = matches[i:i + 2]
            if counted[i] != counted[i + 1] and all(m.score == 1.0 for m in pair) and coordinated(tokens, *pair):
                counted[i] = counted[i + 1] = changed = True
    return counted


def subject_concept(question: str, outside: list[ConceptMention]) -> ConceptMention | None:
    """The outside concept a question opens with, after its question words: "How does data augmentation
    improve ...", "How does batch normalization perform ...". Not in "which learning rate schedule ...": there
    it is the kind of thing asked for."""
    tokens = [t.raw for t in tokenize(question)]
    opening = next((i for i, t in enumerate(tokens) if t not in _QUESTION_OPENING), None)
    if opening is None or (opening and tokens[opening - 1] in _ASKS_FOR_KIND):
        return None
    return next((o for o in outside if o.start == opening), None)


def entry_mentions(entry: Entry, concept: ConceptMention) -> bool:
    """Whether the entry's names or text contain the concept's name as the question writes it (as word stems, in
    order), or another of the concept's names ("exploding gradients" for the exploding gradient problem, "batch norm"
    for BatchNorm), their last word perhaps written in full where the name cuts it short ("backprop" for
    backpropagation, "layer norm")."""
    text = _entry_words(entry).sequence
    return any(_writes(text, stems) for stems in (concept.stems, *concept.spellings))


def _writes(text: str, stems: tuple[str, ...]) -> bool:
    """Whether the text (stems, space-separated) writes the words, the last one perhaps in full where ``stems`` cut it
    short ("layer norm" for layer normalization)."""
    phrase = " " + " ".join(stems)
    return phrase + " " in text or len(stems[-1]) >= _MIN_SHORTENED and phrase in text


def entry_says(entry: Entry, phrase: str) -> bool:
    """Whether the entry's names or text contain the phrase, as word stems in order, small words at its edges
    aside ("CLIP" in Contrastive Loss's example, "the margin" in Triplet Loss's alias "triplet margin loss")."""
    tokens = list(tokenize(phrase.replace("-", " ")))
    while tokens and tokens[0].raw in STOPWORDS:
        tokens.pop(0)
    while tokens and tokens[-1].raw in STOPWORDS:
        tokens.pop()
    said = " ".join(t.stem for t in tokens)
    written = _entry_words(entry)
    if len(tokens) == 1 and tokens[0].raw in written.run_together:  # "efficientnet" typed as one word
        return True
    return bool(said) and f" {said} " in written.sequence


def entry_stems(entry: Entry) -> frozenset[str]:
    """Stems of every word of the entry's names and passages."""
    return _entry_words(entry).stems


def foreign_modifier(subject: str, matcher: TermMatcher) -> bool:
    """The X of "what is X?" names another concept built on a glossary name: a word the glossary never uses
    stands right before the name ("Fleiss' kappa"), where a known word ("good kappa value") does not."""
    matches = matcher.find(subject)
    if not matches or matches[0].start == 0:
        return False
    word = tokenize(subject)[matches[0].start - 1].raw
    return word not in STOPWORDS and word not in _PREPOSITIONS and not matcher.is_known(word)


_NOT_A_MODIFIER = re.compile(r"(?:ing|ly|est|[^siu]s)$")  # the ending of a verb form, an adverb, a superlative
_NAMING_WORDS = frozenset("acronym abbreviation abbreviated termed dubbed nicknamed".split())  # "the acronym EWC"
# Small words a noun phrase follows: articles, determiners, prepositions, "what"/"which", forms of "be", "do" and
# "have". Not "to", "why", "how" or "and", nor a verb such as "using": a verb may follow them ("to justify
# DropConnect", "why crank One Cycle Policy up", "define and differentiate mean", "using Vanilla Bayesian
# Optimization").
_OPENERS = frozenset("a an the this that these those my your our their his her its some any no each every another "
                     "of in on at for about with by from into onto between than as like per via over under "
                     "vs versus what which whose is are was were be been being does do did has have had".split())
_MIN_MODIFIER = 4  # "PD model", "SP anchor": shorter words are abbreviations of something else


def names_built_on(question: str, matches: list[NameMatch], matcher: TermMatcher) -> dict[str, str]:
    """Glossary names that a rare word before them turns into another concept, wherever they stand: "when should I use
    the harmonic mean?", "a question about interim analysis", "can I get away with propensity score matching?". The
    word opens the name's phrase after a small word (``_OPENERS``; not a sentence's first word: "Define frequency."),
    does not end as a verb form, an adverb or a superlative does ("increasing sample size", "the hardest triplet
    loss"), and the glossary never writes it while the language rarely does (``TermMatcher.is_rare_word``): "a small
    sample" and "the appropriate alternative hypothesis" stay the entry's. {the phrase, as folded words: its glossary
    term}, for terms named only so."""
    tokens = tokenize(question)
    built: dict[str, str] = {}
    plain = set()
    for m in matches:
        before = m.start - 1
        word = tokens[before] if before > 0 and not tokens[m.start].opens_phrase else None
        opens = word is not None and not word.opens_phrase and tokens[before - 1].raw in _OPENERS
        if opens and len(word.raw) >= _MIN_MODIFIER and word.raw not in _NAMING_WORDS \
                and not _NOT_A_MODIFIER.search(word.raw) and matcher.is_rare_word(word.raw):
            built.setdefault(" ".join(t.raw for t in tokens[before:m.end]), m.term)
        else:
            plain.add(m.term)
    return {phrase: term for phrase, term in built.items() if term not in plain}


class _EntryWords(NamedTuple):
    """The words of an entry's names and passages, for word and phrase lookups."""
    stems: frozenset[str]
    sequence: str  # " stem stem ... ", in order
    run_together: frozenset[str]  # each run of two or three words written as one ("efficientnet" for "EfficientNet")


@lru_cache(maxsize=4096)
def _entry_words(entry: Entry) -> _EntryWords:
    tokens = [t for text in (*entry.names, *(t for _, t in entry.passages())) for t in tokenize(text.replace("-", " "))]
    stems = [t.stem for t in tokens]
    joined = {"".join(t.raw for t in tokens[i:i + n]) for n in (2, 3) for i in range(len(tokens) - n + 1)}
    return _EntryWords(frozenset(stems), " " + " ".join(stems) + " ", frozenset(joined))


def _resolve(matches: list[NameMatch], outside: list[ConceptMention], entries: dict[str, Entry]
             ) -> tuple[list[NameMatch], list[ConceptMention], dict[str, str]]:
    """Drops the loser of each overlap between a glossary name and an outside concept: the outside one wins
    when it is longer and its extra words are foreign to the entry."""
    kept_outside = []
    relatives: dict[str, str] = {}
    for o in outside:
        overlapping = [m for m in matches if m.start < o.end and o.start < m.end]
        if not overlapping:
            kept_outside.append(o)
            continue
        wins = all(o.end - o.start > m.end - m.start and
                   not {s for i, s in enumerate(o.stems) if not m.start <= o.start + i < m.end} <=
                   _entry_words(entries[m.term]).stems for m in overlapping)
        if wins:
            kept_outside.append(o)
            relatives[o.name] = overlapping[0].term
            matches = [m for m in matches if m not in overlapping]
    return matches, kept_outside, relatives


def _is_context(concept: ConceptMention, entries: dict[str, Entry]) -> bool:
    return sum(entry_mentions(e, concept) for e in entries.values()) >= _CONTEXT_ENTRIES
