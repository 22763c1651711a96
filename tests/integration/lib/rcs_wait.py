"""Bounded waits and the nodes' logs on failure, for every integration test (import it through rcs).

The library knows every node a test started: `live` holds the running ones (rcs.Server and anything else
with a `log_tail(lines)` method that registers itself with `track`), `retired` the last lines of those that
were stopped since the current test began (their directories may be gone by the time a failure is reported).
A wait that times out, an uncaught exception in a script and a failing unittest test case all print the last
LOG_LINES lines of each of them, so a failure in CI says what every node was doing.
"""
import sys
import time
import traceback
import unittest

LOG_LINES = 30
live = []      # started and not stopped
retired = []   # (name, last lines) of nodes stopped since the current test case began


def node_name(node):
    name = getattr(node, "name", None)
    if name:
        return str(name)
    return "%s:%s" % (getattr(node, "host", "127.0.0.1"), getattr(node, "port", "?"))


def track(node):
    """Registers a started node (idempotent)."""
    if node not in live:
        live.append(node)


def untrack(node, lines=LOG_LINES):
    """Forgets a stopped node but keeps its last log lines for a failure reported later."""
    if node not in live:
        return
    live.remove(node)
    try:
        tail = node.log_tail(lines)
    except Exception as e:  # noqa: BLE001 - a report must not fail
        tail = "(log not readable: %r)" % e
    name = node_name(node)
    retired[:] = [(n, t) for n, t in retired if n != name]  # a node stopped again: its latest lines only
    retired.append((name, tail))
    del retired[:-24]  # bounded


def log_tails(lines=LOG_LINES):
    """The last `lines` lines of the log of every node started by this test (running or stopped since it began),
    as one text block."""
    parts = []
    seen = set()
    for n in list(live):
        name = node_name(n)
        seen.add(name)
        try:
            tail = n.log_tail(lines)
        except Exception as e:  # noqa: BLE001
            tail = "(log not readable: %r)" % e
        proc = getattr(n, "proc", None)
        state = "running" if proc is None or proc.poll() is None else "exited %s" % proc.returncode
        parts.append("---- last %d log lines of %s (%s) ----\n%s" % (lines, name, state, tail.rstrip("\n")))
    for name, tail in retired:
        if name not in seen:
            parts.append("---- last %d log lines of %s (stopped) ----\n%s" % (lines, name, tail.rstrip("\n")))
    return "\n".join(parts) if parts else "(no node was started)"


class WaitTimeout(AssertionError):
    """A bounded wait ran out; the message names what was awaited and carries the nodes' last log lines."""


def wait_until(pred, timeout=10.0, interval=0.05, *, what):
    """Polls pred() until it returns something truthy and returns that; after `timeout` seconds raises
    WaitTimeout naming `what`, the last value or error of pred, and the last log lines of every node."""
    deadline = time.monotonic() + timeout
    last = None
    polls = 0
    while True:
        polls += 1
        try:
            v = pred()
            if v:
                return v
            last = v
        except Exception as e:  # noqa: BLE001 - the predicate may fail while a process starts
            last = e
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
    raise WaitTimeout("timed out after %.1fs (%d polls) waiting for %s (last result: %r)\n%s"
                      % (timeout, polls, what, last, log_tails()))


def report(exc):
    """Prints the nodes' last log lines for a failure, unless a WaitTimeout already carries them."""
    if isinstance(exc, WaitTimeout):
        return
    print("==== the test failed (%s); the nodes' logs:\n%s" % (type(exc).__name__, log_tails()),
          file=sys.stderr, flush=True)


_previous_hook = sys.excepthook


def _excepthook(etype, value, tb):
    _previous_hook(etype, value, tb)
    if not issubclass(etype, (KeyboardInterrupt, SystemExit)):
        report(value)


sys.excepthook = _excepthook


class LogTailResult(unittest.TextTestResult):
    """A unittest result that prints the nodes' last log lines on every error and failure. The nodes of one
    test case are forgotten after it (class- and module-level nodes stay in `live`)."""

    def addError(self, test, err):
        super().addError(test, err)
        self._dump(err)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._dump(err)

    def _dump(self, err):
        if isinstance(err[1], WaitTimeout):
            return  # its message carries the logs; unittest prints it with the traceback
        self.stream.flush()
        print("\n%s" % "".join(traceback.format_exception_only(err[0], err[1])).strip(), file=sys.stderr)
        report(err[1])

    def stopTest(self, test):
        super().stopTest(test)
        retired.clear()


def run_tests():
    """unittest.main for an integration test module: verbose, the nodes' logs on failure, and an error
    (exit 1) when nothing ran, e.g. a -k pattern or test name that matches no test."""
    prog = unittest.main(testRunner=unittest.TextTestRunner(resultclass=LogTailResult, verbosity=2),
                         exit=False)
    result = prog.result
    if result.testsRun == 0:
        print("error: no test ran (a test name or -k pattern that matches nothing?)", file=sys.stderr)
        sys.exit(1)
    sys.exit(0 if result.wasSuccessful() else 1)
