# Included from node/CMakeLists.txt when RCS_BUILD_FUZZERS is on: stream ids and the stream value
# (keyspace/stream_value.h) under arbitrary operations, with its DUMP body decoder.
add_executable(fuzz_stream_args ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/fuzz_stream_args.cc ${FUZZ_RDB_READER_SOURCES})
target_include_directories(fuzz_stream_args PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
target_compile_options(fuzz_stream_args PRIVATE ${FUZZ_FLAGS})
target_link_options(fuzz_stream_args PRIVATE ${FUZZ_FLAGS})
