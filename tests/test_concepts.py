"""The outside-concept vocabulary: what it finds in a question, and what it must leave alone."""
from __future__ import annotations

import pytest
import yaml

from assistant.concepts import ConceptFinder
from assistant.errors import CorpusError
from assistant.mentions import entry_mentions
from assistant.settings import ROOT

VOCABULARY = ROOT / "corpus" / "outside-concepts.yaml"


@pytest.fixture(scope="module")
def finder(stack):
    return stack.retriever.concepts


def test_the_vocabulary_is_data_with_sources():
    data = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))
    sources = {s["id"]: s for s in data["sources"]}
    assert len(sources) >= 4 and all(s["url"].startswith("https://") for s in sources.values())
    assert len(data["concepts"]) >= 800
    assert all(c["sources"] and set(c["sources"]) <= set(sources) for c in data["concepts"])


@pytest.mark.parametrize("question, concept", [
    ("What does weight decay do to the weights?", "weight decay"),
    ("How does beam search pick the output sequence?", "Beam search"),
    ("What problem does layer normalisation solve?", "layer normalization"),  # British spelling
    ("Why are Gaussian mixture models fitted with EM?", "Gaussian mixture model"),  # plural
    ("Is a GMM a kind of k-means?", "Gaussian mixture model"),  # abbreviation
    ("Pre-layer norm vs post-layer norm in transformers?", "layer normalization"),  # a word shortened
    ("depthwise separable convs?", "Depthwise Separable Convolution"),  # shortened, in the plural
    ("and cutmix, is it better?", "CutMix"),  # a one-word name ("CutMix") typed in lower case
    ("I'm a bit confused about the reparametrization trick", "Reparameterization trick"),  # a long word misspelt
    ("Keras implements a LayerNormalization class", "layer normalization"),  # a class name in code
    ("Why are RNNs prone to vanishing and exploding gradients?", "vanishing gradient problem"),  # a name's words
    # shared; "vanishing gradients" is another name of the vanishing gradient problem
    ("how long does model training take?", "model training"),
    ("are the variables independently and identically distributed?", "independently and identically distributed"),
])
def test_outside_concepts_are_found_in_any_spelling(finder, question, concept):
    assert concept.lower() in [m.name.lower() for m in finder.find(question)]


@pytest.mark.parametrize("question", [
    "What is gradient clipping?",  # a glossary term is never an outside concept, even if a source lists it
    "What is label smoothing?",
    "When should we choose clip_grad_norm_?",  # a source lists it under gradient clipping, a glossary name
    "I expected the softmax label and the dropout weights to change",  # words the glossary uses; "expected" is no
    # "expectation"
    "Is the gmm of this Gmm thing right?",  # abbreviations only in upper case ...
    "Can teams reuse the same preprocessed features across many models?",  # "across" is a word, not "cross" misspelt
    "how do ppl prevent it",  # chat shorthand for people, not PPL (perceptual path length) in a lower-case question
    "For instance, does it work in practice?",  # set phrases of English, not the concepts "instance" and "practice"
    "a small model trained to copy the big one",  # a verb's past form, not the concept "model training"
])
def test_glossary_names_and_ordinary_words_are_not_outside_concepts(finder, question):
    assert [m.name for m in finder.find(question)] == []


def test_a_library_class_that_implements_a_glossary_entry_is_the_glossarys_own(finder):
    # PyTorch's OneCycleLR is "the 1cycle learning rate policy": One Cycle Policy, not a concept the glossary lacks
    assert [m.name for m in finder.find("Why is early stopping bad with one cycle training?")] == ["early stopping"]


def test_an_abbreviation_shared_with_a_glossary_name_keeps_its_other_concept(finder):
    # "SNN" is also Spiking Neural Network's; Self-Normalizing Neural Networks stays an outside concept
    assert [m.name for m in finder.find("Are self-normalizing neural networks deep?")] == \
        ["Self-Normalizing Neural Networks"]


def test_an_abbreviation_in_a_lower_case_question_still_counts(finder):
    assert "Gaussian mixture model" in [m.name for m in finder.find("how does gmm relate to k-means")]


def test_an_entry_that_writes_another_name_of_a_concept_mentions_it(finder, glossary):
    entries = {e.term: e for e in glossary.entries}
    problem, = finder.find("How do you deal with the exploding gradient problem?")
    assert problem.name == "exploding gradient problem"
    assert entry_mentions(entries["Gradient Clipping"], problem)  # its text says "exploding gradients"
    # an abbreviation is no such name: Spiking Neural Network's "SNN" is not Self-Normalizing Neural Networks
    normalizing, = finder.find("Are self-normalizing neural networks deep?")
    assert "SNN" in entries["Spiking Neural Network"].names
    assert not entry_mentions(entries["Spiking Neural Network"], normalizing)


def test_a_camel_case_name_written_out_is_a_name_an_entry_can_write(finder, glossary):
    entries = {e.term: e for e in glossary.entries}
    batchnorm, = finder.find("why does ordinary batchnorm struggle when the batch is only 4?")
    assert batchnorm.name == "BatchNorm"  # its own vocabulary concept, not batch normalization's alias
    assert entry_mentions(entries["Batch Renormalization"], batchnorm)  # "batch normalisation", its words cut short
    assert not entry_mentions(entries["Mixup"], batchnorm)


def test_a_missing_vocabulary_file_means_no_outside_concepts(glossary, tmp_path):
    assert len(ConceptFinder.load(tmp_path / "none.yaml", glossary.entries)) == 0


@pytest.mark.parametrize("text, problem", [
    ("version: 1\nconcepts: [{name: x}]\nsurprise: 1\n", "surprise"),
    ("version: 1\nsources: [{id: a}]\nconcepts: [{name: focal loss, sources: [b]}]\n", "unknown source"),
    ("version: 1\nconcepts: [{aliases: []}]\n", "name"),
    ("version: [\n", "Cannot read"),
])
def test_a_broken_vocabulary_file_is_a_clear_error(glossary, tmp_path, text, problem):
    path = tmp_path / "outside.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match=problem):
        ConceptFinder.load(path, glossary.entries)


def test_the_glossarys_own_field_is_context_not_an_outside_concept(finder, glossary):
    """"machine learning" is in the vocabulary, and the glossary's subject is machine-learning terms: a question
    about OOD testing "in machine learning models" is not about a concept the glossary lacks."""
    question = "What is the primary purpose of out-of-distribution (OOD) testing in machine learning models?"
    assert "machine-learning" in glossary.subject
    assert [m.name for m in finder.find(question)] == []
    unaware = ConceptFinder.load(VOCABULARY, glossary.entries)  # told no field
    assert "machine learning" in [m.name.lower() for m in unaware.find(question)]
