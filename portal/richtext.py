"""Rich text from people (note bodies, updates): sanitised to a small allowlist, and its plain text for search."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "blockquote", "a", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitize(raw: str) -> str:
    """Keep formatting, drop everything that could run or load anything. Plain text becomes paragraphs."""
    raw = raw or ""
    if not re.match(r"\s*<[a-zA-Z!/]", raw):  # plain text (a textarea): escape it and keep its paragraphs
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", raw) if p.strip()]
        raw = "".join("<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(sanitized_html: str) -> str:
    text = re.sub(r"<(br|/p|/li|/h3|/h4|/blockquote)\s*/?>", "\n", sanitized_html)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\n{3,}", "\n\n", html.unescape(text)).strip()
