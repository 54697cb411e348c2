"""A real FTPS server on 127.0.0.1 for the deploy tests: pyftpdlib's ``TLS_FTPHandler``.

``FtpsServer(tmp_path)`` generates a private CA and a server certificate for
127.0.0.1 (``cryptography``), writes them under ``tmp_path``, and runs this
file as a child process (its own process, so a test can kill the server to
drop every connection, and pyftpdlib's class-level TLS settings never leak
between servers). TLS is required on the control and the data connections
(explicit ``AUTH TLS``), one user with a password and a home folder, passive
ports in a random high range. ``tls=False`` runs a plain FTP server instead
(for ``ftp://`` with ``--insecure``).

Used as a context manager::

    with FtpsServer(tmp_path) as server:
        env = server.env()                       # DEPLOY_PASSWORD, DEPLOY_CA_FILE
        url = server.url("/www")                 # ftps://deploy@127.0.0.1:PORT/www
        (server.home / "www" / "index.html").read_bytes()
"""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import random
import subprocess
import sys
from pathlib import Path

USER = "deploy"
READONLY_USER = "tamu"  # same password, may list and read only: the server refuses every write (550)
NO_CHMOD_USER = "tanpa-chmod"  # same password, may write but not SITE CHMOD (550), like many shared hosts
PASSWORD = "ftps-SENTINEL-sandi-7f3a9c"  # a sentinel: tests assert it never reaches any output


# --------------------------------------------------------------------------- certificates

def make_ca(name: str):
    """A self-signed CA: (certificate, private key) objects of ``cryptography``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                     content_commitment=False, key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def make_server_cert(ca_cert, ca_key, host: str = "127.0.0.1"):
    """A server certificate for ``host`` (an IP address SAN, plus ``localhost``), signed by the CA."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host)),
                                                    x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def pem(cert=None, key=None) -> bytes:
    """PEM bytes of a certificate and/or a private key (unencrypted)."""
    from cryptography.hazmat.primitives import serialization

    out = b""
    if cert is not None:
        out += cert.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        out += key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    return out


def write_ca_file(path: Path, name: str = "CA Lain") -> Path:
    """A CA certificate file of a CA that signed nothing the server uses (the "unknown CA" case)."""
    cert, _ = make_ca(name)
    path.write_bytes(pem(cert))
    return path


# --------------------------------------------------------------------------- the server process

class FtpsServer:
    """An FTPS (or, ``tls=False``, plain FTP) server in a child process; see the module docstring."""

    def __init__(self, tmp: Path, *, tls: bool = True, user: str = USER, password: str = PASSWORD,
                 max_file_bytes: int = 0) -> None:
        self.dir = tmp / ("ftps-server" if tls else "ftp-server")
        self.home = self.dir / "home"
        self.tls, self.user, self.password = tls, user, password
        self.max_file_bytes = max_file_bytes  # >0: no file may grow past it (RLIMIT_FSIZE), as on a full disk
        self.ca_file = self.dir / "ca.pem"
        self.port = 0
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> FtpsServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        """Write the certificates and the config, start the server, wait for its port."""
        self.home.mkdir(parents=True, exist_ok=True)
        config = {"home": str(self.home), "user": self.user, "password": self.password, "tls": self.tls,
                  "passive": _passive_range(), "parent": os.getpid(), "max_file_bytes": self.max_file_bytes}
        if self.tls:
            ca_cert, ca_key = make_ca("CA Uji Portal")
            cert, key = make_server_cert(ca_cert, ca_key)
            self.ca_file.write_bytes(pem(ca_cert))
            (self.dir / "server.pem").write_bytes(pem(cert, key))
            config["certfile"] = str(self.dir / "server.pem")
        (self.dir / "config.json").write_text(json.dumps(config), encoding="utf-8")
        log = open(self.dir / "server.log", "ab")  # noqa: SIM115 - the child owns it
        self.process = subprocess.Popen([sys.executable, __file__, str(self.dir / "config.json")],
                                        stdout=subprocess.PIPE, stderr=log, text=True)
        log.close()
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"FTPS server did not start: {(self.dir / 'server.log').read_text()}")
        self.port = int(line.split()[1])

    def stop(self) -> None:
        """Kill the server: every open connection drops."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def url(self, path: str = "/www", user: str | None = None) -> str:
        scheme = "ftps" if self.tls else "ftp"
        return f"{scheme}://{user or self.user}@127.0.0.1:{self.port}{path}"

    def env(self, **extra: str) -> dict[str, str]:
        """The deploy's secrets for this server: the password and (TLS) the private CA."""
        env = {"DEPLOY_PASSWORD": self.password}
        if self.tls:
            env["DEPLOY_CA_FILE"] = str(self.ca_file)
        env.update(extra)
        return env


def _passive_range() -> list[int]:
    """100 passive ports at a random place in 40000-59999 (parallel test workers rarely collide)."""
    base = random.randrange(40000, 59900)
    return [base, base + 99]


def serve(config_path: str) -> None:
    """The child process: serve until killed or until the test process is gone."""
    from pyftpdlib.authorizers import DummyAuthorizer
    from pyftpdlib.handlers import FTPHandler, TLS_FTPHandler
    from pyftpdlib.servers import FTPServer

    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    if config["max_file_bytes"]:
        # Every write past the limit fails with EFBIG (Python ignores SIGXFSZ): the server relays it on STOR,
        # as it relays ENOSPC on a full disk, without needing root to mount a tiny file system.
        import resource

        resource.setrlimit(resource.RLIMIT_FSIZE, (config["max_file_bytes"], config["max_file_bytes"]))
    authorizer = DummyAuthorizer()
    authorizer.add_user(config["user"], config["password"], config["home"], perm="elradfmwMT")
    authorizer.add_user(READONLY_USER, config["password"], config["home"], perm="elr")
    authorizer.add_user(NO_CHMOD_USER, config["password"], config["home"], perm="elradfmwT")

    base = TLS_FTPHandler if config["tls"] else FTPHandler
    attrs = {"authorizer": authorizer, "passive_ports": range(config["passive"][0], config["passive"][1] + 1),
             "auth_failed_timeout": 0.1, "permit_foreign_addresses": False}
    if config["tls"]:
        attrs.update(certfile=config["certfile"], tls_control_required=True, tls_data_required=True)
    handler = type("Handler", (base,), attrs)
    server = FTPServer(("127.0.0.1", 0), handler)
    print(f"PORT {server.socket.getsockname()[1]}", flush=True)
    while os.getppid() == config["parent"]:
        server.ioloop.loop(0.5, blocking=False)  # one round of the event loop, then look at the parent again
    server.close_all()


if __name__ == "__main__":
    serve(sys.argv[1])
