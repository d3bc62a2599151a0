# A toolchain recipe for the SDK and its JNI library on Android. UNTESTED: there is no NDK on the
# machine that builds mqchat. It wraps the NDK's own toolchain with the SDK's defaults:
#   cmake -S . -B build-android -DCMAKE_TOOLCHAIN_FILE=client-sdk/cmake/android.toolchain.cmake \
#         -DANDROID_ABI=arm64-v8a -DMQCHAT_DEPS_PREFIX=$PWD/android-arm64-v8a
#   cmake --build build-android --target mqchat_sdk_shared mqchat_jni
# MQCHAT_DEPS_PREFIX: Paho C/C++, SQLite, libcurl and nlohmann_json cross-compiled for the ABI
# (client-sdk/README.md, "Android (NDK)"). Then jniLibs/<abi>/ gets libmqchat_sdk_shared.so and
# libmqchat_jni.so (plus libc++_shared.so), and the app's sources the org.mqchat classes of
# client-sdk/bindings/java/src.
if(NOT DEFINED ENV{ANDROID_NDK_HOME} AND NOT ANDROID_NDK)
  message(FATAL_ERROR "set ANDROID_NDK_HOME to the NDK (r25 or later)")
endif()
if(NOT ANDROID_NDK)
  set(ANDROID_NDK $ENV{ANDROID_NDK_HOME})
endif()
if(NOT ANDROID_ABI)
  set(ANDROID_ABI arm64-v8a)
endif()
if(NOT ANDROID_PLATFORM)
  set(ANDROID_PLATFORM android-24)  # Android 7.0: SQLite 3.9 in the OS is not used; ours is
endif()
set(ANDROID_STL c++_shared)  # two .so files of ours share one C++ runtime
include(${ANDROID_NDK}/build/cmake/android.toolchain.cmake)

include(${CMAKE_CURRENT_LIST_DIR}/cross_deps.cmake)
