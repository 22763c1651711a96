// Keyspace notification classes (notify-keyspace-events), as Redis 7.0 names them. Pure: parsing the
// directive's text into flags and back (CONFIG GET shows the canonical form, e.g. "KEA" -> "AKE"). The one
// parser of these characters: the config (server/) and the publisher (pubsub/) both use it, so it lives in
// the lowest layer they share.
//
//   K keyspace events (__keyspace@0__:<key>, message = event)   E keyevent events (__keyevent@0__:<event>,
//   message = key)   g generic (DEL EXPIRE RENAME ...)   $ string   l list   s set   h hash   z sorted set
//   x expired   e evicted   t stream   d module   m key miss   n new key   A alias for g$lshzxetd
// At least one of K or E must be on for anything to be published (as in Redis).
#pragma once
#include <string>
#include <string_view>

namespace rcs::notify {

enum : int {
  kKeyspace = 1 << 0,   // K
  kKeyevent = 1 << 1,   // E
  kGeneric = 1 << 2,    // g
  kString = 1 << 3,     // $
  kList = 1 << 4,       // l
  kSet = 1 << 5,        // s
  kHash = 1 << 6,       // h
  kZset = 1 << 7,       // z
  kExpired = 1 << 8,    // x
  kEvicted = 1 << 9,    // e
  kStream = 1 << 10,    // t
  kKeyMiss = 1 << 11,   // m (not part of A)
  kModule = 1 << 12,    // d
  kNew = 1 << 13,       // n (not part of A)
  kAll = kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule,
};

// The flags of a notify-keyspace-events value; false on a character outside "Ag$lshzxeKEtmdn".
bool ParseClasses(std::string_view text, int* flags);
// The canonical text of `flags`, as redis-server 7.0.15's keyspaceEventsFlagsToString: "A" when all of A's
// classes are on, else the classes in the order g$lshzxetd then n; then K, E, m. 'n' is not shown after an
// 'A' ("KEAn" -> "AKE") but is otherwise ("Kn" -> "nK", "$lshzxeKEtmdn" -> "$lshzxetdnKEm").
std::string ClassesToString(int flags);

}  // namespace rcs::notify
