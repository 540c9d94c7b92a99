"""What a question asks about its subject, and which parts of an entry address that.

    >>> ask_of("When should I use label smoothing?", n_subjects=1)
    'use'
    >>> fields_for("use")
    ('use_case',)

The ask is read from the question's interrogative and cue words wherever they stand, not from whole
phrasings: "ELI5 label smoothing pls", "what's the intuition behind X" and "X?" are all definitions
or purposes of X. The entry fields per ask come from the glossary schema (definition, example,
use_case, analogy, details).
"""
from __future__ import annotations

from itertools import dropwhile
from typing import Literal

from assistant.text import ARTICLES, words

Ask = Literal["definition", "example", "use", "why", "how", "compare"]

# Cue words per ask, checked in this order: the first ask with a cue wins.
_CUES: tuple[tuple[Ask, frozenset[str]], ...] = (
    ("example", frozenset("example examples instance instances illustrate illustration demo".split())),
    ("why", frozenset("why purpose point intuition motivation benefit benefits advantage advantages useful "
                      "important matter rationale".split())),
    ("use", frozenset("when which where usage apply applied application applications use uses used should "
                      "scenario scenarios case cases".split())),
    ("how", frozenset("how steps implement implemented implementation compute computed calculate calculated "
                      "estimate work works working mechanism".split())),
)

# The entry fields that address each ask, best first. The definition always comes along.
_FIELDS: dict[Ask, tuple[str, ...]] = {
    "definition": ("example",),
    "example": ("example",),
    "use": ("use_case",),
    "why": ("use_case", "details", "analogy"),
    "how": ("details", "analogy"),
    "compare": (),
}


_COMPARISON = frozenset("vs versus difference differences differ differs compare compared comparison contrast better "
                        "worse instead same relate related relation relationship".split())


def is_comparison(question: str) -> bool:
    """Whether the question weighs its subjects against each other ("X vs Y", "is X better than Y")."""
    return bool(_COMPARISON & set(words(question)))


# Words that ask for an aspect of a subject rather than name one: "an example?", "any drawbacks?", "the
# intuition?". A question made of these (and stopwords) alone has no subject of its own.
# Of these, the nouns that name an aspect ("any drawbacks or costs I should flag?"):
ASPECT_NOUNS = frozenset("""
drawback drawbacks disadvantage disadvantages downside downsides limitation limitations pros cons pitfalls problem
problems issue issues alternative alternatives formula formulas equation equations math maths intuition history
origin origins code variant variants meaning definition summary detail details analogy explanation benefit benefits
idea role significance importance value values range ranges default defaults cost costs complexity option options
tradeoff tradeoffs tips example examples catch gotcha gotchas
""".split())
ASPECT_WORDS = frozenset().union(*(cues for _, cues in _CUES), ASPECT_NOUNS, """
more else further another other simpler simple terms words short version again please point real world practice
""".split())


def ends_with_aspect(text: str) -> bool:
    """Whether the text's last word is an aspect it asks about, whatever words qualify it ("famous example?",
    "any real downsides?")."""
    last = words(text)[-1:]
    return bool(last) and last[0] in ASPECT_WORDS


# Adjectives that ask which value or choice is right: "a good score", "the usual remedy", "a reasonable target
# number" ask for a value of a subject, not what a thing is.
_VALUE_WORDS = frozenset("""
good reasonable typical acceptable decent sensible usual realistic sane respectable recommended appropriate suitable
""".split())


# Adjectives that place a value on a scale: "is a big number good or bad?", "high = good??", "as good as the big one?"
# speak of how much of the topic there is, not of another thing.
SCALE_WORDS = frozenset("""
good bad better worse best worst high low higher lower highest lowest big small bigger smaller large larger
""".split())


def asks_for_a_value(text: str) -> bool:
    """Whether the text opens (past an article) with a word that asks which value or choice is right."""
    first = [w for w in words(text)[:2] if w not in ARTICLES][:1]
    return bool(first) and first[0] in _VALUE_WORDS


def says_a_value(text: str) -> bool:
    """Whether a word of the text asks which value or choice is right, wherever it stands ("what counts as a good
    score on that?")."""
    return bool(_VALUE_WORDS & set(words(text)))


def ask_of(question: str, n_subjects: int) -> Ask:
    """The kind of ask; a question about two or more subjects is a comparison."""
    if n_subjects >= 2:
        return "compare"
    tokens = set(words(question))
    for ask, cues in _CUES:
        if tokens & cues:
            return ask
    return "definition"


def fields_for(ask: Ask) -> tuple[str, ...]:
    return _FIELDS[ask]


# Nouns that name a kind of concept: "which *loss* should I use", "what *kind* of network".
_CATEGORY = frozenset("""
technique techniques method methods approach approaches algorithm algorithms model models network networks architecture
architectures loss losses trick tricks variant variants family kind type sort distance distances metric metrics measure
score strategy optimizer optimiser regularizer regulariser regularization layer layers function functions activation
framework procedure process term name concept idea phenomenon effect tool principle rule objective
criterion schedule policy field area branch statistic representation explanation distribution
""".split())
_WHICH_WHAT = frozenset("which what what's whats".split())  # "whats": typed without the apostrophe
_THERE_IS = frozenset("there's theres".split())
_BETWEEN = frozenset("is are was were 's the a an of kind type sort this that good best common standard usual".split())
_DEMONSTRATIVE = frozenset("this that these those".split())  # "what is this <noun>?" points at the description
_FIRST_PERSON = frozenset("i i'm i've my me we we're our us".split())
_STORY_WORDS = 12
_DESCRIBING_WORDS = 2  # words after the kind word that say which one is meant ("technique *helps here*")


def asks_for_unknown(question: str) -> bool:
    """True when the question asks *for* a concept instead of *about* a named one (``asks_for_kind``), or
    tells a story (``tells_a_story``). Names it mentions are then context, not its subject."""
    return asks_for_kind(question) or tells_a_story(question)


def tells_a_story(question: str) -> bool:
    """A first-person account of some length, ending in "what happened?"."""
    tokens = words(question)
    return len(tokens) >= _STORY_WORDS and bool(_FIRST_PERSON & set(tokens))


def asks_for_kind(question: str) -> bool:
    """"which loss should I use ...", "what kind of network ...", "what is the attribution method that ...",
    "what is this augmentation?": the question wants the name of a thing it describes."""
    tokens = words(question)
    for i, token in enumerate(tokens):
        if token in _WHICH_WHAT:
            ahead = [t for t in tokens[i + 1:i + 6] if t not in _BETWEEN]
            if any(t in _CATEGORY for t in ahead[:2]):
                return True
            if _DEMONSTRATIVE & set(tokens[i + 1:i + 3]) and len(tokens) - i <= 4:  # ends "what is this X?"
                return True
    return False


def asks_for_a_described_kind(question: str) -> bool:
    """"what's the distance used to compare two time series?", "which technique helps here?", "is there a method that
    keeps dropout on when predicting?": a kind of thing right after the question word, or after "is there a" (one
    thing of a kind asked for; articles and words such as "standard" aside), then words that describe the one meant:
    the question asks the name of the thing it describes. Not "what is a diffusion model?" (the kind word closes a
    name), "what is this technique?" (nothing describes it) nor "are there any tricks for ...?" (advice asked)."""
    tokens = words(question)
    for i, token in enumerate(tokens):
        if token in _WHICH_WHAT or _asks_whether_one_exists(tokens, i):
            rest = list(dropwhile(_BETWEEN.__contains__, tokens[i + 1:]))
            if len(rest) > _DESCRIBING_WORDS and rest[0] in _CATEGORY:
                return True
    return False


def _asks_whether_one_exists(tokens: list[str], i: int) -> bool:
    """"is there a ...", "there's an ...": the words from ``i`` ask whether one thing exists."""
    token, before, after = tokens[i], tokens[i - 1:i], tokens[i + 1:i + 2]
    opens = token in _THERE_IS or token == "there" and (before == ["is"] or after == ["is"])
    article = next((t for t in tokens[i + 1:i + 3] if t != "is"), None)
    return opens and article in ("a", "an")


def asked_for(tokens: list[str], i: int) -> bool:
    """Whether the word ``tokens[i]`` is the kind of thing a which/what question asks for: "which
    *regularisation* ...", "what type of *convolution* ...", "what is the *augmentation* called"."""
    before = [t for t in tokens[max(0, i - 5):i] if t not in _BETWEEN]
    return bool(before) and before[-1] in ("which", "what", "what's")
