"""min-replicas-to-write / min-replicas-max-lag, differential against Debian's redis-server 7.0.15 (ports
21100-21103): the same steps run on a master of ours (with a replica of ours) and on a redis-server master (with
a redis-server replica), and every reply is compared.

Steps: no replica -> writes, EXEC of queued writes and scripts that write get -NOREPLICAS (reads, PING and
no-writes scripts do not), INFO's min_slaves_good_slaves is 0; a replica attaches -> writes succeed; the replica
is stopped (SIGSTOP: its link stays open but its ACKs stop) -> once its last ACK is older than the lag, writes
are refused again; min-replicas-to-write 0 turns the check off."""
import os
import signal
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "lib"))
import rcs  # noqa: E402

OURS_MASTER, OURS_REPLICA, REF_MASTER, REF_REPLICA = 21100, 21101, 21102, 21103
MAX_LAG = 2


def reply(client, *cmd):
    """The reply as comparable text: the value, or the error's text."""
    import redis
    try:
        return repr(client.execute_command(*cmd))
    except redis.exceptions.ResponseError as e:
        return "ERR-REPLY " + str(e)


def good_replicas(server):
    return rcs.info(server, "replication").get("min_slaves_good_slaves")


class Pair:
    """A master with min-replicas-to-write 1 and a replica that attaches later, of one implementation."""

    def __init__(self, master_port, replica_port, binary):
        args = ["--min-replicas-to-write", "1", "--min-replicas-max-lag", str(MAX_LAG)]
        self.master = rcs.Server(master_port, args=args, binary=binary)
        self.replica = rcs.Server(replica_port, binary=binary)
        self.stopped = False

    def start(self):
        self.master.start()
        self.c = self.master.client()
        return self

    def stop(self):
        if self.stopped and self.replica.alive():
            self.replica.proc.send_signal(signal.SIGCONT)
        self.replica.stop()
        self.master.stop()

    def refused_steps(self):
        c = self.c
        out = [reply(c, "SET", "k", "v"), reply(c, "GET", "k"), reply(c, "PING"), reply(c, "INCR", "n")]
        out.append(reply(c, "MULTI"))
        out.append(reply(c, "SET", "k", "v"))
        out.append(reply(c, "GET", "k"))
        out.append(reply(c, "EXEC"))
        out.append(reply(c, "MULTI"))
        out.append(reply(c, "GET", "k"))
        out.append(reply(c, "EXEC"))
        out.append(reply(c, "EVAL", "return redis.call('set', KEYS[1], 'v')", "1", "k"))
        out.append(reply(c, "EVAL", "#!lua\nreturn redis.call('set', KEYS[1], 'v')", "1", "k"))
        out.append(reply(c, "EVAL", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "1", "k"))
        out.append(reply(c, "EVAL", "return redis.call('get', KEYS[1])", "1", "k"))
        out.append("good=%s" % good_replicas(self.master))
        return out

    def attach(self):
        self.replica.start()
        self.replica.cli("REPLICAOF", "127.0.0.1", self.master.port)
        rcs.wait_until(lambda: good_replicas(self.master) == "1", timeout=20, interval=0.1,
                       what="a good replica on the master of port %d" % self.master.port)
        c = self.c
        return [reply(c, "SET", "k", "v1"), reply(c, "INCR", "n"),
                reply(c, "EVAL", "return redis.call('set', KEYS[1], 'v2')", "1", "k"), reply(c, "GET", "k")]

    def lag(self):
        self.replica.proc.send_signal(signal.SIGSTOP)
        self.stopped = True
        rcs.wait_until(lambda: good_replicas(self.master) == "0", timeout=MAX_LAG + 10, interval=0.1,
                       what="the stopped replica no longer good on port %d" % self.master.port)
        c = self.c
        out = [reply(c, "SET", "k", "v3"), reply(c, "GET", "k")]
        out.append(reply(c, "CONFIG", "SET", "min-replicas-to-write", "0"))
        out += [reply(c, "SET", "k", "v4"), "good=%s" % good_replicas(self.master)]
        return out


class MinReplicasTest(unittest.TestCase):
    def test_same_replies_as_redis_server(self):
        pairs = [Pair(OURS_MASTER, OURS_REPLICA, None), Pair(REF_MASTER, REF_REPLICA, rcs.REDIS_SERVER)]
        try:
            for p in pairs:
                p.start()
            ours, ref = pairs
            got = ours.refused_steps()
            want = ref.refused_steps()
            self.assertEqual(got, want)
            self.assertIn("ERR-REPLY NOREPLICAS Not enough good replicas to write.", got)
            self.assertEqual(got[-1], "good=0")
            got, want = ours.attach(), ref.attach()
            self.assertEqual(got, want)
            self.assertEqual(got[0], "True")
            got, want = ours.lag(), ref.lag()
            self.assertEqual(got, want)
            self.assertEqual(got[0], "ERR-REPLY NOREPLICAS Not enough good replicas to write.")
            self.assertEqual(got[-1], "good=None")  # the field is shown only while the check is on
        finally:
            for p in pairs:
                p.stop()


if __name__ == "__main__":
    rcs.run_tests()
