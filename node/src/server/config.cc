// The directive table: one declaration per directive, built by a typed factory helper (Bool, Int, Memory,
// String, Enum, ...) that knows how to validate its words (bounds, allowed values), store the value, show
// it to CONFIG GET and write it back for CONFIG REWRITE (config_rewrite.cc). Defaults of directives with a
// Config field are the field's initializer (config.h); the others carry Redis 7.0's default text here.
// Loading follows redis-server: the file's lines, then the command line's "--name value" pairs appended as
// lines; the first bad line stops startup with its source, line number and reason. `dir` changes the
// working directory when it is read, so later relative paths (logfile, include, pidfile) are inside it.
#include "server/config.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/memory_units.h"
#include "base/strutil.h"
#include "keyspace/notify_classes.h"
#include "protocol/errors.h"
#include "protocol/resp_parser.h"
#include "server/config_directive.h"

namespace rcs {
namespace config_internal {
namespace {

// ---- Value parsers: a directive's words -> its value, or Redis's reason ----

Status OneWord(const Words& w) {
  return w.size() == 1 ? Status::Ok() : Status::Error(err::config_reason::kWrongArgCount);
}

bool ParseBool(std::string_view s, bool* out) {
  if (EqualsIgnoreCase(s, "yes")) *out = true;
  else if (EqualsIgnoreCase(s, "no")) *out = false;
  else return false;
  return true;
}

Status BoolValue(const Words& w, bool* v) {
  if (Status s = OneWord(w); !s.ok()) return s;
  return ParseBool(w[0], v) ? Status::Ok() : Status::Error(err::config_reason::kNotBool);
}

Status IntValue(const Words& w, int64_t lo, int64_t hi, int64_t* v) {
  if (Status s = OneWord(w); !s.ok()) return s;
  if (!ParseInt64(w[0], v)) return Status::Error(err::config_reason::kNotInteger);
  if (*v < lo || *v > hi) return Status::Error(err::config_reason::OutOfBounds(lo, hi));
  return Status::Ok();
}

Status MemoryValue(const Words& w, int64_t lo, int64_t hi, int64_t* v) {
  if (Status s = OneWord(w); !s.ok()) return s;
  if (!ParseMemory(w[0], v)) return Status::Error(err::config_reason::kNotMemory);
  if (*v < lo || *v > hi) return Status::Error(err::config_reason::OutOfBounds(lo, hi));
  return Status::Ok();
}

std::string JoinValues(const std::vector<const char*>& values) {
  std::string list;
  for (size_t i = 0; i < values.size(); i++) list += (i ? ", " : "") + std::string(values[i]);
  return list;
}

Status EnumValue(const Words& w, const std::vector<const char*>& values, std::string_view note, std::string* v) {
  if (Status s = OneWord(w); !s.ok()) return s;
  *v = ToLower(w[0]);
  for (const char* allowed : values) {
    if (*v == allowed) return Status::Ok();
  }
  return Status::Error(err::config_reason::NotOneOf(JoinValues(values) + std::string(note)));
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (size_t i = 0; i < v.size(); i++) s += (i ? " " : "") + v[i];
  return s;
}

// ---- How values are written back by CONFIG REWRITE (redis-server's rewriteConfig*Option) ----

enum class Written { kPlain, kQuoted, kMemory };

// redis-server's rewriteConfigFormatMemory: "100mb", "1kb", plain bytes when not a whole unit.
std::string FormatMemory(int64_t bytes) {
  static const std::pair<int64_t, const char*> kUnits[] = {
      {1024LL * 1024 * 1024, "gb"}, {1024LL * 1024, "mb"}, {1024, "kb"}};
  for (auto [unit, suffix] : kUnits) {
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + suffix;
  }
  return std::to_string(bytes);
}

std::string WrittenValue(const std::string& text, Written how) {
  int64_t n;
  if (how == Written::kQuoted) return QuoteRepr(text);
  if (how == Written::kMemory && ParseInt64(text, &n)) return FormatMemory(n);
  return text;
}

// "name value" in place of the file's line, appended when the value is not the default.
std::function<RewritePlan(const Config&)> OneLine(std::string name, std::function<std::string(const Config&)> get,
                                                  Written how) {
  return [name, get, how](const Config& c) {
    static const Config defaults;
    std::string text = get(c);
    return RewritePlan{RewritePlan::kWrite, {{name + " " + WrittenValue(text, how), text != get(defaults)}}};
  };
}

// ---- Factory helpers: one per value type, for directives with a Config field and for kept ones ----

// A directive nothing on this node reads: validated as Redis 7.0 does, its CONFIG GET text kept in
// Config::no_effect_values (`def`, Redis's default, until set).
struct Kept {
  const char* def;
};

using TextParser = std::function<Status(const Words&, std::string*)>;

Directive KeptDirective(const char* name, Kept kept, Written how, TextParser parse, SetWords sw = SetWords::kOne) {
  Directive d;
  d.name = name;
  d.set_words = sw;
  d.no_effect = true;
  std::string n = name, def = kept.def;
  d.apply = [n, parse](Config& c, const Words& w) -> Status {
    std::string text;
    if (Status st = parse(w, &text); !st.ok()) return st;
    c.no_effect_values[n] = std::move(text);
    return Status::Ok();
  };
  d.get = [n, def](const Config& c) {
    auto it = c.no_effect_values.find(n);
    return it == c.no_effect_values.end() ? def : it->second;
  };
  d.rewrite = OneLine(n, d.get, how);
  return d;
}

template <typename T, typename Parse, typename Format>
Directive FieldDirective(const char* name, T Config::*field, Written how, Parse parse, Format format) {
  Directive d;
  d.name = name;
  d.apply = [field, parse](Config& c, const Words& w) -> Status {
    T v{};
    if (Status st = parse(w, &v); !st.ok()) return st;
    c.*field = std::move(v);
    return Status::Ok();
  };
  d.get = [field, format](const Config& c) { return format(c.*field); };
  d.rewrite = OneLine(name, d.get, how);
  return d;
}

std::string YesNo(bool v) { return v ? "yes" : "no"; }
template <typename T>
std::string Decimal(T v) { return std::to_string(v); }
std::string Same(const std::string& v) { return v; }

Directive Bool(const char* name, bool Config::*field) {
  return FieldDirective(name, field, Written::kPlain, BoolValue, YesNo);
}
Directive Bool(const char* name, Kept kept) {
  return KeptDirective(name, kept, Written::kPlain, [](const Words& w, std::string* text) {
    bool v = false;
    Status st = BoolValue(w, &v);
    *text = YesNo(v);
    return st;
  });
}

Directive Int(const char* name, int Config::*field, int64_t lo, int64_t hi) {
  auto parse = [lo, hi](const Words& w, int* v) {
    int64_t n = 0;
    Status st = IntValue(w, lo, hi, &n);
    *v = static_cast<int>(n);
    return st;
  };
  return FieldDirective(name, field, Written::kPlain, parse, Decimal<int>);
}
Directive Int(const char* name, int64_t Config::*field, int64_t lo, int64_t hi) {
  auto parse = [lo, hi](const Words& w, int64_t* v) { return IntValue(w, lo, hi, v); };
  return FieldDirective(name, field, Written::kPlain, parse, Decimal<int64_t>);
}
Directive Int(const char* name, Kept kept, int64_t lo, int64_t hi) {
  return KeptDirective(name, kept, Written::kPlain, [lo, hi](const Words& w, std::string* text) {
    int64_t v = 0;
    Status st = IntValue(w, lo, hi, &v);
    *text = std::to_string(v);
    return st;
  });
}

Directive Memory(const char* name, int64_t Config::*field, int64_t lo, int64_t hi) {
  auto parse = [lo, hi](const Words& w, int64_t* v) { return MemoryValue(w, lo, hi, v); };
  return FieldDirective(name, field, Written::kMemory, parse, Decimal<int64_t>);
}
Directive Memory(const char* name, Kept kept, int64_t lo = 0) {
  return KeptDirective(name, kept, Written::kMemory, [lo](const Words& w, std::string* text) {
    int64_t v = 0;
    Status st = MemoryValue(w, lo, INT64_MAX, &v);
    *text = std::to_string(v);
    return st;
  });
}

Directive String(const char* name, std::string Config::*field) {
  auto parse = [](const Words& w, std::string* v) {
    if (Status s = OneWord(w); !s.ok()) return s;
    *v = w[0];
    return Status::Ok();
  };
  return FieldDirective(name, field, Written::kQuoted, parse, Same);
}
Directive String(const char* name, Kept kept) {
  return KeptDirective(name, kept, Written::kQuoted, [](const Words& w, std::string* text) {
    if (Status s = OneWord(w); !s.ok()) return s;
    *text = w[0];
    return Status::Ok();
  });
}

// `note` follows the list of allowed values in the error (maxmemory-policy names what is not implemented).
Directive Enum(const char* name, std::string Config::*field, std::vector<const char*> values,
               std::string_view note = {}) {
  auto parse = [values, note](const Words& w, std::string* v) { return EnumValue(w, values, note, v); };
  return FieldDirective(name, field, Written::kPlain, parse, Same);
}
Directive Enum(const char* name, Kept kept, std::vector<const char*> values) {
  return KeptDirective(name, kept, Written::kPlain, [values](const Words& w, std::string* text) {
    return EnumValue(w, values, {}, text);
  });
}

// ---- Directives with their own syntax ----

// shutdown-on-sigint / -sigterm: any of Redis's flags; the text lists the given ones in this order,
// "default" when none else. save and nosave exclude each other.
Directive ShutdownFlags(const char* name) {
  return KeptDirective(name, Kept{"default"}, Written::kPlain, [](const Words& w, std::string* text) {
    static const std::vector<const char*> kFlags = {"default", "save", "nosave", "now", "force"};
    if (w.empty()) return Status::Error(err::config_reason::kWrongArgCount);
    std::vector<bool> given(kFlags.size(), false);
    for (const std::string& a : w) {
      auto it = std::find(kFlags.begin(), kFlags.end(), ToLower(a));
      if (it == kFlags.end()) return Status::Error(err::config_reason::NotOneOf(JoinValues(kFlags)));
      given[it - kFlags.begin()] = true;
    }
    if (given[1] && given[2]) return Status::Error(err::config_reason::kSaveAndNosave);
    for (size_t k = 1; k < kFlags.size(); k++) {
      if (given[k]) *text += (text->empty() ? "" : " ") + std::string(kFlags[k]);
    }
    if (text->empty()) *text = "default";
    return Status::Ok();
  }, SetWords::kSplit);
}

Directive OomScoreAdjValues() {
  return KeptDirective("oom-score-adj-values", Kept{"0 200 800"}, Written::kPlain,
                       [](const Words& w, std::string* text) {
    if (w.size() != 3) return Status::Error(err::config_reason::kWrongArgCount);
    for (const std::string& a : w) {
      int64_t v;
      if (!ParseInt64(a, &v) || v < -2000 || v > 2000) return Status::Error(err::config_reason::kOomScoreRange);
      *text += (text->empty() ? "" : " ") + std::to_string(v);
    }
    return Status::Ok();
  }, SetWords::kSplit);
}

// maxmemory-clients: bytes or "N%".
Directive MemoryOrPercent(const char* name) {
  return KeptDirective(name, Kept{"0"}, Written::kMemory, [](const Words& w, std::string* text) {
    if (Status s = OneWord(w); !s.ok()) return s;
    const std::string& a = w[0];
    int64_t v;
    if (a.empty()) {
      *text = "0";
    } else if (a.back() == '%') {
      if (!ParseInt64(std::string_view(a).substr(0, a.size() - 1), &v) || v < 0) {
        return Status::Error(err::config_reason::kNotMemoryOrPercent);
      }
      if (v > 100) return Status::Error(err::config_reason::kPercentOver100);
      *text = v == 0 ? "0" : std::to_string(v) + "%";
    } else {
      if (!ParseMemory(a, &v)) return Status::Error(err::config_reason::kNotMemoryOrPercent);
      *text = std::to_string(v);
    }
    return Status::Ok();
  });
}

// unixsocketperm: octal up to 777 (Redis prints the bounds in octal).
Directive Octal(const char* name) {
  return KeptDirective(name, Kept{"0"}, Written::kPlain, [](const Words& w, std::string* text) {
    if (Status s = OneWord(w); !s.ok()) return s;
    const std::string& a = w[0];
    if (a.empty() || a.size() > 12 || a.find_first_not_of("01234567") != std::string::npos) {
      return Status::Error(err::config_reason::kNotOctal);
    }
    int64_t v = std::stoll(a, nullptr, 8);
    if (v > 0777) return Status::Error(err::config_reason::OutOfBounds(0, 777));
    char buf[16];
    snprintf(buf, sizeof(buf), "%llo", static_cast<unsigned long long>(v));
    *text = buf;
    return Status::Ok();
  });
}

std::string FormatPercentile(double v) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.15g", v);
  return buf;
}

Directive Percentiles(const char* name, std::vector<double> Config::*field) {
  auto parse = [](const Words& w, std::vector<double>* out) {
    Words vals = w;
    if (vals.size() == 1 && vals[0].empty()) vals.clear();
    for (const std::string& a : vals) {
      double v;
      if (!ParseDouble(a, &v)) return Status::Error(err::config_reason::kBadPercentiles);
      if (v < 0.0 || v > 100.0) return Status::Error(err::config_reason::kPercentilesRange);
      out->push_back(v);
    }
    return Status::Ok();
  };
  auto format = [](const std::vector<double>& v) {
    std::string text;
    for (double p : v) text += (text.empty() ? "" : " ") + FormatPercentile(p);
    return text;
  };
  Directive d = FieldDirective(name, field, Written::kPlain, parse, format);
  d.set_words = SetWords::kSplitOrBlank;
  return d;
}

// notify-keyspace-events: the class characters become Config::notify_keyspace_events; CONFIG GET shows
// Redis's canonical text of the flags.
Directive KeyspaceEvents() {
  auto parse = [](const Words& w, int* flags) {
    if (Status s = OneWord(w); !s.ok()) return s;
    return notify::ParseClasses(w[0], flags) ? Status::Ok() : Status::Error(err::config_reason::kBadEventClass);
  };
  return FieldDirective("notify-keyspace-events", &Config::notify_keyspace_events, Written::kQuoted, parse,
                        notify::ClassesToString);
}

Directive Bind() {
  Directive d;
  d.name = "bind";
  d.set_words = SetWords::kSplit;
  d.apply = [](Config& c, const Words& w) {
    if (w.empty() || w.size() > 16) return Status::Error(err::config_reason::kTooManyBind);
    c.bind = w;
    return Status::Ok();
  };
  d.get = [](const Config& c) { return Join(c.bind); };
  d.rewrite = OneLine("bind", d.get, Written::kPlain);
  return std::move(d).Immutable();
}

// Redis 7.0: `save ""` clears; otherwise pairs of seconds (>= 1) and changes (>= 0). The first save line of
// a load replaces the default, later lines add points (save_seen_), CONFIG SET replaces. CONFIG REWRITE
// always writes them, one line per point (or save ""), as redis-server does.
Directive Save() {
  Directive d;
  d.name = "save";
  d.set_words = SetWords::kSplitOrBlank;
  d.set_replaces_file_lines = true;
  d.apply = [](Config& c, const Words& w) {
    // A quoted "3600 1 300 100" (the command line's --save "1 1" arrives so) holds several words.
    Words points;
    for (const std::string& word : w) {
      Words parts;
      SplitInlineArgs(word, &parts);
      points.insert(points.end(), parts.begin(), parts.end());
    }
    if (points.size() % 2 != 0) return Status::Error(err::config_reason::kBadSave);
    for (size_t j = 0; j < points.size(); j++) {
      int64_t v;
      if (!ParseInt64(points[j], &v) || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0)) {
        return Status::Error(err::config_reason::kBadSave);
      }
    }
    if (points.empty() || !c.save_seen_) c.save.clear();
    c.save_seen_ = true;
    for (auto& p : points) c.save += (c.save.empty() ? "" : " ") + std::to_string(std::stoll(p));
    return Status::Ok();
  };
  d.get = [](const Config& c) { return c.save; };
  d.rewrite = [](const Config& c) {
    RewritePlan plan;
    Words points;
    SplitInlineArgs(c.save, &points);
    for (size_t j = 0; j + 1 < points.size(); j += 2) plan.lines.push_back({"save " + points[j] + " " + points[j + 1], true});
    if (plan.lines.empty()) plan.lines.push_back({"save \"\"", true});
    return plan;
  };
  return d;
}

// "replicaof host port" or "replicaof no one" (a master). CONFIG REWRITE drops the lines of a master or a
// cluster node, as redis-server does.
Directive ReplicaOf() {
  Directive d;
  d.name = "replicaof";
  d.apply = [](Config& c, const Words& w) {
    if (w.size() != 2) return Status::Error(err::config_reason::kWrongArgCount);
    if (EqualsIgnoreCase(w[0], "no") && EqualsIgnoreCase(w[1], "one")) {
      c.replicaof.clear();
      return Status::Ok();
    }
    int64_t port;
    if (!ParseInt64(w[1], &port) || port < 1 || port > 65535) return Status::Error(err::config_reason::kBadMasterPort);
    c.replicaof = w[0] + " " + w[1];
    return Status::Ok();
  };
  d.get = [](const Config& c) { return c.replicaof; };
  d.rewrite = [](const Config& c) {
    if (c.replicaof.empty() || c.cluster_enabled) return RewritePlan{RewritePlan::kRemove, {}};
    return RewritePlan{RewritePlan::kWrite, {{"replicaof " + c.replicaof, true}}};
  };
  return std::move(d).Immutable();
}

// Groups of <class> <hard> <soft> <soft-seconds>; all validated before any is applied. CONFIG GET joins the
// three classes ("slave" as Redis 7.0 prints it); CONFIG REWRITE writes one line per class ("replica").
Status ApplyBufferLimits(Config& c, const Words& w) {
  if (w.empty() || w.size() % 4 != 0) return Status::Error(err::config_reason::kBufferLimitArgs);
  auto limits = c.client_output_buffer_limit;
  for (size_t j = 0; j < w.size(); j += 4) {
    std::string cls = ToLower(w[j]);
    int k;
    if (cls == "normal") k = kClientClassNormal;
    else if (cls == "replica" || cls == "slave") k = kClientClassReplica;
    else if (cls == "pubsub") k = kClientClassPubsub;
    else return Status::Error(err::config_reason::kBufferLimitClass);
    ClientOutputBufferLimit l;
    if (!ParseMemory(w[j + 1], &l.hard_bytes) || !ParseMemory(w[j + 2], &l.soft_bytes) ||
        !ParseInt64(w[j + 3], &l.soft_seconds) || l.soft_seconds < 0) {
      return Status::Error(err::config_reason::kBufferLimitValue);
    }
    limits[k] = l;
  }
  c.client_output_buffer_limit = limits;
  return Status::Ok();
}

std::string BufferLimitText(const Config& c, int k, const char* class_name) {
  const ClientOutputBufferLimit& l = c.client_output_buffer_limit[k];
  return std::string(class_name) + " " + std::to_string(l.hard_bytes) + " " + std::to_string(l.soft_bytes) + " " +
         std::to_string(l.soft_seconds);
}

Directive ClientOutputBufferLimits() {
  static const char* const kGetNames[] = {"normal", "slave", "pubsub"};
  static const char* const kRewriteNames[] = {"normal", "replica", "pubsub"};
  Directive d;
  d.name = "client-output-buffer-limit";
  d.set_words = SetWords::kSplitOrKeep;
  d.apply = ApplyBufferLimits;
  d.get = [](const Config& c) {
    std::string out;
    for (int k = 0; k < 3; k++) out += (k ? " " : "") + BufferLimitText(c, k, kGetNames[k]);
    return out;
  };
  d.rewrite = [](const Config& c) {
    static const Config defaults;
    // The changed classes first, so they take the file's lines of the directive; a class at its default is
    // written only in place of a line left over (a second rewrite then leaves the file as it is).
    RewritePlan plan;
    std::vector<RewritePlan::Line> at_default;
    for (int k = 0; k < 3; k++) {
      const ClientOutputBufferLimit& l = c.client_output_buffer_limit[k];
      const ClientOutputBufferLimit& def = defaults.client_output_buffer_limit[k];
      bool is_default = l.hard_bytes == def.hard_bytes && l.soft_bytes == def.soft_bytes &&
                        l.soft_seconds == def.soft_seconds;
      std::string line = "client-output-buffer-limit " + std::string(kRewriteNames[k]) + " " +
                         FormatMemory(l.hard_bytes) + " " + FormatMemory(l.soft_bytes) + " " +
                         std::to_string(l.soft_seconds);
      (is_default ? at_default : plan.lines).push_back({line, !is_default});
    }
    plan.lines.insert(plan.lines.end(), at_default.begin(), at_default.end());
    return plan;
  };
  return d;
}

Status ReadSecretFile(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Error("can't read the secret file '" + path + "': " + strerror(errno));
  std::string line;
  std::getline(f, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return Status::Error("the secret file '" + path + "' is empty");
  *out = std::move(line);
  return Status::Ok();
}

// "<name>-file PATH": reads the secret (the file's first line without its line end, so `echo pw > file`
// works) when the line is applied (at startup); not settable at run time, since CONFIG SET of the secret
// itself is the run-time way.
Directive SecretFile(const char* name, std::string Config::*path, std::string Config::*secret) {
  Directive d = String(name, path);
  d.apply = [path, secret](Config& c, const Words& w) {
    if (Status s = OneWord(w); !s.ok()) return s;
    if (Status s = ReadSecretFile(w[0], &(c.*secret)); !s.ok()) return s;
    c.*path = w[0];
    return Status::Ok();
  };
  return std::move(d).Immutable();
}

// cluster-bus-secret-file PATH: reads the cluster secret (first line). Settable at run time, which is how
// the secret is reloaded: the new secret is taken only if the file reads well (links up keep the keys they
// derived; new links use the new secret). An empty path clears it, unless cluster-bus-auth still needs it.
Directive BusSecretFile() {
  Directive d = String("cluster-bus-secret-file", &Config::cluster_bus_secret_file);
  d.apply = [](Config& c, const Words& w) {
    if (Status s = OneWord(w); !s.ok()) return s;
    if (w[0].empty()) {
      if (c.cluster_bus_auth != "no") return Status::Error("cluster-bus-auth is " + c.cluster_bus_auth + ": it needs the secret");
      c.cluster_bus_secret.clear();
      c.cluster_bus_secret_file.clear();
      return Status::Ok();
    }
    std::string secret;
    if (Status s = ReadSecretFile(w[0], &secret); !s.ok()) return s;
    c.cluster_bus_secret = std::move(secret);
    c.cluster_bus_secret_file = w[0];
    return Status::Ok();
  };
  return d;
}

// requirepass / masterauth. CONFIG REWRITE writes the secret only when it did not come from a secret file:
// the file exists so that the secret is not in the config file, and a rewrite must not put it there. Its
// lines are then left as they are (a run-time CONFIG SET of such a secret is not persisted).
Directive Password(const char* name, std::string Config::*secret, std::string Config::*from_file) {
  Directive d = String(name, secret);
  std::string n = name;
  d.rewrite = [n, secret, from_file](const Config& c) {
    if (!(c.*from_file).empty()) return RewritePlan{RewritePlan::kLeave, {}};
    if ((c.*secret).empty()) return RewritePlan{RewritePlan::kRemove, {}};
    return RewritePlan{RewritePlan::kWrite, {{n + " " + QuoteRepr(c.*secret), true}}};
  };
  return d;
}

// dir: the loader chdir()s to it when it reads the line (LoadConfig); CONFIG REWRITE writes the absolute
// working directory, as redis-server does.
Directive Dir() {
  Directive d = String("dir", &Config::dir);
  d.on_load = [](const Config& c) {
    return chdir(c.dir.c_str()) == 0 ? Status::Ok() : Status::Error(strerror(errno));
  };
  d.rewrite = [](const Config&) {
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd)) == nullptr) return RewritePlan{RewritePlan::kLeave, {}};
    return RewritePlan{RewritePlan::kWrite, {{"dir " + QuoteRepr(cwd), true}}};
  };
  return d;
}

Directive Refused(const char* name, std::string_view reason) {
  Directive d;
  d.name = name;
  d.refused = true;
  d.apply = [reason](Config&, const Words&) { return Status::Error(reason); };
  d.get = [](const Config&) { return std::string(); };
  d.rewrite = [](const Config&) { return RewritePlan{RewritePlan::kLeave, {}}; };
  return std::move(d).Immutable();
}

constexpr int64_t kIntMax = INT32_MAX;

// ---- The table, in CONFIG GET's order ----

void AddNetworkAndGeneral(std::vector<Directive>& t) {
  t.push_back(Int("port", &Config::port, 0, 65535).Immutable());
  t.push_back(Bind());
  t.push_back(Int("tcp-backlog", &Config::tcp_backlog, 0, INT32_MAX).Immutable());
  t.push_back(Int("timeout", &Config::timeout, 0, INT32_MAX));
  t.push_back(Int("tcp-keepalive", &Config::tcp_keepalive, 0, INT32_MAX));
  t.push_back(Bool("protected-mode", &Config::protected_mode));
  t.push_back(Int("maxclients", &Config::maxclients, 1, INT32_MAX));
  t.push_back(Memory("proto-max-bulk-len", &Config::proto_max_bulk_len, 1024 * 1024, INT64_MAX));
  t.push_back(Memory("client-query-buffer-limit", &Config::client_query_buffer_limit, 1024 * 1024, INT64_MAX));
  t.push_back(Dir());
  t.push_back(String("logfile", &Config::logfile).Immutable());
  t.push_back(Enum("loglevel", &Config::loglevel, {"debug", "verbose", "notice", "warning"}));
  t.push_back(Bool("daemonize", &Config::daemonize).Immutable());
  t.push_back(String("pidfile", &Config::pidfile).Immutable());
  // Numbered databases: SELECT 0..databases-1 on standalone nodes (cluster mode serves db 0 only).
  t.push_back(Int("databases", &Config::databases, 1, INT32_MAX).Immutable());
  t.push_back(Int("hz", &Config::hz, 1, 500));
  // No readiness notification to upstart or systemd: "no" is what this node does.
  t.push_back(Enum("supervised", &Config::supervised, {"no", "upstart", "systemd", "auto"})
                  .Immutable()
                  .NoEffect("no")
                  .Note("no readiness notification is sent; run it as Type=simple"));
  t.push_back(Password("requirepass", &Config::requirepass, &Config::requirepass_file));
  t.push_back(Password("masterauth", &Config::masterauth, &Config::masterauth_file));
  t.push_back(String("masteruser", &Config::masteruser));
  t.push_back(SecretFile("requirepass-file", &Config::requirepass_file, &Config::requirepass));
  t.push_back(SecretFile("masterauth-file", &Config::masterauth_file, &Config::masterauth));
  t.push_back(Memory("maxmemory", &Config::maxmemory, 0, INT64_MAX));
  t.push_back(Enum("maxmemory-policy", &Config::maxmemory_policy,
                   {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl", "allkeys-lru", "allkeys-lfu",
                    "allkeys-random", "noeviction"}));
  t.push_back(Int("maxmemory-samples", &Config::maxmemory_samples, 1, 64));
  t.push_back(Int("maxmemory-eviction-tenacity", &Config::maxmemory_eviction_tenacity, 0, 100));
  t.push_back(Int("lfu-log-factor", &Config::lfu_log_factor, 0, kIntMax));
  t.push_back(Int("lfu-decay-time", &Config::lfu_decay_time, 0, kIntMax));
  t.push_back(Bool("lazyfree-lazy-eviction", &Config::lazyfree_lazy_eviction));
}

void AddPersistenceAndReplication(std::vector<Directive>& t) {
  t.push_back(Bool("appendonly", &Config::appendonly));
  t.push_back(Bool("aof-rewrite-incremental-fsync", &Config::aof_rewrite_incremental_fsync));
  t.push_back(Enum("appendfsync", &Config::appendfsync, {"always", "everysec", "no"}));
  t.push_back(String("appendfilename", &Config::appendfilename).Immutable());
  t.push_back(String("appenddirname", &Config::appenddirname).Immutable());
  // Read by each AOF rewrite when it starts (persistence/aof.h).
  t.push_back(Bool("aof-use-rdb-preamble", &Config::aof_use_rdb_preamble));
  t.push_back(Int("auto-aof-rewrite-percentage", &Config::auto_aof_rewrite_percentage, 0, INT32_MAX));
  t.push_back(Memory("auto-aof-rewrite-min-size", &Config::auto_aof_rewrite_min_size, 0, INT64_MAX));
  t.push_back(Bool("aof-load-truncated", &Config::aof_load_truncated));
  t.push_back(Save());
  t.push_back(String("dbfilename", &Config::dbfilename).Immutable());
  t.push_back(Bool("replica-read-only", &Config::replica_read_only));
  t.push_back(Bool("replica-serve-stale-data", &Config::replica_serve_stale_data));
  t.push_back(Memory("repl-backlog-size", &Config::repl_backlog_size, 1, INT64_MAX));
  t.push_back(Int("repl-timeout", &Config::repl_timeout, 1, INT32_MAX));
  t.push_back(Int("repl-ping-replica-period", &Config::repl_ping_replica_period, 1, INT32_MAX));
  t.push_back(Int("min-replicas-to-write", &Config::min_replicas_to_write, 0, INT32_MAX));
  t.push_back(Int("min-replicas-max-lag", &Config::min_replicas_max_lag, 0, INT32_MAX));
  t.push_back(ReplicaOf());
}

void AddCluster(std::vector<Directive>& t) {
  t.push_back(Bool("cluster-enabled", &Config::cluster_enabled).Immutable());
  t.push_back(String("cluster-config-file", &Config::cluster_config_file).Immutable());
  t.push_back(Int("cluster-node-timeout", &Config::cluster_node_timeout, 0, INT64_MAX));
  t.push_back(Int("cluster-port", &Config::cluster_port, 0, 65535).Immutable());
  t.push_back(String("cluster-announce-ip", &Config::cluster_announce_ip));
  t.push_back(Int("cluster-announce-port", &Config::cluster_announce_port, 0, 65535));
  t.push_back(Int("cluster-announce-bus-port", &Config::cluster_announce_bus_port, 0, 65535));
  // There is no TLS listener: 0 is what this node announces.
  t.push_back(Int("cluster-announce-tls-port", &Config::cluster_announce_tls_port, 0, 65535)
                  .NoEffect("0")
                  .Note("there is no TLS port"));
  t.push_back(String("cluster-announce-hostname", &Config::cluster_announce_hostname));
  // "unknown-endpoint" (redirect to "?:port") is not implemented: such a node redirects with its IP.
  t.push_back(Enum("cluster-preferred-endpoint-type", &Config::cluster_preferred_endpoint_type,
                   {"ip", "hostname", "unknown-endpoint"})
                  .NoEffectWhen([](const Config& c, const Words&) {
                    return c.cluster_preferred_endpoint_type == "unknown-endpoint";
                  }, "unknown-endpoint is not implemented: redirections name the IP"));
  t.push_back(Bool("cluster-require-full-coverage", &Config::cluster_require_full_coverage));
  t.push_back(Bool("cluster-allow-reads-when-down", &Config::cluster_allow_reads_when_down));
  t.push_back(Bool("cluster-allow-replica-migration", &Config::cluster_allow_replica_migration));
  t.push_back(Int("cluster-migration-barrier", &Config::cluster_migration_barrier, 0, INT32_MAX));
  t.push_back(Int("cluster-replica-validity-factor", &Config::cluster_replica_validity_factor, 0, INT32_MAX));
  t.push_back(Bool("cluster-replica-no-failover", &Config::cluster_replica_no_failover));
  t.push_back(Bool("cluster-allow-pubsubshard-when-down", &Config::cluster_allow_pubsubshard_when_down));
  t.push_back(Bool("cluster-slot-stats-enabled", &Config::cluster_slot_stats_enabled));
  t.push_back(BusSecretFile());
  // optional/required need the secret: in a config file, the cluster-bus-secret-file line comes first (CONFIG
  // REWRITE writes them in this order); CONFIG SET takes both in one call in that order.
  Directive bus_auth = Enum("cluster-bus-auth", &Config::cluster_bus_auth, {"no", "optional", "required"});
  bus_auth.apply = [plain = bus_auth.apply](Config& c, const Words& w) {
    if (!w.empty() && ToLower(w[0]) != "no" && c.cluster_bus_secret.empty()) {
      return Status::Error("cluster-bus-auth " + ToLower(w[0]) + " needs cluster-bus-secret-file (set it first)");
    }
    return plain(c, w);
  };
  t.push_back(std::move(bus_auth));
}

void AddScriptsSlowlogEncodings(std::vector<Directive>& t) {
  t.push_back(Int("busy-reply-threshold", &Config::busy_reply_threshold, 0, INT64_MAX));
  t.push_back(Int("slowlog-log-slower-than", &Config::slowlog_log_slower_than, INT64_MIN, INT64_MAX));
  t.push_back(Int("slowlog-max-len", &Config::slowlog_max_len, 0, INT64_MAX));
  t.push_back(Int("list-max-listpack-size", &Config::list_max_listpack_size, INT32_MIN, INT32_MAX).NoEffect());
  t.push_back(Int("hash-max-listpack-entries", &Config::hash_max_listpack_entries, 0, INT64_MAX));
  t.push_back(Memory("hash-max-listpack-value", &Config::hash_max_listpack_value, 0, INT64_MAX));
  t.push_back(Int("set-max-intset-entries", &Config::set_max_intset_entries, 0, INT64_MAX));
  t.push_back(Int("zset-max-listpack-entries", &Config::zset_max_listpack_entries, 0, INT64_MAX));
  t.push_back(Memory("zset-max-listpack-value", &Config::zset_max_listpack_value, 0, INT64_MAX));
  t.push_back(Int("active-expire-effort", &Config::active_expire_effort, 1, 10));
  // Deletes free synchronously here: "no" is what this node does.
  t.push_back(Bool("lazyfree-lazy-user-del", &Config::lazyfree_lazy_user_del).NoEffect("no"));
  // One event loop thread: 1 is what this node does.
  t.push_back(Int("io-threads", &Config::io_threads, 1, 128).Immutable().NoEffect("1"));
  // The pubsub class is enforced (pubsub/pubsub.cc); a line giving the normal or replica class a limit is
  // logged (those clients are not limited here).
  t.push_back(ClientOutputBufferLimits().NoEffectWhen([](const Config& c, const Words& w) {
    for (size_t i = 0; i + 3 < w.size(); i += 4) {
      std::string cls = ToLower(w[i]);
      int k = cls == "normal" ? kClientClassNormal
              : (cls == "replica" || cls == "slave") ? kClientClassReplica : -1;
      if (k < 0) continue;
      const ClientOutputBufferLimit& l = c.client_output_buffer_limit[k];
      if (l.hard_bytes != 0 || l.soft_bytes != 0) return true;
    }
    return false;
  }, "only the pubsub class is enforced; normal and replica clients have no output limit"));
}

// ---- Accepted for compatibility with stock redis.conf files (Redis 7.0's directives); they do not change
// behaviour here. Validation, defaults and run-time mutability as Redis 7.0.
void AddProcessAndMemoryCompat(std::vector<Directive>& t) {
  // Lazy freeing: frees are synchronous here, so "no" is this node's behaviour.
  for (const char* n : {"lazyfree-lazy-expire", "lazyfree-lazy-server-del",
                        "lazyfree-lazy-user-flush", "replica-lazy-flush"}) {
    t.push_back(Bool(n, Kept{"no"}).Native("no"));
  }
  // Process and logging.
  t.push_back(Bool("always-show-logo", Kept{"no"}).Immutable().Native("no"));
  t.push_back(Bool("set-proc-title", Kept{"yes"}).Immutable().Native("yes"));
  // The title shown is this template's expansion (ProcessTitle); other templates are not implemented.
  t.push_back(String("proc-title-template", Kept{"{title} {listen-addr} {server-mode}"})
                  .Native("{title} {listen-addr} {server-mode}"));
  t.push_back(Bool("syslog-enabled", Kept{"no"}).Immutable().Native("no"));
  t.push_back(String("syslog-ident", Kept{"redis"}).Immutable());
  t.push_back(Enum("syslog-facility", Kept{"local0"},
                   {"user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"})
                  .Immutable());
  t.push_back(Bool("crash-log-enabled", Kept{"yes"}));
  t.push_back(Bool("crash-memcheck-enabled", Kept{"yes"}));
  t.push_back(String("ignore-warnings", Kept{""}));
  t.push_back(Enum("enable-protected-configs", Kept{"no"}, {"no", "yes", "local"}).Immutable());
  // Read where MODULE LOAD/LOADEX/UNLOAD are admitted (call.cc), although no module can be loaded.
  t.push_back(Enum("enable-module-command", Kept{"no"}, {"no", "yes", "local"})
                  .Immutable()
                  .NoEffectWhen([](const Config&, const Words&) { return false; }, nullptr));
  t.push_back(Enum("enable-debug-command", &Config::enable_debug_command, {"no", "yes", "local"}).Immutable());
  t.push_back(ShutdownFlags("shutdown-on-sigint"));
  t.push_back(ShutdownFlags("shutdown-on-sigterm"));
  t.push_back(Int("shutdown-timeout", Kept{"10"}, 0, kIntMax));
  t.push_back(Enum("propagation-error-behavior", Kept{"ignore"}, {"ignore", "panic", "panic-on-replicas"}));
  // Memory management of Redis's allocator and the kernel.
  t.push_back(Bool("activerehashing", Kept{"yes"}));
  t.push_back(Bool("activedefrag", Kept{"no"}).Native("no"));
  t.push_back(Memory("active-defrag-ignore-bytes", Kept{"104857600"}, 1));
  t.push_back(Int("active-defrag-threshold-lower", Kept{"10"}, 0, 1000));
  t.push_back(Int("active-defrag-threshold-upper", Kept{"100"}, 0, 1000));
  t.push_back(Int("active-defrag-cycle-min", Kept{"1"}, 1, 99));
  t.push_back(Int("active-defrag-cycle-max", Kept{"25"}, 1, 99));
  t.push_back(Int("active-defrag-max-scan-fields", Kept{"1000"}, 1, INT64_MAX));
  t.push_back(Bool("jemalloc-bg-thread", Kept{"yes"}));
  t.push_back(Bool("disable-thp", Kept{"yes"}).Immutable());
  t.push_back(Bool("heap-huge-pages", &Config::heap_huge_pages).Immutable());
  t.push_back(Enum("oom-score-adj", Kept{"no"}, {"no", "yes", "relative", "absolute"}).Native("no"));
  t.push_back(OomScoreAdjValues());
  t.push_back(MemoryOrPercent("maxmemory-clients"));
  t.push_back(Bool("replica-ignore-maxmemory", Kept{"yes"}));
  t.push_back(Int("tracking-table-max-keys", &Config::tracking_table_max_keys, 0, INT64_MAX));
}

void AddDataAndReplicationCompat(std::vector<Directive>& t) {
  // Encodings of types or layouts this node does not have.
  t.push_back(Int("list-compress-depth", Kept{"0"}, 0, kIntMax));
  // Kept as text and read by the HLL commands (hll_family.cc), where a sparse value grows.
  t.push_back(Memory("hll-sparse-max-bytes", Kept{"3000"}).NoEffectWhen([](const Config&, const Words&) { return false; },
                                                                        nullptr));
  t.push_back(Memory("stream-node-max-bytes", Kept{"4096"}));
  t.push_back(Int("stream-node-max-entries", Kept{"100"}, 0, INT64_MAX));
  // RDB files (dump.rdb: persistence/rdb_save.h).
  t.push_back(Bool("stop-writes-on-bgsave-error", &Config::stop_writes_on_bgsave_error));
  t.push_back(Bool("rdbcompression", &Config::rdbcompression));  // LZF in dump.rdb and DUMP payloads (rdb_writer.h)
  t.push_back(Bool("rdbchecksum", Kept{"yes"}).Immutable());
  t.push_back(Bool("rdb-del-sync-files", Kept{"no"}));
  t.push_back(Bool("rdb-save-incremental-fsync", &Config::rdb_save_incremental_fsync));
  t.push_back(Enum("sanitize-dump-payload", Kept{"no"}, {"no", "yes", "clients"}));
  // AOF details our AOF does not have.
  t.push_back(Bool("no-appendfsync-on-rewrite", Kept{"no"}));
  t.push_back(Bool("aof-timestamp-enabled", Kept{"no"}).Native("no"));
  t.push_back(Bool("aof-disable-auto-gc", Kept{"no"}));
  // Replication transfer details (this node's full sync has its own format).
  t.push_back(Bool("repl-diskless-sync", Kept{"yes"}));
  t.push_back(Int("repl-diskless-sync-delay", Kept{"5"}, 0, kIntMax));
  t.push_back(Int("repl-diskless-sync-max-replicas", Kept{"0"}, 0, kIntMax));
  t.push_back(Enum("repl-diskless-load", Kept{"disabled"}, {"disabled", "on-empty-db", "swapdb"}));
  t.push_back(Bool("repl-disable-tcp-nodelay", Kept{"no"}));
  t.push_back(Int("repl-backlog-ttl", Kept{"3600"}, 0, INT64_MAX));
  t.push_back(Int("replica-priority", Kept{"100"}, 0, kIntMax));
  t.push_back(String("replica-announce-ip", Kept{""}));
  t.push_back(Int("replica-announce-port", Kept{"0"}, 0, 65535));
  t.push_back(Bool("replica-announced", Kept{"yes"}));
  t.push_back(Bool("replica-ignore-disk-write-errors", Kept{"no"}));
  t.push_back(String("bind-source-addr", Kept{""}));
  t.push_back(Memory("cluster-link-sendbuf-limit", Kept{"0"}));
  // Threads and CPU pinning.
  t.push_back(Bool("io-threads-do-reads", Kept{"no"}).Immutable().Native("no"));
  for (const char* n : {"server_cpulist", "bio_cpulist", "aof_rewrite_cpulist", "bgsave_cpulist"}) {
    t.push_back(String(n, Kept{""}).Immutable());
  }
  t.push_back(Int("socket-mark-id", Kept{"0"}, 0, UINT32_MAX).Immutable());
}

// Directives Redis 7.2 to 8.x added (names and defaults from redis-server 7.2/7.4/8.0's config tables and
// redis.conf, and the 8.x documentation): accepted in files and by CONFIG SET/GET, so a newer redis.conf
// starts the node; none changes anything here, so each line setting one is logged once at startup.
void AddNewerRedisCompat(std::vector<Directive>& t) {
  t.push_back(String("locale-collate", Kept{""}));  // SORT/ZRANGE compare bytes, as in the C locale
  // Small sets stay intset or hashtable, as in 7.0 (no listpack sets yet).
  t.push_back(Int("set-max-listpack-entries", Kept{"128"}, 0, INT64_MAX));
  t.push_back(Memory("set-max-listpack-value", Kept{"64"}));
  t.push_back(String("cluster-announce-human-nodename", Kept{""}));
  t.push_back(Bool("hide-user-data-from-log", Kept{"no"}));
  t.push_back(Int("max-new-connections-per-cycle", Kept{"10"}, 1, 1000));
  t.push_back(Int("max-new-tls-connections-per-cycle", Kept{"1"}, 1, 1000));
  // 8.0's replication over a second (RDB) channel.
  t.push_back(Bool("repl-rdb-channel", Kept{"no"}));
  t.push_back(Memory("replica-full-sync-buffer-limit", Kept{"0"}));
}

void AddMonitoringAclTlsCompat(std::vector<Directive>& t) {
  t.push_back(Int("latency-monitor-threshold", &Config::latency_monitor_threshold, 0, INT64_MAX));
  t.push_back(Bool("latency-tracking", &Config::latency_tracking));
  t.push_back(Percentiles("latency-tracking-info-percentiles", &Config::latency_tracking_info_percentiles));
  t.push_back(KeyspaceEvents());  // pubsub/keyspace_events.cc publishes what the flags select
  t.push_back(Bool("dynamic-hz", Kept{"yes"}));
  // ACL (server/acl.h): `user` lines are collected by ApplyLine (they add up, like rename-command).
  t.push_back(Int("acllog-max-len", &Config::acllog_max_len, 0, INT64_MAX));
  t.push_back(Enum("acl-pubsub-default", &Config::acl_pubsub_default, {"allchannels", "resetchannels"}));
  t.push_back(String("aclfile", &Config::aclfile).Immutable());
  t.push_back(Refused("loadmodule", err::config_reason::kNoModules));
  // Unix socket and TLS: the node listens on TCP only.
  t.push_back(String("unixsocket", Kept{""}).Immutable());
  t.push_back(Octal("unixsocketperm").Immutable());
  t.push_back(Int("tls-port", Kept{"0"}, 0, 65535).OnlyValue("0", err::config_reason::kNoTls));
  for (const char* n : {"tls-cert-file", "tls-key-file", "tls-key-file-pass", "tls-client-cert-file",
                        "tls-client-key-file", "tls-client-key-file-pass", "tls-dh-params-file", "tls-ca-cert-file",
                        "tls-ca-cert-dir"}) {
    t.push_back(String(n, Kept{""}));
  }
  t.push_back(Enum("tls-auth-clients", Kept{"yes"}, {"no", "yes", "optional"}));
  t.push_back(Bool("tls-replication", Kept{"no"}).Native("no"));
  t.push_back(Bool("tls-cluster", Kept{"no"}).Native("no"));
  for (const char* n : {"tls-protocols", "tls-ciphers", "tls-ciphersuites"}) t.push_back(String(n, Kept{""}));
  t.push_back(Bool("tls-prefer-server-ciphers", Kept{"no"}));
  t.push_back(Bool("tls-session-caching", Kept{"yes"}));
  t.push_back(Int("tls-session-cache-size", Kept{"20480"}, 0, kIntMax));
  t.push_back(Int("tls-session-cache-timeout", Kept{"300"}, 0, kIntMax));
}

}  // namespace

Directive Directive::OnlyValue(const char* only, std::string_view reason) && {
  // Values other than `only` are refused, and the value before stays.
  apply = [inner = apply, get = get, only, reason](Config& c, const Words& w) {
    Config before = c;
    if (Status st = inner(c, w); !st.ok()) return st;
    if (get(c) != only) {
      c = std::move(before);
      return Status::Error(reason);
    }
    return Status::Ok();
  };
  return std::move(*this);
}

const std::vector<Directive>& DirectiveTable() {
  static const std::vector<Directive> table = [] {
    std::vector<Directive> t;
    AddNetworkAndGeneral(t);
    AddPersistenceAndReplication(t);
    AddCluster(t);
    AddScriptsSlowlogEncodings(t);
    AddProcessAndMemoryCompat(t);
    AddDataAndReplicationCompat(t);
    AddMonitoringAclTlsCompat(t);
    AddNewerRedisCompat(t);
    return t;
  }();
  return table;
}

// Redis's old names (and 7.0's ziplist names) still work; CONFIG GET answers them too, as Redis does.
const std::vector<std::pair<const char*, const char*>>& DirectiveAliases() {
  static const std::vector<std::pair<const char*, const char*>> aliases = {
      {"slaveof", "replicaof"},
      {"slave-read-only", "replica-read-only"},
      {"slave-serve-stale-data", "replica-serve-stale-data"},
      {"slave-priority", "replica-priority"},
      {"slave-lazy-flush", "replica-lazy-flush"},
      {"slave-ignore-maxmemory", "replica-ignore-maxmemory"},
      {"slave-announce-ip", "replica-announce-ip"},
      {"slave-announce-port", "replica-announce-port"},
      {"min-slaves-to-write", "min-replicas-to-write"},
      {"min-slaves-max-lag", "min-replicas-max-lag"},
      {"repl-ping-slave-period", "repl-ping-replica-period"},
      {"cluster-slave-validity-factor", "cluster-replica-validity-factor"},
      {"cluster-slave-no-failover", "cluster-replica-no-failover"},
      {"hash-max-ziplist-entries", "hash-max-listpack-entries"},
      {"hash-max-ziplist-value", "hash-max-listpack-value"},
      {"zset-max-ziplist-entries", "zset-max-listpack-entries"},
      {"zset-max-ziplist-value", "zset-max-listpack-value"},
      {"list-max-ziplist-size", "list-max-listpack-size"},
      {"lua-time-limit", "busy-reply-threshold"},
      // Redis 7.2 spells the CPU lists with hyphens; the 7.0 names stay the ones CONFIG GET * lists.
      {"server-cpulist", "server_cpulist"},
      {"bio-cpulist", "bio_cpulist"},
      {"aof-rewrite-cpulist", "aof_rewrite_cpulist"},
      {"bgsave-cpulist", "bgsave_cpulist"},
  };
  return aliases;
}

const Directive* FindDirective(std::string_view name) {
  std::string n = ToLower(name);
  for (auto& [alias, canonical] : DirectiveAliases()) {
    if (n == alias) {
      n = canonical;
      break;
    }
  }
  for (auto& d : DirectiveTable()) {
    if (n == d.name) return &d;
  }
  return nullptr;
}

}  // namespace config_internal

namespace {
using config_internal::Directive;
using config_internal::FindDirective;
using config_internal::SetWords;
using config_internal::Words;

// One configuration line (its words). `source`/`lineno` name it for the no-effect log and rename-command.
Status ApplyLine(Config* config, const Words& words, std::string_view source, int lineno) {
  Words args(words.begin() + 1, words.end());
  if (EqualsIgnoreCase(words[0], "rename-command")) {
    // Applied to the command table once it exists (ApplyRenames): an unknown command is reported there.
    if (args.size() != 2) return Status::Error(err::config_reason::kBadDirective);
    config->rename_commands.push_back({ToLower(args[0]), ToLower(args[1]), std::string(source), lineno});
    return Status::Ok();
  }
  if (EqualsIgnoreCase(words[0], "user")) {
    // ACL users: checked and created once the command table exists (Server::LoadConfiguredUsers).
    if (args.empty()) return Status::Error(err::config_reason::kBadDirective);
    config->acl_user_lines.push_back({args, std::string(source), lineno});
    return Status::Ok();
  }
  const Directive* d = FindDirective(words[0]);
  if (d == nullptr) return Status::Error(err::config_reason::kBadDirective);
  if (Status st = d->apply(*config, args); !st.ok()) return st;
  if (d->on_load) {
    if (Status st = d->on_load(*config); !st.ok()) return st;
  }
  bool ignored = d->no_effect_when ? d->no_effect_when(*config, args)
                                   : d->no_effect && (d->native == nullptr || d->get(*config) != d->native);
  if (ignored) {
    config->no_effect_lines.push_back({d->name, std::string(source), lineno});
  }
  return Status::Ok();
}

// The line's words, without comments and blank lines; false with `*error` set on unbalanced quotes.
bool LineWords(const std::string& line, Words* words, std::string* trimmed) {
  words->clear();
  size_t b = line.find_first_not_of(" \t\r");
  if (b == std::string::npos || line[b] == '#') return true;
  *trimmed = line.substr(b);
  while (!trimmed->empty() && (trimmed->back() == '\r' || trimmed->back() == ' ' || trimmed->back() == '\t')) {
    trimmed->pop_back();
  }
  return SplitInlineArgs(*trimmed, words);
}

Status ApplyTextInternal(std::string_view text, std::string_view source, Config* config, int depth) {
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    lineno++;
    Words words;
    std::string trimmed;
    auto where = [&]() {
      return "Reading the configuration file " + std::string(source) + ", at line " + std::to_string(lineno) +
             "\n>>> '" + trimmed + "'\n";
    };
    if (!LineWords(line, &words, &trimmed)) return Status::Error(where() + "Unbalanced quotes in configuration line");
    if (words.empty()) continue;
    if (EqualsIgnoreCase(words[0], "include")) {
      if (words.size() != 2) return Status::Error(where() + "wrong number of arguments");
      if (depth > 8) return Status::Error(where() + "includes nested too deeply");
      std::ifstream f(words[1]);
      if (!f) return Status::Error(where() + "Fatal error, can't open config file '" + words[1] + "': " + strerror(errno));
      std::stringstream ss;
      ss << f.rdbuf();
      Status st = ApplyTextInternal(ss.str(), "'" + words[1] + "'", config, depth + 1);
      if (!st.ok()) return st;
      continue;
    }
    Status st = ApplyLine(config, words, source, lineno);
    if (!st.ok()) return Status::Error(where() + st.message());
  }
  return Status::Ok();
}

// The absolute form of a path given relative to the working directory (before any `dir` moved it).
std::string AbsolutePath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  char cwd[4096];
  if (getcwd(cwd, sizeof(cwd)) == nullptr) return path;
  std::string rel = path;
  while (rel.rfind("./", 0) == 0) rel.erase(0, 2);
  return std::string(cwd) + "/" + rel;
}

// Command line: "--name v1 v2 --other v" -> one line per directive, as redis-server builds them.
StatusOr<std::string> CommandLineText(int first, int argc, const char* const* argv) {
  std::string text;
  for (int i = first; i < argc; i++) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) {
      if (!text.empty()) text += "\n";
      text += a.substr(2);
      continue;
    }
    if (text.empty()) return Status::Error("Invalid argument '" + a + "': expected --directive");
    // Quote each value so that spaces and empty strings survive (e.g. --save "").
    std::string q = "\"";
    for (char ch : a) {
      if (ch == '"' || ch == '\\') q += '\\';
      q += ch;
    }
    text += " " + q + "\"";
  }
  return text;
}

}  // namespace

Status ApplyConfigText(std::string_view text, std::string_view source_name, Config* config) {
  return ApplyTextInternal(text, source_name, config, 0);
}

Status LoadConfig(int argc, const char* const* argv, Config* config) {
  int i = 0;
  if (argc > 0 && strncmp(argv[0], "--", 2) != 0) {
    std::string path = argv[0];
    std::stringstream ss;
    if (path == "-") {
      ss << std::cin.rdbuf();
    } else {
      std::ifstream f(path);
      if (!f) return Status::Error("Fatal error, can't open config file '" + path + "': " + strerror(errno));
      ss << f.rdbuf();
      config->config_file = AbsolutePath(path);  // before a `dir` line moves the working directory
    }
    Status st = ApplyConfigText(ss.str(), "'" + path + "'", config);
    if (!st.ok()) return st;
    i = 1;
  }
  StatusOr<std::string> text = CommandLineText(i, argc, argv);
  if (!text.ok()) return text.status();
  return ApplyConfigText(*text, "(command line)", config);
}

std::string ConfigCanonicalName(std::string_view name) {
  const Directive* d = FindDirective(name);
  return d == nullptr ? ToLower(name) : d->name;
}

Status ConfigSet(Config* config, std::string_view name, std::string_view value) {
  const Directive* d = FindDirective(name);
  if (d == nullptr || d->refused) return Status::Error(err::UnknownConfigOption(name));
  if (!d->mutable_at_runtime) return Status::Error(err::ConfigSetFailed(name, err::config_reason::kImmutable));
  Words args;
  if (d->set_words == SetWords::kOne) {
    args = {std::string(value)};
  } else {
    // Redis's multi-argument directives take their words from the one CONFIG SET value.
    if (!SplitInlineArgs(value, &args)) args = {std::string(value)};
    if (d->set_words == SetWords::kSplitOrBlank && args.empty()) args = {""};
    // CONFIG SET client-output-buffer-limit "" changes nothing, as in Redis.
    if (d->set_words == SetWords::kSplitOrKeep && args.empty()) return Status::Ok();
  }
  // CONFIG SET save replaces the points (the loader's "later lines add" is for files only).
  if (d->set_replaces_file_lines) config->save_seen_ = false;
  Status st = d->apply(*config, args);
  if (!st.ok()) return Status::Error(err::ConfigSetFailed(name, st.message()));
  return Status::Ok();
}

std::vector<std::pair<std::string, std::string>> ConfigGet(const Config& config, std::string_view pattern) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& d : config_internal::DirectiveTable()) {
    if (!d.refused && GlobMatch(pattern, d.name, true)) out.emplace_back(d.name, d.get(config));
  }
  for (auto& [alias, canonical] : config_internal::DirectiveAliases()) {
    if (GlobMatch(pattern, alias, true)) out.emplace_back(alias, FindDirective(canonical)->get(config));
  }
  return out;
}

std::string ProcessTitle(std::string_view exec_name, const Config& config) {
  std::string addr = config.bind.empty() ? "*" : config.bind[0];
  if (!addr.empty() && addr[0] == '-') addr.erase(0, 1);  // "-::1": optional address, same address
  std::string title = std::string(exec_name) + " " + addr + ":" + std::to_string(config.port);
  if (config.cluster_enabled) title += " [cluster]";
  return title;
}

std::vector<std::string> NoEffectLogLines(const Config& config) {
  std::vector<std::string> out;
  std::vector<std::string> done;
  for (const NoEffectDirective& first : config.no_effect_lines) {
    if (std::find(done.begin(), done.end(), first.name) != done.end()) continue;
    done.push_back(first.name);
    // "'a.conf' line 3", "'a.conf' lines 3, 4, 5; (command line) line 1"
    std::string where, source, numbers;
    int count = 0;
    auto flush = [&]() {
      if (count == 0) return;
      if (!where.empty()) where += "; ";
      where += source + (count == 1 ? " line " : " lines ") + numbers;
    };
    for (const NoEffectDirective& e : config.no_effect_lines) {
      if (e.name != first.name) continue;
      if (e.source != source) {
        flush();
        source = e.source;
        count = 0;
        numbers.clear();
      }
      numbers += (count++ ? ", " : "") + std::to_string(e.line);
    }
    flush();
    const Directive* d = FindDirective(first.name);
    std::string note = d != nullptr && d->no_effect_note != nullptr ? std::string(" (") + d->no_effect_note + ")" : "";
    out.push_back("Config directive '" + first.name + "' (" + where + "): accepted, has no effect here" + note);
  }
  return out;
}

bool ConfigIsMutable(std::string_view name) {
  const Directive* d = FindDirective(name);
  return d != nullptr && d->mutable_at_runtime;
}

void ConfigListeners::Add(std::vector<std::string> names, std::function<void()> listener) {
  entries_.push_back({std::move(names), std::move(listener)});
}

void ConfigListeners::Notify(const std::vector<std::string>& changed) const {
  for (const Entry& e : entries_) {
    bool hit = false;
    for (const std::string& n : changed) hit = hit || std::find(e.names.begin(), e.names.end(), n) != e.names.end();
    if (hit) e.listener();
  }
}

}  // namespace rcs
