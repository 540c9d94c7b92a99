"""Entries as teams keep them, mapped onto the glossary schema: the field names people use, tags as the
category, a Markdown body as longer details.

    >>> to_glossary([{"title": "Pod", "aka": "pods", "short_description": "A set of containers.", "tags": ["core"]}])
    {'version': 1, 'entries': [{'term': 'Pod', 'aliases': ['pods'], 'definition': 'A set of containers.', 'category': 'core'}]}

A mapping with ``version`` is already in the schema (``corpus/glossary.yaml``) and is left as it is, so its
typos stay errors. Anything else — a list of entries, a mapping holding one under ``entries``, ``terms``,
``glossary`` or ``items``, or a mapping of term to definition — is mapped, and fields no mapping names
(``slug``, ``page-type`` ...) are dropped.
"""
from __future__ import annotations

import re

from assistant.formats.markup import links, plain_text
from assistant.text import normalize_name

# Schema field <- the names people give it, first found wins.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "term": ("term", "title", "name", "word", "label"),
    "aliases": ("aliases", "aka", "synonyms", "alias", "also_known_as", "abbreviations", "acronym"),
    "definition": ("definition", "short_description", "description", "summary", "meaning", "short"),
    "category": ("category", "tags", "categories", "group", "section", "topic"),
    "example": ("example", "examples"),
    "use_case": ("use_case", "use", "usage"),
    "analogy": ("analogy",),
    "details": ("details", "long_description", "explanation"),
    "notes": ("notes", "note"),
    "links": ("links", "related", "see_also", "see", "related_terms"),
}
DEFAULT_CATEGORY = "General"
BODY = ("body", "content", "text")  # Markdown text: the definition's paragraph when no field gives one, then details
_IDS = ("id", "slug", "term_id", "key")  # what links use to point at an entry
ENTRY_LISTS = ("entries", "terms", "glossary", "items")  # keys a mapping may keep its list of entries under
_PARENTHESIS = re.compile(r"(.+?)\s*\(([^()]+)\)")


def to_glossary(data: object) -> object:
    """``data`` in the glossary schema; what cannot be mapped is returned as it is, for validation to name."""
    if isinstance(data, dict) and "version" in data:
        return data
    if isinstance(data, dict):
        data = next((data[k] for k in ENTRY_LISTS if isinstance(data.get(k), list)), data)
    if isinstance(data, dict) and data and all(isinstance(v, (str, dict)) for v in data.values()):
        # term -> definition (or term -> fields): "alternative hypothesis: A hypothesis stating ..."
        data = [{"term": k, "definition": v} if isinstance(v, str) else {"term": k, **v} for k, v in data.items()]
    if not isinstance(data, list):
        return data
    entries = [to_entry(item) if isinstance(item, dict) else item for item in data]
    return {"version": 1, "entries": _resolve_links(_add_derived_names(entries))}


def to_entry(raw: dict) -> dict:
    """One entry from a team's fields. A Markdown body (``BODY``) becomes the definition's paragraph when no
    field gives one, and the details after it; its links are kept in ``links``."""
    lowered = {str(k).strip().lower().replace("-", "_").replace(" ", "_"): v for k, v in raw.items()}
    body = next((lowered[n] for n in BODY if isinstance(lowered.get(n), str)), None)
    entry: dict = {}
    for field, names in FIELD_NAMES.items():
        value = next((lowered[n] for n in names if lowered.get(n) not in (None, "", [])), None)
        if value is not None:
            entry[field] = _value(field, value)
    paragraphs = plain_text(body).split("\n\n") if body and body.strip() else []
    if "definition" not in entry and paragraphs:
        entry["definition"], paragraphs = paragraphs[0], paragraphs[1:]
    if paragraphs and "details" not in entry:
        entry["details"] = "\n\n".join(paragraphs)
    if body:
        entry["links"] = list(dict.fromkeys([*entry.get("links", []), *links(body)]))
    entry.setdefault("category", DEFAULT_CATEGORY)
    entry["_derived"] = _name_parts(str(entry.get("term", "")))
    key = next((str(lowered[n]) for n in _IDS if lowered.get(n)), None)
    if key:
        entry["_id"] = key.rstrip("/").rsplit("/", 1)[-1].replace("_", " ")  # "Glossary/Cross-site_scripting"
    return {k: v for k, v in entry.items() if v not in ("", [], None)}


def _name_parts(term: str) -> list[str]:
    """"Infrastructure as a Service (IaaS)" is also called "Infrastructure as a Service" and "IaaS"."""
    match = _PARENTHESIS.fullmatch(term.strip())
    return [match.group(1).strip(), match.group(2).strip()] if match else []


def _add_derived_names(entries: list) -> list:
    """The names ``_name_parts`` derives become aliases, unless another entry has or derives the same name
    ("CD" for both Continuous Delivery (CD) and Continuous Deployment (CD): neither gets it)."""
    mapped = [e for e in entries if isinstance(e, dict)]
    claims: dict[str, int] = {}
    for entry in mapped:
        for name in {normalize_name(n) for n in [entry.get("term", ""), *entry.get("aliases", []),
                                                 *entry.get("_derived", [])]}:
            claims[name] = claims.get(name, 0) + 1
    for entry in mapped:
        derived = [n for n in entry.pop("_derived", []) if claims.get(normalize_name(n)) == 1]
        if derived:
            entry["aliases"] = list(dict.fromkeys([*entry.get("aliases", []), *derived]))
    return entries


def _resolve_links(entries: list) -> list:
    """Links that use an entry's id or slug name its term instead; the ids are dropped."""
    terms = {normalize_name(e["_id"]): e.get("term") for e in entries if isinstance(e, dict) and "_id" in e}
    for entry in entries:
        if isinstance(entry, dict):
            entry.pop("_id", None)
            if entry.get("links"):
                entry["links"] = list(dict.fromkeys(terms.get(normalize_name(x)) or x for x in entry["links"]))
    return entries


def _value(field: str, value: object) -> object:
    if field in ("aliases", "links"):
        items = value if isinstance(value, list) else str(value).split(",")
        return [plain_text(str(v)) for v in items if str(v).strip()]
    if field == "category" and isinstance(value, list):
        return plain_text(str(value[0])) if value else DEFAULT_CATEGORY
    if isinstance(value, list):
        return "\n\n".join(plain_text(str(v)) for v in value)
    return plain_text(str(value)) if isinstance(value, str) else value
