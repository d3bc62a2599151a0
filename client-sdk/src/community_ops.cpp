// ClientImpl's community calls (issue 18): a community op started like the other requests
// (client_ops.cpp, through RequestTracker's community form) and a channel's live topic watched
// like a user's presence (Connection::WatchChannel). Decoding into the public types is
// community_result.h's; Client's calls (client_community.cpp) put the two together.
#include "client_impl.h"

namespace mqchat::sdk {

RequestId ClientImpl::Community(protocol::CommunityRequest request,
                                Done<Result<protocol::Response>> done) {
  auto publish = [this, request = std::move(request)](RequestTracker::ResponseHandler h) {
    return tracker_.Start(request, std::move(h));
  };
  return Launch(std::move(publish), std::move(done));
}

void ClientImpl::WatchChannel(int64_t channel_id, Done<Status> done) {
  if (channel_id <= 0) return done(Status::InvalidArgument("channel_id must be positive"));
  auto task = [this, channel_id, done] { connection_.WatchChannel(channel_id, done); };
  if (!loop_.Post(std::move(task))) done(Status::Unavailable("the client is shutting down"));
}

void ClientImpl::UnwatchChannel(int64_t channel_id, Done<Status> done) {
  if (channel_id <= 0) return done(Status::InvalidArgument("channel_id must be positive"));
  auto task = [this, channel_id, done] { connection_.UnwatchChannel(channel_id, done); };
  if (!loop_.Post(std::move(task))) done(Status::Unavailable("the client is shutting down"));
}

void ClientImpl::RestoreChannels() {
  if (!connection_.WatchesChannels()) return;
  protocol::CommunityRequest servers;
  servers.op = protocol::CommunityOp::kServers;
  Community(std::move(servers), [this](Result<protocol::Response> r) {
    if (!r.ok()) log_("mqchat: servers before resubscribing channels: " + r.status().ToString());
    connection_.ResubscribeChannels();
    sync_.Start();  // again: the first sync may have run before the access loaded
  });
}

}  // namespace mqchat::sdk
