// The plugin's only extern "C" surface: version, init, cleanup and the callback trampolines.
// Nothing here but translation between mosquitto structs and mqchat::Plugin. Broker thread.
// clang-format off
#include <mosquitto_broker.h>  // must precede mosquitto_plugin.h on 2.0.11
#include <mosquitto_plugin.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
// clang-format on

#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <string_view>

#include "app/plugin.h"
#include "broker/mosquitto_broker_api.h"
#include "config/config.h"
#include "util/clock.h"

#define MQCHAT_EXPORT __attribute__((visibility("default")))

namespace {

using mqchat::Status;

// What the broker holds as userdata: the plugin and the objects it borrows.
struct Instance {
  mosquitto_plugin_id_t* id = nullptr;
  mqchat::MosquittoBrokerApi broker;
  mqchat::SystemClock clock;
  std::unique_ptr<mqchat::Plugin> plugin;
};

int ToMosqErr(const Status& status) {
  switch (status.code()) {
    case mqchat::Code::kOk: return MOSQ_ERR_SUCCESS;
    case mqchat::Code::kUnauthenticated:
    case mqchat::Code::kPermissionDenied: return MOSQ_ERR_AUTH;
    case mqchat::Code::kInvalidArgument: return MOSQ_ERR_INVAL;
    case mqchat::Code::kResourceExhausted: return MOSQ_ERR_NOMEM;
    default: return MOSQ_ERR_UNKNOWN;
  }
}

// Runs `fn`; no exception crosses into the broker's C frames. `on_exception` is the return value
// when one is caught (it must be a code the broker treats as a refusal, never as success).
template <typename Fn>
int Guard(const char* where, int on_exception, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    mosquitto_log_printf(MOSQ_LOG_ERR, "mqchat: %s: unexpected exception: %s", where, e.what());
  } catch (...) {
    mosquitto_log_printf(MOSQ_LOG_ERR, "mqchat: %s: unexpected exception", where);
  }
  return on_exception;
}

// What BASIC_AUTH answers for a login's outcome. A refusal of the credentials is MOSQ_ERR_AUTH
// (CONNACK 0x87 / 5), which clients take as final. "Not now" (a connection flood, the hash budget
// spent, a throttled name or address) must not look final, or an SDK would stop reconnecting for
// good after a broker restart or while someone else attacks its user. Mosquitto 2.0.11 cannot
// send 0x89 "Server busy" from a plugin; any other error code makes it close the connection
// without a CONNACK (handle_connect.c), which clients treat as a network failure and retry with
// backoff.
int BasicAuthResult(const Status& status) {
  if (status.ok()) return MOSQ_ERR_SUCCESS;
  if (status.code() == mqchat::Code::kUnavailable) return MOSQ_ERR_UNKNOWN;
  return MOSQ_ERR_AUTH;
}

int OnBasicAuth(int, void* event_data, void* userdata) {
  auto* inst = static_cast<Instance*>(userdata);
  auto* ed = static_cast<mosquitto_evt_basic_auth*>(event_data);
  return Guard("basic_auth", MOSQ_ERR_AUTH, [&]() -> int {
    const char* client_id = mosquitto_client_id(ed->client);
    const char* address = mosquitto_client_address(ed->client);
    mqchat::auth::LoginRequest request;
    request.client_id = client_id ? client_id : "";
    request.username = ed->username;
    request.password = ed->password;
    request.address = address ? address : "";
    Status s = inst->plugin->OnBasicAuth(ed->client, request,
                                         mosquitto_client_protocol_version(ed->client));
    return BasicAuthResult(s);
  });
}

int OnAclCheck(int, void* event_data, void* userdata) {
  auto* inst = static_cast<Instance*>(userdata);
  auto* ed = static_cast<mosquitto_evt_acl_check*>(event_data);
  return Guard("acl_check", MOSQ_ERR_ACL_DENIED, [&]() -> int {
    bool ok = ed->topic != nullptr &&
              inst->plugin->OnAclCheck(ed->client, ed->topic,
                                       static_cast<mqchat::acl::Access>(ed->access), ed->retain);
    return ok ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
  });
}

// The MQTT 5 request/response properties of a PUBLISH (empty when absent).
struct RequestProps {
  std::string response_topic;
  std::string correlation_data;
};

RequestProps ReadRequestProps(const mosquitto_property* props) {
  RequestProps out;
  char* topic = nullptr;
  if (mosquitto_property_read_string(props, MQTT_PROP_RESPONSE_TOPIC, &topic, false) && topic) {
    out.response_topic = topic;
    mosquitto_free(topic);
  }
  void* data = nullptr;
  uint16_t len = 0;
  if (mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA, &data, &len, false) &&
      data) {
    out.correlation_data.assign(static_cast<const char*>(data), len);
    mosquitto_free(data);
  }
  return out;
}

int OnMessage(int, void* event_data, void* userdata) {
  auto* inst = static_cast<Instance*>(userdata);
  auto* ed = static_cast<mosquitto_evt_message*>(event_data);
  // ACL_DENIED is the one refusal that keeps the client connected (v5 PUBACK 0x87).
  return Guard("message", MOSQ_ERR_ACL_DENIED, [&]() -> int {
    if (ed->topic == nullptr) return MOSQ_ERR_ACL_DENIED;
    RequestProps props = ReadRequestProps(ed->properties);
    auto verdict = inst->plugin->OnMessage(
        ed->client, ed->topic,
        std::string_view(static_cast<const char*>(ed->payload), ed->payloadlen),
        props.response_topic, props.correlation_data);
    return verdict == mqchat::Plugin::MessageVerdict::kRefused ? MOSQ_ERR_ACL_DENIED
                                                               : MOSQ_ERR_SUCCESS;
  });
}

int OnDisconnect(int, void* event_data, void* userdata) {
  auto* inst = static_cast<Instance*>(userdata);
  auto* ed = static_cast<mosquitto_evt_disconnect*>(event_data);
  return Guard("disconnect", MOSQ_ERR_SUCCESS, [&]() -> int {
    inst->plugin->OnDisconnect(ed->client);
    return MOSQ_ERR_SUCCESS;
  });
}

int OnTick(int, void*, void* userdata) {
  auto* inst = static_cast<Instance*>(userdata);
  return Guard("tick", MOSQ_ERR_SUCCESS, [&]() -> int {
    inst->plugin->OnTick();
    return MOSQ_ERR_SUCCESS;
  });
}

struct CallbackSpec {
  int event;
  MOSQ_FUNC_generic_callback fn;
};

constexpr CallbackSpec kCallbacks[] = {
    {MOSQ_EVT_BASIC_AUTH, OnBasicAuth},
    {MOSQ_EVT_ACL_CHECK, OnAclCheck},
    {MOSQ_EVT_MESSAGE, OnMessage},
    {MOSQ_EVT_DISCONNECT, OnDisconnect},
    {MOSQ_EVT_TICK, OnTick},
};

void UnregisterAll(mosquitto_plugin_id_t* id) {
  for (const auto& cb : kCallbacks) {
    mosquitto_callback_unregister(id, cb.event, cb.fn, nullptr);
  }
}

// Config errors must reach an operator whatever log_dest says: stderr and the broker log.
void ReportInitError(const Status& status) {
  std::fprintf(stderr, "mqchat: cannot start: %s\n", status.message().c_str());
  mosquitto_log_printf(MOSQ_LOG_ERR, "mqchat: cannot start: %s", status.message().c_str());
}

}  // namespace

extern "C" {

MQCHAT_EXPORT int mosquitto_plugin_version(int supported_version_count,
                                           const int* supported_versions) {
  for (int i = 0; i < supported_version_count; ++i) {
    if (supported_versions[i] == 5) return 5;
  }
  return -1;
}

MQCHAT_EXPORT int mosquitto_plugin_init(mosquitto_plugin_id_t* identifier, void** userdata,
                                        struct mosquitto_opt* options, int option_count) {
  return Guard("init", MOSQ_ERR_UNKNOWN, [&]() -> int {
    mqchat::OptionList opts;
    for (int i = 0; i < option_count; ++i) {
      opts.emplace_back(options[i].key ? options[i].key : "",
                        options[i].value ? options[i].value : "");
    }
    auto config = mqchat::ParseConfig(opts);
    if (!config.ok()) {
      ReportInitError(config.status());
      return MOSQ_ERR_INVAL;
    }
    auto inst = std::make_unique<Instance>();
    inst->id = identifier;
    auto plugin = mqchat::Plugin::Create(std::move(*config), inst->broker, inst->clock);
    if (!plugin.ok()) {
      ReportInitError(plugin.status());
      return ToMosqErr(plugin.status()) == MOSQ_ERR_SUCCESS ? MOSQ_ERR_UNKNOWN
                                                            : ToMosqErr(plugin.status());
    }
    inst->plugin = std::move(*plugin);
    for (const auto& cb : kCallbacks) {
      int rc = mosquitto_callback_register(identifier, cb.event, cb.fn, nullptr, inst.get());
      if (rc != MOSQ_ERR_SUCCESS) {
        UnregisterAll(identifier);
        ReportInitError(Status::Internal("registering callback for event " +
                                         std::to_string(cb.event) + " failed: " +
                                         std::to_string(rc)));
        return rc;
      }
    }
    mosquitto_log_printf(MOSQ_LOG_NOTICE, "mqchat: plugin started");
    *userdata = inst.release();  // cleanup takes it back
    return MOSQ_ERR_SUCCESS;
  });
}

MQCHAT_EXPORT int mosquitto_plugin_cleanup(void* userdata, struct mosquitto_opt*, int) {
  return Guard("cleanup", MOSQ_ERR_SUCCESS, [&]() -> int {
    std::unique_ptr<Instance> inst(static_cast<Instance*>(userdata));
    if (inst) {
      UnregisterAll(inst->id);
      inst->plugin.reset();  // joins threads
    }
    return MOSQ_ERR_SUCCESS;
  });
}

}  // extern "C"
