"""Merges the hand-collected concept lists of a field into an outside-concept vocabulary and writes it (the format
of corpus/outside-concepts.yaml). Used by eval/other/*/build_outside_concepts.py, which hold the lists."""
import re
from pathlib import Path

import yaml

_QUOTES = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}


def clean(text):
    for a, b in _QUOTES.items():
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


def key(text):
    """Comparison key: case, hyphens/underscores/slashes, a possessive 's, apostrophes,
    a leading 'the' and a plural last word are ignored."""
    caps = re.sub(r"[^A-Za-z]", "", clean(text).split(" ")[-1]).isupper()  # HTTPS, NATS: no plural
    k = re.sub(r"'s\b", "", clean(text).lower()).replace("'", "")
    k = re.sub(r"[-_/]+", " ", k)
    k = re.sub(r"\s+", " ", k).strip()
    k = re.sub(r"^the ", "", k)
    words = k.split(" ")
    last = words[-1]
    if len(last) > 4 and last.endswith("ies"):
        last = last[:-3] + "y"
    elif (len(last) > 3 and last.endswith("s") and not caps
          and not last.endswith(("ss", "us", "is", "ics", "sis"))):
        last = last[:-1]
    words[-1] = last
    return " ".join(words)


_ABBR_IN_PARENS = re.compile(r"^(.*\S)\s*\(([^()]{2,14})\)$")


def _is_abbr(text):
    return (" " not in text and len(text) <= 14
            and sum(c.isupper() for c in text) >= 2)


def parse_block(block):
    """One concept a line: 'Name | alias; alias'. A trailing '(ABBR)' in the name
    becomes an alias."""
    entries = []
    for raw in block.strip().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, rest = line.partition(" | ")
        name = clean(name)
        aliases = [clean(a) for a in rest.split(";") if clean(a)]
        m = _ABBR_IN_PARENS.match(name)
        if m and _is_abbr(m.group(2)):
            name, aliases = m.group(1), [m.group(2)] + aliases
        if _is_abbr(name):
            longs = [a for a in aliases if " " in a]
            if longs:
                aliases = [name] + [a for a in aliases if a != longs[0]]
                name = longs[0]
        entries.append((name, aliases))
    return entries


def build(sources, data, stop_words, out_path, header):
    ids = [s["id"] for s in sources]
    items = []          # dicts: name, aliases, sources
    index = {}          # key -> item
    report = {"stopped": [], "alias_conflicts": [], "merged": [], "per_source": {}}
    for sid in ids:
        entries = parse_block(data[sid])
        report["per_source"][sid] = 0
        for name, aliases in entries:
            if " " not in name and key(name) in stop_words:
                report["stopped"].append((sid, name))
                continue
            report["per_source"][sid] += 1
            keys = [key(name)] + [key(a) for a in aliases]
            hits = []
            for k in keys:
                if k in index and index[k] not in hits:
                    hits.append(index[k])
            hits.sort(key=lambda it: next(i for i, x in enumerate(items) if x is it))
            hit = hits[0] if hits else None
            for other in hits[1:]:
                # the entry names two items as one concept: merge them
                report["merged"].append((sid, name, hit["name"], other["name"]))
                for s in other["sources"]:
                    if s not in hit["sources"]:
                        hit["sources"].append(s)
                for a in [other["name"]] + other["aliases"]:
                    if a.lower() != hit["name"].lower() and all(x.lower() != a.lower() for x in hit["aliases"]):
                        hit["aliases"].append(a)
                    index[key(a)] = hit
                items.remove(other)
            if hit is None:
                hit = {"name": name, "aliases": [], "sources": []}
                items.append(hit)
                index[key(name)] = hit
            if sid not in hit["sources"]:
                hit["sources"].append(sid)
            for a in ([name] if hit["name"] != name else []) + aliases:
                ka = key(a)
                if a.lower() == hit["name"].lower() or any(x.lower() == a.lower() for x in hit["aliases"]):
                    continue
                if ka == key(hit["name"]) or any(key(x) == ka for x in hit["aliases"]):
                    # a spelling variant (plural, hyphen, apostrophe) of the same name: kept,
                    # so that an exact-match lookup finds it too
                    hit["aliases"].append(a)
                    continue
                if ka in index and index[ka] is not hit:
                    report["alias_conflicts"].append((sid, a, index[ka]["name"], hit["name"]))
                    continue
                if " " not in a and ka in stop_words:
                    continue
                hit["aliases"].append(a)
                index[ka] = hit
    items.sort(key=lambda c: (c["name"].lower(), c["name"]))
    doc = {"version": 1, "sources": sources,
           "concepts": [{"name": c["name"], "aliases": c["aliases"],
                         "sources": [s for s in ids if s in c["sources"]]} for c in items]}

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow=False, indentless=False):
            return super().increase_indent(flow, False)

    def _list(dumper, value):  # lists of strings in flow style, as in corpus/outside-concepts.yaml
        flow = all(isinstance(v, str) for v in value)
        return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)

    Dumper.add_representer(list, _list)
    text = yaml.dump(doc, Dumper=Dumper, sort_keys=False, allow_unicode=True,
                     default_flow_style=False, width=4096)
    Path(out_path).write_text(header + text, encoding="utf-8")
    return doc, report


def validate(path):
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    ids = {s["id"] for s in doc["sources"]}
    seen = set()
    for c in doc["concepts"]:
        assert isinstance(c["name"], str) and c["name"].strip(), c
        assert isinstance(c["aliases"], list), c
        assert c["sources"] and set(c["sources"]) <= ids, c
        assert c["name"].lower() not in seen, ("duplicate name", c["name"])
        seen.add(c["name"].lower())
    return doc


def main(out, sources, data, stop_words, header):
    """Writes ``out`` from the lists of one field's build script, checks it and prints what came from where."""
    doc, report = build(sources, data, stop_words, out, header)
    doc = validate(out)
    per = {s["id"]: 0 for s in sources}
    for c in doc["concepts"]:
        for s in c["sources"]:
            per[s] += 1
    print(f"{out}: {len(doc['concepts'])} concepts, "
          f"{sum(len(c['sources']) > 1 for c in doc['concepts'])} from two or more sources")
    for s in sources:
        print(f"  {s['id']:32s} {per[s['id']]:5d}")
    if report["stopped"]:
        print("left out (stop words):", ", ".join(f"{n} ({s})" for s, n in report["stopped"]))
    for sid, n, a, b in report["merged"]:
        print(f"merged: {a!r} + {b!r} (by {n!r}, {sid})")
    for sid, a, owner, target in report["alias_conflicts"]:
        print(f"alias not added: {a!r} ({sid}) already names {owner!r}; kept off {target!r}")

