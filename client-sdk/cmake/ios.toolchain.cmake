# A toolchain recipe for the SDK on iOS (static libraries for an xcframework). UNTESTED: there is
# no Xcode on the machine that builds mqchat. Once per slice:
#   cmake -S . -B build-ios -G Xcode -DCMAKE_TOOLCHAIN_FILE=client-sdk/cmake/ios.toolchain.cmake \
#         -DMQCHAT_DEPS_PREFIX=$PWD/ios-deps                       # device (arm64)
#   cmake ... -DMQCHAT_IOS_SIMULATOR=ON -DMQCHAT_DEPS_PREFIX=$PWD/ios-sim-deps   # simulator
#   cmake --build build-ios --config Release --target mqchat_sdk
# then `xcodebuild -create-xcframework` over both slices' libmqchat_sdk.a, libmqchat_protocol.a,
# libmqchat_sqlite.a and Paho's (client-sdk/README.md, "iOS"), and Swift imports the C API
# through client-sdk/include/module.modulemap.
set(CMAKE_SYSTEM_NAME iOS)
if(NOT CMAKE_OSX_DEPLOYMENT_TARGET)
  set(CMAKE_OSX_DEPLOYMENT_TARGET 13.0)
endif()
if(MQCHAT_IOS_SIMULATOR)
  set(CMAKE_OSX_SYSROOT iphonesimulator)
  set(CMAKE_OSX_ARCHITECTURES "arm64;x86_64")
else()
  set(CMAKE_OSX_SYSROOT iphoneos)
  set(CMAKE_OSX_ARCHITECTURES arm64)
endif()
set(MQCHAT_SDK_JAVA OFF CACHE BOOL "" FORCE)
include(${CMAKE_CURRENT_LIST_DIR}/cross_deps.cmake)
