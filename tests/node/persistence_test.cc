// The command stream (serializer, loader), where propagated writes come from, the AOF manifest, and the
// AOF appending/loading in-process (files in a temporary directory).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "harness.h"
#include "keyspace/command_stream.h"
#include "keyspace/rdb_file.h"
#include "persistence/aof.h"
#include "persistence/aof_check.h"
#include "persistence/aof_manifest.h"
#include "server/command_loader.h"
#include "server/snapshot_stream.h"

using rcs::test::TestNode;

namespace {

const char* OriginName(rcs::WriteOrigin o) {
  switch (o) {
    case rcs::WriteOrigin::kClient: return "client";
    case rcs::WriteOrigin::kMaster: return "master";
    case rcs::WriteOrigin::kLoading: return "loading";
    case rcs::WriteOrigin::kExpiry: return "expiry";
    case rcs::WriteOrigin::kEviction: return "eviction";
  }
  return "?";
}

// Records "origin[+batch]:CMD" for every propagated write.
struct OriginLog {
  std::vector<std::string> items;
  explicit OriginLog(TestNode& n) {
    n.server().AddPropagateSink([this](const rcs::PropagatedWrite& w) {
      items.push_back(std::string(OriginName(w.origin)) + (w.in_batch ? "+batch" : "") + ":" + std::string(w.argv[0]));
    });
  }
  std::string Take() {
    std::string s;
    for (auto& i : items) s += (s.empty() ? "" : " ") + i;
    items.clear();
    return s;
  }
};

void Fill(TestNode& n) {
  n.Do("SET s1 v1");
  n.Do("SET s2 v2");
  n.Do({"SET", "ttl", "x", "PX", "100000"});
  n.Do("RPUSH list a b c");
  n.Do("HSET h f1 1 f2 2");
  n.Do("SADD set m1 m2 m3");
  n.Do("ZADD z 1.5 a 2 b");
  n.Do("PEXPIRE h 500000");
  for (int i = 0; i < 300; i++) n.Do({"SET", "k" + std::to_string(i), std::string(100, 'x')});
}

std::string Dump(TestNode& n) {
  std::string out;
  rcs::SerializeKeyspace(n.db(), n.clock().NowMs(), &out);
  return out;
}

// Every key with its value and absolute expiry, sorted, so that two nodes compare.
std::string Contents(TestNode& n) {
  std::vector<std::string> lines;
  n.db().ForEach([&](const rcs::Entry& e) {
    std::string one;
    rcs::SerializeEntry(e, &one);
    lines.push_back(one);
  });
  std::sort(lines.begin(), lines.end());
  std::string all;
  for (auto& l : lines) all += l;
  return all;
}

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/rcs-aof-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

std::string ReadFile(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << data;
}

}  // namespace

TEST_CASE("streaming serializer: chunks and resumed steps give the same stream as one pass") {
  TestNode n;
  Fill(n);
  std::string whole = Dump(n);
  CHECK(whole.find("PXAT") != std::string::npos);  // absolute expiries
  CHECK(whole.find("PEXPIREAT") != std::string::npos);

  rcs::KeyspaceSerializer ser(n.db(), n.clock().NowMs(), 512);
  std::string stepped;
  size_t chunks = 0, steps = 0;
  auto sink = [&](std::string_view c) {
    chunks++;
    CHECK(c.size() < 512 + 4096);  // about a chunk (plus the key that crossed it)
    stepped.append(c);
    return true;
  };
  while (!ser.Step(sink, 1000)) steps++;
  CHECK(steps > 5);
  CHECK(chunks > 10);
  CHECK(ser.done());
  CHECK(ser.keys() == 307);
  CHECK(stepped == whole);
  CHECK(ser.bytes() == whole.size());

  rcs::KeyspaceSerializer failing(n.db(), n.clock().NowMs(), 256);
  CHECK(failing.Run([](std::string_view) { return false; }));
  CHECK(failing.failed());
}

TEST_CASE("loader: replaying the stream rebuilds the keyspace; replay is never propagated") {
  TestNode a;
  Fill(a);
  std::string stream = Dump(a);
  TestNode b;
  b.clock().SetMs(a.clock().NowMs());
  OriginLog log(b);
  {
    rcs::CommandStreamLoader loader(b.server());
    CHECK(b.server().loading());
    // Fed in small pieces, as a file is read.
    std::string pending;
    for (size_t i = 0; i < stream.size(); i += 77) {
      pending += stream.substr(i, 77);
      auto r = loader.Feed(pending);
      REQUIRE(r.ok());
      pending.erase(0, *r);
    }
    CHECK(pending.empty());
    CHECK(loader.offset() == stream.size());
  }
  CHECK_FALSE(b.server().loading());
  CHECK(Contents(b) == Contents(a));
  CHECK(b.Do("PTTL ttl") == "(integer) 100000");
  // Every write made while loading carried its origin.
  CHECK(log.items.size() > 300);
  for (auto& i : log.items) CHECK(i.rfind("loading:", 0) == 0);
}

TEST_CASE("loader: no key expires while loading; damage is reported with its offset") {
  TestNode n;
  n.clock().SetMs(1000000);
  {
    rcs::CommandStreamLoader loader(n.server());
    // The key's expiry passed, but the stream was written when it was alive: APPEND must see it.
    std::string s;
    rcs::AppendRespCommand(&s, {"SET", "k", "v", "PXAT", "500000"});
    rcs::AppendRespCommand(&s, {"APPEND", "k", "w"});
    rcs::AppendRespCommand(&s, {"MULTI"});
    rcs::AppendRespCommand(&s, {"SET", "t", "1"});
    size_t multi_at = s.find("*1\r\n$5\r\nMULTI");
    auto r = loader.Feed(s);
    REQUIRE(r.ok());
    CHECK(*r == s.size());
    CHECK(loader.in_transaction());
    CHECK(loader.safe_offset() == multi_at);
    CHECK(n.db().Find("k") != nullptr);
    CHECK(n.db().Find("k")->str() == "vw");
    CHECK(n.db().Find("t") == nullptr);  // queued, not applied
    auto bad = loader.Feed("+garbage\r\n");
    CHECK_FALSE(bad.ok());
    CHECK(bad.status().message().find("bad command format") != std::string::npos);
  }
  {
    rcs::CommandStreamLoader loader(n.server());
    auto r = loader.Feed("*1\r\n$7\r\nNOTACMD\r\n");
    CHECK_FALSE(r.ok());
    CHECK(r.status().message().find("unknown command 'NOTACMD'") != std::string::npos);
    // An incomplete command is left for more bytes.
    auto part = loader.Feed("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2\r\nv");
    REQUIRE(part.ok());
    CHECK(*part == 0);
  }
  // After loading, expiry works again.
  CHECK(n.Do("GET k") == "(nil)");
}

TEST_CASE("propagated writes carry their origin") {
  TestNode n;
  OriginLog log(n);
  n.Do("SET a 1");
  CHECK(log.Take() == "client:SET");
  n.Do("MULTI");
  n.Do("SET b 2");
  n.Do("INCR c");
  n.Do("EXEC");
  CHECK(log.Take() == "client+batch:MULTI client+batch:SET client+batch:INCR client+batch:EXEC");
  n.Do({"SET", "e", "1", "PX", "10"});
  log.Take();
  n.Advance(50);
  n.Do("GET e");
  CHECK(log.Take() == "expiry:DEL");
  rcs::Client* master = n.NewClient();
  master->flags |= rcs::kClientMaster;
  n.Send(master, {"SET", "m", "1"});
  CHECK(log.Take() == "master:SET");
}

TEST_CASE("data commands answer -LOADING while loading; INFO does not") {
  TestNode n;
  rcs::CommandStreamLoader loader(n.server());
  CHECK(n.Do("GET x") == "(error) LOADING Redis is loading the dataset in memory");
  CHECK(n.Do("SET x 1") == "(error) LOADING Redis is loading the dataset in memory");
  CHECK(n.Do("INFO persistence").find("loading:1") != std::string::npos);
}

TEST_CASE("AOF manifest: Redis 7 syntax both ways, and its errors") {
  std::string text =
      "file appendonly.aof.2.base.aof seq 2 type b\n"
      "file appendonly.aof.1.incr.aof seq 1 type h\n"
      "file appendonly.aof.2.incr.aof seq 2 type i\n"
      "file appendonly.aof.3.incr.aof seq 3 type i\n";
  auto m = rcs::AofManifest::Parse(text);
  REQUIRE(m.ok());
  CHECK(m->base.name == "appendonly.aof.2.base.aof");
  CHECK(m->history.size() == 1);
  CHECK(m->incrs.size() == 2);
  CHECK(m->last_incr_seq() == 3);
  CHECK(m->Serialize() == text);
  CHECK(m->LoadOrder().size() == 3);
  CHECK(rcs::AofManifest::Parse("# comment\nfile \"a b.aof\" seq 1 type i extra 1\n")->incrs[0].name == "a b.aof");
  rcs::AofManifest q;
  q.incrs.push_back({"a b.aof", 1, 'i'});
  CHECK(q.Serialize() == "file \"a b.aof\" seq 1 type i\n");
  CHECK(rcs::AofManifest::Parse("").status().message() == "Found an empty AOF manifest");
  CHECK(rcs::AofManifest::Parse("file a seq 1 type b\nfile b seq 2 type b\n").status().message() ==
        "Found duplicate base file information");
  CHECK(rcs::AofManifest::Parse("file a seq 2 type i\nfile b seq 1 type i\n").status().message() ==
        "Found a non-monotonic sequence number");
  CHECK(rcs::AofManifest::Parse("file a seq x type i\n").status().message() == "Invalid AOF manifest file format");
  CHECK(rcs::AofManifest::Parse("file a seq 1 type i").status().message() == "Invalid AOF manifest file format");
  CHECK(rcs::AofIncrName("appendonly.aof", 4) == "appendonly.aof.4.incr.aof");
  CHECK(rcs::AofBaseName("appendonly.aof", 4) == "appendonly.aof.4.base.aof");
  CHECK(rcs::AofBaseName("appendonly.aof", 4, /*rdb=*/true) == "appendonly.aof.4.base.rdb");
}

TEST_CASE("AOF: writes appended, reloaded; truncated tail cut; damage in the middle refused") {
  TempDir dir;
  std::string aofdir = dir.path + "/appendonlydir";
  std::vector<std::pair<std::string, std::string>> cfg = {{"appendonly", "yes"}, {"appenddirname", aofdir}};
  std::string expected;
  {
    TestNode n(cfg);
    auto aof = std::make_unique<rcs::Aof>(&n.server());
    rcs::Aof* a = aof.get();
    n.server().AddSubsystem(std::move(aof));
    REQUIRE(a->Start().ok());
    Fill(n);
    a->BeforeReplies();
    expected = Contents(n);
    CHECK(n.Do("INFO persistence").find("aof_enabled:1") != std::string::npos);
    CHECK(n.Do("INFO persistence").find("aof_last_write_status:ok") != std::string::npos);
    a->Shutdown();
  }
  std::string incr = aofdir + "/appendonly.aof.1.incr.aof";
  // The empty first base is an RDB file (aof-use-rdb-preamble yes, the default), as redis-server's.
  CHECK(ReadFile(aofdir + "/appendonly.aof.manifest") ==
        "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
  std::string good = ReadFile(incr);
  // The first write SELECTs its database, as redis-server's AOF does.
  CHECK(good.rfind("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$2\r\ns1\r\n", 0) == 0);

  auto load = [&](TestNode& n) {
    auto aof = std::make_unique<rcs::Aof>(&n.server());
    rcs::Aof* a = aof.get();
    n.server().AddSubsystem(std::move(aof));
    return a->LoadAllForTest();
  };
  {
    TestNode n(cfg);
    REQUIRE(load(n).ok());
    CHECK(Contents(n) == expected);
  }
  // A crash in the middle of an append: the partial command is dropped and cut off the file.
  std::string more;
  rcs::AppendRespCommand(&more, {"SET", "partial", "value"});
  WriteFile(incr, good + more.substr(0, more.size() - 4));
  {
    TestNode n(cfg);
    REQUIRE(load(n).ok());
    CHECK(Contents(n) == expected);
    CHECK(ReadFile(incr) == good);
  }
  // Half a transaction at the end is dropped whole.
  std::string tx;
  rcs::AppendRespCommand(&tx, {"MULTI"});
  rcs::AppendRespCommand(&tx, {"SET", "intx", "1"});
  WriteFile(incr, good + tx);
  {
    TestNode n(cfg);
    REQUIRE(load(n).ok());
    CHECK(n.db().Find("intx") == nullptr);
    CHECK(ReadFile(incr) == good);
  }
  // With aof-load-truncated no, the same is refused.
  WriteFile(incr, good + more.substr(0, 10));
  {
    auto cfg2 = cfg;
    cfg2.push_back({"aof-load-truncated", "no"});
    TestNode n(cfg2);
    rcs::Status st = load(n);
    CHECK_FALSE(st.ok());
    CHECK(st.message().find("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof") == 0);
  }
  // Damage in the middle: refused, with the file, the offset and the hint.
  std::string damaged = good;
  size_t at = damaged.find("*3\r\n$3\r\nSET\r\n$2\r\ns2");
  REQUIRE(at != std::string::npos);
  damaged[at] = '?';
  WriteFile(incr, damaged);
  {
    TestNode n(cfg);
    rcs::Status st = load(n);
    CHECK_FALSE(st.ok());
    CHECK(st.message().find("Bad file format reading the append only file appendonly.aof.1.incr.aof at offset " +
                            std::to_string(at)) == 0);
    CHECK(st.message().find("--check-aof") != std::string::npos);
  }
}

TEST_CASE("--check-aof: valid, truncated tail, open MULTI, garbage; --fix cuts the last file") {
  std::string good;
  rcs::AppendRespCommand(&good, {"SET", "a", "1"});
  rcs::AppendRespCommand(&good, {"MULTI"});
  rcs::AppendRespCommand(&good, {"INCR", "b"});
  rcs::AppendRespCommand(&good, {"EXEC"});
  auto c = rcs::CheckAofData(good);
  CHECK(c.valid());
  CHECK(c.ok_up_to_line == 18);
  c = rcs::CheckAofData(good + "*2\r\n$3\r\nDEL");
  CHECK_FALSE(c.valid());
  CHECK(c.truncated);
  CHECK(c.ok_up_to == good.size());
  c = rcs::CheckAofData(good + "*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nb\r\n");
  CHECK(c.truncated);
  CHECK(c.ok_up_to == good.size());
  c = rcs::CheckAofData("*1\r\n$4\r\nPING\r\nxx" + good);
  CHECK_FALSE(c.truncated);
  CHECK(c.ok_up_to == 14);

  TempDir dir;
  std::string base = dir.path + "/appendonly.aof.1.base.aof";
  std::string incr = dir.path + "/appendonly.aof.1.incr.aof";
  std::string manifest = dir.path + "/appendonly.aof.manifest";
  WriteFile(base, good);
  WriteFile(incr, good + "*2\r\n$3\r\nDE");
  WriteFile(manifest, "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
  FILE* devnull = fopen("/dev/null", "w");
  CHECK(rcs::RunCheckAof(manifest, false, devnull) == 1);
  CHECK(ReadFile(incr).size() == good.size() + 10);
  CHECK(rcs::RunCheckAof(manifest, true, devnull) == 0);
  CHECK(ReadFile(incr) == good);
  CHECK(rcs::RunCheckAof(manifest, false, devnull) == 0);
  // Damage in a file that is not the last one is reported, not "fixed".
  WriteFile(base, "garbage" + good);
  CHECK(rcs::RunCheckAof(manifest, true, devnull) == 1);
  CHECK(ReadFile(base).size() == good.size() + 7);
  CHECK(rcs::RunCheckAof(incr, false, devnull) == 0);  // one file
  fclose(devnull);
}

TEST_CASE("--check-aof: an RDB base and its AOF tail are checked; damage in the RDB part is reported") {
  TestNode n;
  Fill(n);
  TempDir dir;
  std::string rdb_path = dir.path + "/image.rdb";
  {
    FILE* f = fopen(rdb_path.c_str(), "w");
    REQUIRE(f != nullptr);
    rcs::RdbFileInfo info;
    info.aof_base = true;
    REQUIRE(rcs::WriteRdb(fileno(f), n.db(), n.clock().NowMs(), info, rcs::RdbWriteOptions()));
    fclose(f);
  }
  std::string rdb = ReadFile(rdb_path);
  std::string tail;
  rcs::AppendRespCommand(&tail, {"SET", "in-tail", "1"});
  tail += "#RCS-REPL:0123456789012345678901234567890123456789:0\r\n";
  std::string base = dir.path + "/appendonly.aof.2.base.rdb";
  std::string incr = dir.path + "/appendonly.aof.2.incr.aof";
  std::string manifest = dir.path + "/appendonly.aof.manifest";
  WriteFile(base, rdb + tail);
  WriteFile(incr, "");
  WriteFile(manifest, "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
  auto run = [&](bool fix, int* code) {
    char* buf = nullptr;
    size_t len = 0;
    FILE* out = open_memstream(&buf, &len);
    *code = rcs::RunCheckAof(manifest, fix, out);
    fclose(out);
    std::string text(buf, len);
    free(buf);
    return text;
  };
  int code = -1;
  std::string report = run(false, &code);
  CHECK(code == 0);
  CHECK(report.find("Start to check BASE AOF (RDB format).") != std::string::npos);
  CHECK(report.find("RDB preamble is OK (" + std::to_string(n.db().size()) + " keys)") != std::string::npos);
  CHECK(report.find("size=" + std::to_string(rdb.size() + tail.size()) + ", ok_up_to=" +
                    std::to_string(rdb.size() + tail.size())) != std::string::npos);
  // A flipped byte in a key (the checksum no longer matches) and a cut RDB are refused, not "fixed".
  std::string flipped = rdb;
  size_t at = flipped.find("k299");
  REQUIRE(at != std::string::npos);
  flipped[at] = 'j';
  WriteFile(base, flipped + tail);
  report = run(true, &code);
  CHECK(code == 1);
  CHECK(report.find("RDB preamble of AOF appendonly.aof.2.base.rdb is not valid") != std::string::npos);
  CHECK(ReadFile(base).size() == rdb.size() + tail.size());
  WriteFile(base, rdb.substr(0, rdb.size() / 2));
  run(false, &code);
  CHECK(code == 1);
  // Garbage in the tail is found at its offset in the file.
  WriteFile(base, rdb + "garbage");
  report = run(false, &code);
  CHECK(code == 1);
  CHECK(report.find("format error at offset " + std::to_string(rdb.size())) != std::string::npos);
}

TEST_CASE("SnapshotStream: a forked child streams the same commands as the serializer, then done") {
  TestNode n;
  Fill(n);
  std::string expected = Dump(n);
  rcs::SnapshotStream s;
  REQUIRE(s.Start({&n.db()}, n.clock().NowMs()).ok());
  n.Do("SET after fork");  // not in the snapshot: the cut is the fork
  std::string got;
  rcs::SnapshotStream::ReadResult r = rcs::SnapshotStream::ReadResult::kAgain;
  for (int i = 0; i < 100000 && r != rcs::SnapshotStream::ReadResult::kDone; i++) {
    r = s.Read(&got, 4096);
    CHECK(r != rcs::SnapshotStream::ReadResult::kFailed);
    if (r == rcs::SnapshotStream::ReadResult::kAgain) usleep(1000);
  }
  CHECK(r == rcs::SnapshotStream::ReadResult::kDone);
  CHECK(got == expected);
  CHECK(s.bytes() == expected.size());
}
