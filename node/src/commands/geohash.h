// The geohash arithmetic of the geo commands, pure and unit-testable, with the numbers redis-server 7.0 uses
// (its geohash.c / geohash_helper.c, read for the facts): a point is a 52-bit integer, 26 bits of latitude
// in the even bit positions and 26 bits of longitude in the odd ones, over longitude [-180, 180] and
// latitude [-85.05112878, 85.05112878] (the Web Mercator limits); the sorted set score is that integer as
// a double (exact below 2^53). Decoding gives the centre of the cell. Distances use the haversine formula
// on a sphere of radius 6372797.560856 m. A search covers the cell of the centre at a precision chosen from
// the radius plus its eight neighbours, dropping the neighbours outside the search's bounding box; every
// operation is done in the same order with the same doubles as redis-server so that results, distances and
// coordinates agree to the last bit.
#pragma once
#include <cstdint>

namespace rcs::geo {

inline constexpr double kLongMin = -180;
inline constexpr double kLongMax = 180;
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr int kStepMax = 26;  // 26 bits per coordinate, 52 in all
inline constexpr double kEarthRadiusMeters = 6372797.560856;

struct Range {
  double min, max;
};
struct Hash {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool zero() const { return bits == 0 && step == 0; }
};
struct Area {
  Hash hash;
  Range longitude, latitude;
};
struct Neighbors {
  Hash north, east, west, south, north_east, south_east, north_west, south_west;
};

// Encodes (longitude, latitude) at `step` bits per coordinate over the given ranges; false outside the
// WGS84 limits above or outside the ranges.
bool Encode(const Range& long_range, const Range& lat_range, double longitude, double latitude, int step,
            Hash* out);
bool EncodeWGS84(double longitude, double latitude, int step, Hash* out);
// The cell of a hash over the given ranges.
bool Decode(const Range& long_range, const Range& lat_range, const Hash& hash, Area* out);
// The 52-bit score of a hash (bits shifted to 52-bit precision).
uint64_t Align52Bits(const Hash& hash);
// The centre of the cell of a 52-bit score, clamped to the WGS84 limits: xy[0] longitude, xy[1] latitude.
bool DecodeScore(double score, double xy[2]);
void GetNeighbors(const Hash& hash, Neighbors* out);

// Great-circle distance in meters.
double LatDistance(double lat1, double lat2);
double Distance(double lon1, double lat1, double lon2, double lat2);

// A search shape: centre, and either a radius or a box (width, height), in the unit given by `conversion`
// (meters per unit).
struct Shape {
  bool box = false;
  double xy[2] = {0, 0};
  double conversion = 1;
  double radius = 0;
  double width = 0, height = 0;
};
// Whether the point (x, y) lies in the shape; *distance gets its distance from the centre in meters.
bool WithinShape(const Shape& shape, double x, double y, double* distance);

// The nine cells a search looks at: the centre's cell first, then north, south, east, west, north-east,
// north-west, south-east, south-west (a zero hash: not searched).
struct SearchAreas {
  Hash hash;
  Neighbors neighbors;
  Area area;
};
SearchAreas AreasForShape(const Shape& shape);
int EstimateStepsByRadius(double range_meters, double lat);

// The 11-character standard geohash (latitude over [-90, 90]) of a score, as GEOHASH replies it.
void StandardGeohash(double score, char out[11]);

}  // namespace rcs::geo
