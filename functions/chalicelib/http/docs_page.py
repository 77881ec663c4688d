"""A readable page of the OpenAPI document, rendered on the server: no script, no CDN."""

from __future__ import annotations

import json
from html import escape
from typing import Any

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{border-bottom:1px solid #ddd;padding-bottom:.3rem}
section{margin:1rem 0;padding:.5rem 1rem;border-left:4px solid #4a7}
code{background:#f4f4f4;padding:0 .2rem} .method{font-weight:bold;text-transform:uppercase}
details pre{background:#f8f8f8;padding:.5rem;overflow:auto}
"""


def render_docs_page(document: dict[str, Any]) -> str:
    info = document["info"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(info['title'])}</title><style>{STYLE}</style></head><body>",
        f"<h1>{escape(info['title'])} {escape(info['version'])}</h1>",
        "<p>Machine-readable: <a href='/v1/openapi.json'>/v1/openapi.json</a>. Authenticate with "
        "<code>Authorization: Bearer &lt;access token&gt;</code> or "
        "<code>Authorization: ApiKey &lt;key&gt;</code>. Errors are RFC 9457 problem details.</p>",
    ]
    for tag in document.get("tags", []):
        parts.append(f"<h2>{escape(tag['name'])}</h2><p>{escape(tag['description'])}</p>")
        for path, item in document["paths"].items():
            for method, op in item.items():
                if tag["name"] in op["tags"]:
                    parts.append(render_operation(method, path, op))
    parts.append("</body></html>")
    return "".join(parts)


def render_operation(method: str, path: str, op: dict[str, Any]) -> str:
    rows = "".join(
        f"<li><code>{escape(p['name'])}</code> ({p['in']}{', required' if p['required'] else ''})"
        f" {escape(p.get('description', ''))}</li>"
        for p in op["parameters"]
    )
    body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    statuses = ", ".join(op["responses"])
    return (
        f"<section id='{escape(op['operationId'])}'>"
        f"<p><span class='method'>{method}</span> <code>{escape(path)}</code> — "
        f"{escape(op['summary'])}</p>"
        f"<p>{escape(op.get('description', 'Public.'))} Answers: {statuses}.</p>"
        + (f"<ul>{rows}</ul>" if rows else "")
        + (
            f"<details><summary>body</summary><pre>{escape(json.dumps(body['schema']))}</pre>"
            "</details>"
            if body
            else ""
        )
        + "</section>"
    )
