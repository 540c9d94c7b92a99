"""Pure text helpers shared by matching, retrieval, grounding and evaluation.

    >>> normalize_name("Cohen’s Kappa!")
    "cohen's kappa"
    >>> stem("normalisations")
    'normal'
"""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer

_THREAD = threading.local()  # a Snowball stemmer keeps state between calls: one per thread
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[A-Z0-9\"“(])")
# British -> American spellings, so "normalisation" and "normalization" are one word.
_BRITISH = [(re.compile(r"isation"), "ization"), (re.compile(r"ising\b"), "izing"), (re.compile(r"ise([ds]?)\b"), r"ize\1"),
            (re.compile(r"yse([ds]?)\b"), r"yze\1"), (re.compile(r"our\b"), "or"), (re.compile(r"ll(ed|ing)\b"), r"l\1")]

# "wat is", "wats", "wht is", "ok so wot's": chat spellings of the question word "what" where a sentence opens, after
# the chat words a sentence may open with.
_WHAT_SPELLED = re.compile(r"(?:^|(?<=[.!?]\s))(?P<opening>(?:(?:ok|okay|so|and|but|wait|oh|hmm|btw|also|now)\W+)*)"
                           r"(?P<what>wat|w[ou]t|wht|waht|whta)(?=(?:'s|’s|s)?\b)", re.IGNORECASE)

STOPWORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below between both
but by can can't could did didn't do does doesn't doing don't down during each few for from further had has have having he
her here hers herself him himself his how i i'm if in into is isn't it it's its itself just let's me more most my myself no nor
not of off on once only or other ought our ours ourselves out over own same she should so some such than that that's the their
theirs them themselves then there there's these they this those through to too under until up very was we were what what's
when where which while who whom why will with would you your yours yourself yourselves whats thats hey hi please pls thanks
tell explain describe define definition mean means meaning called call name term kind sort type way thing something someone
get got give gives know want need like used use using uses does doing one two really actually simply basically
dont doesnt didnt isnt arent wasnt werent cant couldnt wouldnt shouldnt wont hasnt havent hadnt im ive youre theyre
ppl u ur bc cuz tho thx idk imo imho tbh btw lol iirc afaik smth
""".split())  # the last two lines: contractions written without their apostrophe ("isnt that the same as ..."),
# and chat shorthand, never an abbreviation when written in lower case ("how do ppl ...")
ARTICLES = frozenset("a an the".split())
# Words that say *how* a question is asked rather than *what* it is about.
QUERY_WORDS = frozenset("""
technique techniques method methods approach approaches concept idea model models machine learning ml ai deep neural network
networks algorithm algorithms help helps work works example examples difference differ different between versus vs compare
compared comparison would should could might which what how why when where is are the a an term name called
""".split())


# A small Greek letter is read as its name ("Cohen's κ", "Krippendorff's 𝛼", "the β-VAE"): names of the field are
# written with either. Capitals stay symbols (Σ for a sum, Δ for a change).
_GREEK_NAMES = str.maketrans({
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon", "ζ": "zeta", "η": "eta",
    "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu", "ξ": "xi",
    "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi",
    "ϕ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega"})


def spell_greek(text: str) -> str:
    """Unicode-normalised (NFKC: mathematical letters such as 𝛼 become α) text with each small Greek letter written
    as its name: ``spell_greek("Cohen's κ")`` -> "Cohen's kappa"."""
    return unicodedata.normalize("NFKC", text).translate(_GREEK_NAMES)


def fold(text: str) -> str:
    """Lower-case, Unicode-normalised text with straight quotes, Greek letters spelled and no control characters."""
    text = spell_greek(text).replace("’", "'").replace("‘", "'").replace("`", "'")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text.lower()


@lru_cache(maxsize=65536)
def americanize(word: str) -> str:
    for pattern, repl in _BRITISH:
        word = pattern.sub(repl, word)
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball (Porter 2) stem of the American spelling: ``stem("normalisations")`` -> 'normal'."""
    stemmer = getattr(_THREAD, "stemmer", None)
    if stemmer is None:
        stemmer = _THREAD.stemmer = snowballstemmer.stemmer("english")
    return stemmer.stemWord(americanize(word.lower().strip("'")).removesuffix("'s"))


def words(text: str) -> list[str]:
    """Folded word tokens: ``words("Cohen's Kappa, 0.9")`` -> ["cohen's", 'kappa', '0', '9']."""
    return _WORD.findall(fold(text))


def normalize_name(name: str) -> str:
    """Canonical form for comparing names: folded, American spelling, punctuation-free."""
    return " ".join(americanize(w) for w in _WORD.findall(fold(name).replace("-", " ")))


def spell_what(text: str) -> str:
    """The text with each chat spelling of "what" that opens a sentence spelled "what" ("wats EWC in ML" -> "whats
    EWC in ML", "ok so wat is dropout" -> "ok so what is dropout"): it asks what a thing is, as the question word
    does."""
    return _WHAT_SPELLED.sub(lambda m: m["opening"] + ("What" if m["what"][0].isupper() else "what"), text)


def content_stems(text: str, extra_stop: frozenset[str] = frozenset()) -> list[str]:
    """Stems of the words that carry meaning (stopwords and ``extra_stop`` removed), in order."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and w not in extra_stop and len(w) > 1]


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; keeps decimals ("0.9") and abbreviations like "e.g." together."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    protected = re.sub(r"\b(e\.g|i\.e|etc|vs)\.", lambda m: m.group(0).replace(".", "\u2024"), text)
    return [s.replace("\u2024", ".").strip() for s in _SENTENCE_END.split(protected) if s.strip()]
