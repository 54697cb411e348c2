"""The S3 host: any S3-compatible object store (AWS, SeaweedFS, MinIO, a cloud's object storage).

Target ``s3://bucket/prefix``; everything else comes from the environment only
(``S3_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``,
``AWS_REGION``), never from ``~/.aws`` credentials, so a deploy runs with the
keys the workflow hands it and nothing else.

S3 has no symlinks and no rename, so the host is not atomic: ``run`` replaces
objects in place, in an order where no page points to a missing object. A
``PutObject`` is itself atomic (a reader sees the old object or the new one,
never half), which is all ``write`` needs.

The deploy lock is a conditional write, ``PutObject`` with ``If-None-Match: *``
(AWS since 2024-08, SeaweedFS, MinIO): the store itself refuses a second
creator with 412, so two deploys cannot both take the lock. A store that does
not implement conditional writes answers 501 ``NotImplemented``; then ``create``
falls back to "HEAD, then PUT", which leaves a race of one round trip between
two deploys started at the same instant (documented, and the lock's owner is
read back by ``run``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import boto3  # type: ignore[import-untyped]
import botocore.config  # type: ignore[import-untyped]
import botocore.exceptions  # type: ignore[import-untyped]

from pipeline.deploy.hosts import DeployError

# Codes a store answers when the key pair itself is wrong (AWS and the compatibles).
CREDENTIAL_CODES = frozenset({
    "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId",
    "AuthorizationHeaderMalformed", "InvalidToken", "ExpiredToken", "InvalidSecurity",
})
MISSING_CODES = frozenset({"NoSuchKey", "404", "NotFound"})
EXISTS_CODES = frozenset({"PreconditionFailed", "412", "ConditionalRequestConflict", "409"})
UNSUPPORTED_CODES = frozenset({"NotImplemented", "501"})
DEFAULT_REGION = "us-east-1"  # what AWS and most compatibles take when a store has no regions


class S3Target(Protocol):
    """What this module reads of ``run.Target`` (``s3://host/path``: bucket and prefix), read-only."""

    @property
    def host(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def label(self) -> str: ...


def open_host(target: S3Target, env: Mapping[str, str]) -> S3Host:
    """A connected S3 host for ``target``, with the credentials of ``env`` only."""
    key_id = env.get("AWS_ACCESS_KEY_ID", "")
    secret = env.get("AWS_SECRET_ACCESS_KEY", "")
    if not key_id or not secret:
        raise DeployError(
            f"{target.label}: AWS_ACCESS_KEY_ID dan AWS_SECRET_ACCESS_KEY belum diisi. "
            "Isi keduanya (rahasia lingkungan web-host) dengan kunci akses bucket, lalu jalankan ulang."
        )
    if not target.host:
        raise DeployError(f"{target.label}: nama bucket kosong. Tulis target sebagai s3://bucket/awalan.")
    endpoint = env.get("S3_ENDPOINT_URL") or None
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=env.get("AWS_REGION") or DEFAULT_REGION,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=_client_config(custom_endpoint=endpoint is not None),
    )
    host = S3Host(client, bucket=target.host, prefix=target.path, label=target.label, endpoint=endpoint)
    host.check_bucket()
    return host


def _client_config(custom_endpoint: bool) -> Any:
    """Path-style addressing and plain checksums for custom endpoints; bounded waits everywhere."""
    options: dict[str, Any] = {
        "connect_timeout": 10,
        "read_timeout": 60,
        "retries": {"max_attempts": 3, "mode": "standard"},
    }
    if custom_endpoint:
        # Virtual-host addressing needs a DNS name per bucket, which 127.0.0.1 or a
        # kabupaten's own store rarely has; and many compatibles still refuse the
        # CRC checksums boto3 sends by default since 1.36.
        options["s3"] = {"addressing_style": "path"}
        options["request_checksum_calculation"] = "when_required"
        options["response_checksum_validation"] = "when_required"
    return botocore.config.Config(**options)


class S3Host:
    """Objects under ``prefix`` in ``bucket``; paths are relative to the prefix."""

    atomic = False

    def __init__(self, client: Any, *, bucket: str, prefix: str, label: str, endpoint: str | None) -> None:
        self.client = client
        self.bucket = bucket
        self.base = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.label = label
        self.endpoint = endpoint or "s3.amazonaws.com"

    def key(self, path: str) -> str:
        """The object key of the root-relative ``path``."""
        return self.base + path.strip("/")

    def check_bucket(self) -> None:
        """Fail early, with the right message, on wrong keys or a missing bucket."""
        with self._errors("memeriksa bucket", ""):
            self.client.list_objects_v2(Bucket=self.bucket, Prefix=self.base, MaxKeys=1)

    def read(self, path: str) -> bytes | None:
        """The object's bytes, or None when there is no such object."""
        try:
            with self._errors("membaca", path):
                response = self.client.get_object(Bucket=self.bucket, Key=self.key(path))
                return bytes(response["Body"].read())
        except _Missing:
            return None

    def write(self, path: str, data: bytes, content_type: str, cache_control: str) -> None:
        """Put the object whole, with its Content-Type and Cache-Control."""
        with self._errors("mengunggah", path):
            self.client.put_object(
                Bucket=self.bucket, Key=self.key(path), Body=data,
                ContentType=content_type, CacheControl=cache_control,
            )

    def create(self, path: str, data: bytes) -> bool:
        """Put the object only if none exists (a conditional write); False when one did."""
        try:
            with self._errors("membuat", path):
                self.client.put_object(Bucket=self.bucket, Key=self.key(path), Body=data, IfNoneMatch="*")
            return True
        except _Exists:
            return False
        except _Unsupported:
            return self._create_racy(path, data)

    def _create_racy(self, path: str, data: bytes) -> bool:
        """HEAD then PUT, for stores without conditional writes (a one-round-trip race)."""
        try:
            with self._errors("memeriksa", path):
                self.client.head_object(Bucket=self.bucket, Key=self.key(path))
            return False
        except _Missing:
            pass
        with self._errors("membuat", path):
            self.client.put_object(Bucket=self.bucket, Key=self.key(path), Body=data)
        return True

    def delete(self, path: str) -> None:
        """Delete the object (S3 answers success for a missing one too)."""
        with self._errors("menghapus", path):
            self.client.delete_object(Bucket=self.bucket, Key=self.key(path))

    def walk(self, prefix: str) -> Iterator[str]:
        """Every object under the folder ``prefix``, listed page by page (1,000 keys a page)."""
        folder = self.key(prefix) + "/" if prefix.strip("/") else self.base
        paginator = self.client.get_paginator("list_objects_v2")
        with self._errors("mendaftar", prefix or "/"):
            for page in paginator.paginate(Bucket=self.bucket, Prefix=folder):
                for entry in page.get("Contents", []):
                    name = entry["Key"][len(self.base):]
                    if name and not name.endswith("/"):  # skip folder markers some tools create
                        yield name

    def close(self) -> None:
        """Close the client's connection pool."""
        self.client.close()

    # S3 has no links; run never calls these on a host with atomic = False, but a
    # server-side copy and a prefix delete are still the honest meanings.
    def link(self, source: str, target: str) -> None:
        """Copy ``source`` to ``target`` inside the store (no bytes travel)."""
        with self._errors("menyalin", source):
            self.client.copy_object(
                Bucket=self.bucket, Key=self.key(target),
                CopySource={"Bucket": self.bucket, "Key": self.key(source)},
            )

    def switch(self, link: str, target: str) -> None:
        """Not possible on S3: there are no symlinks."""
        raise NotImplementedError("S3 has no symlinks; run must not switch a non-atomic host")

    def readlink(self, link: str) -> str | None:
        """Always None: S3 has no symlinks."""
        return None

    def remove_tree(self, path: str) -> None:
        """Delete every object under the folder ``path``."""
        for name in list(self.walk(path)):
            self.delete(name)

    @contextmanager
    def _errors(self, action: str, path: str) -> Iterator[None]:
        """Turn botocore's errors into DeployError (Indonesian, no secret) or the internal signals."""
        try:
            yield
        except botocore.exceptions.ClientError as exc:
            raise self._client_error(exc, action, path) from None
        except (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError) as exc:
            # ConnectionError: refused, DNS, connect timeout; HTTPClientError: dropped mid-request, read timeout.
            raise DeployError(
                f"{self.label}: sambungan ke {self.endpoint} gagal saat {action} {path or '/'} "
                f"({type(exc).__name__}). Periksa S3_ENDPOINT_URL dan jaringan, lalu jalankan ulang deploy: "
                "berkas yang sudah terunggah tidak diunggah lagi."
            ) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise DeployError(
                f"{self.label}: S3 gagal saat {action} {path or '/'} ({type(exc).__name__}). "
                "Jalankan ulang deploy; bila terulang, periksa pengaturan S3_ENDPOINT_URL dan AWS_REGION."
            ) from None

    def _client_error(self, exc: Any, action: str, path: str) -> Exception:
        """The exception for a refused request: a signal for missing/existing, else a DeployError."""
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        if code in MISSING_CODES and action in {"membaca", "memeriksa"}:
            return _Missing()
        if code in EXISTS_CODES and action == "membuat":
            return _Exists()
        if code in UNSUPPORTED_CODES and action == "membuat":
            return _Unsupported()
        return DeployError(self._message(code, status, action, path))

    def _message(self, code: str, status: object, action: str, path: str) -> str:
        """The Indonesian message for an S3 error code; the store's own text is never echoed."""
        where = path or "/"
        if code in CREDENTIAL_CODES:
            return (f"{self.label}: kunci akses S3 ditolak ({code}). Periksa AWS_ACCESS_KEY_ID dan "
                    "AWS_SECRET_ACCESS_KEY di rahasia lingkungan web-host, lalu jalankan ulang.")
        if code == "NoSuchBucket":
            return (f"{self.label}: bucket '{self.bucket}' tidak ada di {self.endpoint}. "
                    "Buat bucket itu atau perbaiki nama bucket pada target, lalu jalankan ulang.")
        if code in {"AccessDenied", "403", "AllAccessDisabled"}:
            return (f"{self.label}: akses ditolak saat {action} {where} ({code}). Beri kunci ini izin "
                    f"membaca, menulis, menghapus dan mendaftar objek di bucket '{self.bucket}'.")
        if code in {"QuotaExceeded", "EntityTooLarge", "InsufficientStorage", "507"}:
            return (f"{self.label}: penyimpanan penuh atau kuota habis saat {action} {where} ({code}). "
                    "Kosongkan ruang atau naikkan kuota bucket, lalu jalankan ulang deploy.")
        return (f"{self.label}: S3 menolak {action} {where} ({code or 'tanpa kode'}, HTTP {status}). "
                "Jalankan ulang deploy; bila terulang, periksa layanan penyimpanan.")


class _Missing(Exception):
    """Internal: the object does not exist."""


class _Exists(Exception):
    """Internal: a conditional create found the object already there."""


class _Unsupported(Exception):
    """Internal: the store does not implement conditional writes."""
