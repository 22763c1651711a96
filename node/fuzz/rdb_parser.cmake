# Included from node/CMakeLists.txt when RCS_BUILD_FUZZERS is on: the RDB file reader and the value types it
# builds (FUZZ_RDB_READER_SOURCES).
add_executable(fuzz_rdb_parser ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_rdb_parser.cc ${FUZZ_RDB_READER_SOURCES})
target_include_directories(fuzz_rdb_parser PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_options(fuzz_rdb_parser PRIVATE ${FUZZ_FLAGS})
target_link_options(fuzz_rdb_parser PRIVATE ${FUZZ_FLAGS})
