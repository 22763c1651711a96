// The partial quicksort redis-server uses when only a range of a sorted result is returned (GEORADIUS/
// GEOSEARCH with COUNT, SORT BY ... LIMIT): Bentley and McIlroy's "Engineering a Sort Function" (median of
// three, ninther above 40 elements, three-way partition that gathers the elements equal to the pivot at
// both ends, insertion sort below 7 elements; without the early switch to insertion sort of a partition
// that swapped nothing, as in the NetBSD version redis-server's pqsort.c comes from), skipping the partitions
// that lie outside [lrange, rrange]. The algorithm is not stable, so elements that compare equal come out
// in the order this exact sequence of swaps leaves them in: written here step for step from the published
// algorithm so that ties come out as redis-server orders them.
#pragma once
#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace rcs {

namespace partial_sort_detail {

// cmp(a, b) returns <0, 0, >0.
template <typename T, typename Cmp>
size_t Med3(std::vector<T>& v, size_t a, size_t b, size_t c, Cmp& cmp) {
  return cmp(v[a], v[b]) < 0 ? (cmp(v[b], v[c]) < 0 ? b : (cmp(v[a], v[c]) < 0 ? c : a))
                             : (cmp(v[b], v[c]) > 0 ? b : (cmp(v[a], v[c]) < 0 ? a : c));
}

template <typename T>
void VecSwap(std::vector<T>& v, size_t a, size_t b, size_t n) {
  for (size_t i = 0; i < n; i++) std::swap(v[a + i], v[b + i]);
}

template <typename T, typename Cmp>
void InsertionSort(std::vector<T>& v, size_t base, size_t n, Cmp& cmp) {
  for (size_t m = base + 1; m < base + n; m++) {
    for (size_t l = m; l > base && cmp(v[l - 1], v[l]) > 0; l--) std::swap(v[l], v[l - 1]);
  }
}

// Sorts v[base, base + n) far enough that the positions [lo, hi] hold what a full sort would put there.
template <typename T, typename Cmp>
void Sort(std::vector<T>& v, size_t base, size_t n, Cmp& cmp, size_t lo, size_t hi) {
  for (;;) {
    if (n < 7) {
      InsertionSort(v, base, n, cmp);
      return;
    }
    size_t pm = base + n / 2;
    if (n > 7) {
      size_t pl = base, pn = base + n - 1;
      if (n > 40) {
        size_t d = n / 8;
        pl = Med3(v, pl, pl + d, pl + 2 * d, cmp);
        pm = Med3(v, pm - d, pm, pm + d, cmp);
        pn = Med3(v, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = Med3(v, pl, pm, pn, cmp);
    }
    std::swap(v[base], v[pm]);
    // Indices may step one below base (pc, pd), so they are kept signed.
    std::ptrdiff_t a = static_cast<std::ptrdiff_t>(base);
    std::ptrdiff_t pa = a + 1, pb = a + 1;
    std::ptrdiff_t pc = a + static_cast<std::ptrdiff_t>(n) - 1, pd = pc;
    for (;;) {
      int r;
      while (pb <= pc && (r = cmp(v[pb], v[a])) <= 0) {
        if (r == 0) {
          std::swap(v[pa], v[pb]);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (r = cmp(v[pc], v[a])) >= 0) {
        if (r == 0) {
          std::swap(v[pc], v[pd]);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      std::swap(v[pb], v[pc]);
      pb++;
      pc--;
    }
    std::ptrdiff_t pn = a + static_cast<std::ptrdiff_t>(n);
    std::ptrdiff_t r = std::min(pa - a, pb - pa);
    VecSwap(v, static_cast<size_t>(a), static_cast<size_t>(pb - r), static_cast<size_t>(r));
    r = std::min(pd - pc, pn - pd - 1);
    VecSwap(v, static_cast<size_t>(pb), static_cast<size_t>(pn - r), static_cast<size_t>(r));
    // A partition entirely before lo or entirely after hi needs no more sorting.
    auto wanted = [&](size_t s, size_t m) { return !((lo < s && hi < s) || (lo >= s + m && hi >= s + m)); };
    if ((r = pb - pa) > 1) {
      if (wanted(static_cast<size_t>(a), static_cast<size_t>(r))) Sort(v, static_cast<size_t>(a), static_cast<size_t>(r), cmp, lo, hi);
    }
    if ((r = pd - pc) > 1) {
      size_t s = static_cast<size_t>(pn - r);
      if (!wanted(s, static_cast<size_t>(r))) return;
      base = s;
      n = static_cast<size_t>(r);
      continue;
    }
    return;
  }
}

}  // namespace partial_sort_detail

// Orders v so that positions [lo, hi] hold what a full sort by cmp (<0, 0, >0) would put there, with ties
// placed as redis-server's pqsort places them.
template <typename T, typename Cmp>
void PartialQuickSort(std::vector<T>& v, size_t lo, size_t hi, Cmp cmp) {
  partial_sort_detail::Sort(v, 0, v.size(), cmp, lo, hi);
}

}  // namespace rcs
