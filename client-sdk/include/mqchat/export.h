// MQCHAT_SDK_API marks the symbols the SDK exports from its shared library (the project builds
// with hidden visibility). Header only; no code.
#pragma once

#if defined(_WIN32)
#if defined(MQCHAT_SDK_BUILDING_SHARED)
#define MQCHAT_SDK_API __declspec(dllexport)
#elif defined(MQCHAT_SDK_USING_SHARED)
#define MQCHAT_SDK_API __declspec(dllimport)
#else
#define MQCHAT_SDK_API
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define MQCHAT_SDK_API __attribute__((visibility("default")))
#else
#define MQCHAT_SDK_API
#endif
