// Bitmap commands (SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO) through the in-process harness.
// The expected replies of the scripted sessions were recorded from Debian's redis-server 7.0.15
// (/usr/bin/redis-server --port 18000 --save '' --appendonly no), running the same commands in the same
// order on an empty server, and pasted here unchanged.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "harness.h"

using rcs::test::PropagationLog;
using rcs::test::Step;
using rcs::test::TestNode;

TEST_CASE("SETBIT and GETBIT: values, growth, TTL kept, offset and bit limits, wrong type (redis-server 7.0.15)") {
  TestNode n;
  static const Step kSteps[] = {
      // SETBIT / GETBIT
      {"SETBIT b 7 1", "(integer) 0"},
      {"GETBIT b 7", "(integer) 1"},
      {"GETBIT b 6", "(integer) 0"},
      {"GETBIT b 100", "(integer) 0"},
      {"BITFIELD b GET u24 0", "[(integer) 65536]"},
      {"SETBIT b 7 0", "(integer) 1"},
      {"SETBIT b 7 0", "(integer) 0"},
      {"SETBIT b 0 1", "(integer) 0"},
      {"SETBIT b 17 1", "(integer) 0"},
      {"STRLEN b", "(integer) 3"},
      {"BITFIELD b GET u24 0", "[(integer) 8388672]"},
      {"GETBIT nokey 0", "(integer) 0"},
      {"GETBIT b 4294967295", "(integer) 0"},
      {"GETBIT b 4294967296", "(error) ERR bit offset is not an integer or out of range"},
      {"GETBIT b -1", "(error) ERR bit offset is not an integer or out of range"},
      {"GETBIT b abc", "(error) ERR bit offset is not an integer or out of range"},
      {"GETBIT b 1.5", "(error) ERR bit offset is not an integer or out of range"},
      {"SETBIT b 4294967296 1", "(error) ERR bit offset is not an integer or out of range"},
      {"SETBIT b -1 1", "(error) ERR bit offset is not an integer or out of range"},
      {"SETBIT b x 1", "(error) ERR bit offset is not an integer or out of range"},
      {"SETBIT b 0 2", "(error) ERR bit is not an integer or out of range"},
      {"SETBIT b 0 -1", "(error) ERR bit is not an integer or out of range"},
      {"SETBIT b 0 abc", "(error) ERR bit is not an integer or out of range"},
      {"SETBIT b 99999999999999999999 1", "(error) ERR bit offset is not an integer or out of range"},
      {"SETBIT b x abc", "(error) ERR bit offset is not an integer or out of range"},
      {"RPUSH l a", "(integer) 1"},
      {"SETBIT l 0 1", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"GETBIT l 0", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"SETBIT l x 1", "(error) ERR bit offset is not an integer or out of range"},
      {"SETBIT l 0 5", "(error) ERR bit is not an integer or out of range"},
      {"SET num 12345", "OK"},
      {"GETBIT num 2", "(integer) 1"},
      {"SETBIT num 0 1", "(integer) 0"},
      {"GET num", "\"\2612345\""},
      {"EXPIRE b 1000", "(integer) 1"},
      {"SETBIT b 200 1", "(integer) 0"},
      {"TTL b", "(integer) 1000"},
      {"SETBIT", "(error) ERR wrong number of arguments for 'setbit' command"},
      {"GETBIT b", "(error) ERR wrong number of arguments for 'getbit' command"},
      {"SETBIT b 1", "(error) ERR wrong number of arguments for 'setbit' command"},
  };
  rcs::test::RunSteps(n, kSteps);
}

TEST_CASE("BITCOUNT and BITPOS: BYTE and BIT ranges, negative indexes, no bit found, empty and missing keys (redis-server 7.0.15)") {
  TestNode n;
  static const Step kSteps[] = {
      // BITCOUNT
      {"SET s foobar", "OK"},
      {"BITCOUNT s", "(integer) 26"},
      {"BITCOUNT s 0 0", "(integer) 4"},
      {"BITCOUNT s 1 1", "(integer) 6"},
      {"BITCOUNT s 1 -1", "(integer) 22"},
      {"BITCOUNT s -2 -1", "(integer) 7"},
      {"BITCOUNT s -1 -2", "(integer) 0"},
      {"BITCOUNT s -100 100", "(integer) 26"},
      {"BITCOUNT s 5 2", "(integer) 0"},
      {"BITCOUNT s 0 0 BYTE", "(integer) 4"},
      {"BITCOUNT s 0 0 byte", "(integer) 4"},
      {"BITCOUNT s 5 30 BIT", "(integer) 17"},
      {"BITCOUNT s 1 1 bit", "(integer) 1"},
      {"BITCOUNT s 0 47 BIT", "(integer) 26"},
      {"BITCOUNT s -3 -1 BIT", "(integer) 1"},
      {"BITCOUNT s -1 -3 BIT", "(integer) 0"},
      {"BITCOUNT s 7 7 BIT", "(integer) 0"},
      {"BITCOUNT s 3 12 BIT", "(integer) 5"},
      {"BITCOUNT s 40 1000 BIT", "(integer) 4"},
      {"BITCOUNT s -1000 3 BIT", "(integer) 2"},
      {"BITCOUNT s 0 0 foo", "(error) ERR syntax error"},
      {"BITCOUNT s -1 -2 foo", "(integer) 0"},
      {"BITCOUNT s 0", "(error) ERR syntax error"},
      {"BITCOUNT s 0 1 BIT x", "(error) ERR syntax error"},
      {"BITCOUNT s a 1", "(error) ERR value is not an integer or out of range"},
      {"BITCOUNT s 0 b", "(error) ERR value is not an integer or out of range"},
      {"BITCOUNT s 0 99999999999999999999", "(error) ERR value is not an integer or out of range"},
      {"BITCOUNT nokey", "(integer) 0"},
      {"BITCOUNT nokey 0 -1", "(integer) 0"},
      {"BITCOUNT nokey a b", "(integer) 0"},
      {"BITCOUNT nokey 0 1 2 3", "(integer) 0"},
      {"SET e \"\"", "OK"},
      {"BITCOUNT e", "(integer) 0"},
      {"BITCOUNT e 0 -1", "(integer) 0"},
      {"BITCOUNT e 0 -1 BIT", "(integer) 0"},
      {"RPUSH l a", "(integer) 1"},
      {"BITCOUNT l", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"BITCOUNT l a b", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"BITCOUNT", "(error) ERR wrong number of arguments for 'bitcount' command"},
      // BITPOS
      {"SET ff \"\\xff\\xff\\xff\"", "OK"},
      {"BITPOS ff 0", "(integer) 24"},
      {"BITPOS ff 1", "(integer) 0"},
      {"BITPOS ff 0 0", "(integer) 24"},
      {"BITPOS ff 0 0 -1", "(integer) -1"},
      {"BITPOS ff 0 1 2", "(integer) -1"},
      {"BITPOS ff 0 0 -1 BIT", "(integer) -1"},
      {"BITPOS ff 0 3 20 bit", "(integer) -1"},
      {"BITPOS ff 1 3 20 bit", "(integer) 3"},
      {"SET z \"\\x00\\x00\\x00\"", "OK"},
      {"BITPOS z 1", "(integer) -1"},
      {"BITPOS z 0", "(integer) 0"},
      {"BITPOS z 1 1", "(integer) -1"},
      {"BITPOS z 0 2", "(integer) 16"},
      {"BITPOS z 1 0 -1 BIT", "(integer) -1"},
      {"BITPOS z 0 9 -1 BIT", "(integer) 9"},
      {"SET m \"\\x00\\xf0\\x0f\"", "OK"},
      {"BITPOS m 1", "(integer) 8"},
      {"BITPOS m 0", "(integer) 0"},
      {"BITPOS m 1 1", "(integer) 8"},
      {"BITPOS m 1 2", "(integer) 20"},
      {"BITPOS m 1 -1", "(integer) 20"},
      {"BITPOS m 0 1", "(integer) 12"},
      {"BITPOS m 0 1 1", "(integer) 12"},
      {"BITPOS m 1 5 10 BIT", "(integer) 8"},
      {"BITPOS m 1 10 15 BIT", "(integer) 10"},
      {"BITPOS m 0 8 11 BIT", "(integer) -1"},
      {"BITPOS m 0 12 19 bit", "(integer) 12"},
      {"BITPOS m 1 12 19 bit", "(integer) -1"},
      {"BITPOS m 1 12 20 bit", "(integer) 20"},
      {"BITPOS m 1 16 21 bit", "(integer) 20"},
      {"BITPOS m 0 20 23 bit", "(integer) -1"},
      {"BITPOS m 1 2 1", "(integer) -1"},
      {"BITPOS m 1 -1 -3", "(integer) -1"},
      {"BITPOS m 1 -100 100", "(integer) 8"},
      {"BITPOS m 1 -2 -2 BYTE", "(integer) 8"},
      {"BITPOS m 0 100", "(integer) -1"},
      {"BITPOS m 1 100", "(integer) -1"},
      {"BITPOS m 2", "(error) ERR The bit argument must be 1 or 0."},
      {"BITPOS m -1", "(error) ERR The bit argument must be 1 or 0."},
      {"BITPOS m x", "(error) ERR value is not an integer or out of range"},
      {"BITPOS m 1 a", "(error) ERR value is not an integer or out of range"},
      {"BITPOS m 1 0 a", "(error) ERR value is not an integer or out of range"},
      {"BITPOS m 1 0 1 foo", "(error) ERR syntax error"},
      {"BITPOS m 1 0 1 bit 3", "(error) ERR syntax error"},
      {"BITPOS nokey 0", "(integer) 0"},
      {"BITPOS nokey 1", "(integer) -1"},
      {"BITPOS nokey 1 a", "(integer) -1"},
      {"BITPOS nokey 0 5 10 bit", "(integer) 0"},
      {"BITPOS nokey 2", "(error) ERR The bit argument must be 1 or 0."},
      {"SET e \"\"", "OK"},
      {"BITPOS e 0", "(integer) -1"},
      {"BITPOS e 1", "(integer) -1"},
      {"BITPOS e 0 0", "(integer) -1"},
      {"BITPOS e 0 0 -1 bit", "(integer) -1"},
      {"BITPOS l 1", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"BITPOS l 2", "(error) ERR The bit argument must be 1 or 0."},
      {"BITPOS l", "(error) ERR wrong number of arguments for 'bitpos' command"},
  };
  rcs::test::RunSteps(n, kSteps);
}

TEST_CASE("BITOP and BITFIELD: operations, overflow modes, #offsets, type and offset errors, BITFIELD_RO (redis-server 7.0.15)") {
  TestNode n;
  static const Step kSteps[] = {
      // BITOP
      {"SET a \"\\x0f\\xf0\\xaa\"", "OK"},
      {"SET b \"\\xff\\x00\"", "OK"},
      {"SET c \"\\x01\"", "OK"},
      {"BITOP AND d a b", "(integer) 3"},
      {"BITFIELD d GET u24 0", "[(integer) 983040]"},
      {"BITOP and d a b c", "(integer) 3"},
      {"BITFIELD d GET u24 0", "[(integer) 65536]"},
      {"BITOP OR d a b c", "(integer) 3"},
      {"BITFIELD d GET u24 0", "[(integer) 16773290]"},
      {"BITOP xor d a b c", "(integer) 3"},
      {"BITFIELD d GET u24 0", "[(integer) 15855786]"},
      {"BITOP NOT d a", "(integer) 3"},
      {"BITFIELD d GET u24 0", "[(integer) 15732565]"},
      {"BITOP not d nokey", "(integer) 0"},
      {"EXISTS d", "(integer) 0"},
      {"SET d x", "OK"},
      {"BITOP AND d nokey nokey2", "(integer) 0"},
      {"EXISTS d", "(integer) 0"},
      {"BITOP OR d a nokey", "(integer) 3"},
      {"STRLEN d", "(integer) 3"},
      {"BITOP AND d a nokey", "(integer) 3"},
      {"BITFIELD d GET u24 0", "[(integer) 0]"},
      {"SET d x", "OK"},
      {"EXPIRE d 100", "(integer) 1"},
      {"BITOP OR d a", "(integer) 3"},
      {"TTL d", "(integer) -1"},
      {"BITOP OR a a b", "(integer) 3"},
      {"BITFIELD a GET u24 0", "[(integer) 16773290]"},
      {"BITOP NOT d a b", "(error) ERR BITOP NOT must be called with a single source key."},
      {"BITOP NOT d", "(error) ERR wrong number of arguments for 'bitop' command"},
      {"BITOP FOO d a", "(error) ERR syntax error"},
      {"BITOP ANDX d a", "(error) ERR syntax error"},
      {"RPUSH l x", "(integer) 1"},
      {"BITOP AND d a l", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"BITOP NOT d l", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"BITOP FOO d l", "(error) ERR syntax error"},
      {"BITOP OR l a", "(integer) 3"},
      {"TYPE l", "string"},
      {"BITOP AND d", "(error) ERR wrong number of arguments for 'bitop' command"},
      {"SET num 255", "OK"},
      {"BITOP NOT d num", "(integer) 3"},
      {"GET d", "\"\315\312\312\""},
      // BITFIELD
      {"BITFIELD bf SET u8 0 255", "[(integer) 0]"},
      {"BITFIELD bf GET u8 0 GET i8 0 GET u4 0 GET i4 4 GET u1 7", "[(integer) 255, (integer) -1, (integer) 15, (integer) -1, (integer) 1]"},
      {"BITFIELD bf SET i8 #1 -100 GET i8 #1 GET u8 8", "[(integer) 0, (integer) -100, (integer) 156]"},
      {"BITFIELD bf INCRBY u8 0 10", "[(integer) 9]"},
      {"BITFIELD bf OVERFLOW SAT INCRBY u8 0 300 INCRBY u8 0 -1000", "[(integer) 255, (integer) 0]"},
      {"BITFIELD bf OVERFLOW FAIL INCRBY u8 0 1 INCRBY u8 0 255 INCRBY u8 0 -1 INCRBY u8 0 -255", "[(integer) 1, (nil), (integer) 0, (nil)]"},
      {"BITFIELD bf OVERFLOW WRAP INCRBY u8 0 300 INCRBY u8 0 -1000", "[(integer) 44, (integer) 68]"},
      {"BITFIELD bf OVERFLOW wrap INCRBY i8 0 127 INCRBY i8 0 127 INCRBY i8 0 -300", "[(integer) -61, (integer) 66, (integer) 22]"},
      {"BITFIELD bf OVERFLOW sat INCRBY i8 0 127 INCRBY i8 0 127 INCRBY i8 0 -300 INCRBY i8 0 -300", "[(integer) 127, (integer) 127, (integer) -128, (integer) -128]"},
      {"BITFIELD bf OVERFLOW fail INCRBY i8 0 -200 INCRBY i8 0 200 GET i8 0", "[(nil), (integer) 72, (integer) 72]"},
      {"BITFIELD bf SET u8 0 256 SET u8 0 -1 GET u8 0", "[(integer) 72, (integer) 0, (integer) 255]"},
      {"BITFIELD bf OVERFLOW SAT SET u8 0 256 GET u8 0 SET u8 0 -1 GET u8 0 SET i8 0 200 GET i8 0 SET i8 0 -200 GET i8 0", "[(integer) 255, (integer) 255, (integer) 255, (integer) 255, (integer) -1, (integer) 127, (integer) 127, (integer) -128]"},
      {"BITFIELD bf OVERFLOW FAIL SET u8 0 256 SET i8 0 -129 SET i8 0 -128 GET i8 0", "[(nil), (nil), (integer) -128, (integer) -128]"},
      {"BITFIELD bf SET i64 0 -1 GET i64 0 GET u63 0 GET u63 1 GET i64 1", "[(integer) -9179461940487913472, (integer) -1, (integer) 9223372036854775807, (integer) 9223372036854775807, (integer) -2]"},
      {"BITFIELD bf SET i64 0 9223372036854775807 INCRBY i64 0 1 GET i64 0", "[(integer) -1, (integer) -9223372036854775808, (integer) -9223372036854775808]"},
      {"BITFIELD bf OVERFLOW SAT SET i64 0 9223372036854775807 INCRBY i64 0 1 INCRBY i64 0 -9223372036854775808 INCRBY i64 0 -9223372036854775808 INCRBY i64 0 -9223372036854775808", "[(integer) -9223372036854775808, (integer) 9223372036854775807, (integer) -1, (integer) -9223372036854775808, (integer) -9223372036854775808]"},
      {"BITFIELD bf OVERFLOW FAIL SET i64 0 -9223372036854775808 INCRBY i64 0 -1 INCRBY i64 0 9223372036854775807 INCRBY i64 0 1", "[(integer) -9223372036854775808, (nil), (integer) -1, (integer) 0]"},
      {"BITFIELD bf OVERFLOW SAT SET u63 0 0 INCRBY u63 0 -1 INCRBY u63 0 9223372036854775807 INCRBY u63 0 1 GET u63 0", "[(integer) 0, (integer) 0, (integer) 9223372036854775807, (integer) 9223372036854775807, (integer) 9223372036854775807]"},
      {"BITFIELD bf OVERFLOW WRAP SET u63 0 9223372036854775807 INCRBY u63 0 1 INCRBY u63 0 -1", "[(integer) 9223372036854775807, (integer) 0, (integer) 9223372036854775807]"},
      {"BITFIELD bf SET u3 5 7 GET u3 5 GET u8 0 GET u8 8 SET i5 13 -3 GET i5 13 GET u16 0", "[(integer) 7, (integer) 7, (integer) 255, (integer) 255, (integer) -1, (integer) -3, (integer) 65535]"},
      {"STRLEN bf", "(integer) 8"},
      {"BITFIELD bf GET u8 1000 GET i64 1000 GET u8 #1000", "[(integer) 0, (integer) 0, (integer) 0]"},
      {"STRLEN bf", "(integer) 8"},
      {"BITFIELD bf SET u8 #4 1", "[(integer) 255]"},
      {"STRLEN bf", "(integer) 8"},
      {"BITFIELD bf2 GET u8 0", "[(integer) 0]"},
      {"EXISTS bf2", "(integer) 0"},
      {"BITFIELD bf2 OVERFLOW FAIL INCRBY u2 0 4", "[(nil)]"},
      {"EXISTS bf2", "(integer) 1"},
      {"STRLEN bf2", "(integer) 1"},
      {"BITFIELD bf2", "[]"},
      {"BITFIELD nokey", "[]"},
      {"EXISTS nokey", "(integer) 0"},
      {"BITFIELD bf GET u8 #536870911", "[(integer) 0]"},
      {"BITFIELD bf GET u8 #536870912", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET i64 #67108864", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET u8 4294967295", "[(integer) 0]"},
      {"BITFIELD bf GET u8 4294967296", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET u8 -1", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET u8 #-1", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET u8 #", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET u8 ##1", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET u8 #a", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET u8 1.5", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET u64 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET i65 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET i0 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET u0 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET x8 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET 8 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET u 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET u08 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET \"\" 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET U8 0 GET I8 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf GET u8", "(error) ERR syntax error"},
      {"BITFIELD bf SET u8 0", "(error) ERR syntax error"},
      {"BITFIELD bf INCRBY u8 0", "(error) ERR syntax error"},
      {"BITFIELD bf OVERFLOW", "(error) ERR syntax error"},
      {"BITFIELD bf OVERFLOW foo GET u8 0", "(error) ERR Invalid OVERFLOW type specified"},
      {"BITFIELD bf FOO u8 0", "(error) ERR syntax error"},
      {"BITFIELD bf SET u8 0 abc", "(error) ERR value is not an integer or out of range"},
      {"BITFIELD bf SET u8 0 99999999999999999999", "(error) ERR value is not an integer or out of range"},
      {"BITFIELD bf GET u8 0 SET u64 0 1", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD bf SET u8 0 1 GET u8 -1", "(error) ERR bit offset is not an integer or out of range"},
      {"BITFIELD bf GET u8 0 SET u8 0 abc", "(error) ERR value is not an integer or out of range"},
      {"BITFIELD_RO bf GET u8 0 GET i16 4", "[(integer) 255, (integer) -9]"},
      {"BITFIELD_RO bf SET u8 0 1", "(error) ERR BITFIELD_RO only supports the GET subcommand"},
      {"BITFIELD_RO bf GET u8 0 INCRBY u8 0 1", "(error) ERR BITFIELD_RO only supports the GET subcommand"},
      {"BITFIELD_RO bf OVERFLOW SAT GET u8 0", "[(integer) 255]"},
      {"BITFIELD_RO bf GET u64 0", "(error) ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."},
      {"BITFIELD_RO bf", "[]"},
      {"BITFIELD_RO nokey GET u8 0", "[(integer) 0]"},
      {"RPUSH l2 x", "(integer) 1"},
      {"BITFIELD l2 GET u8 0", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"BITFIELD l2 SET u8 0 1", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"BITFIELD l2 SET u8 0 x", "(error) ERR value is not an integer or out of range"},
      {"BITFIELD_RO l2 GET u8 0", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
      {"BITFIELD_RO l2 SET u8 0 1", "(error) ERR BITFIELD_RO only supports the GET subcommand"},
      {"BITFIELD", "(error) ERR wrong number of arguments for 'bitfield' command"},
      {"BITFIELD_RO", "(error) ERR wrong number of arguments for 'bitfield_ro' command"},
  };
  rcs::test::RunSteps(n, kSteps);
}

TEST_CASE("Bitmap key positions for cluster slot checks (COMMAND GETKEYS as redis-server 7.0.15)") {
  TestNode n;
  static const Step kSteps[] = {
      {"COMMAND GETKEYS SETBIT k 1 1", "[\"k\"]"},
      {"COMMAND GETKEYS BITOP AND dst a b c", "[\"dst\", \"a\", \"b\", \"c\"]"},
      {"COMMAND GETKEYS BITFIELD_RO k GET u8 0", "[\"k\"]"},
      {"COMMAND GETKEYS BITPOS k 1", "[\"k\"]"},
      {"COMMAND GETKEYS PFCOUNT a b c", "[\"a\", \"b\", \"c\"]"},
      {"COMMAND GETKEYS PFMERGE d a b", "[\"d\", \"a\", \"b\"]"},
      {"COMMAND GETKEYS PFDEBUG ENCODING k", "[\"k\"]"},
  };
  rcs::test::RunSteps(n, kSteps);
}

TEST_CASE("Bitmap propagation: writes that change nothing are not propagated") {
  TestNode n;
  PropagationLog log(n);
  n.Do("SETBIT b 3 1");
  CHECK(log.Take() == "SETBIT b 3 1");
  n.Do("SETBIT b 3 1");  // same bit, same length
  CHECK(log.Take() == "");
  n.Do("SETBIT b 3 0");
  CHECK(log.Take() == "SETBIT b 3 0");
  n.Do("SETBIT b 40 0");  // clears a clear bit but grows the value
  CHECK(log.Take() == "SETBIT b 40 0");
  CHECK(n.Do("STRLEN b") == "(integer) 6");
  n.Do("BITFIELD b GET u8 0");
  CHECK(log.Take() == "");
  n.Do("BITFIELD b OVERFLOW FAIL INCRBY u2 0 9");  // counted as a change even though FAIL wrote nothing
  CHECK(log.Take() == "BITFIELD b OVERFLOW FAIL INCRBY u2 0 9");
  n.Do("BITOP AND d nokey");  // nothing to delete
  CHECK(log.Take() == "");
  n.Do("BITOP OR d b");
  CHECK(log.Take() == "BITOP OR d b");
  n.Do("BITCOUNT b");
  n.Do("BITPOS b 1");
  n.Do("GETBIT b 1");
  CHECK(log.Take() == "");
  // Growing in place keeps the other bytes and a large offset zero-fills.
  n.Do("SET s ab");
  CHECK(n.Do("SETBIT s 23 1") == "(integer) 0");
  CHECK(n.Do("GET s") == "\"ab\001\"");
  CHECK(n.Do("SETBIT s 8 1") == "(integer) 0");
  CHECK(n.Do("GET s") == "\"a\342\001\"");
}
