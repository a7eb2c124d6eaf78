"""A real IMAP server for the tests and the benchmark: Debian's dovecot with a throwaway
configuration, passwd-file, TLS certificate and Maildir under a temp dir, listening on loopback
(IMAPS and IMAP with STARTTLS) on free ports, as the PostgreSQL cluster of tests/platform is.

Started as root, its mail and login processes run as `nobody`, who owns the temp dir.
"""
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time

UNPRIVILEGED = "nobody"
PASSWORD = "imap-test-password"


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {home}/run
state_dir = {home}/state
log_path = {home}/dovecot.log
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
ssl = required
ssl_cert = <{home}/cert.pem
ssl_key = <{home}/key.pem
auth_mechanisms = plain
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {home}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={home}/mail/%u
}}
mail_location = maildir:~/Maildir
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_fsync = never
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
namespace inbox {{
  inbox = yes
  separator = /
}}
"""


class Dovecot:
    """`with Dovecot(["support@acme.example"]) as server:` — `server.ca_file` is its certificate."""

    def __init__(self, users=("support@acme.example",)):
        self.users = list(users)
        self.process = None

    def __enter__(self):
        self.home = tempfile.mkdtemp(prefix="guichet-imap-")
        owner = pwd.getpwnam(UNPRIVILEGED) if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        group = "nogroup" if os.geteuid() == 0 else owner.pw_name
        self.ca_file = os.path.join(self.home, "cert.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", os.path.join(self.home, "key.pem"), "-out", self.ca_file],
                       check=True, capture_output=True)
        with open(os.path.join(self.home, "passwd"), "w") as handle:
            handle.writelines(f"{user}:{{PLAIN}}{PASSWORD}::::\n" for user in self.users)
        for sub in ("run", "state", "mail"):
            os.makedirs(os.path.join(self.home, sub))
        self.imap_port, self.imaps_port = free_port(), free_port()
        with open(os.path.join(self.home, "dovecot.conf"), "w") as handle:
            handle.write(CONFIG.format(home=self.home, user=owner.pw_name, group=group, uid=owner.pw_uid,
                                       gid=owner.pw_gid, imap_port=self.imap_port, imaps_port=self.imaps_port))
        if os.geteuid() == 0:
            for path, dirs, files in os.walk(self.home):
                for name in [path, *(os.path.join(path, f) for f in files)]:
                    os.chown(name, owner.pw_uid, owner.pw_gid)
        # In the foreground (-F): the process is ours to stop, and it holds no pipe of ours.
        self.process = subprocess.Popen([dovecot_binary(), "-F", "-c", os.path.join(self.home, "dovecot.conf")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait_until_listening()
        return self

    def _wait_until_listening(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited ({self.process.returncode}):\n{self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.imaps_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen:\n{self.log()}")

    def log(self) -> str:
        try:
            with open(os.path.join(self.home, "dovecot.log")) as handle:
                return handle.read()[-3000:]
        except OSError:
            return ""

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)

    # --- as a mail client, for the tests ---------------------------------------------------------
    def url(self, user: str, starttls: bool = False) -> str:
        scheme, port = ("imap", self.imap_port) if starttls else ("imaps", self.imaps_port)
        return f"{scheme}://{user}@127.0.0.1:{port}"

    def client(self, user: str) -> imaplib.IMAP4_SSL:
        client = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port,
                                   ssl_context=ssl.create_default_context(cafile=self.ca_file))
        client.login(user, PASSWORD)
        return client

    def deliver(self, user: str, *messages: bytes) -> None:
        client = self.client(user)
        try:
            for raw in messages:
                status, data = client.append("INBOX", None, None, raw)
                assert status == "OK", data
        finally:
            client.logout()

    def folder_counts(self, user: str) -> dict[str, int]:
        client = self.client(user)
        try:
            counts = {}
            for folder in ("INBOX", "Processed", "Rejected"):
                status, data = client.select(folder, readonly=True)
                counts[folder] = int(data[0]) if status == "OK" else 0
            return counts
        finally:
            client.logout()
