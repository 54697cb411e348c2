"""A real OpenSSH server on 127.0.0.1 for the SFTP deploy tests.

``SshServer(folder).start()`` generates a host key and a user key with
``ssh-keygen`` into ``folder``, writes an ``sshd_config`` that accepts only
that user key (the current user, root included: ``prohibit-password``), and
runs ``/usr/sbin/sshd -D -e`` on a free high port. ``internal-sftp`` is the
subsystem, so the OpenSSH extensions the host relies on (``posix-rename``,
``hardlink``, ``copy-data``, ``statvfs``) are the real ones.

Password authentication is on, but no password can succeed (``UsePAM no``
and a root login is key-only; another user has no password sshd can check):
the wrong-password test needs nothing more than a refusal from a real server.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")


def tools_missing() -> str | None:
    """Why this fixture cannot run here, or None."""
    if not SSHD.exists():
        return "OpenSSH server not installed (/usr/sbin/sshd; Debian package openssh-server)"
    if shutil.which("ssh-keygen") is None:
        return "ssh-keygen not installed (Debian package openssh-client)"
    return None


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def keygen(path: Path, kind: str = "ed25519") -> str:
    """A new key pair at ``path`` (private) and ``path.pub``; returns the public line."""
    path.unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", "portal-test", "-f", str(path)],
                   check=True, capture_output=True)
    return (path.with_name(path.name + ".pub")).read_text(encoding="ascii").strip()


def _descendants(root: int) -> list[int]:
    """The processes below ``root`` (from /proc), children first found first."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


class SshServer:
    """One sshd process serving SFTP from ``folder`` (its keys, config and log live there too)."""

    def __init__(self, folder: Path, sftp_flags: str = "") -> None:
        self.folder = folder
        self.sftp_flags = sftp_flags  # e.g. "-R" for a read-only server
        self.port = 0
        self.user = getpass.getuser()
        self.process: subprocess.Popen | None = None
        self.host_pub = ""
        self.user_key = folder / "id_ed25519"
        self.log = folder / "sshd.log"

    # ------------------------------------------------------------------ keys
    def known_hosts(self, public_line: str | None = None) -> str:
        """The known_hosts text for this server (``[127.0.0.1]:port keytype base64``)."""
        kind, blob = (public_line or self.host_pub).split()[:2]
        return f"[127.0.0.1]:{self.port} {kind} {blob}\n"

    def user_key_text(self) -> str:
        """The private user key, as a deploy secret holds it."""
        return self.user_key.read_text(encoding="ascii")

    def rotate_host_key(self) -> None:
        """Give the server a new host key (a reinstalled or impersonated server), then restart."""
        self.stop()
        self.host_pub = keygen(self.folder / "ssh_host_ed25519_key")
        self._spawn()

    # ------------------------------------------------------------------ life
    def start(self) -> SshServer:
        """Generate keys and config, start sshd, wait until it accepts connections."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.host_pub = keygen(self.folder / "ssh_host_ed25519_key")
        user_pub = keygen(self.user_key)
        (self.folder / "authorized_keys").write_text(user_pub + "\n", encoding="ascii")
        self.port = free_port()
        self._spawn()
        return self

    def _config(self) -> Path:
        sftp = f"internal-sftp {self.sftp_flags}".strip()
        lines = [
            f"Port {self.port}",
            "ListenAddress 127.0.0.1",
            f"HostKey {self.folder / 'ssh_host_ed25519_key'}",
            f"PidFile {self.folder / 'sshd.pid'}",
            f"AuthorizedKeysFile {self.folder / 'authorized_keys'}",
            "StrictModes no",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication yes",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "UseDNS no",
            "MaxStartups 50",
            "MaxSessions 50",
            "LogLevel VERBOSE",
            f"Subsystem sftp {sftp}",
        ]
        path = self.folder / "sshd_config"
        path.write_text("\n".join(lines) + "\n", encoding="ascii")
        return path

    def _spawn(self) -> None:
        # sshd refuses to start without its privilege-separation directory.
        if os.geteuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        config = self._config()
        log = self.log.open("ab")
        self.process = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)],
                                        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"sshd exited: {self.log.read_text(errors='replace')}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(64).startswith(b"SSH-"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"sshd did not start on port {self.port}")

    def stop(self) -> None:
        """Stop the server (its running sessions end with it)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill_sessions(self) -> None:
        """SIGKILL every session process of this server (a dropped connection); the listener stays."""
        assert self.process is not None
        for pid in _descendants(self.process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def env(self, **extra: str) -> dict[str, str]:
        """The deploy secrets for this server: the user key and its known_hosts line."""
        return {"DEPLOY_SSH_KEY": self.user_key_text(), "DEPLOY_KNOWN_HOSTS": self.known_hosts(), **extra}

    def url(self, path: Path | str) -> str:
        """The deploy target for the folder ``path`` on this server."""
        return f"sftp://{self.user}@127.0.0.1:{self.port}{path}"
