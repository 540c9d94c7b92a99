"""Pure text helpers, under the conditions the server runs them in."""
from __future__ import annotations

import random
import threading

import pytest

from assistant.text import spell_greek, spell_what, stem, words


def test_stemming_from_many_threads_gives_each_thread_the_right_stems():
    """Request threads stem at once; a stemmer keeps state between calls, so one shared object mixes them up."""
    rng = random.Random(0)
    words = sorted({"".join(rng.choice("abcdefghilmnoprstu") for _ in range(rng.randint(5, 14)))
                    + rng.choice(["ing", "ation", "ised", "izes", "ness", "ly", "s"]) for _ in range(40_000)})
    expected = {w: stem.__wrapped__(w) for w in words}  # one thread, no cache
    stem.cache_clear()  # every word below is a cache miss
    errors: list[str] = []

    def work(chunk: list[str]) -> None:
        try:
            errors.extend(w for w in chunk if stem(w) != expected[w])
        except Exception as exc:  # noqa: BLE001 - a crashed thread is the failure under test
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(words[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


@pytest.mark.parametrize("text, spelled", [
    ("wats EWC in ML", "whats EWC in ML"), ("wat is SAM", "what is SAM"), ("Wot's a spiking net", "What's a spiking net"),
    ("ok. wht is a DBN", "ok. what is a DBN"), ("ok so wat is dropout", "ok so what is dropout"),  # after chat words
    ("What is SAM", "What is SAM"), ("whatever works", "whatever works"), ("that is", "that is"),  # left alone
    ("watson is a name", "watson is a name"), ("is it wat I think", "is it wat I think"),  # not where a sentence opens
])
def test_chat_spellings_of_what_that_open_a_sentence_read_as_what(text, spelled):
    assert spell_what(text) == spelled


def test_small_greek_letters_are_read_as_their_names_and_capitals_stay_symbols():
    assert spell_greek("Krippendorff's 𝛼 and the β-VAE") == "Krippendorff's alpha and the beta-VAE"
    assert words("Cohen's κ over Σ") == ["cohen's", "kappa", "over"]
