#!/usr/bin/env python3
"""heap-huge-pages (ports 12410-12411): the node's malloc heap in transparent huge pages, so a fork (BGSAVE,
AOF rewrite, full sync) copies fewer page-table entries.

Two nodes get the same keys by commands (no load from a file, which has its own huge-page path): with
heap-huge-pages yes (the default) the heap mapping of /proc/PID/smaps holds huge pages, with `no` none; the
directive is in CONFIG GET and CONFIG SET refuses it (startup only); a BGSAVE of each writes a file
redis-check-rdb accepts with every key. Fork durations are not asserted (bench/RESULTS.md measures them).
Where the kernel has no THP or it is "never", the huge-page assertions are skipped and said so.
"""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
import rcs  # noqa: E402

ON, OFF = 12410, 12411
KEYS = 200000


def thp_mode():
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
            text = f.read()
    except OSError:
        return "none"
    return text[text.index("[") + 1:text.index("]")]


def heap_huge_kb(pid):
    """AnonHugePages of the [heap] mapping (brk), in kB."""
    in_heap, total = False, 0
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            parts = line.split()
            if parts and "-" in parts[0] and len(parts) >= 5 and ":" not in parts[0]:
                in_heap = parts[-1] == "[heap]"
            elif in_heap and parts[0] == "AnonHugePages:":
                total += int(parts[1])
    return total


class HeapPagesTest(rcs.ServersTestCase):
    def fill(self, port):
        with rcs.Resp(port, timeout=30) as c:
            batch = 1000
            for base in range(0, KEYS, batch):
                for i in range(base, base + batch):
                    c.send("SET", "key:%07d" % i, "v" * 100)
                for _ in range(batch):
                    self.assertEqual(c.read(), ("+", "OK"))
            c.call("PING")  # one more loop iteration: the keeper advises before the loop sleeps

    def test_heap_in_huge_pages_only_when_on(self):
        on = self.server(ON, "on", args=["--save", ""]).start()
        off = self.server(OFF, "off", args=["--save", "", "--heap-huge-pages", "no"]).start()
        with rcs.Resp(ON) as c:
            self.assertEqual(c.call("CONFIG", "GET", "heap-huge-pages"), ("*", ["heap-huge-pages", "yes"]))
            self.assertEqual(c.call("CONFIG", "SET", "heap-huge-pages", "no"),
                             ("-", "ERR CONFIG SET failed (possibly related to argument 'heap-huge-pages') - "
                                   "can't set immutable config"))
        with rcs.Resp(OFF) as c:
            self.assertEqual(c.call("CONFIG", "GET", "heap-huge-pages"), ("*", ["heap-huge-pages", "no"]))
        for s in (on, off):
            self.fill(s.port)
        mode = thp_mode()
        on_kb, off_kb = heap_huge_kb(on.proc.pid), heap_huge_kb(off.proc.pid)
        print("THP %s; AnonHugePages of [heap]: %d kB with yes, %d kB with no" % (mode, on_kb, off_kb))
        if mode in ("always", "madvise"):
            self.assertGreater(on_kb, 8 * 1024, "heap-huge-pages yes: AnonHugePages of [heap]")
            if mode == "madvise":
                self.assertEqual(off_kb, 0, "heap-huge-pages no: AnonHugePages of [heap]")
        else:
            print("transparent huge pages are %r here: huge-page assertions skipped" % mode)
        for s in (on, off):
            with rcs.Resp(s.port, timeout=30) as c:
                self.assertEqual(c.call("DBSIZE"), (":", KEYS))
                last = c.call("LASTSAVE")[1]
                self.assertEqual(c.call("BGSAVE"), ("+", "Background saving started"))
                deadline = time.time() + 60
                while c.call("LASTSAVE")[1] == last and time.time() < deadline:
                    time.sleep(0.05)
                self.assertNotEqual(c.call("LASTSAVE")[1], last, "BGSAVE did not finish in 60 s")
            rcs.check_rdb(os.path.join(s.dir, "dump.rdb"), keys=KEYS)


if __name__ == "__main__":
    rcs.run_tests()
