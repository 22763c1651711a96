// Geo commands and the geohash arithmetic. The script's expected replies were produced by Debian's
// redis-server 7.0.15 (same commands, same order, fresh server), converted to the harness's text.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>

#include "commands/geohash.h"
#include "harness.h"

using namespace rcs::test;  // TestNode, Step, PropagationLog
namespace geo = rcs::geo;

namespace {

const Step kGeoScript[] = {
    {"GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "(integer) 2"},
    {"GEOADD Sicily 13.361389 38.115556 Palermo", "(integer) 0"},
    {"GEOADD Sicily CH 13.361390 38.115556 Palermo 1 1 New", "(integer) 1"},
    {"GEOADD Sicily NX 1 1 Palermo 2 2 Other", "(integer) 1"},
    {"GEOADD Sicily XX 3 3 Other2 13.361389 38.115556 Palermo", "(integer) 0"},
    {"GEOADD Sicily XX NX 1 1 a", "(error) ERR syntax error"},
    {"GEOADD Sicily 1 2", "(error) ERR wrong number of arguments for 'geoadd' command"},
    {"GEOADD Sicily 200 10 a", "(error) ERR invalid longitude,latitude pair 200.000000,10.000000"},
    {"GEOADD Sicily 10 85.06 a", "(error) ERR invalid longitude,latitude pair 10.000000,85.060000"},
    {"GEOADD Sicily x 10 a", "(error) ERR value is not a valid float"},
    {"GEOADD Sicily GT 1 1 a", "(error) ERR syntax error"},
    {"ZSCORE Sicily Palermo", "\"3479099956230698\""},
    {"ZSCORE Sicily Catania", "\"3479447370796909\""},
    {"ZRANGE Sicily 0 -1 WITHSCORES", "[\"New\", \"3377822707026402\", \"Other\", \"3378191666521995\", \"Palermo\", \"3479099956230698\", \"Catania\", \"3479447370796909\"]"},
    {"GEODIST Sicily Palermo Catania", "\"166274.1516\""},
    {"GEODIST Sicily Palermo Catania km", "\"166.2742\""},
    {"GEODIST Sicily Palermo Catania MI", "\"103.3182\""},
    {"GEODIST Sicily Palermo Catania ft", "\"545518.8700\""},
    {"GEODIST Sicily Palermo Catania yd", "(error) ERR unsupported unit provided. please use M, KM, FT, MI"},
    {"GEODIST Sicily Palermo Catania km extra", "(error) ERR syntax error"},
    {"GEODIST Sicily Palermo nope", "(nil)"},
    {"GEODIST nokey a b", "(nil)"},
    {"GEOHASH Sicily Palermo Catania nope", "[\"sqc8b49rny0\", \"sqdtr74hyu0\", (nil)]"},
    {"GEOHASH nokey a b", "[(nil), (nil)]"},
    {"GEOPOS Sicily Palermo Catania nope", "[[\"13.36138933897018433\", \"38.11555639549629859\"], [\"15.08726745843887329\", \"37.50266842333162032\"], (nil)]"},
    {"GEOPOS nokey a", "[(nil)]"},
    {"GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH ASC", "[[\"Catania\", \"56.4413\", (integer) 3479447370796909, [\"15.08726745843887329\", \"37.50266842333162032\"]], [\"Palermo\", \"190.4424\", (integer) 3479099956230698, [\"13.36138933897018433\", \"38.11555639549629859\"]]]"},
    {"GEORADIUS Sicily 15 37 200 km DESC", "[\"Palermo\", \"Catania\"]"},
    {"GEORADIUS Sicily 15 37 200 km COUNT 1", "[\"Catania\"]"},
    {"GEORADIUS Sicily 15 37 200 km COUNT 1 DESC", "[\"Palermo\"]"},
    {"GEORADIUS Sicily 15 37 200 km COUNT 0", "(error) ERR COUNT must be > 0"},
    {"GEORADIUS Sicily 15 37 200 km COUNT x", "(error) ERR value is not an integer or out of range"},
    {"GEORADIUS Sicily 15 37 200 km ANY", "(error) ERR the ANY argument requires COUNT argument"},
    {"GEORADIUS Sicily 15 37 -1 km", "(error) ERR radius cannot be negative"},
    {"GEORADIUS Sicily 15 37 x km", "(error) ERR need numeric radius"},
    {"GEORADIUS Sicily 15 37 200 yd", "(error) ERR unsupported unit provided. please use M, KM, FT, MI"},
    {"GEORADIUS Sicily 15 37 200 km STORE dst", "(integer) 2"},
    {"ZRANGE dst 0 -1 WITHSCORES", "[\"Palermo\", \"3479099956230698\", \"Catania\", \"3479447370796909\"]"},
    {"GEORADIUS Sicily 15 37 200 km STOREDIST dst", "(integer) 2"},
    {"ZRANGE dst 0 -1 WITHSCORES", "[\"Catania\", \"56.441257870158204\", \"Palermo\", \"190.44242984775784\"]"},
    {"GEORADIUS Sicily 15 37 200 km STORE dst WITHDIST", "(error) ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"},
    {"GEORADIUS Sicily 15 37 1 km STORE dst", "(integer) 0"},
    {"EXISTS dst", "(integer) 0"},
    {"GEORADIUS_RO Sicily 15 37 200 km STORE dst", "(error) ERR syntax error"},
    {"GEORADIUS_RO Sicily 15 37 200 km WITHDIST", "[[\"Palermo\", \"190.4424\"], [\"Catania\", \"56.4413\"]]"},
    {"GEORADIUSBYMEMBER Sicily Palermo 200 km WITHDIST", "[[\"Palermo\", \"0.0000\"], [\"Catania\", \"166.2742\"]]"},
    {"GEORADIUSBYMEMBER Sicily nope 200 km", "(error) ERR could not decode requested zset member"},
    {"GEORADIUSBYMEMBER nokey nope x km", "[]"},
    {"GEORADIUSBYMEMBER nokey nope 200 km STORE dst", "(integer) 0"},
    {"GEORADIUSBYMEMBER_RO Sicily Palermo 100 km", "[\"Palermo\"]"},
    {"GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km ASC WITHDIST", "[[\"Palermo\", \"0.0000\"], [\"Catania\", \"166.2742\"]]"},
    {"GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST", "[[\"Catania\", \"56.4413\", [\"15.08726745843887329\", \"37.50266842333162032\"]], [\"Palermo\", \"190.4424\", [\"13.36138933897018433\", \"38.11555639549629859\"]]]"},
    {"GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km COUNT 1 ANY", "[\"Palermo\"]"},
    {"GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX -1 400 km", "(error) ERR height or width cannot be negative"},
    {"GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX x 400 km", "(error) ERR need numeric width"},
    {"GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 y km", "(error) ERR need numeric height"},
    {"GEOSEARCH Sicily BYRADIUS 10 km ASC", "(error) ERR wrong number of arguments for 'geosearch' command"},
    {"GEOSEARCH Sicily FROMMEMBER Palermo ASC COUNT 2", "(error) ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH"},
    {"geosearch Sicily FROMMEMBER Palermo FROMLONLAT 1 1 BYRADIUS 1 km", "(error) ERR syntax error"},
    {"GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 1 km", "(error) ERR could not decode requested zset member"},
    {"GEOSEARCH nokey FROMMEMBER nope BYRADIUS 1 km", "[]"},
    {"GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km STORE x", "(error) ERR syntax error"},
    {"GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 km STOREDIST", "(error) ERR syntax error"},
    {"GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 200 km STOREDIST", "(integer) 2"},
    {"ZRANGE dst 0 -1 WITHSCORES", "[\"Palermo\", \"0\", \"Catania\", \"166.27415156960032\"]"},
    {"GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYRADIUS 200 km WITHCOORD", "(error) ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"},
    {"GEOSEARCHSTORE dst nokey FROMMEMBER Palermo BYRADIUS 200 km", "(integer) 0"},
    {"EXISTS dst", "(integer) 0"},
    {"SET str x", "OK"},
    {"GEOADD str 1 1 a", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
    {"GEOPOS str a", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
    {"GEOSEARCH str FROMLONLAT 1 1 BYRADIUS 1 km", "(error) WRONGTYPE Operation against a key holding the wrong kind of value"},
    {"GEOADD poles 0 85.05112878 n 0 -85.05112878 s 180 0 e -180 0 w 179.9999 1 e2 -179.9999 1 w2", "(integer) 6"},
    {"GEOPOS poles n s e w e2 w2", "[[\"0.00000268220901489\", \"85.0511287799999991\"], [\"0.00000268220901489\", \"-85.05112751263942528\"], [\"180\", \"0.00000126736058093\"], [\"-179.99999731779098511\", \"0.00000126736058093\"], [\"179.99990075826644897\", \"0.99999945914297683\"], [\"-179.99990075826644897\", \"0.99999945914297683\"]]"},
    {"GEOHASH poles n s e w", "[\"up05b5048p0\", \"h0bh0hbj200\", \"80000000000\", \"80000000000\"]"},
    {"GEODIST poles e w", "\"0.2983\""},
    {"GEODIST poles e2 w2 m", "\"22.0732\""},
    {"GEOSEARCH poles FROMLONLAT 180 0.5 BYRADIUS 200 km ASC WITHDIST", "[[\"e\", \"55.6130\"], [\"e2\", \"55.6131\"]]"},
    {"GEOSEARCH poles FROMLONLAT 0 85 BYRADIUS 20 km WITHDIST", "[]"},
    {"GEORADIUS poles 0 0 50000 km ASC WITHDIST", "[[\"s\", \"9459.9222\"], [\"e2\", \"19909.5078\"], [\"w2\", \"19909.5078\"], [\"w\", \"20020.7337\"]]"},
};

}  // namespace

TEST_CASE("geo: command replies match redis-server 7.0.15") {
  TestNode n;
  RunSteps(n, kGeoScript);
}

TEST_CASE("geo: the same replies when every sorted set is a skiplist") {
  TestNode n({{"zset-max-listpack-entries", "0"}});
  RunSteps(n, kGeoScript);
}

TEST_CASE("geo: RESP3 coordinates are doubles, distances stay bulk strings") {
  TestNode n;
  n.Do("HELLO 3");
  n.Do("GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania");
  CHECK(n.Do("GEOPOS Sicily Palermo nope") ==
        "[[(double) 13.36138933897018433, (double) 38.11555639549629859], (nil)]");
  CHECK(n.Do("GEODIST Sicily Palermo Catania km") == "\"166.2742\"");
  CHECK(n.Do("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 100 km WITHDIST WITHHASH WITHCOORD") ==
        "[[\"Catania\", \"56.4413\", (integer) 3479447370796909, "
        "[(double) 15.08726745843887329, (double) 37.50266842333162032]]]");
}

TEST_CASE("geo: GEOADD is propagated as the ZADD it runs; the STORE forms as sent") {
  TestNode n;
  PropagationLog log(n);
  n.Do("GEOADD g CH 13.361389 38.115556 Palermo");
  CHECK(log.Take() == "zadd g CH 3479099956230698 Palermo");
  n.Do("GEOADD g 13.361389 38.115556 Palermo");  // nothing changed: nothing propagated
  CHECK(log.Take() == "");
  n.Do("GEOSEARCHSTORE d g FROMLONLAT 13 38 BYRADIUS 100 km");
  CHECK(log.Take() == "GEOSEARCHSTORE d g FROMLONLAT 13 38 BYRADIUS 100 km");
}

TEST_CASE("geohash: encode/decode round trip stays within one cell") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lon(geo::kLongMin, geo::kLongMax), lat(geo::kLatMin, geo::kLatMax);
  for (int i = 0; i < 20000; i++) {
    double x = lon(rng), y = lat(rng);
    geo::Hash h;
    REQUIRE(geo::EncodeWGS84(x, y, geo::kStepMax, &h));
    uint64_t bits = geo::Align52Bits(h);
    CHECK(bits < (1ULL << 52));
    double xy[2];
    REQUIRE(geo::DecodeScore(static_cast<double>(bits), xy));
    CHECK(std::fabs(xy[0] - x) <= 360.0 / (1 << 26));
    CHECK(std::fabs(xy[1] - y) <= 170.2 / (1 << 26));
  }
  geo::Hash h;
  CHECK_FALSE(geo::EncodeWGS84(180.0001, 0, 26, &h));
  CHECK_FALSE(geo::EncodeWGS84(0, 85.06, 26, &h));
}

TEST_CASE("geohash: neighbours are the adjacent cells, wrapping at the antimeridian") {
  geo::Hash h;
  REQUIRE(geo::EncodeWGS84(10, 10, 10, &h));
  geo::Neighbors nb;
  geo::GetNeighbors(h, &nb);
  geo::Area c, e, w, n, s;
  geo::Range lr{geo::kLongMin, geo::kLongMax}, ar{geo::kLatMin, geo::kLatMax};
  REQUIRE(geo::Decode(lr, ar, h, &c));
  REQUIRE(geo::Decode(lr, ar, nb.east, &e));
  REQUIRE(geo::Decode(lr, ar, nb.west, &w));
  REQUIRE(geo::Decode(lr, ar, nb.north, &n));
  REQUIRE(geo::Decode(lr, ar, nb.south, &s));
  CHECK(e.longitude.min == c.longitude.max);
  CHECK(w.longitude.max == c.longitude.min);
  CHECK(n.latitude.min == c.latitude.max);
  CHECK(s.latitude.max == c.latitude.min);
  CHECK(e.latitude.min == c.latitude.min);
  REQUIRE(geo::EncodeWGS84(179.99, 0, 8, &h));
  geo::GetNeighbors(h, &nb);
  REQUIRE(geo::Decode(lr, ar, nb.east, &e));
  CHECK(e.longitude.min == -180);
}

TEST_CASE("geohash: distances") {
  // Palermo - Catania as redis-server computes it (GEODIST: 166274.1516 m).
  double a[2], b[2];
  geo::DecodeScore(3479099956230698.0, a);
  geo::DecodeScore(3479447370796909.0, b);
  char buf[64];
  snprintf(buf, sizeof(buf), "%.4f", geo::Distance(a[0], a[1], b[0], b[1]));
  CHECK(std::string(buf) == "166274.1516");
  CHECK(geo::Distance(1, 2, 1, 2) == 0);
  CHECK(geo::EstimateStepsByRadius(0, 0) == 26);
  CHECK(geo::EstimateStepsByRadius(5000, 0) == 11);
  CHECK(geo::EstimateStepsByRadius(5000, 70) == 10);
  CHECK(geo::EstimateStepsByRadius(5000, -85) == 9);
  CHECK(geo::EstimateStepsByRadius(1e9, 0) == 1);
}
