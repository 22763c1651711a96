// libFuzzer target: stream ids and the stream value under arbitrary operations.
// - ParseStreamId in every mode on the input (and on each of its lines): never crashes, and what it accepts
//   formats back to an id that parses to the same value.
// - The input as a program of appends / deletes / trims / ranges on a StreamValue, checked against a
//   std::map model (length, order, contents), then the DUMP body round trip and StreamValue::Deserialize
//   of the raw input (must refuse or decode, never crash).
#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "keyspace/stream_value.h"

using rcs::StreamId;
using rcs::StreamValue;

namespace {

void Check(bool ok) {
  if (!ok) abort();
}

void FuzzIds(std::string_view s) {
  for (int mode = 0; mode < 8; mode++) {
    rcs::StreamIdParse p;
    bool strict = mode & 1, seq_auto = mode & 2;
    uint64_t missing = (mode & 4) ? UINT64_MAX : 0;
    if (!rcs::ParseStreamId(s, missing, strict, seq_auto, &p)) continue;
    if (p.seq_auto) continue;
    std::string back = p.id.ToString();
    StreamId again;
    Check(rcs::ParseStreamId(back, 0, &again) && again == p.id);
    StreamId a = p.id;
    if (a.Incr()) {
      Check(p.id < a);
      Check(a.Decr() && a == p.id);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  FuzzIds(in);
  size_t start = 0;
  for (size_t i = 0; i <= in.size(); i++) {
    if (i == in.size() || in[i] == '\n') {
      FuzzIds(in.substr(start, i - start));
      start = i + 1;
    }
  }

  StreamValue s;
  std::map<StreamId, std::vector<std::string>> model;
  StreamId last;
  size_t p = 0;
  auto byte = [&]() -> uint8_t { return p < size ? data[p++] : 0; };
  while (p < size) {
    uint8_t op = byte();
    switch (op % 6) {
      case 0:
      case 1: {  // append
        StreamId id = last;
        uint8_t d = byte();
        if (d & 0x80) {
          id.ms += 1 + (static_cast<uint64_t>(byte()) << (d & 0x3f));
          id.seq = byte();
        } else {
          id.seq += 1 + d;
        }
        if (id <= last && !model.empty()) break;
        if (id.IsZero()) break;
        std::vector<std::string> fv;
        int pairs = 1 + byte() % 3;
        for (int i = 0; i < pairs; i++) {
          fv.push_back(std::string(1, static_cast<char>('a' + byte() % 3)));
          fv.push_back(std::string(byte() % 40, 'x'));
        }
        std::vector<std::string_view> v(fv.begin(), fv.end());
        s.Append(id, v);
        model[id] = fv;
        last = id;
        break;
      }
      case 2: {  // delete the k-th entry, or a missing id
        if (model.empty()) break;
        auto it = model.begin();
        std::advance(it, byte() % model.size());
        Check(s.Delete(it->first));
        model.erase(it);
        break;
      }
      case 3: {  // trims
        uint8_t k = byte();
        if (k & 1) {
          uint64_t maxlen = byte();
          int64_t n = s.TrimMaxLen(maxlen, k & 2, (k & 4) ? byte() : 0);
          for (int64_t i = 0; i < n; i++) model.erase(model.begin());
        } else if (!model.empty()) {
          auto it = model.begin();
          std::advance(it, byte() % model.size());
          int64_t n = s.TrimMinId(it->first, k & 2, (k & 4) ? byte() : 0);
          for (int64_t i = 0; i < n; i++) model.erase(model.begin());
        }
        break;
      }
      case 4: {  // range
        StreamId a{byte(), byte()}, b{static_cast<uint64_t>(byte()) << 4, byte()};
        bool rev = byte() & 1;
        size_t count = byte() % 5;
        std::vector<StreamId> got;
        s.Range(a, b, rev, count, [&](StreamId id, const StreamValue::FieldValues& fv) {
          got.push_back(id);
          auto m = model.find(id);
          Check(m != model.end() && std::vector<std::string>(fv.begin(), fv.end()) == m->second);
          return true;
        });
        std::vector<StreamId> want;
        for (auto it = model.lower_bound(a); it != model.end() && it->first <= b; ++it) want.push_back(it->first);
        if (rev) std::reverse(want.begin(), want.end());
        if (count && want.size() > count) want.resize(count);
        Check(a > b ? got.empty() : got == want);
        break;
      }
      default: {  // groups
        std::string name(1, static_cast<char>('g' + byte() % 3));
        auto* g = s.FindGroup(name);
        if (g == nullptr) g = s.CreateGroup(name, StreamId{byte(), 0}, -1);
        auto [c, created] = g->CreateConsumer(std::string(1, static_cast<char>('c' + byte() % 3)));
        if (!model.empty()) {
          auto it = model.begin();
          std::advance(it, byte() % model.size());
          if (byte() & 1) g->AddNack(it->first, c, byte(), byte()); else g->EraseNack(it->first);
        }
        if ((byte() & 7) == 0) g->DeleteConsumer(c->name);
        break;
      }
    }
    Check(s.length() == model.size());
  }
  std::string body;
  s.Serialize(&body);
  auto back = StreamValue::Deserialize(body);
  Check(back.ok() && (*back)->size() == s.size());
  auto any = StreamValue::Deserialize(in);
  (void)any;
  return 0;
}
