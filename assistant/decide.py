"""Does the glossary cover the question? Decided before any generation, from names, question form and scores.

    >>> question, entries = "What is dropout?", {e.term: e for e in glossary.entries}
    >>> retrieval = assistant.retriever.retrieve(question)
    >>> decision = decide(question, retrieval, assistant.retriever.matcher, entries, assistant.config.thresholds)
    >>> decision.outcome, decision.reason, decision.subject
    ('refused', 'not_in_glossary', 'dropout')

The decision reads what the question *mentions* (``assistant/mentions.py``): glossary names and outside
concepts, wherever they stand. In order:

1. prompt injection -> refuse;
2. a glossary name -> answer from it (several: a comparison); outside concepts it is compared with are
   named in the answer as not defined by the glossary;
3. an outside name built on a glossary name ("denoising score matching"), or an X of "what is X?" that
   extends a glossary name with a word naming things in the field that its entry never uses ("sampling
   distribution" for sample), or with a word of the language the glossary never writes ("what are Kubernetes
   admission controllers?") -> that entry as the closest one, marked as such, when the question's content
   agrees; else refuse. The X of "X in Y" that names nothing ("elasticity in cloud computing"), or of a first
   clause "what is X" beside another ask ("What is XDP and how is it used ... in Kubernetes?"), is what the
   question asks about, not Y;
4. "what is X" whose X is no glossary name -> refuse, however close its neighbours score, unless X is the best
   entry's name shortened to its own words ("sidecars" for Sidecar Container); asking whether the glossary
   covers X ("is MCMC covered?", "do you have an entry for SHAP values?") asks what X is;
5. a short question about an outside concept that the best entry does not even mention -> refuse
   ("weight decay" is not Elastic Weight Consolidation). In a long question (an issue body, a story), one
   that asks *for* a technique ("which loss should I use ...") or a sentence that states beside one that asks
   ("GAN training with a BatchNorm discriminator is unstable. What keeps ...?") named concepts are context: go on;
6. descriptive questions: answered when the fused score and the share of the question's content words
   the top entry covers are high enough, the closest entry (clearly marked) when middling, refused
   below; short and long questions have their own thresholds, since long ones score higher. A question
   about the *kind* of thing the top entry is ("dropout" for Monte Carlo Dropout, "layer norm" for Spectral
   Normalization: ``NameParts.kind_only``), that opens with an outside concept the entry only mentions, or
   that names a sibling of the entry (an outside concept the entry mentions that shares a word with its
   names: "batch normalization" for Batch Renormalization, unless it asks for a fix: the sibling is then the
   trouble) gets that entry as the closest one at best; a kind word beside a description the entry clearly leads on
   picks out that entry ("the augmentation where you blend two images and their labels"). A description that asks
   its name, or a message that is a thing described by a clause ("the one where u run a new model quietly next to
   the old one"), is answered from the entry one of whose sentences says it, clearly closer than any other entry's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import takewhile
from typing import Literal

from assistant.asks import (ASPECT_NOUNS, ASPECT_WORDS, Ask, ask_of, asks_for_a_described_kind, asks_for_kind,
                            ends_with_aspect, is_comparison, tells_a_story)
from assistant.concepts import ConceptMention
from assistant.corpus import Entry
from assistant.guard import has_words, looks_like_injection
from assistant.match import NameMatch, TermMatcher, tokenize
from assistant.mentions import (Mentions, entry_mentions, entry_stems, foreign_modifier, mentions, names_built_on,
                                subject_concept)
from assistant.retrieve import Hit, Retrieval
from assistant.schema import Outcome
from assistant.text import QUERY_WORDS, STOPWORDS, content_stems, split_sentences, stem, words

Reason = Literal["named", "definition", "name_part", "descriptive", "lead", "closest", "relative", "injection",
                 "not_in_glossary", "low_score", "no_words", "conversation"]

_ARTICLE = r"(?:an?\s+|the\s+)?"
_COVERAGE_TAIL = (r"\s+(?:(?:covered|defined|explained|described|included|listed)(?:\s+(?:here|in\s+(?:the|this|your)"
                  r"\s+glossary))?|in\s+(?:here|there|the\s+glossary|this\s+glossary|your\s+glossary))"
                  r"(?:\s+(?:too|as\s+well|also|at\s+all))?")
# Words that speak of the glossary as a collection of entries, wherever they stand in a question.
_GLOSSARY_ASK = re.compile(r"\b(?:glossary|entry|entries|defined|covered|covers|listed|anywhere|"
                           r"in\s+(?:here|there|the\s+list|your\s+list)|anything\s+on)\b", re.IGNORECASE)
# A sentence that starts lowercase ("... no? what is a RBM", "... data leakage. what is data leakage?").
_LOWERCASE_SENTENCE = re.compile(r"(?<=[?!])\s+|(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<=\.)\s+(?=[a-z])")
_WHAT_IS_IT = r"what(?:'s|’s|s|\s+is|\s+are)\s+(?:that|this|it|those|these)(?:\s+exactly)?"
_WHAT_IS_THAT = re.compile(rf"^\W*{_WHAT_IS_IT}\W*$", re.IGNORECASE)
_SAYS_WHAT_IS_THAT = re.compile(rf"\b{_WHAT_IS_IT}\b", re.IGNORECASE)  # anywhere: "What is that and why ...?"
# "and KL divergence, what's that?", "they also said 'learning rate warmup', what's that", "and a model registry,
# what's that for?": a closing question what the thing said right before it is.
_CLOSING_WHAT_IS_THAT = re.compile(rf"(?:^|(?<=[,;:.!?\-–—]))\W*{_WHAT_IS_IT}(?:\s+(?:one|for|about))*\W*$",
                                   re.IGNORECASE)
# Chat words a message may open with before what it asks ("ok so what's X", "now normalizing flows", "honestly what
# is X": an adverb in -ly).
_CHAT_WORDS = r"(?:(?:so|ok|okay|hey|hi|and|but|wait|hm+|oh|btw|also|now|[a-z]+ly)\b[\s,]*)*"
_CHAT_OPENING = re.compile(rf"^{_CHAT_WORDS}", re.IGNORECASE)
# a message that is a thing described by a clause: "the one where you blend two images", "the schedule that ..."
_DESCRIBED_THING = re.compile(rf"^{_CHAT_WORDS}(?:the|that)\s+(?:[\w'-]+\s+){{1,3}}?(?:where|that|which|whereby)\b",
                              re.IGNORECASE)
_DEFINITIONAL = [re.compile(p, re.IGNORECASE) for p in (
    # X said first, then whether the glossary covers it: "propensity score matching, is that in there?"
    rf"^(?:and\s+|(?:what|how)\s+about\s+)?{_ARTICLE}(?P<x>[^,;:]+?)\s*(?:[,;:]|\s[-–—])\s*(?:is|are)\s+"
    rf"(?:that|it|this|they|those|these){_COVERAGE_TAIL}$",
    rf"^{_CHAT_WORDS}(?:what|who)(?:\s+(?:exactly|even|actually))?"
    rf"(?:'s|s|\s+is|\s+are|\s+was|\s+were)\s+{_ARTICLE}(?P<x>.+)$",
    rf"^(?:can|could|would)\s+you\s+(?:please\s+)?(?:explain|define|describe|clarify)\s+(?:what\s+)?{_ARTICLE}(?P<x>.+?)"
    r"(?:\s+(?:is|are|means?))?$",
    # an indirect question: "remind me what KL divergence is, then"
    rf"^{_CHAT_WORDS}(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:remind|tell)\s+me\s+what\s+{_ARTICLE}(?P<x>.+?)"
    r"\s+(?:is|are|means?)(?:,?\s+(?:then|again|exactly|tho|though|lol))*$",
    rf"^(?:please\s+)?(?:explain|define|describe|eli5|clarify|tell me about|what about|info on|meaning of|definition of)"
    rf"[\s:]+{_ARTICLE}(?P<x>.+)$",
    rf"^what\s+(?:does|do)\s+{_ARTICLE}(?P<x>.+?)\s+(?:mean|stand for|refer to)(?:\s+(?:in|for)\s+.+)?$",
    # the question word after X, as learners of English often ask: "MAML is what?", "and KL divergence, what it is?"
    rf"^(?:and\s+)?{_ARTICLE}(?P<x>.+?)\s+(?:is|are)\s+what(?:\s+exactly)?$",
    rf"^(?:and\s+)?{_ARTICLE}(?P<x>.+?),?\s+what\s+(?:it|they)\s+(?:is|are|means?)(?:\s+exactly)?$",
    rf"^how\s+(?:does|do)\s+{_ARTICLE}(?P<x>.+?)\s+work$",
    rf"^how\s+(?:is|are)\s+{_ARTICLE}(?P<x>.+?)\s+(?:calculated|computed|defined|measured)$",
    rf"^what\s+(?:causes|is the cause of|are the causes of)\s+{_ARTICLE}(?P<x>.+)$",
    rf"^(?:what\s+is\s+)?(?:the\s+|an?\s+)?(?:(?:quick|short|brief|simple)\s+)?(?:meaning|definition|def)\s+of\s+"
    rf"{_ARTICLE}(?P<x>.+)$",
    # Whether the glossary covers X asks what X is: "does the glossary have X?", "is X in here?", "X covered?"
    rf"^(?:does|do)\s+(?:the\s+|this\s+|your\s+)?(?:glossary|you)\s+(?:have|define|cover|include|describe|explain)"
    rf"\s+(?:(?:an?\s+)?entry\s+(?:on|for|about)\s+)?{_ARTICLE}(?P<x>.+?)(?:{_COVERAGE_TAIL})?$",
    rf"^(?:is|are)\s+{_ARTICLE}(?P<x>.+?){_COVERAGE_TAIL}$",
    rf"^{_ARTICLE}(?P<x>.+?){_COVERAGE_TAIL}$",
)]
_CONTEXT_TAIL = re.compile(r"\s*(?:\([^)]*\)|\b(?:in|for|within)\s+(?:machine learning|ml|deep learning|ai|statistics|"
                           r"data science|neural networks?|general|simple terms|plain english|simple words|short)|"
                           r"\b(?:exactly|again|briefly|for me|please|actually|mean|used for|then|tho|though|lol|"
                           r"anyway|itself|themselves|(?:on|by|in) (?:its|their) own|by itself|in itself|per se)|"
                           r"(?<=\S\s)\w+ly\s+(?:mean|used for))\s*$",  # "normally used for", not "anomaly used for"
                           re.IGNORECASE)
# What may follow a name inside X without changing what X is: "VAT regularization", "SAM in optimization".
_QUALIFIER = re.compile(r"^(?:(?:in|for|on|within|with|from|regarding|as)\b.*|(?:(?:activation|regulari[sz]ation|"
                        r"explained|meaning|functions?|methods?|techniques?|algorithms?|approach|trick|concept|idea|models?|"
                        r"metric|statistic|framework|theory|phenomenon|term|learning|rate|policy|schedule|optimi[sz]er|"
                        r"layers?|networks?|nets?|lr|regime)\b\s*)+)$", re.IGNORECASE)
# Asking what a described thing is called: "what's it called", "what is the training objective called", "what do they
# call that number", "a name for", "term for that?", "whats the technical term" (not "another name for X": an alias).
_REVERSE = re.compile(r"\b(?:what(?:'s|s| is| are)\s+(?:this|that|it|these|they|those)\b.{0,40}\bcalled|"
                      r"what\s+(?:do|does|did|would|should)\s+(?:[\w']+\s+){1,3}?call|"
                      r"(?<!another )(?:name|term|word)\s+for|(?:the|a) (?:\w+ )?(?:name|term|word) of|"
                      r"(?:is|are) (?:this|that|it|these|they) called|(?:this|that|it|these|they) (?:is|are) called|"
                      r"what(?:'s|s| is| are| was| were)\s[^?.!,;]{1,60}\bcalled|"
                      r"what(?:'s|s| is)\s+the\s+(?:[\w-]+\s+)?(?:name|term)"
                      r"(?=\s*(?:again|tho|though|pls|please)?\s*(?:[?!.]|$))|"
                      # whether the thing described is a recognised one: "is that a named technique?", "is that a thing"
                      r"(?:is|are)\s+(?:this|that|it|these|those|there)\s+(?:such\s+)?an?\s+(?:(?:real|known|named|"
                      r"actual|proper|recogni[sz]ed|established|legit|standard|official)\s+)?(?:thing|technique|"
                      r"method|term|concept|idea|approach|phenomenon|effect)(?=\s*(?:[?!.,]|$|or|in|for|with|as))|"
                      r"(?:its|their)\s+own\s+name)\b", re.IGNORECASE)
# words that make a phrase no name, unless joined into one by hyphens ("difference-in-differences")
_NOT_A_NAME = re.compile(r"(?<![\w-])(it|this|they|these|those|that|which|who|whom|whose|where|when|if|used|called|"
                         r"named|for|to|between|vs|versus|difference|name|term|word|technique|method|approach|way|"
                         r"thing|loss that|kind of|type of)(?![\w-])", re.IGNORECASE)
_MAX_NAME_WORDS = 6
_LAST_WHAT = re.compile(r"[,;]\s*(?=what(?:'s|s)?\b)", re.IGNORECASE)  # "vs a canary release, what's a canary"
_MAX_POINTED_WORDS = 10  # words before a closing "what's that?" that name what it asks about, not describe it
# a sentence that opens with one of these asks ("what ...", "does ...", "would ...", "whats ...")
ASKING_WORDS = frozenset("what how why when where which who is are was were do does did can could should would will "
                         "has have what's whats how's hows".split())
# "..., and why does it help?", "... and should I use it for ...": a second question joined to the first one.
_SECOND_ASK = re.compile(rf",?\s+and\s+(?=(?:{'|'.join(sorted(ASKING_WORDS))})\b)", re.IGNORECASE)
_SENTENCE_MARK = re.compile(r"[.?!:]\s")  # a sentence or clause ends: "fine. mixup", "next: disentangled"
_MIN_DESCRIPTION_WORDS = 5  # content words a question needs to describe an entry ("is higher better or lower?": 3)


@dataclass(frozen=True)
class Thresholds:
    answer_score: float  # fused score below which a short question is refused; a long one needs it to be answered
    long_words: int  # questions of at least this many words are "long" (outside-worded descriptions)
    long_min_coverage: float  # share of a long question's content words the top entry must contain to answer
    closest_score: float  # fused score below which a long question is refused rather than given the closest entry
    short_answer_score: float  # fused score from which a short descriptive question is answered ...
    short_min_coverage: float  # ... when the top entry also holds this share of its content words
    lead: float  # fused-score lead over every other entry from which a middling description is answered
    name_lead: float  # the same lead for a description that asks its name
    close_meaning: float  # cosine to one entry from which a middling description is answered ...
    meaning_lead: float  # ... when it leads every other by this much (in sentence cosine for sentence_meaning)
    sentence_meaning: float  # cosine of one entry sentence from which a description asking its name is answered


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    reason: Reason
    terms: list[str] = field(default_factory=list)  # entries to answer from (answer / closest)
    subject: str | None = None  # the X of a definitional question, or the outside concept asked about
    coverage: float = 0.0
    ask: Ask = "definition"
    undefined: list[str] = field(default_factory=list)  # outside concepts asked about beside the entries
    outside: tuple[ConceptMention, ...] = ()  # every outside concept the question names (not the domain's context)


_ASPECT_OF = frozenset("purpose point concept notion advantage advantages".split())  # beside ``ASPECT_NOUNS``
# "an example of X", "the main drawbacks of X", "the intuition behind X": an aspect of X asked about
_ASPECT = re.compile(r"^(?:(?:(?:an?|some)\s+)?examples?(?:\s+of)?|(?:(?:the|some|any|an?)\s+)?(?:(?:main|key|primary|"
                     r"basic|core|general|underlying|overall|fundamental|central|actual|real)\s+)?"
                     rf"(?:{'|'.join(sorted(ASPECT_NOUNS | _ASPECT_OF))})\s+(?:behind|of|for))\s+(?:an?\s+|the\s+)?",
                     re.IGNORECASE)


def definitional_subject(question: str) -> str | None:
    """The X of "what is X?" / "explain X" / "X?" in the question's first sentence that has one, or None
    for descriptive questions. Asides in parentheses are ignored, and so is an aspect asked about
    ("an example of X")."""
    return _definitional_subject(question)[0]


def _definitional_subject(question: str) -> tuple[str | None, bool, bool]:
    """The subject, whether the whole question (rather than its first sentence alone) is "what is X?", and whether
    it asks in so many words what X is (not a bare "X?")."""
    sentences = split_sentences(re.sub(r"\s*\([^)]*\)", "", question))
    first, rest = (re.split(r"(?<=[?!])\s+", " ".join(sentences), maxsplit=1) + [""])[:2]
    # "what's X? the entry mentions it": a first question "what is X?" that what follows only comments on
    stated = [first] if _definitional_match(first.rstrip("?!. ")) and "?" not in rest else []
    first_ask = _SECOND_ASK.split(sentences[0])[0] if sentences else ""  # "What is X and why is it important?"
    for i, text in enumerate(dict.fromkeys([" ".join(sentences), *sentences[:1], *stated, first_ask])):
        bare = i == 0 or text.rstrip().endswith("?")  # "mixup?", not a sentence that states ("Radiologist here.")
        subject, framed = _sentence_subject(text.strip().rstrip("?!. ").strip(), bare)
        if subject is not None:
            return subject, i == 0, framed
    return None, False, False


def _sentence_subject(q: str, bare: bool) -> tuple[str | None, bool]:
    m = _definitional_match(q)
    if m:
        return _clean_subject(m.group("x")), True
    if bare:
        q = _CHAT_OPENING.sub("", q)
    if bare and len(q.split()) <= 4 and not _NOT_A_NAME.search(q):  # a bare term, e.g. "mixup?"
        name, colon, aspect = q.partition(":")  # "Dilated Convolution: famous example?": an aspect of a name
        return _clean_subject(name if colon and name.strip() and ends_with_aspect(aspect) else q), False
    return None, False


def _definitional_match(q: str) -> re.Match | None:
    """The sentence asks in so many words what something is: "what is X", "explain X", "is X covered?"."""
    return next((m for m in (p.match(q) for p in _DEFINITIONAL) if m), None)


def _clean_subject(x: str) -> str | None:
    x = _ASPECT.sub("", x)
    prev = None
    while prev != x:
        prev = x
        x = _CONTEXT_TAIL.sub("", x).strip(" ,.'\"")
    if not x or len(x.split()) > _MAX_NAME_WORDS or "," in x or _NOT_A_NAME.search(x):  # a list is no one name
        return None
    # "what is confounding? Give an example", "what's a dilated convolution? reading about WaveNet": the subject
    # ends with its sentence, whether or not a capital letter follows
    if len(split_sentences(x)) > 1 or _SENTENCE_MARK.search(x):
        return None
    return x


def chat_sentences(text: str) -> list[str]:
    """Sentences of a chat message, also those that start lowercase ("...training. what's FGSM exactly", "no? what
    is a RBM")."""
    return [part for sentence in split_sentences(text) for part in _LOWERCASE_SENTENCE.split(sentence)]


def asks_what_it_is(question: str) -> bool:
    """Whether a sentence of the question asks in so many words what something is ("what is dropout?", "explain
    X"), not only as a bare "X?", nor what an aspect of it is ("whats the point of the gaps", "what's the intuition
    behind the two speeds?")."""
    return any((m := _definitional_match(s.strip().rstrip("?!. ").strip())) and not _ASPECT.match(m.group("x"))
               for s in split_sentences(question))


def asked_subjects(question: str) -> list[str]:
    """The X of every sentence, or of its first clause, or of a last clause that opens with "what", that asks what X
    is, wherever it stands ("and the layers are made of RBM, no? what is a RBM exactly" -> RBM; "whats a diffusion
    model tho, like the full def"; "vs a canary release, what's a canary exactly" -> canary)."""
    sentences = chat_sentences(question)  # "no? what is"
    clauses = [part for s in sentences
               for part in (s, re.split(r"[,;:]", s)[0], s.partition(":")[2], _LAST_WHAT.split(s)[-1])]  # "Last one:"
    asked = (_definitional_match(c.strip().rstrip("?!. ").strip()) for c in clauses)
    return list(dict.fromkeys(s for s in (_clean_subject(m.group("x")) for m in asked if m) if s))


def asks_about_the_glossary(question: str) -> bool:
    """Whether the question speaks of the glossary's contents ("is there a DDPM entry", "hard negative mining --
    defined anywhere?", "anything on that", "is log loss in your list"): it asks whether something is covered."""
    return bool(_GLOSSARY_ASK.search(question))


def asks_for_a_name(question: str) -> bool:
    """"what is this called?", "what's the term for ...", "is that a real thing?": the question describes a thing and
    asks its name, or whether it has one."""
    return bool(_REVERSE.search(question))


def subject_term(subject: str, matcher: TermMatcher, entries: dict[str, Entry], framed: bool = False) -> str | None:
    """The entry X names: X is a glossary name, only names ("Kubernetes cluster": the last one), or a name
    followed by a qualifier ("SAM in optimization") or by words that name nothing else in this field
    ("concept drift specifically"). ``framed``: the question asks in so many words what X is (``_extends``)."""
    whole = matcher.match_phrase(subject) or _owner(subject, matcher)
    if whole:
        return whole.term
    matches = matcher.find(subject)
    if not matches or matches[0].start != 0:
        return None
    tokens = tokenize(subject)
    if _only_names(tokens, matches):
        return matches[-1].term
    term = matches[0].term
    framed = framed and not _names_beyond(matches, tokens)
    return None if _extends(term, [], tokens[matches[0].end:], matcher, entries, framed) else term


def built_on_name(subject: str, matcher: TermMatcher, entries: dict[str, Entry], framed: bool = False) -> str | None:
    """The entry that X, the subject of "what is X?", extends into another concept: a glossary name with a
    word before it, or words after it up to the first small word, that name things in this field and that its
    entry never uses ("bias-variance trade-off" for variance). Of several names only, the last is what X is,
    and the others must be words of its entry: "container runtime" is a runtime, "sampling distribution" is
    not the entry distribution, which never speaks of samples. ``framed``: the question asks in so many words what X
    is, so words the glossary never writes count too (``_extends``)."""
    matches = matcher.find(subject)
    tokens = tokenize(subject)
    if not matches or matcher.match_phrase(subject) or _owner(subject, matcher):
        return None
    if len(matches) > 1 and _only_names(tokens, matches):
        last = matches[-1]
        before = [t for t in tokens[:last.start] if t.raw not in STOPWORDS]
        return last.term if _extends(last.term, before, [], matcher, entries, framed) else None
    if matches[0].start > 1:
        return None
    term = matches[0].term
    before = [t for t in tokens[:matches[0].start] if t.raw not in STOPWORDS]
    framed = framed and not _names_beyond(matches, tokens)
    return term if _extends(term, before, tokens[matches[0].end:], matcher, entries, framed) else None


def _names_beyond(matches: list[NameMatch], tokens: tuple) -> bool:
    """Whether X names another glossary name past the words that run on from its first one, after a small word
    ("in-text citations in APA style"): X may be asked about within that one."""
    first = matches[0]
    run = first.end + sum(1 for _ in takewhile(lambda t: t.raw not in STOPWORDS, tokens[first.end:]))
    return any(m.start >= run for m in matches[1:])


_POSSESSIVE = re.compile(r"^(?P<owner>.+?)['’]s\s+\S")


def _owner(subject: str, matcher: TermMatcher) -> NameMatch | None:
    """The glossary name that X opens with as its owner ("Dynamic Time Warping's computational complexity"): X is a
    side of that entry, not another concept built on its name."""
    possessive = _POSSESSIVE.match(subject)
    return matcher.match_phrase(possessive.group("owner")) if possessive else None


def _shortens_name(subject: str, term: str, retrieval: Retrieval, outside: list[ConceptMention],
                   entries: dict[str, Entry]) -> bool:
    """X is the best entry's name shortened or said otherwise: words of its names, one of them a word that no
    other entry's names use, and words of its own text ("sidecars" for Sidecar Container, "loose coupling" for
    Loosely Coupled Architecture, "traffic shadowing" for Shadow Deployment, whose entry speaks of traffic; not
    "shadow banning"); or every word of one of its names in another form or order, with words of its own text
    ("statistical inference" for Inferential Statistics, "nonparametric test" for Non-parametric Statistics).
    Not an outside concept's whole name, and not the kind word alone ("clip" for Gradient Clipping:
    ``NameParts.kind_only``)."""
    if term in retrieval.kind_only:
        return False
    entry = entries[term]
    stems = {t.stem for t in tokenize(subject) if t.raw not in STOPWORDS}  # "StatefulSet": stateful, set
    in_names = {s for s in stems if any(_one_family(s, n) for n in name_stems(entry))}
    said = term in retrieval.own_words or any(_says_name(stems, name) for name in entry.names)
    return said and bool(in_names) and stems - in_names <= entry_stems(entry) \
        and not any(stems <= set(o.stems) for o in outside)


_MIN_FAMILY_STEM = 5  # "infer" (inference) and "inferenti" (inferential) are one family; "norm" and "normal" not
_MAX_FAMILY_SUFFIX = 4  # a suffix ("-enti", "-ment"), not another word ("statefulset" is no form of "stateful")


def _one_family(a: str, b: str) -> bool:
    """Two stems of one word family: the same, or one is the other with a short suffix and long enough to mean
    something."""
    short, long = sorted((a, b), key=len)
    return short == long or (long.startswith(short) and len(short) >= _MIN_FAMILY_STEM
                             and len(long) - len(short) <= _MAX_FAMILY_SUFFIX)


def _says_name(stems: set[str], name: str) -> bool:
    """Every content word of a name of several words is among the stems in some form, a hyphenated word either
    whole ("nonparametric") or in its parts. A one-word name is no such evidence: "biased sample" says "sample"."""
    def said(word: str) -> bool:
        parts = [t.stem for t in tokenize(word.replace("-", " ")) if t.raw not in STOPWORDS]
        whole = stem(word.replace("-", ""))
        return any(_one_family(s, whole) for s in stems) or bool(parts) and all(
            any(_one_family(s, p) for s in stems) for p in parts)
    name_words = [w for w in name.split() if w.lower() not in STOPWORDS]
    return len(name_words) > 1 and all(map(said, name_words))


def name_stems(entry: Entry) -> set[str]:
    """The word stems of the entry's term and aliases, hyphenated words taken apart and whole."""
    return {t.stem for name in entry.names for form in (name.replace("-", " "), name.replace("-", ""))
            for t in tokenize(form)}


def _only_names(tokens: tuple, matches: list[NameMatch]) -> bool:
    """Names side by side, nothing else: a compound ("Kubernetes cluster"), not a list ("A and B")."""
    return all(any(m.start <= i < m.end for m in matches) for i in range(len(tokens)))


def _extends(term: str, before: list, after: list, matcher: TermMatcher, entries: dict[str, Entry],
             framed: bool = False) -> bool:
    """Whether the words around a name make it another concept: a word its entry never uses that names things in
    this field, or, where the question asks in so many words what X is (``framed``), a word of the language that the
    glossary never writes ("what are Kubernetes admission controllers?", "what is a sample frame?": a name for
    something, whatever vocabulary of the field is loaded; not a typo, nor an aspect asked about: "the median split
    problem"; a bare "wasserstein distance intuition?" asks for an aspect too). A qualifier after it does not ("VAT
    regularization"), nor does a word that names nothing and that the glossary writes ("tl;dr", "specifically")."""
    if not before and _QUALIFIER.match(" ".join(t.raw for t in after)):
        return False
    around = [*before, *takewhile(lambda t: t.raw not in STOPWORDS, after)]
    return any(t.stem not in entry_stems(entries[term]) and (matcher.is_name_word(t.raw) or framed and _unwritten(
        t.raw, matcher)) for t in around)


def _unwritten(word: str, matcher: TermMatcher) -> bool:
    """A word of the language the glossary never writes, that is not an aspect asked about nor a shorthand ("w" in
    "triplet loss w face recognition")."""
    return len(word) >= _MIN_UNWRITTEN and word not in ASPECT_WORDS and matcher.is_unwritten_word(word)


_MIN_UNWRITTEN = 3  # "w" in "triplet loss w face recognition" is a shorthand, not a name


_HEAD_END = frozenset("in within".split())


def _asked_thing(subject: str) -> str:
    """The subject less the aspect nouns it ends with right after the thing's own words ("canary limitation" of
    "Canary limitation?"): the thing whose aspect a bare question asks about. Not after a small word ("correlation
    and its significance" names no thing "correlation and its")."""
    kept = subject.split()
    while len(kept) > 1 and kept[-1].lower() in ASPECT_NOUNS:
        kept.pop()
    return subject if not kept or kept[-1].lower() in STOPWORDS else " ".join(kept)


def _head(subject: str) -> str:
    """The X of "X in Y" ("tight coupling in system design"), or the whole subject."""
    return " ".join(takewhile(lambda w: w.lower() not in _HEAD_END, subject.split()))


def _outside_concept_head(subject: str, matcher: TermMatcher, named: list[Entry]) -> bool:
    """X of "X in Y" (or X itself, when the names are in an aside or in another clause) names no glossary name, and
    words that the entries named never use; not an aspect asked about ("what's the catch?"), nor a part of a name
    ("what does the dilated bit mean in dilated convolution")."""
    head = _head(subject)
    if matcher.find(head):
        return False
    stems = {t.stem for t in tokenize(head) if t.raw not in _NO_HEAD_WORDS}
    return bool(stems) and not any(stems <= entry_stems(e) for e in named)


_SIDE_LINKS = frozenset("vs versus over than and or".split())
_PART_OF_A_NAME = frozenset("bit part piece word letter letters".split())
_NO_HEAD_WORDS = STOPWORDS | ASPECT_WORDS | _PART_OF_A_NAME  # words that name no other concept in X of "X in Y"
_REMEDY = frozenset("fix fixes remedy remedies solution solutions workaround cure".split())
_MAX_SIDE_WORDS = 4


def compared_sides(question: str, matcher: TermMatcher, entry: Entry) -> list[str]:
    """What a glossary name is weighed against in a sentence naming only it: the words on the far side of the
    link word next to it ("SNTG loss" in "the advantage of SNTG loss over triplet loss"), up to a small word,
    when one of them names things in this field, some are words the entry never uses, and they are not another
    name shortened ("inferential" in "inferential and descriptive statistics")."""
    sides = []
    for sentence in split_sentences(question) or [question]:
        tokens, matches = tokenize(sentence), matcher.find(sentence)
        if len(matches) != 1:
            continue
        start, end = matches[0].start, matches[0].end
        head = tokens[end - 1].raw  # "inferential and descriptive statistics": "inferential" is short for a name
        if end < len(tokens) and tokens[end].raw in _SIDE_LINKS:
            side = list(takewhile(lambda t: t.raw not in STOPWORDS, tokens[end + 1:]))[:_MAX_SIDE_WORDS]
        elif start > 0 and tokens[start - 1].raw in _SIDE_LINKS:
            side = list(takewhile(lambda t: t.raw not in STOPWORDS, reversed(tokens[:start - 1])))[:_MAX_SIDE_WORDS]
            side.reverse()
        else:
            continue
        words = [t.raw for t in side]
        with_head = " ".join([*words, head])
        elided = words and words[-1] != head and any(m.term != entry.term for m in matcher.find(with_head))
        if any(map(matcher.is_name_word, words)) and not {t.stem for t in side} <= entry_stems(entry) and not elided:
            sides.append(_as_written(sentence, words))
    return sides


def _as_written(sentence: str, folded: list[str]) -> str:
    """The words as the question spells them ("SNTG loss"), else as folded."""
    found = re.search(r"\W+".join(map(re.escape, folded)), sentence, re.IGNORECASE)
    return found.group(0) if found else " ".join(folded)


def coverage(question: str, entry: Entry) -> float:
    """Share of the question's content stems (question words removed) found in the entry's text."""
    wanted = set(content_stems(question, QUERY_WORDS))
    if not wanted:
        return 0.0
    return len(wanted & _content_of(entry)) / len(wanted)


@lru_cache(maxsize=4096)
def _content_of(entry: Entry) -> frozenset[str]:
    """The content stems of the entry's names and passages, read once per entry."""
    return frozenset(content_stems(" ".join([*entry.names, *(t for _, t in entry.passages())])))


def decide(question: str, retrieval: Retrieval, matcher: TermMatcher, entries: dict[str, Entry],
           thresholds: Thresholds) -> Decision:
    if not has_words(question):
        return Decision("refused", "no_words")
    if looks_like_injection(question):
        return Decision("refused", "injection")
    top = max(retrieval.hits, key=lambda h: h.fused)  # by content alone: a mentioned name is no evidence here
    found = mentions(retrieval, entries, top.term)
    return replace(_decide(question, retrieval, matcher, entries, thresholds, top, found), outside=tuple(found.outside))


def _decide(question: str, retrieval: Retrieval, matcher: TermMatcher, entries: dict[str, Entry],
            thresholds: Thresholds, top: Hit, found: Mentions) -> Decision:
    named = found.named[:3]
    built = names_built_on(question, retrieval.matches, matcher) if named else {}
    if built:  # "when should I use the harmonic mean?": another concept built on the entry mean
        named = [t for t in named if t not in built.values()]
        if not named and not found.relatives:
            written = {_as_written(question, phrase.split()): term for phrase, term in built.items()}
            found = Mentions(found.named, found.outside, written)
    subject, whole_question, framed = _definitional_subject(question)
    if subject is None:  # "and KL divergence, what's that?" asks what KL divergence is
        subject = _pointed_back(question, retrieval.matches, found.outside)
        whole_question = framed = subject is not None
    if subject is not None and foreign_modifier(subject, matcher):  # "what is Fleiss' kappa?"
        return Decision("refused", "not_in_glossary", subject=subject)
    base = built_on_name(subject, matcher, entries, framed) if subject is not None else None
    if base is not None:  # "what is a sampling distribution?": a relative of the entry sample
        found = Mentions(found.named, found.outside, {subject: base})
        named = []
    if (whole_question or framed) and named and _outside_concept_head(subject, matcher, [entries[t] for t in named]):
        # "what is elasticity in cloud computing?": the X of "X in Y" is what it asks about, and so is the X of a
        # first clause "what is X" beside another ask ("What is XDP and how is it used ... in Kubernetes?")
        named = []
    later = _later_subject(question, subject, found.outside, matcher, entries)
    if later is not None:  # "someone said a feature store also helps prevent data leakage. what is data leakage?"
        return Decision("refused", "not_in_glossary", subject=later)
    if named and not asks_for_a_name(question):  # a name inside "what is this called?" is context, not the subject
        undefined = []
        if is_comparison(question):
            undefined = list(dict.fromkeys(o.name for o in found.outside
                                           if not any(entry_mentions(entries[t], o) for t in named)))
            if len(named) == 1 and not undefined:  # a side the vocabulary does not know
                undefined = compared_sides(question, matcher, entries[named[0]])
        return Decision("answered", "named", named, coverage=1.0, ask=ask_of(question, len(named) + len(undefined)),
                        undefined=undefined)
    if found.relatives:
        name, term = next(iter(found.relatives.items()))
        if top.term == term and top.fused >= thresholds.closest_score:  # the content agrees ("anchor boxes": no)
            return Decision("closest", "relative", [term], subject=name, ask=ask_of(question, 1))
        return Decision("refused", "not_in_glossary", subject=name)
    if subject is not None:
        term = subject_term(subject, matcher, entries, framed)
        if term:
            return Decision("answered", "definition", [term], subject, 1.0, ask=ask_of(question, 1))
        # "what are sidecars?", "a downside of tight coupling in system design"
        if _shortens_name(_asked_thing(_head(subject)), top.term, retrieval, found.outside, entries):
            return Decision("answered", "name_part", [top.term], subject, 1.0, ask=ask_of(question, 1))
        return Decision("refused", "not_in_glossary", subject=subject)
    cov = coverage(question, entries[top.term])
    ask = ask_of(question, 1)
    # "dilation rate": the content and a name word agree. A question asking for a name describes the thing:
    # words of a name in it are content ("at the end of each cycle"), not a mention.
    foreign = [o for o in found.outside if not entry_mentions(entries[top.term], o)]
    # "...layer normalization. what's that?" asks about the concept said before, not for the name of a description
    asks_for_name = (asks_for_a_name(question) or asks_for_kind(question)) and not (foreign and _points_back(question))
    name_part = top.term in retrieval.name_parts and not asks_for_name
    # "How does data augmentation improve generalization?" is about data augmentation, which the best entry
    # (Mixup) only mentions, and "Why scale the weights with dropout?" about dropout in general, the kind of
    # thing Monte Carlo Dropout is: that entry is the closest one, not the answer.
    about_other = ((subject_concept(question, found.outside) is not None or top.term in retrieval.kind_only
                    or _names_sibling(question, found.outside, entries[top.term]))
                   and not name_part and not asks_for_name)
    short = len(question.split()) < thresholds.long_words
    if short:
        # In a short question a named concept is what it asks about; in a long one it may be context.
        stated = _stated_tokens(question) if foreign else frozenset()
        asked = [o for o in foreign if o.start not in stated]
        if asked and not name_part and not asks_for_name and not tells_a_story(question):
            return Decision("refused", "not_in_glossary", subject=asked[0].name)
        if top.fused >= thresholds.short_answer_score and cov >= thresholds.short_min_coverage and not about_other:
            return Decision("answered", "descriptive", [top.term], coverage=cov, ask=ask)
    # Long descriptions score high against everything; only content coverage tells them apart, and not
    # always: below it the answer is the closest entry, clearly marked as such.
    elif top.fused >= thresholds.answer_score and cov >= thresholds.long_min_coverage and not about_other:
        return Decision("answered", "descriptive", [top.term], coverage=cov, ask=ask)
    # a description that asks its name and one sentence of the best entry says it, whatever the whole entry scores
    asks_its_name = (asks_for_a_name(question) or asks_for_a_described_kind(question)
                     or _names_a_described_thing(question))
    named_by_sentence = asks_its_name and _sentence_leads(retrieval, top, thresholds)
    if top.fused >= (thresholds.answer_score if short else thresholds.closest_score) or named_by_sentence:
        leads = named_by_sentence or _clear_lead(retrieval, top, thresholds, found.outside, asks_its_name)
        return _closest_or_named_part(top.term, name_part, leads, cov, ask)
    return Decision("refused", "low_score", coverage=cov)


def _names_a_described_thing(question: str) -> bool:
    """The message names a thing by describing it ("the one where u run a new model quietly next to the old one",
    "the learning rate schedule that climbs up and then comes back down"), with no other sentence that asks: like a
    question asking the name of a description, it asks which entry that is. Not "The report adds that the threshold
    was set using an ROC curve. Could you define that as well?"."""
    return _DESCRIBED_THING.match(question) is not None and all(map(states, chat_sentences(question)[1:]))


def asks_what_that_is(sentence: str) -> bool:
    """"What is that?", "what's this exactly": a sentence that asks what a thing said before it is."""
    return bool(_WHAT_IS_THAT.match(sentence))


def said_before_what_that_is(question: str) -> str | None:
    """What the question says before a closing "what's that?" ("reviewer also mentioned 'gridding artifacts' —
    what's that?"), or None when it does not close so."""
    closing = _CLOSING_WHAT_IS_THAT.search(question)
    return None if closing is None else question[:closing.start()]


def _pointed_back(question: str, matches: list[NameMatch], outside: list[ConceptMention]) -> str | None:
    """The outside concept a closing "what's that?" asks about, after a few words that name it last ("and KL
    divergence, what's that?", "they also said 'learning rate warmup', what's that"). None when the question does
    not close so, when what comes before describes a thing at length ("my professor showed a schedule where the
    learning rate goes ... What is it?"), or when a glossary name is said last ("heard batch renorm helps — what
    is it?")."""
    before = said_before_what_that_is(question)
    if before is None or not 0 < len(words(before)) <= _MAX_POINTED_WORDS:
        return None
    said = len(tokenize(before))
    last = max((m for m in (*matches, *outside) if m.end <= said), key=lambda m: m.end, default=None)
    return last.name if isinstance(last, ConceptMention) else None


def _points_back(question: str) -> bool:
    """Whether the question's last sentence asks what a thing an earlier sentence said is ("the next paragraph
    mentions layer normalization. what's that?"): it asks about that thing, not for the name of a description."""
    sentences = chat_sentences(question)
    return len(sentences) > 1 and asks_what_that_is(sentences[-1])


def _later_subject(question: str, subject: str | None, outside: list[ConceptMention], matcher: TermMatcher,
                   entries: dict[str, Entry]) -> str | None:
    """The X that a sentence asks "what is X" about, when X opens with an outside concept and is no glossary name:
    the question is about X, and the glossary names in its other sentences are context ("someone said a feature
    store also helps prevent data leakage. what is data leakage?"; not "what's wrong with just argmax then
    backprop?" after Gumbel-Softmax), as is the story they tell when they name none ("my producer says the station
    app tunes its settings with grid search. whats grid search": not Bayesian Optimization, whose entry speaks of grid
    search). None for a comparison, or when the question's first sentence asks already,
    unless the names stand only in sentences that state ("whats focal loss then? someone mentioned it next to label
    smoothing")."""
    if is_comparison(question) or subject is not None and not _names_only_in_statements(question, matcher):
        return None
    for asked in asked_subjects(question):
        stems = content_stems(asked)
        opens_with = any(stems[:len(o.stems)] == list(o.stems) for o in outside)
        if opens_with and subject_term(asked, matcher, entries) is None:
            return asked
    return None


def _names_only_in_statements(question: str, matcher: TermMatcher) -> bool:
    """Whether every sentence naming a glossary term states rather than asks ("whats focal loss then? someone
    mentioned it next to label smoothing"): the names are what the asker heard, the question is elsewhere."""
    named = [s for s in chat_sentences(question) if matcher.find(s)]
    return bool(named) and all(map(states, named))


def states(sentence: str) -> bool:
    """Whether the sentence states rather than asks: it does not end with a question mark and does not open with
    a question word."""
    first = words(sentence)[:1]
    return not sentence.rstrip().endswith("?") and not (first and first[0] in ASKING_WORDS)


def _stated_tokens(question: str) -> frozenset[int]:
    """The token positions of the question's sentences that state, beside one that asks ("GAN training with a
    BatchNorm discriminator is unstable. What keeps the discriminator smooth?"): an outside concept there is the
    setting of the question, not what it asks about. None when a sentence asks what that thing is, or whether the
    glossary has it."""
    sentences = chat_sentences(question)
    if len(sentences) < 2 or all(map(states, sentences)) or asks_about_the_glossary(question) \
            or _SAYS_WHAT_IS_THAT.search(question):  # "... 'EMA of weights'. What is that and why does it help?"
        return frozenset()
    stated, start = set(), 0
    for sentence in sentences:
        end = start + len(tokenize(sentence))
        if states(sentence):
            stated.update(range(start, end))
        start = end
    return frozenset(stated)


def _names_sibling(question: str, outside: list[ConceptMention], entry: Entry) -> bool:
    """The question names an outside concept that the entry mentions and that shares a word with the entry's
    names ("batch normalization" for Batch Renormalization): a sibling of the entry, which the question is
    about instead. Not in a "which ...?" question: there named concepts describe the thing asked for; nor in one
    that asks for a remedy ("batchnorm goes haywire at batch size 4, is there a fix?"): the sibling is the trouble."""
    said = set(words(question))
    if "which" in said or _REMEDY & said:
        return False
    names = name_stems(entry)
    return any(entry_mentions(entry, o) and names & set(o.stems) for o in outside)


def _clear_lead(retrieval: Retrieval, top: Hit, thresholds: Thresholds, outside: list[ConceptMention],
                asks_its_name: bool) -> bool:
    """The best entry leads every other clearly, and the question describes something (a few content words): a
    description of this entry in other words ("my rnn loss goes nan ..., someone said clip the grads??"), not a
    middling match. The kind word of the entry's names is then the kind of thing the description picks out ("the
    augmentation where you blend two images and their labels", "the regulariser that cuts single connections"), not
    the kind in general (``NameParts.kind_only``). A clear lead is ``thresholds.lead`` or more in fused score
    (``thresholds.name_lead`` for a description that asks its name, which says it describes one thing), or, for a
    question close in meaning to the entry (cosine ``thresholds.close_meaning`` or more), ``thresholds.meaning_lead``
    in both cosine and fused score ("fraudsters changed tactics so the same features now mean something different
    ... what's that called"). A question that names an outside concept may be about it: it leads clearly only when
    it asks the name of what it describes, by ``thresholds.lead`` ("the learning rate thing where it goes up and then
    back down in one big hump whats that called"). Blind descriptions of an uncovered sibling ("cuts a patch out of
    one image and pastes it onto another" for Mixup) lead as clearly: with no name in the question nothing here
    tells them apart."""
    others = [h for h in retrieval.hits if h.term != top.term]
    described = len(set(content_stems(retrieval.question, QUERY_WORDS))) >= _MIN_DESCRIPTION_WORDS
    if not (described and others):
        return False
    fused_lead = top.fused - max(h.fused for h in others)
    if outside:  # context in a description that asks its name, when the lead is clear by the usual margin
        return asks_its_name and fused_lead >= thresholds.lead
    close = (top.dense >= thresholds.close_meaning and fused_lead >= thresholds.meaning_lead
             and top.dense - max(h.dense for h in others) >= thresholds.meaning_lead)
    return fused_lead >= (thresholds.name_lead if asks_its_name else thresholds.lead) or close


def _sentence_leads(retrieval: Retrieval, top: Hit, thresholds: Thresholds) -> bool:
    """A sentence of the best entry is close in meaning to the question or to one of its sentences (cosine
    ``thresholds.sentence_meaning`` or more) and closer by ``thresholds.meaning_lead`` than any sentence of the other
    entries retrieved (``EntrySentences.closeness``): for a question that describes a thing and asks its name, that
    sentence says what the thing is ("a network that spits out the weights for another network, whats that called"
    -> Hypernetworks; "two takes of the same vocal, the singer rushed the 2nd one ... theres an algorithm" -> Dynamic
    Time Warping), though the entry as a whole stays middling."""
    others = [h.term for h in retrieval.hits if h.term != top.term]
    if retrieval.sentences is None or not others:
        return False
    close = retrieval.sentences.closeness(retrieval.question, [top.term, *others])
    best = close.pop(top.term)
    return best >= thresholds.sentence_meaning and best - max(close.values()) >= thresholds.meaning_lead


def _closest_or_named_part(term: str, name_part: bool, leads: bool, cov: float, ask: Ask) -> Decision:
    """A middling score is the closest entry, marked as such, unless the question is about that entry all the
    same: it uses a distinctive word of its names (``name_parts.py``), or the entry clearly leads the rest."""
    if name_part:
        return Decision("answered", "name_part", [term], coverage=cov, ask=ask)
    if leads:
        return Decision("answered", "lead", [term], coverage=cov, ask=ask)
    return Decision("closest", "closest", [term], coverage=cov, ask=ask)
