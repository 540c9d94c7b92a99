"""The support check: is each answer sentence backed by the cited entries?

    >>> entry = glossary.by_term("Label Smoothing")
    >>> assistant.checker.check("Label smoothing softens the labels during training.", [entry]).supported
    True
    >>> assistant.checker.check("Label smoothing was introduced by Google in 2015.", [entry]).supported
    False

A sentence is supported when most of its content words occur in the cited entries' text, and it neither
combines them anew (most of its adjacent content-word pairs never stand close together in an entry
sentence: "adds the easy ones last") nor adds specifics the entries lack: a number, a capitalised name,
an outside concept named with a word the entries never use, another subject ("CutMix is ..."), a word
whose opposite is what the entry says ("more" where it says "less"), a comparison in a quality the entry never
names ("more accurate" where it says "more meaningful"), a negation the entry sentence it restates does not
have or lacks one it has ("requires retraining" where it says "without retraining"), or a definition of another
named concept ("Group normalization is ..."). Questions, bare names, repeats of an earlier sentence and a last
sentence the generation left unfinished are not answers.
Measured on eval/grounding.jsonl (written by the team) and eval/real/judged.jsonl (sentences the assistant
produced for real questions, judged by a reader): ``python -m assistant eval --grounding FILE``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.concepts import ConceptFinder
from assistant.corpus import Entry
from assistant.mentions import entry_mentions, entry_stems
from assistant.text import QUERY_WORDS, STOPWORDS, americanize, content_stems, split_sentences, stem, words

_FINISHED = re.compile(r"[.!?][\"'\u201d)\]]*\s*$")  # a sentence's end, closing quotes or brackets after it
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zA-Z0-9]*(?:[-'][A-Za-z0-9]+)*)")
_OPPOSITES = [
    ("more", "less"), ("increase", "decrease"), ("higher", "lower"), ("high", "low"), ("larger", "smaller"),
    ("large", "small"), ("minimize", "maximize"), ("minimizes", "maximizes"), ("minimizing", "maximizing"),
    ("closer", "farther"), ("easy", "hard"), ("easiest", "hardest"), ("simple", "complex"), ("before", "after"),
    ("first", "last"), ("better", "worse"), ("stable", "unstable"), ("overconfident", "underconfident"),
    ("wider", "narrower"), ("sharp", "flat"), ("supervised", "unsupervised"), ("discrete", "continuous"),
    ("similar", "dissimilar"), ("apart", "together"), ("fewer", "more"), ("slower", "faster"), ("slow", "fast"),
    ("confident", "humble"), ("preserve", "ignore"), ("preserves", "ignores"), ("allow", "prevent"),
    ("allows", "prevents"), ("improve", "worsen"), ("always", "never"), ("inside", "outside")]
_OPPOSITE = {a: b for a, b in _OPPOSITES} | {b: a for a, b in _OPPOSITES}
_SUBJECT = re.compile(r"^(?P<subject>(?:[\w'-]+\s+){0,4}?[\w'-]+)\s+(?:is|are|was|were|uses|use|means|refers)\b")
_NEGATION = frozenset("not no never cannot can't don't doesn't isn't aren't won't without neither nor none".split())
_NEGATIVE_SENSE = frozenset("prevent prevents avoid avoids stop stops from instead rather".split())  # "not", reworded
_REDUCING = frozenset("reduce reduces reducing lower lowers limit limits less fewer avoid avoids".split())  # "not"
_NEGATION_SCOPE = 4  # words after a negation that it covers
_DEGREE = frozenset(("more", "less"))  # comparatives; superlatives ("the most influence") paraphrase rankings
_REPEAT_OVERLAP = 0.8  # share of content stems shared with an earlier sentence that makes it a repeat
_PAIR_WINDOW = 3  # entry words this close together count as said together
_MAX_NEW_PAIRS = 0.7  # share of a sentence's adjacent content-word pairs the entry never puts together


@dataclass(frozen=True)
class Verdict:
    sentence: str
    supported: bool
    support: float  # share of the sentence's content stems found in the entries
    problem: str | None = None


class GroundingChecker:
    """Checks sentences against entries. ``min_support``: share of content words that must be in the entries."""

    def __init__(self, min_support: float = 0.6, concepts: ConceptFinder | None = None) -> None:
        if not 0.0 < min_support <= 1.0:
            raise ValueError("min_support must be in (0, 1]")
        self.min_support = min_support
        self.concepts = concepts

    def check_text(self, text: str, entries: list[Entry]) -> list[Verdict]:
        source = _Source.of(entries)  # built once for all the sentences
        verdicts: list[Verdict] = []
        for sentence in split_sentences(text):
            verdict = self._verdict(sentence, source)
            if verdict.supported and any(repeats(sentence, v.sentence) for v in verdicts):
                verdict = Verdict(sentence, False, verdict.support, "repeats an earlier sentence")
            verdicts.append(verdict)
        if verdicts and verdicts[-1].supported and not _FINISHED.search(verdicts[-1].sentence):
            last = verdicts[-1]  # the token limit cut it: "For scientific data where these symmetries are essential,"
            verdicts[-1] = Verdict(last.sentence, False, last.support, "it stops mid-sentence")
        return verdicts

    def check(self, sentence: str, entries: list[Entry]) -> Verdict:
        return self._verdict(sentence, _Source.of(entries))

    def _verdict(self, sentence: str, source: _Source) -> Verdict:
        wanted = content_stems(sentence)
        if not wanted:
            return Verdict(sentence, False, 0.0, "no content words")
        if sentence.rstrip().endswith("?"):
            return Verdict(sentence, False, 0.0, "a question, not an answer")
        if set(wanted) <= source.name_stems:
            return Verdict(sentence, False, 1.0, "it only names the term")
        support = sum(w in source.stems for w in wanted) / len(wanted)
        problem = (self._specifics(sentence, source) or self._outside(sentence, source) or _negation(sentence, source)
                   or _comparison(sentence, source) or self._other_subject(sentence, source))
        if problem is None and support < self.min_support:
            problem = f"only {support:.0%} of its content words are in the entry"
        if problem is None and _new_pairs(wanted, source) >= _MAX_NEW_PAIRS:
            problem = "it puts the entry's words together in ways the entry does not (a new claim)"
        return Verdict(sentence, problem is None, round(support, 3), problem)

    @staticmethod
    def _specifics(sentence: str, source: _Source) -> str | None:
        for number in _NUMBER.findall(sentence):
            if number.rstrip("%") not in source.text:
                return f"number {number} is not in the entry"
        for name in _NAME.findall(sentence.strip()):
            if len(name) > 2 and any(w not in source.words and stem(w) not in source.stems and w not in STOPWORDS
                                     for w in words(name)):
                return f"name {name} is not in the entry"
        for w in map(americanize, words(sentence)):  # every word: "more"/"less" are stopwords for the support share
            if w not in source.words and _OPPOSITE.get(w) in source.words:
                return f"'{w}' where the entry says '{_OPPOSITE[w]}'"
        return None


    def _outside(self, sentence: str, source: _Source) -> str | None:
        for concept in self.concepts.find(sentence) if self.concepts else []:
            if not set(concept.stems) <= source.all_stems:  # named with a word the entry never uses
                return f"it speaks of {concept.name}, which the entry does not mention"
        return None

    def _other_subject(self, sentence: str, source: _Source) -> str | None:
        """The sentence defines something else: its subject, before the first verb, names an outside concept
        ("Group normalization is ...") or holds a word that neither the entry's names nor its text use
        ("CutMix is ...")."""
        m = _SUBJECT.match(sentence)
        if not m:
            return None
        subject = m.group("subject")
        if self.concepts and not set(content_stems(subject)) & source.name_stems:
            for concept in self.concepts.find(subject):
                if not any(entry_mentions(e, concept) for e in source.entries):  # not the entry's own ("WaveNet uses")
                    return f"it defines {concept.name}, not the cited entry"
        unknown = [w for w in content_stems(subject, QUERY_WORDS) if w not in source.stems]
        return f"it speaks of {subject.strip()}, which the entry does not" if unknown else None


def _negation(sentence: str, source: _Source) -> str | None:
    """A reversed claim: the sentence negates a word that the entry sentence it restates does not negate
    ("not required" where the entry never says so; "not overconfident" is fine where the entry says "keep the
    model from growing overconfident")."""
    mine = words(sentence)
    negated = [next((stem(w) for w in mine[i + 1:i + 6] if w not in STOPWORDS), None)
               for i, w in enumerate(mine) if w in _NEGATION]
    wanted = set(content_stems(sentence))
    theirs = words(max(source.sentences, key=lambda s: len(wanted & set(content_stems(s))), default=""))
    scoped = {stem(w) for i, m in enumerate(theirs) if m in _NEGATION or m in _NEGATIVE_SENSE
              for w in theirs[i + 1:i + 1 + _NEGATION_SCOPE] if w not in STOPWORDS}
    if not negated:  # "requires retraining on everything" where the entry says "without retraining on everything"
        dropped = scoped & wanted if not set(mine) & (_NEGATION | _NEGATIVE_SENSE | _REDUCING) else set()
        return "it drops a negation the entry sentence has" if len(dropped) >= 2 else None
    if all(n is None or n in scoped for n in negated):
        return None
    return "a negation the entry sentence it restates does not have"


def _comparison(sentence: str, source: _Source) -> str | None:
    """A comparison in a quality the entries never name: "more accurate" where the entry says "more meaningful"
    (a quality word the entry uses, "more robust" where it says "robust", is left to the other checks)."""
    for degree, quality in _compared(words(sentence)):
        if quality not in source.all_stems:
            return f"a comparison the entry does not make ('{degree} {quality}')"
    return None


def _compared(text_words: list[str]) -> list[tuple[str, str]]:
    """("more", stem) for "more accurate", "less stable": the degree word and the next content word."""
    found = []
    for i, w in enumerate(text_words):
        following = next((m for m in text_words[i + 1:i + 3] if m not in STOPWORDS), None) if w in _DEGREE else None
        if following:
            found.append((w, stem(americanize(following))))
    return found


def _pairs(stems: list[str], window: int) -> set[frozenset[str]]:
    return {frozenset((a, b)) for i, a in enumerate(stems) for b in stems[i + 1:i + 1 + window] if a != b}


def _new_pairs(stems: list[str], source: _Source) -> float:
    """Share of the sentence's adjacent content-word pairs that no entry sentence has within a few words:
    a sentence can reuse the entry's words and still claim something new ("easy examples last")."""
    pairs = [p for p in _pairs(stems, 1) if not p <= source.name_stems]
    return sum(p not in source.pairs for p in pairs) / len(pairs) if pairs else 0.0


def says(text: str, passage: str, share: float) -> bool:
    """Whether ``text`` holds at least ``share`` of ``passage``'s content stems (a passage without any: True)."""
    wanted = set(content_stems(passage))
    return not wanted or len(wanted & set(content_stems(text))) / len(wanted) >= share


def repeats(sentence: str, earlier: str) -> bool:
    """Whether ``sentence`` mostly says again what ``earlier`` says."""
    return bool(content_stems(sentence)) and says(earlier, sentence, _REPEAT_OVERLAP)


@dataclass(frozen=True)
class _Source:
    """The cited entries' names and passages: raw text, folded words, content stems."""

    text: str
    words: frozenset[str]
    stems: frozenset[str]
    all_stems: frozenset[str]  # stems of every word, stopwords included
    entries: tuple[Entry, ...]
    sentences: tuple[str, ...]
    name_stems: frozenset[str]  # content stems of the entries' names
    pairs: frozenset[frozenset[str]]  # content-stem pairs within _PAIR_WINDOW words of each other in one sentence

    @classmethod
    def of(cls, entries: list[Entry]) -> _Source:
        text = " ".join([*(n for e in entries for n in e.names), *(t for e in entries for _, t in e.passages())])
        sentences = tuple(s for e in entries for _, t in e.passages() for s in split_sentences(t))
        # every word as split here and as the outside-concept finder splits it ("WaveNet": "wave", "net")
        all_stems = frozenset(stem(w) for w in words(text.replace("-", " "))).union(*map(entry_stems, entries))
        names = frozenset(content_stems(" ".join(n for e in entries for n in e.names)))
        pairs = frozenset(p for s in (*(n for e in entries for n in e.names), *sentences)
                          for p in _pairs(content_stems(s), _PAIR_WINDOW))
        return cls(text, frozenset(map(americanize, words(text))), frozenset(content_stems(text)), all_stems,
                   tuple(entries), sentences, names, pairs)
