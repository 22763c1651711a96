# Included from node/CMakeLists.txt when RCS_BUILD_FUZZERS is on: the Lua reply conversion (both directions).
add_executable(fuzz_lua_reply ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_lua_reply.cc
               ${CMAKE_CURRENT_SOURCE_DIR}/src/scripting/lua_reply.cc ${CMAKE_CURRENT_SOURCE_DIR}/src/protocol/reply.cc
               ${CMAKE_CURRENT_SOURCE_DIR}/src/base/strutil.cc)
target_include_directories(fuzz_lua_reply PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_link_libraries(fuzz_lua_reply PRIVATE PkgConfig::LUA)
target_compile_options(fuzz_lua_reply PRIVATE ${FUZZ_FLAGS})
target_link_options(fuzz_lua_reply PRIVATE ${FUZZ_FLAGS})
