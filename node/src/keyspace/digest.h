// DEBUG DIGEST and DEBUG DIGEST-VALUE: SHA-1 based digests of the data set and of single values that are
// equal to redis-server 7.0's for equal data (Redis's debug.c defines them; tools such as Redis's own test
// suite compare a master's and its replicas' digests with them).
//
// Two ways to add a piece of data to a running 20-byte digest d, both over SHA-1 (base/sha.h):
//   xor(d, data):  d ^= SHA1(data)                 order does not matter (set members, hash fields, keys)
//   mix(d, data):  d = SHA1(d ^ SHA1(data))        order matters (list elements, the parts of one element)
// A value's digest (DIGEST-VALUE, which starts from 20 zero bytes) is, in this order:
//   mix(the type as a 4-byte big-endian number: string 0, list 1, set 2, zset 3, hash 4)
//   string: mix(the bytes)          list: mix(each element, head to tail)      set: xor(each member)
//   zset:   xor(e) of each element, e = mix(mix(zero, member), printf("%.17g", score))
//   hash:   xor(e) of each field,   e = mix(mix(zero, field), value)
//   then xor("!!expire!!") when the key has an expiry (its time is not part of the digest).
// Elements are hashed as their text, so the digest does not depend on the encoding (an intset member, a
// listpack integer and an integer string are their decimal text, as in Redis). The data set's digest
// (DIGEST) is 20 zero bytes for no keys; else mix(zero, the db number 0 as 4 big-endian bytes) and then,
// for every key, xor(the key's digest), where the key's digest is the value's digest started with
// mix(zero, key) instead of zero. Keys whose expiry passed but that are still stored count, as in Redis.
#pragma once
#include <string>
#include <vector>

#include "base/sha.h"
#include "keyspace/keyspace.h"

namespace rcs {

// Adds the value of `e` (and its expiry mark) to `digest` as Redis's xorObjectDigest does.
void AddValueDigest(const Entry& e, Sha1Digest* digest);
// DEBUG DIGEST-VALUE of one key: 20 zero bytes for a missing key.
Sha1Digest ValueDigest(const Entry* e);
// DEBUG DIGEST: every stored key of database 0.
Sha1Digest DatasetDigest(Keyspace& db);
// ... of numbered databases (dbs[i] is database i, nullptr when never used), each non-empty one's number
// mixed in before its keys, as redis-server's computeDatasetDigest.
Sha1Digest DatasetDigest(const std::vector<Keyspace*>& dbs);
// The 40 lowercase hex digits DEBUG prints.
std::string DigestText(const Sha1Digest& d);

}  // namespace rcs
