"""The glossary file: validation errors a maintainer can act on, and coverage of the source article."""
from __future__ import annotations

import re
from pathlib import Path
from statistics import median

import pytest
import yaml

from assistant.corpus import load_glossary
from assistant.errors import CorpusError
from assistant.settings import ROOT
from assistant.text import content_stems, normalize_name
from tests.conftest import write

SOURCE = ROOT / "corpus" / "source" / "ml-terms-article.txt"
GLOSSARY = ROOT / "corpus" / "glossary.yaml"


def _units(glossary) -> dict[str, set[str]]:
    """Everything in the glossary file that can represent a source paragraph, grouped by where it lives."""
    units = {f"entry:{e.term}": set(content_stems(" ".join(t for _, t in e.passages()))) for e in glossary.entries}
    units |= {f"category:{c.name}": set(content_stems(c.description)) for c in glossary.categories}
    article = glossary.article
    for i, text in enumerate([*article.introduction, *article.conclusion, *(s.text for s in article.skipped)]):
        units[f"article:{i}"] = set(content_stems(text))
    return units


def _coverage(paragraph: str, units: dict[str, set[str]]) -> tuple[float, str]:
    stems = content_stems(paragraph)
    return max((sum(w in unit for w in stems) / len(stems), name) for name, unit in units.items())


def test_every_source_paragraph_is_represented(glossary):
    units = _units(glossary)
    paragraphs = [p for p in SOURCE.read_text(encoding="utf-8").splitlines() if content_stems(p)]
    scores = [(_coverage(p, units), p) for p in paragraphs]
    missing = [(round(s, 2), where, p[:70]) for (s, where), p in scores if s < 0.7]
    assert not missing, f"source paragraphs without a glossary counterpart: {missing}"
    assert median(s for (s, _), _ in scores) >= 0.95


def test_every_definition_paragraph_maps_to_an_entry(glossary):
    """Definition paragraphs are the ones whose best counterpart is an entry; there must be one per entry."""
    units = _units(glossary)
    paragraphs = [p for p in SOURCE.read_text(encoding="utf-8").splitlines() if content_stems(p)]
    best = [_coverage(p, units) for p in paragraphs]
    mapped_entries = {where for score, where in best if where.startswith("entry:") and score >= 0.7}
    assert mapped_entries == {f"entry:{e.term}" for e in glossary.entries}


def test_no_entry_invents_content(glossary):
    """Each entry's definition overlaps a source paragraph: no entry without a passage behind it."""
    paragraphs = [set(content_stems(p)) for p in SOURCE.read_text(encoding="utf-8").splitlines() if p.strip()]
    for entry in glossary.entries:
        stems = content_stems(entry.definition)
        assert max(sum(w in p for w in stems) / len(stems) for p in paragraphs) >= 0.45, entry.term


def test_entries_are_unique_and_complete(glossary):
    assert len(glossary.entries) >= 50
    per_entry = [{normalize_name(n) for n in e.names} for e in glossary.entries]  # spelling variants fold together
    all_names = [n for names in per_entry for n in names]
    assert len(all_names) == len(set(all_names)), "a name belongs to two entries"
    for entry in glossary.entries:
        assert entry.definition.strip() and entry.category
        assert entry.example, f"{entry.term}: the article gives every term an example"


@pytest.mark.parametrize("term, fixed", [
    ("Triplet Loss", "minimise the distance between two images of the same person"),
    ("Brier Score", "low Brier score"),
    ("Wasserstein Distance", "more meaningful distances"),
    ("Elastic Weight Consolidation", "learning the piano"),
])
def test_source_slips_are_corrected_openly(glossary, term, fixed):
    entry = glossary.by_term(term)
    assert fixed in " ".join(t for _, t in entry.passages())
    assert entry.notes, f"{term}: a correction must be explained in notes"


def test_typo_in_source_does_not_survive(glossary):
    text = " ".join(t for e in glossary.entries for _, t in e.passages())
    assert "l8809earning" in SOURCE.read_text(encoding="utf-8")
    assert not re.search(r"\w\d{3,}\w", text)


def _mutated(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    mutate(data)
    return write(tmp_path / "glossary.yaml", yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["entries"].append(dict(d["entries"][0])), "duplicate term 'Curriculum Learning'"),
    (lambda d: d["entries"][1]["aliases"].append("SAM"), "alias 'SAM' is already claimed by entry"),
    (lambda d: d["entries"][2].update(definition="   "), "field 'definition'"),
    (lambda d: d["entries"][3].update(colour="blue"), "field 'colour': unknown field"),
    (lambda d: d["entries"][4].update(category="Astrology"), "unknown category 'Astrology'"),
    (lambda d: d["entries"][5].pop("definition"), "field 'definition': Field required"),
    (lambda d: d.update(version=99), "format version 99"),
])
def test_invalid_glossary_names_file_entry_and_field(tmp_path, mutate, message):
    path = _mutated(tmp_path, mutate)
    with pytest.raises(CorpusError) as err:
        load_glossary(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_error_gives_the_line_of_the_entry(tmp_path):
    path = _mutated(tmp_path, lambda d: d["entries"][10].update(definition=""))
    with pytest.raises(CorpusError) as err:
        load_glossary(path)
    line = int(re.search(r"line (\d+)", str(err.value)).group(1))
    assert "definition:" in path.read_text().splitlines()[line - 1]
    assert "entry 'Elastic Weight Consolidation'" in str(err.value)


@pytest.mark.parametrize("content, message", [
    (b"entries: [unclosed", "invalid YAML"),
    (b"\xff\xfe\x00binary", "not UTF-8"),
    (b"- just\n- a list\n", r"line 1, entry '#1', field 'entry': Input should be a valid dictionary"),
    (b"just a sentence\n", "expected a list of entries, or a mapping"),
])
def test_broken_files_give_clear_errors(tmp_path, content, message):
    path = tmp_path / "glossary.yaml"
    path.write_bytes(content)
    with pytest.raises(CorpusError, match=message):
        load_glossary(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CorpusError, match="Cannot read the glossary file"):
        load_glossary(tmp_path / "nope.yaml")
