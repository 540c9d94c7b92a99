"""Find the glossary names (terms, aliases, abbreviations) a question mentions, tolerating small typos. Besides the
names an entry lists, the glossary's own text names entries: abbreviations it writes ("SRE"), and names a definition
gives its entry ("also referred to as ... SSL certificate").

    >>> assistant.retriever.matcher.find("how does lable smoothing help?")[0].term
    'Label Smoothing'

Typos are accepted only for words that are not themselves real words of the corpus, so
"batch normalization" does not match "Batch Renormalization" and "batch norm" does not match
"batch renorm". A one-word name takes no typo that is a word of the language either (the embedder's vocabulary:
"simple" is not *sample*, "meant" not *mean*), nor its -ing form ("sampling" is the act, "meaning" another word); in
a longer name the other words confirm it ("casual inference").
A name's last word may be cut short ("spiking neural nets", "batch renorm"). Short upper-case abbreviations ("SAM",
"VI") match only in upper case, or in a question written in lower case but for the first letters of its sentences
(then never a word of chat: "ppl"). A list may leave out the last words two names share ("null and alternative
hypothesis").
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Protocol, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA

from assistant.corpus import Entry
from assistant.text import ARTICLES, STOPWORDS, americanize, spell_greek, split_sentences, stem


class _HasSpan(Protocol):
    start: int
    end: int


Span = TypeVar("Span", bound=_HasSpan)
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z]+)?")
_NUMERALS = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}  # "Type I error" is "type 1 error"
_NUMERALS.update({arabic: roman for roman, arabic in _NUMERALS.items()})
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
_LIST_MARK = re.compile(r"[,/;&]")
_CLAUSE_MARK = re.compile(r"[.?!:;,()\[\]\"“”]|\s'|'\s")  # punctuation that ends a phrase, quotes included
_MATH = re.compile(r"\$\$[^$]{1,80}\$\$|\$[^$\n]{1,80}\$")  # TeX: "$R^2$" is a symbol, not the R language
_ABBREVIATION = re.compile(r"\b([A-Z]{2,6})s?\b")  # "VM", "VMs", "SRE"
_LINKS = frozenset("and or vs versus".split())  # words that join names into a list or a comparison
_MAX_ELIDED_WORDS = 2  # "Type I" of "Type I and Type II errors"
_MIN_SHORTENED, _MIN_CUT = 3, 3  # a name's last word cut to 3 letters or more, by 3 or more
_MIN_JOINED_TYPO = 8  # a name written as one word ("dropconnect") takes one typo from this length on
_COMMON_WORDS = 6_800  # whole words of a WordPiece vocabulary (after its single characters) that are everyday ones
_MIN_UNLISTED = 8  # a word missing from that vocabulary is a real, rare one from this length on ("propensity")


@dataclass(frozen=True)
class NameMatch:
    term: str
    name: str  # the glossary name (term or alias) that matched
    score: float  # 1.0 exact; lower for joined-word or typo matches
    start: int  # token span [start, end) in the question
    end: int
    ambiguous: bool = False  # a one-word name that other entries also use as an ordinary word ("anchor")


@dataclass(frozen=True)
class _Name:
    term: str
    text: str
    raw: tuple[str, ...]  # folded, American-spelled words
    stems: tuple[str, ...]
    case_sensitive: bool  # short upper-case abbreviation
    ambiguous: bool
    exact: bool = False  # an abbreviation ("SNNs", "OOD"): a near-miss is another word ("sense"), not a typo
    phrasal_noun: bool = False  # a verb and a particle made a noun ("mix-up"): spaced, it is the verb ("mixed up")


@dataclass(frozen=True)
class _Token:
    raw: str
    stem: str
    upper: bool
    after_hyphen: bool = False  # written right after a hyphen ("up" in "mix-up", "MixUp")
    listed: bool = False  # a comma, slash, semicolon or ampersand between it and the word before ("mean, median")
    in_math: bool = False  # inside TeX ("$R^2$", "$$Q$$"): a symbol, never a name
    opens_phrase: bool = False  # the first word, or punctuation between it and the word before ("fine. mixup")


_OPENING_CAPITAL = re.compile(r"(?:^|[.!?]\s+)[\"'(]*[A-Z]|\bI\b")  # a sentence's first letter, the word "I"


def written_in_lower_case(text: str) -> bool:
    """Whether the text has no capital letter but the first of a sentence or the word "I" ("Why are you normalizing the
    dtw distance?"): its writer types names in lower case too."""
    return not any(ch.isupper() for ch in _OPENING_CAPITAL.sub("", text))


@lru_cache(maxsize=64)
def tokenize(text: str) -> tuple[_Token, ...]:
    """Words, folded and American-spelled; identifiers are split into their words ("LayerNormalization",
    "drop_connect": code names in GitHub questions are names too), the words of a camel-case one written as if
    hyphenated ("MixUp" is "Mix-Up", the noun, not the verb "mix up"); words of TeX ("$R^2$") are marked as symbols.
    Kept for the latest 64 texts: deciding one question reads its words about ten times."""
    text = _CAMEL.sub("-", spell_greek(text).replace("’", "'"))
    math = [m.span() for m in _MATH.finditer(text)]
    out = []
    previous_end = 0
    for m in _TOKEN.finditer(text):
        raw = americanize(m.group(0).lower())
        word = m.group(0)
        gap = text[previous_end:m.start()]
        out.append(_Token(raw, stem(raw), word.isupper() or (word.endswith("s") and word[:-1].isupper()),
                          text[m.start() - 1:m.start()] == "-", bool(_LIST_MARK.search(gap)),
                          bool(math) and any(start < m.start() < end for start, end in math),
                          not out or bool(_CLAUSE_MARK.search(f" {gap} "))))
        previous_end = m.end()
    return tuple(out)


def coordinated(tokens: tuple[_Token, ...], first: _HasSpan, second: _HasSpan) -> bool:
    """Whether two names, ``first`` before ``second``, stand in one list or comparison: "population and sample",
    "mean, median, and mode", "nodes vs pods", "the range or the interquartile range"."""
    between = [t.raw for t in tokens[first.end:second.start]]
    if not between:
        return second.start < len(tokens) and tokens[second.start].listed
    return bool(_LINKS.intersection(between)) and all(w in _LINKS or w in ARTICLES for w in between)


def _typos_allowed(word: str) -> int:
    return 1 if len(word) <= 7 else 2


def _shortened(seen: str, word: str) -> bool:
    """``seen`` is ``word`` cut short, as people write "net", "conv" or "renorm" (plural or not)."""
    short = seen.removesuffix("s")
    return _MIN_SHORTENED <= len(short) <= len(word) - _MIN_CUT and word.startswith(short)


def _names_the_act(seen: str, word: str) -> bool:
    """``seen`` is the -ing form of ``word`` ("sampling" of sample, "hosting" of host, "meaning" of mean): another
    word, the act or a word of its own, not a one-word name in another form."""
    return seen in (word + "ing", word.removesuffix("e") + "ing", word + word[-1:] + "ing")


def non_overlapping(best_first: list[Span]) -> list[Span]:
    """The spans that overlap no better one, in text order; ``best_first`` is sorted best first."""
    taken: set[int] = set()
    chosen = []
    for m in best_first:
        span = set(range(m.start, m.end))
        if not span & taken:
            taken |= span
            chosen.append(m)
    return sorted(chosen, key=lambda m: m.start)


def glossary_abbreviations(entries: list[Entry]) -> dict[str, list[str]]:
    """Abbreviations the glossary's texts write (in capitals, "VMs" as "VM") that spell the initials of exactly one
    entry's name of several words and are no name yet: "SRE" for Site Reliability Engineering, "VM" for Virtual
    Machine. Term -> its abbreviations."""
    names = {name.upper() for entry in entries for name in entry.names}
    by_initials = defaultdict(set)
    for entry in entries:
        for name in entry.names:
            words = [w for w in re.split(r"[\s\-]+", re.sub(r"\([^)]*\)", "", name)) if w]
            if len(words) > 1:
                by_initials["".join(w[0] for w in words).upper()].add(entry.term)
    written = {m.group(1) for entry in entries for _, text in entry.passages()
               for m in _ABBREVIATION.finditer(text)}
    found = defaultdict(list)
    for abbreviation in sorted(written - names):
        terms = by_initials.get(abbreviation, set())
        if len(terms) == 1:
            found[next(iter(terms))].append(abbreviation)
    return dict(found)


# "A (digital) certificate — also often referred to as a public key certificate, or SSL certificate — is ...",
# "This is also called a false positive": a definition that gives its entry another name
_DECLARES_NAME = re.compile(r"\b(?:(?:also|often|sometimes|commonly|generally|usually)\s+)*(?:known as|called|"
                            r"referred to as)\s+", re.IGNORECASE)
_PRONOUN_SUBJECT = re.compile(r"^(?:this|it)\s+(?:is|are)$", re.IGNORECASE)
_NAME_END = re.compile(r"\s*(?:[,;:.!?()\u2014\u2013]|\s-\s)")
_DECLARED_OR = re.compile(r",?\s+or\s+")
_LEADING_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.IGNORECASE)
_QUOTES = " \"'\u201c\u201d\u2018\u2019"
_MAX_DECLARED_WORDS = 5
_SUBJECT_SLACK = 3  # words beside the term's own before "also known as": "A (digital) certificate —"


def declared_names(entries: list[Entry]) -> dict[str, list[str]]:
    """Other names an entry's definition gives the entry itself, and that are no entry's name yet: "also known as
    Y", "also called Y", "referred to as Y, or Z" right after the term ("Vertical scaling, also known as 'scaling up
    and down'"; the term's last word within a few words of the sentence's start) or after "This is" ("This is also
    called a false positive"). Term -> those names."""
    def key(name: str) -> tuple[str, ...]:
        return tuple(t.stem for t in tokenize(name))

    taken = {key(name) for entry in entries for name in entry.names}
    found = defaultdict(list)
    for entry in entries:
        for name in _names_declared_by(entry):
            if key(name) not in taken:
                found[entry.term].append(name)
                taken.add(key(name))
    return dict(found)


def _names_declared_by(entry: Entry) -> Iterator[str]:
    """The names after "also known as" (or "called", "referred to as") in the sentences of the entry's definition
    whose subject is the entry itself."""
    term_words = _TOKEN.findall(entry.term)
    if not term_words:
        return
    head = stem(term_words[-1].lower())
    for sentence in split_sentences(entry.definition):
        cue = _DECLARES_NAME.search(sentence)
        if cue is None:
            continue
        before = sentence[:cue.start()].strip(" ,-\u2014\u2013")
        words = _TOKEN.findall(before)
        about_the_entry = (any(stem(w.lower()) == head for w in words)
                           and len(words) <= len(entry.term.split()) + _SUBJECT_SLACK)
        if not (about_the_entry or _PRONOUN_SUBJECT.match(before)):
            continue
        for part in _DECLARED_OR.split(sentence[cue.end():])[:2]:  # "a public key certificate, or SSL certificate"
            name = _LEADING_ARTICLE.sub("", _NAME_END.split(part.strip(_QUOTES), maxsplit=1)[0].strip(_QUOTES))
            if name and len(name.split()) <= _MAX_DECLARED_WORDS:
                yield name


class TermMatcher:
    """Matches glossary names in free text. ``known_words`` are words that are never typos; ``concept_words``
    are the words of outside concepts' names (see ``is_name_word``); ``language_words`` are words of the language,
    never typos of a one-word name."""

    def __init__(self, entries: Iterable[Entry], known_words: Iterable[str], concept_words: Iterable[str] = (),
                 language_words: Iterable[str] = ()) -> None:
        entries = list(entries)
        abbreviations = glossary_abbreviations(entries)
        declared = declared_names(entries)
        used_by = defaultdict(set)  # stem -> terms whose text uses it
        for entry in entries:
            for _, text in entry.passages():
                for tok in tokenize(text):
                    used_by[tok.stem].add(entry.term)
        self._names: list[_Name] = []
        for entry in entries:
            for name in (*entry.names, *abbreviations.get(entry.term, ()), *declared.get(entry.term, ())):
                toks = tokenize(name.replace("-", " "))
                if toks:
                    joined = "".join(t.raw for t in toks)
                    short_abbrev = len(toks) == 1 and len(joined) <= 3 and name.isupper()
                    ambiguous = len(toks) == 1 and bool(used_by[toks[0].stem] - {entry.term})
                    abbreviation = len(toks) == 1 and name.rstrip("s").isupper()
                    phrasal = len(toks) == 2 and "-" in name and toks[1].raw in STOPWORDS
                    self._names.append(_Name(entry.term, name, tuple(t.raw for t in toks),
                                             tuple(t.stem for t in toks), short_abbrev, ambiguous, abbreviation,
                                             phrasal))
        self._known = {stem(w) for w in known_words}
        self._rank = {w: i for i, w in enumerate(language_words)}  # the language's words, most frequent first
        self._language = self._rank.keys()
        self._concept_words = {americanize(w.lower()) for w in concept_words}
        self._vocab = sorted({w for n in self._names for w in (*n.raw, *n.stems)})
        self._by_word: dict[str, list[tuple[_Name, int]]] = defaultdict(list)
        for n in self._names:
            for pos, (raw, st) in enumerate(zip(n.raw, n.stems)):
                self._by_word[raw].append((n, pos))
                if st != raw:
                    self._by_word[st].append((n, pos))
        self._joined = {"".join(n.raw): n for n in self._names}
        self._max_words = max(len(n.raw) for n in self._names)

    def find(self, text: str) -> list[NameMatch]:
        """Non-overlapping matches in text order; the longest and best match wins an overlap, and of equal ones the
        first term in alphabetical order ("CaaS" is one typo from both FaaS and IaaS), the same on every run."""
        tokens = tokenize(text)
        lowercase_text = written_in_lower_case(text)
        candidates = self._aligned(tokens, lowercase_text) + self._joined_matches(tokens, lowercase_text)
        found = non_overlapping(sorted(candidates, key=lambda m: (-(m.end - m.start), -m.score, m.start, m.term,
                                                                  m.name)))
        elided = [e for m in found if (e := self._elided(tokens, m)) is not None]
        named = non_overlapping(elided + found)  # an elided name wins over a word of it named alone ("independence")
        return [m for m in named if not any(t.in_math for t in tokens[m.start:m.end])]

    def is_known(self, word: str) -> bool:
        """Whether the word is one of the glossary's (or a known outside name's) own words."""
        return stem(word) in self._known or americanize(word.lower()) in self._by_word

    def is_unwritten_word(self, word: str) -> bool:
        """Whether the word is a word of the language (not a typo) that the glossary never writes: "federation",
        "affinity" in a glossary of cloud terms."""
        return word.lower() in self._language and not self.is_known(word)

    def is_rare_word(self, word: str) -> bool:
        """Whether the word is one that the glossary never writes and that is rare in the language: past the first
        ``_COMMON_WORDS`` words of the language (in the embedder's vocabulary, roughly by frequency: "acceptable",
        "harmonic", not "good" or "appropriate"), or not among them at all and too long to be a typo, a code name or
        a product ("multivariate", "propensity", not "captum"). No word is rare without a vocabulary of the language."""
        raw = americanize(word.lower())
        if not self._rank or not raw.isalpha() or self.is_known(raw):
            return False
        rank = self._rank.get(raw)
        return rank >= _COMMON_WORDS if rank is not None else len(raw) >= _MIN_UNLISTED

    def is_name_word(self, word: str) -> bool:
        """Whether a glossary name (as a word or stem) or an outside concept's name (as the word itself:
        "specificity" is not "specifically") uses the word: a word that names things in this field. A single letter
        names nothing on its own ("w face recognition", "k. counterfactual explanations")."""
        raw = americanize(word.lower())
        return len(raw) > 1 and (raw in self._by_word or stem(raw) in self._by_word
                or bool({raw, raw.removesuffix("s")} & self._concept_words))

    def match_phrase(self, phrase: str) -> NameMatch | None:
        """The name that the whole phrase is (e.g. the X of "what is X?"), or None."""
        tokens = tokenize(phrase)
        best = [m for m in self.find(phrase) if m.start == 0 and m.end == len(tokens)]
        return best[0] if best else None

    # -- internals -------------------------------------------------------------------------------
    def _elided(self, tokens: tuple[_Token, ...], match: NameMatch) -> NameMatch | None:
        """The other name of "A and B C" whose shared last words were left out: "null" of "null and alternative
        hypothesis" is the null hypothesis, "Type I" of "Type I and Type II errors" the Type I error."""
        link = match.start - 1
        if link < 1 or tokens[link].raw not in _LINKS:
            return None
        for kept in range(match.end - match.start - 1, 0, -1):  # the name's last words, the longest share first
            tail = [t.raw for t in tokens[match.end - kept:match.end]]
            for size in range(1, min(_MAX_ELIDED_WORDS, link) + 1):
                head = [t.raw for t in tokens[link - size:link]]
                if _LINKS.intersection(head):
                    break
                other = self.match_phrase(" ".join(head + tail))
                if other is not None and other.term != match.term:
                    return replace(other, score=other.score - 0.05, start=link - size, end=link)
        return None

    def _word_distance(self, tok: _Token, raw: str, st: str, alone: bool) -> int | None:
        """0 for the same word, the typo distance for an accepted typo, None otherwise. ``alone``: the word is a
        whole one-word name, which no other word of it confirms."""
        if alone and _names_the_act(tok.raw, raw):
            return None
        if tok.raw in (raw, raw + "s") or tok.stem == st or _NUMERALS.get(tok.raw) == raw:
            return 0
        if len(raw) < 4 or tok.stem in self._known or tok.raw in self._known or alone and tok.raw in self._language:
            return None
        # Up to one typo in a word of 7 letters or fewer, two in a longer one: of the word or of its stem,
        # each held to its own length ("term" is not a typo of "trimming", whose stem is "trim"). Found on the
        # stems, the words themselves may differ by one more edit, not by a suffix as well ("kubelet" is four
        # edits from "kubernetes", two from its stem "kubernet"; "lable" two from "labels", one from "label").
        dist = min((d for a, b in ((tok.raw, raw), (tok.stem, st))
                    if (d := OSA.distance(a, b, score_cutoff=3)) <= _typos_allowed(b)), default=None)
        if dist is None or OSA.distance(tok.raw, raw) > _typos_allowed(raw) + 1:
            return None
        if dist == 2 and (raw.startswith(tok.raw) or raw.endswith(tok.raw) or tok.raw.startswith(raw)
                          or tok.raw.endswith(raw)):
            return None  # a prefix or suffix added or dropped: another word, not a typo
        return dist

    def _allowed(self, name: _Name, tokens: list[_Token], lowercase_text: bool) -> bool:
        if all(t.upper for t in tokens):
            return True
        return not name.case_sensitive or lowercase_text and not any(t.raw in STOPWORDS for t in tokens)

    def _aligned(self, tokens: list[_Token], lowercase_text: bool) -> list[NameMatch]:
        found: dict[tuple[str, int, int], NameMatch] = {}
        for i, tok in enumerate(tokens):
            for word in self._candidate_words(tok):
                for name, pos in self._by_word[word]:
                    start = i - pos
                    end = start + len(name.raw)
                    if start < 0 or end > len(tokens) or (name.term, start, end) in found:
                        continue
                    window = tokens[start:end]
                    alone = len(window) == 1
                    dists = [self._word_distance(t, r, s, alone) for t, r, s in zip(window, name.raw, name.stems)]
                    if len(dists) > 1 and dists[-1] is None and _shortened(window[-1].raw, name.raw[-1]):
                        dists[-1] = 1  # "spiking neural nets", "batch renorm": the last word cut short
                    if None in dists or (name.exact and any(dists)) or not self._allowed(name, window, lowercase_text) \
                            or name.phrasal_noun and not window[-1].after_hyphen:
                        continue
                    found[(name.term, start, end)] = NameMatch(name.term, name.text, 1.0 - 0.05 * sum(dists), start,
                                                               end, name.ambiguous)
        return list(found.values())

    def _may_be_a_typo(self, tok: _Token) -> bool:
        """Whether a long word could be a misspelt name joined into one word: it is no word the corpus or the
        language knows."""
        return len(tok.raw) >= _MIN_JOINED_TYPO and tok.stem not in self._known and tok.raw not in self._known \
            and tok.raw not in self._language

    def _candidate_words(self, tok: _Token) -> set[str]:
        plural = tok.raw.removesuffix("s") if tok.upper else None  # "VMs", which the stemmer leaves whole
        words = {w for w in (tok.raw, tok.stem, _NUMERALS.get(tok.raw), plural) if w in self._by_word}
        if len(tok.raw) >= 4 and tok.stem not in self._known:
            words.update(w for w, _, _ in process.extract(tok.raw, self._vocab, scorer=OSA.distance,
                                                          score_cutoff=2, limit=None))
        return words

    def _joined_matches(self, tokens: list[_Token], lowercase_text: bool) -> list[NameMatch]:
        """Names written with spaces added or removed ("drop connect", "hyper networks")."""
        out = []
        for start in range(len(tokens)):
            small_words_only = True
            for n in range(1, self._max_words + 2):
                window = tokens[start:start + n]
                if len(window) < n:
                    break
                small_words_only = small_words_only and window[-1].raw in STOPWORDS
                if n > 1 and small_words_only:
                    continue  # "sent me an email" does not write "mean"
                joined = "".join(t.raw for t in window)
                name = self._joined.get(joined) or self._joined.get(joined.rstrip("s"))
                score = 0.97
                if name is None and n == 1 and self._may_be_a_typo(window[0]):  # "dropconect"
                    near = process.extractOne(joined, list(self._joined), scorer=OSA.distance, score_cutoff=1)
                    name, score = (self._joined[near[0]], 0.92) if near else (None, score)
                if name and len(name.raw) != n and self._allowed(name, window, lowercase_text):
                    out.append(NameMatch(name.term, name.text, score, start, start + n))
        return out
