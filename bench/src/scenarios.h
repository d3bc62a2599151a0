// The scenarios that are not message traffic, one file each: idle connections (scenario_idle.cpp),
// the reconnect storm (scenario_storm.cpp, storm_setup.cpp), presence churn
// (scenario_presence.cpp) and one channel of a large server (scenario_channel.cpp), each with its
// plain-Mosquitto baseline where one exists. Each builds its own Fleet, never throws, and puts
// problems into the returned Figures. Main thread.
#pragma once

#include "options.h"
#include "report.h"

namespace mqchat::bench {

// idle / baseline-idle: --connections users, one connection each (JWT login, subscribed to
// mqchat/v1/u/<user>/# like a device; the baseline: anonymous, same ids and filters), held for
// --duration seconds. With --broker-pid: the broker's VmRSS growth per connection.
Figures RunIdle(const Options& options);

// reconnect-storm / baseline-reconnect-storm: see storm.h.
Figures RunStorm(const Options& options);

// presence: see scenario_presence.cpp.
Figures RunPresence(const Options& options);

// channel: see scenario_channel.cpp.
Figures RunChannel(const Options& options);

}  // namespace mqchat::bench
