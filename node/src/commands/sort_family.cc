// SORT and SORT_RO on lists, sets and sorted sets, as redis-server 7.0.15's sort.c behaves (checked side by
// side by tests/integration/test_sort_differential.py):
// - Options are parsed first (a syntax error or a refused BY/GET wins over a wrong type); LIMIT's
//   arguments must be integers; the last STORE counts; SORT_RO knows no STORE.
// - BY with a pattern without '*' (e.g. "nosort") means no sorting: a list or sorted set keeps its order
//   (DESC walks it backwards, LIMIT picks a range of it); a set is sorted ALPHA anyway when STOREd or called
//   from a script, so that the result does not depend on the hash order.
// - In cluster mode BY with a pattern and every GET are refused; BY patterns and GET (other than "#") need
//   an ACL user with access to every key.
// - Numeric sorting reads each value with strtod (leading spaces and an empty string are accepted, any
//   trailing byte is not): otherwise "One or more scores can't be converted into double", after the
//   values are read. Equal scores fall back to comparing the elements' bytes, so the order is total; ALPHA
//   with BY leaves equal (or missing) weights in their original order (a stable sort, as glibc's qsort),
//   or with BY and LIMIT in the order redis-server's partial quicksort leaves them (commands/partial_sort.h).
// - A sorted set is converted to the skiplist encoding, as redis-server does before sorting it.
// - GET of a missing key or field gives null (an empty string in a STOREd list). STORE replaces the
//   destination with a list (no TTL), or deletes it when the result is empty, and replies the length.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/strutil.h"
#include "commands/families.h"
#include "commands/partial_sort.h"
#include "commands/value_lookup.h"
#include "keyspace/hash_value.h"
#include "keyspace/list_value.h"
#include "keyspace/set_value.h"
#include "keyspace/zset_value.h"
#include "protocol/errors.h"
#include "server/acl.h"
#include "server/acl_categories.h"
#include "server/client.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {

namespace {

// The part of an argument a C string function sees (sort.c uses strchr/strstr on its patterns).
std::string_view CPart(std::string_view s) { return s.substr(0, s.find('\0')); }

// lookupKeyByPattern: "#" is the element itself; otherwise the first '*' is replaced by the element, and
// "->field" after it reads a hash field. A pattern without '*' finds nothing. nullopt when absent.
std::optional<std::string> LookupByPattern(CommandContext& ctx, std::string_view pattern, std::string_view elem) {
  std::string_view spat = CPart(pattern);
  if (spat == "#") return std::string(elem);
  size_t star = spat.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  std::string_view field;
  size_t arrow = spat.find("->", star + 1);
  if (arrow != std::string_view::npos && arrow + 2 < spat.size()) {
    field = pattern.substr(arrow + 2);  // the field runs to the end of the whole argument
  } else {
    arrow = std::string_view::npos;
  }
  size_t fieldlen = arrow == std::string_view::npos ? 0 : pattern.size() - arrow - 2;
  size_t postfix = pattern.size() - (star + 1) - (fieldlen ? fieldlen + 2 : 0);
  std::string key;
  key.reserve(star + elem.size() + postfix);
  key.append(pattern.substr(0, star));
  key.append(elem);
  key.append(pattern.substr(star + 1, postfix));
  Entry* e = ctx.db.FindRead(key);
  if (e == nullptr) return std::nullopt;
  if (fieldlen) {
    if (e->type() != ObjType::kHash) return std::nullopt;
    std::string_view v;
    if (!e->as<HashValue>()->Get(field, &v)) return std::nullopt;
    return std::string(v);
  }
  if (e->type() != ObjType::kString) return std::nullopt;
  return std::string(e->str());
}

// compareStringObjects: bytes, then length.
int CompareBytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// collateStringObjects / strcoll on decoded objects: the locale's collation up to the first NUL.
int Collate(const std::string& a, const std::string& b) { return strcoll(a.c_str(), b.c_str()); }

struct SortItem {
  explicit SortItem(std::string o) : obj(std::move(o)) {}
  std::string obj;
  double score = 0;
  std::optional<std::string> cmp;  // ALPHA BY: the weight, absent when its key is
};

bool UserHasFullKeyAccess(const CommandContext& ctx) {
  if (ctx.client == nullptr || ctx.client->user == nullptr) return true;
  const AclUser* u = ctx.client->user;
  return u->unrestricted() || u->CheckKey("*", kAclKeyRead);
}

void SortGeneric(CommandContext& ctx, bool readonly) {
  bool desc = false, alpha = false, dontsort = false;
  int64_t limit_start = 0, limit_count = -1;
  std::optional<std::string_view> sortby, storekey;
  std::vector<std::string_view> gets;
  const bool cluster = ctx.server.config().cluster_enabled;
  const bool full_access = UserHasFullKeyAccess(ctx);
  for (size_t j = 2; j < ctx.argc(); j++) {
    size_t left = ctx.argc() - j - 1;
    std::string_view o = ctx.arg(j);
    if (EqualsIgnoreCase(o, "asc")) {
      desc = false;
    } else if (EqualsIgnoreCase(o, "desc")) {
      desc = true;
    } else if (EqualsIgnoreCase(o, "alpha")) {
      alpha = true;
    } else if (EqualsIgnoreCase(o, "limit") && left >= 2) {
      if (!ParseInt64(ctx.arg(j + 1), &limit_start) || !ParseInt64(ctx.arg(j + 2), &limit_count)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      j += 2;
    } else if (!readonly && EqualsIgnoreCase(o, "store") && left >= 1) {
      storekey = ctx.arg(j + 1);
      j++;
    } else if (EqualsIgnoreCase(o, "by") && left >= 1) {
      sortby = ctx.arg(j + 1);
      if (CPart(*sortby).find('*') == std::string_view::npos) {
        dontsort = true;
      } else {
        if (cluster) {
          ctx.reply.Error(err::kSortByCluster);
          return;
        }
        if (!full_access) {
          ctx.reply.Error(err::kSortByAcl);
          return;
        }
      }
      j++;
    } else if (EqualsIgnoreCase(o, "get") && left >= 1) {
      if (cluster) {
        ctx.reply.Error(err::kSortGetCluster);
        return;
      }
      if (!full_access) {
        ctx.reply.Error(err::kSortGetAcl);
        return;
      }
      gets.push_back(ctx.arg(j + 1));
      j++;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }

  Entry* e = ctx.db.FindRead(ctx.arg(1));
  if (e && e->type() != ObjType::kSet && e->type() != ObjType::kList && e->type() != ObjType::kZSet) {
    ctx.reply.Error(err::kWrongType);
    return;
  }
  ObjType type = e ? e->type() : ObjType::kList;
  // A set's order is its hash order: when the result is stored or goes to a script, sort it so that it is
  // the same everywhere.
  const bool from_script = ctx.server.in_script();
  if (dontsort && type == ObjType::kSet && (storekey || from_script)) {
    dontsort = false;
    alpha = true;
    sortby.reset();
  }
  ZSetValue* zs = nullptr;
  if (e && type == ObjType::kZSet) {
    zs = e->as<ZSetValue>();
    if (!zs->is_skiplist()) zs->ConvertToSkiplist();
  }
  int64_t vectorlen = e ? static_cast<int64_t>(e->obj()->size()) : 0;

  int64_t start = limit_start < 0 ? 0 : limit_start;
  int64_t end = limit_count < 0 ? vectorlen - 1 : start + limit_count - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;
  // A list or sorted set that is not sorted loads only the range asked for.
  if ((type == ObjType::kZSet || type == ObjType::kList) && dontsort && (start != 0 || end != vectorlen - 1)) {
    vectorlen = end - start + 1;
  }

  std::vector<SortItem> vec;
  vec.reserve(static_cast<size_t>(std::max<int64_t>(vectorlen, 0)));
  if (e && type == ObjType::kList) {
    const ListValue* l = e->as<ListValue>();
    if (dontsort) {
      if (end >= start && vectorlen > 0) {
        int64_t from = desc ? static_cast<int64_t>(l->size()) - start - 1 : start;
        ListValue::Iterator it = l->Seek(static_cast<size_t>(from));
        while (static_cast<int64_t>(vec.size()) < vectorlen && it.valid()) {
          vec.emplace_back(std::string(it.value()));
          if (desc) it.Prev(); else it.Next();
        }
        end -= start;
        start = 0;
      }
    } else {
      for (ListValue::Iterator it = l->Begin(); it.valid(); it.Next()) vec.emplace_back(std::string(it.value()));
    }
  } else if (e && type == ObjType::kSet) {
    e->as<SetValue>()->ForEach([&](std::string_view m) { vec.emplace_back(std::string(m)); });
  } else if (zs && dontsort) {
    int64_t n = static_cast<int64_t>(zs->size());
    if (vectorlen > 0) {
      size_t first = static_cast<size_t>(desc ? n - 1 - start : start);
      zs->ForRange(first, static_cast<size_t>(vectorlen), desc,
                   [&](std::string_view m, double) { vec.emplace_back(std::string(m)); });
    }
    end -= start;
    start = 0;
  } else if (zs) {
    zs->ForEach([&](std::string_view m, double) { vec.emplace_back(std::string(m)); });
  }

  bool conversion_error = false;
  std::vector<uint32_t> order;  // sorted positions into vec (empty: vec's own order)
  if (!dontsort) {
    for (SortItem& it : vec) {
      std::optional<std::string> byval;
      if (sortby) {
        byval = LookupByPattern(ctx, *sortby, it.obj);
        if (!byval) continue;
      }
      if (alpha) {
        if (sortby) it.cmp = std::move(byval);
      } else {
        const std::string& s = sortby ? *byval : it.obj;
        char* eptr;
        errno = 0;
        it.score = strtod(s.c_str(), &eptr);
        if (eptr[0] != '\0' || errno == ERANGE || std::isnan(it.score)) conversion_error = true;
      }
    }
    const bool bypattern = sortby.has_value(), store = storekey.has_value();
    auto cmp = [&](const SortItem& a, const SortItem& b) {
      int c;
      if (!alpha) {
        c = a.score > b.score ? 1 : a.score < b.score ? -1 : CompareBytes(a.obj, b.obj);
      } else if (bypattern) {
        if (!a.cmp || !b.cmp) {
          c = (!a.cmp && !b.cmp) ? 0 : !a.cmp ? -1 : 1;
        } else {
          c = store ? CompareBytes(*a.cmp, *b.cmp) : Collate(*a.cmp, *b.cmp);
        }
      } else {
        c = store ? CompareBytes(a.obj, b.obj) : Collate(a.obj, b.obj);
      }
      return desc ? -c : c;
    };
    // Redis sorts the whole vector with qsort (glibc's is a stable merge sort), except with BY and a range
    // that is not everything: its partial quicksort, whose order of ties is its own.
    // Positions are sorted, not the items (cheaper to move); the result is the same permutation.
    order.resize(vec.size());
    for (uint32_t i = 0; i < order.size(); i++) order[i] = i;
    auto by_pos = [&](uint32_t a, uint32_t b) { return cmp(vec[a], vec[b]); };
    if (sortby && (start != 0 || end != vectorlen - 1) && end >= start) {
      PartialQuickSort(order, static_cast<size_t>(start), static_cast<size_t>(end), by_pos);
    } else {
      std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return by_pos(a, b) < 0; });
    }
  }

  int64_t span = end - start + 1;
  if (span < 0) span = 0;
  int64_t outputlen = gets.empty() ? span : static_cast<int64_t>(gets.size()) * span;
  if (conversion_error) {
    ctx.reply.Error(err::kSortNotDouble);
    return;
  }
  if (!storekey) {
    ctx.reply.Array(static_cast<size_t>(outputlen));
    for (int64_t j = start; j <= end; j++) {
      const std::string& obj = vec[order.empty() ? static_cast<size_t>(j) : order[static_cast<size_t>(j)]].obj;
      if (gets.empty()) ctx.reply.Bulk(obj);
      for (std::string_view pat : gets) {
        std::optional<std::string> v = LookupByPattern(ctx, pat, obj);
        if (v) ctx.reply.Bulk(*v); else ctx.reply.Null();
      }
    }
    return;
  }
  auto list = std::make_unique<ListValue>();
  for (int64_t j = start; j <= end; j++) {
    const std::string& obj = vec[order.empty() ? static_cast<size_t>(j) : order[static_cast<size_t>(j)]].obj;
    if (gets.empty()) {
      list->PushBack(obj);
      continue;
    }
    for (std::string_view pat : gets) {
      std::optional<std::string> v = LookupByPattern(ctx, pat, obj);
      list->PushBack(v ? std::string_view(*v) : std::string_view());
    }
  }
  if (outputlen) {
    ctx.db.SetObject(*storekey, std::move(list));
    ctx.dirty += outputlen;
  } else if (ctx.db.Delete(*storekey)) {
    ctx.dirty++;
  }
  ctx.reply.Integer(outputlen);
}

void SortCmd(CommandContext& ctx) { SortGeneric(ctx, false); }
void SortRoCmd(CommandContext& ctx) { SortGeneric(ctx, true); }

// sortGetKeys: the sorted key, and the last STORE's key; LIMIT skips two arguments, GET and BY one.
bool SortKeys(ArgList argv, std::vector<int>* out) {
  out->push_back(1);
  int store = -1;
  for (size_t i = 2; i < argv.size(); i++) {
    if (EqualsIgnoreCase(argv[i], "limit")) {
      i += 2;
    } else if (EqualsIgnoreCase(argv[i], "get") || EqualsIgnoreCase(argv[i], "by")) {
      i += 1;
    } else if (EqualsIgnoreCase(argv[i], "store") && i + 1 < argv.size()) {
      store = static_cast<int>(i + 1);
    }
  }
  if (store != -1) out->push_back(store);
  return true;
}

// SORT_RO: only the sorted key (BY/GET keys derive from its content; COMMAND INFO still says movablekeys).
bool SortRoKeys(ArgList, std::vector<int>* out) {
  out->push_back(1);
  return true;
}

}  // namespace

void RegisterSortFamily(CommandRegistry& r) {
  const char* g = "generic";
  r.Add(Spec("sort", -2, kCmdWrite | kCmdDenyOom | kCmdMovableKeys, 1, 1, 1, SortCmd, SortKeys, g, "Sorts the elements in a list, a set, or a sorted set, optionally storing the result."));
  r.Add(Spec("sort_ro", -2, kCmdReadOnly | kCmdMovableKeys, 1, 1, 1, SortRoCmd, SortRoKeys, g, "Returns the sorted elements of a list, a set, or a sorted set."));
}

}  // namespace rcs
