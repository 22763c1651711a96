// EVAL/EVALSHA/SCRIPT/FCALL/FUNCTION in-process. Expected replies were recorded from Debian's
// redis-server 7.0.15 (redis-cli --no-raw against a fresh server) for the same commands.
#include <doctest/doctest.h>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

#include "harness.h"
#include "scripting/lua_reply.h"
#include "base/sha.h"
#include "keyspace/dump.h"

using rcs::test::PropagationLog;
using rcs::test::RespToText;
using rcs::test::Step;
using rcs::test::TestNode;

TEST_CASE("Scripting: SHA1 of script bodies (FIPS 180 vectors and Redis's names)") {
  CHECK(rcs::Sha1Hex("") == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  CHECK(rcs::Sha1Hex("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d");
  CHECK(rcs::Sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(rcs::Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(rcs::Sha1Hex(std::string(1000000, 'a')) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
  CHECK(rcs::Sha1Hex("return 1") == "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST_CASE("Scripting: Lua -> RESP conversion as redis-server 7.0.15") {
  TestNode n;
  static const Step steps[] = {
      {"EVAL \"return 1\" 0", "(integer) 1"},
      {"EVAL \"return 3.99\" 0", "(integer) 3"},
      {"EVAL \"return -3.99\" 0", "(integer) -3"},
      {"EVAL \"return 1e20\" 0", "(integer) -9223372036854775808"},
      {"EVAL \"return 'x'\" 0", "\"x\""},
      {"EVAL \"return true\" 0", "(integer) 1"},
      {"EVAL \"return false\" 0", "(nil)"},
      {"EVAL \"return nil\" 0", "(nil)"},
      {"EVAL \"return {1,2,{3,'x'},nil,5}\" 0", "[(integer) 1, (integer) 2, [(integer) 3, \"x\"]]"},
      {"EVAL \"return {1.5, true, false}\" 0", "[(integer) 1, (integer) 1, (nil)]"},
      {"EVAL \"redis.setresp(3); return {true, false}\" 0", "[(integer) 1, (integer) 0]"},
      {"EVAL \"return {}\" 0", "[]"},
      {"EVAL \"return {a=1}\" 0", "[]"},
      {"EVAL \"return {err='My Error'}\" 0", "(error) My Error"},
      {"EVAL \"return {err='-X y'}\" 0", "(error) -X y"},
      {"EVAL \"return {ok='fine'}\" 0", "fine"},
      {"EVAL \"return {ok='x', err='y'}\" 0", "(error) y"},
      {"EVAL \"return redis.error_reply('bad')\" 0", "(error) ERR bad"},
      {"EVAL \"return redis.error_reply('-bad')\" 0", "(error) ERR bad"},
      {"EVAL \"return redis.error_reply('bad thing')\" 0", "(error) bad thing"},
      {"EVAL \"return redis.error_reply('-X bad')\" 0", "(error) X bad"},
      {"EVAL \"return redis.error_reply()\" 0", "(error) ERR wrong number or type of arguments"},
      {"EVAL \"return redis.status_reply('st')\" 0", "st"},
      {"EVAL \"return redis.status_reply('-x')\" 0", "-x"},
      {"EVAL \"return {double=1.5}\" 0", "\"1.5\""},
      {"EVAL \"return {map={a=1}}\" 0", "[\"a\", (integer) 1]"},
      {"EVAL \"return {set={a=true}}\" 0", "[\"a\"]"},
      {"EVAL \"return {big_number='123'}\" 0", "\"123\""},
      {"EVAL \"return {verbatim_string={format='txt',string='hi'}}\" 0", "\"hi\""},
      {"EVAL \"return KEYS[1]..ARGV[1]\" 1 a b", "\"ab\""},
      {"EVAL \"return #KEYS\" 0", "(integer) 0"},
      {"EVAL \"return redis.sha1hex('')\" 0", "\"da39a3ee5e6b4b0d3255bfef95601890afd80709\""},
      {"EVAL \"return cjson.encode({1,2})\" 0", "\"[1,2]\""},
      {"EVAL \"return bit.band(7,3)\" 0", "(integer) 3"},
      {"EVAL \"math.randomseed(0); return math.random(100)\" 0", "(integer) 18"},
      {"EVAL \"return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_REPLICA, redis.REPL_SLAVE, redis.REPL_ALL}\" 0",
       "[(integer) 0, (integer) 1, (integer) 2, (integer) 2, (integer) 3]"},
  };
  rcs::test::RunSteps(n, steps);
}

TEST_CASE("Scripting: RESP3 caller and redis.setresp(3) as redis-server 7.0.15") {
  TestNode n;
  CHECK(n.Do("HSET h a 1") == "(integer) 1");
  CHECK(n.Do("ZADD z 1.5 a") == "(integer) 1");
  static const Step resp2[] = {
      {"EVAL \"redis.setresp(3); return redis.call('hgetall','h')\" 0", "[\"a\", \"1\"]"},
      {"EVAL \"redis.setresp(3); local r = redis.call('hgetall','h'); return r['map']['a']\" 0", "\"1\""},
      {"EVAL \"redis.setresp(3); return type(redis.call('get','nokey'))\" 0", "\"nil\""},
      {"EVAL \"return type(redis.call('get','nokey'))\" 0", "\"boolean\""},
      {"EVAL \"redis.setresp(3); return redis.call('zscore','z', 'a')\" 0", "\"1.5\""},
      {"EVAL \"return redis.call('zscore','z', 'a')\" 0", "\"1.5\""},
      {"EVAL \"return redis.setresp(4)\" 0",
       "(error) ERR RESP version must be 2 or 3. script: 921c0a48021d97dfd5884aeea41875972c7804d9, on "
       "@user_script:1."},
  };
  rcs::test::RunSteps(n, resp2);
  CHECK(n.Do("HELLO 3").find("server") != std::string::npos);
  static const Step resp3[] = {
      // Booleans follow the script's protocol, not the caller's (redis-server 7.0.15: :1 and _ to a RESP3
      // caller unless the script called redis.setresp(3)).
      {"EVAL \"return true\" 0", "(integer) 1"},
      {"EVAL \"return false\" 0", "(nil)"},
      {"EVAL \"return {true, false}\" 0", "[(integer) 1, (nil)]"},
      {"EVAL \"redis.setresp(3); return true\" 0", "(true)"},
      {"EVAL \"redis.setresp(3); return {true, false}\" 0", "[(true), (false)]"},
      {"EVAL \"return nil\" 0", "(nil)"},
      {"EVAL \"return {double=1.5}\" 0", "(double) 1.5"},
      {"EVAL \"return {map={a=1}}\" 0", "{\"a\": (integer) 1}"},
      {"EVAL \"return {set={a=true}}\" 0", "~[\"a\"]"},
      {"EVAL \"redis.setresp(3); return redis.call('zscore','z', 'a')\" 0", "(double) 1.5"},
      {"EVAL \"redis.setresp(3); return redis.call('hgetall','h')\" 0", "{\"a\": \"1\"}"},
  };
  rcs::test::RunSteps(n, resp3);
  CHECK(n.Raw({"EVAL", "return {big_number='123'}", "0"}) == "(123\r\n");
  CHECK(n.Raw({"EVAL", "return {verbatim_string={format='txt',string='hi'}}", "0"}) == "=6\r\ntxt:hi\r\n");
}

TEST_CASE("Scripting: errors as redis-server 7.0.15 words them") {
  TestNode n;
  CHECK(n.Do("SET s v") == "OK");
  static const Step steps[] = {
      {"EVAL \"a = 1\" 0",
       "(error) ERR user_script:1: Attempt to modify a readonly table script: "
       "b88f1ec0c9fe96fde96a6f9dabcbeee661dd7afe, on @user_script:1."},
      {"EVAL \"return a\" 0",
       "(error) ERR user_script:1: Script attempted to access nonexistent global variable 'a' script: "
       "bbfcd1ececc90deec823f7fb730e4bfb2a4ba625, on @user_script:1."},
      {"EVAL \"return os\" 0",
       "(error) ERR user_script:1: Script attempted to access nonexistent global variable 'os' script: "
       "f03b5ad6e7d58786b6a5e879efbea4a4408f5c2f, on @user_script:1."},
      {"EVAL \"return loadfile\" 0",
       "(error) ERR user_script:1: Script attempted to access nonexistent global variable 'loadfile' script: "
       "a08fbe72c95f67027cc9b6349f5d335b598397b7, on @user_script:1."},
      {"EVAL \"return dofile\" 0",
       "(error) ERR user_script:1: Script attempted to access nonexistent global variable 'dofile' script: "
       "0c5f629ecf4a281cada464398cd571c2f6828b27, on @user_script:1."},
      {"EVAL \"return require\" 0",
       "(error) ERR user_script:1: Script attempted to access nonexistent global variable 'require' script: "
       "68c9d8918a98cebaec1948aff703e96c57af9fdd, on @user_script:1."},
      {"EVAL \"return io\" 0",
       "(error) ERR user_script:1: Script attempted to access nonexistent global variable 'io' script: "
       "badfe324d30f60abd2dbecf4d4b0f915038384e2, on @user_script:1."},
      {"EVAL \"return redis.call('nosuch')\" 0",
       "(error) ERR Unknown Redis command called from script script: 206396248e12c6e742fd7296250433c8d7343b74, on "
       "@user_script:1."},
      {"EVAL \"return redis.pcall('nosuch')\" 0", "(error) ERR Unknown Redis command called from script"},
      {"EVAL \"local r = redis.pcall('incr','s'); return r['err']\" 0",
       "\"ERR value is not an integer or out of range\""},
      {"EVAL \"return redis.call('set','k')\" 0",
       "(error) ERR Wrong number of args calling Redis command from script script: "
       "1384d01567825fcb30138260ab76c5f9a2eebfec, on @user_script:1."},
      {"EVAL \"error('boom')\" 0",
       "(error) ERR user_script:1: boom script: 82903a0434f1503e152f89c03c9acd881a0e8150, on @user_script:1."},
      {"EVAL \"error({err='X boom'})\" 0",
       "(error) X boom script: f0acf9d1ce814691e2b2cc3296a806e16e047e31, on @user_script:1."},
      {"EVAL \"error(redis.error_reply('bad'))\" 0",
       "(error) ERR bad script: 1be6a86e4e8ecb91f1d4822ddf63c2f5a5b8e869, on @user_script:1."},
      {"EVAL \"error()\" 0", "(error) ERR nil script: aca90d914519fdb9825352bdc0befb59f7c8510f, on @user_script:1."},
      {"EVAL \"error(1)\" 0",
       "(error) ERR user_script:1: 1 script: 11d166ccab188add40157d241449ab30e698f851, on @user_script:1."},
      {"EVAL \"return redis.call('incr', KEYS[1])\" 1 s",
       "(error) ERR value is not an integer or out of range script: 2bab3b661081db58bd2341920e0ba7cf5dc77b25, on "
       "@user_script:1."},
      {"EVAL \"return redis.pcall('incr', KEYS[1])\" 1 s", "(error) ERR value is not an integer or out of range"},
      {"EVAL \"return redis.call()\" 0",
       "(error) ERR Please specify at least one argument for this redis lib call script: "
       "0a907e1429221a4d85516cab7fd219a82a9439d8, on @user_script:1."},
      {"EVAL \"return redis.call('get', {})\" 0",
       "(error) ERR Lua redis lib command arguments must be strings or integers script: "
       "4368e88f98d93af9caf358186e5fbf273374ee91, on @user_script:1."},
      {"EVAL \"return redis.call('eval','return 1','0')\" 0",
       "(error) ERR This Redis command is not allowed from script script: 1e5046f3a9119d3dc9cf5824428b6d9fedd305d2, "
       "on @user_script:1."},
      {"EVAL \"return redis.sha1hex()\" 0",
       "(error) ERR wrong number of arguments script: 3c7ce947ae74a835cc575b6ee87fb27503cb7ba4, on @user_script:1."},
      {"EVAL \"return 'x' .. \" 0",
       "(error) ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'"},
      {"EVALSHA ffffffffffffffffffffffffffffffffffffffff 0", "(error) NOSCRIPT No matching script. Please use EVAL."},
      {"EVAL \"return 1\" -1", "(error) ERR Number of keys can't be negative"},
      {"EVAL \"return 1\" 5 a", "(error) ERR Number of keys can't be greater than number of args"},
      {"EVAL \"return 1\" x", "(error) ERR value is not an integer or out of range"},
      {"EVAL_RO \"return redis.call('set','a','b')\" 0",
       "(error) ERR Write commands are not allowed from read-only scripts. script: "
       "ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6, on @user_script:1."},
      {"SCRIPT FOO", "(error) ERR unknown subcommand 'FOO'. Try SCRIPT HELP."},
      {"SCRIPT KILL", "(error) NOTBUSY No scripts in execution right now."},
  };
  rcs::test::RunSteps(n, steps);
}

TEST_CASE("Scripting: shebang flags") {
  TestNode n;
  CHECK(n.Do({"EVAL", "#!lua flags=no-writes\nreturn redis.call('set','a','b')", "0"}) ==
        "(error) ERR Write commands are not allowed from read-only scripts. script: "
        "6acb400a50fe96e33eca4e0af6e9dcfb21193726, on @user_script:2.");
  CHECK(n.Do({"EVAL", "#!lua flags=bogus\nreturn 1", "0"}) == "(error) ERR Unexpected flag in script shebang: bogus");
  CHECK(n.Do({"EVAL", "#!lua name=x\nreturn 1", "0"}) == "(error) ERR Unknown lua shebang option: name=x");
  CHECK(n.Do({"EVAL", "#!python\nreturn 1", "0"}) == "(error) ERR Unexpected engine in script shebang: #!python");
  CHECK(n.Do({"EVAL_RO", "#!lua\nreturn 1", "0"}) ==
        "(error) ERR Can not execute a script with write flag using *_ro command.");
  CHECK(n.Do({"EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('get','a')", "0"}) == "(nil)");
  CHECK(n.Do({"EVAL", "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1", "0"}) ==
        "(integer) 1");
}

// Recorded from a redis-server 7.0.15 replica of an absent master (replica-serve-stale-data no).
TEST_CASE("Scripting: a replica refuses write scripts, and without its master stale scripts") {
  TestNode n({{"replica-serve-stale-data", "no"}});
  n.server().set_replica(true);
  CHECK(n.Do({"EVAL", "#!lua\nreturn 1", "0"}) == "(error) READONLY You can't write against a read only replica.");
  CHECK(n.Do({"EVAL", "#!lua flags=no-writes\nreturn 1", "0"}) == "(integer) 1");
  CHECK(n.Do("EVAL \"return redis.pcall('set','k','v')\" 0") ==
        "(error) READONLY You can't write against a read only replica.");
  n.server().set_master_link_up(false);
  CHECK(n.Do({"EVAL", "#!lua\nreturn 1", "0"}) == "(error) READONLY You can't write against a read only replica.");
  CHECK(n.Do({"EVAL", "#!lua flags=no-writes\nreturn 1", "0"}) ==
        "(error) MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
  CHECK(n.Do({"EVAL", "#!lua flags=no-writes,allow-stale\nreturn 1", "0"}) == "(integer) 1");
}

TEST_CASE("Scripting: SCRIPT LOAD / EXISTS / FLUSH and EVALSHA") {
  TestNode n;
  CHECK(n.Do("SCRIPT LOAD \"return 1\"") == "\"e0e1f9fabfc9d4800c877a703b823ac0578ff8db\"");
  CHECK(n.Do("SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db E0E1F9FABFC9D4800C877A703B823AC0578FF8DB ffff") ==
        "[(integer) 1, (integer) 1, (integer) 0]");
  CHECK(n.Do("EVALSHA E0E1F9FABFC9D4800C877A703B823AC0578FF8DB 0") == "(integer) 1");
  CHECK(n.Do("INFO memory").find("number_of_cached_scripts:1\r\n") != std::string::npos);
  CHECK(n.Do("SCRIPT FLUSH BOGUS") == "(error) ERR SCRIPT FLUSH only support SYNC|ASYNC option");
  CHECK(n.Do("SCRIPT FLUSH ASYNC") == "OK");
  CHECK(n.Do("SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db") == "[(integer) 0]");
  CHECK(n.Do("EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0") ==
        "(error) NOSCRIPT No matching script. Please use EVAL.");
  CHECK(n.Do("SCRIPT LOAD \"return +\"") ==
        "(error) ERR Error compiling script (new function): user_script:1: unexpected symbol near '+'");
  // EVAL caches the script: EVALSHA finds it afterwards.
  CHECK(n.Do("EVAL \"return 2\" 0") == "(integer) 2");
  CHECK(n.Do("EVALSHA 7f923f79fe76194c868d7e1d0820de36700eb649 0") == "(integer) 2");
}

TEST_CASE("Scripting: busy-reply-threshold and its old name lua-time-limit") {
  TestNode n({{"lua-time-limit", "250"}});
  CHECK(n.Do("CONFIG GET busy-reply-threshold") == "[\"busy-reply-threshold\", \"250\"]");
  CHECK(n.Do("CONFIG SET lua-time-limit 100") == "OK");
  CHECK(n.Do("CONFIG GET busy-reply-threshold") == "[\"busy-reply-threshold\", \"100\"]");
}

TEST_CASE("Scripting: effects replication (one write alone, several in MULTI/EXEC, none for reads)") {
  TestNode n;
  PropagationLog log(n);
  CHECK(n.Do("EVAL \"return redis.call('get','a')\" 0") == "(nil)");
  CHECK(log.Take().empty());
  CHECK(n.Do("EVAL \"return redis.call('set',KEYS[1],ARGV[1])\" 1 a 1") == "OK");
  CHECK(log.Take() == "set a 1");
  CHECK(n.Do("EVAL \"redis.call('incr','a'); redis.call('set','b',2.5); return 1\" 0") == "(integer) 1");
  CHECK(log.Take() == "MULTI | incr a | set b 2.5 | EXEC");
  CHECK(n.Do("EVAL \"redis.set_repl(redis.REPL_NONE); redis.call('set','c',1); return 1\" 0") == "(integer) 1");
  CHECK(log.Take().empty());
  CHECK(n.Do("GET c") == "\"1\"");
  // A script that fails after a write still propagates the write it made.
  CHECK(n.Do("EVAL \"redis.call('set','d',1); error('x')\" 0").find("(error) ERR user_script:1: x") == 0);
  CHECK(log.Take() == "set d 1");
  // Inside MULTI/EXEC the script's writes join the transaction.
  CHECK(n.Do("MULTI") == "OK");
  CHECK(n.Do("SET e 1") == "QUEUED");
  CHECK(n.Do("EVAL \"return redis.call('set','f',1)\" 0") == "QUEUED");
  CHECK(n.Do("EXEC") == "[OK, OK]");
  CHECK(log.Take() == "MULTI | SET e 1 | set f 1 | EXEC");
}

TEST_CASE("Scripting: functions as redis-server 7.0.15") {
  TestNode n;
  PropagationLog log(n);
  const std::string lib =
      "#!lua name=mylib\n"
      "redis.register_function('f1', function(keys, args) return keys[1] end)\n"
      "redis.register_function{function_name='f2', callback=function(keys, args) return redis.call('set', "
      "keys[1], args[1]) end, flags={'no-writes'}, description='desc'}";
  CHECK(n.Do({"FUNCTION", "LOAD", lib}) == "\"mylib\"");
  CHECK(log.Take().find("FUNCTION LOAD #!lua name=mylib") == 0);
  CHECK(n.Do({"FUNCTION", "LOAD", "return 1"}) == "(error) ERR Missing library metadata");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!lua\nreturn 1"}) == "(error) ERR Library name was not given");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!py name=x\nreturn 1"}) == "(error) ERR Engine 'py' not found");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!lua name=x foo=bar\nreturn 1"}) == "(error) ERR Invalid metadata value given: foo=bar");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!lua name=x-y\nreturn 1"}) ==
        "(error) ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one "
        "character long");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!lua name=x\nreturn 1"}) == "(error) ERR No functions registered");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('f1', function(keys, args) return 1 end)"}) ==
        "(error) ERR Library 'mylib' already exists");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!lua name=other\nredis.register_function('f1', function(keys, args) return 1 end)"}) ==
        "(error) ERR Function f1 already exists");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!lua name=other\nredis.call('ping')"}) ==
        "(error) ERR Error registering functions: ERR user_function:2: Script attempted to access nonexistent global "
        "variable 'call'");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!lua name=other\nlocal a = \n"}) ==
        "(error) ERR Error compiling function: user_function:3: unexpected symbol near '<eof>'");
  CHECK(n.Do({"FUNCTION", "LOAD",
              "#!lua name=other\nredis.register_function{function_name='g', callback=function() end, flags={'bogus'}}"}) ==
        "(error) ERR Error registering functions: ERR unknown flag given");
  CHECK(n.Do({"FUNCTION", "LOAD", "#!lua name=other\nx = 1"}) ==
        "(error) ERR Error registering functions: ERR user_function:2: Attempt to modify a readonly table");
  CHECK(log.Take().empty());
  CHECK(n.Do("FCALL f1 1 kk") == "\"kk\"");
  CHECK(n.Do("FCALL f2 1 kk vv") ==
        "(error) ERR Write commands are not allowed from read-only scripts. script: f2, on @user_function:3.");
  CHECK(n.Do("FCALL_RO f1 1 kk") == "(error) ERR Can not execute a script with write flag using *_ro command.");
  CHECK(n.Do("FCALL nosuch 0") == "(error) ERR Function not found");
  CHECK(n.Do("FCALL f1 -1") == "(error) ERR Number of keys can't be negative");
  CHECK(n.Do("FUNCTION LIST LIBRARYNAME my") == "[]");  // a glob pattern, as Redis 7.0 matches it
  CHECK(n.Do("FUNCTION LIST LIBRARYNAME my*") ==
        "[[\"library_name\", \"mylib\", \"engine\", \"LUA\", \"functions\", [[\"name\", \"f1\", \"description\", "
        "(nil), \"flags\", []], [\"name\", \"f2\", \"description\", \"desc\", \"flags\", [no-writes]]]]]");
  CHECK(n.Do("FUNCTION STATS") ==
        "[\"running_script\", (nil), \"engines\", [\"LUA\", [\"libraries_count\", (integer) 1, \"functions_count\", "
        "(integer) 2]]]");
  CHECK(n.Do("FUNCTION DELETE nosuch") == "(error) ERR Library not found");
  CHECK(n.Do("FUNCTION FLUSH foo") == "(error) ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  CHECK(n.Do("FUNCTION KILL") == "(error) NOTBUSY No scripts in execution right now.");
  CHECK(n.Do("FUNCTION RESTORE garbage") == "(error) ERR DUMP payload version or checksum are wrong");
  // DUMP / RESTORE round trip (redis-server's payload format), with each policy.
  std::string dump = n.Raw({"FUNCTION", "DUMP"});
  size_t nl = dump.find("\r\n");
  std::string payload = dump.substr(nl + 2, dump.size() - nl - 4);
  CHECK(n.Do({"FUNCTION", "RESTORE", payload}) == "(error) ERR Library mylib already exists");
  CHECK(n.Do("FUNCTION DELETE mylib") == "OK");
  CHECK(n.Do("FCALL f1 1 kk") == "(error) ERR Function not found");
  CHECK(n.Do({"FUNCTION", "RESTORE", payload}) == "OK");
  CHECK(n.Do("FCALL f1 1 kk") == "\"kk\"");
  CHECK(n.Do({"FUNCTION", "RESTORE", payload, "REPLACE"}) == "OK");
  CHECK(n.Do({"FUNCTION", "RESTORE", payload, "FLUSH"}) == "OK");
  std::string bad = payload;
  bad[bad.size() / 2] ^= 1;
  CHECK(n.Do({"FUNCTION", "RESTORE", bad, "FLUSH"}) == "(error) ERR DUMP payload version or checksum are wrong");
  CHECK(n.Do("FCALL f1 1 kk") == "\"kk\"");
  // REPLACE swaps the library's functions.
  CHECK(n.Do({"FUNCTION", "LOAD", "REPLACE", "#!lua name=mylib\nredis.register_function('f3', function() return 3 end)"}) ==
        "\"mylib\"");
  CHECK(n.Do("FCALL f1 0") == "(error) ERR Function not found");
  CHECK(n.Do("FCALL f3 0") == "(integer) 3");
  CHECK(n.Do("FUNCTION FLUSH") == "OK");
  CHECK(n.Do("FCALL f3 0") == "(error) ERR Function not found");
  CHECK(n.Do("EVAL \"return redis.call('function','list')\" 0") ==
        "(error) ERR This Redis command is not allowed from script script: b11690a77ce8d92f96187f0ab83077ef3b3de586, "
        "on @user_script:1.");
}

TEST_CASE("Scripting: FUNCTION DUMP is redis-server's payload; RESTORE still reads this node's former one") {
  TestNode n;
  const std::string lib = "#!lua name=lib1\nredis.register_function('g1', function() return 'one' end)";
  CHECK(n.Do({"FUNCTION", "LOAD", lib}) == "\"lib1\"");
  std::string dump = n.Raw({"FUNCTION", "DUMP"});
  size_t nl = dump.find("\r\n");
  std::string payload = dump.substr(nl + 2, dump.size() - nl - 4);
  CHECK(payload == rcs::CreateFunctionDumpPayload({lib}, true));
  // The former payload: "RCSFUNC1", per library an 8-byte LE length and the code, an 8-byte LE FNV-1a 64
  // of everything before; AOF files written before hold it.
  auto put_u64 = [](std::string* out, uint64_t v) {
    for (int i = 0; i < 8; i++) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  const std::string lib2 = "#!lua name=lib2\nredis.register_function('g2', function() return 'two' end)";
  std::string legacy = "RCSFUNC1";
  put_u64(&legacy, lib2.size());
  legacy += lib2;
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : legacy) h = (h ^ c) * 1099511628211ull;
  put_u64(&legacy, h);
  CHECK(n.Do({"FUNCTION", "RESTORE", legacy}) == "OK");
  CHECK(n.Do("FCALL g2 0") == "\"two\"");
  CHECK(n.Do({"FUNCTION", "RESTORE", legacy}) == "(error) ERR Library lib2 already exists");
  legacy[10] ^= 1;
  CHECK(n.Do({"FUNCTION", "RESTORE", legacy, "FLUSH"}) == "(error) ERR DUMP payload version or checksum are wrong");
  // FLUSH with redis-server's payload: only lib1 is left.
  CHECK(n.Do({"FUNCTION", "RESTORE", payload, "FLUSH"}) == "OK");
  CHECK(n.Do("FCALL g2 0") == "(error) ERR Function not found");
  CHECK(n.Do("FCALL g1 0") == "\"one\"");
  // A failed restore changes nothing: the second library's function exists in a library that stays.
  const std::string clash = "#!lua name=lib3\nredis.register_function('g1', function() return 'three' end)";
  std::string both = rcs::CreateFunctionDumpPayload({lib2, clash}, false);
  CHECK(n.Do({"FUNCTION", "RESTORE", both, "REPLACE"}) == "(error) ERR Function g1 already exists");
  CHECK(n.Do("FCALL g2 0") == "(error) ERR Function not found");
  CHECK(n.Do("FCALL g1 0") == "\"one\"");
}

TEST_CASE("Scripting: RESP -> Lua conversion of every reply type (pure)") {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  auto convert = [&](std::string_view resp) {
    size_t used = rcs::scripting::PushRespAsLua(L, resp);
    if (used == 0) return std::string("<malformed>");
    std::string out;
    rcs::ReplyBuilder rb(&out, 3);
    rcs::scripting::WriteLuaAsReply(L, -1, rb, /*script_resp=*/3);  // RESP3 replies reach a redis.setresp(3) script
    lua_pop(L, 1);
    return RespToText(out);
  };
  CHECK(convert(":5\r\n") == "(integer) 5");
  CHECK(convert("$3\r\nabc\r\n") == "\"abc\"");
  CHECK(convert("$-1\r\n") == "(false)");
  CHECK(convert("*-1\r\n") == "(false)");
  CHECK(convert("+OK\r\n") == "OK");
  CHECK(convert("-ERR x\r\n") == "(error) ERR x");
  CHECK(convert("*2\r\n:1\r\n$1\r\na\r\n") == "[(integer) 1, \"a\"]");
  CHECK(convert("%1\r\n$1\r\nk\r\n:1\r\n") == "{\"k\": (integer) 1}");
  CHECK(convert("~1\r\n$1\r\nm\r\n") == "~[\"m\"]");
  CHECK(convert(",1.5\r\n") == "(double) 1.5");
  CHECK(convert("#t\r\n") == "(true)");
  CHECK(convert("_\r\n") == "(nil)");
  CHECK(convert("(123\r\n").find("123") != std::string::npos);
  // Malformed or incomplete input converts to nothing (and leaves the stack as it was).
  int top = lua_gettop(L);
  CHECK(convert("*2\r\n:1\r\n") == "<malformed>");
  CHECK(convert("$5\r\nab\r\n") == "<malformed>");
  CHECK(convert("%1\r\n_\r\n:1\r\n") == "{}");  // a nil key is dropped, not raised
  CHECK(convert("?") == "<malformed>");
  CHECK(lua_gettop(L) == top);
  lua_close(L);
}

TEST_CASE("Scripting: SCRIPT HELP and FUNCTION HELP as redis-server 7.0.15 (less SCRIPT DEBUG, not implemented)") {
  TestNode n;
  std::string fh = n.Do("FUNCTION HELP");
  CHECK(fh.rfind("[FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:, LOAD [REPLACE] <FUNCTION CODE>", 0) == 0);
  CHECK(fh.find(", HELP,     Prints this help.]") != std::string::npos);
  CHECK(n.Do("FUNCTION HELP x") == "(error) ERR wrong number of arguments for 'function|help' command");
  std::string sh = n.Do("SCRIPT HELP");
  CHECK(sh.rfind("[SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", 0) == 0);
  CHECK(sh.find(", HELP,     Prints this help.]") != std::string::npos);
}

TEST_CASE("Scripting: redis.set_repl sends each write to the AOF, the replicas, both or neither") {
  TestNode n;
  std::vector<std::string> seen;  // "<sinks>:<command>", sinks = aof+replicas, aof, replicas
  n.server().AddPropagateSink([&seen](const rcs::PropagatedWrite& w) {
    std::string s = w.aof_only ? "aof:" : w.replicas_only ? "replicas:" : "both:";
    for (auto a : w.argv) s.append(a).append(" ");
    seen.push_back(s);
  });
  CHECK(n.Do("EVAL \"redis.call('set','a',1); redis.set_repl(redis.REPL_AOF); redis.call('set','b',2); "
             "redis.set_repl(redis.REPL_REPLICA); redis.call('set','c',3); redis.set_repl(redis.REPL_NONE); "
             "redis.call('set','d',4); redis.set_repl(redis.REPL_ALL); redis.call('set','e',5); return 1\" 0") ==
        "(integer) 1");
  CHECK(seen == std::vector<std::string>{"both:MULTI ", "both:set a 1 ", "aof:set b 2 ", "replicas:set c 3 ",
                                         "both:set e 5 ", "both:EXEC "});
  CHECK(n.Do("MGET a b c d e") == "[\"1\", \"2\", \"3\", \"4\", \"5\"]");
  CHECK(n.Do("EVAL \"redis.set_repl(4)\" 0").find("Invalid replication flags") != std::string::npos);
}
