"""Glossaries in the formats teams keep them: YAML, JSON, CSV, a folder of Markdown files with front matter;
teams' field names, docs-site markup, malformed files, and the lint command."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from assistant.corpus import load_glossary
from assistant.errors import CorpusError
from assistant.lint import lint
from assistant.settings import ROOT

POD = "A Pod is the smallest deployable unit: one or more containers that share storage and network."
NODE = "A node is a worker machine in the cluster."


def folder(tmp_path, files: dict[str, str]):
    root = tmp_path / "glossary"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_markdown_folder_with_front_matter_is_a_glossary(tmp_path):
    root = folder(tmp_path, {
        "pod.md": '---\ntitle: Pod\nid: pod\naka: [pods]\ntags: [fundamental]\nshort_description: >\n  ' + POD +
                  '\n---\n<!--more-->\nPods run on a {{< glossary_tooltip text="node" term_id="node" >}}; see '
                  '[the docs](https://example.org/pods/).\n\nA **Pod** models an *application-specific* host.\n',
        "sub/node.md": "---\ntitle: Node\nid: node\n---\n" + NODE + "\n\nIt may be a VM.\n",
        "README.md": "# How to add a term\n",  # no front matter: not an entry
    })
    glossary = load_glossary(root)
    pod, node = glossary.entries  # in path order: pod.md, then sub/node.md
    assert (pod.term, pod.aliases, pod.category, pod.definition) == ("Pod", ("pods",), "fundamental", POD)
    assert pod.details == "Pods run on a node; see the docs.\n\nA Pod models an application-specific host."
    assert pod.links == ("Node",)  # the tooltip's term_id, resolved to the entry's term
    assert (node.definition, node.details, node.category) == (NODE, "It may be a VM.", "General")
    before = glossary.content_hash
    (root / "sub" / "node.md").write_text("---\ntitle: Node\n---\nA machine.\n", encoding="utf-8")
    assert load_glossary(root).content_hash != before  # an edit changes the version (and rebuilds the index)


@pytest.mark.parametrize("suffix, text", [
    (".json", json.dumps({"terms": [{"name": "Pod", "description": POD, "synonyms": "pods, pod"},
                                    {"name": "Node", "description": NODE}]})),
    (".yaml", f"- title: Pod\n  definition: \"{POD}\"\n  aliases: [pods, pod]\n- title: Node\n  definition: {NODE}\n"),
    (".csv", f'Term;Definition;Synonyms\nPod;"{POD}";"pods, pod"\nNode;{NODE};\n'),
])
def test_a_list_of_entries_with_common_field_names_loads(tmp_path, suffix, text):
    path = tmp_path / f"glossary{suffix}"
    path.write_text(text, encoding="utf-8")
    glossary = load_glossary(path)
    assert [(e.term, e.definition, e.aliases) for e in glossary.entries] == [
        ("Pod", POD, ("pods", "pod")), ("Node", NODE, ())]


def test_the_projects_yaml_in_json_is_the_same_glossary(tmp_path):
    import yaml

    data = yaml.safe_load((ROOT / "corpus" / "glossary.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    assert load_glossary(path).entries == load_glossary(ROOT / "corpus" / "glossary.yaml").entries


@pytest.mark.parametrize("files, message", [
    ({"pod.md": "---\ntitle: [Pod\n---\nbody\n"}, r"pod\.md, line 3: invalid front matter"),
    ({"pod.md": "---\n- a\n- list\n---\nbody\n"}, r"pod\.md, line 2: the front matter is not a mapping"),
    ({"notes.md": "# just notes\n"}, "none of its 1 Markdown files starts with front matter"),
    ({"a.md": "---\ntitle: Pod\n---\n" + POD, "b.md": "---\ntitle: pod\n---\nAgain.\n"},
     r"b\.md, line 1, entry 'pod', field 'term': duplicate term 'pod' is already claimed by entry 'Pod'"),
    ({"a.md": "---\ntitle: Pod\n---\n"}, r"a\.md, line 1, entry 'Pod', field 'definition'"),
])
def test_malformed_markdown_folders_name_the_file(tmp_path, files, message):
    with pytest.raises(CorpusError, match=message):
        load_glossary(folder(tmp_path, files))


@pytest.mark.parametrize("text, message", [
    ("Name,Notes\nPod,x\n", "line 1: no 'definition' column"),
    ("Definition\nA unit.\n", "line 1: no 'term' column"),
    ("", "line 1: no 'term' column"),
    ('Term,Definition\nPod,"unclosed\n', r"line \d: invalid CSV"),
])
def test_a_csv_with_a_missing_column_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "glossary.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        load_glossary(path)


def test_invalid_json_names_its_line(tmp_path):
    path = tmp_path / "glossary.json"
    path.write_text('[{"term": "Pod",\n  "definition": }]', encoding="utf-8")
    with pytest.raises(CorpusError, match="line 2: invalid JSON"):
        load_glossary(path)


def test_lint_reports_every_problem_with_file_line_entry_and_field(tmp_path):
    root = folder(tmp_path, {
        "a-pod.md": '---\ntitle: Pod\naka: [worker]\n---\nRuns on a {{< glossary_tooltip text="n" term_id="nod" >}}.\n',
        "b-node.md": "---\ntitle: Node\naka: [worker]\n---\n" + NODE + "\n",
        "c-empty.md": "---\ntitle: Empty\n---\n",
        "d-again.md": "---\ntitle: pod\n---\nAgain.\n",
    })
    problems = [str(p) for p in lint(root)]
    assert problems == [
        f"{root / 'b-node.md'}, line 1, entry 'Node', field 'aliases': alias 'worker' is already claimed by entry "
        f"'Pod' ({root / 'a-pod.md'}, line 1)",
        f"{root / 'c-empty.md'}, line 1, entry 'Empty', field 'definition': empty definition",
        f"{root / 'd-again.md'}, line 1, entry 'pod', field 'term': duplicate term 'pod' is already claimed by entry "
        f"'Pod' ({root / 'a-pod.md'}, line 1)",
        f"{root / 'a-pod.md'}, line 1, entry 'Pod', field 'links': links to 'nod', which is no term or alias of "
        f"this glossary"]
    assert lint(ROOT / "corpus" / "glossary.yaml") == []


def test_glossary_lint_exits_1_on_errors_and_0_on_a_clean_glossary(tmp_path):
    root = folder(tmp_path, {"a.md": "---\ntitle: Pod\n---\n", "b.md": "---\ntitle: Node\n---\n" + NODE})

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assistant", "glossary", "lint", *args], capture_output=True,
                              text=True, cwd=ROOT, timeout=120)

    bad = run(str(root), "--json")
    assert bad.returncode == 1
    assert [(p["entry"], p["field"], p["message"]) for p in json.loads(bad.stdout)] == [
        ("Pod", "definition", "empty definition")]
    good = run(str(ROOT / "corpus" / "glossary.yaml"))
    assert good.returncode == 0 and good.stdout == ""


def test_a_mapping_of_term_to_definition_is_a_glossary(tmp_path):
    path = tmp_path / "glossary.yml"
    path.write_text(f"pod: |\n  {POD}\nnode: {NODE}\n", encoding="utf-8")
    assert [(e.term, e.definition) for e in load_glossary(path).entries] == [("pod", POD), ("node", NODE)]


def test_a_parenthesised_abbreviation_is_an_alias_unless_two_entries_share_it(tmp_path):
    path = tmp_path / "glossary.json"
    path.write_text(json.dumps([{"title": "Continuous Delivery (CD)", "description": "Ready to release."},
                                {"title": "Continuous Deployment (CD)", "description": "Released at once."},
                                {"title": "Infrastructure as a Service (IaaS)", "description": "Rented machines."}]),
                    encoding="utf-8")
    assert [e.aliases for e in load_glossary(path).entries] == [
        ("Continuous Delivery",), ("Continuous Deployment",), ("Infrastructure as a Service", "IaaS")]


def test_the_outside_vocabulary_is_the_one_beside_the_glossary(tmp_path):
    from assistant.settings import load_settings

    assert load_settings().outside_concepts_path == ROOT / "corpus" / "outside-concepts.yaml"
    other = folder(tmp_path, {"pod.md": "---\ntitle: Pod\n---\n" + POD})
    assert load_settings(corpus_path=other).outside_concepts_path is None  # the ML vocabulary is not its own
    (other / "outside-concepts.yaml").write_text("sources: []\nconcepts: []\n", encoding="utf-8")
    assert load_settings(corpus_path=other).outside_concepts_path == other / "outside-concepts.yaml"
    assert load_settings(outside_concepts_path="none").outside_concepts_path is None


def test_lint_reports_two_entries_with_the_very_same_term(tmp_path):
    path = tmp_path / "glossary.csv"
    path.write_text("term,definition\nPod,Runs containers.\nPod,Runs them again.\n", encoding="utf-8")
    assert [p.message for p in lint(path)] == ["duplicate term 'Pod' is already claimed by entry 'Pod' "
                                                 f"({path}, line 2)"]
