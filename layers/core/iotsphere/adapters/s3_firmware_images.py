"""Firmware images and their signed manifests in one S3 bucket (LocalStack locally)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from iotsphere.services.errors import StoreUnavailableError
from iotsphere.services.firmware.errors import ImageNotFoundError
from iotsphere.services.firmware.ports import ImageInfo

CHUNK_BYTES = 1024 * 1024
MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


class S3FirmwareImages:
    def __init__(self, s3: Any, bucket: str) -> None:
        self._s3 = s3
        self._bucket = bucket

    def _fail(self, key: str, exc: Exception) -> Exception:
        if isinstance(exc, ClientError) and exc.response.get("Error", {}).get("Code") in MISSING:
            return ImageNotFoundError(f"no image s3://{self._bucket}/{key}")
        return StoreUnavailableError(f"S3 firmware bucket {self._bucket}: {exc}")

    def describe(self, key: str) -> ImageInfo:
        try:
            head = self._s3.head_object(Bucket=self._bucket, Key=key)
        except (BotoCoreError, ClientError) as exc:
            raise self._fail(key, exc) from exc
        return ImageInfo(size=int(head["ContentLength"]), metadata=dict(head.get("Metadata", {})))

    def read(self, key: str) -> Iterator[bytes]:
        try:
            body = self._s3.get_object(Bucket=self._bucket, Key=key)["Body"]
            yield from body.iter_chunks(CHUNK_BYTES)
        except (BotoCoreError, ClientError) as exc:
            raise self._fail(key, exc) from exc

    def put_manifest(self, key: str, data: bytes) -> None:
        try:
            self._s3.put_object(
                Bucket=self._bucket, Key=key, Body=data, ContentType="application/json"
            )
        except (BotoCoreError, ClientError) as exc:
            raise self._fail(key, exc) from exc

    def download_url(self, key: str, expires_in: timedelta) -> str:
        return self._presign("get_object", {"Key": key}, expires_in)

    def upload_url(self, key: str, expires_in: timedelta, metadata: Mapping[str, str]) -> str:
        return self._presign("put_object", {"Key": key, "Metadata": dict(metadata)}, expires_in)

    def _presign(self, method: str, params: dict[str, Any], expires_in: timedelta) -> str:
        try:
            return str(
                self._s3.generate_presigned_url(
                    method,
                    Params={"Bucket": self._bucket, **params},
                    ExpiresIn=int(expires_in.total_seconds()),
                )
            )
        except (BotoCoreError, ClientError) as exc:
            raise self._fail(str(params["Key"]), exc) from exc
