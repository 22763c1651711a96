# Included from node/CMakeLists.txt when RCS_BUILD_FUZZERS is on: the RESTORE payload decoder (keyspace/dump.h)
# and the RDB reader and value types under it (FUZZ_RDB_READER_SOURCES).
set(RP_FUZZ_SRC ${CMAKE_CURRENT_SOURCE_DIR}/src)
add_executable(fuzz_restore_payload ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_restore_payload.cc
               ${RP_FUZZ_SRC}/keyspace/dump.cc ${RP_FUZZ_SRC}/keyspace/rdb_writer.cc ${RP_FUZZ_SRC}/keyspace/keyspace.cc
               ${RP_FUZZ_SRC}/keyspace/slot_dict.cc ${RP_FUZZ_SRC}/keyspace/eviction.cc ${RP_FUZZ_SRC}/keyspace/key_sizes.cc ${RP_FUZZ_SRC}/base/crc16.cc
               ${FUZZ_RDB_READER_SOURCES})
target_include_directories(fuzz_restore_payload PRIVATE ${RP_FUZZ_SRC})
# dump.cc's StoreDumpedValue (the keyspace) is not reached from the decoder: its section is dropped.
target_compile_options(fuzz_restore_payload PRIVATE ${FUZZ_FLAGS} -ffunction-sections)
target_link_options(fuzz_restore_payload PRIVATE ${FUZZ_FLAGS} -Wl,--gc-sections)
