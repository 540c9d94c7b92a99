"""Follow-up questions: a turn that leans on the conversation becomes the question it stands for, before the
decision runs; the decision then runs on that question like on any other.

    >>> history = [Turn(question="What is label smoothing?", citations=["Label Smoothing"])]
    >>> resolve("and an example?", history, assistant.retriever).question
    'Label Smoothing: an example?'
    >>> resolve("how is it different from mixup?", history, assistant.retriever).question
    'how is Label Smoothing different from mixup?'
    >>> resolve("what is dropout?", history, assistant.retriever).followup
    False

The conversation's *topic* is what its latest turn was about: the entries that turn cited, else the glossary
names, the outside concept or the subject its question named. A turn refers back to the topic when
- a reference word ("it", "its", "this method", "that one", "they", "the latter") comes before any name in the
  question and after no sentence with a subject of its own: the word becomes the topic ("why does that help?"
  -> "why does Label Smoothing help?", "how is it different from mixup?" -> "how is Label Smoothing different
  from mixup?"); "they" may stand for the topics of the last two turns;
- it is a fragment (it opens with "and", "also", "ok", "what about" ..., or has at most three words) that only
  asks an aspect ("and an example?", "any drawbacks?", "in simple words?"): the topic goes in front;
- it is a fragment that compares ("vs log loss?"): the topic goes in front;
- it is a fragment that is only a new name ("ok and EWC?"): the earlier question is asked about that name
  when the earlier question names its topic ("when should I use mixup?" -> "when should I use EWC?");
- it corrects the last answer ("no, I meant the other one"): the earlier question again, answered from another
  entry than before (``exclude``).
Anything else stands alone, and so does a question of 25 words or more or one that asks for the name of what
it describes: a new topic is never answered from the previous entry. ``tentative`` and ``context`` tell the
decision whether the topic was only a marked closest guess, or an entry the conversation was answered from.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.asks import ASPECT_WORDS
from assistant.corpus import Entry
from assistant.decide import asks_for_a_name, definitional_subject
from assistant.errors import InvalidQuestion, QuestionTooLong
from assistant.guard import clean_question
from assistant.match import tokenize
from assistant.retrieve import Retriever
from assistant.schema import Turn
from assistant.text import QUERY_WORDS, content_stems, split_sentences

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_PRONOUNS = frozenset("it its it's this that they them their these those".split())
_PLURAL = frozenset("they them their these those".split())
_POSSESSIVE = frozenset({"its", "their"})
# "that" stands for a thing after these words ("why does that help", "how's that different"), before a preposition
# ("stop that from happening") or at the end, not after a noun ("a loss that pulls ...") where it opens a clause.
_THAT_AFTER = frozenset("does do did is was are were isn't doesn't about of for with than from and like use using "
                        "apply explain mean means what what's whats how how's hows why where when which so ok okay "
                        "but also wait".split())
_PREPOSITIONS = frozenset("from to for with in on at by about into of".split())
_COMPARING = frozenset("vs versus compared".split())
# A reference word followed by one of these is one phrase ("this method", "these losses").
_GENERIC_NOUNS = frozenset("method methods technique techniques approach approaches concept concepts idea ideas "
                           "model models algorithm algorithms trick tricks thing things one ones term loss losses metric "
                           "metrics score measure network networks layer layers regularizer regularization "
                           "optimizer schedule distance kernel".split())
_ORDINALS = {"former": 0, "latter": -1}
_DEMONSTRATIVES = frozenset("this that these those".split())
# What may follow a pronoun ("is this used ...", "does that help"); any other word after "this" makes it the
# determiner of a noun the question names itself ("this dilation conv operation"), not a reference.
_AFTER_PRONOUN = frozenset("""
is isn't was are aren't were does doesn't do did has have had can could would will should might must may also still
really actually always only just work works worked help helps mean means used use apply applies improve improves
compare compares differ differs relate relates affect affects and or but to for in on with of at by from than as
the a an same different similar better worse related equivalent what how why where when which who
""".split())
_OPENERS = frozenset("and also so but ok okay then plus or".split())
_FILLER = _OPENERS | {"the", "a", "an", "please"}
_ABOUT = re.compile(r"^(?:(?:and|but|so|ok|okay|also)[\s,]+)*(?:what|how)\s+about\b\s*", re.IGNORECASE)
# "no, ...", "nope I mean ...", "not that one", "I meant ...": the turn corrects the last answer.
_CORRECTION = re.compile(r"^\s*(?:(?:no|nope|nah|wrong|not that(?: one)?)\s*(?:[,.!;:-]+|\s(?:wait|sorry)\b[,.!]?)\s*|"
                         r"(?:no|nope)\s+(?=i\s+(?:mean|was))|sorry\s*,?\s*(?=i\s+mean))?"
                         r"(?:i\s+(?:meant|mean|was asking|am asking|asked|was thinking)(?:\s+(?:about|of))?\b[\s,:]*)?",
                         re.IGNORECASE)
_OTHER = re.compile(r"\b(?:the )?other (?:one|entry|term|thing)\b|\banother one\b", re.IGNORECASE)
_MAX_FRAGMENT_WORDS = 3


@dataclass(frozen=True)
class Resolution:
    question: str  # what is answered: the turn itself, or what it stands for in the conversation
    followup: bool  # the conversation changed it
    exclude: tuple[str, ...] = ()  # entries a correction turned away from
    tentative: tuple[str, ...] = ()  # the topic's entries when they were only the marked closest guess
    context: tuple[str, ...] = ()  # the entries the conversation was last answered from (not a guess)


@dataclass(frozen=True)
class _Topic:
    names: tuple[str, ...]  # what the latest turn was about: entry terms, or an outside concept's name
    question: str  # that turn's question, as it was answered
    tentative: tuple[str, ...] = ()  # ``names`` when that turn got them only as the marked closest entry


def clean_history(history: list[Turn], max_turns: int, max_chars: int) -> list[Turn]:
    """The latest ``max_turns`` turns, each question cleaned like a question; a history longer than
    ``max_chars`` in all is an error, and so is a turn whose question is not text."""
    size = sum(len(t.question) + len(t.answer) + len(t.resolved_question or "") for t in history)
    if size > max_chars:
        raise QuestionTooLong(f"The conversation history is too long ({size} characters; the limit is {max_chars}).")
    kept = history[-max_turns:] if max_turns else []
    try:
        return [t.model_copy(update={"question": clean_question(t.question, max_chars),
                                     "resolved_question": clean_question(t.resolved_question, max_chars)
                                     if t.resolved_question else None}) for t in kept]
    except InvalidQuestion as exc:
        raise InvalidQuestion(f"A turn of the history is invalid: {exc}") from exc


def resolve(question: str, history: list[Turn], retriever: Retriever, long_words: int = 25) -> Resolution:
    """The question this turn stands for, given the earlier turns (oldest first). A question of ``long_words``
    words or more (an issue body, a story) carries its own context and stands alone."""
    topics = _topics(history, retriever)
    resolution = _resolve(question, topics, retriever, long_words)
    if topics and not topics[0].tentative and not resolution.exclude:
        resolution = replace(resolution, context=topics[0].names)
    return resolution


def _resolve(question: str, topics: list[_Topic], retriever: Retriever, long_words: int) -> Resolution:
    if not topics or len(question.split()) >= long_words or asks_for_a_name(question):
        return Resolution(question, False)  # "what's it called when ...": "it" is the thing it describes
    topic = topics[0]
    named = _names(question, retriever)
    correction = _CORRECTION.match(question)
    corrects, rest = bool(correction.group(0).strip()), question[correction.end():].strip(" ,.")
    if corrects and named and rest:  # "no, I meant batch norm"
        return Resolution(rest, True, topic.names)
    if not named and (_OTHER.search(question) or corrects and not rest):  # "no, the other one"
        return Resolution(topic.question, True, topic.names)
    if corrects:  # "no, I meant how it works": the rest is the turn
        question = rest
    fragment = _fragment(question)
    own_subject = fragment is not None and bool(named or _subject(fragment) or _describes(fragment))
    # "what about rehearsal, ... is that a thing?": after "what about X" a reference word stands for X
    # A reference word never stands for a name the turn itself says ("is that basically label smoothing?" after
    # a turn about label smoothing): it refers to the latest topic the turn does not name.
    referents = [t for t in topics if not set(t.names) & set(named)]
    if referents and not (own_subject and _ABOUT.match(question)):
        earlier = [n for t in referents for n in t.names]  # "they" may be the topics of the last two turns
        referred = _refer(question, referents[0].names, tuple(dict.fromkeys(earlier))[:2],
                          lambda before: bool(_names(before, retriever) or _earlier_subject(before)))
        if referred is not None:
            return Resolution(referred, True, tentative=referents[0].tentative)
    if fragment is None:
        return Resolution(question, corrects)
    if not own_subject:  # "and an example?", "why?"
        return Resolution(f"{' and '.join(topic.names)}: {fragment}", True, tentative=topic.tentative)
    if _first_word(fragment) in _COMPARING:  # "vs log loss?"
        return Resolution(f"{' and '.join(topic.names)} {fragment}", True, tentative=topic.tentative)
    if named and _only_names(fragment, retriever):  # "ok and EWC?": the earlier question, about EWC
        return Resolution(_ask_again(topic, fragment, retriever.entries) or fragment, True)
    return Resolution(fragment, fragment != question)  # "and what is EWC?", "and dropout?": a question of its own


def _topics(history: list[Turn], retriever: Retriever) -> list[_Topic]:
    """What the turns that were about something were about, latest first."""
    topics = []
    for turn in reversed(history):
        asked = turn.resolved_question or turn.question
        cited = [m.term for m in map(retriever.matcher.match_phrase, turn.citations) if m is not None]
        names = list(dict.fromkeys(cited)) or _names(asked, retriever) or list(filter(None, [_subject(asked)]))
        if names:
            topics.append(_Topic(tuple(names[:2]), asked, tuple(names[:2]) if turn.outcome == "closest" else ()))
    return topics


def _names(text: str, retriever: Retriever) -> list[str]:
    """The glossary terms a text names, else the outside concepts it names."""
    terms = list(dict.fromkeys(m.term for m in retriever.matcher.find(text) if not m.ambiguous))
    return terms or list(dict.fromkeys(o.name for o in retriever.concepts.find(text)))


def _refer(question: str, topic: tuple[str, ...], plural: tuple[str, ...], names_in: Callable[[str], bool]) -> str | None:
    """The question with its first reference word replaced by the topic (``plural``: what "they" stands for),
    when that word comes before any name in the question: after a name it stands for that name ("what is
    mixup and why does it help?")."""
    tokens = list(_WORD.finditer(question))
    lowered = [t.group(0).lower().replace("’", "'") for t in tokens]
    for i, (token, word) in enumerate(zip(tokens, lowered)):
        end = token.end()
        if word in _ORDINALS and i and lowered[i - 1] == "the":
            start = tokens[i - 1].start()
            name = topic[_ORDINALS[word]] if len(topic) > 1 else topic[0]
        elif word in _PRONOUNS:
            start = token.start()
            before = lowered[i - 1] if i else None
            following = lowered[i + 1] if i + 1 < len(tokens) else None
            if word in _DEMONSTRATIVES and following in _GENERIC_NOUNS:
                end = tokens[i + 1].end()  # "this method", "that one" are one reference
            elif word == "that" and before is not None and before not in _THAT_AFTER and \
                    following is not None and following not in _PREPOSITIONS:
                continue  # "a loss that pulls ...": a clause
            elif word in _DEMONSTRATIVES and following is not None and following not in _AFTER_PRONOUN \
                    and not following.endswith("ly"):  # "basically", "exactly": adverbs
                continue  # "this dilation conv operation": the determiner of a thing the question names
            name = " and ".join(plural) if word in _PLURAL else topic[0]
            if word in _POSSESSIVE or word == "it's" and _possessive_its(lowered, i):
                name += "'s"
            elif word == "it's":
                name += " is"
        else:
            continue
        if names_in(question[:start]):
            return None
        return question[:start] + name + question[end:]
    return None


def _possessive_its(lowered: list[str], i: int) -> bool:
    """"it's" written for "its" ("what is it's purpose"): a noun, not a verb or adjective, follows."""
    return i + 1 < len(lowered) and lowered[i + 1] in _GENERIC_NOUNS | {"purpose", "use", "advantage", "meaning"}


def _fragment(question: str) -> str | None:
    """The question without its conversational opener when it is a fragment that leans on the conversation
    ("and an example?", "what about EWC?", "why?"); None for a question that stands alone."""
    about = _ABOUT.match(question)
    words = _WORD.findall(question)
    if not words:
        return None
    opener = words[0].lower() in _OPENERS
    if not (about or opener or len(words) <= _MAX_FRAGMENT_WORDS):
        return None
    rest = question[about.end():] if about else question
    while (first := _WORD.match(rest.lstrip(" ,"))) and first.group(0).lower() in _OPENERS:
        rest = rest.lstrip(" ,")[first.end():]
    rest = rest.strip(" ,")
    return rest or None


def _earlier_subject(before: str) -> bool:
    """Whether a whole sentence before the reference word asks about a subject of its own ("What are
    augmentations? Why do we need them?")."""
    sentences = split_sentences(before)
    return any(_subject(sentence) for sentence in sentences[:-1] if sentence.rstrip().endswith(("?", ".", "!")))


def _subject(text: str) -> str | None:
    """The X of "what is X?" or of a first clause "X, ..." when X is a subject ("dropout", "rehearsal, like
    ..."), not an aspect of one ("an example", "any drawbacks") nor a context ("for images"), even where the
    glossary and the vocabulary do not know it."""
    subject = definitional_subject(text) or definitional_subject(re.split(r"[,;:?!]", text)[0])
    return subject if subject and content_stems(subject, ASPECT_WORDS) else None


def _describes(fragment: str) -> bool:
    """"networks that respect rotations?": content words beyond those of an aspect describe a thing of their own;
    "for images?", "in simple words?" (led by a preposition) are a context for the topic instead."""
    return _first_word(fragment) not in _PREPOSITIONS and bool(content_stems(fragment, ASPECT_WORDS | QUERY_WORDS))


def _first_word(text: str) -> str:
    first = _WORD.search(text)
    return first.group(0).lower() if first else ""


def _only_names(fragment: str, retriever: Retriever) -> bool:
    """Whether the fragment is nothing but the names it mentions ("EWC?", "the Brier score?")."""
    tokens = tokenize(fragment)
    spans = [*((m.start, m.end) for m in retriever.matcher.find(fragment)),
             *((o.start, o.end) for o in retriever.concepts.find(fragment))]
    named = {i for start, end in spans for i in range(start, end)}
    return all(t.raw in _FILLER for i, t in enumerate(tokens) if i not in named)


def _ask_again(topic: _Topic, fragment: str, entries: list[Entry]) -> str | None:
    """The topic's question with the topic's name replaced by what the fragment names ("when should I use
    mixup?" + "EWC?" -> "when should I use EWC?"), or None when that question does not name its topic."""
    named = fragment.rstrip("?!. ")
    by_term = {e.term: e for e in entries}
    spellings = sorted((n for t in topic.names for n in (by_term[t].names if t in by_term else (t,))),
                       key=len, reverse=True)
    for spelling in spellings:
        found = re.search(rf"(?<!\w){re.escape(spelling)}(?!\w)", topic.question, re.IGNORECASE)
        if found:
            return topic.question[:found.start()] + named + topic.question[found.end():]
    return None
