// String helpers with Redis's exact parsing and formatting rules (clients see these through replies).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace rcs {

// Strict integer parse as Redis's string2ll: optional '-', digits, no spaces, no '+', no leading zeros
// (except "0"), fits in int64. Returns false otherwise.
bool ParseInt64(std::string_view s, int64_t* out);
// As strtod over the whole string: no spaces, not empty, NaN rejected; "inf"/"+inf"/"-inf" accepted.
bool ParseDouble(std::string_view s, double* out);
bool ParseLongDouble(std::string_view s, long double* out);
// Redis's string2ld (INCRBYFLOAT, HINCRBYFLOAT): the whole string, no leading space, at most 5 KiB, no NaN,
// overflow and underflow to zero rejected ("inf" itself is accepted).
bool ParseLongDoubleStrict(std::string_view s, long double* out);

std::string Int64ToString(int64_t v);
// Redis's addReplyDouble text (RESP2 bulk, RESP3 ','): "%.17g", "inf", "-inf".
std::string FormatDouble(double d);
// Redis's "human friendly" long double text used by INCRBYFLOAT/HINCRBYFLOAT: "%.17Lf" with trailing zeros
// (and a trailing '.') removed.
std::string FormatLongDouble(long double d);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view s);
std::string ToUpper(std::string_view s);

// `s` in double quotes with \\ \" \n \r \t \a \b and \xHH escapes, as Redis's sdscatrepr writes values into
// files (CONFIG REWRITE, the AOF manifest); a config-line splitter reads it back unchanged.
std::string QuoteRepr(std::string_view s);

// Glob-style pattern match as Redis's stringmatchlen: * ? [abc] [^a] [a-z] and \x escapes.
bool GlobMatch(std::string_view pattern, std::string_view str, bool nocase = false);

// One "name:value\r\n" line of INFO text (INFO sections, whoever provides them).
void InfoField(std::string* out, std::string_view name, std::string_view value);
void InfoField(std::string* out, std::string_view name, int64_t value);

// `n` random lowercase hex digits from a freshly seeded generator (run ids, replication ids).

// Constant-time comparison for secrets: time depends only on the lengths' maximum, not on where they differ.
bool SecureEquals(std::string_view a, std::string_view b);

}  // namespace rcs
