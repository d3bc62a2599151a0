// JNI plumbing for the Java binding; see jni_support.h.
#include "jni_support.h"

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace mqchat::jni {
namespace {

JavaVM* g_vm = nullptr;
JavaTypes g_types;
std::atomic<long> g_live_refs{0};
thread_local bool t_in_callback = false;

pthread_key_t g_detach_key;
pthread_once_t g_detach_once = PTHREAD_ONCE_INIT;

// Runs when an attached SDK thread exits: it leaves the JVM (else the JVM keeps its Thread).
void DetachAtExit(void* vm) { static_cast<JavaVM*>(vm)->DetachCurrentThread(); }
void MakeDetachKey() { pthread_key_create(&g_detach_key, DetachAtExit); }

jclass GlobalClass(JNIEnv* env, const char* name) {
  jclass local = env->FindClass(name);
  if (local == nullptr) return nullptr;
  auto* global = static_cast<jclass>(env->NewGlobalRef(local));
  env->DeleteLocalRef(local);
  return global;
}

// A method of the interface `name`, for calling on any object implementing it.
jmethodID InterfaceMethod(JNIEnv* env, const char* name, const char* method, const char* sig) {
  jclass c = env->FindClass(name);
  if (c == nullptr) return nullptr;
  jmethodID id = env->GetMethodID(c, method, sig);
  env->DeleteLocalRef(c);
  return id;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Decodes one UTF-8 sequence at s[i] (advancing i); U+FFFD for a bad one (one byte skipped).
uint32_t DecodeUtf8(const unsigned char* s, size_t n, size_t& i) {
  const unsigned char b = s[i];
  int extra = b < 0x80 ? 0 : (b >> 5) == 0x6 ? 1 : (b >> 4) == 0xE ? 2 : (b >> 3) == 0x1E ? 3 : -1;
  if (extra < 0 || i + extra >= n) {  // not a lead byte, or cut off by the end
    ++i;
    return 0xFFFD;
  }
  uint32_t cp = extra == 0 ? b : b & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if ((s[i + k] & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (s[i + k] & 0x3F);
  }
  static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  i += extra + 1;
  if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0xFFFD;
  return cp;
}

}  // namespace

JavaVM* Vm() { return g_vm; }
const JavaTypes& Types() { return g_types; }

bool Load(JavaVM* vm, JNIEnv* env) {
  g_vm = vm;
  JavaTypes t;
  t.message = GlobalClass(env, "org/mqchat/Message");
  if (t.message == nullptr) return false;
  t.message_init =
      env->GetMethodID(t.message, "<init>", "(JJJLjava/lang/String;Ljava/lang/String;JJJZ)V");
  t.ack = GlobalClass(env, "org/mqchat/Ack");
  if (t.message_init == nullptr || t.ack == nullptr) return false;
  t.ack_init = env->GetMethodID(t.ack, "<init>", "(JJJJZ)V");
  t.exception = GlobalClass(env, "org/mqchat/MqchatException");
  if (t.ack_init == nullptr || t.exception == nullptr) return false;
  t.exception_init = env->GetMethodID(t.exception, "<init>", "(ILjava/lang/String;)V");
  t.illegal_state = GlobalClass(env, "java/lang/IllegalStateException");
  t.on_message = InterfaceMethod(env, "org/mqchat/Client$MessageListener", "onMessage",
                                 "(Lorg/mqchat/Message;)V");
  t.on_connection = InterfaceMethod(env, "org/mqchat/Client$ConnectionListener", "onConnection",
                                    "(IILjava/lang/String;)V");
  t.on_status = InterfaceMethod(env, "org/mqchat/Client$StatusCallback", "onResult",
                                "(ILjava/lang/String;)V");
  t.on_ack = InterfaceMethod(env, "org/mqchat/Client$AckCallback", "onResult",
                             "(ILjava/lang/String;Lorg/mqchat/Ack;)V");
  t.on_conversation = InterfaceMethod(env, "org/mqchat/Client$ConversationCallback", "onResult",
                                      "(ILjava/lang/String;J)V");
  t.on_push_fetch = InterfaceMethod(env, "org/mqchat/Client$PushFetchCallback", "onResult",
                                    "(ILjava/lang/String;[Lorg/mqchat/Message;Z)V");
  if (t.exception_init == nullptr || t.illegal_state == nullptr || t.on_message == nullptr ||
      t.on_connection == nullptr || t.on_status == nullptr || t.on_ack == nullptr ||
      t.on_conversation == nullptr || t.on_push_fetch == nullptr) {
    return false;
  }
  g_types = t;
  return true;
}

void Unload(JNIEnv* env) {
  for (jclass c : {g_types.message, g_types.ack, g_types.exception, g_types.illegal_state}) {
    if (c != nullptr) env->DeleteGlobalRef(c);
  }
  g_types = JavaTypes{};
}

JNIEnv* AttachedEnv() {
  JNIEnv* env = nullptr;
  if (g_vm->GetEnv(reinterpret_cast<void**>(&env), JNI_VERSION_1_6) == JNI_OK) return env;
  JavaVMAttachArgs args{JNI_VERSION_1_6, const_cast<char*>("mqchat-sdk"), nullptr};
#ifdef __ANDROID__
  if (g_vm->AttachCurrentThreadAsDaemon(&env, &args) != JNI_OK) return nullptr;
#else
  if (g_vm->AttachCurrentThreadAsDaemon(reinterpret_cast<void**>(&env), &args) != JNI_OK) {
    return nullptr;
  }
#endif
  pthread_once(&g_detach_once, MakeDetachKey);
  pthread_setspecific(g_detach_key, g_vm);
  return env;
}

void ClearException(JNIEnv* env) {
  if (!env->ExceptionCheck()) return;
  std::fprintf(stderr, "mqchat: an exception escaped an app callback:\n");
  env->ExceptionDescribe();  // prints and clears
}

jobject NewGlobal(JNIEnv* env, jobject o) {
  if (o == nullptr) return nullptr;
  ++g_live_refs;
  return env->NewGlobalRef(o);
}

void DeleteGlobal(JNIEnv* env, jobject o) {
  if (o == nullptr) return;
  --g_live_refs;
  env->DeleteGlobalRef(o);
}

long LiveGlobalRefs() { return g_live_refs.load(); }

jstring ToJava(JNIEnv* env, const char* utf8) {
  if (utf8 == nullptr) utf8 = "";
  const auto* s = reinterpret_cast<const unsigned char*>(utf8);
  size_t n = 0;
  while (s[n] != 0) ++n;
  std::vector<jchar> units;
  units.reserve(n);
  for (size_t i = 0; i < n;) {
    uint32_t cp = DecodeUtf8(s, n, i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      units.push_back(static_cast<jchar>(0xD800 + (cp >> 10)));
      units.push_back(static_cast<jchar>(0xDC00 + (cp & 0x3FF)));
    } else {
      units.push_back(static_cast<jchar>(cp));
    }
  }
  return env->NewString(units.data(), static_cast<jsize>(units.size()));
}

std::string ToUtf8(JNIEnv* env, jstring s) {
  std::string out;
  if (s == nullptr) return out;
  const jsize n = env->GetStringLength(s);
  std::vector<jchar> units(static_cast<size_t>(n));
  env->GetStringRegion(s, 0, n, units.data());
  out.reserve(units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    uint32_t u = units[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
        units[i + 1] <= 0xDFFF) {
      u = 0x10000 + ((u - 0xD800) << 10) + (units[++i] - 0xDC00);
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      u = 0xFFFD;
    }
    AppendUtf8(out, u);
  }
  return out;
}

bool InCallback() { return t_in_callback; }
CallbackScope::CallbackScope() : outer_(t_in_callback) { t_in_callback = true; }
CallbackScope::~CallbackScope() { t_in_callback = outer_; }

}  // namespace mqchat::jni
