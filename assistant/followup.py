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
names (not for a refused turn), the outside concept or the subject its question named. A turn refers back to
the topic when
- a reference word ("it", "its", "this method", "that one", "they") comes before any name in the question,
  after no sentence with a subject of its own, after no words that describe another thing ("hard negative
  mining how do i do it"), and outside a clause that describes a thing of its own ("the one where it learns by
  getting rewarded"): the word becomes the topic ("why does that help?" -> "why does Label Smoothing
  help?", "how is it different from mixup?" -> "how is Label Smoothing different from mixup?"); "they", "the
  two" and "those two" may stand for the topics of the last two turns, and "the first", "the second one", "that
  second one", "the latter" for the topics of a comparison wherever they are; "they" in a sentence that states
  rather than asks stands for people ("They also mentioned exporting to ONNX. Is that in here?"), and "its own"
  is its own clause's ("what is an RBM on its own?");
- it is a fragment (it opens with "and", "also", "ok", "vs", "what about" ..., has at most three words, or ends
  with the aspect it asks: "self driving car example?") that only asks an aspect ("and an example?", "any
  drawbacks?", "in simple words?"), or it speaks of the answer ("the thing you just said about ..."): the topic
  goes in front;
- it is a fragment that compares ("vs log loss?"), or a comparison that names one side only and no glossary entry
  ("is better than ReLU?", "what's the link to kernel methods?", "why not just use MCMC?"): the topic goes in front;
- it is a short fragment that narrows the topic to a setting it names, with no glossary name: it opens with a
  preposition or has a focus word ("in segmentation models too?", "face recognition only?", "batch size 2 tho?"),
  unless it asks what something is ("whats infonce exactly tho") or about something ("what about X tho"): the
  topic goes in front;
- it is short, names nothing of its own and speaks of "the X" ("what does the temperature do?", "how do I choose
  the baseline input?"): the topic's X, whether or not its entry writes it; the topic goes in front;
- it is a fragment that is only a new name ("ok and EWC?"): the earlier question is asked about that name
  when the earlier question names its topic ("when should I use mixup?" -> "when should I use EWC?");
- it is a fragment that goes on ("and CLIP?") with a thing the topic's entry itself writes (Contrastive Loss's
  example names CLIP): a part or example of the topic, which goes in front;
- it corrects the last answer ("no, I meant the other one"): the earlier question again, or what the correction
  describes ("no, the other one - where the target itself changes", "no sorry I mixed them up, I meant the
  agreement metric"), answered from another entry than before (``exclude``): the closest one when it describes. A
  slip admitted anywhere in the turn corrects too ("hm wait, I was actually thinking of the one ...": what follows;
  "sorry I mixed up names, I wanted the one with if-then rules", "sry wrong name ...", "sorry, VAT not VI": the
  whole turn); an entry the correction names by another name than the earlier question did stays, and so does one
  that alone answers what the correction describes, when no other entry does (the user corrected their own words:
  "sorry, I meant the one EfficientNet uses, not BERT" after Swish and GELU Activations).
Anything else stands alone, and so does a question of 25 words or more, one that asks for the name of what it
describes, one whose last sentence asks what a thing it brings up is ("They also compare against LIME. What's
LIME?") or whose last clause asks what a thing said before it is ("they decode with beam search, what is beam
search?"), and one that announces a new topic ("unrelated: ..."): a new topic is not answered from the previous
entry. ``tentative`` and ``context`` tell the decision whether the topic was only a marked closest guess, or an
entry the conversation was answered from; ``about_topic`` and ``in_conversation`` use the conversation as
evidence where the question alone is not placed.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import takewhile

from assistant.asks import (ASPECT_NOUNS, ASPECT_WORDS, SCALE_WORDS, ask_of, asks_for_a_value, ends_with_aspect,
                            says_a_value)
from assistant.concepts import ConceptMention
from assistant.corpus import Entry
from assistant.decide import (ASKING_WORDS, Decision, Thresholds, asked_subjects, asks_about_the_glossary,
                             asks_for_a_name, asks_what_it_is, asks_what_that_is, chat_sentences, coverage,
                             definitional_subject, name_stems, said_before_what_that_is, states)
from assistant.errors import InvalidQuestion, QuestionTooLong
from assistant.guard import clean_question
from assistant.match import NameMatch, tokenize
from assistant.mentions import entry_mentions, entry_says, entry_stems
from assistant.retrieve import Retrieval, Retriever
from assistant.schema import Turn
from assistant.text import ARTICLES, QUERY_WORDS, STOPWORDS, content_stems, split_sentences
from assistant.text import words as folded_words  # "words" is the GlossaryWords parameter here

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_PRONOUNS = frozenset("it its it's this that they them their these those".split())
_PLURAL = frozenset("they them their these those".split())
_REFERS = frozenset("it its they them their".split())
_POSSESSIVE = frozenset({"its", "their"})
# "that" stands for a thing after these words ("why does that help", "would that work", "how's that different"),
# before a preposition ("stop that from happening") or at the end, not after a noun ("a loss that pulls ...") where it
# opens a clause.
_THAT_AFTER = frozenset("does do did is was are were isn't doesn't would could should will can might "
                        "about of for with than from and like use using apply explain mean means what what's whats how "
                        "how's hows why why's whys where when where's when's which so ok okay but also wait".split())
# before a setting: "example in deep learning", "plays nice w/ adam?" ("w/" is read as the word "w")
_SETTINGS = frozenset("in for on with w into within under using".split())
_PREPOSITIONS = frozenset("from to for with without in on at by about into of during under across".split())
_COMPARING = frozenset("vs versus compared".split())
# A turn with one of these weighs two things ("how's that different?", "same thing?", "how do the two relate")
_COMPARES = frozenset("vs versus compare compared comparison difference differences differ differs different diff "
                      "same similar relate related relation relationship".split())
# "is better than ReLU?", "what's the link to kernel methods?", "the benefit over a normal convolution?": a comparison
# whose first side is left unsaid; so is "why not just use MCMC?", "why can't you just backprop through the sample?",
# "what's actually wrong with relu?": why the topic, not the other thing.
_COMPARED_WITH = re.compile(r"\b(?:same(?:\s+thing)?\s+(?:as|like)|(?:better|worse|different|faster|slower|cheaper)"
                            r"(?:\s+or\s+(?:better|worse))?\s+(?:than|from)|(?:difference|diff|link|connection|"
                            r"relation)\s+(?:with|to|from)|(?:similar|related|compared?)\s+(?:to|with)|why\s+not|"
                            r"why\s+(?:can'?t|cannot|couldn'?t|don'?t|wouldn'?t)\s+(?:we|you|i|they|people|ppl|one)\s+"
                            r"just|what(?:'?s|\s+is)\s+(?:\w+ly\s+)?wrong\s+with|"
                            r"(?:advantages?|benefits?|upsides?|gains?)\s+(?:over|vs\.?|versus))\s", re.IGNORECASE)
# "contrast with MCMC", "better than it", "diff from fgsm": words that set one side against another
_WEIGHED = re.compile(r"\b(?:contrast|trade-?offs?)\b|\b(?:better|worse)\s+than\b|\bdiff(?:erent)?\s+from\b",
                      re.IGNORECASE)
# A short fragment with one of these narrows the topic to a setting ("face recognition only?", "GANs too?").
_FOCUS = frozenset("too also only tho though specifically either".split())
# A reference word followed by one of these is one phrase ("this method", "these losses").
_GENERIC_NOUNS = frozenset("method methods technique techniques approach approaches concept concepts idea ideas "
                           "model models algorithm algorithms trick tricks thing things one ones term loss losses metric "
                           "metrics score measure network networks layer layers regularizer regularization "
                           "optimizer schedule distance kernel".split())
_ORDINALS = {"former": 0, "latter": -1, "first": 0, "second": 1}  # after "the", at the end or before "one"
_PAIR = frozenset({"two", "2"})  # after "the", "those": the topics of the last two turns
_DEMONSTRATIVES = frozenset("this that these those".split())
_MAX_ABBREVIATED_REFERENCE = 3  # "IT", "ITS" in capitals name a thing; "THIS" or "THAT" in capitals stress a reference
# What may follow a pronoun ("is this used ...", "does that help", "would that be overkill"); any other word after
# "this" makes it the determiner of a noun the question names itself ("this dilation conv operation"), not a reference.
_AFTER_PRONOUN = frozenset("""
is isn't was are aren't were be been does doesn't do did has have had can could would will should might must may also
still really actually always only just work works worked help helps mean means used use apply applies improve improves
compare compares differ differs relate relates affect affects and or but to for in on with of at by from than as
the a an same different similar better worse related equivalent what how why where when which who
""".split())
_OPENERS = frozenset("and also so but ok okay then plus or".split())
_FILLER = _OPENERS | ARTICLES | {"please"}
_ABOUT = re.compile(r"^(?:(?:and|but|so|ok|okay|also)[\s,]+)*(?:what|how)\s+about\b\s*", re.IGNORECASE)
# "no, ...", "nope I mean ...", "not that one", "not the what-if one.", "I meant ...": the turn corrects the
# last answer.
_CORRECTION = re.compile(r"^\s*(?:(?:(?:no|nope|nah)[\s,]+(?=not\b))?(?:no|nope|nah|wrong|not that(?: one)?|"
                         r"not the [\w'-]+ one)\s*"
                         r"(?:[,.!;:\-—–]+|\s(?:wait|sorry)\b[,.!]?)\s*|"
                         r"(?:no|nope)\s+(?=i\s+(?:mean|was)))?"
                         r"(?:i\s+(?:meant|mean|was asking|am asking|asked|was thinking)(?:\s+(?:about|of))?\b"
                         r"[\s,:—–-]*)?",
                         re.IGNORECASE)
# "unrelated: ...", "ok diff thing, ...": the turn says it leaves the conversation's topic ("another question" does
# not: in an issue thread it goes on with the same one).
_NEW_TOPIC = re.compile(r"^\W*(?:(?:ok|okay|so|and|also|btw|now)[\s,]+)*(?:totally\s+|completely\s+)?(?:unrelated|"
                        r"(?:different|diff|other|new|separate)\s+(?:q|question|topic|thing|subject)|something else|"
                        r"change of (?:topic|subject)|switching (?:topics?|gears))\b[\s:,.;!?-]*", re.IGNORECASE)
# "the thing you just said about ...", "in your last answer": the turn is about what the conversation said.
_BACK_REFERENCE = re.compile(r"\byou (?:just )?(?:said|mentioned|described|wrote)\b|"
                             r"\byour (?:last |previous )?answer\b", re.IGNORECASE)
# "sorry, not that one", "hm wait, I meant ...": what may stand before a correction.
_INTERJECTION = re.compile(r"^\s*(?:(?:sorry|hm+|wait|ah+|oh+|actually|um+|uh+)\b[\s,.!]*)+", re.IGNORECASE)
# "sorry, I mixed up names", "I misread my notes", "I've muddled my notes", "sry wrong name", "i got the name wrong",
# "nah not that one, i mean ...", "i think my friend meant the label one", "she was thinking of the method where ...":
# wherever it stands, the turn says that the last answer was about something else than the user (or the one they ask
# for) had in mind; "I actually meant ...", "I was thinking of ...": and what they had in mind follows.
_SLIP = re.compile(r"\b(?:(?:got\s+)?mixed\s+(?:\w+\s+)?up|misread|muddled|my\s+bad|"
                   r"wrong\s+(?:name|word|term|one|entry)|(?:name|word|term)\s+wrong|not\s+that\s+one|"
                   r"not\s+quite(?=\s*[,.;:!—–-]|\s+what\b)|"
                   r"(?:he|she|they|(?:my|our|his|her|their)\s+[\w'-]+)\s+(?:\w+\s+)?(?:meant|was\s+(?:actually\s+)?"
                   r"thinking\s+of))", re.IGNORECASE)
_MEANT = re.compile(r"\bI\s+(?:\w+\s+)?(?:meant|was\s+(?:actually\s+)?thinking\s+of|had\s+in\s+mind)\b"
                    r"[\s,.:;!—–-]*", re.IGNORECASE)
_NEGATIONS = frozenset({"not", "no"})  # right before a name: the name is turned down ("VAT not VI")
_DECLINED = re.compile(r"\b(?:no|nope|nah|wrong|not|meant)\b", re.IGNORECASE)
# after "it was", "it's", "its": the one the user means ("it was the if-then rule kind")
_MEANT_ONE = re.compile(r"(?:\s+(?:was|is))?\s+(?:actually\s+|really\s+)?the\s+(?:[\w'-]+\s+){0,3}?"
                        r"(?:one|kind|type|sort|thing|version)\b", re.IGNORECASE)
_OTHER = re.compile(r"\b(?:the )?other (?:[\w-]+ ){0,2}?(?:one|entry|term|thing)\b|\banother one\b", re.IGNORECASE)
_OTHER_OF_A_KIND = re.compile(r"\bthe other (?P<kind>[\w-]+)\b", re.IGNORECASE)  # "no the other drift, where ..."
_CLOSED_CLAUSE = re.compile(r"[^?!.,;:]+[?!.,;:]")  # a clause with the mark that closes it
_CLAUSE = re.compile(r"(?<=[,;:—–])\s*")
_QUOTED = re.compile(r"(?:^|(?<=[\s(]))['\"‘“]([^'\"’”]{2,60})['\"’”](?=[\s?.,!:;)]|$)")  # 'score', "easy"
_CLAUSE_BOUNDARY = re.compile(r"[,;:?!.—–]\s*|\s(?:and|but|or|so)\s+", re.IGNORECASE)
_AUXILIARIES = frozenset("is are was were do does did can could should would will has have isn't doesn't don't "
                         "can't won't".split())
_PEOPLE = frozenset("i you we people they one someone".split())
# a clause still open that describes a thing of its own ("the one where", "a trick that"): a reference word in it
# belongs to that description ("the one where it learns by getting rewarded"), not to the conversation's topic
_DESCRIBING = re.compile(r"\b(?:the|a|an|some)\s+(?:[\w'-]+\s+){1,2}?(?:where|that|which|whereby)\b[^,;:.?!—–]*$",
                         re.IGNORECASE)
_DEFINITE = re.compile(r"\bthe\s+(?P<x>[A-Za-z][\w'-]*(?:\s+[A-Za-z][\w'-]*){0,2})", re.IGNORECASE)  # "the X"
_MIN_PART_CHARS = 4  # the first word of "the X" this long names a part of the topic ("the two" does not)
_MAX_FRAGMENT_WORDS = 3
_MAX_ASPECT_FRAGMENT_WORDS = 5  # a short question that ends with an aspect it asks about
_MAX_SCOPE_FRAGMENT_WORDS = 6  # a short question that narrows the topic to a setting
_ANTECEDENT_WORDS = 2  # words before a reference word, unknown to the topic's entry, that describe its antecedent
_MAX_UNNAMED_WORDS = 8  # a turn this short that names nothing and stands nowhere is asked about the topic
_MAX_ASKING_WORDS = 16  # ... and one up to this long, when none of its words names another thing of the field
_MAX_CLOSEST_TURN_WORDS = 16  # a longer turn the glossary gives a closest entry for describes a thing of its own
_NEAR_TIE = 0.9  # a conversation's entry scoring this share of the top entry's score is as good a reading
_WORDS_OF_ANOTHER_THING = 4  # a follow-up on a guessed entry with this many words the entry never uses is about another
# Words that describe no thing of their own: how a question asks, the aspect it asks, a value on a scale.
_DESCRIBES_NOTHING = ASPECT_WORDS | QUERY_WORDS | SCALE_WORDS


@dataclass(frozen=True)
class Resolution:
    question: str  # what is answered: the turn itself, or what it stands for in the conversation
    followup: bool  # the conversation changed it
    exclude: tuple[str, ...] = ()  # entries a correction turned away from
    tentative: tuple[str, ...] = ()  # the topic's entries when they were only the marked closest guess
    context: tuple[str, ...] = ()  # the entries the conversation was last answered from (not a guess)
    guess: tuple[str, ...] = ()  # for a turn that stands alone: the latest turn's marked closest guess
    confirms: bool = False  # the turn goes on with the marked guess in words that place it there too
    alone: bool = False  # a fragment read as a question of its own ("and focal loss?", "and the fix?")
    restated: bool = False  # the turn asks the earlier question again, of another entry ("no, the other one")


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
    words or more (an issue body, a story) carries its own context and stands alone, unless it is one question proper
    whose reference word refers back."""
    topics = _topics(history, retriever)
    switch = _NEW_TOPIC.match(question)
    if switch and switch.end() < len(question):  # "unrelated: ...", "ok diff thing, ...": nothing of the conversation
        return Resolution(question[switch.end():], True)
    resolution = _resolve(question, topics, retriever, long_words)
    if topics and not topics[0].tentative and not resolution.exclude:
        resolution = replace(resolution, context=topics[0].names)
    elif topics and not resolution.followup and not resolution.exclude:
        resolution = replace(resolution, guess=topics[0].tentative)
    return resolution


@dataclass(frozen=True)
class GlossaryWords:
    """How the glossary's text writes single words, read once per glossary rather than on every turn: the words it
    writes in lower case, and the forms each word takes inside its sentences (after a lower-case word, a comma or a
    semicolon)."""
    lowercase: frozenset[str]
    inside: Mapping[str, frozenset[str]]  # the word in lower case -> the forms it is written in there

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> GlossaryWords:
        text = " ".join(passage for e in entries for _, passage in e.passages())
        forms: dict[str, set[str]] = {}
        for word in re.findall(r"(?<=[a-z,;] )[A-Za-z][a-z]+\b", text):
            forms.setdefault(word.lower(), set()).add(word)
        return cls(frozenset(re.findall(r"\b[a-z]+\b", text)), {w: frozenset(f) for w, f in forms.items()})


def in_conversation(decision: Decision, resolution: Resolution, retrieval: Retrieval, entries: dict[str, Entry],
                    thresholds: Thresholds, words: GlossaryWords) -> Decision:
    """The decision on a resolved turn with what the conversation shows as evidence:
    - a follow-up on a marked closest guess goes on with it, which confirms the guess ("any downsides?"), and so does
      a turn that gets the same entry as the closest one again ("is higher better or lower?"), unless it describes
      something else, in four or more words the entry never uses: then it stays marked; a reference word to the
      guess in a turn whose own words place it there too confirms it whatever else it says ("why ramp it up to a
      high lr in the middle, seems risky" after a guess of One Cycle Policy);
    - a correction that describes what it meant, naming no concept that entry does not mention ("no wait, the one
      with if-then rules", "I meant the face recognition loss with three inputs"), gets its closest entry, another
      than the one it turned down, as the answer: it picks among the glossary's entries; so does one that the
      glossary could not place, when one entry leads every other by ``thresholds.meaning_lead`` ("ugh wrong name
      sorry. i meant the one where u tell the model the right class is like 0.9" after Mixup), in words of its own
      (not "no, the other one", which asks the earlier question again);
    - a turn that names nothing and asks what nothing is, placed by its description on another entry that scores
      hardly more than the conversation's (``_NEAR_TIE``) or whose text holds fewer of the turn's words, goes on with
      the conversation's ("why would soft probabilities teach more than the hard labels?" after Knowledge
      Distillation, not Label Smoothing);
    - a turn the glossary gives only as the closest entry continues the entry the conversation was last answered
      from when that is the one it got, or when every word it says is one that entry uses ("why soft labels and
      not the hard ones" after Knowledge Distillation, for which Label Smoothing is closest alone);
    - a refused turn continues it when that entry is its best one by content (scoring at least ``answer_score``) and
      the X it asks about is described in the entry's own words: two or more of them, beyond the names of other
      concepts ("What are the benefits of training with a high learning rate?" after One Cycle Policy; not "what
      is KL divergence itself?" after Wasserstein Distance, whose entry names KL divergence, nor "whats adam?"
      after Lookahead Optimizer, whose entry says Adam).
    For these last two, every concept the turn names must be one the entry mentions, and every X it asks "what is X"
    about, wherever it stands, must be described in the entry's words ("quick def of KL divergence then?", "... no?
    what is a RBM exactly" stay marked): the question and the conversation then agree, and the entry answers.
    A refused turn that sets one thing the glossary does not define against the topic left unsaid ("Trade-offs versus
    MCMC?") is answered from the conversation's entry, the other side named as not defined (``_against_the_topic``).
    A comparison answered from one entry that leaves its other side unsaid ("And triplet loss — how's that
    different?", "how do anchors differ from that?" after Counterfactual Explanations) weighs it against the entry
    the conversation was last answered from: both answer."""
    decision = _with_evidence(decision, resolution, retrieval, entries, thresholds, words)
    if len(retrieval.question.split()) >= thresholds.long_words:  # a long turn carries its own context
        return decision
    decision = _against_the_topic(decision, resolution, retrieval, entries)
    return _with_unsaid_side(decision, resolution, retrieval.question, entries)


def _against_the_topic(decision: Decision, resolution: Resolution, retrieval: Retrieval, entries: dict[str, Entry]
                       ) -> Decision:
    """A refused turn that names no entry and sets one thing the glossary does not define against the topic left
    unsaid, with a word that weighs two sides ("Trade-offs versus MCMC?" after Variational Inference, "cosine
    annealing vs this?" after One Cycle Policy, "would group norm be the simpler option compared to that?" after Batch
    Renormalization): the conversation's entry answers, and the other side is named as not defined. Not a turn that
    asks whether the thing is the same ("is transfer learning the same thing?", "cutmix, similar?": it asks about that
    thing), what it is, or whether the glossary has it."""
    question = retrieval.question
    others = list(dict.fromkeys(o.name for o in decision.outside)) or ([decision.subject] if decision.subject else [])
    if decision.outcome != "refused" or decision.reason != "not_in_glossary" or resolution.followup \
            or len(resolution.context) != 1 or resolution.context[0] not in entries or retrieval.matches \
            or len(others) != 1 or asks_what_it_is(question) or asks_about_the_glossary(question) \
            or not (_WEIGHED.search(question) or _COMPARING.intersection(folded_words(question))):
        return decision
    return Decision("answered", "conversation", list(resolution.context), coverage=decision.coverage, ask="compare",
                    undefined=others, outside=decision.outside)


def _with_unsaid_side(decision: Decision, resolution: Resolution, question: str, entries: dict[str, Entry]
                      ) -> Decision:
    """The decision with the conversation's entry beside the one entry a comparison named, when the comparison names
    no other side."""
    if decision.outcome != "answered" or len(decision.terms) != 1 or decision.undefined \
            or len(resolution.context) != 1 or resolution.context[0] in decision.terms \
            or resolution.context[0] not in entries or not _weighs(question):
        return decision
    return replace(decision, terms=[*decision.terms, *resolution.context], ask="compare")  # "that one": the named


def _weighs(question: str) -> bool:
    """Whether the turn weighs things against each other ("how's that different?", "is X the same idea?", "how do
    the two relate"), not only says a comparison word before a thing of its own ("the same paper also ...",
    "different matter: ...", "totally different, ...", "running at different speeds")."""
    tokens = list(_WORD.finditer(question))
    for i, token in enumerate(tokens):
        if token.group(0).lower() not in _COMPARES:
            continue
        after = question[token.end():].lstrip()
        following = tokens[i + 1].group(0).lower() if i + 1 < len(tokens) else None
        if after[:1] in (":", "—", "–", ",") or following is not None and following not in STOPWORDS \
                and following not in _GENERIC_NOUNS:
            continue
        return True
    return False


def _with_evidence(decision: Decision, resolution: Resolution, retrieval: Retrieval, entries: dict[str, Entry],
                   thresholds: Thresholds, words: GlossaryWords) -> Decision:
    if decision.outcome == "answered" and resolution.tentative and set(decision.terms) <= set(resolution.tentative):
        confirmed = resolution.confirms and not asks_what_it_is(retrieval.question) \
            and said_before_what_that_is(retrieval.question) is None
        if not confirmed and _not_the_guess(retrieval.question, _entry_words(tuple(decision.terms),
                                                                               list(entries.values()))):
            return replace(decision, outcome="closest", reason="closest")
        return decision
    if decision.outcome == "closest" and resolution.guess and set(decision.terms) <= set(resolution.guess):
        if not _not_the_guess(retrieval.question, _entry_words(tuple(decision.terms), list(entries.values()))):
            return _from_conversation(decision, decision.terms, retrieval.question)
    if decision.outcome == "closest" and resolution.exclude and _only_settings_of(decision, retrieval, entries):
        return _from_conversation(decision, decision.terms, retrieval.question)
    if decision.reason == "low_score" and resolution.exclude and not resolution.restated:
        leader = _leader(retrieval, thresholds.meaning_lead)  # "ugh wrong name sorry. i meant the one where ..."
        if leader is not None and _only_settings_of(replace(decision, terms=[leader]), retrieval, entries):
            return _from_conversation(decision, [leader], retrieval.question)
    near_tie = _near_tie(decision, resolution, retrieval, entries, words)
    if near_tie is not None:  # "why soft probabilities and not hard labels?" after Knowledge Distillation
        return _from_conversation(decision, [near_tie], retrieval.question)
    top = max(retrieval.hits, key=lambda h: h.fused)
    if decision.outcome == "closest":
        term = resolution.context[0] if _in_words_of(resolution.context, retrieval, decision, entries) \
            else decision.terms[0]
    elif decision.reason in ("low_score", "not_in_glossary") and top.fused >= thresholds.answer_score:
        term = top.term
    else:
        return decision
    entry = entries[term] if term in resolution.context else None
    if entry is None or not all(entry_mentions(entry, o) for o in decision.outside):
        return decision
    subjects = [decision.subject] if decision.outcome == "refused" and decision.subject \
        else asked_subjects(retrieval.question)  # "quick def of KL divergence then?" after Wasserstein Distance
    if not all(_described_in(subject, decision.outside, entry) for subject in subjects):
        return decision
    return _from_conversation(decision, [term], retrieval.question)


def _leader(retrieval: Retrieval, lead: float) -> str | None:
    """The entry whose fused score leads every other retrieved one by ``lead`` or more, else None: what a correction
    that scores low everywhere describes best ("ugh wrong name sorry. i meant the one where u tell the model the right
    class is like 0.9" after Mixup; the user picks among the glossary's entries)."""
    ranked = sorted(retrieval.hits, key=lambda h: -h.fused)
    if not ranked or len(ranked) > 1 and ranked[0].fused - ranked[1].fused < lead:
        return None
    return ranked[0].term


def _only_settings_of(decision: Decision, retrieval: Retrieval, entries: dict[str, Entry]) -> bool:
    """Whether every concept a correction names is a setting of the entry it gets, which that entry mentions ("I meant
    the face recognition loss with three inputs" for Triplet Loss), not the thing it means: one it opens with ("I meant
    variational autoencoders specifically") or asks what it is ("I meant — what are variational autoencoders?")."""
    if not decision.outside:
        return True
    if any(map(_names_a_thing, asked_subjects(retrieval.question))):
        return False
    return all(o.start > 0 and all(entry_mentions(entries[t], o) for t in decision.terms) for o in decision.outside)


def _near_tie(decision: Decision, resolution: Resolution, retrieval: Retrieval, entries: dict[str, Entry],
              words: GlossaryWords) -> str | None:
    """The conversation's entry, when a turn that names nothing and asks what nothing is was placed by its
    description alone on another entry that scores hardly more than it (within ``_NEAR_TIE``), or whose text holds
    fewer of the turn's words (``coverage``: "why soft probabilities and not hard labels?" after Knowledge
    Distillation, whose entry writes soft and hard, not Label Smoothing, which writes neither): the conversation
    breaks the tie. None otherwise."""
    if decision.reason not in ("descriptive", "closest") or len(resolution.context) != 1 or resolution.exclude \
            or set(decision.terms) & set(resolution.context) or retrieval.matches or decision.outside \
            or _names_unknown(retrieval.question, words) or _asks_of_its_own(retrieval.question):
        return None
    scores = {h.term: h.fused for h in retrieval.hits}
    term = resolution.context[0]
    if term in entries and coverage(retrieval.question, entries[term]) > coverage(retrieval.question,
                                                                                   entries[decision.terms[0]]):
        return term
    return term if scores.get(term, 0.0) >= _NEAR_TIE * max(scores.values()) else None


def _asks_of_its_own(question: str) -> bool:
    """Whether the turn asks about a thing of its own, not about the conversation's entry: what something is,
    wherever it asks ("Last thing: what is hard negative mining?"), the name of what it describes, or whether the
    glossary covers something ("is there an entry for diffusion models?")."""
    return any(map(_names_a_thing, asked_subjects(question))) or asks_for_a_name(question) \
        or asks_about_the_glossary(question)


def _quotes_its_words(question: str, topic_entries: list[Entry]) -> bool:
    """Whether the turn quotes words, and the topic's entry writes every one of them ("what is the 'score' exactly"
    after Score Matching, "What is the 'acquisition function' the docs talk about?" after Bayesian Optimization):
    it asks about those words as the topic uses them."""
    quoted = _QUOTED.findall(question)
    return bool(quoted) and all(any(entry_says(e, q) for e in topic_entries) for q in quoted)


def _names_unknown(question: str, words: GlossaryWords) -> bool:
    """Whether a word inside a sentence of the question is capitalised: a name ("how does MAML work in detail"), not
    the first word of a sentence ("What's the downside? Ongoing cost, extra maintenance?") nor a word said loudly: a
    small one ("why go UP first?") or one in capitals that the glossary writes in lower case, an ordinary word ("why
    would you want the model LESS confident")."""
    capitalised = [t for sentence in split_sentences(question) for t in _WORD.findall(sentence)[1:]
                   if t[0].isupper() and len(t) > 1 and t.lower() not in STOPWORDS]
    return any(not (t.isupper() and t.lower() in words.lowercase) for t in capitalised)


def _from_conversation(decision: Decision, terms: list[str], question: str) -> Decision:
    """The decision answered from ``terms``, with the conversation as its evidence."""
    return Decision("answered", "conversation", terms, coverage=decision.coverage, ask=ask_of(question, 1),
                    outside=decision.outside)


def _described_in(subject: str, outside: tuple[ConceptMention, ...], entry: Entry) -> bool:
    """Whether the X a turn asks about is described in the entry's own words: two or more of them, beyond the names
    of other concepts (one word is a name: "whats adam btw")."""
    concept_stems = {stem for o in outside for stem in o.stems}
    described = set(content_stems(subject, QUERY_WORDS)) - concept_stems
    return len(described) >= 2 and described <= entry_stems(entry)


def _in_words_of(context: tuple[str, ...], retrieval: Retrieval, decision: Decision, entries: dict[str, Entry]) -> bool:
    """Whether a turn that names nothing says only words the conversation's one entry uses."""
    if len(context) != 1 or context[0] not in entries or retrieval.matches or decision.outside:
        return False
    said = set(content_stems(retrieval.question, ASPECT_WORDS | QUERY_WORDS))
    return bool(said) and said <= entry_stems(entries[context[0]])


def about_topic(question: str, resolution: Resolution, retrieval: Retrieval, decision: Decision,
                entries: list[Entry], words: GlossaryWords, is_name_word: Callable[[str], bool]) -> str | None:
    """A short turn (in the sentences that ask) that stood alone, names nothing, and that the glossary could not place
    ("supervised or not?", "fix?", "Is a higher number better or worse? The slide didn't say.", "Could you give a
    concrete example?", "works for speech too?"), or placed only as a marked closest guess when the whole turn is short
    too (``_MAX_CLOSEST_TURN_WORDS``: "Give me an analogy I could use with a non-technical manager." after Feature
    Store, not a guess of Batch Effect; a longer one describes a thing of its own, "One more. The fog forecast we get
    gives a probability ... How would I score whether those probabilities are any good?") asked about the entry the
    conversation was last answered from, or about the latest turn's marked closest guess, which the turn then confirms
    unless the sentences that ask describe another thing in four or more words the entry never uses (not the setting it
    tells beside them: "Is a higher value better or worse? I have seen it reported both ways and it irritates me."): the
    question it stands for, else None. Not when it asks what something is, wherever ("what is dropout?", "Last thing:
    what is hard negative mining?"; unless it quotes words the entry writes: "what is the 'score' exactly" after Score
    Matching), asks whether the glossary covers something ("is there an entry for diffusion models?"), describes
    something in words the entry never uses that name things in this field ("hard negative mining how do i do it",
    "depthwise separable convs?", "double descent?"; not "typical epsilon?" nor "still used today?", whose other words
    name nothing; for a turn that opens with its question, only the words before it could: "How many forward passes do
    people usually run?" after Monte Carlo Dropout), says a thing and asks what it is ("reviewer also mentioned
    'gridding artifacts' — what's that?"), or has a word that is a name the glossary does not define: capitalised inside
    the question, or one the glossary only writes capitalised ("adam?" after Lookahead Optimizer, whose entry says
    Adam). An outside concept the turn names, also one that several entries write and a single question takes for the
    field's context ("SHAP values - in scope?" after Monte Carlo Dropout), counts as nothing only when the entry writes
    it ("why can't you just backprop through an argmax?" after Gumbel-Softmax) or when the turn names it as a setting
    ("built into keras?"). A turn that asks for an aspect by its noun may be longer and say more of its own setting
    ("Any known drawbacks or costs I should flag in the review?", "computational cost? i have like 100k series"); so may
    one that refers back with "it" or "they", or with a demonstrative before a noun ("how do you pick the size of that
    grid?"), whose words before the question proper are the only ones that could describe another thing ("Intuitively,
    how should I picture it?", "has anyone found a cheap way to find them?"; not "hard negative mining how do i do it").
    So may one of up to ``_MAX_ASKING_WORDS`` words that asks in other words, when none of its words names another thing
    of the field ("What is the usual remedy in practice? Is simply retraining on fresh data enough?" after Model Drift;
    not "how do you do the iterative magnitude pruning step exactly, how many rounds" after Lottery Ticket Hypothesis).
    A fragment after "and" that was read as a question of its own stood alone too when it describes or asks rather than
    names ("and the fix?", "and how big should the perturbation be?")."""
    tokens = _WORD.findall(question)
    lowered = {t.lower() for t in tokens if not _abbreviation(t, question)}
    aspect = bool(lowered & ASPECT_NOUNS)  # "any known drawbacks or costs I should flag?"
    refers = bool(lowered & _REFERS) or _points_to_a_thing_said(tokens)
    asking = _asking_part(question)
    asked_words = len(_WORD.findall(asking))
    topic = resolution.context or resolution.guess
    topic_entries = [e for e in entries if e.term in topic]
    topic_words = _entry_words(topic, entries)  # None: the conversation was about no entry
    described = resolution.alone and _describes_or_asks(question, aspect, topic_words)
    if resolution.followup and not described or not topic \
            or asked_words > _MAX_ASKING_WORDS and not (aspect or refers) \
            or retrieval.matches \
            or not all(any(entry_mentions(e, o) for e in topic_entries) for o in _named_beyond_a_setting(
                question, retrieval.outside)) \
            or decision.reason not in ("low_score", "not_in_glossary") \
            and not (decision.reason == "closest" and len(tokens) <= _MAX_CLOSEST_TURN_WORDS) \
            or _asks_of_its_own(question) and not _quotes_its_words(question, topic_entries):
        return None  # "what is dropout?" asks what a thing is; "what's the catch?" asks an aspect
    longer = asked_words > _MAX_UNNAMED_WORDS and not (aspect or refers)
    own_words = _dislocated(tokens) if not longer and (refers or _first_word(question) in ASKING_WORDS) else question
    if topic_words is None or _names_unknown(question, words) \
            or _glossary_names_it(_beyond_a_setting(tokens), words) \
            or not aspect and _describes_another(_field_words(own_words, is_name_word), topic_words) \
            or not resolution.context and _not_the_guess(asking, topic_words) \
            or _says_what_it_asks_about(question, topic_words):
        return None
    return f"{' and '.join(topic)}: {question}"


def _named_beyond_a_setting(question: str, outside: tuple[ConceptMention, ...]) -> list[ConceptMention]:
    """The outside concepts a turn names, less those it names as a setting, after a preposition ("an example in deep
    learning?", "built into keras?"): a setting of the topic, not a thing of its own."""
    tokens = tokenize(question)
    return [o for o in outside if not (o.start and tokens[o.start - 1].raw in _SETTINGS)]


def _describes_or_asks(fragment: str, aspect: bool, topic_words: frozenset[str] | None) -> bool:
    """Whether a fragment read as a question of its own describes or asks rather than names a thing: it opens with a
    small word or a number ("and how big should the perturbation be?", "and 0.6?"), with an article only before an
    aspect's noun or the topic entry's own words ("and the fix?", "and the 'infinitely wide' part?"; not "and the
    straight-through estimator?"). One that opens with a word of its own names a thing ("and SHAP values?")."""
    first = _first_word(fragment)
    if first in ARTICLES:
        return aspect or topic_words is not None and not _describes_another(fragment, topic_words)
    return first in STOPWORDS or fragment[:1].isdigit()


def _asking_part(question: str) -> str:
    """The sentences of the question that ask (end with "?"), else all of it: "how much slower per step?" of "how
    much slower per step? my epoch is already 40 min"."""
    return " ".join(s for s in split_sentences(question) if s.endswith("?")) or question


def _points_to_a_thing_said(tokens: list[str]) -> bool:
    """Whether a demonstrative stands before a noun ("that grid", "this penalty"): a thing said earlier."""
    lowered = [t.lower() for t in tokens]
    return any(word in _DEMONSTRATIVES and following not in _AFTER_PRONOUN and following not in STOPWORDS
               for word, following in zip(lowered, lowered[1:]))


def _field_words(text: str, is_name_word: Callable[[str], bool]) -> str:
    """The text's words that name things in this field (``TermMatcher.is_name_word``): "double descent", not the
    "typical" of "typical epsilon?" nor "still used today?"."""
    return " ".join(w for w in _WORD.findall(text) if is_name_word(w))


def _dislocated(tokens: list[str]) -> str:
    """The words before the question proper ("hard negative mining" in "hard negative mining how do i do it"), and the
    thing an opening "what is" asks about, up to a small word other than an article ("what's the 'hard negative
    mining' thing people mention with it"; "what is lost when ..."), unless it asks for a value ("whats a good
    score?")."""
    lowered = [t.lower() for t in tokens]
    start = next((i for i, t in enumerate(lowered) if t in ASKING_WORDS), len(tokens))
    asking = list(takewhile(lambda w: w in ASKING_WORDS, lowered[start:]))
    after = start + len(asking)
    end = next((i for i in range(after, len(tokens)) if lowered[i] in STOPWORDS and lowered[i] not in ARTICLES),
               len(tokens))
    thing = tokens[after:end] if _asks_what_is(asking) and not asks_for_a_value(" ".join(tokens[after:end])) else []
    return " ".join(tokens[:start] + thing)


def _beyond_a_setting(tokens: list[str]) -> list[str]:
    """The words less those right after a preposition of a setting ("adam" in "plays nice with adam?")."""
    return [t for before, t in zip(["", *tokens], tokens) if before.lower() not in _SETTINGS]


def _glossary_names_it(tokens: list[str], words: GlossaryWords) -> bool:
    """Whether the glossary writes one of these words only capitalised, inside its sentences: a name."""
    wanted = {t.lower() for t in tokens if len(t) > 2}
    return any(word not in words.inside.get(word, {word}) for word in wanted)  # written there, never in lower case


def _resolve(question: str, topics: list[_Topic], retriever: Retriever, long_words: int) -> Resolution:
    if not topics:
        return Resolution(question, False)
    names_asked = asks_for_a_name(question)
    if len(question.split()) >= long_words or names_asked:
        # A long turn carries its own context, and "it" in "what's it called when ..." is the thing it describes;
        # one that admits a slip still turns the last answer down ("Sorry, I actually meant the loss used for ...")
        slip = _SLIP.search(question) or _MEANT.search(question)
        # One long question proper may still refer back ("Which hyperparameters does it introduce, ..., and how
        # sensitive ...?"); a story does not ("I tried it on my own data set ...").
        asks = len(chat_sentences(question)) == 1 and _first_word(question) in ASKING_WORDS
        referred = _referred(question, _names(question, retriever), topics, retriever) \
            if asks and not slip and not names_asked else None
        return referred or Resolution(question, bool(slip), _turned_down(_mentions(question, retriever), topics[0],
                                                                         retriever) if slip else ())
    topic = topics[0]
    named = _names(question, retriever)
    lead = _INTERJECTION.match(question)
    start = lead.end() if lead else 0
    correction = _CORRECTION.match(question[start:])
    corrects = bool(correction.group(0).strip())
    declines = bool(_DECLINED.search(correction.group(0)))
    rest = question[start + correction.end() if corrects else 0:].strip(" ,.")
    meant_later = [] if corrects else list(_MEANT.finditer(question))
    if meant_later:  # "hm wait, I was actually thinking of the one where you keep dropout switched on at inference"
        corrects = declines = True
        rest = question[meant_later[-1].end():].strip(" ,.")
    mentions = _mentions(question, retriever)
    if not corrects and (_SLIP.search(question) or _turns_down(mentions, topic)):
        # "sorry I mixed up names, I wanted the one with if-then rules", "sorry, VAT not VI": the whole turn
        return Resolution(question, True, _turned_down(mentions, topic, retriever))
    meant = _MEANT.search(rest) if corrects else None  # "no sorry I mixed them up, I meant the agreement metric"
    if meant:
        rest = rest[meant.end():].strip(" ,.")
    if corrects and named and rest:  # "no, I meant batch norm"
        return Resolution(rest, True, _turned_down(mentions, topic, retriever))
    other = _OTHER.search(question) or _other_of_its_kind(question, topic)
    if not named and (other or corrects and not rest):  # "no, the other one"
        described = question[other.end():].strip(" ,.;:-—–") if other else ""  # "the other one, with if-then rules"
        if len(content_stems(described, QUERY_WORDS)) >= _ANTECEDENT_WORDS:
            return Resolution(described, True, topic.names)
        return Resolution(topic.question, True, topic.names, restated=True)
    if corrects:  # the rest is the turn: about the topic ("no, I meant how it works"), else, when the answer was
        # turned down ("no, ...", "I meant ..."; not "I mean ..." that goes on), about another entry than it, and so
        # is a thing the rest describes by the topic ("I meant the problem it's fighting")
        turn = _resolve_turn(rest, named, topics, retriever, corrects=True)
        declined = declines and (not turn.followup or _first_word(rest) in ARTICLES)
        return replace(turn, followup=True, exclude=_turned_down(mentions, topic, retriever) if declined else ())
    return _resolve_turn(question, named, topics, retriever)


def _other_of_its_kind(question: str, topic: _Topic) -> re.Match | None:
    """"the other drift" after Model Drift, "the other dropout" after Monte Carlo Dropout: the other entry of the
    topic's kind, said with a word of the topic's name (not "the other day")."""
    names = _name_words(topic.names)
    return next((m for m in _OTHER_OF_A_KIND.finditer(question) if set(content_stems(m["kind"])[:1]) & names), None)


def _mentions(question: str, retriever: Retriever) -> list[tuple[NameMatch, bool]]:
    """The glossary names the turn says, each with whether "not" (or "no") stands right before it ("VAT not VI")."""
    tokens = tokenize(question)
    return [(m, bool(m.start) and tokens[m.start - 1].raw in _NEGATIONS) for m in retriever.matcher.find(question)]


def _turned_down(mentions: list[tuple[NameMatch, bool]], topic: _Topic, retriever: Retriever) -> tuple[str, ...]:
    """The topic's entries a correction turns away from: all but one the turn names again by another name than the
    earlier question did, without "not" right before it ("whats SAM? the segment anything model" then "i meant the
    sharpness-aware minimization one" keeps Sharpness-Aware Minimization; "I meant SOM, not SNN" and "I meant IG as
    in information gain" after "what is IG?" turn the entry down)."""
    earlier = {m.name for m in retriever.matcher.find(topic.question)}
    said = {m.term for m, negated in mentions if m.name not in earlier and not negated}
    return tuple(term for term in topic.names if term not in said)


def says_not_before_its_name(text: str, entries: Iterable[Entry]) -> bool:
    """Whether "not" (or "no") stands right before a word of the entries' names ("the pairs one SimCLR uses, not
    triplet" after Triplet Loss): the turn turns those entries down by a word of their name."""
    names = {stem for e in entries for stem in name_stems(e)}
    tokens = tokenize(text)
    return any(a.raw in _NEGATIONS and b.raw not in STOPWORDS and b.stem in names for a, b in zip(tokens, tokens[1:]))


def _turns_down(mentions: list[tuple[NameMatch, bool]], topic: _Topic) -> bool:
    """Whether the turn says "not" right before a name of the topic's entries ("sorry, VAT not VI", "they wrote
    batch renorm not batch effect"): the last answer was not what the user meant."""
    return any(negated and m.term in topic.names for m, negated in mentions)


def _resolve_turn(question: str, named: list[str], topics: list[_Topic], retriever: Retriever,
                  corrects: bool = False) -> Resolution:
    """A turn that corrects nothing (or what a correction says after "no, I meant"): a reference word, a fragment, or
    a question of its own."""
    if _asks_about_its_own(question, retriever):  # "They also compare against LIME. What's LIME?"
        return Resolution(question, False)
    topic = topics[0]
    fragment = _fragment(question)
    # "face recognition only?", "with Adam also?": a fragment that narrows the topic to what it names (no entry)
    scoped = fragment is not None and _narrows(fragment) and not _ABOUT.match(question) \
        and not retriever.matcher.find(fragment)
    own_subject = fragment is not None and (asks_what_it_is(fragment) if scoped else
                                            bool(named or _subject(fragment) or _describes(fragment)))
    # "what about rehearsal, ... is that a thing?": after "what about X" a reference word stands for X
    referred = None if own_subject and _ABOUT.match(question) else _referred(question, named, topics, retriever)
    if referred is not None:
        return referred
    if _BACK_REFERENCE.search(question):  # "and for the thing you just said about X, why ...?"
        return _on_topic(topic, question)
    compared = _COMPARED_WITH.search(question)  # "is better than ReLU?": the topic is the side left unsaid
    if compared and not retriever.matcher.find(question) and not content_stems(question[:compared.start()],
                                                                                QUERY_WORDS):
        return _on_topic(topic, question)
    if fragment is None:
        if not corrects and _bridges(question, retriever):  # "what does the temperature do?" (Gumbel-Softmax)
            return _on_topic(topic, question)
        return Resolution(question, False)
    if not own_subject:  # "and an example?", "why?"
        return _on_topic(topic, fragment)
    if _first_word(fragment) in _COMPARING:  # "vs log loss?"
        return _on_topic(topic, fragment, joined=" ")
    if named and _only_names(fragment, retriever):  # "ok and EWC?": the earlier question, about EWC
        return Resolution(_ask_again(topic, fragment, retriever.entries) or fragment, True)
    if not named and fragment != question and _part_of(fragment, topic, retriever):  # "and CLIP?" (not "adam?")
        return _on_topic(topic, fragment)
    alone = fragment != question  # "and what is EWC?", "and focal loss?": a question of its own
    return Resolution(fragment, alone, alone=alone)


def _on_topic(topic: _Topic, text: str, joined: str = ": ") -> Resolution:
    """The turn asked about the topic: its entries' names, then the turn ("Gumbel-Softmax: and the temperature?",
    "Brier Score vs log loss?")."""
    return Resolution(f"{' and '.join(topic.names)}{joined}{text}", True, tentative=topic.tentative)


def _part_of(fragment: str, topic: _Topic, retriever: Retriever) -> bool:
    """Whether a fragment that goes on from the conversation ("and CLIP?" after Contrastive Loss) says only a thing
    the topic's entry itself writes, in order: a part or an example of the topic, not a new one. Not when it asks
    what the thing is ("and what is CLIP?"); a bare "adam?" (after Lookahead Optimizer) asks that too."""
    subject = definitional_subject(fragment)  # of the whole fragment, not of its first clause only
    if subject is None or not _names_a_thing(subject) or asks_what_it_is(fragment):
        return False
    return any(entry_says(e, subject) for e in retriever.entries if e.term in topic.names)


def _bridges(question: str, retriever: Retriever) -> bool:
    """Whether a short turn that names nothing of its own speaks of "the X" ("what does the temperature do?" after
    Gumbel-Softmax, "how do I choose the baseline input?" after Integrated Gradients): the topic's X, which the turn
    asks about. Not when it asks what a thing is or whether the glossary has it, names an entry (a name or one of
    its distinctive words), or names a thing of its own elsewhere: an outside concept or a capitalised word ("how
    does UMAP work under the hood?", "is ComBat the standard way to correct it?")."""
    if len(question.split()) > _MAX_UNNAMED_WORDS or asks_what_it_is(question) or asks_about_the_glossary(question):
        return False
    definites = [m for m in _DEFINITE.finditer(question) if len(first := m.group("x").split()[0]) >= _MIN_PART_CHARS
                 and first.lower() not in STOPWORDS and first.lower() not in _ORDINALS]  # "the first layer": no part
    if not definites or retriever.matcher.find(question):
        return False
    outside = retriever.concepts.find(question)
    parts = retriever.name_parts
    if parts.find(question, outside) or parts.kind_only(question) or parts.own_words(question, outside):
        return False
    spans = [(len(tokenize(question[:m.start("x")])), len(tokenize(question[:m.end("x")]))) for m in definites]
    said = " ".join(m.group("x") for m in definites)
    capitalised = [w for sentence in split_sentences(question) for w in _WORD.findall(sentence)[1:]
                   if len(w) > 1 and not w.islower() and w not in said]  # "how does UMAP work under the hood?"
    return not capitalised and all(any(start <= o.start and o.end <= end for start, end in spans) for o in outside)


def _referred(question: str, named: list[str], topics: list[_Topic], retriever: Retriever) -> Resolution | None:
    """The turn with its reference word replaced by the topic it stands for, or None. A reference word never stands
    for a name the turn itself says ("is that basically label smoothing?" after a turn about label smoothing): it
    refers to the latest topic the turn does not name."""
    referents = [t for t in topics if not set(t.names) & set(named)]
    if not referents:
        return None
    own = _entry_words(referents[0].names, retriever.entries) or _name_words(referents[0].names)
    if _says_what_it_asks_about(question, own):  # "and a model registry, what's that for?"
        return None
    earlier = [n for t in referents for n in t.names]  # "they" may be the topics of the last two turns
    referred = _refer(question, referents[0].names,
                      lambda: _in_order_of_mention(referents[0].names, referents[0].question, retriever),
                      tuple(dict.fromkeys(earlier))[:2],
                      lambda before: bool(_names(before, retriever) or _earlier_subject(before)
                                          or _describes_another(before, own) or _DESCRIBING.search(before)))
    if referred is None:
        return None
    guess = referents[0].tentative
    return Resolution(referred, True, tentative=guess, confirms=bool(guess) and _placed_on(question, guess, retriever))


def _placed_on(question: str, terms: tuple[str, ...], retriever: Retriever) -> bool:
    """Whether the turn's own words place it on one of these entries, or as near as on the best one
    (``_NEAR_TIE``): "why ramp it up to a high lr in the middle?" goes on with One Cycle Policy, which the
    conversation only guessed; "is it slow on long series?" does not go on with a guess of Wasserstein Distance."""
    scores = {h.term: h.fused for h in retriever.retrieve(question).hits}
    return any(scores.get(term, 0.0) >= _NEAR_TIE * max(scores.values()) for term in terms)


def _topics(history: list[Turn], retriever: Retriever) -> list[_Topic]:
    """What the turns that were about something were about, latest first."""
    topics = []
    for turn in reversed(history):
        asked = turn.resolved_question or turn.question
        cited = [m.term for m in map(retriever.matcher.match_phrase, turn.citations) if m is not None]
        # A refused turn was not about the glossary names it mentions ("what is Fleiss' kappa?"): its topic is
        # the outside concept or the subject it asked about.
        named = _names(asked, retriever) if turn.outcome != "refused" else _outside_names(asked, retriever)
        names = list(dict.fromkeys(cited)) or named or list(filter(None, [_subject(asked)]))
        if names:
            topics.append(_Topic(tuple(names[:2]), asked, tuple(names[:2]) if turn.outcome == "closest" else ()))
    return topics


def _in_order_of_mention(terms: tuple[str, ...], asked: str, retriever: Retriever) -> tuple[str, ...]:
    """A turn's entries in the order the conversation brought them up: an entry the turn's question does not name
    came from earlier turns, then the named ones in the order the question names them. "is it basically the same as
    Lookahead?" after Sharpness-Aware Minimization is about SAM, then Lookahead: "the latter", "that one" is
    Lookahead."""
    first: dict[str, int] = {}
    for match in retriever.matcher.find(asked):
        first.setdefault(match.term, match.start)
    return tuple(sorted(terms, key=lambda term: first.get(term, -1)))


def _names(text: str, retriever: Retriever) -> list[str]:
    """The glossary terms a text names, else the outside concepts it names."""
    terms = list(dict.fromkeys(m.term for m in retriever.matcher.find(text) if not m.ambiguous))
    return terms or _outside_names(text, retriever)


def _outside_names(text: str, retriever: Retriever) -> list[str]:
    return list(dict.fromkeys(o.name for o in retriever.concepts.find(text)))


def _refer(question: str, topic: tuple[str, ...], in_order: Callable[[], tuple[str, ...]], plural: tuple[str, ...],
           names_in: Callable[[str], bool]) -> str | None:
    """The question with its first reference word replaced by the topic (``in_order``: its entries in the order the
    conversation brought them up, read only for "the first", "the latter", "that one"; ``plural``: what "they" stands
    for), when that word comes before any name in the question: after a name it stands for that name ("what is mixup
    and why does it help?")."""
    tokens = list(_WORD.finditer(question))
    lowered = [t.group(0).lower().replace("’", "'") for t in tokens]
    for i, (token, word) in enumerate(zip(tokens, lowered)):
        end = token.end()
        if word in _PAIR:  # "which of the two", "between the 2"; not "the two speeds", which the turn names
            following = lowered[i + 1] if i + 1 < len(tokens) else None
            if not (i and lowered[i - 1] in ("the", "those", "these") and len(plural) == 2) \
                    or following is not None and following not in _AFTER_PRONOUN:
                continue
            start, name = tokens[i - 1].start(), " and ".join(plural)
        elif word in _ORDINALS and i and lowered[i - 1] in ("the", "that", "this"):
            following = lowered[i + 1] if i + 1 < len(tokens) else None
            if word in ("first", "second") and (len(topic) < 2 or following not in (None, "one")):
                continue  # "the first layer": no reference
            start = tokens[i - 1].start()
            if following == "one":
                end = tokens[i + 1].end()
            name = in_order()[_ORDINALS[word]] if len(topic) > 1 else topic[0]
        elif word in _PRONOUNS and not _abbreviation(token.group(0), question):
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
            if word == "they" and states(_sentence_of(question, i)):
                continue  # "They also mentioned exporting to ONNX.": people the turn reports on, not the topic
            if word in _POSSESSIVE and following == "own":
                continue  # "what's an RBM on its own?": "its own" is the clause's own subject's, not the topic's
            if word in ("it", "it's", "its") and (word != "it" or following in ("was", "is")) \
                    and _MEANT_ONE.match(question, token.end()):
                continue  # "it was the one behind CLIP", "its the one where ...": says what was meant, not the topic
            # "that one" after two entries were weighed: the one brought up last
            latest = word == "that" and following == "one" and len(topic) > 1
            name = " and ".join(plural) if word in _PLURAL else in_order()[-1] if latest else topic[0]
            if word in _POSSESSIVE or word == "it's" and _possessive_its(lowered, i):
                name += "'s"
            elif word == "it's":
                name += " is"
        else:
            continue
        # "its" may stand for a thing of its own clause ("test a new model without users seeing its outputs")
        antecedents = question[:start] if word in _POSSESSIVE else _antecedent_span(question, start)
        if word not in _ORDINALS and names_in(antecedents):  # "the second one" always points to a topic
            return None
        return question[:start] + name + question[end:]
    return None


def _abbreviation(word: str, question: str) -> bool:
    """A short word in capitals in a turn written in lower case too is an abbreviation, not a reference word: "IT" in
    "someone in IT mentioned matthews correlation" is a department (blind written, test99, test70)."""
    return len(word) <= _MAX_ABBREVIATED_REFERENCE and word.isupper() and not question.isupper()


def _antecedent_span(question: str, start: int) -> str:
    """The part of the question before a reference word at ``start`` that may hold what the word stands for: all
    of it, less the words of the word's own clause when that clause asks (it opens with a question word) and someone
    else is its subject: the reference word itself ("what baseline does it use") or a person ("what temperature
    should we use for it?", "how do I choose the baseline for that?"). Things said there are what the clause asks
    about the referent, not the referent ("what max LR should I pick for it": the LR is the referent's); a thing the
    clause asks about as its subject ("does quantization help with that?") or said before the clause ("what is mixup,
    and why does it help?") may be."""
    clause = max((m.end() for m in _CLAUSE_BOUNDARY.finditer(question, 0, start)), default=0)
    said = [w.lower() for w in _WORD.findall(question[clause:start])]
    asking = list(takewhile(lambda w: w in ASKING_WORDS, said))
    if not asking or len(asking) == len(said):
        return question[:start]
    subject_is_referent = said[-1] in _AUXILIARIES
    # the subject follows the asking words, or the thing they ask for and its auxiliary ("what max LR should I")
    rest = said[len(asking):]
    subject_is_person = rest[0] in _PEOPLE or any(
        word in _AUXILIARIES and following in _PEOPLE for word, following in zip(rest, rest[1:]))
    # "what's a reasonable target number for it?", "what counts as a good score on that?": a value or an aspect of
    # the referent, said after a preposition
    asks_for_its_part = said[-1] in _PREPOSITIONS and (
        _asks_what_is(asking) and not _names_a_thing(" ".join(rest[:-1])) or says_a_value(" ".join(rest)))
    return question[:clause] if subject_is_referent or subject_is_person or asks_for_its_part else question[:start]


def _asks_what_is(asking: list[str]) -> bool:
    """Whether the asking words of a clause are "what is" (or "what's", "whats", "what are")."""
    return asking[:1] in (["what's"], ["whats"]) or asking[:2] in (["what", "is"], ["what", "are"])


def _sentence_of(question: str, i: int) -> str:
    """The sentence (``chat_sentences``) that holds the question's ``i``-th word."""
    for sentence in chat_sentences(question):
        i -= len(_WORD.findall(sentence))
        if i < 0:
            return sentence
    return question


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
    opener = words[0].lower() in _OPENERS | _COMPARING  # "vs just grid search"
    aspect = len(words) <= _MAX_ASPECT_FRAGMENT_WORDS and ends_with_aspect(question)  # "self driving car example?"
    if not (about or opener or aspect or _narrows(question) or len(words) <= _MAX_FRAGMENT_WORDS):
        return None
    rest = question[about.end():] if about else question
    while (first := _WORD.match(rest.lstrip(" ,"))) and first.group(0).lower() in _OPENERS:
        rest = rest.lstrip(" ,")[first.end():]
    rest = rest.strip(" ,")
    return rest or None


def _narrows(text: str) -> bool:
    """Whether the text is a short one that narrows a topic to a setting: it opens with a preposition ("in GANs?",
    "for speech?"), or with an aspect in a setting ("example in deep learning?"), or has a focus word ("images
    only?", "batch size 2 tho?", "labels too or only the images?", "text models as well?")."""
    words = [w.lower() for w in _WORD.findall(text)]
    return 0 < len(words) <= _MAX_SCOPE_FRAGMENT_WORDS and \
        (words[0] in _PREPOSITIONS or bool(_FOCUS.intersection(words)) or words[-2:] == ["as", "well"]
         or words[0] in ASPECT_WORDS and len(words) > 1 and words[1] in _PREPOSITIONS)


def _asks_about_its_own(question: str, retriever: Retriever) -> bool:
    """Whether the turn's last sentence asks what a thing is that the turn itself brings up: it names it ("They
    also add a gradient penalty. What exactly is a gradient penalty?", "their baseline uses FGSM adversarial
    training. what's FGSM exactly"), or an earlier sentence names an outside concept ("Is this related to the
    NNGP? What is that?")."""
    sentences = chat_sentences(question)
    if len(sentences) < 2:
        return _asks_what_it_said(question)
    if not asks_what_it_is(sentences[-1]):
        return False
    if asks_what_that_is(sentences[-1]):
        return bool(_outside_names(" ".join(sentences[:-1]), retriever))
    subject = _subject(sentences[-1]) or ""  # not "the idea behind that": a subject that refers back
    return bool(subject) and not _PRONOUNS.intersection(w.lower() for w in _WORD.findall(subject))


def _asks_what_it_said(question: str) -> bool:
    """Whether the question's last clause asks what a thing is that a clause before it says ("they decode with
    beam search, what is beam search?"); not a thing it brings up only there ("and for images, what is the usual
    alpha?")."""
    *before, last = _CLAUSE.split(question)
    subject = _subject(last) if before and asks_what_it_is(last) else None
    said = set(content_stems(" ".join(before)))
    return subject is not None and set(content_stems(subject)) <= said


def _earlier_subject(before: str) -> bool:
    """Whether a whole sentence before the reference word asks about a subject of its own ("What are
    augmentations? Why do we need them?"), or a clause closed before it asks in so many words what a thing is
    ("what's a siamese network then, is it tied to that loss?", "what is GradCAM then, it shows up ...")."""
    sentences = split_sentences(before)
    if any(_introduces(sentence) for sentence in sentences[:-1] if sentence.rstrip().endswith(("?", ".", "!"))):
        return True
    return any(asks_what_it_is(clause) and _introduces(clause) for clause in _CLOSED_CLAUSE.findall(before))


def _introduces(text: str) -> bool:
    """Whether a sentence or clause asks about a thing it brings up ("what's a siamese network then,"): not one it
    ties to the topic with "the" ("What's the catch?": the topic's catch)."""
    subject = _subject(text)
    return subject is not None and not re.search(rf"\bthe\s+{re.escape(subject)}", text, re.IGNORECASE)


def _entry_words(terms: tuple[str, ...], entries: list[Entry]) -> frozenset[str] | None:
    """The word stems of the topic's entries, or None when the topic is no glossary entry."""
    topic = [e for e in entries if e.term in terms]
    return frozenset().union(*map(entry_stems, topic)) if topic else None


def _name_words(names: tuple[str, ...]) -> frozenset[str]:
    """The word stems of a topic that is no glossary entry (an outside concept, a subject)."""
    return frozenset(content_stems(" ".join(names)))


def _not_the_guess(text: str, guessed_words: frozenset[str]) -> bool:
    """Whether a turn on a marked closest guess describes something else, in ``_WORDS_OF_ANOTHER_THING`` or more
    words the guessed entry never uses: then it does not confirm the guess."""
    return _describes_another(text, guessed_words, _WORDS_OF_ANOTHER_THING)


def _describes_another(text: str, topic_words: frozenset[str], at_least: int = _ANTECEDENT_WORDS) -> bool:
    """Whether the text describes a thing of its own, in ``at_least`` words the topic never uses: before a
    reference word, what the word stands for ("hard negative mining how do i do it", "dynamic batching on the
    server, does that help"), so the question names its own antecedent. Words that place a value on a scale describe
    none ("is a big number good or bad for that", "high good or low good")."""
    return len(set(content_stems(text, _DESCRIBES_NOTHING)) - topic_words) >= at_least


def _says_what_it_asks_about(question: str, topic_words: frozenset[str]) -> bool:
    """Whether the turn says a thing of its own, in a word or more the topic's entry never uses, and closes asking
    what that is ("and a model registry, what's that for?" after Feature Store, "IT also keeps saying 'canary
    release'. what's that?"): the reference word stands for that thing, not the topic."""
    return _describes_another(said_before_what_that_is(question) or "", topic_words, at_least=1)


def _subject(text: str) -> str | None:
    """The X of "what is X?" or of a first clause "X, ..." when X is a subject ("dropout", "rehearsal, like
    ..."), not an aspect of one ("an example", "any drawbacks") nor a context ("for images"), even where the
    glossary and the vocabulary do not know it."""
    subject = definitional_subject(text) or definitional_subject(re.split(r"[,;:?!]", text)[0])
    return subject if subject and _names_a_thing(subject) else None


def _names_a_thing(subject: str) -> bool:
    """Whether the X asked about is a thing, not an aspect of one ("an example", "any drawbacks") nor a value of one
    ("a good score", "the usual remedy")."""
    return bool(content_stems(subject, ASPECT_WORDS)) and not ends_with_aspect(subject) \
        and not asks_for_a_value(subject)


def _describes(fragment: str) -> bool:
    """"networks that respect rotations?": content words beyond those of an aspect describe a thing of their own;
    "for images?", "in simple words?" (led by a preposition) are a context for the topic instead, and so are words
    before the aspect that ends the fragment ("famous example?", "self driving car example?")."""
    return _first_word(fragment) not in _PREPOSITIONS and not ends_with_aspect(fragment) \
        and bool(content_stems(fragment, ASPECT_WORDS | QUERY_WORDS))


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
