"""Fetching a firmware image the way a device does: one HTTP GET of the offer's presigned URL,
streamed in chunks. Anything but a 200 (an expired URL answers 403) or a broken connection is a
``DownloadError``, which makes the agent ask for a fresh offer instead of reporting a failure."""

from __future__ import annotations

from collections.abc import Iterator

import requests

from iotsphere.domain.firmware.errors import DownloadError

CHUNK_BYTES = 64 * 1024
TIMEOUT_S = 30.0


def http_fetch(url: str) -> Iterator[bytes]:
    try:
        with requests.get(url, stream=True, timeout=TIMEOUT_S) as answer:
            if answer.status_code != 200:
                raise DownloadError(f"image download answered {answer.status_code}")
            yield from answer.iter_content(CHUNK_BYTES)
    except requests.RequestException as exc:
        raise DownloadError(f"image download failed: {type(exc).__name__}") from exc
