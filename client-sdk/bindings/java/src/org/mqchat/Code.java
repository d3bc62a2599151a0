package org.mqchat;

/** The codes, connection states and push platforms of the C API (mqchat_c.h; same numbers). */
public final class Code {
  private Code() {}

  public static final int OK = 0;
  public static final int INVALID_ARGUMENT = 1;
  public static final int NOT_FOUND = 2;
  public static final int ALREADY_EXISTS = 3;
  public static final int PERMISSION_DENIED = 4;
  public static final int UNAUTHENTICATED = 5;
  /** Not connected or the server is busy: try again later. */
  public static final int UNAVAILABLE = 6;
  public static final int RESOURCE_EXHAUSTED = 7;
  public static final int FAILED_PRECONDITION = 8;
  public static final int INTERNAL = 9;
  public static final int CANCELLED = 10;

  public static final int DISCONNECTED = 0;
  public static final int CONNECTING = 1;
  public static final int SYNCING = 2;
  public static final int ONLINE = 3;

  public static final int PUSH_FCM = 0;
  public static final int PUSH_APNS = 1;
  public static final int PUSH_WEBPUSH = 2;
  public static final int PUSH_WEBHOOK = 3;

  private static final String[] NAMES = {"OK", "INVALID_ARGUMENT", "NOT_FOUND", "ALREADY_EXISTS",
      "PERMISSION_DENIED", "UNAUTHENTICATED", "UNAVAILABLE", "RESOURCE_EXHAUSTED",
      "FAILED_PRECONDITION", "INTERNAL", "CANCELLED"};

  public static String name(int code) {
    return code >= 0 && code < NAMES.length ? NAMES[code] : "CODE_" + code;
  }
}
