"""Distinctive words of glossary names: a question that uses one is about that entry, even when it never
says the whole name ("dilation rate" -> Dilated Convolution, "spike train" -> Spiking Neural Network).

    >>> parts = NameParts(glossary.entries, assistant.retriever.concepts)
    >>> parts.find("Does snntorch need to encode the input data into a spike train?", outside=[])
    ['Spiking Neural Network']
    >>> parts.find("Why use many small convolution kernels?", outside=[])   # a category word, not a name part
    []

A distinctive word is a one-word name in any case ("som" for SOM), or a modifier in a name of several words
(the last word names the kind of thing: "convolution", "network", "loss", "store"), that no other entry's
names or text use and few outside concepts' names do ("dilated", "spiking", "teacher" in "teacher-student
training"). A word inside an outside-concept name the question mentions is that concept's, not the entry's
("Fleiss' kappa"), and so is the entry's word anywhere in a question naming an outside concept built on it
("cutmix" and Mixup's "mix").

The last word of a name of several words names the *kind* of thing ("dropout" in Monte Carlo Dropout,
"normalization" in Spectral Normalization). A question that uses an entry's kind word but none of the words
that make it this entry asks about the kind in general, or another of its kind ("layer normalization"): the
entry is at best the closest one. Only kind words that few entries use count ("model", "learning" are
everywhere).

    >>> parts.kind_only("Why do we scale the weights with dropout?")
    ['Monte Carlo Dropout']
"""
from __future__ import annotations

from collections import Counter

from assistant.asks import asked_for
from assistant.concepts import ConceptFinder, ConceptMention
from assistant.corpus import Entry
from assistant.match import tokenize
from assistant.text import STOPWORDS, content_stems

_CATEGORY_USE = 10  # a name word that more outside-concept names use than this names a category ("gaussian")
_MIN_CHARS = 3
_COMMON_KIND = 0.1  # a kind word used by more than this share of entries' texts is too common to tell anything


class NameParts:
    def __init__(self, entries: list[Entry] | tuple[Entry, ...], concepts: ConceptFinder) -> None:
        tokens = {e.term: [tokenize(n.replace("-", " ")) for n in e.names] for e in entries}
        texts = {e.term: set(content_stems(" ".join(t for _, t in e.passages())))
                 | {t.stem for name in tokens[e.term] for t in name} for e in entries}
        used = Counter(s for stems in texts.values() for s in stems)
        modifiers = {term: {t.stem for name in names for t in (name if len(name) == 1 else name[:-1])
                            if t.raw not in STOPWORDS} for term, names in tokens.items()}
        self._owner = {s: term for term, stems in modifiers.items() for s in stems  # stem -> the one entry it names
                       if used[s] == 1 and len(s) >= _MIN_CHARS and concepts.stem_use[s] <= _CATEGORY_USE}
        self._parts = {term: {s for s, owner in self._owner.items() if owner == term} for term in modifiers}
        in_names = Counter(s for stems in modifiers.values() for s in stems) + Counter(
            t.stem for names in tokens.values() for name in names for t in name[-1:] if len(name) > 1)
        self._name_owner = {s: term for term, stems in modifiers.items() for s in stems  # in no other entry's names
                            if in_names[s] == 1 and len(s) >= _MIN_CHARS and concepts.stem_use[s] <= _CATEGORY_USE}
        several = {term: [name for name in names if len(name) > 1] for term, names in tokens.items()}
        self._kinds = {term: {name[-1].stem for name in names if len(name[-1].raw) >= _MIN_CHARS and
                              name[-1].raw not in STOPWORDS and used[name[-1].stem] <= _COMMON_KIND * len(texts)}
                       for term, names in several.items()}
        self._makers = {term: {t.stem for name in names for t in name[:-1] if t.raw not in STOPWORDS}
                        for term, names in several.items()}

    def find(self, question: str, outside: list[ConceptMention]) -> list[str]:
        """Entries whose distinctive name words the question uses outside the outside-concept names it mentions."""
        tokens = tokenize(question)
        taken = {i for o in outside for i in range(o.start, o.end)}
        inside = " ".join(tokens[i].raw for i in sorted(taken))
        found = (self._owner.get(t.stem) for i, t in enumerate(tokens) if i not in taken)
        return list(dict.fromkeys(term for term in found if term and not self._explained(term, inside)))

    def own_words(self, question: str, outside: list[ConceptMention]) -> list[str]:
        """Entries whose name words that no other entry's names use the question uses, outside the outside-concept
        names it mentions: "sidecar" for Sidecar Container, though other entries' texts speak of sidecars."""
        taken = {i for o in outside for i in range(o.start, o.end)}
        found = (self._name_owner.get(t.stem) for i, t in enumerate(tokenize(question)) if i not in taken)
        return list(dict.fromkeys(term for term in found if term))

    def _explained(self, term: str, outside_text: str) -> bool:
        """An outside name built on the word explains it: "cutmix" holds Mixup's "mix"."""
        return any(stem in outside_text for stem in self._parts[term])

    def kind_only(self, question: str) -> list[str]:
        """Entries whose kind word the question uses without any word that makes it this entry. A kind word
        asked for ("which *regularisation* ...") describes the entry instead."""
        tokens = tokenize(question)
        raw = [t.raw for t in tokens]
        stems = {t.stem for t in tokens}
        used = {t.stem for i, t in enumerate(tokens) if not asked_for(raw, i)}
        return [term for term, kinds in self._kinds.items() if kinds & used and not self._makers[term] & stems]
