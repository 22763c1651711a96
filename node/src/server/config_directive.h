// One configuration directive as the table in config.cc declares it: its name, whether CONFIG SET may change
// it, how CONFIG SET's value becomes its words, and three callbacks built by the typed factory helpers
// (Bool, Int, Memory, Enum, String, ...): apply (validate the words and store the value), get (the CONFIG GET
// text) and rewrite (the lines CONFIG REWRITE writes). Internal to server/config*.cc.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "server/config.h"

namespace rcs::config_internal {

using Words = std::vector<std::string>;

// How CONFIG SET turns its one value into the words a directive takes (a file line is split already).
enum class SetWords {
  kOne,          // the value is the one word
  kSplit,        // split like a config line (bind, oom-score-adj-values, shutdown-on-*)
  kSplitOrBlank, // split; an empty value is one empty word (save "", latency-tracking-info-percentiles "")
  kSplitOrKeep,  // split; an empty value changes nothing (client-output-buffer-limit "")
};

// What CONFIG REWRITE does with a directive, after redis-server's rewriteConfig* rules.
struct RewritePlan {
  enum Action {
    kWrite,   // replace the file's lines of the directive with `lines`, in order; append the forced rest
    kRemove,  // blank the file's lines of the directive (redis-server: a master drops its replicaof lines)
    kLeave,   // do not touch the file's lines of the directive, write nothing
  };
  struct Line {
    std::string text;  // the whole line, "name value"
    bool force;        // the value is not the default: appended when the file has no line left to replace
  };
  Action action = kWrite;
  std::vector<Line> lines;
};

struct Directive {
  std::string name;
  bool mutable_at_runtime = true;
  SetWords set_words = SetWords::kOne;
  std::function<Status(Config&, const Words&)> apply;  // Redis's reason on error; nothing stored then
  std::function<std::string(const Config&)> get;
  std::function<RewritePlan(const Config&)> rewrite;
  // Run by the loader (file and command line, not CONFIG SET) right after the line is applied: `dir`
  // chdir()s there, as redis-server does, so the file's later relative paths are inside it.
  std::function<Status(const Config&)> on_load;
  // Accepted, but nothing on this node reads the value: a line setting it is logged at startup, unless the
  // value is `native` (what this node does anyway, e.g. set-proc-title yes).
  bool no_effect = false;
  const char* native = nullptr;
  // For directives that are partly implemented: whether this line (its words, the config after it) sets
  // something this node ignores; replaces the no_effect/native rule. `no_effect_note` is added to the
  // startup line in parentheses (what exactly is ignored).
  std::function<bool(const Config&, const Words&)> no_effect_when;
  const char* no_effect_note = nullptr;
  // Refused in files and unknown to CONFIG GET/SET (user, loadmodule).
  bool refused = false;
  // Redis's `save`: the lines of a file add up, CONFIG SET replaces.
  bool set_replaces_file_lines = false;

  Directive Immutable() && {
    mutable_at_runtime = false;
    return std::move(*this);
  }
  // Marks a directive with a Config field that nothing reads yet as no-effect.
  Directive NoEffect(const char* native_value = nullptr) && {
    no_effect = true;
    native = native_value;
    return std::move(*this);
  }
  // Marks a partly implemented directive: a line for which `when` is true is logged at startup, with `note`.
  Directive NoEffectWhen(std::function<bool(const Config&, const Words&)> when, const char* note) && {
    no_effect_when = std::move(when);
    no_effect_note = note;
    return std::move(*this);
  }
  // The startup line says what is ignored (e.g. "no TLS listener").
  Directive Note(const char* note) && {
    no_effect_note = note;
    return std::move(*this);
  }
  Directive Native(const char* native_value) && {
    native = native_value;
    return std::move(*this);
  }
  // Only the value `only` is accepted (tls-port 0, aclfile ""); others are refused with `reason`.
  Directive OnlyValue(const char* only, std::string_view reason) &&;
};

const std::vector<Directive>& DirectiveTable();
// Canonical directive of a name or alias (case-insensitive), nullptr if none.
const Directive* FindDirective(std::string_view name);
// Redis's old names: (alias, canonical).
const std::vector<std::pair<const char*, const char*>>& DirectiveAliases();

}  // namespace rcs::config_internal
