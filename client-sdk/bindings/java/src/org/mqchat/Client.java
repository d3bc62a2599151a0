package org.mqchat;

import java.util.Map;

/**
 * The mqchat client for Java and Android: one user on one device, over the SDK's C API
 * (mqchat_c.h) through JNI. Every method is thread-safe and returns at once, except connect()
 * (up to the connect timeout) and close(). Results come to callbacks on the SDK's callback
 * thread, one at a time, in order: post to the UI thread from there, and do not block it.
 *
 * <p>close() frees the client: no callback is called once it has begun (one already running is
 * waited for), and requests still pending never call theirs. Do not call close() from a
 * callback (it throws IllegalStateException) nor while another thread is still calling the
 * client. Errors are codes (Code), with the server's error first in the message
 * ("NOT_MEMBER: ...").
 */
public final class Client implements AutoCloseable {
  static {
    System.loadLibrary("mqchat_jni");
  }

  /** New messages, each once, in seq order per conversation (from sync first). */
  public interface MessageListener {
    void onMessage(Message message);
  }

  /** state: Code.DISCONNECTED .. Code.ONLINE; reason: why it dropped (Code.OK otherwise). */
  public interface ConnectionListener {
    void onConnection(int state, int reason, String reasonMessage);
  }

  public interface StatusCallback {
    void onResult(int code, String message);
  }

  /** ack is null unless code is Code.OK. */
  public interface AckCallback {
    void onResult(int code, String message, Ack ack);
  }

  public interface ConversationCallback {
    void onResult(int code, String message, long conversationId);
  }

  /** The announced messages now in the cache; complete: all up to the notification's last. */
  public interface PushFetchCallback {
    void onResult(int code, String message, Message[] messages, boolean complete);
  }

  private volatile long handle;

  private Client(long handle) {
    this.handle = handle;
  }

  /** Opens the cache and starts the SDK threads; does not connect. */
  public static Client create(Options o) throws MqchatException {
    return new Client(nativeCreate(o.servers.toArray(new String[0]), o.username, o.password,
        o.deviceId, o.cachePath, o.reconnectMinMs, o.reconnectMaxMs, o.connectTimeoutMs,
        o.backgroundGraceMs));
  }

  private long h() {
    long h = handle;
    if (h == 0) throw new IllegalStateException("mqchat client closed");
    return h;
  }

  /** Code.OK once connected; Code.UNAUTHENTICATED; Code.UNAVAILABLE (it keeps trying). */
  public int connect() {
    return nativeConnect(h());
  }

  /** Graceful disconnect; stops reconnecting. Unsent messages stay in the outbox. */
  public void disconnect() {
    nativeDisconnect(h());
  }

  public int state() {
    return nativeState(h());
  }

  /** One listener (null removes it); set it before connecting. */
  public void onMessage(MessageListener listener) {
    nativeOnMessage(h(), listener);
  }

  public void onConnection(ConnectionListener listener) {
    nativeOnConnection(h(), listener);
  }

  /** Through the durable outbox: resent after reconnects until acknowledged, stored once. */
  public void send(long conversationId, String text, AckCallback done) {
    nativeSend(h(), conversationId, text, done);
  }

  public void openDirect(String user, ConversationCallback done) {
    nativeOpenDirect(h(), user, done);
  }

  public void markRead(long conversationId, long seq, StatusCallback done) {
    nativeMarkRead(h(), conversationId, seq, done);
  }

  /** untilMs: Unix ms, -1 for good, 0 unmutes. */
  public void mute(long conversationId, long untilMs, StatusCallback done) {
    nativeMute(h(), conversationId, untilMs, done);
  }

  /** platform: Code.PUSH_FCM on Android, Code.PUSH_APNS on iOS. Again whenever the token changes. */
  public void pushRegister(int platform, String token, StatusCallback done) {
    nativePushRegister(h(), platform, token, done);
  }

  /** At logout. */
  public void pushUnregister(StatusCallback done) {
    nativePushUnregister(h(), done);
  }

  /** The app went to the background (onStop): offline after the grace, push takes over. */
  public void enterBackground() {
    nativeEnterBackground(h());
  }

  /** The app is in front again (onStart): connects now and syncs. */
  public void enterForeground() {
    nativeEnterForeground(h());
  }

  /** ConnectivityManager's network callback: reconnects on the new network now. */
  public void networkChanged() {
    nativeNetworkChanged(h());
  }

  /** A notification's data (FCM RemoteMessage.getData()): fetches what it announces. */
  public void handlePushPayload(Map<String, String> fields, long deadlineMs, PushFetchCallback done) {
    String[] keys = new String[fields.size()];
    String[] values = new String[fields.size()];
    int i = 0;
    for (Map.Entry<String, String> e : fields.entrySet()) {
      keys[i] = e.getKey();
      values[i++] = e.getValue();
    }
    nativeHandlePushPayload(h(), keys, values, deadlineMs, done);
  }

  /** Disconnects, stops every callback, joins the SDK threads. Idempotent. */
  @Override
  public synchronized void close() {
    long h = handle;
    if (h == 0) return;
    nativeFree(h);
    handle = 0;
  }

  /** Global references the binding holds now (callbacks and listeners); 0 once all are closed. */
  public static native long liveGlobalRefs();

  private static native long nativeCreate(String[] servers, String username, String password,
      String deviceId, String cachePath, long reconnectMinMs, long reconnectMaxMs,
      long connectTimeoutMs, long backgroundGraceMs) throws MqchatException;
  private static native void nativeFree(long h);
  private static native int nativeConnect(long h);
  private static native void nativeDisconnect(long h);
  private static native int nativeState(long h);
  private static native void nativeOnMessage(long h, MessageListener listener);
  private static native void nativeOnConnection(long h, ConnectionListener listener);
  private static native void nativeSend(long h, long conversationId, String text, AckCallback done);
  private static native void nativeOpenDirect(long h, String user, ConversationCallback done);
  private static native void nativeMarkRead(long h, long conversationId, long seq,
      StatusCallback done);
  private static native void nativeMute(long h, long conversationId, long untilMs,
      StatusCallback done);
  private static native void nativePushRegister(long h, int platform, String token,
      StatusCallback done);
  private static native void nativePushUnregister(long h, StatusCallback done);
  private static native void nativeEnterBackground(long h);
  private static native void nativeEnterForeground(long h);
  private static native void nativeNetworkChanged(long h);
  private static native void nativeHandlePushPayload(long h, String[] keys, String[] values,
      long deadlineMs, PushFetchCallback done);
}
