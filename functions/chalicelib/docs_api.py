"""The API's own description: the OpenAPI 3.1 document and a page people can read."""

from __future__ import annotations

from functools import cache
from typing import Any

from chalice.app import Response

from chalicelib.http import Api, RequestContext
from chalicelib.http.docs_page import render_docs_page

api = Api(tag="docs", description="This document and its readable page")
bp = api.blueprint
TITLE = "IoTSphere API"
VERSION = "1.0.0"


@cache
def openapi_document() -> dict[str, Any]:
    from chalicelib.apis import ALL_APIS  # the list holds this module's Api too
    from chalicelib.http.openapi import build_openapi

    return build_openapi(ALL_APIS, TITLE, VERSION)


@api.route(
    "GET",
    "/openapi.json",
    summary="The OpenAPI 3.1 document",
    permission=None,
    response=dict[str, Any],
)
def get_openapi(ctx: RequestContext) -> dict[str, Any]:
    return openapi_document()


@api.route("GET", "/docs", summary="The API reference as a page", permission=None)
def get_docs_page(ctx: RequestContext) -> Response:
    return Response(
        body=render_docs_page(openapi_document()),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
