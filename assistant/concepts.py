"""Outside concepts: names of ML concepts that public glossaries define and this glossary does not.

    >>> finder = ConceptFinder.load(settings.outside_concepts_path, glossary.entries)
    >>> [m.name for m in finder.find("When should I use focal loss?")]
    ['Focal Loss']

A question that names such a concept is about something the glossary lacks, however close a
neighbouring entry scores ("weight decay" is not Elastic Weight Consolidation). The vocabulary is a
data file with its sources (``corpus/outside-concepts.md``); the glossary's own names, and every spelling of a
concept listed under one of them ("clip_grad_norm_" for gradient clipping), are removed from it when it is
loaded, and so are one-word names that the glossary itself uses as ordinary words ("baseline", "temperature",
"softmax"): a word the glossary's own text uses is no evidence that a question is about something else. Names
of several words match on word stems (British/American spelling, plurals, hyphens), and tolerate one word
written differently: shortened ("layer norm" for layer normalization) or misspelt ("reparametrization");
one-word names match the word itself or its plural ("expected" is not "expectation"), and all-capital
abbreviations ("GMM", "LIME") only in upper case unless the question is written in lower case but for the first
letters of its sentences (and then never a word of chat such as "ppl" or "pls"). A name whose first word is joined
to another's ("vanishing and exploding gradients") is found there too (vanishing gradients). A camel-case name
("BatchNorm") has its words written out among its spellings: an entry that writes "batch normalisation" mentions it.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz.distance import OSA

from assistant.corpus import Entry
from assistant.errors import CorpusError
from assistant.match import non_overlapping, tokenize, written_in_lower_case
from assistant.text import STOPWORDS

_MAX_WORDS = 6
_CAMEL_JOINT = re.compile(r"(?<=[a-z])(?=[A-Z])")  # where the words of a camel-case name meet
_MIN_SHORTENED = 4  # "norm" may stand for "normalization", "reg" not for "regularization"
_MIN_MISSPELT = 8  # shorter words are too often other real words one letter away
_COORDINATING = frozenset({"and", "or"})  # "A and B C" names "A C" too
# A concept's one-word name inside a set phrase of English names nothing ("for instance", "in practice").
_SET_PHRASES = frozenset({("for", "instance"), ("in", "general"), ("in", "practice"), ("in", "theory"),
                          ("in", "particular"), ("in", "short")})


class _Concept(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)


class _Source(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    url: str | None = None


class _ConceptFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int
    sources: list[_Source] = Field(default_factory=list)
    concepts: list[_Concept]


@dataclass(frozen=True)
class ConceptMention:
    name: str  # the concept's main name
    start: int  # token span [start, end) in the question, as ``match.tokenize`` counts tokens
    end: int
    stems: tuple[str, ...]
    spellings: tuple[tuple[str, ...], ...] = ()  # the stems of the concept's other names, camel case written out


def _stems(name: str) -> tuple[str, ...]:
    return tuple(t.stem for t in tokenize(name.replace("-", " ")))


class ConceptFinder:
    """Finds outside-concept names in text. ``names``: every spelling -> the concept's main name;
    ``known_words``: the glossary's own words (one-word names among them are dropped). ``words``: every
    word of every outside name, real words that the glossary-name matcher must not take for typos."""

    def __init__(self, names: dict[str, str], entries: list[Entry] | tuple[Entry, ...],
                 known_words: set[str] = frozenset(), field: str = "") -> None:
        """``field``: what the glossary's terms are ("machine-learning terms"): a concept named by its words
        ("machine learning", "ML") is the glossary's field, the context of every question, not outside it."""
        own = {_stems(n) for e in entries for n in e.names}
        field_stems = set(_stems(field))
        known = {t.stem for w in known_words for t in tokenize(w)}
        self._by_stems: dict[tuple[str, ...], str] = {}  # names of several words
        self._past_forms: set[tuple[str, ...]] = set()  # those of them a spelling ends with a past form ("learned")
        self._variants: dict[tuple[int, tuple[str, ...]], list[tuple[str, str]]] = defaultdict(list)  # (position,
        # the other words' stems) -> (the word at that position, main name): names with one word written otherwise
        self._by_word: dict[str, tuple[str, bool]] = {}  # one-word name -> (main name, abbreviation)
        self._spellings: dict[str, set[tuple[str, ...]]] = defaultdict(set)  # main name -> its names' stems, except
        # abbreviations: another concept's abbreviation may be spelled the same ("SNN")
        tokens_of = {spelling: tokenize(spelling.replace("-", " ")) for spelling in names}  # each spelling once
        key_of = {spelling: tuple(t.stem for t in tokens) for spelling, tokens in tokens_of.items()}
        self.words: frozenset[str] = frozenset(t.raw for tokens in tokens_of.values() for t in tokens)
        self.stem_use: Counter[str] = Counter(s for key in set(key_of.values()) for s in set(key))  # stem ->
        # how many outside names (any spelling, before the glossary's own are set aside) use it
        # A concept one of whose spellings is a glossary name is the glossary's own: all its spellings are
        # dropped ("clip_grad_norm_" is gradient clipping), unless the shared spelling is only an abbreviation
        # ("SNN": Self-Normalizing or Spiking Neural Networks).
        glossary_concepts = {main for spelling, main in names.items()
                             if key_of[spelling] in own and not spelling.isupper()
                             or key_of[spelling] and set(key_of[spelling]) <= field_stems}
        for spelling, main in names.items():
            tokens, key = tokens_of[spelling], key_of[spelling]
            if not key or key in own or main in glossary_concepts or len(key) > _MAX_WORDS:
                continue
            if not spelling.isupper():
                self._spellings[main].add(key)
            if len(tokens) > 1:
                self._by_stems.setdefault(key, main)
                if tokens[-1].raw.endswith("ed"):
                    self._past_forms.add(key)
                for i, token in enumerate(tokens):
                    self._variants[(i, key[:i] + key[i + 1:])].append((token.raw, main))
                joined = tokenize("".join(t.raw for t in tokens))[0]
                if " " not in spelling and joined.stem not in known:  # "CutMix", "t-SNE" typed as one word: "cutmix"
                    self._by_word.setdefault(joined.raw, (main, False))
            elif len(tokens[0].raw) >= 3 and tokens[0].stem not in known:
                abbreviation = spelling.isupper()
                self._by_word.setdefault(tokens[0].raw, (main, abbreviation))
                joined_words = _stems(_CAMEL_JOINT.sub(" ", spelling))  # "BatchNorm": written out, "batch norm"
                if len(joined_words) > 1:
                    self._spellings[main].add(joined_words)

    @classmethod
    def load(cls, path: Path | None, entries: list[Entry] | tuple[Entry, ...],
             known_words: set[str] = frozenset(), field: str = "") -> ConceptFinder:
        """The vocabulary file (none, or a missing file: an empty finder); invalid files raise CorpusError."""
        if path is None or not path.is_file():
            return cls({}, entries, known_words, field)
        try:
            data = _ConceptFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise CorpusError(f"Cannot read the outside-concept vocabulary {path}: {exc}") from exc
        except ValidationError as exc:
            err = exc.errors()[0]
            raise CorpusError(f"{path}, field '{'.'.join(map(str, err['loc']))}': {err['msg']}") from exc
        known_sources = {source.id for source in data.sources}
        for i, concept in enumerate(data.concepts):
            unknown = set(concept.sources) - known_sources
            if unknown:
                raise CorpusError(f"{path}, concept '{concept.name}' (#{i + 1}), field 'sources': unknown source id(s) "
                                  f"{sorted(unknown)}")
        names = {spelling: c.name for c in data.concepts for spelling in (c.name, *c.aliases)}
        return cls(names, entries, known_words, field)

    def __len__(self) -> int:
        return len(self._by_stems) + len(self._by_word)

    def find(self, text: str) -> list[ConceptMention]:
        """Non-overlapping mentions in text order; the longest name wins an overlap. A name of several words whose
        last word the text writes in a past form is a verb there, not the concept ("a model trained on ..." is no
        mention of model training), unless a spelling of the name ends so ("identically distributed")."""
        tokens = tokenize(text)
        stems = [t.stem for t in tokens]
        raws = [t.raw for t in tokens]
        lowercase_text = written_in_lower_case(text)
        found = []
        for start, token in enumerate(tokens):
            for end in range(min(len(stems), start + _MAX_WORDS), start + 1, -1):
                key = tuple(stems[start:end])
                if raws[end - 1].endswith("ed") and key not in self._past_forms:
                    continue  # "a small model trained to copy ...": a verb, not the concept "model training"
                name = self._by_stems.get(key) or self._variant(raws[start:end], stems[start:end])
                if name:
                    found.append(self._mention(name, start, end, tuple(stems[start:end])))
                    break
            if start + 3 < len(tokens) and raws[start + 1] in _COORDINATING:  # "vanishing and exploding gradients"
                for end in range(min(len(stems), start + 2 + _MAX_WORDS), start + 3, -1):
                    name = self._by_stems.get((stems[start], *stems[start + 3:end]))
                    if name:
                        found.append(self._mention(name, start, start + 1, (stems[start], *stems[start + 3:end])))
                        break
            word = self._by_word.get(token.raw) or self._by_word.get(token.raw.removesuffix("s"))
            if start and (raws[start - 1], token.raw) in _SET_PHRASES:
                continue
            if word and (not word[1] or token.upper or lowercase_text and token.raw not in STOPWORDS):
                found.append(self._mention(word[0], start, start + 1, (token.stem,)))
        return non_overlapping(sorted(found, key=lambda m: (-(m.end - m.start), m.start)))

    def _mention(self, name: str, start: int, end: int, stems: tuple[str, ...]) -> ConceptMention:
        others = self._spellings.get(name, set()) - {stems}  # get: finding must not add keys to the defaultdict
        return ConceptMention(name, start, end, stems, tuple(sorted(others)))

    def _variant(self, raws: list[str], stems: list[str]) -> str | None:
        """The name these words (folded, and their stems) are with one of them shortened or misspelt, or None."""
        for i, raw in enumerate(raws):
            for word, main in self._variants.get((i, tuple(stems[:i] + stems[i + 1:])), ()):
                if _written_otherwise(raw, word):
                    return main
        return None


def _written_otherwise(seen: str, word: str) -> bool:
    """``seen`` is ``word`` shortened ("norm", "conv", plural or not: "convs") or, in a long word, misspelt by up
    to two letters (not by a letter added or dropped at either end: "across" is not "cross")."""
    if seen == word or len(seen) < _MIN_SHORTENED:
        return False
    short = seen.removesuffix("s")
    if word.startswith(seen) or len(short) >= _MIN_SHORTENED and word.startswith(short):
        return True
    return (min(len(seen), len(word)) >= _MIN_MISSPELT and not (seen.endswith(word) or word.endswith(seen))
            and OSA.distance(seen, word, score_cutoff=3) <= 2)
