"""Docs-site markup reduced to the text a reader sees, and the term links it holds.

    >>> plain_text('See {{< glossary_tooltip text="pods" term_id="pod" >}} and [the API](/docs/api/). <!--more-->')
    'See pods and the API.'
    >>> links('Like {{Glossary("HTTP")}}, [a cookie](/en-US/docs/Glossary/Cookie) or [pods](/pod/)')
    ['HTTP', 'Cookie', 'pod']
"""
from __future__ import annotations

import html
import re

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TOOLTIP = re.compile(r"\{\{<\s*glossary_tooltip\b[^>]*?\btext=\"([^\"]*)\"[^>]*?>\}\}")  # Hugo (Kubernetes-style)
_TOOLTIP_TERM = re.compile(r"\{\{<\s*glossary_tooltip\b[^>]*?\bterm_id=\"([^\"]*)\"[^>]*?>\}\}")
_MACRO = re.compile(r"\{\{\s*(?:Glossary|glossary)\(\s*\"([^\"]*)\"(?:\s*,\s*\"([^\"]*)\")?[^)]*\)\s*\}\}")  # MDN
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}|\{\{[^{}]*\}\}", re.DOTALL)  # any other shortcode or macro: dropped
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_TAG = re.compile(r"</?[A-Za-z][^>]*>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+", re.MULTILINE)
_GLOSSARY_PATH = re.compile(r"glossary[/#]([^/#?)]+)/?$", re.IGNORECASE)
_SIBLING = re.compile(r"^(?:\.{0,2}/)?([\w-]+?)(?:\.md)?/?$")  # "/service-mesh/", "../pod", "node.md": a sibling term


def plain_text(text: str) -> str:
    """Markdown with shortcodes, HTML and links as the reader sees it: one paragraph per blank-line block."""
    text = _COMMENT.sub("", text)
    text = _TOOLTIP.sub(r"\1", text)
    text = _MACRO.sub(lambda m: m.group(2) or m.group(1), text)
    text = _SHORTCODE.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _HEADING.sub("", text)
    text = _LIST_MARK.sub("", text)
    paragraphs = [" ".join(block.split()) for block in re.split(r"\n\s*\n", html.unescape(text))]
    return "\n\n".join(p for p in paragraphs if p)


def links(text: str) -> list[str]:
    """The glossary terms a text links to, in order: tooltip and glossary-macro targets, links into a glossary
    path (``.../glossary/<term>``) and relative links to a sibling page (``/service-mesh/``, ``node.md``), which
    is how docs sites link one term's page to another's."""
    found: list[tuple[int, str]] = [(m.start(), m.group(1)) for m in _TOOLTIP_TERM.finditer(text)]
    found += [(m.start(), m.group(1)) for m in _MACRO.finditer(text)]
    for m in _LINK.finditer(text):
        target = _GLOSSARY_PATH.search(m.group(2)) or _SIBLING.match(m.group(2))
        if target:
            found.append((m.start(), target.group(1).replace("_", " ")))
    return [name for _, name in sorted(found)]
