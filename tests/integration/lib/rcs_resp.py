"""The one raw RESP client of the integration tests (import it through rcs).

Resp sends commands as RESP arrays (or any bytes) and reads replies either parsed, keeping the type so RESP3
push frames stay distinguishable from replies (`read`, `call`), or as the exact bytes of one reply, so replies
can be compared byte for byte with the reference server (`read_raw`, `call_raw`). Every read is bounded by the
socket timeout.
"""
import socket
import time


def encode(*args):
    """A command as a RESP array of bulk strings."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Resp:
    def __init__(self, port, host="127.0.0.1", timeout=10, rcvbuf=None, password=None):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.s.settimeout(timeout)
        self.s.connect((host, port))
        self.buf = b""
        if password:
            reply = self.call("AUTH", password)
            if reply != ("+", "OK"):
                raise AssertionError("AUTH on %s:%d: %r" % (host, port, reply))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.s.close()

    def send(self, *args):
        self.s.sendall(encode(*args))

    def send_raw(self, data):
        self.s.sendall(data)

    def _fill(self):
        chunk = self.s.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed by the server")
        self.buf += chunk

    def _line_end(self, pos):
        while True:
            e = self.buf.find(b"\r\n", pos)
            if e >= 0:
                return e
            self._fill()

    def _reply_end(self, pos):
        """The offset just past the reply that starts at `pos` (reads until it is complete)."""
        e = self._line_end(pos)
        t, head = self.buf[pos:pos + 1], self.buf[pos + 1:e]
        pos = e + 2
        if t in (b"+", b"-", b":", b"_", b",", b"#", b"("):
            return pos
        n = int(head)
        if t in (b"$", b"=", b"!"):
            if n < 0:
                return pos
            while len(self.buf) < pos + n + 2:
                self._fill()
            return pos + n + 2
        if t in (b"*", b">", b"~", b"%", b"|"):
            for _ in range(max(n, 0) * (2 if t in (b"%", b"|") else 1)):
                pos = self._reply_end(pos)
            return pos
        raise AssertionError("unexpected reply type %r in %r" % (t, self.buf[:200]))

    def read_raw(self):
        """The exact bytes of the next reply."""
        end = self._reply_end(0)
        r, self.buf = self.buf[:end], self.buf[end:]
        return r

    def call_raw(self, *args):
        self.send(*args)
        return self.read_raw()

    def read(self):
        """The next reply as (type, value): ('+', 'OK'), ('-', 'ERR ...'), (':', 5), ('$', 'text' or None),
        ('_', None), ('*' or '>' or '~', [values]), ('%', [k1, v1, k2, v2 ...])."""
        return _parse(self.read_raw())[0]

    def call(self, *args):
        self.send(*args)
        return self.read()


def _parse(data, pos=0):
    """((type, value), next position) of the reply at `pos` of a complete reply."""
    e = data.index(b"\r\n", pos)
    t, rest = data[pos:pos + 1], data[pos + 1:e]
    pos = e + 2
    if t in (b"+", b"-"):
        return (t.decode(), rest.decode()), pos
    if t == b":":
        return (":", int(rest)), pos
    if t == b"_":
        return ("_", None), pos
    if t in (b"$", b"=", b"!"):
        n = int(rest)
        if n < 0:
            return ("$", None), pos
        return (t.decode(), data[pos:pos + n].decode()), pos + n + 2
    if t in (b"*", b">", b"~", b"%", b"|"):
        n = int(rest)
        if n < 0:
            return (t.decode(), None), pos
        items = []
        for _ in range(n * (2 if t in (b"%", b"|") else 1)):
            (_, v), pos = _parse(data, pos)
            items.append(v)
        return (t.decode(), items), pos
    return (t.decode(), rest.decode()), pos


def raw_exchange(port, payload, read_timeout=2.0, password=None, host="127.0.0.1"):
    """Sends raw bytes on a fresh connection and returns (everything read within read_timeout, whether the
    server closed the connection)."""
    c = Resp(port, host=host, timeout=5, password=password)
    try:
        c.send_raw(payload)
        c.s.settimeout(read_timeout)
        data = b""
        deadline = time.monotonic() + read_timeout
        while time.monotonic() < deadline:
            try:
                chunk = c.s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                return data, True
            data += chunk
        return data, False
    finally:
        c.close()
