// Operator commands: MEMORY (USAGE, STATS, DOCTOR, MALLOC-STATS, PURGE), MODULE (no modules: LIST is empty,
// LOAD/LOADEX refused as a failed load, UNLOAD finds nothing) and LOLWUT (versions 5 and 6 draw as
// redis-server 7.0.15's do, other versions print the version line).
//
// MEMORY STATS and DOCTOR read the same numbers INFO memory prints (Server::InfoText), so the two never
// disagree. This node counts its allocations with base/alloc.h's counter and has no allocator statistics
// of its own: like INFO memory, allocator.active is used_memory and allocator.resident is the process RSS.
#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "base/alloc.h"
#include "base/log.h"
#include "base/redis_compat.h"
#include "base/strutil.h"
#include "protocol/errors.h"
#include "server/command.h"
#include "server/server.h"
#include "server/server_dbs.h"

namespace rcs {

namespace {

// ---- MEMORY ----

void MemoryUsage(CommandContext& ctx) {
  // [SAMPLES <count>], any number of times, as redis-server reads it (the count itself changes nothing
  // here: every value is measured whole).
  for (size_t j = 3; j < ctx.argc(); j++) {
    if (EqualsIgnoreCase(ctx.arg(j), "SAMPLES") && j + 1 < ctx.argc()) {
      int64_t samples;
      if (!ParseInt64(ctx.arg(j + 1), &samples)) {
        ctx.reply.Error(err::kNotInteger);
        return;
      }
      if (samples < 0) {
        ctx.reply.Error(err::kSyntax);
        return;
      }
      j++;
    } else {
      ctx.reply.Error(err::kSyntax);
      return;
    }
  }
  Entry* e = ctx.db.Find(ctx.arg(2));
  if (e == nullptr) {
    ctx.reply.Null();
    return;
  }
  size_t bytes = AllocationSize(const_cast<Entry*>(e));
  if (e->type() != ObjType::kString) bytes += e->obj()->MemoryUsage();
  ctx.reply.Integer(static_cast<int64_t>(bytes));
}

// INFO's fields (name -> value) of the given sections.
std::map<std::string, std::string> InfoFields(Server& server, std::vector<std::string> sections) {
  std::map<std::string, std::string> out;
  std::string text = server.InfoText(sections);
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find("\r\n", pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    size_t colon = line.find(':');
    if (!line.empty() && line[0] != '#' && colon != std::string_view::npos) {
      out.emplace(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
    }
    pos = eol + 2;
  }
  return out;
}

// What redis-server's getMemoryOverheadData computes, from INFO memory's numbers.
struct MemoryOverhead {
  int64_t peak_allocated = 0, total_allocated = 0, startup_allocated = 0, repl_backlog = 0, clients_slaves = 0,
          clients_normal = 0, cluster_links = 0, aof_buffer = 0, lua_caches = 0, functions_caches = 0;
  // The key table's overhead is counted in the dataset here (INFO's used_memory_overhead is 0 likewise):
  // db.0 reports 0 for its hash tables.
  int64_t db_overhead = 0;
  int64_t overhead_total = 0, total_keys = 0, bytes_per_key = 0, dataset = 0;
  double dataset_perc = 0, peak_perc = 0;
  int64_t allocator_allocated = 0, allocator_active = 0, allocator_resident = 0;
  double allocator_frag = 0, allocator_rss = 0, rss_extra = 0, total_frag = 0;
  int64_t allocator_frag_bytes = 0, allocator_rss_bytes = 0, rss_extra_bytes = 0, total_frag_bytes = 0;
  int64_t cached_scripts = 0, connected_clients = 0, connected_slaves = 0;
};

MemoryOverhead ComputeMemoryOverhead(CommandContext& ctx) {
  auto f = InfoFields(ctx.server, {"memory", "clients", "replication"});
  auto i64 = [&f](const char* name) {
    int64_t v = 0;
    auto it = f.find(name);
    if (it != f.end()) ParseInt64(it->second, &v);
    return v;
  };
  auto dbl = [&f](const char* name) {
    double v = 0;
    auto it = f.find(name);
    if (it != f.end()) ParseDouble(it->second, &v);
    return v;
  };
  MemoryOverhead m;
  m.peak_allocated = i64("used_memory_peak");
  m.total_allocated = i64("used_memory");
  m.startup_allocated = i64("used_memory_startup");
  m.repl_backlog = i64("mem_replication_backlog");
  m.clients_slaves = i64("mem_clients_slaves");
  m.clients_normal = i64("mem_clients_normal");
  m.cluster_links = i64("mem_cluster_links");
  m.aof_buffer = i64("mem_aof_buffer");
  m.lua_caches = i64("used_memory_scripts_eval");
  m.functions_caches = i64("used_memory_functions");
  m.total_keys = static_cast<int64_t>(TotalKeys(ctx.server));  // every database, as redis-server
  m.overhead_total = m.startup_allocated + m.repl_backlog + m.clients_slaves + m.clients_normal + m.cluster_links +
                     m.aof_buffer + m.lua_caches + m.functions_caches + m.db_overhead;
  m.dataset = std::max<int64_t>(0, m.total_allocated - m.overhead_total);
  int64_t net_usage = std::max<int64_t>(1, m.total_allocated - m.startup_allocated);
  m.bytes_per_key = m.total_keys ? net_usage / m.total_keys : 0;
  // redis-server computes both percentages in a float.
  m.dataset_perc = static_cast<float>(m.dataset) * 100 / static_cast<float>(net_usage);
  m.peak_perc = m.peak_allocated > 0 ? static_cast<float>(m.total_allocated) * 100 / static_cast<float>(m.peak_allocated)
                                     : 0;
  m.allocator_allocated = i64("allocator_allocated");
  m.allocator_active = i64("allocator_active");
  m.allocator_resident = i64("allocator_resident");
  m.allocator_frag = dbl("allocator_frag_ratio");
  m.allocator_frag_bytes = i64("allocator_frag_bytes");
  m.allocator_rss = dbl("allocator_rss_ratio");
  m.allocator_rss_bytes = i64("allocator_rss_bytes");
  m.rss_extra = dbl("rss_overhead_ratio");
  m.rss_extra_bytes = i64("rss_overhead_bytes");
  m.total_frag = dbl("mem_fragmentation_ratio");
  m.total_frag_bytes = i64("mem_fragmentation_bytes");
  m.cached_scripts = i64("number_of_cached_scripts");
  m.connected_clients = i64("connected_clients");
  m.connected_slaves = i64("connected_slaves");
  return m;
}

void MemoryStats(CommandContext& ctx) {
  MemoryOverhead m = ComputeMemoryOverhead(ctx);
  auto& r = ctx.reply;
  // redis-server lists the databases that hold keys, each with its tables' overhead (counted in the dataset
  // here: 0).
  std::vector<int> dbs;
  for (int i = 0; i < ctx.server.db_count(); i++) {
    if (Keyspace* db = ctx.server.db_if_exists(i); db != nullptr && db->size() > 0) dbs.push_back(i);
  }
  r.Map(27 + dbs.size());
  auto field = [&r](const char* name, int64_t v) {
    r.Bulk(name);
    r.Integer(v);
  };
  auto fieldd = [&r](const char* name, double v) {
    r.Bulk(name);
    r.Double(v);
  };
  field("peak.allocated", m.peak_allocated);
  field("total.allocated", m.total_allocated);
  field("startup.allocated", m.startup_allocated);
  field("replication.backlog", m.repl_backlog);
  field("clients.slaves", m.clients_slaves);
  field("clients.normal", m.clients_normal);
  field("cluster.links", m.cluster_links);
  field("aof.buffer", m.aof_buffer);
  field("lua.caches", m.lua_caches);
  field("functions.caches", m.functions_caches);
  for (int i : dbs) {
    r.Bulk("db." + std::to_string(i));
    r.Map(3);
    field("overhead.hashtable.main", m.db_overhead);
    field("overhead.hashtable.expires", 0);
    field("overhead.hashtable.slot-to-keys", 0);
  }
  field("overhead.total", m.overhead_total);
  field("keys.count", m.total_keys);
  field("keys.bytes-per-key", m.bytes_per_key);
  field("dataset.bytes", m.dataset);
  fieldd("dataset.percentage", m.dataset_perc);
  fieldd("peak.percentage", m.peak_perc);
  field("allocator.allocated", m.allocator_allocated);
  field("allocator.active", m.allocator_active);
  field("allocator.resident", m.allocator_resident);
  fieldd("allocator-fragmentation.ratio", m.allocator_frag);
  field("allocator-fragmentation.bytes", m.allocator_frag_bytes);
  fieldd("allocator-rss.ratio", m.allocator_rss);
  field("allocator-rss.bytes", m.allocator_rss_bytes);
  fieldd("rss-overhead.ratio", m.rss_extra);
  field("rss-overhead.bytes", m.rss_extra_bytes);
  fieldd("fragmentation", m.total_frag);
  field("fragmentation.bytes", m.total_frag_bytes);
}

// redis-server's getMemoryDoctorReport: the same checks and texts over this node's numbers.
std::string MemoryDoctorReport(const MemoryOverhead& m) {
  bool empty = false, big_peak = false, high_frag = false, high_alloc_frag = false, high_alloc_rss = false,
       high_proc_rss = false, big_client_buf = false, big_slave_buf = false, many_scripts = false;
  int reports = 0;
  constexpr int64_t k10MB = int64_t{10} << 20;
  if (m.total_allocated < 1024 * 1024 * 5) {
    empty = true;
    reports++;
  } else {
    if (static_cast<float>(m.peak_allocated) / static_cast<float>(m.total_allocated) > 1.5) big_peak = true;
    if (m.total_frag > 1.4 && m.total_frag_bytes > k10MB) high_frag = true;
    if (m.allocator_frag > 1.1 && m.allocator_frag_bytes > k10MB) high_alloc_frag = true;
    if (m.allocator_rss > 1.1 && m.allocator_rss_bytes > k10MB) high_alloc_rss = true;
    if (m.rss_extra > 1.1 && m.rss_extra_bytes > k10MB) high_proc_rss = true;
    int64_t normal_clients = std::max<int64_t>(1, m.connected_clients - m.connected_slaves);
    if (m.clients_normal / normal_clients > 1024 * 200) big_client_buf = true;
    if (m.connected_slaves > 0 && m.clients_slaves > 1024 * 1024 * 10) big_slave_buf = true;
    if (m.cached_scripts > 1000) many_scripts = true;
    reports += big_peak + high_frag + high_alloc_frag + high_alloc_rss + high_proc_rss + big_client_buf +
               big_slave_buf + many_scripts;
  }
  if (reports == 0) {
    return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this "
           "base.\n";
  }
  if (empty) {
    return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in "
           "these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I "
           "will be back to our programming as soon as I finished rebooting.\n";
  }
  std::string s = "Sam, I detected a few issues in this Redis instance memory implants:\n\n";
  if (big_peak) {
    s += " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The "
         "allocator is normally not able to release memory after a peak, so you can expect to see a big "
         "fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the "
         "Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon "
         "as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try "
         "to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown "
         "and restart the instance.\n\n";
  }
  if (high_frag) {
    s += " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this "
         "means that the Resident Set Size of the Redis process is much larger than the sum of the logical "
         "allocations Redis performed). This problem is usually due either to a large peak memory (check if there "
         "is a peak memory entry above in the report) or may result from a workload that causes the allocator to "
         "fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make "
         "sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used "
         "allocator is \"libc\".\n\n";
  }
  if (high_alloc_frag) {
    s += " * High allocator fragmentation: This instance has an allocator external fragmentation greater than "
         "1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry "
         "above in the report) or may result from a workload that causes the allocator to fragment memory a lot. "
         "You can try enabling 'activedefrag' config option.\n\n";
  }
  if (high_alloc_rss) {
    s += " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this "
         "means that the Resident Set Size of the allocator is much larger than the sum what the allocator "
         "actually holds). This problem is usually due to a large peak memory (check if there is a peak memory "
         "entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n";
  }
  if (high_proc_rss) {
    s += " * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 "
         "(this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator "
         "holds). This problem may be due to Lua scripts or Modules.\n\n";
  }
  if (big_slave_buf) {
    s += " * Big replica buffers: The replica output buffers in this instance are greater than 10MB for each "
         "replica (on average). This likely means that there is some replica instance that is struggling "
         "receiving data, either because it is too slow or because of networking issues. As a result, data piles "
         "on the master output buffers. Please try to identify what replica is not receiving data correctly and "
         "why. You can use the INFO output in order to check the replicas delays and the CLIENT LIST command to "
         "check the output buffers of each replica.\n\n";
  }
  if (big_client_buf) {
    s += " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on "
         "average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not "
         "receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending "
         "commands with large replies or very large sequences of commands in the same pipeline. Please use the "
         "CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to "
         "understand better why certain clients are using a big amount of memory.\n\n";
  }
  if (many_scripts) {
    s += " * Many scripts: There seem to be many cached scripts in this instance (more than 1000). This may be "
         "because scripts are generated and `EVAL`ed, instead of being parameterized (with KEYS and ARGV), "
         "`SCRIPT LOAD`ed and `EVALSHA`ed. Unless `SCRIPT FLUSH` is called periodically, the scripts' caches may "
         "end up consuming most of your memory.\n\n";
  }
  s += "I'm here to keep you safe, Sam. I want to help you.\n";
  return s;
}

void MemoryDoctor(CommandContext& ctx) { ctx.reply.Verbatim(MemoryDoctorReport(ComputeMemoryOverhead(ctx))); }

// glibc's malloc_info report (XML), where a jemalloc build of redis-server prints je_malloc_stats_print's.
void MemoryMallocStats(CommandContext& ctx) {
  char* buf = nullptr;
  size_t len = 0;
  FILE* f = open_memstream(&buf, &len);
  if (f == nullptr || malloc_info(0, f) != 0) {
    if (f != nullptr) fclose(f);
    free(buf);
    ctx.reply.Bulk("Stats not supported for the current allocator");
    return;
  }
  fclose(f);
  std::string text(buf, len);
  free(buf);
  ctx.reply.Verbatim(text);
}

// Returns free memory at the top of the heap and in the arenas to the system.
void MemoryPurge(CommandContext& ctx) {
  malloc_trim(0);
  ctx.reply.Ok();
}

void MemoryHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {"MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "DOCTOR",
                  "    Return memory problems reports.", "MALLOC-STATS",
                  "    Return internal statistics report from the memory allocator.", "PURGE",
                  "    Attempt to purge dirty pages for reclamation by the allocator.", "STATS",
                  "    Return information about the memory usage of the server.", "USAGE <key> [SAMPLES <count>]",
                  "    Return memory in bytes used by <key> and its value. Nested values are",
                  "    sampled up to <count> times (default: 5, 0 means sample all).", "HELP",
                  "    Prints this help."});
}

// ---- MODULE ----
// This node loads no modules: LIST is empty, LOAD and LOADEX fail as a failed load does in redis-server
// (with the reason in the log), UNLOAD finds no module of that name.

void ModuleList(CommandContext& ctx) { ctx.reply.Array(0); }

void ModuleLoad(CommandContext& ctx) {
  LogWarning("Module " + std::string(ctx.arg(2)) + " failed to load: modules are not supported by this server");
  ctx.reply.Error(err::kModuleLoadFailed);
}

void ModuleUnload(CommandContext& ctx) { ctx.reply.Error(err::kModuleUnloadNoSuch); }

void ModuleHelp(CommandContext& ctx) {
  ReplyHelp(ctx, {"MODULE <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", "LIST",
                  "    Return a list of loaded modules.", "LOAD <path> [<arg> ...]",
                  "    Load a module library from <path>, passing to it any optional arguments.",
                  "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
                  "    Load a module library from <path>, while passing it module configurations and optional "
                  "arguments.",
                  "UNLOAD <name>", "    Unload a module.", "HELP", "    Prints this help."});
}

// ---- LOLWUT ----

// A canvas of pixels with a color each (0 = background).
struct Canvas {
  int width, height;
  std::vector<uint8_t> pixels;
  Canvas(int w, int h, int bg) : width(w), height(h), pixels(static_cast<size_t>(w) * h, static_cast<uint8_t>(bg)) {}
  void Set(int x, int y, int color) {
    if (x >= 0 && x < width && y >= 0 && y < height) pixels[static_cast<size_t>(x) + static_cast<size_t>(y) * width] = color;
  }
  int Get(int x, int y) const {
    if (x < 0 || x >= width || y < 0 || y >= height) return 0;
    return pixels[static_cast<size_t>(x) + static_cast<size_t>(y) * width];
  }
  void Line(int x1, int y1, int x2, int y2, int color) {  // Bresenham
    int dx = std::abs(x2 - x1), dy = std::abs(y2 - y1);
    int sx = x1 < x2 ? 1 : -1, sy = y1 < y2 ? 1 : -1;
    int err = dx - dy;
    for (;;) {
      Set(x1, y1, color);
      if (x1 == x2 && y1 == y2) break;
      int e2 = err * 2;
      if (e2 > -dy) {
        err -= dy;
        x1 += sx;
      }
      if (e2 < dx) {
        err += dx;
        y1 += sy;
      }
    }
  }
  // A square centered at x,y, `size` wide, rotated by `angle`: its corners on a circle. The arithmetic is
  // in float where redis-server's is, so the same arguments draw the same pixels.
  void Square(int x, int y, float size, float angle, int color) {
    int px[4], py[4];
    size = static_cast<float>(size / 1.4142135623);
    size = static_cast<float>(std::round(static_cast<double>(size)));
    float k = static_cast<float>(M_PI / 4 + angle);
    for (int j = 0; j < 4; j++) {
      px[j] = static_cast<int>(std::round(std::sin(static_cast<double>(k)) * size + x));
      py[j] = static_cast<int>(std::round(std::cos(static_cast<double>(k)) * size + y));
      k = static_cast<float>(k + M_PI / 2);
    }
    for (int j = 0; j < 4; j++) Line(px[j], py[j], px[(j + 1) % 4], py[(j + 1) % 4], color);
  }
};

// Version 5: Georg Nees's "Schotter", squares that rotate and shift more the lower their row, drawn in
// Braille characters (2x4 pixels each).
std::string Schotter(int cols, int per_row, int per_col) {
  int canvas_width = cols * 2;
  int padding = canvas_width > 4 ? 2 : 0;
  float side = static_cast<float>(canvas_width - padding * 2) / per_row;
  int canvas_height = static_cast<int>(side * per_col + padding * 2);
  Canvas c(canvas_width, canvas_height, 0);
  for (int y = 0; y < per_col; y++) {
    for (int x = 0; x < per_row; x++) {
      int sx = static_cast<int>(x * side + side / 2 + padding);
      int sy = static_cast<int>(y * side + side / 2 + padding);
      float angle = 0;
      if (y > 1) {  // the first two rows stand straight
        float r[3];
        for (float& v : r) v = static_cast<float>(rand()) / static_cast<float>(RAND_MAX) / per_col * y;
        for (float& v : r) {
          if (rand() % 2) v = -v;
        }
        angle = r[0];
        sx = static_cast<int>(sx + r[1] * side / 3);
        sy = static_cast<int>(sy + r[2] * side / 3);
      }
      c.Square(sx, sy, side, angle, 1);
    }
  }
  std::string text;
  for (int y = 0; y < c.height; y += 4) {
    for (int x = 0; x < c.width; x += 2) {
      int bits = (c.Get(x, y) ? 1 : 0) | (c.Get(x, y + 1) ? 2 : 0) | (c.Get(x, y + 2) ? 4 : 0) |
                 (c.Get(x + 1, y) ? 8 : 0) | (c.Get(x + 1, y + 1) ? 16 : 0) | (c.Get(x + 1, y + 2) ? 32 : 0) |
                 (c.Get(x, y + 3) ? 64 : 0) | (c.Get(x + 1, y + 3) ? 128 : 0);
      int code = 0x2800 + bits;  // the Braille block, in UTF-8
      text += static_cast<char>(0xE0 | (code >> 12));
      text += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      text += static_cast<char>(0x80 | (code & 0x3F));
    }
    if (y != c.height - 1) text += '\n';
  }
  return text;
}

// Version 6: a skyline of skyscrapers in four grays (terminal color escapes), lit windows at random.
void Skyscraper(Canvas& c, int xoff, int width, int height, bool windows, int color) {
  int starty = c.height - 1, endy = starty - height + 1;
  for (int y = starty; y >= endy; y--) {
    for (int x = xoff; x < xoff + width; x++) {
      if (y == endy && (x <= xoff + 1 || x >= xoff + width - 2)) continue;  // the roof is 4 pixels narrower
      int col = color;
      if (windows && x > xoff + 1 && x < xoff + width - 2 && y > endy + 1 && y < starty - 1) {
        int relx = x - (xoff + 1), rely = y - (endy + 1);
        if ((relx / 2 % 2) && (rely % 2)) {  // windows two pixels wide, one tall
          do {
            col = 1 + rand() % 2;
          } while (col == color);
          if (relx % 2) col = c.Get(x - 1, y);
        }
      }
      c.Set(x, y, col);
    }
  }
}

std::string Skyline(int cols, int rows) {
  Canvas c(cols, rows, 3);
  for (int color = 2; color >= 1; color--) {  // background ones, lighter behind
    for (int offset = -10; offset < c.width;) {
      offset += rand() % 8;
      int width = 10 + rand() % 9;
      int height = color == 2 ? c.height / 2 + rand() % c.height / 2 : c.height / 2 + rand() % c.height / 3;
      Skyscraper(c, offset, width, height, false, color);
      offset += color == 2 ? width / 2 : width + 1;
    }
  }
  for (int offset = -10; offset < c.width;) {
    offset += rand() % 8;
    int width = 5 + rand() % 14;
    if (width % 4) width += width % 3;
    int height = c.height / 3 + rand() % c.height / 2;
    Skyscraper(c, offset, width, height, true, 0);
    offset += width + 5;
  }
  static const char* const kEscapes[] = {"0;30;40m", "0;90;100m", "0;37;47m", "0;97;107m"};
  std::string text;
  for (int y = 0; y < c.height; y++) {
    for (int x = 0; x < c.width; x++) {
      int color = c.Get(x, y);
      text += "\033[";
      text += kEscapes[color >= 0 && color <= 3 ? color : 0];
      text += " \033[0m";
    }
    if (y != c.height - 1) text += '\n';
  }
  return text;
}

// Parses LOLWUT's optional numeric arguments args[0..n) into out[i] (kept when absent); replies on error.
bool LolwutArgs(CommandContext& ctx, ArgList args, std::initializer_list<long*> out) {
  size_t i = 0;
  for (long* v : out) {
    if (i >= args.size()) break;
    int64_t n;
    if (!ParseInt64(args[i], &n)) {
      ctx.reply.Error(err::kNotInteger);
      return false;
    }
    *v = static_cast<long>(n);
    i++;
  }
  return true;
}

void LolwutCmd(CommandContext& ctx) {
  unsigned version = static_cast<unsigned>(kRedisVersion[0] - '0');  // "7.0.15": neither 5 nor 6
  ArgList args = ctx.argv.subspan(1);
  if (ctx.argc() >= 3 && EqualsIgnoreCase(ctx.arg(1), "version")) {
    int64_t v;
    if (!ParseInt64(ctx.arg(2), &v)) {
      ctx.reply.Error(err::kNotInteger);
      return;
    }
    version = static_cast<unsigned>(v);
    args = ctx.argv.subspan(3);
  }
  std::string text;
  if (version == 5) {
    long cols = 66, per_row = 8, per_col = 12;
    if (!LolwutArgs(ctx, args, {&cols, &per_row, &per_col})) return;
    cols = std::clamp(cols, 1L, 1000L);
    per_row = std::clamp(per_row, 1L, 200L);
    per_col = std::clamp(per_col, 1L, 200L);
    text = Schotter(static_cast<int>(cols), static_cast<int>(per_row), static_cast<int>(per_col));
    text += "\nGeorg Nees - schotter, plotter on paper, 1968. Redis ver. ";
  } else if (version == 6) {
    long cols = 80, rows = 20;
    if (!LolwutArgs(ctx, args, {&cols, &rows})) return;
    cols = std::clamp(cols, 1L, 1000L);
    rows = std::clamp(rows, 1L, 1000L);
    text = Skyline(static_cast<int>(cols), static_cast<int>(rows));
    text += "\nDedicated to the 8 bit game developers of past and present.\n"
            "Original 8 bit image from Plaguemon by hikikomori. Redis ver. ";
  } else {
    text = "Redis ver. ";
  }
  text += kRedisVersion;
  text += '\n';
  ctx.reply.Verbatim(text);
}

}  // namespace

void RegisterOperatorFamily(CommandRegistry& r) {
  const char* srv = "server";
  r.Add(ContainerSpec("memory", srv, "A container for memory diagnostics commands.",
                      {GroupSpec("memory|doctor", 2, 0, MemoryDoctor, srv, "Outputs a memory problems report."),
                       GroupSpec("memory|malloc-stats", 2, 0, MemoryMallocStats, srv, "Returns the allocator statistics."),
                       GroupSpec("memory|purge", 2, 0, MemoryPurge, srv, "Asks the allocator to release memory."),
                       GroupSpec("memory|stats", 2, 0, MemoryStats, srv, "Returns details about memory usage."),
                       GroupSpec("memory|usage", -3, kCmdReadOnly, MemoryUsage, srv, "Estimates the memory usage of a key.", 2, 2, 1),
                       HelpSpec("memory|help", MemoryHelp, srv)}));
  const uint32_t protected_admin = kCmdAdmin | kCmdNoScript | kCmdProtected;
  r.Add(ContainerSpec("module", srv, "A container for module commands.",
                      {GroupSpec("module|list", 2, kCmdAdmin | kCmdNoScript, ModuleList, srv, "Returns all loaded modules."),
                       GroupSpec("module|load", -3, protected_admin, ModuleLoad, srv, "Loads a module."),
                       GroupSpec("module|loadex", -3, protected_admin, ModuleLoad, srv, "Loads a module using extended parameters."),
                       GroupSpec("module|unload", 3, protected_admin, ModuleUnload, srv, "Unloads a module."),
                       HelpSpec("module|help", ModuleHelp, srv)}));
  r.Add(GroupSpec("lolwut", -1, kCmdReadOnly | kCmdFast, LolwutCmd, srv, "Displays computer art and the Redis version"));
}

}  // namespace rcs
