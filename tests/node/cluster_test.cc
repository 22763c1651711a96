// Cluster mode: key hash slots, nodes.conf, bus messages, redirect decisions, failure reports, the CLUSTER
// commands and the bus state machine fed with decoded messages (no sockets). Expected values were taken
// from redis-server 7.0.15 (CLUSTER KEYSLOT, error texts, the nodes.conf of a real cluster).
#include <doctest/doctest.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "base/crc16.h"
#include "cluster/address_rules.h"
#include "cluster/bus_message.h"
#include "cluster/cluster.h"
#include "cluster/cluster_state.h"
#include "cluster/redirect.h"
#include "harness.h"
#include "net/resolver.h"
#include "server/slot_stats.h"

using namespace rcs;
using namespace rcs::cluster;
using rcs::test::Strings;
using rcs::test::TestNode;

namespace {

std::string Id(char c) { return std::string(40, c); }

// A TestNode in cluster mode with the cluster subsystem installed (no sockets, no config file).
struct ClusterNodeFixture {
  TestNode node{std::vector<std::pair<std::string, std::string>>{{"cluster-enabled", "yes"},
                                                                 {"cluster-node-timeout", "1000"}}};
  Cluster* cl = nullptr;
  ClusterNodeFixture() {
    auto c = std::make_unique<Cluster>(&node.server());
    REQUIRE(c->Init(false).ok());
    cl = c.get();
    node.server().AddSubsystem(std::move(c));
  }
  // Gives `n` slots [first, last] and a config epoch.
  void Own(ClusterNode* n, int first, int last, uint64_t epoch) {
    for (int s = first; s <= last; s++) cl->state().AssignSlot(s, n);
    n->config_epoch = epoch;
  }
  ClusterNode* AddMaster(char idc, int port) {
    ClusterNode* n = cl->state().Add(Id(idc), kNodeMaster);
    n->ip = "10.0.0.1";
    n->port = port;
    n->cport = port + 10000;
    return n;
  }
  // A replica of `master` at 10.0.0.3:port.
  ClusterNode* AddReplica(char idc, int port, const ClusterNode* master) {
    ClusterNode* n = cl->state().Add(Id(idc), kNodeReplica);
    n->ip = "10.0.0.3";
    n->port = port;
    n->cport = port + 10000;
    n->master_id = master->id;
    return n;
  }
};

// Myself a master of slots 0-9 (config epoch 1) with one replica, 'r' at 10.0.0.3:7003.
struct MasterWithReplicaFixture : ClusterNodeFixture {
  ClusterNode* me = cl->state().myself();
  ClusterNode* r = nullptr;
  MasterWithReplicaFixture() {
    Own(me, 0, 9, 1);
    r = AddReplica('r', 7003, me);
  }
};

BusMessage PingFrom(const ClusterNode& n, MsgType t = MsgType::kPing) {
  BusMessage m;
  m.type = t;
  m.sender = n.id;
  m.ip = n.ip;
  m.port = static_cast<uint16_t>(n.port);
  m.cport = static_cast<uint16_t>(n.cport);
  m.config_epoch = n.config_epoch;
  m.master_id = n.master_id;
  for (int s = 0; s < kClusterSlots; s++) {
    if (n.slots.test(s)) BitmapSet(m.slots, s);
  }
  return m;
}

}  // namespace

TEST_CASE("key hash slot: Redis's vectors and hash tags") {
  CHECK(Crc16("123456789") == 0x31C3);  // CRC16-XMODEM check value
  CHECK(KeyHashSlot("foo") == 12182);
  CHECK(KeyHashSlot("bar") == 5061);
  CHECK(KeyHashSlot("hello") == 866);
  CHECK(KeyHashSlot("123456789") == 12739);
  CHECK(KeyHashSlot("{user1000}.following") == 3443);
  CHECK(KeyHashSlot("{user1000}.followers") == 3443);
  CHECK(KeyHashSlot("foo{}{bar}") == 8363);     // empty first tag: the whole key
  CHECK(KeyHashSlot("foo{{bar}}zap") == 4015);  // tag is "{bar"
  CHECK(KeyHashSlot("foo{bar}{zap}") == 5061);  // first tag only: "bar"
  CHECK(KeyHashSlot("{}") == 15257);
  CHECK(KeyHashSlot("a{b") == 13340);
  CHECK(KeyHashSlot("") == 0);
}

TEST_CASE("nodes.conf: Redis 7.0's file loads and writes back the same") {
  const std::string text =
      "b34f202c4e0a1e5bc29f45c094b5c790fa449313 127.0.0.1:21604@31604 master - 0 1795539898000 4 connected\n"
      "ac5baa883821f6e621f5a826054b33d5a6ec92b6 127.0.0.1:21602@31602 master - 0 1795539898000 2 connected 5461-10922\n"
      "93f36985e37b5b0332704e82a3283721c779b682 127.0.0.1:21601@31601 myself,master - 0 1795539897000 1 connected 0-5460\n"
      "319296023a141b6ba673961949090a6de63ca06e 127.0.0.1:21605@31605 slave 1ec41b880bfb75c10106c19f0e34a88d64324933 0 1795539897839 3 connected\n"
      "1ec41b880bfb75c10106c19f0e34a88d64324933 127.0.0.1:21603@31603 master - 0 1795539897137 3 connected 10923-16383\n"
      "vars currentEpoch 6 lastVoteEpoch 0\n";
  ClusterState st;
  REQUIRE(st.LoadConfigText(text).ok());
  REQUIRE(st.myself() != nullptr);
  CHECK(st.myself()->id == "93f36985e37b5b0332704e82a3283721c779b682");
  CHECK(st.myself()->num_slots == 5461);
  CHECK(st.current_epoch == 6);
  CHECK(st.nodes().size() == 5);
  CHECK(st.SlotsAssigned() == 16384);
  CHECK(st.Size() == 3);
  ClusterNode* rep = st.Find("319296023a141b6ba673961949090a6de63ca06e");
  REQUIRE(rep != nullptr);
  CHECK(rep->is_replica());
  CHECK(rep->master_id == "1ec41b880bfb75c10106c19f0e34a88d64324933");
  CHECK(st.owner(16383)->port == 21603);
  CHECK(st.owner(0) == st.myself());

  // Round trip: what we write loads into the same state, and writes the same again.
  std::string out = st.ConfigText(1795539899000);
  ClusterState st2;
  REQUIRE(st2.LoadConfigText(out).ok());
  CHECK(st2.ConfigText(1795539899000) == out);
  CHECK(out.find("myself,master - 0 1795539897000 1 connected 0-5460\n") != std::string::npos);
  CHECK(out.substr(out.size() - 36) == "vars currentEpoch 6 lastVoteEpoch 0\n");
}

TEST_CASE("nodes.conf: hostnames, migrating/importing brackets, single slots") {
  ClusterState st;
  ClusterNode* me = st.Add(Id('a'), kNodeMyself | kNodeMaster);
  me->ip = "192.168.1.5";
  me->port = 7000;
  me->cport = 17000;
  me->hostname = "node-a.example";
  me->config_epoch = 7;
  ClusterNode* b = st.Add(Id('b'), kNodeMaster | kNodePFail);
  b->ip = "192.168.1.6";
  b->port = 7001;
  b->cport = 17001;
  st.AssignSlot(5, me);
  for (int s = 10; s <= 20; s++) st.AssignSlot(s, me);
  st.AssignSlot(100, b);
  st.SetMigrating(10, b->id);
  st.SetImporting(100, b->id);
  st.current_epoch = 9;
  std::string text = st.ConfigText(5000);
  CHECK(text.find(Id('a') + " 192.168.1.5:7000@17000,node-a.example myself,master - 0 0 7 connected 5 10-20 [10->-" +
                  Id('b') + "] [100-<-" + Id('b') + "]\n") != std::string::npos);
  CHECK(text.find(Id('b') + " 192.168.1.6:7001@17001 master,fail? - 0 0 0 disconnected 100\n") != std::string::npos);
  ClusterState st2;
  REQUIRE(st2.LoadConfigText(text).ok());
  CHECK(st2.myself()->hostname == "node-a.example");
  CHECK(st2.migrating_id(10) == Id('b'));
  CHECK(st2.importing_id(100) == Id('b'));
  CHECK(st2.Find(Id('b'))->is(kNodePFail));
  CHECK(st2.ConfigText(5000) == text);
}

TEST_CASE("nodes.conf: corrupted files are refused") {
  const std::string good_me = Id('a') + " 1.2.3.4:1@2 myself,master - 0 0 1 connected\n";
  ClusterState a;
  CHECK_FALSE(a.LoadConfigText("short line\n").ok());
  ClusterState b;
  CHECK_FALSE(b.LoadConfigText("zz 1.2.3.4:1@2 myself,master - 0 0 1 connected\n").ok());  // bad id
  ClusterState c;
  CHECK_FALSE(c.LoadConfigText(Id('a') + " 1.2.3.4:1 myself,master - 0 0 1 connected\n").ok());  // no @cport
  ClusterState d;
  CHECK_FALSE(d.LoadConfigText(Id('a') + " 1.2.3.4:1@2 myself,weird - 0 0 1 connected\n").ok());
  ClusterState e;
  CHECK_FALSE(e.LoadConfigText(Id('a') + " 1.2.3.4:1@2 myself,master - 0 0 1 connected 16384\n").ok());
  ClusterState f;
  CHECK_FALSE(f.LoadConfigText(Id('a') + " 1.2.3.4:1@2 myself,master - 0 0 1 connected 9-3\n").ok());
  ClusterState g;
  CHECK_FALSE(g.LoadConfigText(Id('b') + " 1.2.3.4:1@2 master - 0 0 1 connected\n").ok());  // no myself
  ClusterState h;
  CHECK(h.LoadConfigText(good_me + "\nvars currentEpoch 3 lastVoteEpoch 2\n").ok());
  CHECK(h.current_epoch == 3);
  CHECK(h.last_vote_epoch == 2);
}

TEST_CASE("bus messages: encode/decode round trip of every type") {
  BusMessage m;
  m.type = MsgType::kPing;
  m.sender = Id('a');
  m.sender_flags = kNodeMaster;
  m.current_epoch = 0x0102030405060708ULL;
  m.config_epoch = 42;
  m.repl_offset = 1234567;
  BitmapSet(m.slots, 0);
  BitmapSet(m.slots, 16383);
  m.ip = "10.1.2.3";
  m.port = 7000;
  m.cport = 17000;
  m.hostname = "host-a";
  m.cluster_state = 1;
  for (char c : {'b', 'c', 'd'}) {
    BusMessage::Gossip g;
    g.id = Id(c);
    g.ip = "10.1.2.4";
    g.port = 7001;
    g.cport = 17001;
    g.flags = kNodeMaster | kNodePFail;
    g.ping_sent_s = 11;
    g.pong_received_s = 12;
    m.gossip.push_back(g);
  }
  std::string wire;
  EncodeMessage(m, &wire);
  CHECK(wire.size() == sizeof(MsgHeader) + 3 * sizeof(GossipEntry));
  CHECK(wire.substr(0, 4) == "RCmb");
  BusMessage d;
  DecodeResult r = DecodeMessage(wire, &d);
  REQUIRE(r.status == DecodeStatus::kOk);
  CHECK(r.consumed == wire.size());
  CHECK(d.sender == m.sender);
  CHECK(d.current_epoch == m.current_epoch);
  CHECK(d.config_epoch == 42);
  CHECK(d.repl_offset == 1234567);
  CHECK(d.HasSlot(0));
  CHECK(d.HasSlot(16383));
  CHECK_FALSE(d.HasSlot(1));
  CHECK(d.ip == "10.1.2.3");
  CHECK(d.port == 7000);
  CHECK(d.cport == 17000);
  CHECK(d.hostname == "host-a");
  CHECK(d.master_id.empty());
  CHECK(d.cluster_state == 1);
  REQUIRE(d.gossip.size() == 3);
  CHECK(d.gossip[2].id == Id('d'));
  CHECK(d.gossip[1].flags == (kNodeMaster | kNodePFail));
  CHECK(d.gossip[0].pong_received_s == 12);

  BusMessage fail;
  fail.type = MsgType::kFail;
  fail.sender = Id('a');
  fail.master_id = Id('e');
  fail.fail_id = Id('f');
  BusMessage upd;
  upd.type = MsgType::kUpdate;
  upd.sender = Id('a');
  upd.update_id = Id('c');
  upd.update_epoch = 99;
  upd.update_slots.assign(kClusterSlots / 8, 0);
  BitmapSet(upd.update_slots, 777);
  BusMessage vote;
  vote.type = MsgType::kFailoverAuthRequest;
  vote.sender = Id('a');
  std::string two;
  EncodeMessage(fail, &two);
  EncodeMessage(upd, &two);
  EncodeMessage(vote, &two);
  std::string_view rest = two;
  r = DecodeMessage(rest, &d);
  REQUIRE(r.status == DecodeStatus::kOk);
  CHECK(d.type == MsgType::kFail);
  CHECK(d.fail_id == Id('f'));
  CHECK(d.master_id == Id('e'));
  rest.remove_prefix(r.consumed);
  r = DecodeMessage(rest, &d);
  REQUIRE(r.status == DecodeStatus::kOk);
  CHECK(d.type == MsgType::kUpdate);
  CHECK(d.update_epoch == 99);
  CHECK(BitmapHas(d.update_slots, 777));
  CHECK_FALSE(BitmapHas(d.update_slots, 778));
  rest.remove_prefix(r.consumed);
  r = DecodeMessage(rest, &d);
  REQUIRE(r.status == DecodeStatus::kOk);
  CHECK(d.type == MsgType::kFailoverAuthRequest);
  CHECK(r.consumed == rest.size());
}

TEST_CASE("bus messages: every malformed case is rejected, partial frames wait") {
  BusMessage m;
  m.type = MsgType::kPong;
  m.sender = Id('a');
  BusMessage::Gossip g;
  g.id = Id('b');
  m.gossip.push_back(g);
  std::string wire;
  EncodeMessage(m, &wire);
  BusMessage d;
  auto status = [&](const std::string& w) { return DecodeMessage(w, &d).status; };
  auto patch16 = [&](size_t off, uint16_t v) {
    std::string w = wire;
    uint16_t be = htobe16(v);
    memcpy(&w[off], &be, 2);
    return w;
  };
  auto patch32 = [&](size_t off, uint32_t v) {
    std::string w = wire;
    uint32_t be = htobe32(v);
    memcpy(&w[off], &be, 4);
    return w;
  };
  CHECK(status(wire) == DecodeStatus::kOk);
  // Every proper prefix waits for more (none is mistaken for a frame or rejected).
  for (size_t n : {size_t{0}, size_t{1}, size_t{4}, size_t{7}, size_t{8}, size_t{100}, wire.size() - 1}) {
    CHECK(status(wire.substr(0, n)) == DecodeStatus::kNeedMore);
  }
  CHECK(status("XCmb") == DecodeStatus::kMalformed);                  // bad signature, detected early
  CHECK(status("RCm") == DecodeStatus::kNeedMore);
  CHECK(status("RX") == DecodeStatus::kMalformed);
  CHECK(status(patch32(4, 10)) == DecodeStatus::kMalformed);           // shorter than a header
  CHECK(status(patch32(4, 100000000)) == DecodeStatus::kMalformed);    // absurd length
  CHECK(status(patch32(4, static_cast<uint32_t>(wire.size() - 1)) + "x") == DecodeStatus::kMalformed);  // truncated gossip
  CHECK(status(patch16(8, 2)) == DecodeStatus::kMalformed);            // version
  CHECK(status(patch16(10, 9)) == DecodeStatus::kMalformed);           // unknown type
  CHECK(status(patch16(10, 3)) == DecodeStatus::kMalformed);           // FAIL with a count
  CHECK(status(patch16(12, 2)) == DecodeStatus::kMalformed);           // count says 2, one entry sent
  {
    std::string w = wire;
    w[offsetof(MsgHeader, sender)] = 'Z';  // not hex
    CHECK(status(w) == DecodeStatus::kMalformed);
  }
  {
    std::string w = wire;
    w[sizeof(MsgHeader)] = 'g';  // gossip id not hex
    CHECK(status(w) == DecodeStatus::kMalformed);
  }
  {
    std::string w = wire;
    w[offsetof(MsgHeader, ip) + 10] = 'x';  // bytes after the NUL terminator
    CHECK(status(w) == DecodeStatus::kMalformed);
  }
  {
    std::string w = wire;
    w[offsetof(MsgHeader, master_id)] = 'a';  // half-written master id
    CHECK(status(w) == DecodeStatus::kMalformed);
  }
}

TEST_CASE("failure reports: quorum and expiry") {
  FailureReports r;
  CHECK(FailQuorum(3) == 2);
  CHECK(FailQuorum(4) == 3);
  CHECK(FailQuorum(1) == 1);
  r.Add(Id('a'), 1000);
  r.Add(Id('b'), 1500);
  r.Add(Id('a'), 2000);  // a new report from the same master refreshes it
  CHECK(r.CountValid(2000, 1000) == 2);
  CHECK(r.CountValid(2600, 1000) == 1);  // b's report (1500) is older than 1000 ms
  CHECK(r.Remove(Id('a')));
  CHECK_FALSE(r.Remove(Id('a')));
  CHECK(r.CountValid(2600, 1000) == 0);
}

TEST_CASE("failover rules: FAIL quorum counts our own opinion only when we are a master") {
  CHECK(HasFailQuorum(1, true, 3));    // one other master + me = 2 of 3
  CHECK_FALSE(HasFailQuorum(1, false, 3));
  CHECK(HasFailQuorum(2, false, 3));
  CHECK_FALSE(HasFailQuorum(2, true, 6));  // 3 of 6 is not a majority
  CHECK(HasFailQuorum(3, true, 6));
}

TEST_CASE("failover rules: replica rank and election delay") {
  CHECK(ReplicaRank(100, {}) == 0);
  CHECK(ReplicaRank(100, {50, 80}) == 0);    // the most up to date goes first
  CHECK(ReplicaRank(100, {150, 80}) == 1);
  CHECK(ReplicaRank(100, {150, 200}) == 2);
  CHECK(ReplicaRank(100, {100}) == 0);       // equal offsets share a rank
  CHECK(ElectionFixedDelayMs(15000) == 500);  // min(500, timeout / 30)
  CHECK(ElectionFixedDelayMs(3000) == 100);
  CHECK(ElectionFixedDelayMs(2000) == 66);
  CHECK(ElectionDelayMs(3000, 0, 0) == 100);
  CHECK(ElectionDelayMs(3000, 2, 37) == 100 + 37 + 2000);
  CHECK(ElectionTimeoutMs(15000) == 30000);
  CHECK(ElectionTimeoutMs(500) == 2000);
}

TEST_CASE("failover rules: replica data validity") {
  // node timeout 1000, factor 10, ping period 10 s: valid up to 1000 + 10 * 1000 + 10000 ms of silence.
  CHECK(ReplicaDataValid(500, 1000, 10, 10000));
  CHECK(ReplicaDataValid(21000, 1000, 10, 10000));
  CHECK_FALSE(ReplicaDataValid(21001, 1000, 10, 10000));
  CHECK(ReplicaDataValid(1000000, 1000, 0, 10000));  // factor 0: always valid
}

TEST_CASE("failover rules: when a master grants its vote") {
  VoteRequest r;
  r.i_am_master_with_slots = true;
  r.my_current_epoch = 7;
  r.my_last_vote_epoch = 6;
  r.request_current_epoch = 7;
  r.request_config_epoch = 3;
  r.requester_is_replica = true;
  r.master_known = true;
  r.master_failed = true;
  r.now_ms = 100000;
  r.node_timeout_ms = 2000;
  r.max_claimed_slot_owner_epoch = 3;
  CHECK(DecideVote(r) == VoteDecision::kGrant);
  auto with = [&](auto change) {
    VoteRequest x = r;
    change(x);
    return DecideVote(x);
  };
  CHECK(with([](VoteRequest& x) { x.i_am_master_with_slots = false; }) == VoteDecision::kNotAVoter);
  CHECK(with([](VoteRequest& x) { x.request_current_epoch = 6; }) == VoteDecision::kStaleEpoch);
  CHECK(with([](VoteRequest& x) { x.my_last_vote_epoch = 7; }) == VoteDecision::kAlreadyVoted);  // one per epoch
  CHECK(with([](VoteRequest& x) { x.requester_is_replica = false; }) == VoteDecision::kNotAReplica);
  CHECK(with([](VoteRequest& x) { x.master_known = false; }) == VoteDecision::kNotAReplica);
  CHECK(with([](VoteRequest& x) { x.master_failed = false; }) == VoteDecision::kMasterNotFailed);
  CHECK(with([](VoteRequest& x) { x.master_failed = false; x.force_ack = true; }) == VoteDecision::kGrant);
  CHECK(with([](VoteRequest& x) { x.master_voted_ms = 100000 - 3999; }) == VoteDecision::kTooSoon);
  CHECK(with([](VoteRequest& x) { x.master_voted_ms = 100000 - 4000; }) == VoteDecision::kGrant);
  CHECK(with([](VoteRequest& x) { x.max_claimed_slot_owner_epoch = 4; }) == VoteDecision::kSlotsHaveNewerOwner);
  CHECK(std::string(VoteDecisionText(VoteDecision::kAlreadyVoted)) == "I already voted in this epoch");
}

TEST_CASE("failover rules: which configEpoch wins a slot, replica migration") {
  CHECK(SlotClaimWins(false, 0, 0));   // an unowned slot goes to any claimer
  CHECK(SlotClaimWins(true, 3, 4));
  CHECK_FALSE(SlotClaimWins(true, 4, 4));  // equal: the owner keeps it (collision handling bumps one side)
  CHECK_FALSE(SlotClaimWins(true, 5, 4));
  CHECK(ShouldMigrateReplica(2, 1, true));
  CHECK_FALSE(ShouldMigrateReplica(2, 1, false));
  CHECK_FALSE(ShouldMigrateReplica(1, 1, true));  // my master would be left at the barrier
}

TEST_CASE("redirect decision") {
  ClusterState st;
  ClusterNode* me = st.Add(Id('a'), kNodeMyself | kNodeMaster);
  me->ip = "127.0.0.1";
  me->port = 7000;
  ClusterNode* other = st.Add(Id('b'), kNodeMaster);
  other->ip = "127.0.0.2";
  other->port = 7001;
  other->hostname = "b.example";
  int foo = KeyHashSlot("foo"), bar = KeyHashSlot("bar");
  st.AssignSlot(foo, me);
  st.AssignSlot(bar, other);
  st.state_ok = true;
  std::set<std::string> present = {"foo"};
  RedirectQuery q;
  q.key_exists = [&](std::string_view k) { return present.count(std::string(k)) > 0; };
  auto decide = [&](std::vector<std::string_view> keys) {
    q.keys = std::move(keys);
    return DecideRedirect(st, q);
  };
  CHECK(decide({}).kind == RedirectDecision::kServe);
  CHECK(decide({"foo"}).kind == RedirectDecision::kServe);
  CHECK(decide({"foo", "{foo}x"}).kind == RedirectDecision::kServe);
  RedirectDecision d = decide({"bar"});
  CHECK(d.kind == RedirectDecision::kMoved);
  CHECK(RedirectError(d, false) == "MOVED 5061 127.0.0.2:7001");
  CHECK(RedirectError(d, true) == "MOVED 5061 b.example:7001");
  CHECK(RedirectError(decide({"foo", "bar"}), false) == "CROSSSLOT Keys in request don't hash to the same slot");
  CHECK(RedirectError(decide({"hello"}), false) == "CLUSTERDOWN Hash slot not served");

  // Cluster down: keys refused; reads allowed with cluster-allow-reads-when-down.
  st.state_ok = false;
  CHECK(RedirectError(decide({"foo"}), false) == "CLUSTERDOWN The cluster is down");
  CHECK(decide({}).kind == RedirectDecision::kServe);
  q.allow_reads_when_down = true;
  CHECK(decide({"foo"}).kind == RedirectDecision::kServe);
  q.is_write = true;
  CHECK(RedirectError(decide({"foo"}), false) == "CLUSTERDOWN The cluster is down and only accepts read commands");
  q.is_write = false;
  q.allow_reads_when_down = false;
  st.state_ok = true;

  // Migrating away: present keys served here, missing ones asked of the target.
  st.SetMigrating(foo, other->id);
  CHECK(decide({"foo"}).kind == RedirectDecision::kServe);
  CHECK(RedirectError(decide({"{foo}gone"}), false) == "ASK 12182 127.0.0.2:7001");
  // Several keys: all missing here, ASK; some here and some missing, TRYAGAIN (neither node has them all), as
  // redis-server 7.0 answers; all here, served.
  CHECK(RedirectError(decide({"{foo}gone", "{foo}gone2"}), false) == "ASK 12182 127.0.0.2:7001");
  CHECK(RedirectError(decide({"foo", "{foo}gone"}), false) == "TRYAGAIN Multiple keys request during rehashing of slot");
  CHECK(RedirectError(decide({"{foo}gone", "foo"}), false) == "TRYAGAIN Multiple keys request during rehashing of slot");
  CHECK(decide({"foo", "foo"}).kind == RedirectDecision::kServe);
  q.is_write = true;
  CHECK(decide({"foo", "{foo}gone"}).kind == RedirectDecision::kTryAgain);
  q.is_write = false;
  q.is_migrate = true;
  CHECK(decide({"{foo}gone"}).kind == RedirectDecision::kServe);
  q.is_migrate = false;
  st.SetMigrating(foo, "");

  // Importing: served only after ASKING; several keys with some missing: TRYAGAIN.
  st.SetImporting(bar, other->id);
  CHECK(decide({"bar"}).kind == RedirectDecision::kMoved);
  q.asking = true;
  present.insert("bar");
  CHECK(decide({"bar"}).kind == RedirectDecision::kServe);
  CHECK(decide({"{bar}missing"}).kind == RedirectDecision::kServe);
  CHECK(RedirectError(decide({"bar", "{bar}missing"}), false) == "TRYAGAIN Multiple keys request during rehashing of slot");
  q.asking = false;
  st.SetImporting(bar, "");

  // READONLY on a replica of the slot's master: reads served, writes moved.
  me->flags = kNodeMyself | kNodeReplica;
  me->master_id = other->id;
  q.readonly_client = true;
  CHECK(decide({"bar"}).kind == RedirectDecision::kServe);
  q.is_write = true;
  CHECK(decide({"bar"}).kind == RedirectDecision::kMoved);
  q.is_write = false;
  q.readonly_client = false;
  CHECK(decide({"bar"}).kind == RedirectDecision::kMoved);
}

TEST_CASE("CLUSTER commands on one node") {
  ClusterNodeFixture f;
  TestNode& n = f.node;
  std::string myid = n.Do("CLUSTER MYID");
  CHECK(myid.size() == 42);
  CHECK(n.Do("CLUSTER KEYSLOT {user1000}.following") == "(integer) 3443");
  CHECK(n.Do("GET foo") == "(error) CLUSTERDOWN Hash slot not served");
  CHECK(n.Do("PING") == "PONG");  // no keys: served whatever the state
  CHECK(n.Do("CLUSTER ADDSLOTS 16384") == "(error) ERR Invalid or out of range slot");
  CHECK(n.Do("CLUSTER ADDSLOTS 1 1") == "(error) ERR Slot 1 specified multiple times");
  CHECK(n.Do("CLUSTER DELSLOTS 5") == "(error) ERR Slot 5 is already unassigned");
  CHECK(n.Do("CLUSTER ADDSLOTSRANGE 5 1") == "(error) ERR start slot number 5 is greater than end slot number 1");
  CHECK(n.Do("CLUSTER ADDSLOTSRANGE 1") == "(error) ERR wrong number of arguments for 'cluster|addslotsrange' command");
  CHECK(n.Do("CLUSTER ADDSLOTSRANGE 0 16383") == "OK");
  CHECK(n.Do("CLUSTER ADDSLOTS 7") == "(error) ERR Slot 7 is already busy");
  n.server().RunPendingTimers();
  f.cl->BeforeSleep();
  std::string info = n.Do("CLUSTER INFO");
  CHECK(info.find("cluster_state:ok\r\n") != std::string::npos);
  CHECK(info.find("cluster_slots_assigned:16384\r\n") != std::string::npos);
  CHECK(info.find("cluster_known_nodes:1\r\n") != std::string::npos);
  CHECK(info.find("cluster_size:1\r\n") != std::string::npos);
  CHECK(n.Do("SET foo bar") == "OK");
  CHECK(n.Do("SET {foo}2 x") == "OK");
  CHECK(n.Do("MSET a 1 b 2") == "(error) CROSSSLOT Keys in request don't hash to the same slot");
  CHECK(n.Do("CLUSTER COUNTKEYSINSLOT 12182") == "(integer) 2");
  CHECK(n.Do("CLUSTER COUNTKEYSINSLOT 16384") == "(error) ERR Invalid slot");
  CHECK(n.Do("CLUSTER COUNTKEYSINSLOT x") == "(error) ERR value is not an integer or out of range");
  CHECK(n.Do("CLUSTER GETKEYSINSLOT 12182 1").find("[\"") == 0);
  CHECK(n.Do("CLUSTER GETKEYSINSLOT 12182 -1") == "(error) ERR Invalid slot or number of keys");
  CHECK(n.Do("CLUSTER SET-CONFIG-EPOCH -1") == "(error) ERR Invalid config epoch specified: -1");
  CHECK(n.Do("CLUSTER SET-CONFIG-EPOCH 5") == "OK");
  CHECK(n.Do("CLUSTER SET-CONFIG-EPOCH 6") == "(error) ERR Node config epoch is already non-zero");
  CHECK(n.Do("CLUSTER BUMPEPOCH") == "STILL 5");
  CHECK(n.Do("CLUSTER SETSLOT 1 foo") ==
        "(error) ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP");
  CHECK(n.Do("CLUSTER SETSLOT 1 NODE abc") == "(error) ERR Unknown node abc");
  CHECK(n.Do("CLUSTER SETSLOT 1 IMPORTING abc") == "(error) ERR I'm already the owner of hash slot 1");
  CHECK(n.Do("CLUSTER SETSLOT 1 MIGRATING abc") == "(error) ERR I don't know about node abc");
  CHECK(n.Do("CLUSTER REPLICATE " + myid.substr(1, 40)) == "(error) ERR Can't replicate myself");
  CHECK(n.Do("CLUSTER FORGET " + myid.substr(1, 40)) == "(error) ERR I tried hard but I can't forget myself...");
  CHECK(n.Do("CLUSTER RESET foo") == "(error) ERR syntax error");
  CHECK(n.Do("CLUSTER RESET") == "(error) ERR CLUSTER RESET can't be called with master nodes containing keys");
  CHECK(n.Do("CLUSTER FLUSHSLOTS") == "(error) ERR DB must be empty to perform CLUSTER FLUSHSLOTS.");
  CHECK(n.Do("CLUSTER FOO") == "(error) ERR unknown subcommand 'FOO'. Try CLUSTER HELP.");
  CHECK(n.Do("SELECT 1") == "(error) ERR SELECT is not allowed in cluster mode");
  CHECK(n.Do("MIGRATE 127.0.0.1 1 a 0 10 KEYS b") ==
        "(error) ERR When using MIGRATE KEYS option, the key argument must be set to the empty string");
  CHECK(n.Do("MIGRATE 127.0.0.1 1 nokey 0 10") == "NOKEY");
  CHECK(n.Do("MIGRATE 127.0.0.1 1 foo 0 10 BOGUS") == "(error) ERR syntax error");
  // The node line: id ip:port@cport flags master ping pong epoch state slots, newline-terminated.
  std::string nodes = n.Do("CLUSTER NODES");
  int port = n.server().config().port;
  CHECK(nodes.find(myid.substr(1, 40) + " :" + std::to_string(port) + "@" + std::to_string(port + 10000) +
                   " myself,master - 0 ") != std::string::npos);
  CHECK(nodes.find(" 5 connected 0-16383\n") != std::string::npos);
  std::string slots = n.Do("CLUSTER SLOTS");
  CHECK(slots == "[[(integer) 0, (integer) 16383, [\"\", (integer) " + std::to_string(port) + ", " + myid + ", []]]]");
  CHECK(n.Do("FLUSHALL") == "OK");
  CHECK(n.Do("CLUSTER RESET HARD") == "OK");
  CHECK(n.Do("CLUSTER MYID") != myid);
  CHECK(n.Do("CLUSTER INFO").find("cluster_slots_assigned:0\r\n") != std::string::npos);
}

TEST_CASE("READONLY/READWRITE/ASKING need cluster mode") {
  TestNode plain;
  CHECK(plain.Do("READONLY") == "(error) ERR This instance has cluster support disabled");
  CHECK(plain.Do("ASKING") == "(error) ERR This instance has cluster support disabled");
  CHECK(plain.Do("CLUSTER INFO") == "(error) ERR This instance has cluster support disabled");
  ClusterNodeFixture f;
  CHECK(f.node.Do("READONLY") == "OK");
  CHECK(f.node.client()->has(kClientReadOnly));
  CHECK(f.node.Do("READWRITE") == "OK");
  CHECK_FALSE(f.node.client()->has(kClientReadOnly));
}

TEST_CASE("ASKING lets one command through on an importing slot, MOVED otherwise") {
  ClusterNodeFixture f;
  ClusterNode* b = f.AddMaster('b', 7001);
  ClusterState& st = f.cl->state();
  for (int s = 0; s < kClusterSlots; s++) st.AssignSlot(s, b);
  f.cl->UpdateState();
  int slot = KeyHashSlot("foo");
  CHECK(f.node.Do("GET foo") == "(error) MOVED 12182 10.0.0.1:7001");
  CHECK(f.node.Do({"CLUSTER", "SETSLOT", std::to_string(slot), "IMPORTING", b->id}) == "OK");
  CHECK(f.node.Do("GET foo") == "(error) MOVED 12182 10.0.0.1:7001");
  CHECK(f.node.Do("ASKING") == "OK");
  CHECK(f.node.Do("SET foo v") == "OK");
  CHECK(f.node.Do("GET foo") == "(error) MOVED 12182 10.0.0.1:7001");  // ASKING is for one command
  CHECK(f.node.Do("ASKING") == "OK");
  CHECK(f.node.Do("GET foo") == "\"v\"");
  // Finishing the import: the slot is ours with a new epoch.
  uint64_t epoch = st.current_epoch;
  CHECK(f.node.Do({"CLUSTER", "SETSLOT", std::to_string(slot), "NODE", st.myself()->id}) == "OK");
  CHECK(st.owner(slot) == st.myself());
  CHECK(st.current_epoch == epoch + 1);
  CHECK(st.importing_id(slot).empty());
  // Giving a slot with keys away is refused.
  CHECK(f.node.Do({"CLUSTER", "SETSLOT", std::to_string(slot), "NODE", b->id}) ==
        "(error) ERR Can't assign hashslot 12182 to a different node while I still hold keys for this hash slot.");
  CHECK(f.node.Do({"CLUSTER", "SETSLOT", std::to_string(slot), "MIGRATING", b->id}) == "OK");
  CHECK(f.node.Do("GET foo") == "\"v\"");
  CHECK(f.node.Do("GET {foo}absent") == "(error) ASK 12182 10.0.0.1:7001");
  CHECK(f.node.Do("MSET foo w {foo}absent w") == "(error) TRYAGAIN Multiple keys request during rehashing of slot");
  CHECK(f.node.Do("MGET {foo}absent {foo}absent2") == "(error) ASK 12182 10.0.0.1:7001");
  CHECK(f.node.Do("GET foo") == "\"v\"");
  // MULTI: a redirect while queueing aborts EXEC.
  CHECK(f.node.Do("MULTI") == "OK");
  CHECK(f.node.Do("GET bar") == "(error) MOVED 5061 10.0.0.1:7001");
  CHECK(f.node.Do("EXEC") == "(error) EXECABORT Transaction discarded because of previous errors.");
}

TEST_CASE("bus state machine: MEET adds the sender, gossip reports make a node FAIL, FAIL clears") {
  ClusterNodeFixture f;
  ClusterState& st = f.cl->state();
  ClusterNode* me = st.myself();
  for (int s = 0; s < 5000; s++) st.AssignSlot(s, me);
  me->config_epoch = 1;
  // A MEET from an unknown node adds it under its real id.
  ClusterNode peer_b;
  peer_b.id = Id('b');
  peer_b.ip = "10.0.0.2";
  peer_b.port = 7001;
  peer_b.cport = 17001;
  peer_b.config_epoch = 2;
  for (int s = 5000; s < 10000; s++) peer_b.slots.set(s);
  f.cl->HandleMessage(PingFrom(peer_b, MsgType::kMeet), 0, "10.0.0.2");
  ClusterNode* b = st.Find(Id('b'));
  REQUIRE(b != nullptr);
  CHECK(b->is_master());
  CHECK(b->port == 7001);
  // Its slot claims are accepted (no owner yet) on the next PING.
  f.cl->HandleMessage(PingFrom(peer_b), 0, "10.0.0.2");
  CHECK(b->num_slots == 5000);
  CHECK(st.owner(5000) == b);
  ClusterNode* c = f.AddMaster('c', 7002);
  c->config_epoch = 3;
  for (int s = 10000; s < kClusterSlots; s++) st.AssignSlot(s, c);
  f.cl->UpdateState();
  CHECK(st.state_ok);
  CHECK(st.Size() == 3);

  // c stops answering: PFAIL after the node timeout (1000 ms).
  c->ping_sent_ms = f.node.clock().NowMs();
  c->data_received_ms = f.node.clock().NowMs();
  f.node.clock().AdvanceMs(1500);
  f.cl->Cron();
  CHECK(c->is(kNodePFail));
  CHECK_FALSE(c->is(kNodeFail));
  CHECK(f.node.Do("CLUSTER INFO").find("cluster_slots_pfail:6384\r\n") != std::string::npos);
  // b reports c as failing too: with ourselves that is 2 of 3 masters, a majority -> FAIL.
  BusMessage gossip = PingFrom(*b);
  BusMessage::Gossip g;
  g.id = c->id;
  g.ip = c->ip;
  g.port = 7002;
  g.cport = 17002;
  g.flags = kNodeMaster | kNodePFail;
  gossip.gossip.push_back(g);
  f.cl->HandleMessage(gossip, 0, "10.0.0.2");
  CHECK(c->is(kNodeFail));
  CHECK(f.node.Do({"CLUSTER", "COUNT-FAILURE-REPORTS", c->id}) == "(integer) 1");
  f.cl->UpdateState();
  CHECK_FALSE(st.state_ok);
  CHECK(f.node.Do("GET foo") == "(error) CLUSTERDOWN The cluster is down");
  // Reports expire after 2 x node timeout.
  f.node.clock().AdvanceMs(2500);
  CHECK(f.node.Do({"CLUSTER", "COUNT-FAILURE-REPORTS", c->id}) == "(integer) 0");

  // A FAIL message from a known node marks the node FAIL at once.
  ClusterNode* d = f.AddMaster('d', 7003);
  BusMessage fail;
  fail.type = MsgType::kFail;
  fail.sender = b->id;
  fail.fail_id = d->id;
  f.cl->HandleMessage(fail, 0, "10.0.0.2");
  CHECK(d->is(kNodeFail));
  // ...but not from an unknown sender.
  ClusterNode* e = f.AddMaster('e', 7004);
  fail.sender = Id('9');
  fail.fail_id = e->id;
  f.cl->HandleMessage(fail, 0, "10.0.0.9");
  CHECK_FALSE(e->is(kNodeFail));
}

TEST_CASE("epochs: adopt a greater currentEpoch, collisions, higher configEpoch wins a slot, UPDATE") {
  ClusterNodeFixture f;
  ClusterState& st = f.cl->state();
  ClusterNode* me = st.myself();
  st.Rename(me, Id('1'));  // a small id: on a collision we are the one that bumps
  for (int s = 0; s < 100; s++) st.AssignSlot(s, me);
  me->config_epoch = 5;
  st.current_epoch = 5;
  ClusterNode* b = f.AddMaster('b', 7001);
  b->config_epoch = 5;
  ClusterNode peer = *b;
  peer.slots.reset();
  peer.config_epoch = 5;
  BusMessage m = PingFrom(peer);
  m.current_epoch = 8;
  f.cl->HandleMessage(m, 0, "10.0.0.1");
  CHECK(st.current_epoch == 9);  // adopted 8, then bumped to resolve the collision (5 == 5)
  CHECK(me->config_epoch == 9);

  // b claims slot 10 with a greater configEpoch: it wins the slot; our keys there are dropped.
  CHECK(f.node.Do({"SET", "{" + std::string("a") + "}", "x"}) != "");
  peer.config_epoch = 20;
  peer.slots.set(10);
  f.cl->HandleMessage(PingFrom(peer), 0, "10.0.0.1");
  CHECK(st.owner(10) == b);
  CHECK(b->config_epoch == 20);
  // A stale claim (epoch lower than the owner's) does not take the slot.
  ClusterNode* c = f.AddMaster('c', 7002);
  c->config_epoch = 1;
  ClusterNode peer_c = *c;
  peer_c.slots.set(50);  // owned by us with epoch 9
  f.cl->HandleMessage(PingFrom(peer_c), 0, "10.0.0.1");
  CHECK(st.owner(50) == me);
  // UPDATE: c's new config (epoch 30, slots 60..61) replaces what we knew.
  BusMessage upd;
  upd.type = MsgType::kUpdate;
  upd.sender = b->id;
  upd.update_id = c->id;
  upd.update_epoch = 30;
  upd.update_slots.assign(kClusterSlots / 8, 0);
  BitmapSet(upd.update_slots, 60);
  BitmapSet(upd.update_slots, 61);
  f.cl->HandleMessage(upd, 0, "10.0.0.1");
  CHECK(c->config_epoch == 30);
  CHECK(st.owner(60) == c);
  CHECK(st.owner(61) == c);
}

TEST_CASE("votes: one per epoch (lastVoteEpoch), only for a replica of a FAIL master, counted in CLUSTER INFO") {
  ClusterNodeFixture f;
  ClusterState& st = f.cl->state();
  ClusterNode* me = st.myself();
  f.Own(me, 0, 99, 1);
  ClusterNode* b = f.AddMaster('b', 7001);
  f.Own(b, 100, 199, 2);
  ClusterNode* r = st.Add(Id('c'), kNodeReplica);
  r->master_id = b->id;
  r->ip = "10.0.0.2";
  st.current_epoch = 4;
  BusMessage req = PingFrom(*r, MsgType::kFailoverAuthRequest);
  req.config_epoch = 2;
  for (int s = 100; s < 200; s++) BitmapSet(req.slots, s);
  req.current_epoch = 5;
  // b is not FAIL: no vote.
  f.cl->HandleMessage(req, 0, "10.0.0.2");
  CHECK(st.current_epoch == 5);
  CHECK(st.last_vote_epoch == 0);
  b->flags |= kNodeFail;
  f.cl->HandleMessage(req, 0, "10.0.0.2");
  CHECK(st.last_vote_epoch == 5);
  CHECK(b->voted_time_ms == f.node.clock().NowMs());
  // Not twice in one epoch, and not for the same master again within 2 x node timeout.
  st.last_vote_epoch = 5;
  f.cl->HandleMessage(req, 0, "10.0.0.2");
  CHECK(st.last_vote_epoch == 5);
  req.current_epoch = 6;
  f.node.clock().AdvanceMs(1000);
  f.cl->HandleMessage(req, 0, "10.0.0.2");
  CHECK(st.last_vote_epoch == 5);
  f.node.clock().AdvanceMs(1001);
  f.cl->HandleMessage(req, 0, "10.0.0.2");
  CHECK(st.last_vote_epoch == 6);
  // lastVoteEpoch is in the config text (nodes.conf): a restarted master does not vote twice.
  CHECK(st.ConfigText(0).find("lastVoteEpoch 6") != std::string::npos);
  std::string info = f.node.Do({"CLUSTER", "INFO"});
  CHECK(info.find("cluster_stats_messages_auth-req_received:5") != std::string::npos);
}

TEST_CASE("election: a replica of a FAIL master waits, asks with currentEpoch + 1, wins on a majority") {
  ClusterNodeFixture f;
  ClusterState& st = f.cl->state();
  ClusterNode* me = st.myself();
  ClusterNode* b = f.AddMaster('b', 7001);
  ClusterNode* c = f.AddMaster('c', 7002);
  ClusterNode* d = f.AddMaster('d', 7003);
  f.Own(b, 0, 99, 1);
  f.Own(c, 100, 199, 2);
  f.Own(d, 200, kClusterSlots - 1, 3);
  st.current_epoch = 3;
  me->flags = kNodeMyself | kNodeReplica;
  me->master_id = b->id;
  f.cl->Cron();
  CHECK(st.current_epoch == 3);  // master fine: nothing happens
  b->flags |= kNodeFail;
  f.node.clock().AdvanceMs(200);
  f.cl->Cron();                  // schedules the election: fixed 33 ms + up to 33 ms random (timeout 1000)
  CHECK(st.current_epoch == 3);
  f.node.clock().AdvanceMs(200);
  f.cl->Cron();                  // starts it
  CHECK(st.current_epoch == 4);
  BusMessage ack = PingFrom(*c, MsgType::kFailoverAuthAck);
  ack.current_epoch = 4;
  f.cl->HandleMessage(ack, 0, "10.0.0.1");
  f.cl->BeforeSleep();
  CHECK(me->is_replica());       // 1 vote of 3 masters: not yet
  // A vote from a replica does not count.
  ClusterNode* other = st.Add(Id('e'), kNodeReplica);
  other->master_id = d->id;
  BusMessage bad = PingFrom(*other, MsgType::kFailoverAuthAck);
  bad.current_epoch = 4;
  f.cl->HandleMessage(bad, 0, "10.0.0.1");
  f.cl->BeforeSleep();
  CHECK(me->is_replica());
  ack = PingFrom(*d, MsgType::kFailoverAuthAck);
  ack.current_epoch = 4;
  f.cl->HandleMessage(ack, 0, "10.0.0.1");
  f.cl->BeforeSleep();
  CHECK(me->is_master());
  CHECK(me->config_epoch == 4);
  CHECK(st.owner(0) == me);
  CHECK(st.owner(99) == me);
  CHECK(b->num_slots == 0);
}

TEST_CASE("minority: a master that cannot reach a majority of masters is down, and waits before taking writes again") {
  ClusterNodeFixture f;
  ClusterState& st = f.cl->state();
  ClusterNode* me = st.myself();
  ClusterNode* b = f.AddMaster('b', 7001);
  ClusterNode* c = f.AddMaster('c', 7002);
  f.Own(me, 0, 5000, 1);
  f.Own(b, 5001, 10000, 2);
  f.Own(c, 10001, kClusterSlots - 1, 3);
  f.cl->UpdateState();
  CHECK(st.state_ok);
  CHECK(f.node.Do({"SET", "foo", "1"}) == "(error) MOVED 12182 10.0.0.1:7002");
  b->flags |= kNodePFail;
  c->flags |= kNodePFail;
  f.cl->UpdateState();
  CHECK_FALSE(st.state_ok);
  CHECK(f.node.Do({"SET", "a", "1"}) == "(error) CLUSTERDOWN The cluster is down");  // slot 15495... of c
  CHECK(f.node.Do({"SET", "{b}", "1"}) == "(error) CLUSTERDOWN The cluster is down");  // ours: refused too
  b->flags &= ~kNodePFail;
  c->flags &= ~kNodePFail;
  f.cl->UpdateState();
  CHECK_FALSE(st.state_ok);  // rejoin delay: node timeout (1000 ms here, within 500..5000)
  f.node.clock().AdvanceMs(1001);
  f.cl->UpdateState();
  CHECK(st.state_ok);
}

TEST_CASE("CLUSTER FAILOVER: replies as Redis") {
  ClusterNodeFixture f;
  CHECK(f.node.Do({"CLUSTER", "FAILOVER"}) == "(error) ERR You should send CLUSTER FAILOVER to a replica");
  ClusterNode* b = f.AddMaster('b', 7001);
  ClusterNode* me = f.cl->state().myself();
  me->flags = kNodeMyself | kNodeReplica;
  me->master_id = b->id;
  CHECK(f.node.Do({"CLUSTER", "FAILOVER", "maybe"}) == "(error) ERR syntax error");
  CHECK(f.node.Do({"CLUSTER", "FAILOVER"}) == "(error) ERR Master is down or failed, please use CLUSTER FAILOVER FORCE");
  me->master_id = Id('9');
  CHECK(f.node.Do({"CLUSTER", "FAILOVER", "FORCE"}) == "(error) ERR I'm a replica but my master is unknown to me");
}

TEST_CASE("a master that loses all its slots to another becomes its replica") {
  ClusterNodeFixture f;
  ClusterState& st = f.cl->state();
  ClusterNode* me = st.myself();
  f.Own(me, 0, 9, 1);
  ClusterNode* b = f.AddMaster('b', 7001);
  ClusterNode peer = *b;
  peer.config_epoch = 2;
  for (int s = 0; s < 10; s++) peer.slots.set(s);
  f.cl->HandleMessage(PingFrom(peer), 0, "10.0.0.1");
  CHECK(me->is_replica());
  CHECK(me->master_id == b->id);
  CHECK(f.node.server().is_replica());
  f.node.server().config().cluster_require_full_coverage = false;
  f.cl->UpdateState();
  std::string key;
  for (int i = 0; key.empty(); i++) {
    if (KeyHashSlot("k" + std::to_string(i)) < 10) key = "k" + std::to_string(i);
  }
  std::string moved = "(error) MOVED " + std::to_string(KeyHashSlot(key)) + " 10.0.0.1:7001";
  CHECK(f.node.Do({"SET", key, "1"}) == moved);
  CHECK(f.node.Do({"GET", key}) == moved);
  CHECK(f.node.Do("READONLY") == "OK");  // reads of our master's slots are served here now
  CHECK(f.node.Do({"GET", key}) == "(nil)");
  CHECK(f.node.Do({"SET", key, "1"}) == moved);
  CHECK(f.node.Do("GET {a}") == "(error) CLUSTERDOWN Hash slot not served");
}

TEST_CASE("nofailover: learned from the sender's header flags, unlearned when it stops sending it") {
  MasterWithReplicaFixture f;
  ClusterNode* me = f.me;
  ClusterNode* r = f.r;
  ClusterNode peer = *r;
  BusMessage m = PingFrom(peer);
  m.sender_flags = kNodeReplica | kNodeNoFailover;
  f.cl->HandleMessage(m, 0, "10.0.0.3");
  CHECK(r->is(kNodeNoFailover));
  CHECK(f.node.Do("CLUSTER NODES").find(r->id + " 10.0.0.3:7003@17003 slave,nofailover " + me->id) != std::string::npos);
  // Pong and meet carry it as well; a message without it clears it (CONFIG SET cluster-replica-no-failover no).
  m.type = MsgType::kPong;
  m.sender_flags = kNodeReplica;
  f.cl->HandleMessage(m, 0, "10.0.0.3");
  CHECK_FALSE(r->is(kNodeNoFailover));
  CHECK(f.node.Do("CLUSTER NODES").find(r->id + " 10.0.0.3:7003@17003 slave " + me->id) != std::string::npos);
  m.type = MsgType::kMeet;
  m.sender_flags = kNodeReplica | kNodeNoFailover;
  f.cl->HandleMessage(m, 0, "10.0.0.3");
  CHECK(r->is(kNodeNoFailover));
  // Our own flag follows our config, never a peer's word.
  BusMessage g = PingFrom(peer);
  g.sender_flags = kNodeReplica | kNodeNoFailover;
  BusMessage::Gossip about_me;
  about_me.id = me->id;
  about_me.flags = kNodeMaster | kNodeNoFailover;
  g.gossip.push_back(about_me);
  f.cl->HandleMessage(g, 0, "10.0.0.3");
  CHECK_FALSE(me->is(kNodeNoFailover));
}

TEST_CASE("shutdown handover: a master whose only replica is nofailover exits without handing over") {
  MasterWithReplicaFixture f;
  ClusterNode* me = f.me;
  ClusterNode* r = f.r;
  r->link_connected = true;
  BusMessage m = PingFrom(*r);
  m.sender_flags = kNodeReplica | kNodeNoFailover;
  f.cl->HandleMessage(m, 0, "10.0.0.3");
  CHECK_FALSE(f.cl->HoldShutdown());
  CHECK(me->is_master());
  CHECK(me->num_slots == 10);
  CHECK_FALSE(f.cl->HoldShutdown());  // nothing started that the shutdown would wait for
}

TEST_CASE("shutdown handover: stops when the chosen replica turns out to be nofailover") {
  MasterWithReplicaFixture f;
  ClusterNode* me = f.me;
  ClusterNode* r = f.r;
  r->link_connected = true;
  CHECK(f.cl->HoldShutdown());  // a healthy replica: the handover starts
  CHECK(f.cl->HoldShutdown());
  // Its next message says it never fails over (our view was stale; it refuses the handover): exit now,
  // not after the handover timeout.
  BusMessage m = PingFrom(*r, MsgType::kPong);
  m.sender_flags = kNodeReplica | kNodeNoFailover;
  f.cl->HandleMessage(m, 0, "10.0.0.3");
  CHECK_FALSE(f.cl->HoldShutdown());
  CHECK(me->is_master());
  CHECK(me->num_slots == 10);
}

TEST_CASE("bus robustness: mutated and truncated frames never crash the decoder or the state machine") {
  ClusterNodeFixture f;
  ClusterState& st = f.cl->state();
  for (int s = 0; s < 100; s++) st.AssignSlot(s, st.myself());
  ClusterNode* b = f.AddMaster('b', 7001);
  for (int s = 100; s < 200; s++) st.AssignSlot(s, b);
  std::vector<std::string> seeds;
  for (MsgType t : {MsgType::kPing, MsgType::kPong, MsgType::kMeet, MsgType::kFail, MsgType::kUpdate,
                    MsgType::kMfStart}) {
    BusMessage m = PingFrom(*b, t);
    BusMessage::Gossip g;
    g.id = st.myself()->id;
    g.ip = "10.0.0.7";
    g.port = 7007;
    g.cport = 17007;
    g.flags = kNodeMaster | kNodePFail;
    m.gossip.push_back(g);
    g.id = Id('c');
    m.gossip.push_back(g);
    m.fail_id = Id('c');
    m.update_id = b->id;
    m.update_epoch = 3;
    m.update_slots.assign(kClusterSlots / 8, 0xff);
    std::string w;
    EncodeMessage(m, &w);
    seeds.push_back(w);
  }
  uint64_t x = 88172645463325252ULL;  // xorshift: the same cases on every run
  auto rnd = [&]() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  size_t ok = 0, malformed = 0, partial = 0;
  for (int i = 0; i < 20000; i++) {
    std::string w = seeds[rnd() % seeds.size()];
    int flips = 1 + static_cast<int>(rnd() % 4);
    for (int k = 0; k < flips; k++) {
      size_t pos = rnd() % (k == 0 ? std::min<size_t>(w.size(), 120) : w.size());  // the header most often
      w[pos] = static_cast<char>(rnd());
    }
    if (rnd() % 8 == 0) w.resize(rnd() % w.size());
    BusMessage m;
    DecodeResult r = DecodeMessage(w, &m);
    if (r.status == DecodeStatus::kOk) {
      ok++;
      CHECK(r.consumed <= w.size());
      f.cl->HandleMessage(m, 0, "10.0.0.1");
    } else if (r.status == DecodeStatus::kMalformed) {
      malformed++;
      CHECK_FALSE(r.error.empty());
    } else {
      partial++;
    }
  }
  CHECK(ok > 0);
  CHECK(malformed > 0);
  CHECK(partial > 0);
  CHECK(st.myself() != nullptr);
  CHECK(st.Find(st.myself()->id) == st.myself());
}

TEST_CASE("announced hostname: CLUSTER NODES, SLOTS, SHARDS and redirects with preferred-endpoint-type") {
  ClusterNodeFixture f;
  // Announce settings are applied when CONFIG SET changes them (the cluster listens for them).
  CHECK(f.node.Do("CONFIG SET cluster-announce-hostname me.example cluster-announce-ip 192.168.0.9 "
                  "cluster-announce-port 7100 cluster-announce-bus-port 17100") == "OK");
  ClusterState& st = f.cl->state();
  ClusterNode* b = f.AddMaster('b', 7001);
  b->hostname = "b.example";
  for (int s = 0; s < 8192; s++) st.AssignSlot(s, st.myself());
  for (int s = 8192; s < kClusterSlots; s++) st.AssignSlot(s, b);
  f.cl->UpdateState();
  std::string myid = st.myself()->id;
  CHECK(f.node.Do("CLUSTER NODES").find(myid + " 192.168.0.9:7100@17100,me.example myself,master") != std::string::npos);
  CHECK(f.node.Do("CLUSTER SLOTS") ==
        "[[(integer) 0, (integer) 8191, [\"192.168.0.9\", (integer) 7100, \"" + myid +
            "\", [\"hostname\", \"me.example\"]]], [(integer) 8192, (integer) 16383, [\"10.0.0.1\", (integer) 7001, \"" +
            b->id + "\", [\"hostname\", \"b.example\"]]]]");
  CHECK(f.node.Do("GET foo") == "(error) MOVED 12182 10.0.0.1:7001");
  Config& cfg = f.node.server().config();  // read at each reply: no listener needed
  cfg.cluster_preferred_endpoint_type = "hostname";
  CHECK(f.node.Do("GET foo") == "(error) MOVED 12182 b.example:7001");
  CHECK(f.node.Do("CLUSTER SLOTS").find("[\"b.example\", (integer) 7001, \"" + b->id + "\", [\"ip\", \"10.0.0.1\"]]") !=
        std::string::npos);
  std::string shards = f.node.Do("CLUSTER SHARDS");
  CHECK(shards.find("\"endpoint\", \"me.example\", \"hostname\", \"me.example\", \"role\", \"master\"") != std::string::npos);
  // A peer's map: redis-server 7.0.15's fields in its order, hostname after endpoint when the node has one.
  CHECK(shards.find("[\"id\", \"" + b->id + "\", \"port\", (integer) 7001, \"ip\", \"10.0.0.1\", \"endpoint\", \"b.example\", "
                    "\"hostname\", \"b.example\", \"role\", \"master\", \"replication-offset\", (integer) 0, "
                    "\"health\", \"online\"]") != std::string::npos);
  // A peer without a hostname is "?" when hostnames are preferred, as in Redis.
  b->hostname.clear();
  CHECK(f.node.Do("GET foo") == "(error) MOVED 12182 ?:7001");
}

TEST_CASE("address rules: where a peer is dialled (hostname lookups, fallback, alternation)") {
  // No hostname: the known IP, as Redis.
  CHECK(PlanDial("10.0.0.1", false, nullptr, 0, 5000).ip == "10.0.0.1");
  CHECK_FALSE(PlanDial("10.0.0.1", false, nullptr, 0, 5000).request);
  // A hostname never looked up: ask, and wait for the answer.
  DialPlan p = PlanDial("10.0.0.1", true, nullptr, 0, 5000);
  CHECK(p.request);
  CHECK(p.ip.empty());
  ResolvedName r;
  r.requested_ms = 5000;
  p = PlanDial("10.0.0.1", true, &r, 0, 5500);  // running for 500 ms: still waiting, not asked twice
  CHECK_FALSE(p.request);
  CHECK(p.ip.empty());
  p = PlanDial("10.0.0.1", true, &r, 0, 6000);  // hangs for kResolveWaitMs: the last known IP meanwhile
  CHECK(p.ip == "10.0.0.1");
  CHECK_FALSE(p.request);
  // A fresh answer is dialled; when it differs from the known IP, odd attempts try the known one.
  r = ResolvedName{};
  r.ip = "10.0.0.9";
  r.resolved_ms = 6000;
  CHECK(PlanDial("10.0.0.1", true, &r, 0, 6500).ip == "10.0.0.9");
  CHECK(PlanDial("10.0.0.1", true, &r, 1, 6500).ip == "10.0.0.1");
  CHECK(PlanDial("10.0.0.1", true, &r, 2, 6500).ip == "10.0.0.9");
  CHECK(PlanDial("10.0.0.9", true, &r, 1, 6500).ip == "10.0.0.9");
  CHECK(PlanDial("", true, &r, 1, 6500).ip == "10.0.0.9");  // noaddr: the name only
  // A stale answer is looked up again before the next connect.
  p = PlanDial("10.0.0.1", true, &r, 0, 6000 + kResolveFreshMs);
  CHECK(p.request);
  CHECK(p.ip.empty());
  // A failed lookup: the known IP at once, asked again only once the failure is kResolveFreshMs old.
  r.failed_ms = 8000;
  p = PlanDial("10.0.0.1", true, &r, 0, 8100);
  CHECK(p.ip == "10.0.0.1");
  CHECK_FALSE(p.request);
  p = PlanDial("", true, &r, 0, 8100);  // nothing known but an old answer: try it
  CHECK(p.ip == "10.0.0.9");
  CHECK(PlanDial("10.0.0.1", true, &r, 0, 8000 + kResolveFreshMs).request);
}

TEST_CASE("address rules: which messages change a known node's address, and the flapping guard") {
  AddressChangeInput in;
  in.current = AddressText("10.0.0.1", 7000, 17000);
  in.proposed = AddressText("10.0.0.2", 7000, 17000);
  in.now_ms = 100000;
  in.node_timeout_ms = 2000;
  CHECK(in.current == "10.0.0.1:7000@17000");
  // The node itself (header or inbound link) and a PONG on our link are taken at once.
  in.source = AddressSource::kSelf;
  CHECK(DecideAddressChange(in) == AddressChange::kAccept);
  in.source = AddressSource::kConfirmed;
  CHECK(DecideAddressChange(in) == AddressChange::kAccept);
  AddressChangeInput same = in;
  same.proposed = same.current;
  CHECK(DecideAddressChange(same) == AddressChange::kSame);
  AddressChangeInput noip = in;
  noip.proposed = AddressText("", 7000, 17000);
  CHECK(DecideAddressChange(noip) == AddressChange::kIgnore);
  // Gossip: Redis's rule without a hostname (only for a node failing here that the gossip shows healthy).
  in.source = AddressSource::kGossip;
  CHECK(DecideAddressChange(in) == AddressChange::kIgnore);
  in.failing_here = true;
  CHECK(DecideAddressChange(in) == AddressChange::kIgnore);
  in.gossip_healthy = true;
  CHECK(DecideAddressChange(in) == AddressChange::kAccept);
  // With a hostname the name is asked instead, unless our link to the node works (the gossip is stale).
  in.has_hostname = true;
  CHECK(DecideAddressChange(in) == AddressChange::kResolve);
  in.link_working = true;
  CHECK(DecideAddressChange(in) == AddressChange::kIgnore);
  // Flapping: back to the previous address within one node timeout of the change is refused, later taken.
  AddressChangeInput flap;
  flap.current = AddressText("10.0.0.2", 7000, 17000);
  flap.proposed = AddressText("10.0.0.1", 7000, 17000);
  flap.previous = AddressText("10.0.0.1", 7000, 17000);
  flap.changed_ms = 99000;
  flap.now_ms = 100000;
  flap.node_timeout_ms = 2000;
  flap.source = AddressSource::kSelf;
  CHECK(DecideAddressChange(flap) == AddressChange::kFlapRefused);
  flap.proposed = AddressText("10.0.0.3", 7000, 17000);  // a third address is a move, not a flap
  CHECK(DecideAddressChange(flap) == AddressChange::kAccept);
  flap.proposed = flap.previous;
  flap.now_ms = 101001;
  CHECK(DecideAddressChange(flap) == AddressChange::kAccept);
}

TEST_CASE("address change: a known node id at a new address is updated without a handshake, flaps refused") {
  ClusterNodeFixture f;
  ClusterState& st = f.cl->state();
  ClusterNode* b = f.AddMaster('b', 7001);
  b->hostname = "node-b";
  for (int s = 0; s < kClusterSlots; s++) st.AssignSlot(s, b);
  b->config_epoch = 1;
  size_t known = st.nodes().size();
  // b restarted elsewhere and announces its new address: same node, new address, nothing else changes.
  ClusterNode moved = *b;
  moved.ip = "10.0.0.7";
  BusMessage m = PingFrom(moved);
  m.hostname = "node-b";
  f.cl->HandleMessage(m, 0, "10.0.0.7");
  CHECK(st.nodes().size() == known);
  CHECK(b->ip == "10.0.0.7");
  CHECK(b->num_slots == kClusterSlots);
  CHECK(f.node.Do("CLUSTER NODES").find(Id('b') + " 10.0.0.7:7001@17001,node-b master") != std::string::npos);
  // A message from the old address right after (a second process with b's id?) does not flip it back...
  f.node.clock().AdvanceMs(500);
  BusMessage old = PingFrom(*b);
  old.ip = "10.0.0.1";
  old.hostname = "node-b";
  f.cl->HandleMessage(old, 0, "10.0.0.1");
  CHECK(b->ip == "10.0.0.7");
  // ...until a node timeout passed since the move.
  f.node.clock().AdvanceMs(1000);
  f.cl->HandleMessage(old, 0, "10.0.0.1");
  CHECK(b->ip == "10.0.0.1");
  // Gossip from a third node about b at another address: b has a hostname, so its name is asked instead.
  ClusterNode* c = f.AddMaster('c', 7002);
  BusMessage g = PingFrom(*c);
  BusMessage::Gossip e;
  e.id = b->id;
  e.ip = "10.0.0.8";
  e.port = 7001;
  e.cport = 17001;
  e.flags = kNodeMaster;
  g.gossip.push_back(e);
  b->flags |= kNodePFail;
  f.cl->HandleMessage(g, 0, "10.0.0.1");
  CHECK(b->ip == "10.0.0.1");
  // Without a hostname a failing node's gossiped address is taken (Redis's rule).
  b->hostname.clear();
  f.node.clock().AdvanceMs(3000);
  f.cl->HandleMessage(g, 0, "10.0.0.1");
  CHECK(b->ip == "10.0.0.8");
}

TEST_CASE("CLUSTER MEET takes a hostname (looked up before dialling), refuses what is neither name nor IP") {
  ClusterNodeFixture f;
  CHECK(f.node.Do("CLUSTER MEET redis-node-2 7001") == "OK");
  bool found = false;
  for (auto& [id, n] : f.cl->state().nodes()) {
    if (n->is(kNodeHandshake) && n->hostname == "redis-node-2" && n->ip.empty() && n->port == 7001 && n->cport == 17001) {
      found = true;
    }
  }
  CHECK(found);
  CHECK(f.node.Do("CLUSTER MEET bad_name 7001") == "(error) ERR Invalid node address specified: bad_name:7001");
  CHECK(f.node.Do("CLUSTER MEET -x 7001") == "(error) ERR Invalid node address specified: -x:7001");
  CHECK(IsValidHostname("redis-node-1.redis.default.svc.cluster.local"));
  CHECK_FALSE(IsValidHostname("a..b"));
  CHECK_FALSE(IsValidHostname(""));
}

TEST_CASE("nodes.conf: a node with a hostname and no address keeps its name and ports") {
  std::string text = Id('a') + " 10.0.0.5:7000@17000,node-a myself,master - 0 0 1 connected 0-16383\n" + Id('b') +
                     " :7001@17001,node-b master,noaddr - 0 0 2 disconnected\n"
                     "vars currentEpoch 2 lastVoteEpoch 0\n";
  ClusterState st;
  REQUIRE(st.LoadConfigText(text).ok());
  ClusterNode* b = st.Find(Id('b'));
  REQUIRE(b != nullptr);
  CHECK(b->ip.empty());
  CHECK(b->hostname == "node-b");
  CHECK(b->port == 7001);
  CHECK(b->cport == 17001);
  CHECK(b->is(kNodeNoAddr));
  CHECK(st.ConfigText(0) == text);
}

TEST_CASE("resolver: lookups run off the calling thread and come back through TakeResults") {
  CHECK(net::IsNumericAddress("10.1.2.3"));
  CHECK(net::IsNumericAddress("::1"));
  CHECK_FALSE(net::IsNumericAddress("node-1"));
  net::Resolver r(1);
  r.Request("localhost");
  // One lookup per name at a time: while the first is pending this one is dropped; if the worker already
  // finished it (it takes microseconds from /etc/hosts), this is a new lookup. Either way at most one is in
  // flight and every result arrives.
  r.Request("localhost");
  CHECK(r.in_flight() <= 1);
  std::vector<net::Resolver::Result> got;
  for (int i = 0; i < 500 && (got.empty() || r.in_flight() > 0); i++) {
    for (auto& res : r.TakeResults()) got.push_back(std::move(res));
    if (got.empty() || r.in_flight() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  for (auto& res : r.TakeResults()) got.push_back(std::move(res));  // one that finished after the last take
  REQUIRE(!got.empty());
  CHECK(got.size() <= 2);
  for (auto& res : got) {
    CHECK(res.name == "localhost");
    CHECK(net::IsNumericAddress(res.ip));
  }
  CHECK(r.in_flight() == 0);
}

TEST_CASE("config listeners: CONFIG SET cluster-replica-no-failover and cluster-announce-* apply at once, no cron") {
  ClusterNodeFixture f;
  ClusterNode* me = f.cl->state().myself();
  CHECK_FALSE(me->is(kNodeNoFailover));
  REQUIRE(f.node.Do("CONFIG SET cluster-replica-no-failover yes") == "OK");
  CHECK(me->is(kNodeNoFailover));  // announced in the next ping's flags
  CHECK(me->FlagsText() == "myself,master,nofailover");
  REQUIRE(f.node.Do("CONFIG SET cluster-slave-no-failover no") == "OK");  // the alias notifies the same
  CHECK_FALSE(me->is(kNodeNoFailover));
  REQUIRE(f.node.Do("CONFIG SET cluster-announce-port 7200 cluster-announce-bus-port 17200") == "OK");
  CHECK(me->port == 7200);
  CHECK(me->cport == 17200);
  REQUIRE(f.node.Do("CONFIG SET cluster-announce-port 0") == "OK");
  CHECK(me->port == f.node.server().config().port);
  // A directive at its value already changes nothing and notifies no one.
  me->port = 1;
  REQUIRE(f.node.Do("CONFIG SET cluster-announce-port 0") == "OK");
  CHECK(me->port == 1);
}

TEST_CASE("DEBUG DROP-CLUSTER-PACKET-FILTER: messages of the filtered type are counted but not processed") {
  ClusterNodeFixture f;
  ClusterState& st = f.cl->state();
  ClusterNode* b = f.AddMaster('b', 7001);
  ClusterNode* d = f.AddMaster('d', 7003);
  BusMessage fail;
  fail.type = MsgType::kFail;
  fail.sender = b->id;
  fail.fail_id = d->id;
  f.cl->drop_packet_filter = static_cast<int64_t>(MsgType::kFail);
  uint64_t received = f.cl->received_by_type[static_cast<int>(MsgType::kFail)];
  f.cl->HandleMessage(fail, 0, "10.0.0.2");
  CHECK(f.cl->received_by_type[static_cast<int>(MsgType::kFail)] == received + 1);
  CHECK_FALSE(d->is(kNodeFail));
  f.cl->drop_packet_filter = -1;  // every type again
  f.cl->HandleMessage(fail, 0, "10.0.0.2");
  CHECK(st.Find(d->id)->is(kNodeFail));
}

TEST_CASE("CLUSTER SLOT-STATS: replies, ordering, counters and errors (Valkey 8.0's)") {
  ClusterNodeFixture f;
  TestNode& n = f.node;
  CHECK(n.Do("CONFIG SET cluster-require-full-coverage no") == "OK");  // only slots 0-99 are served
  CHECK(n.Do("CLUSTER ADDSLOTSRANGE 0 99") == "OK");
  n.server().RunPendingTimers();
  f.cl->BeforeSleep();
  // Slots 0..99 are ours. {fHh} hashes to slot 0, {Qi} to 1, {aVD} to 2 (checked with CLUSTER KEYSLOT).
  REQUIRE(n.Do("CLUSTER KEYSLOT {fHh}") == "(integer) 0");
  REQUIRE(n.Do("CLUSTER KEYSLOT {Qi}") == "(integer) 1");
  REQUIRE(n.Do("CLUSTER KEYSLOT {aVD}") == "(integer) 2");
  CHECK(n.Do("SET {fHh}a 1") == "OK");
  CHECK(n.Do("SET {fHh}b 1") == "OK");
  CHECK(n.Do("RPUSH {aVD}l a b c") == "(integer) 3");

  // Off: key-count only.
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 0 2") ==
        "[[(integer) 0, [\"key-count\", (integer) 2]], [(integer) 1, [\"key-count\", (integer) 0]], "
        "[(integer) 2, [\"key-count\", (integer) 1]]]");
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 99 200") == "[[(integer) 99, [\"key-count\", (integer) 0]]]");
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 100 16383") == "[]");
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY key-count LIMIT 3") ==
        "[[(integer) 0, [\"key-count\", (integer) 2]], [(integer) 2, [\"key-count\", (integer) 1]], "
        "[(integer) 1, [\"key-count\", (integer) 0]]]");
  // ASC: ties by ascending slot.
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY KEY-COUNT ASC LIMIT 2") ==
        "[[(integer) 1, [\"key-count\", (integer) 0]], [(integer) 3, [\"key-count\", (integer) 0]]]");
  CHECK(Strings(n.Do("CLUSTER SLOT-STATS ORDERBY key-count")).size() == 100);
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY cpu-usec") == "(error) ERR Unrecognized sort metric for ORDERBY.");

  // Errors, as Valkey's texts.
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 5 1") == "(error) ERR Start slot number 5 is greater than end slot number 1");
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 0 16384") == "(error) ERR Invalid or out of range slot");
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE -1 5") == "(error) ERR Invalid or out of range slot");
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 0") ==
        "(error) ERR unknown subcommand or wrong number of arguments for 'SLOT-STATS'. Try CLUSTER HELP.");
  CHECK(n.Do("CLUSTER SLOT-STATS") == "(error) ERR wrong number of arguments for 'cluster|slot-stats' command");
  CHECK(n.Do("CLUSTER SLOT-STATS foo bar") ==
        "(error) ERR unknown subcommand or wrong number of arguments for 'SLOT-STATS'. Try CLUSTER HELP.");
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY nope") == "(error) ERR Unrecognized sort metric for ORDERBY.");
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY key-count LIMIT 0") ==
        "(error) ERR Limit has to lie in between 1 and 16384 (maximum number of slots).");
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY key-count LIMIT 16385") ==
        "(error) ERR Limit has to lie in between 1 and 16384 (maximum number of slots).");
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY key-count LIMIT x") ==
        "(error) ERR Limit has to lie in between 1 and 16384 (maximum number of slots).");
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY key-count LIMIT") == "(error) ERR syntax error");
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY key-count ASC DESC") ==
        "(error) ERR Multiple filters of the same type are disallowed.");
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY key-count LIMIT 1 LIMIT 2") ==
        "(error) ERR Multiple filters of the same type are disallowed.");
  CHECK(n.Do("CLUSTER SLOT-STATS ORDERBY key-count foo") == "(error) ERR syntax error");

  // On: four metrics; CPU and reply bytes count for the slot of the command's keys.
  CHECK(n.Do("CONFIG SET cluster-slot-stats-enabled yes") == "OK");
  CHECK(n.Do("CONFIG GET cluster-slot-stats-enabled") == "[\"cluster-slot-stats-enabled\", \"yes\"]");
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 1 1") ==
        "[[(integer) 1, [\"key-count\", (integer) 0, \"cpu-usec\", (integer) 0, \"network-bytes-in\", (integer) 0, "
        "\"network-bytes-out\", (integer) 0]]]");
  CHECK(n.Do("GET {Qi}x") == "(nil)");               // $-1\r\n: 5 bytes out
  CHECK(n.Do("SET {Qi}x hello") == "OK");            // +OK\r\n: 5 bytes
  CHECK(n.Do("GET {Qi}x") == "\"hello\"");          // $5\r\nhello\r\n: 11 bytes
  CHECK(n.Do("PING") == "PONG");                     // no keys: counted nowhere
  std::string one = n.Do("CLUSTER SLOT-STATS SLOTSRANGE 1 1");
  CHECK(one.find("\"key-count\", (integer) 1, \"cpu-usec\", (integer) ") != std::string::npos);
  CHECK(one.find("\"network-bytes-out\", (integer) 21]") != std::string::npos);
  const SlotStats& ss = n.server().slot_stats();
  CHECK(ss.at(1).network_bytes_out == 21);
  CHECK(ss.at(0).network_bytes_out == 0);
  // MULTI/EXEC counts once, for its queued commands' slot: EXEC's reply (*1\r\n:1\r\n = 8 bytes).
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("INCR {fHh}n") == "QUEUED");
  CHECK(n.Do("EXEC") == "[(integer) 1]");
  CHECK(ss.at(0).network_bytes_out == 8);
  // ORDERBY a counter: slot 1 (21 bytes) before slot 0 (8), then the rest by slot.
  CHECK(Strings(n.Do("CLUSTER SLOT-STATS ORDERBY network-bytes-out LIMIT 3")).size() == 12);
  std::string top = n.Do("CLUSTER SLOT-STATS ORDERBY network-bytes-out LIMIT 3");
  CHECK(top.rfind("[[(integer) 1, ", 0) == 0);
  CHECK(top.find("]], [(integer) 0, ") != std::string::npos);
  CHECK(top.find("]], [(integer) 2, ") != std::string::npos);
  // RESP3: the stats are a map.
  CHECK(n.Do("HELLO 3") != "");
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 3 3") ==
        "[[(integer) 3, {\"key-count\": (integer) 0, \"cpu-usec\": (integer) 0, \"network-bytes-in\": (integer) 0, "
        "\"network-bytes-out\": (integer) 0}]]");
  CHECK(n.Do("HELLO 2") != "");
  // CONFIG RESETSTAT clears the counters (not key-count); a slot that changes owner starts again too.
  CHECK(n.Do("CONFIG RESETSTAT") == "OK");
  CHECK(ss.at(1).network_bytes_out == 0);
  CHECK(n.Do("GET {Qi}x") == "\"hello\"");
  CHECK(ss.at(1).network_bytes_out == 11);
  f.cl->state().UnassignSlot(1);
  CHECK(ss.at(1).network_bytes_out == 0);
  // Off again: one metric, and the counters stop.
  CHECK(n.Do("CONFIG SET cluster-slot-stats-enabled no") == "OK");
  CHECK(n.Do("GET {fHh}a") == "\"1\"");
  CHECK(ss.at(0).network_bytes_out == 0);
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 0 0") == "[[(integer) 0, [\"key-count\", (integer) 3]]]");
}

TEST_CASE("CLUSTER SLOT-STATS: only the slots of this node's shard") {
  MasterWithReplicaFixture f;  // myself: slots 0-9
  CHECK(f.node.Do("CLUSTER SLOT-STATS SLOTSRANGE 9 10") == "[[(integer) 9, [\"key-count\", (integer) 0]]]");
  CHECK(Strings(f.node.Do("CLUSTER SLOT-STATS ORDERBY key-count")).size() == 10);
}

TEST_CASE("CLUSTER SLOT-STATS: standalone refuses it") {
  TestNode n;
  CHECK(n.Do("CLUSTER SLOT-STATS SLOTSRANGE 0 1") == "(error) ERR This instance has cluster support disabled");
}
