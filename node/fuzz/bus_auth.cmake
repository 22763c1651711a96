# Included from node/CMakeLists.txt when RCS_BUILD_FUZZERS is on: the authenticated cluster bus framing.
add_executable(fuzz_bus_auth ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_bus_auth.cc
               ${CMAKE_CURRENT_SOURCE_DIR}/src/cluster/bus_auth.cc
               ${CMAKE_CURRENT_SOURCE_DIR}/src/cluster/bus_message.cc ${CMAKE_CURRENT_SOURCE_DIR}/src/base/crc16.cc)
target_include_directories(fuzz_bus_auth PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_options(fuzz_bus_auth PRIVATE ${FUZZ_FLAGS})
target_link_options(fuzz_bus_auth PRIVATE ${FUZZ_FLAGS})
target_link_libraries(fuzz_bus_auth PRIVATE OpenSSL::Crypto)
