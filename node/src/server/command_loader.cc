#include "server/command_loader.h"

#include <vector>

#include "base/strutil.h"
#include "server/server.h"

namespace rcs {

CommandStreamLoader::CommandStreamLoader(Server& server) : server_(server) {
  client_ = server_.CreateFakeClient();
  client_->flags |= kClientMaster;
  client_->name = "loader";
  server_.set_loading(true);
  // Nothing expires while the stream replays (a database first used meanwhile: Server::InitDb).
  for (int i = 0; i < server_.db_count(); i++) {
    if (Keyspace* db = server_.db_if_exists(i)) db->set_expiry_disabled(true);
  }
}

CommandStreamLoader::~CommandStreamLoader() {
  for (int i = 0; i < server_.db_count(); i++) {
    if (Keyspace* db = server_.db_if_exists(i)) db->set_expiry_disabled(false);
  }
  server_.set_loading(false);
  server_.FreeClient(client_);
}

void CommandStreamLoader::StartFile() {
  offset_ = multi_offset_ = 0;
  in_multi_ = false;
  parser_.Reset();
  client_->flags &= ~(kClientMulti | kClientDirtyExec);
  client_->multi_queue.clear();
}

bool CommandStreamLoader::Execute(const std::vector<std::string_view>& argv, std::string* reply) {
  server_.ExecuteCommand(client_, argv);
  reply->assign(client_->out);
  client_->out.clear();
  return reply->empty() || (*reply)[0] != '-';
}

StatusOr<size_t> CommandStreamLoader::Feed(std::string_view data) {
  std::vector<std::string_view> args;
  size_t pos = 0;
  while (pos < data.size()) {
    if (!parser_.in_progress()) {
      if (data[pos] == '#') {
        // An annotation line (Redis's aof-timestamp-enabled "#TS:..."): skipped.
        size_t nl = data.find('\n', pos);
        if (nl == std::string_view::npos) break;
        last_annotation_.assign(data.substr(pos, nl - pos));
        if (!last_annotation_.empty() && last_annotation_.back() == '\r') last_annotation_.pop_back();
        commands_since_annotation_ = 0;
        offset_ += nl + 1 - pos;
        pos = nl + 1;
        continue;
      }
      if (data[pos] != '*') return Status::Error("bad command format (expected '*')");
    }
    size_t consumed = 0;
    auto r = parser_.Parse(data.substr(pos), &consumed, &args);
    if (r == RespParser::Result::kIncomplete) break;
    if (r == RespParser::Result::kError) return Status::Error("bad command format (" + parser_.error() + ")");
    if (!args.empty()) {
      if (server_.commands().Find(args[0]) == nullptr) {
        return Status::Error("unknown command '" + std::string(args[0].substr(0, 64)) + "'");
      }
      if (EqualsIgnoreCase(args[0], "multi")) {
        in_multi_ = true;
        multi_offset_ = offset_;
      }
      server_.ExecuteCommand(client_, args);
      client_->out.clear();
      if (EqualsIgnoreCase(args[0], "exec") || EqualsIgnoreCase(args[0], "discard")) in_multi_ = false;
      commands_++;
      commands_since_annotation_++;
    }
    pos += consumed;
    offset_ += consumed;
  }
  return pos;
}

}  // namespace rcs
