package org.mqchat;

/** The server's acknowledgement of a sent message (mqchat_ack of the C API). Immutable. */
public final class Ack {
  public final long conversationId;
  public final long seq;
  public final long messageId;
  public final long serverTimeMs;
  /** A retry found the message stored already. */
  public final boolean duplicate;

  public Ack(long conversationId, long seq, long messageId, long serverTimeMs, boolean duplicate) {
    this.conversationId = conversationId;
    this.seq = seq;
    this.messageId = messageId;
    this.serverTimeMs = serverTimeMs;
    this.duplicate = duplicate;
  }
}
