// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html), so
// "guarded by mu_" is something the compiler checks instead of a comment. They expand to nothing
// under other compilers; scripts/check-threads.sh builds with Clang and -Werror=thread-safety.
// Use them with Mutex / MutexLock / CondVar (threads/mutex.h): libstdc++'s std::mutex carries no
// annotations, so the analysis cannot see it.
#pragma once

#if defined(__clang__)
#define MQCHAT_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define MQCHAT_THREAD_ANNOTATION(x)
#endif

// On a class: its objects are capabilities (a mutex).
#define CAPABILITY(x) MQCHAT_THREAD_ANNOTATION(capability(x))
// On an RAII class: holds a capability for its lifetime (MutexLock).
#define SCOPED_CAPABILITY MQCHAT_THREAD_ANNOTATION(scoped_lockable)
// On a member: read or written only while the given mutex is held.
#define GUARDED_BY(x) MQCHAT_THREAD_ANNOTATION(guarded_by(x))
// On a pointer member: what it points to is read or written only while the mutex is held.
#define PT_GUARDED_BY(x) MQCHAT_THREAD_ANNOTATION(pt_guarded_by(x))
// On a function: callers must hold (REQUIRES) or must not hold (EXCLUDES) the mutex.
#define REQUIRES(...) MQCHAT_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) MQCHAT_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// On a function: it takes (ACQUIRE) or gives back (RELEASE) the mutex.
#define ACQUIRE(...) MQCHAT_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) MQCHAT_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// On a function: tells the analysis the mutex is held from here on (it checks nothing itself).
#define ASSERT_CAPABILITY(x) MQCHAT_THREAD_ANNOTATION(assert_capability(x))
// On a function returning a reference to a capability.
#define RETURN_CAPABILITY(x) MQCHAT_THREAD_ANNOTATION(lock_returned(x))
// On a function the analysis cannot follow; say why next to it.
#define NO_THREAD_SAFETY_ANALYSIS MQCHAT_THREAD_ANNOTATION(no_thread_safety_analysis)
