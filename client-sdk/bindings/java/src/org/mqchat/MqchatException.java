package org.mqchat;

/** A client could not be created: the code (Code) and the SDK's message. */
public final class MqchatException extends Exception {
  private static final long serialVersionUID = 1L;
  public final int code;

  public MqchatException(int code, String message) {
    super(Code.name(code) + ": " + message);
    this.code = code;
  }
}
