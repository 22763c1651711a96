#include "keyspace/set_value.h"

#include "base/strutil.h"
#include "keyspace/serialize.h"
#include "protocol/errors.h"

namespace rcs {
namespace {

constexpr int64_t kIntsetHardLimit = int64_t{1} << 30;  // Redis's cap on intset entries

uint8_t WidthFor(int64_t v) {
  if (v >= INT16_MIN && v <= INT16_MAX) return 2;
  if (v >= INT32_MIN && v <= INT32_MAX) return 4;
  return 8;
}

void StoreInt(char* p, int64_t v, uint8_t width) {
  if (width == 2) {
    int16_t x = static_cast<int16_t>(v);
    memcpy(p, &x, 2);
  } else if (width == 4) {
    int32_t x = static_cast<int32_t>(v);
    memcpy(p, &x, 4);
  } else {
    memcpy(p, &v, 8);
  }
}

}  // namespace

bool SetValue::IntFind(int64_t v, size_t* pos) const {
  size_t lo = 0, hi = size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int64_t m = IntAt(mid);
    if (m == v) {
      *pos = mid;
      return true;
    }
    if (m < v) lo = mid + 1;
    else hi = mid;
  }
  *pos = lo;
  return false;
}

void SetValue::TableAdd(std::string_view member, uint32_t h) {
  Node n;
  n.member.Assign(member);
  n.hash = h;
  table_->Append(std::move(n));
}

bool SetValue::AddInt(int64_t v, int64_t max_intset_entries) {
  if (table_) {
    char buf[kIntBufSize];
    return Add(FormatInt(v, buf), max_intset_entries);
  }
  size_t pos;
  if (IntFind(v, &pos)) return false;
  uint8_t w = WidthFor(v);
  if (w > width_) {
    // Widen every member; v is outside the old range, so it goes first or last.
    size_t n = size();
    std::string wide(n * w, '\0');
    for (size_t i = 0; i < n; i++) StoreInt(&wide[i * w], IntAt(i), w);
    is_.swap(wide);
    width_ = w;
    pos = v < 0 ? 0 : n;
  }
  char b[8];
  StoreInt(b, v, width_);
  is_.insert(pos * width_, b, width_);
  int64_t limit = std::min(max_intset_entries, kIntsetHardLimit);
  if (static_cast<int64_t>(size()) > limit) ConvertToTable();
  return true;
}

bool SetValue::Add(std::string_view member, int64_t max_intset_entries) {
  if (!table_) {
    int64_t v;
    if (ParseInt64(member, &v)) return AddInt(v, max_intset_entries);
    ConvertToTable();
  }
  uint32_t h = static_cast<uint32_t>(HashBytes(member));
  if (table_->Find(member, h) != Table::kNone) return false;
  TableAdd(member, h);
  return true;
}

bool SetValue::Remove(std::string_view member) {
  if (table_) {
    uint32_t i = table_->Find(member);
    if (i == Table::kNone) return false;
    table_->EraseAt(i);
    return true;
  }
  int64_t v;
  size_t pos;
  if (!ParseInt64(member, &v) || !IntFind(v, &pos)) return false;
  is_.erase(pos * width_, width_);
  if (is_.empty()) std::string().swap(is_);
  return true;
}

bool SetValue::Contains(std::string_view member) const {
  if (table_) return table_->Find(member) != Table::kNone;
  int64_t v;
  size_t pos;
  return ParseInt64(member, &v) && IntFind(v, &pos);
}

bool SetValue::ContainsInt(int64_t v) const {
  if (table_) {
    char buf[kIntBufSize];
    return table_->Find(FormatInt(v, buf)) != Table::kNone;
  }
  size_t pos;
  return IntFind(v, &pos);
}

void SetValue::ConvertToTable() {
  if (table_) return;
  auto t = std::make_unique<Table>();
  size_t n = size();
  t->Reserve(n);
  char buf[kIntBufSize];
  for (size_t i = 0; i < n; i++) {
    std::string_view m = FormatInt(IntAt(i), buf);
    Node node;
    node.member.Assign(m);
    node.hash = static_cast<uint32_t>(HashBytes(m));
    t->Append(std::move(node));
  }
  table_ = std::move(t);
  std::string().swap(is_);
  width_ = 2;
}

size_t SetValue::MemoryUsage() const {
  size_t total = sizeof(*this);
  if (!table_) return total + is_.capacity();
  return total + sizeof(Table) + table_->TableBytes() +
         table_->EstimateHeapBytes([](const Node& n) { return n.member.HeapBytes(); });
}

void SetValue::Serialize(std::string* out) const {
  PutVarint(out, table_ ? 1 : 0);
  PutVarint(out, size());
  ForEach([&](std::string_view m) { PutBytes(out, m); });
}

void SetValue::EmitRebuildCommands(std::string_view key, const CommandSink& sink) const {
  constexpr size_t kPerCommand = 64;
  std::vector<std::string_view> argv;
  argv.reserve(2 + kPerCommand);
  argv.push_back("SADD");
  argv.push_back(key);
  char bufs[kPerCommand][kIntBufSize];  // intset members' text; lives until the last batch is sunk
  if (table_) {
    for (const Node& n : table_->nodes()) {
      argv.push_back(n.member.view());
      if (argv.size() == 2 + kPerCommand) {
        sink(argv);
        argv.resize(2);
      }
    }
  } else {
    size_t n = size();
    for (size_t i = 0; i < n; i++) {
      argv.push_back(FormatInt(IntAt(i), bufs[argv.size() - 2]));
      if (argv.size() == 2 + kPerCommand) {
        sink(argv);
        argv.resize(2);
      }
    }
  }
  if (argv.size() > 2) sink(argv);
}

std::unique_ptr<Object> SetValue::Clone() const {
  auto s = std::make_unique<SetValue>();
  if (!table_) {
    s->is_ = is_;
    s->width_ = width_;
    return s;
  }
  s->table_ = std::make_unique<Table>();
  s->table_->Reserve(table_->size());
  for (const Node& n : table_->nodes()) s->TableAdd(n.member.view(), n.hash);
  return s;
}

StatusOr<std::unique_ptr<Object>> SetValue::Deserialize(std::string_view body) {
  PayloadReader r(body);
  uint64_t enc, count;
  if (!r.GetVarint(&enc) || enc > 1 || !r.GetVarint(&count) || count == 0 || count > r.remaining() ||
      count >= UINT32_MAX) {
    return Status::Error(err::kBadDataFormat);
  }
  auto s = std::make_unique<SetValue>();
  if (enc == 1) {
    s->table_ = std::make_unique<Table>();
    s->table_->Reserve(count);
  }
  for (uint64_t i = 0; i < count; i++) {
    std::string_view m;
    if (!r.GetBytes(&m)) return Status::Error(err::kBadDataFormat);
    if (enc == 0) {
      int64_t v;
      if (!ParseInt64(m, &v) || !s->AddInt(v, INT64_MAX)) return Status::Error(err::kBadDataFormat);
    } else {
      uint32_t h = static_cast<uint32_t>(HashBytes(m));
      if (s->table_->Find(m, h) != Table::kNone) return Status::Error(err::kBadDataFormat);
      s->TableAdd(m, h);
    }
  }
  if (!r.done()) return Status::Error(err::kBadDataFormat);
  return std::unique_ptr<Object>(std::move(s));
}

}  // namespace rcs
