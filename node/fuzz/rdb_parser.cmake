# Included from node/CMakeLists.txt when RCS_BUILD_FUZZERS is on: the RDB file reader and the value types it
# builds.
set(RDB_FUZZ_SRC ${CMAKE_CURRENT_SOURCE_DIR}/src)
add_executable(fuzz_rdb_parser ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_rdb_parser.cc
               ${RDB_FUZZ_SRC}/keyspace/rdb_parser.cc ${RDB_FUZZ_SRC}/keyspace/rdb_encodings.cc
               ${RDB_FUZZ_SRC}/keyspace/rdb_string.cc ${RDB_FUZZ_SRC}/keyspace/list_value.cc
               ${RDB_FUZZ_SRC}/keyspace/set_value.cc ${RDB_FUZZ_SRC}/keyspace/zset_value.cc
               ${RDB_FUZZ_SRC}/keyspace/hash_value.cc ${RDB_FUZZ_SRC}/keyspace/compact_string.cc
               ${RDB_FUZZ_SRC}/base/random.cc ${RDB_FUZZ_SRC}/keyspace/object.cc
               ${RDB_FUZZ_SRC}/keyspace/serialize.cc ${RDB_FUZZ_SRC}/protocol/errors.cc
               ${RDB_FUZZ_SRC}/base/strutil.cc ${RDB_FUZZ_SRC}/base/crc64.cc ${RDB_FUZZ_SRC}/base/hash.cc
               ${RDB_FUZZ_SRC}/base/alloc.cc)
target_include_directories(fuzz_rdb_parser PRIVATE ${RDB_FUZZ_SRC})
target_compile_options(fuzz_rdb_parser PRIVATE ${FUZZ_FLAGS})
target_link_options(fuzz_rdb_parser PRIVATE ${FUZZ_FLAGS})
