package org.mqchat.test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.mqchat.Ack;
import org.mqchat.Client;
import org.mqchat.Code;
import org.mqchat.Message;
import org.mqchat.MqchatException;
import org.mqchat.Options;

/**
 * The Java binding on the JVM against a real broker: alice and bob log in, alice sends `count`
 * messages (one with characters outside the BMP) that bob receives in order, bob registers a
 * push token, and then the broker restarts: this program prints "java: restart the broker now"
 * and the driver (tests/integration/sdk_java_test.cpp) stops and starts it. Both clients must
 * see the connection drop and come back, a message sent while the broker is down must arrive,
 * and after close() no callback runs and the binding holds no global reference.
 *
 * <p>Usage: JavaClientTest uri aliceToken bobToken cacheDir count. Exit 0 and "java: ok".
 */
public final class JavaClientTest {
  private static final long WAIT_S = 60;
  private static int failures = 0;

  /** What one client's listeners saw. */
  static final class Seen {
    final List<Message> messages = new ArrayList<>();
    int dropped = 0; // connection events leaving ONLINE
    int online = 0;
    boolean closed = false; // set just before close()
    int afterClose = 0; // callbacks that only the closing could have caused

    synchronized void message(Message m) {
      messages.add(m);
      notifyAll();
    }

    synchronized void connection(int state) {
      if (closed && state == Code.DISCONNECTED) ++afterClose; // only close() disconnects now
      if (state == Code.ONLINE) ++online;
      if (state == Code.DISCONNECTED || state == Code.CONNECTING) ++dropped;
      notifyAll();
    }

    /** Waits until `what` holds (checked under the lock) or the deadline passes. */
    synchronized boolean await(java.util.function.BooleanSupplier what) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
      while (!what.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
      return true;
    }
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      System.err.println("java: FAILED: " + what);
      ++failures;
    }
  }

  static Client login(String uri, String user, String token, String dir, Seen seen)
      throws MqchatException {
    Client c = Client.create(new Options()
        .server(uri)
        .credentials(user, token)
        .device("java")
        .cachePath(dir + "/" + user + ".db")
        .reconnect(50, 500)
        .connectTimeout(10000));
    c.onMessage(seen::message);
    c.onConnection((state, reason, message) -> seen.connection(state));
    int code = c.connect();
    check(code == Code.OK, user + " connects: " + Code.name(code));
    return c;
  }

  static int status(java.util.function.Consumer<Client.StatusCallback> request) throws Exception {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    request.accept((code, message) -> {
      if (code != Code.OK) System.err.println("java: request: " + Code.name(code) + " " + message);
      done.complete(code);
    });
    return done.get(WAIT_S, TimeUnit.SECONDS);
  }

  static Ack send(Client c, long conversation, String text) throws Exception {
    CompletableFuture<Ack> done = new CompletableFuture<>();
    c.send(conversation, text, (code, message, ack) -> {
      check(code == Code.OK && ack != null, "send '" + text + "': " + Code.name(code) + " " + message);
      done.complete(ack);
    });
    return done.get(WAIT_S, TimeUnit.SECONDS);
  }

  public static void main(String[] args) throws Exception {
    final String uri = args[0];
    final String dir = args[3];
    final int count = Integer.parseInt(args[4]);
    final Seen aliceSeen = new Seen();
    final Seen bobSeen = new Seen();
    Client alice = login(uri, "alice", args[1], dir, aliceSeen);
    Client bob = login(uri, "bob", args[2], dir, bobSeen);

    CompletableFuture<Long> opened = new CompletableFuture<>();
    alice.openDirect("bob", (code, message, id) -> opened.complete(code == Code.OK ? id : -1L));
    final long conversation = opened.get(WAIT_S, TimeUnit.SECONDS);
    check(conversation > 0, "alice opens a conversation with bob");

    // Sends all at once; the outbox keeps their order.
    List<CompletableFuture<Ack>> acks = new ArrayList<>();
    for (int i = 0; i < count; ++i) {
      CompletableFuture<Ack> f = new CompletableFuture<>();
      acks.add(f);
      final String text = i == 0 ? "java 0 caf\u00e9 \ud83d\ude00" : "java " + i;
      alice.send(conversation, text, (code, message, ack) -> {
        if (code != Code.OK) System.err.println("java: send: " + Code.name(code) + " " + message);
        f.complete(ack);
      });
    }
    for (int i = 0; i < count; ++i) {
      Ack a = acks.get(i).get(WAIT_S, TimeUnit.SECONDS);
      check(a != null && a.seq == i + 1, "ack " + i + " has seq " + (i + 1));
    }
    check(bobSeen.await(() -> bobSeen.messages.size() >= count), "bob receives " + count);
    synchronized (bobSeen) {
      for (int i = 0; i < Math.min(count, bobSeen.messages.size()); ++i) {
        Message m = bobSeen.messages.get(i);
        String want = i == 0 ? "java 0 caf\u00e9 \ud83d\ude00" : "java " + i;
        check(m.seq == i + 1 && m.text.equals(want) && m.sender.equals("alice"),
            "bob's message " + i + " is '" + want + "' (got " + m + ")");
      }
    }

    check(status(cb -> bob.pushRegister(Code.PUSH_FCM, "java-fcm-token-1", cb)) == Code.OK,
        "bob registers a push token");
    check(status(cb -> bob.pushRegister(Code.PUSH_FCM, "", cb)) == Code.INVALID_ARGUMENT,
        "an empty token is refused");
    check(status(cb -> bob.markRead(conversation, count, cb)) == Code.OK, "bob marks read");

    // The broker restarts; both clients notice and come back by themselves.
    final int aliceOnline = aliceSeen.online;
    final int bobOnline = bobSeen.online;
    System.out.println("java: restart the broker now");
    System.out.flush();
    check(aliceSeen.await(() -> aliceSeen.dropped > 0), "alice sees the broker go");
    check(bobSeen.await(() -> bobSeen.dropped > 0), "bob sees the broker go");
    CompletableFuture<Ack> whileDown = new CompletableFuture<>();
    alice.send(conversation, "while down", (code, message, ack) -> whileDown.complete(ack));
    check(aliceSeen.await(() -> aliceSeen.online > aliceOnline), "alice back online");
    check(bobSeen.await(() -> bobSeen.online > bobOnline), "bob back online");
    Ack down = whileDown.get(WAIT_S, TimeUnit.SECONDS);
    check(down != null && down.seq == count + 1, "the message sent while down is stored next");
    Ack after = send(alice, conversation, "after restart");
    check(after != null && after.seq == count + 2, "a message after the restart");
    check(bobSeen.await(() -> bobSeen.messages.size() >= count + 2), "bob receives both");
    synchronized (bobSeen) {
      int n = bobSeen.messages.size();
      check(n == count + 2, "bob got each message once (" + n + ")");
      check(bobSeen.messages.get(count).text.equals("while down")
              && bobSeen.messages.get(count + 1).text.equals("after restart"),
          "in order after the restart");
    }
    check(status(cb -> bob.pushUnregister(cb)) == Code.OK, "bob unregisters");

    // Close with requests in flight: none of their callbacks may run, nothing stays referenced.
    for (int i = 0; i < 20; ++i) {
      alice.send(conversation, "closing " + i, (code, message, ack) -> {
        synchronized (aliceSeen) {
          // An ack may still come before close() begins; UNAVAILABLE only from the closing.
          if (aliceSeen.closed && code == Code.UNAVAILABLE) ++aliceSeen.afterClose;
        }
      });
    }
    synchronized (aliceSeen) {
      aliceSeen.closed = true;
    }
    synchronized (bobSeen) {
      bobSeen.closed = true;
    }
    alice.close();
    bob.close();
    alice.close(); // idempotent
    check(aliceSeen.afterClose == 0 && bobSeen.afterClose == 0, "no callback once close began");
    check(Client.liveGlobalRefs() == 0, "no global reference left: " + Client.liveGlobalRefs());
    boolean threw = false;
    try {
      alice.connect();
    } catch (IllegalStateException e) {
      threw = true;
    }
    check(threw, "a closed client refuses calls");
    if (failures > 0) {
      System.out.println("java: " + failures + " failures");
      System.exit(1);
    }
    System.out.println("java: ok (" + count + " messages)");
  }
}
