#include "keyspace/hash_value.h"

#include "keyspace/serialize.h"
#include "protocol/errors.h"

namespace rcs {
namespace {

size_t VarintLen(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    n++;
  }
  return n;
}


}  // namespace

size_t HashValue::LpFind(std::string_view field, size_t* value_off, std::string_view* value) const {
  const char* base = lp_.data();
  const char* p = base;
  for (uint32_t i = 0; i < lp_count_; i++) {
    const char* start = p;
    std::string_view f = ReadLp(&p);
    const char* vstart = p;
    std::string_view v = ReadLp(&p);
    if (f.size() == field.size() && memcmp(f.data(), field.data(), f.size()) == 0) {
      *value_off = static_cast<size_t>(vstart - base);
      *value = v;
      return static_cast<size_t>(start - base);
    }
  }
  return std::string::npos;
}

void HashValue::LpAppend(std::string_view field, std::string_view value) {
  PutVarint(&lp_, field.size());
  lp_.append(field.data(), field.size());
  PutVarint(&lp_, value.size());
  lp_.append(value.data(), value.size());
  lp_count_++;
}

bool HashValue::Get(std::string_view field, std::string_view* value) const {
  if (table_) {
    uint32_t i = table_->Find(field);
    if (i == Table::kNone) return false;
    *value = table_->at(i).value.view();
    return true;
  }
  size_t voff;
  return LpFind(field, &voff, value) != std::string::npos;
}

bool HashValue::Set(std::string_view field, std::string_view value, const Limits& limits) {
  if (!table_ && (static_cast<int64_t>(field.size()) > limits.max_listpack_value ||
                  static_cast<int64_t>(value.size()) > limits.max_listpack_value)) {
    ConvertToTable();
  }
  if (!table_) {
    size_t voff;
    std::string_view old;
    if (LpFind(field, &voff, &old) != std::string::npos) {
      size_t old_total = VarintLen(old.size()) + old.size();
      if (old.size() == value.size()) {
        memmove(&lp_[voff + old_total - old.size()], value.data(), value.size());
      } else {
        char hdr[10];
        size_t hn = 0;
        uint64_t v = value.size();
        while (v >= 0x80) {
          hdr[hn++] = static_cast<char>((v & 0x7f) | 0x80);
          v >>= 7;
        }
        hdr[hn++] = static_cast<char>(v);
        lp_.erase(voff, old_total);
        lp_.insert(voff, value.data(), value.size());
        lp_.insert(voff, hdr, hn);
      }
      return false;
    }
    LpAppend(field, value);
    if (static_cast<int64_t>(lp_count_) > limits.max_listpack_entries) ConvertToTable();
    return true;
  }
  uint32_t h = static_cast<uint32_t>(HashBytes(field));
  uint32_t i = table_->Find(field, h);
  if (i != Table::kNone) {
    table_->at(i).value.Assign(value);
    return false;
  }
  Node n;
  n.field.Assign(field);
  n.value.Assign(value);
  n.hash = h;
  table_->Append(std::move(n));
  return true;
}

void HashValue::AppendNew(std::string_view field, std::string_view value, const Limits& limits) {
  if (!table_ && (static_cast<int64_t>(field.size()) > limits.max_listpack_value ||
                  static_cast<int64_t>(value.size()) > limits.max_listpack_value ||
                  static_cast<int64_t>(lp_count_) + 1 > limits.max_listpack_entries)) {
    ConvertToTable();
  }
  if (!table_) {
    LpAppend(field, value);
    return;
  }
  Node n;
  n.field.Assign(field);
  n.value.Assign(value);
  n.hash = static_cast<uint32_t>(HashBytes(field));
  table_->Append(std::move(n));
}

bool HashValue::Delete(std::string_view field) {
  if (table_) {
    uint32_t i = table_->Find(field);
    if (i == Table::kNone) return false;
    table_->EraseAt(i);
    return true;
  }
  size_t voff;
  std::string_view old;
  size_t start = LpFind(field, &voff, &old);
  if (start == std::string::npos) return false;
  size_t end = voff + VarintLen(old.size()) + old.size();
  lp_.erase(start, end - start);
  lp_count_--;
  if (lp_count_ == 0) std::string().swap(lp_);
  return true;
}

void HashValue::ConvertToTable() {
  if (table_) return;
  auto t = std::make_unique<Table>();
  t->Reserve(lp_count_);
  ForEach([&](std::string_view f, std::string_view v) {
    Node n;
    n.field.Assign(f);
    n.value.Assign(v);
    n.hash = static_cast<uint32_t>(HashBytes(f));
    t->Append(std::move(n));
  });
  table_ = std::move(t);
  std::string().swap(lp_);
  lp_count_ = 0;
}

std::pair<std::string_view, std::string_view> HashValue::At(size_t i) const {
  if (table_) {
    const Node& n = table_->at(i);
    return {n.field.view(), n.value.view()};
  }
  const char* p = lp_.data();
  for (size_t k = 0;; k++) {
    std::string_view f = ReadLp(&p);
    std::string_view v = ReadLp(&p);
    if (k == i) return {f, v};
  }
}

void HashValue::Collect(std::vector<std::pair<std::string_view, std::string_view>>* out) const {
  out->clear();
  out->reserve(size());
  ForEach([&](std::string_view f, std::string_view v) { out->emplace_back(f, v); });
}

size_t HashValue::MemoryUsage() const {
  size_t total = sizeof(*this);
  if (!table_) return total + lp_.capacity();
  return total + sizeof(Table) + table_->TableBytes() +
         table_->EstimateHeapBytes([](const Node& n) { return n.field.HeapBytes() + n.value.HeapBytes(); });
}

void HashValue::Serialize(std::string* out) const {
  PutVarint(out, table_ ? 1 : 0);
  PutVarint(out, size());
  ForEach([&](std::string_view f, std::string_view v) {
    PutBytes(out, f);
    PutBytes(out, v);
  });
}

void HashValue::EmitRebuildCommands(std::string_view key, const CommandSink& sink) const {
  constexpr size_t kPairsPerCommand = 64;
  std::vector<std::string_view> argv;
  argv.reserve(2 + 2 * kPairsPerCommand);
  auto start = [&] {
    argv.clear();
    argv.push_back("HSET");
    argv.push_back(key);
  };
  start();
  ForEach([&](std::string_view f, std::string_view v) {
    argv.push_back(f);
    argv.push_back(v);
    if (argv.size() == 2 + 2 * kPairsPerCommand) {
      sink(argv);
      start();
    }
  });
  if (argv.size() > 2) sink(argv);
}

std::unique_ptr<Object> HashValue::Clone() const {
  auto h = std::make_unique<HashValue>();
  if (!table_) {
    h->lp_ = lp_;
    h->lp_count_ = lp_count_;
    return h;
  }
  h->table_ = std::make_unique<Table>();
  h->table_->Reserve(table_->size());
  for (const Node& n : table_->nodes()) {
    Node c;
    c.field.Assign(n.field.view());
    c.value.Assign(n.value.view());
    c.hash = n.hash;
    h->table_->Append(std::move(c));
  }
  return h;
}

StatusOr<std::unique_ptr<Object>> HashValue::Deserialize(std::string_view body) {
  PayloadReader r(body);
  uint64_t enc, count;
  if (!r.GetVarint(&enc) || enc > 1 || !r.GetVarint(&count) || count == 0 || count > r.remaining() / 2 ||
      count >= UINT32_MAX) {
    return Status::Error(err::kBadDataFormat);
  }
  auto h = std::make_unique<HashValue>();
  // A listpack body keeps its encoding unless it is too long to scan linearly while checking duplicates.
  if (enc == 1 || count > 1024) {
    h->table_ = std::make_unique<Table>();
    h->table_->Reserve(count);
  }
  for (uint64_t i = 0; i < count; i++) {
    std::string_view f, v;
    if (!r.GetBytes(&f) || !r.GetBytes(&v)) return Status::Error(err::kBadDataFormat);
    if (h->Contains(f)) return Status::Error(err::kBadDataFormat);
    if (h->table_) {
      Node n;
      n.field.Assign(f);
      n.value.Assign(v);
      n.hash = static_cast<uint32_t>(HashBytes(f));
      h->table_->Append(std::move(n));
    } else {
      h->LpAppend(f, v);
    }
  }
  if (!r.done()) return Status::Error(err::kBadDataFormat);
  return std::unique_ptr<Object>(std::move(h));
}

}  // namespace rcs
