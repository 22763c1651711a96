#include "cluster/replication_link.h"

#include "server/replication_hooks.h"
#include "server/server.h"

namespace rcs::cluster {
namespace {

// Follows the replication subsystem, through the hooks the server holds.
class SubsystemLink : public ReplicationLink {
 public:
  SubsystemLink(Server& server) : server_(server) {}
  ReplicationHooks* repl() const { return server_.replication_hooks(); }
  void ReplicateFrom(const std::string& host, int port, const std::string& ip) override {
    if (ReplicationHooks* r = repl()) r->ReplicateFrom(host, port, ip);
    else server_.set_replica(true);
  }
  void BecomeMaster() override {
    if (ReplicationHooks* r = repl()) r->BecomeMaster();
    else server_.set_replica(false);
  }
  int64_t ReplicationOffset() const override {
    ReplicationHooks* r = repl();
    return r ? r->offset() : 0;
  }
  int64_t MasterSilenceMs(int64_t now_ms) const override {
    ReplicationHooks* r = repl();
    if (r == nullptr) return 0;
    int64_t since = r->master_link_up() ? r->master_last_io_ms() : r->link_down_since_ms();
    if (since == 0) since = r->master_last_io_ms();
    return since == 0 ? 0 : now_ms - since;
  }
  bool LinkUp() const override {
    ReplicationHooks* r = repl();
    return r ? r->master_link_up() : false;
  }

 private:
  Server& server_;
};

}  // namespace

std::unique_ptr<ReplicationLink> MakeReplicationLink(Server& server) {
  return std::make_unique<SubsystemLink>(server);
}

}  // namespace rcs::cluster
