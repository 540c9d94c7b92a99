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
"""
from __future__ import annotations

from collections import Counter

from assistant.concepts import ConceptFinder, ConceptMention
from assistant.corpus import Entry
from assistant.match import tokenize
from assistant.text import STOPWORDS, content_stems

_CATEGORY_USE = 10  # a name word that more outside-concept names use than this names a category ("gaussian")
_MIN_CHARS = 3


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

    def find(self, question: str, outside: list[ConceptMention]) -> list[str]:
        """Entries whose distinctive name words the question uses outside the outside-concept names it mentions."""
        tokens = tokenize(question)
        taken = {i for o in outside for i in range(o.start, o.end)}
        inside = " ".join(tokens[i].raw for i in sorted(taken))
        found = (self._owner.get(t.stem) for i, t in enumerate(tokens) if i not in taken)
        return list(dict.fromkeys(term for term in found if term and not self._explained(term, inside)))

    def _explained(self, term: str, outside_text: str) -> bool:
        """An outside name built on the word explains it: "cutmix" holds Mixup's "mix"."""
        return any(stem in outside_text for stem in self._parts[term])
