package org.mqchat;

import java.util.ArrayList;
import java.util.List;

/** What Client.create needs (mqchat_options of the C API). Negative durations: the SDK's default. */
public final class Options {
  final List<String> servers = new ArrayList<>();
  String username = "";
  String password = "";
  String deviceId;
  String cachePath = "";
  long reconnectMinMs = -1;
  long reconnectMaxMs = -1;
  long connectTimeoutMs = -1;
  long backgroundGraceMs = -1;

  /** "tcp://host:port", "ssl://", "ws://", "wss://"; again: one more broker, tried in order. */
  public Options server(String uri) {
    servers.add(uri);
    return this;
  }

  /** A password or a login JWT. */
  public Options credentials(String username, String password) {
    this.username = username;
    this.password = password;
    return this;
  }

  public Options device(String deviceId) {
    this.deviceId = deviceId;
    return this;
  }

  /** The SQLite cache file (the app's files directory on a phone); "" keeps it in memory. */
  public Options cachePath(String path) {
    this.cachePath = path;
    return this;
  }

  public Options reconnect(long minMs, long maxMs) {
    this.reconnectMinMs = minMs;
    this.reconnectMaxMs = maxMs;
    return this;
  }

  public Options connectTimeout(long ms) {
    this.connectTimeoutMs = ms;
    return this;
  }

  public Options backgroundGrace(long ms) {
    this.backgroundGraceMs = ms;
    return this;
  }
}
