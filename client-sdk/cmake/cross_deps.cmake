# Shared by the toolchain recipes (android.toolchain.cmake, ios.toolchain.cmake; untested): an
# SDK-only build, no examples, and the cross-compiled dependencies found under
# MQCHAT_DEPS_PREFIX only (CMake packages, and pkg-config's SQLite).
set(MQCHAT_SDK_ONLY ON CACHE BOOL "" FORCE)
set(MQCHAT_SDK_EXAMPLES OFF CACHE BOOL "" FORCE)
if(MQCHAT_DEPS_PREFIX)
  list(APPEND CMAKE_FIND_ROOT_PATH ${MQCHAT_DEPS_PREFIX})
  list(APPEND CMAKE_PREFIX_PATH ${MQCHAT_DEPS_PREFIX})
  set(ENV{PKG_CONFIG_LIBDIR} ${MQCHAT_DEPS_PREFIX}/lib/pkgconfig)
endif()
