// The Java binding's native half: org.mqchat.Client's native methods over the C API
// (mqchat/mqchat_c.h), registered in JNI_OnLoad. Only the C API is used, as a binding from any
// other language would.
//
// References. Each request holds a global reference to its Java callback in a Pending that the C
// callback's `user` points to; the callback releases it after calling Java. A request the SDK
// drops (the client was closed first) never calls back, so the client's handle keeps the set of
// its Pendings and releases what is left once mqchat_client_free has returned (no callback can
// run then). Listeners are kept until close, even when replaced: the callback thread may be
// running the old one. Client.liveGlobalRefs() counts what is held, for the test.
//
// Threads. Callbacks come on the SDK's callback thread, attached to the JVM on first use (as a
// daemon, so it never holds the JVM open) and detached when it exits; each runs in a local frame
// of its own, since an attached native thread never returns to Java to free local references.
#include <jni.h>

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "jni_support.h"
#include "mqchat/mqchat_c.h"

namespace mqchat::jni {
namespace {

struct JniClient;

// One Java callback object and the client it belongs to.
struct Pending {
  JniClient* owner = nullptr;
  jobject callback = nullptr;  // global reference
};

struct JniClient {
  mqchat_client* c = nullptr;
  std::mutex mu;
  std::set<Pending*> pending;                       // requests not completed yet
  std::vector<std::unique_ptr<Pending>> listeners;  // every listener ever set
};

JniClient* Handle(jlong h) { return reinterpret_cast<JniClient*>(static_cast<intptr_t>(h)); }

// A request's Pending for `callback` (null: no callback wanted).
Pending* Track(JNIEnv* env, JniClient* jc, jobject callback) {
  if (callback == nullptr) return nullptr;
  auto* p = new Pending{jc, NewGlobal(env, callback)};
  std::lock_guard<std::mutex> lock(jc->mu);
  jc->pending.insert(p);
  return p;
}

// Runs `call` with the thread's env and a local frame, as an app callback.
template <typename F>
void InJava(Pending* p, F call) {
  JNIEnv* env = AttachedEnv();
  if (env == nullptr || env->PushLocalFrame(16) != 0) return;
  {
    CallbackScope scope;
    call(env, p->callback);
  }
  ClearException(env);
  env->PopLocalFrame(nullptr);
}

// Completes a request: calls Java, then releases its Pending.
template <typename F>
void Complete(void* user, F call) {
  auto* p = static_cast<Pending*>(user);
  if (p == nullptr) return;
  InJava(p, call);
  JNIEnv* env = AttachedEnv();
  {
    std::lock_guard<std::mutex> lock(p->owner->mu);
    p->owner->pending.erase(p);
  }
  if (env != nullptr) DeleteGlobal(env, p->callback);
  delete p;
}

jobject MessageObject(JNIEnv* env, const mqchat_message& m) {
  jstring sender = ToJava(env, m.sender);
  jstring text = ToJava(env, m.text);
  jobject o = env->NewObject(Types().message, Types().message_init, m.conversation_id, m.seq,
                             m.message_id, sender, text, m.sent_at_ms, m.reply_to, m.edited_at_ms,
                             static_cast<jboolean>(m.deleted != 0));
  env->DeleteLocalRef(sender);
  env->DeleteLocalRef(text);
  return o;
}

// --- C callbacks (user: a Pending) ---
void OnMessage(void* user, const mqchat_message* m) {
  InJava(static_cast<Pending*>(user), [m](JNIEnv* env, jobject target) {
    env->CallVoidMethod(target, Types().on_message, MessageObject(env, *m));
  });
}

void OnConnection(void* user, mqchat_connection_state state, mqchat_code reason,
                  const char* message) {
  InJava(static_cast<Pending*>(user), [=](JNIEnv* env, jobject target) {
    env->CallVoidMethod(target, Types().on_connection, static_cast<jint>(state),
                        static_cast<jint>(reason), ToJava(env, message));
  });
}

void OnStatus(void* user, mqchat_code code, const char* message) {
  Complete(user, [=](JNIEnv* env, jobject target) {
    env->CallVoidMethod(target, Types().on_status, static_cast<jint>(code), ToJava(env, message));
  });
}

void OnAck(void* user, mqchat_code code, const char* message, const mqchat_ack* a) {
  Complete(user, [=](JNIEnv* env, jobject target) {
    jobject ack = a == nullptr ? nullptr
                               : env->NewObject(Types().ack, Types().ack_init, a->conversation_id,
                                                a->seq, a->message_id, a->server_time_ms,
                                                static_cast<jboolean>(a->duplicate != 0));
    env->CallVoidMethod(target, Types().on_ack, static_cast<jint>(code), ToJava(env, message), ack);
  });
}

void OnConversation(void* user, mqchat_code code, const char* message, int64_t id) {
  Complete(user, [=](JNIEnv* env, jobject target) {
    env->CallVoidMethod(target, Types().on_conversation, static_cast<jint>(code),
                        ToJava(env, message), static_cast<jlong>(id));
  });
}

void OnPushFetch(void* user, mqchat_code code, const char* message, const mqchat_message* messages,
                 size_t count, int complete) {
  Complete(user, [=](JNIEnv* env, jobject target) {
    jobjectArray array = env->NewObjectArray(static_cast<jsize>(count), Types().message, nullptr);
    if (array == nullptr) return;  // OutOfMemoryError pending
    for (size_t i = 0; i < count; ++i) {
      jobject m = MessageObject(env, messages[i]);
      env->SetObjectArrayElement(array, static_cast<jsize>(i), m);
      env->DeleteLocalRef(m);
    }
    env->CallVoidMethod(target, Types().on_push_fetch, static_cast<jint>(code),
                        ToJava(env, message), array, static_cast<jboolean>(complete != 0));
  });
}

// --- Native methods of org.mqchat.Client ---
jlong Create(JNIEnv* env, jclass, jobjectArray servers, jstring user, jstring password,
             jstring device, jstring cache_path, jlong reconnect_min, jlong reconnect_max,
             jlong connect_timeout, jlong background_grace) {
  mqchat_options* o = mqchat_options_new();
  const jsize n = servers == nullptr ? 0 : env->GetArrayLength(servers);
  for (jsize i = 0; i < n; ++i) {
    auto uri = static_cast<jstring>(env->GetObjectArrayElement(servers, i));
    mqchat_options_add_server(o, ToUtf8(env, uri).c_str());
    env->DeleteLocalRef(uri);
  }
  mqchat_options_set_credentials(o, ToUtf8(env, user).c_str(), ToUtf8(env, password).c_str());
  if (device != nullptr) mqchat_options_set_device(o, ToUtf8(env, device).c_str());
  mqchat_options_set_cache_path(o, ToUtf8(env, cache_path).c_str());
  if (reconnect_min >= 0 && reconnect_max >= 0) {
    mqchat_options_set_reconnect(o, reconnect_min, reconnect_max);
  }
  if (connect_timeout >= 0) mqchat_options_set_connect_timeout(o, connect_timeout);
  if (background_grace >= 0) mqchat_options_set_background_grace(o, background_grace);
  mqchat_client* c = nullptr;
  char* error = nullptr;
  const mqchat_code code = mqchat_client_create(o, &c, &error);
  mqchat_options_free(o);
  if (code != MQCHAT_OK) {
    jstring message = ToJava(env, error);
    mqchat_string_free(error);
    auto ex = static_cast<jthrowable>(env->NewObject(Types().exception, Types().exception_init,
                                                     static_cast<jint>(code), message));
    if (ex != nullptr) env->Throw(ex);
    return 0;
  }
  auto* jc = new JniClient();
  jc->c = c;
  return static_cast<jlong>(reinterpret_cast<intptr_t>(jc));
}

void Free(JNIEnv* env, jclass, jlong h) {
  if (InCallback()) {
    env->ThrowNew(Types().illegal_state, "close() from an mqchat callback would deadlock");
    return;
  }
  JniClient* jc = Handle(h);
  mqchat_client_free(jc->c);  // no callback runs after this
  for (Pending* p : jc->pending) {
    DeleteGlobal(env, p->callback);
    delete p;
  }
  for (auto& l : jc->listeners) DeleteGlobal(env, l->callback);
  delete jc;
}

jint Connect(JNIEnv*, jclass, jlong h) { return mqchat_client_connect(Handle(h)->c); }
void Disconnect(JNIEnv*, jclass, jlong h) { mqchat_client_disconnect(Handle(h)->c); }
jint State(JNIEnv*, jclass, jlong h) { return mqchat_client_state(Handle(h)->c); }

Pending* Listener(JNIEnv* env, JniClient* jc, jobject target) {
  std::lock_guard<std::mutex> lock(jc->mu);
  jc->listeners.push_back(std::make_unique<Pending>(Pending{jc, NewGlobal(env, target)}));
  return jc->listeners.back().get();
}

void SetOnMessage(JNIEnv* env, jclass, jlong h, jobject listener) {
  JniClient* jc = Handle(h);
  if (listener == nullptr) return mqchat_client_on_message(jc->c, nullptr, nullptr);
  mqchat_client_on_message(jc->c, OnMessage, Listener(env, jc, listener));
}

void SetOnConnection(JNIEnv* env, jclass, jlong h, jobject listener) {
  JniClient* jc = Handle(h);
  if (listener == nullptr) return mqchat_client_on_connection(jc->c, nullptr, nullptr);
  mqchat_client_on_connection(jc->c, OnConnection, Listener(env, jc, listener));
}

// The C function's done pointer, or null when Java gave no callback.
template <typename Fn>
Fn Done(Pending* p, Fn fn) {
  return p == nullptr ? nullptr : fn;
}

void Send(JNIEnv* env, jclass, jlong h, jlong conversation, jstring text, jobject done) {
  Pending* p = Track(env, Handle(h), done);
  mqchat_client_send(Handle(h)->c, conversation, ToUtf8(env, text).c_str(),
                     Done<mqchat_ack_fn>(p, OnAck), p);
}

void OpenDirect(JNIEnv* env, jclass, jlong h, jstring user, jobject done) {
  Pending* p = Track(env, Handle(h), done);
  mqchat_client_open_direct(Handle(h)->c, ToUtf8(env, user).c_str(),
                            Done<mqchat_conversation_fn>(p, OnConversation), p);
}

void MarkRead(JNIEnv* env, jclass, jlong h, jlong conversation, jlong seq, jobject done) {
  Pending* p = Track(env, Handle(h), done);
  mqchat_client_mark_read(Handle(h)->c, conversation, seq, Done<mqchat_status_fn>(p, OnStatus), p);
}

void Mute(JNIEnv* env, jclass, jlong h, jlong conversation, jlong until_ms, jobject done) {
  Pending* p = Track(env, Handle(h), done);
  mqchat_client_mute(Handle(h)->c, conversation, until_ms, Done<mqchat_status_fn>(p, OnStatus), p);
}

void PushRegister(JNIEnv* env, jclass, jlong h, jint platform, jstring token, jobject done) {
  Pending* p = Track(env, Handle(h), done);
  mqchat_client_push_register(Handle(h)->c, static_cast<mqchat_push_platform>(platform),
                              ToUtf8(env, token).c_str(), Done<mqchat_status_fn>(p, OnStatus), p);
}

void PushUnregister(JNIEnv* env, jclass, jlong h, jobject done) {
  Pending* p = Track(env, Handle(h), done);
  mqchat_client_push_unregister(Handle(h)->c, Done<mqchat_status_fn>(p, OnStatus), p);
}

void EnterBackground(JNIEnv*, jclass, jlong h) { mqchat_client_enter_background(Handle(h)->c); }
void EnterForeground(JNIEnv*, jclass, jlong h) { mqchat_client_enter_foreground(Handle(h)->c); }
void NetworkChanged(JNIEnv*, jclass, jlong h) { mqchat_client_network_changed(Handle(h)->c); }

void HandlePushPayload(JNIEnv* env, jclass, jlong h, jobjectArray keys, jobjectArray values,
                       jlong deadline_ms, jobject done) {
  const jsize n = env->GetArrayLength(keys);
  std::vector<std::string> k, v;
  for (jsize i = 0; i < n; ++i) {
    auto key = static_cast<jstring>(env->GetObjectArrayElement(keys, i));
    auto value = static_cast<jstring>(env->GetObjectArrayElement(values, i));
    k.push_back(ToUtf8(env, key));
    v.push_back(ToUtf8(env, value));
    env->DeleteLocalRef(key);
    env->DeleteLocalRef(value);
  }
  std::vector<const char*> kp, vp;
  for (jsize i = 0; i < n; ++i) {
    kp.push_back(k[i].c_str());
    vp.push_back(v[i].c_str());
  }
  Pending* p = Track(env, Handle(h), done);
  mqchat_client_handle_push_payload(Handle(h)->c, kp.data(), vp.data(), kp.size(), deadline_ms,
                                    Done<mqchat_push_fetch_fn>(p, OnPushFetch), p);
}

jlong LiveRefs(JNIEnv*, jclass) { return LiveGlobalRefs(); }

#define MQCHAT_NATIVE(name, sig, fn) \
  JNINativeMethod { const_cast<char*>(name), const_cast<char*>(sig), reinterpret_cast<void*>(fn) }

bool RegisterClient(JNIEnv* env) {
  const JNINativeMethod methods[] = {
      MQCHAT_NATIVE("nativeCreate",
                    "([Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;"
                    "Ljava/lang/String;JJJJ)J",
                    Create),
      MQCHAT_NATIVE("nativeFree", "(J)V", Free),
      MQCHAT_NATIVE("nativeConnect", "(J)I", Connect),
      MQCHAT_NATIVE("nativeDisconnect", "(J)V", Disconnect),
      MQCHAT_NATIVE("nativeState", "(J)I", State),
      MQCHAT_NATIVE("nativeOnMessage", "(JLorg/mqchat/Client$MessageListener;)V", SetOnMessage),
      MQCHAT_NATIVE("nativeOnConnection", "(JLorg/mqchat/Client$ConnectionListener;)V",
                    SetOnConnection),
      MQCHAT_NATIVE("nativeSend", "(JJLjava/lang/String;Lorg/mqchat/Client$AckCallback;)V", Send),
      MQCHAT_NATIVE("nativeOpenDirect",
                    "(JLjava/lang/String;Lorg/mqchat/Client$ConversationCallback;)V", OpenDirect),
      MQCHAT_NATIVE("nativeMarkRead", "(JJJLorg/mqchat/Client$StatusCallback;)V", MarkRead),
      MQCHAT_NATIVE("nativeMute", "(JJJLorg/mqchat/Client$StatusCallback;)V", Mute),
      MQCHAT_NATIVE("nativePushRegister",
                    "(JILjava/lang/String;Lorg/mqchat/Client$StatusCallback;)V", PushRegister),
      MQCHAT_NATIVE("nativePushUnregister", "(JLorg/mqchat/Client$StatusCallback;)V",
                    PushUnregister),
      MQCHAT_NATIVE("nativeEnterBackground", "(J)V", EnterBackground),
      MQCHAT_NATIVE("nativeEnterForeground", "(J)V", EnterForeground),
      MQCHAT_NATIVE("nativeNetworkChanged", "(J)V", NetworkChanged),
      MQCHAT_NATIVE(
          "nativeHandlePushPayload",
          "(J[Ljava/lang/String;[Ljava/lang/String;JLorg/mqchat/Client$PushFetchCallback;)V",
          HandlePushPayload),
      MQCHAT_NATIVE("liveGlobalRefs", "()J", LiveRefs),
  };
  jclass client = env->FindClass("org/mqchat/Client");
  if (client == nullptr) return false;
  const bool ok = env->RegisterNatives(client, methods, sizeof methods / sizeof methods[0]) == 0;
  env->DeleteLocalRef(client);
  return ok;
}

}  // namespace
}  // namespace mqchat::jni

extern "C" JNIEXPORT jint JNI_OnLoad(JavaVM* vm, void*) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
  if (!mqchat::jni::Load(vm, env) || !mqchat::jni::RegisterClient(env)) return JNI_ERR;
  return JNI_VERSION_1_6;
}

extern "C" JNIEXPORT void JNI_OnUnload(JavaVM* vm, void*) {
  JNIEnv* env = nullptr;
  if (vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_6) == JNI_OK) {
    mqchat::jni::Unload(env);
  }
}
