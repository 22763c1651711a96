// Linux shows a process's arguments by reading the memory between the kernel's arg_start and arg_end, i.e.
// the argv strings as exec laid them out, followed directly by the environment strings. To show another
// title we write it over that memory. If the byte at arg_end - 1 is no longer NUL, the kernel treats the
// area as a C string that may run on into the environment area (the setproctitle convention), which is why
// the environment is first copied to the heap: the whole contiguous area then belongs to the title, and
// what is left after it is zeroed so that no trace of the original arguments remains.
#include "base/proc_title.h"

#include <errno.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

extern char** environ;

namespace rcs {
namespace {
char* g_area = nullptr;  // start of argv[0]
size_t g_area_size = 0;  // bytes from argv[0] to the end of the last contiguous argv/environ string
}  // namespace

void ProcTitleInit(int argc, char** argv) {
  if (argc <= 0 || argv == nullptr || argv[0] == nullptr || g_area != nullptr) return;
  char* end = argv[0] + strlen(argv[0]) + 1;
  for (int i = 1; i < argc; i++) {
    if (argv[i] != end) break;  // not laid out contiguously: use only what is
    end = argv[i] + strlen(argv[i]) + 1;
  }
  size_t env_count = 0;
  while (environ != nullptr && environ[env_count] != nullptr) env_count++;
  char** env_copy = static_cast<char**>(calloc(env_count + 1, sizeof(char*)));
  if (env_copy == nullptr) return;
  for (size_t i = 0; i < env_count; i++) {
    if (environ[i] == end) end = environ[i] + strlen(environ[i]) + 1;
    env_copy[i] = strdup(environ[i]);
    if (env_copy[i] == nullptr) return;  // out of memory at start: keep the original title
  }
  environ = env_copy;
  // glibc's program_invocation_name points into argv[0]; keep it valid for error messages.
  program_invocation_name = strdup(program_invocation_name);
  program_invocation_short_name = strdup(program_invocation_short_name);
  g_area = argv[0];
  g_area_size = static_cast<size_t>(end - argv[0]);
}

void SetProcTitle(std::string_view title) {
  if (g_area == nullptr || g_area_size < 2) return;
  size_t n = title.size() < g_area_size - 1 ? title.size() : g_area_size - 1;
  memcpy(g_area, title.data(), n);
  memset(g_area + n, 0, g_area_size - n);
}

}  // namespace rcs
