// redis-cluster-node: a Redis Cluster node. Usage as redis-server:
//   redis-cluster-node [/path/to/redis.conf] [--port 6379] [--cluster-enabled yes] [--requirepass ...]
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/log.h"
#include "base/proc_title.h"
#include "node.h"
#include "persistence/aof_check.h"
#include "server/config.h"
#include "server/server.h"

namespace {
rcs::Server* g_server = nullptr;
void OnSignal(int) {
  if (g_server != nullptr) g_server->RequestShutdown();
}

void Usage() {
  fprintf(stderr,
          "Usage: redis-cluster-node [/path/to/redis.conf] [options] [-]\n"
          "       redis-cluster-node - (read config from stdin)\n"
          "       redis-cluster-node -v or --version\n"
          "       redis-cluster-node -h or --help\n"
          "       redis-cluster-node --check-aof <appendonlydir/appendonly.aof.manifest | file.aof> [--fix]\n\n"
          "Examples:\n"
          "       redis-cluster-node --port 7000 --cluster-enabled yes --requirepass secret\n"
          "       redis-cluster-node /etc/redis/7000.conf --loglevel verbose\n");
}
}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
    printf("redis-cluster-node v=%s (Redis protocol 7.0 compatible)\n", RCS_VERSION);
    return 0;
  }
  if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
    Usage();
    return 0;
  }
  if (argc >= 3 && strcmp(argv[1], "--check-aof") == 0) {
    // redis-cluster-node --check-aof <manifest or file> [--fix], as redis-check-aof.
    bool fix = argc >= 4 && strcmp(argv[3], "--fix") == 0;
    return rcs::RunCheckAof(argv[2], fix, stdout);
  }
  rcs::ProcTitleInit(argc, argv);
  const std::string exec_name = argv[0];
  rcs::Config config;
  rcs::Status st = rcs::LoadConfig(argc - 1, argv + 1, &config);
  if (!st.ok()) {
    fprintf(stderr, "\n*** FATAL CONFIG FILE ERROR (redis-cluster-node %s) ***\n%s\n", RCS_VERSION,
            st.message().c_str());
    return 1;
  }
  // From here on ps shows the title, not the arguments (which may carry a --requirepass).
  rcs::SetProcTitle(rcs::ProcessTitle(exec_name, config));
  if (config.daemonize) {
    fprintf(stderr, "daemonize yes is not supported: run in the foreground under a supervisor\n");
    return 1;
  }
  rcs::LogLevel level;
  rcs::ParseLogLevel(config.loglevel, &level);
  rcs::SetLogLevel(level);
  if (!rcs::SetLogFile(config.logfile)) {
    fprintf(stderr, "Can't open the log file: %s\n", strerror(errno));
    return 1;
  }
  // Directives of the file that were accepted for compatibility but change nothing here, once each.
  for (const std::string& line : rcs::NoEffectLogLines(config)) rcs::LogWarning(line);
  signal(SIGPIPE, SIG_IGN);
  rcs::Server server(config);
  rcs::WireNode(server);
  // rename-command lines, now that the command table exists; an unknown command stops startup as in Redis.
  for (const rcs::Config::Rename& r : config.rename_commands) {
    std::string_view reason;
    if (!server.commands().Rename(r.from, r.to, &reason)) {
      fprintf(stderr,
              "\n*** FATAL CONFIG FILE ERROR (redis-cluster-node %s) ***\nReading the configuration file %s, at line "
              "%d\n>>> 'rename-command %s \"%s\"'\n%.*s\n",
              RCS_VERSION, r.source.c_str(), r.line, r.from.c_str(), r.to.c_str(), static_cast<int>(reason.size()),
              reason.data());
      return 1;
    }
  }
  // ACL users (user lines or the aclfile), now that the command table exists.
  if (rcs::Status acl = server.LoadConfiguredUsers(); !acl.ok()) {
    rcs::LogWarning(acl.message());
    rcs::LogWarning("Critical error while loading ACLs. Exiting.");
    return 1;
  }
  g_server = &server;
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  st = server.Start();
  if (!st.ok()) {
    rcs::LogWarning(st.message());
    return 1;
  }
  server.Run();
  g_server = nullptr;
  return 0;
}
