// Errors of the api layer: a request that failed (the server's error, or the connection's).

/** A failed request: the server's error code and message, or a local one (OFFLINE, TIMEOUT,
 * DISCONNECTED, BAD_RESPONSE). `retryable` says the request had no effect and may be repeated. */
export class ChatError extends Error {
  /** RATE_LIMITED: `retryAfterMs` is how long to wait before the request would be accepted. */
  constructor(
    public code: string,
    message: string,
    public retryable = false,
    public retryAfterMs = 0,
  ) {
    super(message);
  }
}

/** A response or event that does not have the shape docs/PROTOCOL.md gives it. */
export class DecodeError extends ChatError {
  constructor(message: string) {
    super("BAD_RESPONSE", message, false);
  }
}
