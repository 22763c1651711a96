"""Secrets from files and the process title: the password never shows in `ps` (ports 16000-16009)."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

PASSWORD = "pw-" + os.urandom(6).hex()


def ps_args(pid):
    return subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True,
                          timeout=10).stdout.strip()


class SecretFileTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rcs-secrets-")
        self.secret = os.path.join(self.dir, "password")
        with open(os.open(self.secret, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(PASSWORD + "\n")

    def test_password_from_file_is_in_no_process_argument(self):
        s = rcs.Server(16000, password=PASSWORD,
                       args=["--cluster-enabled", "yes", "--requirepass-file", self.secret,
                             "--masterauth-file", self.secret])
        # The password must come from the file only: not from the helper's --requirepass.
        s.command_line = lambda: [rcs.NODE_BIN, "--port", "16000", "--bind", "127.0.0.1", "--dir", s.dir,
                                  "--save", ""] + s.args
        s.start()
        try:
            title = ps_args(s.proc.pid)
            self.assertEqual(title, rcs.NODE_BIN + " 127.0.0.1:16000 [cluster]")
            with open("/proc/%d/cmdline" % s.proc.pid, "rb") as f:
                self.assertNotIn(PASSWORD.encode(), f.read())
            self.assertEqual(s.cli("PING").strip(), "PONG")  # authenticated with the file's password
            anon = subprocess.run([rcs.REDIS_CLI, "-p", "16000", "PING"], capture_output=True, text=True, timeout=10)
            self.assertIn("NOAUTH", anon.stdout + anon.stderr)
            self.assertEqual(s.cli("CONFIG", "GET", "requirepass-file").split()[1], self.secret)
        finally:
            s.stop()

    def test_password_given_as_argument_is_hidden_by_the_title(self):
        s = rcs.Server(16001, password=PASSWORD).start()  # the helper passes --requirepass on the command line
        try:
            title = ps_args(s.proc.pid)
            self.assertEqual(title, rcs.NODE_BIN + " 127.0.0.1:16001")
            self.assertNotIn(PASSWORD, title)
        finally:
            s.stop()

    def test_unreadable_secret_file_stops_startup(self):
        missing = os.path.join(self.dir, "missing")
        out = subprocess.run([rcs.NODE_BIN, "--port", "16002", "--requirepass-file", missing],
                             capture_output=True, text=True, timeout=10)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("can't read the secret file '%s': No such file or directory" % missing, out.stderr)


if __name__ == "__main__":
    rcs.run_tests()
