// `redis-cluster-node --check-aof <manifest or .aof file> [--fix]`: what redis-check-aof does, with the same
// report lines. An RDB base (or preamble) is parsed whole (keyspace/rdb_parser.h) and the commands after its
// checksum checked as below.
//
// A file is valid when it is a sequence of whole RESP multibulk commands ('#' annotation lines allowed)
// with every MULTI closed by EXEC. The first position where that stops holding is ok_up_to: an
// incomplete command or an unclosed MULTI at the end (a crash during an append) as well as garbage. --fix
// truncates the file there, which loses what follows; only the last file of a manifest is fixed (an
// earlier file's tail is followed by writes that depend on it), as Redis's tool does.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace rcs {

struct AofFileCheck {
  uint64_t size = 0;
  uint64_t ok_up_to = 0;       // bytes of valid commands from the start
  uint64_t ok_up_to_line = 0;  // lines in those bytes
  bool valid() const { return ok_up_to == size; }
  bool truncated = false;      // the damage is an incomplete tail (a crash), not garbage
};

AofFileCheck CheckAofData(std::string_view data);

// Checks (and with fix repairs) a manifest and its files, or one file. Prints the report to out. Returns
// the process exit code: 0 valid (or fixed), 1 not valid.
int RunCheckAof(const std::string& path, bool fix, FILE* out);

}  // namespace rcs
