#include "server/acl_categories.h"

#include <algorithm>
#include <iterator>

#include "base/strutil.h"

namespace rcs {
namespace {

#include "server/acl_tables.inc"

static_assert(std::size(kAclCategoryNames) == kAclCategoryCount);

}  // namespace

std::string_view AclCategoryName(int i) { return kAclCategoryNames[i]; }

int AclCategoryIndex(std::string_view name) {
  for (int i = 0; i < kAclCategoryCount; i++) {
    if (EqualsIgnoreCase(name, kAclCategoryNames[i])) return i;
  }
  return -1;
}

const AclCommandRow* FindAclCommandRow(std::string_view full_name) {
  // The generator writes the rows sorted by name (subcommands right after their container, "|" sorting
  // after every letter), so a binary search over the names finds one.
  auto begin = std::begin(kAclCommandRows), end = std::end(kAclCommandRows);
  auto it = std::lower_bound(begin, end, full_name,
                             [](const AclCommandRow& r, std::string_view n) { return std::string_view(r.name) < n; });
  return it != end && full_name == it->name ? &*it : nullptr;
}

const AclCommandRow* AclCommandRows(int* count) {
  *count = static_cast<int>(std::size(kAclCommandRows));
  return kAclCommandRows;
}

}  // namespace rcs
