"""The FTPS host: shared hosting (cPanel and the like) that offers FTP over TLS and nothing else.

Explicit TLS only (``AUTH TLS`` on port 21, then ``PROT P`` so every data
connection is encrypted too), with the server's certificate and host name
verified against the system's CAs, plus ``DEPLOY_CA_FILE`` for a private CA.
Plain ``ftp://`` is used only when the target was parsed with ``--insecure``
(``run.parse_target`` refuses it otherwise). Passive mode throughout.

FTP has no symlinks, so this host is *in place* (``atomic = False``): the
deploy replaces files where they are, in the order ``manifest.order`` gives.
Each file is first stored under a temporary name in its own folder, then
renamed over the old one (RNFR/RNTO): on the usual Unix servers (pure-ftpd,
ProFTPD, vsftpd, pyftpdlib) that is ``rename(2)``, atomic, so a visitor gets the
old file or the new one, never half of one. A server that refuses to rename
onto an existing name gets a DELE first; the file is then briefly missing.

FTP has no "create if absent" either (no ``O_EXCL``). The deploy lock is taken
with a rename-based protocol, see ``FtpsHost.create``; its race window is a
few round trips wide, which is acceptable for a lock that only guards against
a second deploy started by hand while CI deploys.
"""

from __future__ import annotations

import contextlib
import ftplib
import io
import posixpath
import socket
import ssl
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from pipeline.deploy.hosts import DeployError

if TYPE_CHECKING:
    from pipeline.deploy.run import Target

DEFAULT_PORT = 21
TIMEOUT = 30.0  # seconds per network operation: a dead server fails the deploy instead of hanging it
TMP_MARK = ".portal-tmp-"  # temporary names: ".<name>.portal-tmp-<hex>" beside the final file

# Replies that mean "this server has no such command": the feature is skipped, not an error.
_UNSUPPORTED = ("500", "502", "504")
# Replies that mean "storage full / over quota" (RFC 959: 452 insufficient storage, 552 exceeded allocation);
# servers that just relay the OS error (pyftpdlib: "426 [Errno 28] No space left on device") say it in words.
_FULL = ("452", "552")
_FULL_WORDS = ("no space", "quota", "disk full", "insufficient storage", "file too large")


def open_host(target: Target, env: Mapping[str, str]) -> FtpsHost:
    """Connect and log in to the FTPS (or, parsed insecure, FTP) ``target``; secrets from ``env``."""
    password = env.get("DEPLOY_PASSWORD", "")
    if not password:
        raise DeployError(f"DEPLOY_PASSWORD belum diisi: {target.label} memerlukan kata sandi akun FTP. "
                          "Isi rahasia DEPLOY_PASSWORD, lalu ulangi.")
    if target.scheme == "ftp":
        ftp: ftplib.FTP = ftplib.FTP(timeout=TIMEOUT, encoding="utf-8")
    else:
        ftp = _SessionReusingFTP(context=tls_context(env, target.label), timeout=TIMEOUT, encoding="utf-8")
    port = target.port or DEFAULT_PORT
    _connect(ftp, target, port)
    _login(ftp, target, password)
    return FtpsHost(ftp, target.path, target.label)


class _SessionReusingFTP(ftplib.FTP_TLS):
    """FTP_TLS whose data connections resume the control connection's TLS session.

    vsftpd (``require_ssl_reuse=YES``, its default) and ProFTPD
    (``TLSOptions`` without ``NoSessionReuseRequired``) refuse a data
    connection that starts a new TLS session, so that nobody can slip in a
    data connection of their own (https://bugs.python.org/issue19500); it
    also saves a full handshake per file.
    """

    def ntransfercmd(self, cmd: str, rest: int | str | None = None) -> tuple[socket.socket, int | None]:
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        # Without it, Nagle's algorithm and delayed ACKs stall each resumed handshake ~40 ms (measured:
        # 45 ms per small file instead of 3.6 ms over loopback).
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self._prot_p:  # type: ignore[attr-defined]  # set by prot_p(); ftplib's own flag
            session = getattr(self.sock, "session", None)
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=session)
        return conn, size


def tls_context(env: Mapping[str, str], label: str) -> ssl.SSLContext:
    """A client context that verifies the certificate and the host name (system CAs + ``DEPLOY_CA_FILE``)."""
    context = ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    ca_file = env.get("DEPLOY_CA_FILE", "")
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise DeployError(f"DEPLOY_CA_FILE ({ca_file}) untuk {label} tidak dapat dibaca sebagai sertifikat "
                              f"CA (PEM): {_reason(error)}. Periksa jalur dan isi berkasnya.") from None
    return context


def _connect(ftp: ftplib.FTP, target: Target, port: int) -> None:
    """Open the control connection and, for FTPS, switch it to TLS before anything else is sent."""
    label = target.label
    try:
        ftp.connect(target.host, port)
        if isinstance(ftp, ftplib.FTP_TLS):
            ftp.auth()
    except ssl.SSLCertVerificationError as error:
        _close_quietly(ftp)
        raise DeployError(
            f"Sertifikat TLS server {label} tidak dapat diverifikasi ({error.verify_message}). "
            "Jika server memakai CA sendiri, simpan sertifikat CA itu (PEM) dan tunjuk dengan DEPLOY_CA_FILE; "
            "jika sertifikat baru saja berganti tanpa pemberitahuan, hubungi pengelola server dulu.") from None
    except ftplib.error_perm as error:
        _close_quietly(ftp)
        raise DeployError(f"Server {label} tidak mendukung FTPS eksplisit (AUTH TLS ditolak: {_reply(error)}). "
                          "Aktifkan FTP over TLS di panel hosting, atau mintalah kepada penyedia hosting.") from None
    except (OSError, EOFError, ftplib.Error) as error:
        _close_quietly(ftp)
        raise DeployError(f"Tidak dapat terhubung ke {label}: {_reason(error)}. "
                          "Periksa nama host dan port pada TARGET serta jaringan, lalu ulangi.") from None


def _login(ftp: ftplib.FTP, target: Target, password: str) -> None:
    """USER/PASS, then encrypted data connections (PROT P), binary mode, passive mode."""
    label = target.label
    try:
        ftp.login(target.user or "anonymous", password)
        if isinstance(ftp, ftplib.FTP_TLS):
            ftp.prot_p()
        ftp.set_pasv(True)
        ftp.voidcmd("TYPE I")
    except ftplib.error_perm as error:
        _close_quietly(ftp)
        if _code(error) == "530":
            raise DeployError(f"Login ke {label} ditolak (530): periksa nama pengguna pada TARGET dan "
                              "kata sandi pada DEPLOY_PASSWORD.") from None
        raise DeployError(f"Server {label} menolak login: {_reply(error)}.") from None
    except (OSError, EOFError, ftplib.Error) as error:
        _close_quietly(ftp)
        raise DeployError(f"Sambungan ke {label} terputus saat login: {_reason(error)}. Ulangi deploy.") from None


class FtpsHost:
    """A folder on an FTP(S) server, written in place (see the module docstring)."""

    atomic = False

    def __init__(self, ftp: ftplib.FTP, root: str, label: str) -> None:
        self.ftp = ftp
        # "/www" (absolute), "/" or "" (the login folder) or "www" (relative to it)
        self.root = (root.rstrip("/") or "/") if root.startswith("/") else root.rstrip("/")
        self.label = label
        self._folders: set[str] = set()  # folders known to exist (MKD once per deploy, not per file)
        self._chmod = True  # False once the server said it has no SITE CHMOD
        self._features = self._feat()

    # --- the Host protocol -------------------------------------------------
    def read(self, path: str) -> bytes | None:
        """The bytes of ``path`` (RETR), or None when the server says it does not exist."""
        buffer = io.BytesIO()
        try:
            self.ftp.retrbinary(f"RETR {self._full(path)}", buffer.write)
        except ftplib.error_perm as error:
            if _code(error) == "550" and not self._exists(path):
                return None
            raise self._refused("membaca", path, error) from None
        except (OSError, EOFError, ftplib.Error) as error:
            raise self._dropped("membaca", path, error) from None
        return buffer.getvalue()

    def write(self, path: str, data: bytes, content_type: str, cache_control: str) -> None:
        """STOR to a temporary name beside ``path``, SITE CHMOD 644, then rename over ``path``.

        ``content_type`` and ``cache_control`` are ignored: the web server decides
        both on shared hosting (``.htaccess``).
        """
        self._make_parents(path)
        temp = self._temp_name(path)
        self._store(temp, data, path)
        self._set_mode(self._full(temp), "644")
        self._rename(temp, path)

    def create(self, path: str, data: bytes) -> bool:
        """Create ``path`` only if it does not exist (the deploy lock); False when it already did.

        FTP has no exclusive create, so: (1) if ``path`` exists, False; (2) STOR
        ``data`` under a unique temporary name; (3) if ``path`` appeared
        meanwhile, drop ours, False; (4) rename ours onto ``path``; (5) read
        ``path`` back: ours only if it holds ``data``. Race window: two deploys
        that both pass (3) before either renames both rename; the later
        rename wins and the earlier deploy sees foreign bytes in (5), unless
        it read back before the later rename landed (a window of about one
        round trip). ``data`` must therefore be unique per deploy (owner, time,
        a random token), which run.py's lock record is.
        """
        if self._exists(path):
            return False
        self._make_parents(path)
        temp = self._temp_name(path)
        self._store(temp, data, path)
        if self._exists(path):
            self.delete(temp)
            return False
        self._set_mode(self._full(temp), "644")
        self._rename(temp, path, replace=False)
        return self.read(path) == data

    def delete(self, path: str) -> None:
        """DELE ``path``; nothing happens when it is already gone."""
        try:
            self.ftp.delete(self._full(path))
        except ftplib.error_perm as error:
            if _code(error) == "550" and not self._exists(path):
                return
            raise self._refused("menghapus", path, error) from None
        except (OSError, EOFError, ftplib.Error) as error:
            raise self._dropped("menghapus", path, error) from None

    def walk(self, prefix: str) -> Iterator[str]:
        """Every file under the folder ``prefix`` (MLSD, or NLST on servers without it), root-relative."""
        pending = [prefix.strip("/")]
        while pending:
            folder = pending.pop()
            files, folders = self._list(folder)
            yield from sorted(files)
            pending.extend(sorted(folders, reverse=True))

    def close(self) -> None:
        """QUIT, or just drop the connection when the server is already gone."""
        try:
            self.ftp.quit()
        except (OSError, EOFError, ftplib.Error):
            self.ftp.close()

    # --- listing -----------------------------------------------------------
    def _feat(self) -> set[str]:
        """The FEAT keywords the server announces (``MLST``, ``SIZE``, ...); empty when it has no FEAT."""
        try:
            reply = self.ftp.sendcmd("FEAT")
        except ftplib.error_perm:
            return set()
        except (OSError, EOFError, ftplib.Error) as error:
            raise DeployError(f"Sambungan ke {self.label} terputus setelah login: {_reason(error)}. "
                              "Ulangi deploy.") from None
        return {line.strip().split(" ")[0].upper() for line in reply.splitlines()[1:-1] if line.strip()}

    def _list(self, folder: str) -> tuple[list[str], list[str]]:
        """(files, subfolders) of ``folder`` as root-relative paths; both empty when it does not exist."""
        try:
            if "MLST" in self._features:
                return self._list_mlsd(folder)
            return self._list_nlst(folder)
        except ftplib.error_perm as error:
            # A missing folder is 550 on most servers, 501 on pyftpdlib: ask with CWD which it is.
            if not self._is_folder(self._full(folder)):
                return [], []
            raise self._refused("membaca daftar berkas", folder or "/", error) from None
        except (OSError, EOFError, ftplib.Error) as error:
            raise self._dropped("membaca daftar berkas", folder or "/", error) from None

    def _list_mlsd(self, folder: str) -> tuple[list[str], list[str]]:
        files: list[str] = []
        folders: list[str] = []
        for name, facts in self.ftp.mlsd(self._full(folder), facts=["type"]):
            kind = facts.get("type", "").lower()
            if kind == "file":
                files.append(_join(folder, name))
            elif kind == "dir":
                folders.append(_join(folder, name))
        return files, folders

    def _list_nlst(self, folder: str) -> tuple[list[str], list[str]]:
        """NLST gives names only: a name SIZE answers for is a file, any other a folder."""
        files: list[str] = []
        folders: list[str] = []
        for entry in self.ftp.nlst(self._full(folder)):
            name = posixpath.basename(entry.rstrip("/"))
            if name in (".", ".."):
                continue
            path = _join(folder, name)
            (files if self._size(path) is not None else folders).append(path)
        return files, folders

    def _exists(self, path: str) -> bool:
        """Whether the file ``path`` exists (MLST, else SIZE)."""
        try:
            if "MLST" in self._features:
                facts = self.ftp.sendcmd(f"MLST {self._full(path)}")
                return "type=file;" in facts.lower()
            return self._size(path) is not None
        except ftplib.error_perm as error:
            if _code(error) == "550":
                return False
            raise self._refused("memeriksa", path, error) from None
        except (OSError, EOFError, ftplib.Error) as error:
            raise self._dropped("memeriksa", path, error) from None

    def _size(self, path: str) -> int | None:
        """The size of the file ``path``, None when it is absent (or a folder)."""
        try:
            # Listings (NLST, MLSD) leave the session in ASCII mode, where many servers refuse SIZE.
            self.ftp.voidcmd("TYPE I")
            return self.ftp.size(self._full(path))
        except ftplib.error_perm as error:
            if _code(error) == "550":
                return None
            raise

    # --- writing -----------------------------------------------------------
    def _store(self, temp: str, data: bytes, path: str) -> None:
        try:
            self.ftp.storbinary(f"STOR {self._full(temp)}", io.BytesIO(data))
        except ftplib.all_errors as error:
            reason = self._pending_reply() if isinstance(error, OSError) else error
            self._forget(temp)
            if isinstance(reason, (ftplib.error_perm, ftplib.error_temp)):
                raise self._refused("menulis", path, reason) from None
            raise self._dropped("menulis", path, error) from None

    def _pending_reply(self) -> BaseException | None:
        """After the data connection broke: the server's reply saying why (a full disk resets the upload
        before the client reads "426 No space left"), or None when the control connection is gone too."""
        sock = self.ftp.sock
        if sock is None:
            return None
        try:
            sock.settimeout(5)
            self.ftp.getresp()
        except (ftplib.error_perm, ftplib.error_temp) as reply:
            return reply
        except (OSError, EOFError, ftplib.Error):
            return None
        finally:
            with contextlib.suppress(OSError):
                sock.settimeout(TIMEOUT)
        return None

    def _rename(self, temp: str, path: str, *, replace: bool = True) -> None:
        """RNFR/RNTO; where the server will not rename onto an existing file, DELE it first (``replace``)."""
        try:
            self.ftp.rename(self._full(temp), self._full(path))
            return
        except ftplib.error_perm as error:
            if not (replace and _code(error) == "550" and self._exists(path)):
                self._forget(temp)
                raise self._refused("mengganti nama ke", path, error) from None
        except (OSError, EOFError, ftplib.Error) as error:
            raise self._dropped("mengganti nama ke", path, error) from None
        self.delete(path)  # this server refuses to rename over a file: not atomic here
        try:
            self.ftp.rename(self._full(temp), self._full(path))
        except ftplib.all_errors as error:
            self._forget(temp)
            raise self._refused("mengganti nama ke", path, error) from None

    def _set_mode(self, full: str, mode: str) -> None:
        """SITE CHMOD on the server path ``full``; skipped for good once the server refuses it.

        500/502/504: the server has no SITE CHMOD; 550: it has one but this
        account may not use it (ProFTPD without mod_site_misc rights, many
        cPanel setups). Either way the server's own umask decides the modes,
        usually 0644/0755 on shared hosting: not a reason to fail a deploy.
        """
        if not self._chmod:
            return
        try:
            self.ftp.voidcmd(f"SITE CHMOD {mode} {full}")
        except ftplib.error_perm as error:
            if _code(error) in (*_UNSUPPORTED, "550"):
                self._chmod = False
                return
            raise self._refused("mengatur izin", full, error) from None
        except (OSError, EOFError, ftplib.Error) as error:
            raise self._dropped("mengatur izin", full, error) from None

    def _make_parents(self, path: str) -> None:
        """MKD every missing folder on the way to ``path`` (the root's own folders too), 0755."""
        parts = [part for part in self._full(path).split("/")[:-1] if part]
        prefix = "/" if self._full(path).startswith("/") else ""
        for index in range(len(parts)):
            folder = prefix + "/".join(parts[: index + 1])
            if folder in self._folders:
                continue
            try:
                self.ftp.mkd(folder)
            except ftplib.error_perm as error:
                if _code(error) != "550" or not self._is_folder(folder):
                    raise self._refused("membuat folder", folder, error) from None
            except (OSError, EOFError, ftplib.Error) as error:
                raise self._dropped("membuat folder", folder, error) from None
            else:
                self._set_mode(folder, "755")
            self._folders.add(folder)

    def _is_folder(self, folder: str) -> bool:
        """Whether ``folder`` (a full server path) is an existing folder: CWD into it, then back."""
        here = self.ftp.pwd()
        try:
            self.ftp.cwd(folder)
        except ftplib.error_perm:
            return False
        self.ftp.cwd(here)
        return True

    def _forget(self, temp: str) -> None:
        """Best effort: drop a temporary file left by a failed upload (the connection may be gone)."""
        # A leftover temporary name is harmless: no page references it.
        with contextlib.suppress(*ftplib.all_errors):
            self.ftp.delete(self._full(temp))

    # --- names and messages ------------------------------------------------
    def _full(self, path: str) -> str:
        """The server path of the root-relative ``path``; refuses absolute paths and ``..``."""
        clean = path.strip("/")
        if path.startswith("/") or ".." in clean.split("/"):
            raise DeployError(f"Jalur tidak sah untuk {self.label}: {path!r}.")
        if not clean:
            return self.root or "."
        if self.root == "/":
            return f"/{clean}"
        return f"{self.root}/{clean}" if self.root else clean

    @staticmethod
    def _temp_name(path: str) -> str:
        folder, name = posixpath.split(path)
        return _join(folder, f".{name}{TMP_MARK}{uuid.uuid4().hex[:12]}")

    def _refused(self, action: str, path: str, error: BaseException) -> DeployError:
        """The message for a 4xx/5xx reply: storage full, a passing failure, or a refusal."""
        reply = _reply(error)
        if _code(error) in _FULL or any(word in reply.lower() for word in _FULL_WORDS):
            return DeployError(f"Ruang penyimpanan di {self.label} penuh saat menulis {path} ({reply}). "
                               "Kosongkan ruang atau tambah kuota hosting, lalu ulangi deploy.")
        if isinstance(error, ftplib.error_temp):
            return DeployError(f"Server {self.label} gagal {action} {path} untuk sementara ({reply}). "
                               "Ulangi deploy sebentar lagi.")
        return DeployError(f"Server {self.label} menolak {action} {path} ({reply}). "
                           "Periksa izin tulis akun FTP pada folder itu, lalu ulangi deploy.")

    def _dropped(self, action: str, path: str, error: BaseException) -> DeployError:
        return DeployError(f"Sambungan ke {self.label} terputus saat {action} {path}: {_reason(error)}. "
                           "Periksa jaringan, lalu ulangi deploy: ia mengunggah lagi yang belum selesai.")


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def _code(error: BaseException) -> str:
    """The three-digit reply code of an ftplib error ("" when there is none)."""
    text = str(error)
    return text[:3] if text[:3].isdigit() else ""


def _reply(error: BaseException) -> str:
    """The server's reply, on one line and bounded (it ends up in a message)."""
    return " ".join(str(error).split())[:200]


def _reason(error: BaseException) -> str:
    """A short, secret-free description of a network or TLS failure."""
    if isinstance(error, socket.timeout | TimeoutError):
        return f"tidak ada jawaban dalam {TIMEOUT:.0f} detik"
    if isinstance(error, EOFError) or (isinstance(error, OSError) and not error.strerror and not str(error)):
        return "server menutup sambungan"
    if isinstance(error, ConnectionRefusedError):
        return "sambungan ditolak (tidak ada server FTP di port itu)"
    if isinstance(error, socket.gaierror):
        return "nama host tidak dikenal"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return _reply(error) or type(error).__name__


def _close_quietly(ftp: ftplib.FTP) -> None:
    with contextlib.suppress(OSError):  # already closed: nothing to release
        ftp.close()
