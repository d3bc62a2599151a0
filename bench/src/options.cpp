#include "options.h"

#include <getopt.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>

namespace mqchat::bench {
namespace {

constexpr const char* kUsage =
    "usage: mqchat-bench --scenario NAME [options]\n"
    "scenarios: pairs | rate | group | baseline-pairs | baseline-group | idle | baseline-idle |\n"
    "  reconnect-storm | baseline-reconnect-storm | presence | channel\n"
    "  --host H (127.0.0.1)  --port N (1883)  --jwt-secret S (chat scenarios; or\n"
    "  $MQCHAT_BENCH_JWT_SECRET)  --pairs N (10)  --window W (64 per sender)\n"
    "  --duration S (10; 0 = until --messages)  --messages M (total; 0 = until --duration)\n"
    "  --rate R (offered msgs/s over all senders; rate: 1000; others: window pacing)\n"
    "  --group-size G (100)  --senders S (1)  --payload-bytes B (100)  --threads T (1..2)\n"
    "  --send-qos Q (1; QoS of each send request or plain publish: 0 or 1)\n"
    "  --mixed (chat messaging: of every 10 requests per sender, 8 messages, an edit and a\n"
    "  reaction of its newest acked message)\n"
    "  --drain S (10)  --prefix P (username prefix)  --json  --help\n"
    "  --broker-pid PID (report broker RSS/CPU from /proc)  --connect-window N (100 CONNECTs\n"
    "  awaiting CONNACK)  idle: --connections N (10000), held --duration S\n"
    "  storm: --devices D (10000) --missed M (10) --clean-session (no MQTT session: sync only)\n"
    "  presence: --watchers W (99) --transitions T (2000) --rate R (cap, transitions/s)\n"
    "  channel: --members M (100000) --online N (2000) --rate R (100 msgs/s) --bulk-members CMD\n"
    "  (run after the server exists; adds members <prefix>m0.. with $MQCHAT_BENCH_SERVER_ID,\n"
    "  $MQCHAT_BENCH_PREFIX, $MQCHAT_BENCH_MEMBERS)\n"
    "exit: 0 all connected and nothing lost or duplicated; 1 otherwise; 2 usage\n";

Status Bad(const std::string& what) { return Status::InvalidArgument(what); }

Result<double> ParseDouble(const char* name, const char* text, double min, double max) {
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text, &end);
  if (errno != 0 || end == text || *end != '\0' || !(v >= min && v <= max)) {
    return Bad(std::string("--") + name + ": '" + text + "' is not a number in [" +
               std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return v;
}

Result<int64_t> ParseInt(const char* name, const char* text, int64_t min, int64_t max) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > max) {
    return Bad(std::string("--") + name + ": '" + text + "' is not an integer in [" +
               std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<int64_t>(v);
}

Result<Scenario> ParseScenario(const std::string& name) {
  for (Scenario s : {Scenario::kPairs, Scenario::kRate, Scenario::kGroup, Scenario::kBaselinePairs,
                     Scenario::kBaselineGroup, Scenario::kIdle, Scenario::kBaselineIdle,
                     Scenario::kStorm, Scenario::kBaselineStorm, Scenario::kPresence,
                     Scenario::kChannel}) {
    if (name == ScenarioName(s)) return s;
  }
  return Bad("--scenario: unknown scenario '" + name + "'");
}

// A default prefix unique enough that repeated runs against one store do not collide.
std::string DefaultPrefix() {
  unsigned long tag = static_cast<unsigned long>(std::time(nullptr)) * 131 + ::getpid();
  const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  for (int i = 0; i < 7; ++i, tag /= 36) out.insert(out.begin(), digits[tag % 36]);
  return "b" + out + "-";
}

Status ValidatePrefix(const std::string& prefix) {
  if (prefix.empty() || prefix.size() > 40) return Bad("--prefix: 1..40 characters");
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = prefix[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-'))) {
      return Bad("--prefix: use [A-Za-z0-9_.-], starting with a letter or digit");
    }
  }
  return Status::Ok();
}

}  // namespace

bool IsChat(Scenario s) {
  return s == Scenario::kPairs || s == Scenario::kRate || s == Scenario::kGroup ||
         s == Scenario::kIdle || s == Scenario::kStorm || s == Scenario::kPresence ||
         s == Scenario::kChannel;
}

bool IsMessaging(Scenario s) {
  return s == Scenario::kPairs || s == Scenario::kRate || s == Scenario::kGroup ||
         s == Scenario::kBaselinePairs || s == Scenario::kBaselineGroup;
}

bool IsGroup(Scenario s) { return s == Scenario::kGroup || s == Scenario::kBaselineGroup; }

const char* ScenarioName(Scenario s) {
  switch (s) {
    case Scenario::kPairs:
      return "pairs";
    case Scenario::kRate:
      return "rate";
    case Scenario::kGroup:
      return "group";
    case Scenario::kBaselinePairs:
      return "baseline-pairs";
    case Scenario::kBaselineGroup:
      return "baseline-group";
    case Scenario::kIdle:
      return "idle";
    case Scenario::kBaselineIdle:
      return "baseline-idle";
    case Scenario::kStorm:
      return "reconnect-storm";
    case Scenario::kBaselineStorm:
      return "baseline-reconnect-storm";
    case Scenario::kPresence:
      return "presence";
    case Scenario::kChannel:
      return "channel";
  }
  return "?";
}

const char* Usage() { return kUsage; }

// Long (about 200 lines) on purpose: one getopt_long table and one case per flag, read as the
// option list it is; splitting it would scatter each flag's name, parsing and check.
Result<ParsedOptions> ParseOptions(int argc, char** argv) {
  enum {
    kScenario = 1000,
    kHost,
    kPort,
    kSecret,
    kPairsOpt,
    kWindow,
    kDuration,
    kMessages,
    kRateOpt,
    kGroupSize,
    kSenders,
    kPayload,
    kThreads,
    kDrain,
    kJson,
    kPrefix,
    kConnections,
    kDevices,
    kMissed,
    kCleanSession,
    kConnectWindow,
    kWatchers,
    kTransitions,
    kBrokerPid,
    kSendQos,
    kMembers,
    kMixed,
    kOnline,
    kBulkMembers,
    kHelp
  };
  static const option kLong[] = {{"scenario", required_argument, nullptr, kScenario},
                                 {"host", required_argument, nullptr, kHost},
                                 {"port", required_argument, nullptr, kPort},
                                 {"jwt-secret", required_argument, nullptr, kSecret},
                                 {"pairs", required_argument, nullptr, kPairsOpt},
                                 {"window", required_argument, nullptr, kWindow},
                                 {"duration", required_argument, nullptr, kDuration},
                                 {"messages", required_argument, nullptr, kMessages},
                                 {"rate", required_argument, nullptr, kRateOpt},
                                 {"group-size", required_argument, nullptr, kGroupSize},
                                 {"senders", required_argument, nullptr, kSenders},
                                 {"payload-bytes", required_argument, nullptr, kPayload},
                                 {"threads", required_argument, nullptr, kThreads},
                                 {"drain", required_argument, nullptr, kDrain},
                                 {"json", no_argument, nullptr, kJson},
                                 {"prefix", required_argument, nullptr, kPrefix},
                                 {"connections", required_argument, nullptr, kConnections},
                                 {"devices", required_argument, nullptr, kDevices},
                                 {"missed", required_argument, nullptr, kMissed},
                                 {"clean-session", no_argument, nullptr, kCleanSession},
                                 {"connect-window", required_argument, nullptr, kConnectWindow},
                                 {"watchers", required_argument, nullptr, kWatchers},
                                 {"transitions", required_argument, nullptr, kTransitions},
                                 {"broker-pid", required_argument, nullptr, kBrokerPid},
                                 {"send-qos", required_argument, nullptr, kSendQos},
                                 {"members", required_argument, nullptr, kMembers},
                                 {"mixed", no_argument, nullptr, kMixed},
                                 {"online", required_argument, nullptr, kOnline},
                                 {"bulk-members", required_argument, nullptr, kBulkMembers},
                                 {"help", no_argument, nullptr, kHelp},
                                 {nullptr, 0, nullptr, 0}};

  ParsedOptions parsed;
  Options& o = parsed.options;
  bool rate_given = false;
  bool duration_given = false;
  opterr = 0;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "h", kLong, nullptr)) != -1) {
    switch (c) {
      case kScenario: {
        MQCHAT_ASSIGN_OR_RETURN(o.scenario, ParseScenario(optarg));
        break;
      }
      case kHost:
        o.host = optarg;
        break;
      case kPort: {
        MQCHAT_ASSIGN_OR_RETURN(o.port, ParseInt("port", optarg, 1, 65535));
        break;
      }
      case kSecret:
        o.jwt_secret = optarg;
        break;
      case kPairsOpt: {
        MQCHAT_ASSIGN_OR_RETURN(o.pairs, ParseInt("pairs", optarg, 1, 5000));
        break;
      }
      case kWindow: {
        MQCHAT_ASSIGN_OR_RETURN(o.window, ParseInt("window", optarg, 1, 100000));
        break;
      }
      case kDuration: {
        MQCHAT_ASSIGN_OR_RETURN(o.duration_s, ParseDouble("duration", optarg, 0, 86400));
        duration_given = true;
        break;
      }
      case kMessages: {
        MQCHAT_ASSIGN_OR_RETURN(o.messages, ParseInt("messages", optarg, 0, 1000000000));
        break;
      }
      case kRateOpt: {
        MQCHAT_ASSIGN_OR_RETURN(o.rate, ParseDouble("rate", optarg, 0.001, 10000000));
        rate_given = true;
        break;
      }
      case kGroupSize: {
        MQCHAT_ASSIGN_OR_RETURN(o.group_size, ParseInt("group-size", optarg, 2, 100000));
        break;
      }
      case kSenders: {
        MQCHAT_ASSIGN_OR_RETURN(o.senders, ParseInt("senders", optarg, 1, 100000));
        break;
      }
      case kPayload: {
        MQCHAT_ASSIGN_OR_RETURN(o.payload_bytes, ParseInt("payload-bytes", optarg, 1, 10000000));
        break;
      }
      case kSendQos: {
        int64_t qos = 1;
        MQCHAT_ASSIGN_OR_RETURN(qos, ParseInt("send-qos", optarg, 0, 1));
        o.send_qos = static_cast<int>(qos);
        break;
      }
      case kThreads: {
        MQCHAT_ASSIGN_OR_RETURN(o.threads, ParseInt("threads", optarg, 1, 2));
        break;
      }
      case kDrain: {
        MQCHAT_ASSIGN_OR_RETURN(o.drain_s, ParseDouble("drain", optarg, 0, 3600));
        break;
      }
      case kJson:
        o.json = true;
        break;
      case kPrefix:
        o.prefix = optarg;
        break;
      case kConnections: {
        MQCHAT_ASSIGN_OR_RETURN(o.connections, ParseInt("connections", optarg, 1, 1000000));
        break;
      }
      case kDevices: {
        MQCHAT_ASSIGN_OR_RETURN(o.devices, ParseInt("devices", optarg, 1, 1000000));
        break;
      }
      case kMissed: {
        MQCHAT_ASSIGN_OR_RETURN(o.missed, ParseInt("missed", optarg, 1, 100000));
        break;
      }
      case kCleanSession:
        o.clean_session = true;
        break;
      case kConnectWindow: {
        MQCHAT_ASSIGN_OR_RETURN(o.connect_window, ParseInt("connect-window", optarg, 1, 100000));
        break;
      }
      case kWatchers: {
        MQCHAT_ASSIGN_OR_RETURN(o.watchers, ParseInt("watchers", optarg, 1, 100000));
        break;
      }
      case kTransitions: {
        MQCHAT_ASSIGN_OR_RETURN(o.transitions, ParseInt("transitions", optarg, 1, 10000000));
        break;
      }
      case kBrokerPid: {
        MQCHAT_ASSIGN_OR_RETURN(o.broker_pid, ParseInt("broker-pid", optarg, 1, 1 << 30));
        break;
      }
      case kMembers: {
        MQCHAT_ASSIGN_OR_RETURN(o.members, ParseInt("members", optarg, 1, 10000000));
        break;
      }
      case kMixed:
        o.mixed = true;
        break;
      case kOnline: {
        MQCHAT_ASSIGN_OR_RETURN(o.online, ParseInt("online", optarg, 1, 100000));
        break;
      }
      case kBulkMembers:
        o.bulk_cmd = optarg;
        break;
      case kHelp:
      case 'h':
        parsed.help = true;
        return parsed;
      default:
        return Bad(std::string("unknown or incomplete option '") + argv[optind - 1] + "'");
    }
  }
  if (optind < argc) return Bad(std::string("unexpected argument '") + argv[optind] + "'");

  if (o.scenario == Scenario::kRate && !rate_given) o.rate = 1000;
  if (o.mixed && !(IsChat(o.scenario) && IsMessaging(o.scenario))) {
    return Bad("--mixed is for the chat messaging scenarios (pairs, rate, group)");
  }
  if (o.scenario == Scenario::kChannel) {
    if (!rate_given) o.rate = 100;
    if (o.online > o.members) return Bad("--online must not exceed --members");
  }
  // --messages alone means "until M are sent", not "M or 10 s, whichever comes first".
  if (o.messages > 0 && !duration_given) o.duration_s = 0;
  if (IsMessaging(o.scenario) && o.duration_s <= 0 && o.messages <= 0) {
    return Bad("give --duration or --messages");
  }
  if (IsGroup(o.scenario) && o.senders > o.group_size) {
    return Bad("--senders must not exceed --group-size");
  }
  if (IsChat(o.scenario) && o.jwt_secret.empty()) {
    const char* env = std::getenv("MQCHAT_BENCH_JWT_SECRET");
    if (env != nullptr) o.jwt_secret = env;
    if (o.jwt_secret.size() < 32) {
      return Bad(
          "chat scenarios need --jwt-secret (at least 32 bytes), as the broker's "
          "plugin_opt_jwt_hs256_secret");
    }
  }
  if (o.prefix.empty()) o.prefix = DefaultPrefix();
  MQCHAT_RETURN_IF_ERROR(ValidatePrefix(o.prefix));
  return parsed;
}

}  // namespace mqchat::bench
