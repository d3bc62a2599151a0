// JNI plumbing for the Java binding (mqchat_jni.cpp): native threads attached to the JVM, the
// Java classes looked up once, strings both ways as real UTF-8 (not JNI's "modified UTF-8"), and
// global references counted so the test can prove none is left.
#pragma once

#include <jni.h>

#include <string>

namespace mqchat::jni {

// The classes and methods the binding calls into, found in JNI_OnLoad on the thread that loaded
// the library (FindClass on an SDK thread would see only the boot class loader on Android).
struct JavaTypes {
  jclass message = nullptr;  // org.mqchat.Message
  jmethodID message_init = nullptr;
  jclass ack = nullptr;  // org.mqchat.Ack
  jmethodID ack_init = nullptr;
  jclass exception = nullptr;  // org.mqchat.MqchatException
  jmethodID exception_init = nullptr;
  jclass illegal_state = nullptr;       // java.lang.IllegalStateException
  jmethodID on_message = nullptr;       // Client.MessageListener.onMessage(Message)
  jmethodID on_connection = nullptr;    // Client.ConnectionListener.onConnection(int, int, String)
  jmethodID on_status = nullptr;        // Client.StatusCallback.onResult(int, String)
  jmethodID on_ack = nullptr;           // Client.AckCallback.onResult(int, String, Ack)
  jmethodID on_conversation = nullptr;  // Client.ConversationCallback.onResult(int, String, long)
  jmethodID on_push_fetch =
      nullptr;  // Client.PushFetchCallback.onResult(int, String, Message[], boolean)
};

JavaVM* Vm();
const JavaTypes& Types();
// Looks the types up; false (with a Java exception pending) if one is missing.
bool Load(JavaVM* vm, JNIEnv* env);
// Drops the types' global references (JNI_OnUnload).
void Unload(JNIEnv* env);

// The calling thread's JNIEnv. An SDK thread is attached (as a daemon, named "mqchat-sdk") the
// first time and detached when it exits. Null if the JVM refuses.
JNIEnv* AttachedEnv();

// A Java exception thrown by app code in a callback is reported and cleared: it must not stay
// pending on an SDK thread (the next JNI call would be undefined).
void ClearException(JNIEnv* env);

// NewGlobalRef / DeleteGlobalRef, counted (LiveGlobalRefs) for the leak check.
jobject NewGlobal(JNIEnv* env, jobject o);
void DeleteGlobal(JNIEnv* env, jobject o);
long LiveGlobalRefs();

// UTF-8 (as the C API hands out) to a Java string; invalid bytes become U+FFFD.
jstring ToJava(JNIEnv* env, const char* utf8);
// A Java string to UTF-8 (surrogate pairs joined, lone surrogates U+FFFD). Null gives "".
std::string ToUtf8(JNIEnv* env, jstring s);

// Set while this thread runs an app callback (freeing the client from there would deadlock).
bool InCallback();
class CallbackScope {
 public:
  CallbackScope();
  ~CallbackScope();
  CallbackScope(const CallbackScope&) = delete;
  CallbackScope& operator=(const CallbackScope&) = delete;

 private:
  bool outer_;
};

}  // namespace mqchat::jni
