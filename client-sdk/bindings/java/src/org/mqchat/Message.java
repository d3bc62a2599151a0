package org.mqchat;

/** A chat message as delivered (mqchat_message of the C API). Immutable. */
public final class Message {
  public final long conversationId;
  public final long seq;
  public final long messageId;
  public final String sender;
  /** "" once deleted. */
  public final String text;
  public final long sentAtMs;
  /** 0: not a reply. */
  public final long replyTo;
  /** 0: never edited. */
  public final long editedAtMs;
  /** A tombstone. */
  public final boolean deleted;

  public Message(long conversationId, long seq, long messageId, String sender, String text,
      long sentAtMs, long replyTo, long editedAtMs, boolean deleted) {
    this.conversationId = conversationId;
    this.seq = seq;
    this.messageId = messageId;
    this.sender = sender;
    this.text = text;
    this.sentAtMs = sentAtMs;
    this.replyTo = replyTo;
    this.editedAtMs = editedAtMs;
    this.deleted = deleted;
  }

  @Override
  public String toString() {
    return "Message{" + conversationId + ":" + seq + " " + sender + ": " + text + "}";
  }
}
