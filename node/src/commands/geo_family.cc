// Geo commands on the sorted set type: the score of a member is its 52-bit geohash (commands/geohash.h).
// Semantics, argument order, reply shapes and error texts follow redis-server 7.0.15's geo.c (checked side
// by side by tests/integration/test_geo_differential.py):
// - GEOADD validates everything, then runs ZADD with the scores (same reply, "zadd" notification) and is
//   propagated as that ZADD.
// - The type of the source key is checked before any argument; a missing key still has its arguments
//   parsed (FROMLONLAT, BYRADIUS ...) but not its member, then answers an empty array (or 0 and deletes the
//   destination for the STORE forms).
// - Distances are replied with "%.4f" as bulk strings (RESP3 too), coordinates as "%.17Lf" without
//   trailing zeros (RESP3 doubles), WITHHASH as the integer score.
// - Results come in the order the nine cells are searched unless sorted; ASC/DESC sort by distance: all of
//   them with a stable sort (glibc's qsort is a merge sort), or with redis-server's partial quicksort when
//   COUNT keeps fewer (commands/partial_sort.h), so ties come out in its order. COUNT without ANY implies ASC.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "base/strutil.h"
#include "commands/families.h"
#include "commands/geohash.h"
#include "commands/partial_sort.h"
#include "commands/value_lookup.h"
#include "keyspace/zset_value.h"
#include "protocol/errors.h"
#include "server/command.h"
#include "server/server.h"

namespace rcs {

namespace {

ZSetLimits GeoLimits(const CommandContext& ctx) {
  const Config& c = ctx.server.config();
  ZSetLimits l;
  l.max_listpack_entries = c.zset_max_listpack_entries < 0 ? 0 : static_cast<size_t>(c.zset_max_listpack_entries);
  l.max_listpack_value = c.zset_max_listpack_value < 0 ? 0 : static_cast<size_t>(c.zset_max_listpack_value);
  return l;
}

// getDoubleFromObject: strtod over the whole argument, no leading space, NaN refused, overflow and
// underflow to zero refused.
bool ParseGeoDouble(std::string_view s, double* out) {
  if (s.empty() || isspace(static_cast<unsigned char>(s[0]))) return false;
  std::string buf(s);
  char* end = nullptr;
  errno = 0;
  double v = strtod(buf.c_str(), &end);
  if (end != buf.c_str() + buf.size() || std::isnan(v)) return false;
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || std::fpclassify(v) == FP_ZERO)) return false;
  *out = v;
  return true;
}

// extractLongLatOrReply.
bool LongLatOrReply(CommandContext& ctx, size_t idx, double xy[2]) {
  for (int i = 0; i < 2; i++) {
    if (!ParseGeoDouble(ctx.arg(idx + i), &xy[i])) {
      ctx.reply.Error(err::kNotFloat);
      return false;
    }
  }
  if (xy[0] < geo::kLongMin || xy[0] > geo::kLongMax || xy[1] < geo::kLatMin || xy[1] > geo::kLatMax) {
    ctx.reply.Error(err::GeoInvalidPair(xy[0], xy[1]));
    return false;
  }
  return true;
}

// extractUnitOrReply: meters per unit, or -1 after replying.
double UnitOrReply(CommandContext& ctx, std::string_view u) {
  if (EqualsIgnoreCase(u, "m")) return 1;
  if (EqualsIgnoreCase(u, "km")) return 1000;
  if (EqualsIgnoreCase(u, "ft")) return 0.3048;
  if (EqualsIgnoreCase(u, "mi")) return 1609.34;
  ctx.reply.Error(err::kGeoUnit);
  return -1;
}

bool DistanceOrReply(CommandContext& ctx, size_t idx, double* conversion, double* radius) {
  double d;
  if (!ParseGeoDouble(ctx.arg(idx), &d)) {
    ctx.reply.Error(err::kGeoNeedRadius);
    return false;
  }
  if (d < 0) {
    ctx.reply.Error(err::kGeoRadiusNegative);
    return false;
  }
  double to_meters = UnitOrReply(ctx, ctx.arg(idx + 1));
  if (to_meters < 0) return false;
  *radius = d;
  *conversion = to_meters;
  return true;
}

bool BoxOrReply(CommandContext& ctx, size_t idx, double* conversion, double* width, double* height) {
  double w, h;
  if (!ParseGeoDouble(ctx.arg(idx), &w)) {
    ctx.reply.Error(err::kGeoNeedWidth);
    return false;
  }
  if (!ParseGeoDouble(ctx.arg(idx + 1), &h)) {
    ctx.reply.Error(err::kGeoNeedHeight);
    return false;
  }
  if (h < 0 || w < 0) {
    ctx.reply.Error(err::kGeoBoxNegative);
    return false;
  }
  double to_meters = UnitOrReply(ctx, ctx.arg(idx + 2));
  if (to_meters < 0) return false;
  *width = w;
  *height = h;
  *conversion = to_meters;
  return true;
}

// addReplyDoubleDistance: "%.4f" as a bulk string in both protocols.
void ReplyDistance(CommandContext& ctx, double d) {
  char buf[400];
  int n = snprintf(buf, sizeof(buf), "%.4f", d);
  ctx.reply.Bulk(std::string_view(buf, static_cast<size_t>(n)));
}

// addReplyHumanLongDouble: "%.17Lf" without trailing zeros (nor a trailing '.'), "-0" as "0"; a bulk string
// in RESP2, a double in RESP3.
void ReplyCoordinate(CommandContext& ctx, double d) {
  char buf[400];
  int l = snprintf(buf, sizeof(buf), "%.17Lf", static_cast<long double>(d));
  if (std::strchr(buf, '.') != nullptr) {
    char* p = buf + l - 1;
    while (*p == '0') {
      p--;
      l--;
    }
    if (*p == '.') l--;
  }
  if (l == 2 && buf[0] == '-' && buf[1] == '0') {
    buf[0] = '0';
    l = 1;
  }
  ctx.reply.DoubleText(std::string_view(buf, static_cast<size_t>(l)));
}

// ---- GEOADD ----

void GeoaddCmd(CommandContext& ctx) {
  bool xx = false, nx = false;
  size_t longidx = 2;
  for (; longidx < ctx.argc(); longidx++) {
    std::string_view o = ctx.arg(longidx);
    if (EqualsIgnoreCase(o, "nx")) nx = true;
    else if (EqualsIgnoreCase(o, "xx")) xx = true;
    else if (EqualsIgnoreCase(o, "ch")) {}
    else break;
  }
  if ((ctx.argc() - longidx) % 3 || (xx && nx)) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  size_t elements = (ctx.argc() - longidx) / 3;
  std::vector<std::string> zargv;
  zargv.reserve(longidx + elements * 2);
  zargv.emplace_back("zadd");
  for (size_t i = 1; i < longidx; i++) zargv.emplace_back(ctx.arg(i));
  for (size_t i = 0; i < elements; i++) {
    double xy[2];
    if (!LongLatOrReply(ctx, longidx + i * 3, xy)) return;
    geo::Hash h;
    geo::EncodeWGS84(xy[0], xy[1], geo::kStepMax, &h);
    zargv.push_back(std::to_string(geo::Align52Bits(h)));
    zargv.emplace_back(ctx.arg(longidx + i * 3 + 2));
  }
  // ZADD does the work (reply, encoding, "zadd" event); what is propagated is that ZADD.
  const CommandSpec* zadd = ctx.server.commands().FindFull("zadd");
  std::vector<std::string_view> views(zargv.begin(), zargv.end());
  CommandContext sub{ctx.server, ctx.client, ctx.db, ctx.reply, ArgList(views), *zadd, ctx.now_ms};
  zadd->handler(sub);
  ctx.dirty += sub.dirty;
  if (sub.dirty > 0) ctx.PropagateAs(std::move(zargv));
}

// ---- GEOHASH / GEOPOS / GEODIST ----

void GeohashCmd(CommandContext& ctx) {
  ZSetValue* z;
  if (!Lookup(ctx, ctx.arg(1), false, &z)) return;
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); j++) {
    double score;
    if (!z || !z->GetScore(ctx.arg(j), &score)) {
      ctx.reply.Null();
      continue;
    }
    char buf[11];
    geo::StandardGeohash(score, buf);
    ctx.reply.Bulk(std::string_view(buf, 11));
  }
}

void GeoposCmd(CommandContext& ctx) {
  ZSetValue* z;
  if (!Lookup(ctx, ctx.arg(1), false, &z)) return;
  ctx.reply.Array(ctx.argc() - 2);
  for (size_t j = 2; j < ctx.argc(); j++) {
    double score, xy[2];
    if (!z || !z->GetScore(ctx.arg(j), &score) || !geo::DecodeScore(score, xy)) {
      ctx.reply.NullArray();
      continue;
    }
    ctx.reply.Array(2);
    ReplyCoordinate(ctx, xy[0]);
    ReplyCoordinate(ctx, xy[1]);
  }
}

void GeodistCmd(CommandContext& ctx) {
  double to_meter = 1;
  if (ctx.argc() == 5) {
    to_meter = UnitOrReply(ctx, ctx.arg(4));
    if (to_meter < 0) return;
  } else if (ctx.argc() > 5) {
    ctx.reply.Error(err::kSyntax);
    return;
  }
  ZSetValue* z;
  if (!Lookup(ctx, ctx.arg(1), false, &z)) return;
  double s1, s2, a[2], b[2];
  if (!z || !z->GetScore(ctx.arg(2), &s1) || !z->GetScore(ctx.arg(3), &s2) || !geo::DecodeScore(s1, a) ||
      !geo::DecodeScore(s2, b)) {
    ctx.reply.Null();
    return;
  }
  ReplyDistance(ctx, geo::Distance(a[0], a[1], b[0], b[1]) / to_meter);
}

// ---- GEORADIUS* / GEOSEARCH* ----

enum GeoFlags : unsigned {
  kRadiusCoords = 1,   // GEORADIUS[_RO]: centre from the arguments
  kRadiusMember = 2,   // GEORADIUSBYMEMBER[_RO]: centre from a member
  kRadiusNoStore = 4,  // the _RO forms: no STORE/STOREDIST
  kGeoSearch = 8,
  kGeoSearchStore = 16,
};

struct GeoPoint {
  double longitude, latitude, dist, score;
  std::string_view member;
};

// The centre of a member, or false.
bool MemberLongLat(const ZSetValue& z, std::string_view member, double xy[2]) {
  double score;
  return z.GetScore(member, &score) && geo::DecodeScore(score, xy);
}

// Appends the members of one cell (scores in [min, max)) that lie in the shape; stops at `limit` results
// (0: no limit).
void MembersOfBox(const ZSetValue& z, const geo::Hash& cell, const geo::Shape& shape, std::vector<GeoPoint>* out,
                  size_t limit) {
  geo::Hash h = cell;
  double min = static_cast<double>(geo::Align52Bits(h));
  h.bits++;
  double max = static_cast<double>(geo::Align52Bits(h));
  z.ScanFrom([&](double sc, std::string_view) { return sc < min; }, [&](std::string_view m, double sc) {
    if (!(sc < max)) return false;
    double xy[2], dist;
    if (geo::DecodeScore(sc, xy) && geo::WithinShape(shape, xy[0], xy[1], &dist)) {
      out->push_back(GeoPoint{xy[0], xy[1], dist, sc, m});
    }
    return !(!out->empty() && limit && out->size() >= limit);
  });
}

void MembersOfAllNeighbors(const ZSetValue& z, const geo::SearchAreas& a, const geo::Shape& shape,
                           std::vector<GeoPoint>* out, size_t limit) {
  const geo::Hash cells[9] = {a.hash,
                              a.neighbors.north,
                              a.neighbors.south,
                              a.neighbors.east,
                              a.neighbors.west,
                              a.neighbors.north_east,
                              a.neighbors.north_west,
                              a.neighbors.south_east,
                              a.neighbors.south_west};
  size_t last_processed = 0;
  for (size_t i = 0; i < 9; i++) {
    if (cells[i].zero()) continue;
    // With a huge radius neighbours can coincide; a cell equal to the last one searched is skipped. As in
    // redis-server the centre (index 0) never counts as "last searched" for this test.
    if (last_processed && cells[i].bits == cells[last_processed].bits &&
        cells[i].step == cells[last_processed].step) {
      continue;
    }
    if (!out->empty() && limit && out->size() >= limit) break;
    MembersOfBox(z, cells[i], shape, out, limit);
    last_processed = i;
  }
}

void GeoSearchGeneric(CommandContext& ctx, size_t src_idx, unsigned flags) {
  std::string_view storekey;
  bool has_store = false, storedist = false;
  ZSetValue* z;
  if (!Lookup(ctx, ctx.arg(src_idx), false, &z)) return;

  size_t base_args;
  geo::Shape shape;
  if (flags & kRadiusCoords) {
    base_args = 6;
    if (!LongLatOrReply(ctx, 2, shape.xy)) return;
    if (!DistanceOrReply(ctx, base_args - 2, &shape.conversion, &shape.radius)) return;
  } else if ((flags & kRadiusMember) && !z) {
    base_args = 5;  // no key: the options are still parsed, to know which empty reply to send
  } else if (flags & kRadiusMember) {
    base_args = 5;
    if (!MemberLongLat(*z, ctx.arg(2), shape.xy)) {
      ctx.reply.Error(err::kGeoNoMember);
      return;
    }
    if (!DistanceOrReply(ctx, base_args - 2, &shape.conversion, &shape.radius)) return;
  } else {
    base_args = 2;
    if (flags & kGeoSearchStore) {
      base_args = 3;
      storekey = ctx.arg(1);
      has_store = true;
    }
  }

  bool withdist = false, withhash = false, withcoords = false;
  bool frommember = false, fromloc = false, byradius = false, bybox = false;
  int sort = 0;  // 0 none, 1 asc, -1 desc
  bool any = false;
  int64_t count = 0;
  size_t remaining = ctx.argc() > base_args ? ctx.argc() - base_args : 0;
  for (size_t i = 0; i < remaining; i++) {
    std::string_view arg = ctx.arg(base_args + i);
    size_t at = base_args + i;
    if (EqualsIgnoreCase(arg, "withdist")) {
      withdist = true;
    } else if (EqualsIgnoreCase(arg, "withhash")) {
      withhash = true;
    } else if (EqualsIgnoreCase(arg, "withcoord")) {
      withcoords = true;
    } else if (EqualsIgnoreCase(arg, "any")) {
      any = true;
    } else if (EqualsIgnoreCase(arg, "asc")) {
      sort = 1;
    } else if (EqualsIgnoreCase(arg, "desc")) {
      sort = -1;
    } else if (EqualsIgnoreCase(arg, "count") && i + 1 < remaining) {
      if (!ParseInt64(ctx.arg(at + 1), &count)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      if (count <= 0) {
        ctx.reply.Error(err::kCountAtLeastOne);
        return;
      }
      i++;
    } else if ((EqualsIgnoreCase(arg, "store") || EqualsIgnoreCase(arg, "storedist")) && i + 1 < remaining &&
               !(flags & kRadiusNoStore) && !(flags & kGeoSearch)) {
      storekey = ctx.arg(at + 1);
      has_store = true;
      storedist = EqualsIgnoreCase(arg, "storedist");
      i++;
    } else if (EqualsIgnoreCase(arg, "storedist") && (flags & kGeoSearch) && (flags & kGeoSearchStore)) {
      storedist = true;
    } else if (EqualsIgnoreCase(arg, "frommember") && i + 1 < remaining && (flags & kGeoSearch) && !fromloc) {
      if (z && !MemberLongLat(*z, ctx.arg(at + 1), shape.xy)) {
        ctx.reply.Error(err::kGeoNoMember);
        return;
      }
      frommember = true;
      i++;
    } else if (EqualsIgnoreCase(arg, "fromlonlat") && i + 2 < remaining && (flags & kGeoSearch) && !frommember) {
      if (!LongLatOrReply(ctx, at + 1, shape.xy)) return;
      fromloc = true;
      i += 2;
    } else if (EqualsIgnoreCase(arg, "byradius") && i + 2 < remaining && (flags & kGeoSearch) && !bybox) {
      if (!DistanceOrReply(ctx, at + 1, &shape.conversion, &shape.radius)) return;
      shape.box = false;
      byradius = true;
      i += 2;
    } else if (EqualsIgnoreCase(arg, "bybox") && i + 3 < remaining && (flags & kGeoSearch) && !byradius) {
      if (!BoxOrReply(ctx, at + 1, &shape.conversion, &shape.width, &shape.height)) return;
      shape.box = true;
      bybox = true;
      i += 3;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }

  if ((has_store || storedist) && (withdist || withhash || withcoords)) {
    ctx.reply.Error(err::GeoStoreNotCompatible(flags & kGeoSearchStore));
    return;
  }
  if ((flags & kGeoSearch) && !(frommember || fromloc)) {
    ctx.reply.Error(err::GeoExactlyOne(true, ctx.arg(0)));
    return;
  }
  if ((flags & kGeoSearch) && !(byradius || bybox)) {
    ctx.reply.Error(err::GeoExactlyOne(false, ctx.arg(0)));
    return;
  }
  if (any && !count) {
    ctx.reply.Error(err::kGeoAnyNeedsCount);
    return;
  }

  if (!z) {
    if (has_store) {
      if (ctx.db.Delete(storekey)) ctx.dirty++;
      ctx.reply.Integer(0);
    } else {
      ctx.reply.Array(0);
    }
    return;
  }

  // COUNT without an order means the closest ones (not with ANY).
  if (count != 0 && sort == 0 && !any) sort = 1;

  geo::SearchAreas areas = geo::AreasForShape(shape);
  std::vector<GeoPoint> points;
  MembersOfAllNeighbors(*z, areas, shape, &points, any ? static_cast<size_t>(count) : 0);

  if (points.empty() && !has_store) {
    ctx.reply.Array(0);
    return;
  }
  size_t result_length = points.size();
  size_t returned = (count == 0 || result_length < static_cast<uint64_t>(count)) ? result_length
                                                                                   : static_cast<size_t>(count);
  if (sort != 0) {
    // glibc's qsort (a merge sort: stable) for a full sort, the partial quicksort when COUNT cuts the result.
    auto cmp = [sort](const GeoPoint& a, const GeoPoint& b) {
      int c = a.dist == b.dist ? 0 : a.dist > b.dist ? 1 : -1;
      return sort == 1 ? c : -c;
    };
    if (returned == result_length) {
      std::stable_sort(points.begin(), points.end(), [&](const GeoPoint& a, const GeoPoint& b) { return cmp(a, b) < 0; });
    } else {
      PartialQuickSort(points, 0, returned - 1, cmp);
    }
  }

  if (!has_store) {
    size_t option_length = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
    ctx.reply.Array(returned);
    for (size_t i = 0; i < returned; i++) {
      const GeoPoint& gp = points[i];
      double dist = gp.dist / shape.conversion;
      if (option_length) ctx.reply.Array(option_length + 1);
      ctx.reply.Bulk(gp.member);
      if (withdist) ReplyDistance(ctx, dist);
      if (withhash) ctx.reply.Integer(static_cast<int64_t>(gp.score));
      if (withcoords) {
        ctx.reply.Array(2);
        ReplyCoordinate(ctx, gp.longitude);
        ReplyCoordinate(ctx, gp.latitude);
      }
    }
    return;
  }

  if (returned == 0) {
    if (ctx.db.Delete(storekey)) ctx.dirty++;
    ctx.reply.Integer(0);
    return;
  }
  // The result as a sorted set: members copied out first (the destination may be the source).
  std::vector<std::pair<std::string, double>> items;
  items.reserve(returned);
  size_t maxlen = 0;
  for (size_t i = 0; i < returned; i++) {
    const GeoPoint& gp = points[i];
    items.emplace_back(std::string(gp.member), storedist ? gp.dist / shape.conversion : gp.score);
    maxlen = std::max(maxlen, gp.member.size());
  }
  points.clear();
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second < b.second;
    return std::string_view(a.first) < std::string_view(b.first);
  });
  auto dst = ZSetValue::Create(items.size(), maxlen, GeoLimits(ctx));
  for (auto& it : items) dst->AppendSorted(it.first, it.second);
  ctx.db.SetObject(storekey, std::move(dst));
  ctx.dirty += static_cast<int64_t>(returned);
  ctx.reply.Integer(static_cast<int64_t>(returned));
}

void GeoradiusCmd(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kRadiusCoords); }
void GeoradiusRoCmd(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kRadiusCoords | kRadiusNoStore); }
void GeoradiusbymemberCmd(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kRadiusMember); }
void GeoradiusbymemberRoCmd(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kRadiusMember | kRadiusNoStore); }
void GeosearchCmd(CommandContext& ctx) { GeoSearchGeneric(ctx, 1, kGeoSearch); }
void GeosearchstoreCmd(CommandContext& ctx) { GeoSearchGeneric(ctx, 2, kGeoSearch | kGeoSearchStore); }

// GEORADIUS/GEORADIUSBYMEMBER keys as redis-server 7.0's key specs give them (COMMAND GETKEYS, cluster
// slots): the source, then the key after the first STORE and the key after the first STOREDIST, each
// searched from argv[6] (argv[5] for BYMEMBER).
bool GeoradiusKeysFrom(ArgList argv, size_t from, std::vector<int>* out) {
  out->push_back(1);
  for (const char* kw : {"store", "storedist"}) {
    for (size_t i = from; i < argv.size(); i++) {
      if (!EqualsIgnoreCase(argv[i], kw)) continue;
      if (i + 1 < argv.size()) out->push_back(static_cast<int>(i + 1));
      break;
    }
  }
  return true;
}
bool GeoradiusKeys(ArgList argv, std::vector<int>* out) { return GeoradiusKeysFrom(argv, 6, out); }
bool GeoradiusbymemberKeys(ArgList argv, std::vector<int>* out) { return GeoradiusKeysFrom(argv, 5, out); }

}  // namespace

void RegisterGeoFamily(CommandRegistry& r) {
  const char* g = "geo";
  const uint32_t w = kCmdWrite, ro = kCmdReadOnly, oom = kCmdDenyOom, mov = kCmdMovableKeys;
  r.Add(Spec("geoadd", -5, w | oom, 1, 1, 1, GeoaddCmd, nullptr, g, "Adds one or more members to a geospatial index. The key is created if it doesn't exist."));
  r.Add(Spec("geodist", -4, ro, 1, 1, 1, GeodistCmd, nullptr, g, "Returns the distance between two members of a geospatial index."));
  r.Add(Spec("geohash", -2, ro, 1, 1, 1, GeohashCmd, nullptr, g, "Returns members from a geospatial index as geohash strings."));
  r.Add(Spec("geopos", -2, ro, 1, 1, 1, GeoposCmd, nullptr, g, "Returns the longitude and latitude of members from a geospatial index."));
  r.Add(Spec("georadius", -6, w | oom | mov, 1, 1, 1, GeoradiusCmd, GeoradiusKeys, g, "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result."));
  r.Add(Spec("georadius_ro", -6, ro, 1, 1, 1, GeoradiusRoCmd, nullptr, g, "Returns members from a geospatial index that are within a distance from a coordinate."));
  r.Add(Spec("georadiusbymember", -5, w | oom | mov, 1, 1, 1, GeoradiusbymemberCmd, GeoradiusbymemberKeys, g, "Queries a geospatial index for members within a distance from a member, optionally stores the result."));
  r.Add(Spec("georadiusbymember_ro", -5, ro, 1, 1, 1, GeoradiusbymemberRoCmd, nullptr, g, "Returns members from a geospatial index that are within a distance from a member."));
  r.Add(Spec("geosearch", -7, ro, 1, 1, 1, GeosearchCmd, nullptr, g, "Queries a geospatial index for members inside an area of a box or a circle."));
  r.Add(Spec("geosearchstore", -8, w | oom, 1, 2, 1, GeosearchstoreCmd, nullptr, g, "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result."));
}

}  // namespace rcs
