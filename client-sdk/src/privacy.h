// The user's block list and dm_policy on the SDK side (docs/PROTOCOL.md, "Blocking and who may
// message me"): conversion from the protocol's body, the copy the cache keeps, and whether a
// received copy changed anything (then the caller emits an OnPrivacy event). Engine thread.
#pragma once

#include <optional>

#include "local_cache.h"
#include "mqchat/status.h"
#include "mqchat/types.h"
#include "protocol/privacy.h"

namespace mqchat::sdk {

PrivacySettings PrivacyFromWire(const protocol::WirePrivacy& wire);
protocol::DmPolicy DmPolicyToWire(DmPolicy policy);

// The cached settings (defaults if none were ever stored).
Result<PrivacySettings> CachedPrivacy(const LocalCache& cache);

// Stores `wire` in the cache; returns the settings if they differ from the cached ones (the
// caller emits them), nullopt if nothing changed or the cache failed (logged by the caller).
Result<std::optional<PrivacySettings>> StorePrivacy(LocalCache& cache,
                                                    const protocol::WirePrivacy& wire);

}  // namespace mqchat::sdk
