"""Real mail servers on loopback for the channel tests.

- `dovecot`: a private Dovecot IMAP server (Debian's dovecot-imapd; `make test` installs
  it via scripts/ensure-dovecot.sh). Missing Dovecot fails in CI and skips elsewhere.
- `imap_account`: a fresh IMAP user on it per test (passwd-file is re-read on change).
- `smtp_server`: an aiosmtpd server collecting messages, optionally with AUTH.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
POOL_SIZE = 80
UTF8_PASSWORD = "密码-Pässword"
POOL = [(f"u{i}-{uuid.uuid4().hex[:6]}@example.com", "s3cret-Pa55") for i in range(POOL_SIZE)]
POOL.append((f"utf8-{uuid.uuid4().hex[:6]}@example.com", UTF8_PASSWORD))


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dovecot exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError("dovecot did not start listening in time")


@dataclass
class Dovecot:
    host: str
    port: int
    users_file: Path
    closed_port: int = 0
    log_file: Path | None = None
    ssl_port: int = 0  # implicit TLS (imaps); the plain port offers STARTTLS
    ca_file: Path | None = None  # the test CA that signed the server's certificate
    created: list[str] = field(default_factory=list)

    def add_user(self, password: str = "s3cret-Pa55") -> tuple[str, str]:  # noqa: S107
        """A user nobody used yet (created at start-up: Dovecot caches passwd-file)."""
        for user, pw in POOL:
            if pw == password and user not in self.created:
                self.created.append(user)
                return user, pw
        raise RuntimeError("the Dovecot user pool is used up: raise POOL_SIZE")


@dataclass
class Tls:
    ca: Path
    cert: Path
    key: Path


def make_tls(base: Path) -> Tls:
    """A test CA and a server certificate for 127.0.0.1/localhost signed by it."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Loopdesk test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    tls = Tls(ca=base / "ca.pem", cert=base / "server.pem", key=base / "server.key")
    tls.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    tls.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    tls.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return tls


@pytest.fixture(autouse=True)
def _fresh_imap_backoff():
    """The poller's per-process backoff memory must not leak between tests (ids recur)."""
    from loopdesk.channels.email.imap import backoff

    backoff.reset()
    yield
    backoff.reset()


@pytest.fixture(scope="session")
def tls_material(tmp_path_factory) -> Tls:
    return make_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def dovecot(tls_material):
    if not os.path.exists(DOVECOT) and os.geteuid() == 0:
        script = Path(__file__).resolve().parents[3] / "scripts" / "ensure-dovecot.sh"
        subprocess.run([str(script)], check=False)  # noqa: S603 — our own script
    if not os.path.exists(DOVECOT):
        message = "Dovecot is not installed (make mailserver / apt-get install dovecot-imapd)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    base = Path(tempfile.mkdtemp(prefix="loopdesk-dovecot-"))
    base.chmod(0o755)
    mail = base / "mail"
    mail.mkdir()
    users = base / "users"
    users.write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in POOL), encoding="utf-8")
    users.chmod(0o644)
    port, ssl_port = free_port(), free_port()
    tls = tls_material
    conf = base / "dovecot.conf"
    conf.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
ssl = yes
ssl_cert = <{tls.cert}
ssl_key = <{tls.key}
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mailbox_idle_check_interval = 1 secs
imap_id_log = *
mail_location = maildir:~/Maildir
first_valid_uid = 100
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {users}
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={mail}/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
}}
service anvil {{
  chroot =
  # No growing login delays after the wrong-password tests.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
    )
    subprocess.run(["chown", "-R", "dovecot:dovecot", str(mail)], check=False)
    proc = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_port(port, proc, time.monotonic() + 15)
    except RuntimeError as exc:
        proc.kill()
        err = proc.stderr.read().decode() if proc.stderr else ""
        log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() else ""
        pytest.fail(f"{exc}\n{err}\n{log}")
    yield Dovecot(
        host="127.0.0.1",
        port=port,
        users_file=users,
        closed_port=free_port(),
        log_file=base / "dovecot.log",
        ssl_port=ssl_port,
        ca_file=tls.ca,
    )
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(base, ignore_errors=True)


@dataclass
class ImapAccount:
    server: Dovecot
    user: str
    password: str

    def client(self):
        import imaplib

        client = imaplib.IMAP4(self.server.host, self.server.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "") -> None:
        client = self.client()
        try:
            typ, data = client.append(folder, flags or None, None, raw)
            assert typ == "OK", data
        finally:
            client.logout()


@pytest.fixture
def imap_account(dovecot) -> ImapAccount:
    user, password = dovecot.add_user()
    return ImapAccount(server=dovecot, user=user, password=password)


# --- SMTP ---------------------------------------------------------------------------------


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list = field(default_factory=list)  # (envelope_from, rcpt_tos, raw bytes)
    logins: list = field(default_factory=list)


class _Collector:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd API
        self.server.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 OK"


def _start_smtp(auth: tuple[str, str] | None, *, tls: Tls | None = None, implicit: bool = False):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    port = free_port()
    state = SmtpServer(host="127.0.0.1", port=port)
    kwargs: dict = {}
    if auth:

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                isinstance(auth_data, LoginPassword)
                and (
                    auth_data.login.decode(),
                    auth_data.password.decode(),
                )
                == auth
            )
            state.logins.append((mechanism, ok))
            return AuthResult(success=ok, handled=False)

        kwargs = {"authenticator": authenticator, "auth_require_tls": False, "auth_required": True}
    if tls is not None:
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(tls.cert), str(tls.key))
        if implicit:
            kwargs["ssl_context"] = context
        else:
            kwargs["tls_context"] = context
    controller = Controller(_Collector(state), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, state


@pytest.fixture
def smtp_server():
    controller, state = _start_smtp(None)
    yield state
    controller.stop()


@pytest.fixture
def smtp_auth_server():
    controller, state = _start_smtp(("mailer@example.com", "smtp-Pa55-word"))
    yield state
    controller.stop()


@pytest.fixture
def smtp_tls_server(tls_material):
    """STARTTLS and AUTH, certificate from the test CA."""
    controller, state = _start_smtp(("mailer@example.com", "smtp-Pa55-word"), tls=tls_material)
    yield state
    controller.stop()


@pytest.fixture
def smtps_server(tls_material):
    """Implicit TLS (port 465 style), certificate from the test CA."""
    controller, state = _start_smtp(None, tls=tls_material, implicit=True)
    yield state
    controller.stop()
