#include "commands/geohash.h"

#include <cmath>

namespace rcs::geo {
namespace {

constexpr double kDegToRad = M_PI / 180.0;
constexpr double kMercatorMax = 20037726.37;

double DegRad(double a) { return a * kDegToRad; }
double RadDeg(double a) { return a / kDegToRad; }

// Bit i of x goes to bit 2i, bit i of y to bit 2i+1.
uint64_t Interleave(uint32_t x, uint32_t y) {
  auto spread = [](uint64_t v) {
    v = (v | (v << 16)) & 0x0000FFFF0000FFFFULL;
    v = (v | (v << 8)) & 0x00FF00FF00FF00FFULL;
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FULL;
    v = (v | (v << 2)) & 0x3333333333333333ULL;
    v = (v | (v << 1)) & 0x5555555555555555ULL;
    return v;
  };
  return spread(x) | (spread(y) << 1);
}

// The even bits of v (x) and the odd bits (y).
void Deinterleave(uint64_t v, uint32_t* x, uint32_t* y) {
  auto squash = [](uint64_t w) {
    w &= 0x5555555555555555ULL;
    w = (w | (w >> 1)) & 0x3333333333333333ULL;
    w = (w | (w >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
    w = (w | (w >> 4)) & 0x00FF00FF00FF00FFULL;
    w = (w | (w >> 8)) & 0x0000FFFF0000FFFFULL;
    w = (w | (w >> 16)) & 0x00000000FFFFFFFFULL;
    return static_cast<uint32_t>(w);
  };
  *x = squash(v);
  *y = squash(v >> 1);
}

// Moves a hash one cell east (d > 0) or west along the longitude bits (odd positions), wrapping around.
void MoveX(Hash* h, int d) {
  if (d == 0) return;
  uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = h->bits & 0x5555555555555555ULL;
  uint64_t zz = 0x5555555555555555ULL >> (64 - h->step * 2);
  if (d > 0) {
    x = x + (zz + 1);
  } else {
    x = x | zz;
    x = x - (zz + 1);
  }
  x &= (0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2));
  h->bits = x | y;
}

// North (d > 0) or south along the latitude bits (even positions).
void MoveY(Hash* h, int d) {
  if (d == 0) return;
  uint64_t x = h->bits & 0xaaaaaaaaaaaaaaaaULL;
  uint64_t y = h->bits & 0x5555555555555555ULL;
  uint64_t zz = 0xaaaaaaaaaaaaaaaaULL >> (64 - h->step * 2);
  if (d > 0) {
    y = y + (zz + 1);
  } else {
    y = y | zz;
    y = y - (zz + 1);
  }
  y &= (0x5555555555555555ULL >> (64 - h->step * 2));
  h->bits = x | y;
}

const Range kWgsLong{kLongMin, kLongMax};
const Range kWgsLat{kLatMin, kLatMax};

void BoundingBox(const Shape& s, double bounds[4]) {
  double longitude = s.xy[0], latitude = s.xy[1];
  double height = s.conversion * (s.box ? s.height / 2 : s.radius);
  double width = s.conversion * (s.box ? s.width / 2 : s.radius);
  const double lat_delta = RadDeg(height / kEarthRadiusMeters);
  const double long_delta_top = RadDeg(width / kEarthRadiusMeters / cos(DegRad(latitude + lat_delta)));
  const double long_delta_bottom = RadDeg(width / kEarthRadiusMeters / cos(DegRad(latitude - lat_delta)));
  // The box's wider edge is the one nearer the equator.
  bool southern = latitude < 0;
  bounds[0] = southern ? longitude - long_delta_bottom : longitude - long_delta_top;
  bounds[2] = southern ? longitude + long_delta_bottom : longitude + long_delta_top;
  bounds[1] = latitude - lat_delta;
  bounds[3] = latitude + lat_delta;
}

}  // namespace

bool Encode(const Range& long_range, const Range& lat_range, double longitude, double latitude, int step,
            Hash* out) {
  if (step > 32 || step == 0 || (lat_range.min == 0 && lat_range.max == 0) ||
      (long_range.min == 0 && long_range.max == 0)) {
    return false;
  }
  if (longitude > kLongMax || longitude < kLongMin || latitude > kLatMax || latitude < kLatMin) return false;
  out->bits = 0;
  out->step = static_cast<uint8_t>(step);
  if (latitude < lat_range.min || latitude > lat_range.max || longitude < long_range.min ||
      longitude > long_range.max) {
    return false;
  }
  double lat_offset = (latitude - lat_range.min) / (lat_range.max - lat_range.min);
  double long_offset = (longitude - long_range.min) / (long_range.max - long_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  long_offset *= static_cast<double>(1ULL << step);
  out->bits = Interleave(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(long_offset));
  return true;
}

bool EncodeWGS84(double longitude, double latitude, int step, Hash* out) {
  return Encode(kWgsLong, kWgsLat, longitude, latitude, step, out);
}

bool Decode(const Range& long_range, const Range& lat_range, const Hash& hash, Area* out) {
  if (hash.zero() || (lat_range.min == 0 && lat_range.max == 0) || (long_range.min == 0 && long_range.max == 0)) {
    return false;
  }
  out->hash = hash;
  uint8_t step = hash.step;
  uint32_t ilato, ilono;
  Deinterleave(hash.bits, &ilato, &ilono);
  double lat_scale = lat_range.max - lat_range.min;
  double long_scale = long_range.max - long_range.min;
  double cells = static_cast<double>(1ULL << step);
  out->latitude.min = lat_range.min + (ilato * 1.0 / cells) * lat_scale;
  out->latitude.max = lat_range.min + ((ilato + 1) * 1.0 / cells) * lat_scale;
  out->longitude.min = long_range.min + (ilono * 1.0 / cells) * long_scale;
  out->longitude.max = long_range.min + ((ilono + 1) * 1.0 / cells) * long_scale;
  return true;
}

uint64_t Align52Bits(const Hash& hash) { return hash.bits << (52 - hash.step * 2); }

bool DecodeScore(double score, double xy[2]) {
  Hash h{static_cast<uint64_t>(score), kStepMax};
  Area area;
  if (!Decode(kWgsLong, kWgsLat, h, &area)) return false;
  xy[0] = (area.longitude.min + area.longitude.max) / 2;
  if (xy[0] > kLongMax) xy[0] = kLongMax;
  if (xy[0] < kLongMin) xy[0] = kLongMin;
  xy[1] = (area.latitude.min + area.latitude.max) / 2;
  if (xy[1] > kLatMax) xy[1] = kLatMax;
  if (xy[1] < kLatMin) xy[1] = kLatMin;
  return true;
}

void GetNeighbors(const Hash& hash, Neighbors* n) {
  n->east = n->west = n->north = n->south = hash;
  n->south_east = n->south_west = n->north_east = n->north_west = hash;
  MoveX(&n->east, 1);
  MoveX(&n->west, -1);
  MoveY(&n->south, -1);
  MoveY(&n->north, 1);
  MoveX(&n->north_west, -1);
  MoveY(&n->north_west, 1);
  MoveX(&n->south_west, -1);
  MoveY(&n->south_west, -1);
  MoveX(&n->north_east, 1);
  MoveY(&n->north_east, 1);
  MoveX(&n->south_east, 1);
  MoveY(&n->south_east, -1);
}

double LatDistance(double lat1, double lat2) { return kEarthRadiusMeters * fabs(DegRad(lat2) - DegRad(lat1)); }

double Distance(double lon1d, double lat1d, double lon2d, double lat2d) {
  double lon1r = DegRad(lon1d);
  double lon2r = DegRad(lon2d);
  double v = sin((lon2r - lon1r) / 2);
  // Same longitude: the haversine reduces to the latitude difference (and redis-server takes this path).
  if (v == 0.0) return LatDistance(lat1d, lat2d);
  double lat1r = DegRad(lat1d);
  double lat2r = DegRad(lat2d);
  double u = sin((lat2r - lat1r) / 2);
  double a = u * u + cos(lat1r) * cos(lat2r) * v * v;
  return 2.0 * kEarthRadiusMeters * asin(sqrt(a));
}

bool WithinShape(const Shape& s, double x, double y, double* distance) {
  if (!s.box) {
    *distance = Distance(s.xy[0], s.xy[1], x, y);
    return !(*distance > s.radius * s.conversion);
  }
  double width_m = s.width * s.conversion, height_m = s.height * s.conversion;
  // Latitude first: it is the cheaper test.
  if (LatDistance(y, s.xy[1]) > height_m / 2) return false;
  if (Distance(x, y, s.xy[0], y) > width_m / 2) return false;
  *distance = Distance(s.xy[0], s.xy[1], x, y);
  return true;
}

int EstimateStepsByRadius(double range_meters, double lat) {
  if (range_meters == 0) return 26;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    step++;
  }
  step -= 2;  // so that the range is covered in most cases
  // Cells get narrower towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

SearchAreas AreasForShape(const Shape& s) {
  double bounds[4];
  BoundingBox(s, bounds);
  double min_lon = bounds[0], min_lat = bounds[1], max_lon = bounds[2], max_lat = bounds[3];
  double longitude = s.xy[0], latitude = s.xy[1];
  // A box is sized by the distance from its centre to a corner.
  double radius_meters = !s.box ? s.radius : sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radius_meters *= s.conversion;
  int steps = EstimateStepsByRadius(radius_meters, latitude);

  SearchAreas r;
  Encode(kWgsLong, kWgsLat, longitude, latitude, steps, &r.hash);
  GetNeighbors(r.hash, &r.neighbors);
  Decode(kWgsLong, kWgsLat, r.hash, &r.area);

  // One step coarser when a side neighbour does not reach the edge of the bounding box.
  bool decrease = false;
  {
    Area north, south, east, west;
    Decode(kWgsLong, kWgsLat, r.neighbors.north, &north);
    Decode(kWgsLong, kWgsLat, r.neighbors.south, &south);
    Decode(kWgsLong, kWgsLat, r.neighbors.east, &east);
    Decode(kWgsLong, kWgsLat, r.neighbors.west, &west);
    if (north.latitude.max < max_lat) decrease = true;
    if (south.latitude.min > min_lat) decrease = true;
    if (east.longitude.max < max_lon) decrease = true;
    if (west.longitude.min > min_lon) decrease = true;
  }
  if (steps > 1 && decrease) {
    steps--;
    Encode(kWgsLong, kWgsLat, longitude, latitude, steps, &r.hash);
    GetNeighbors(r.hash, &r.neighbors);
    Decode(kWgsLong, kWgsLat, r.hash, &r.area);
  }
  // Neighbours entirely beyond the bounding box are not searched.
  if (steps >= 2) {
    Neighbors& n = r.neighbors;
    if (r.area.latitude.min < min_lat) n.south = n.south_west = n.south_east = Hash{};
    if (r.area.latitude.max > max_lat) n.north = n.north_east = n.north_west = Hash{};
    if (r.area.longitude.min < min_lon) n.west = n.south_west = n.north_west = Hash{};
    if (r.area.longitude.max > max_lon) n.east = n.south_east = n.north_east = Hash{};
  }
  return r;
}

void StandardGeohash(double score, char out[11]) {
  static const char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double xy[2];
  DecodeScore(score, xy);
  Hash h;
  Encode(Range{-180, 180}, Range{-90, 90}, xy[0], xy[1], 26, &h);
  for (int i = 0; i < 11; i++) {
    // 52 bits make 10 characters and 2 bits; the 11th character is always '0', as redis-server sends it.
    int idx = i == 10 ? 0 : static_cast<int>((h.bits >> (52 - ((i + 1) * 5))) & 0x1f);
    out[i] = kAlphabet[idx];
  }
}

}  // namespace rcs::geo
