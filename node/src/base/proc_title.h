// The process title that `ps` shows, set as redis-server does: the program's argument memory is overwritten
// with the title, so options given on the command line (a --requirepass, paths, ...) are not shown.
#pragma once

#include <string_view>

namespace rcs {

// Call once at the top of main, before anything keeps pointers into argv or environ. Moves the environment
// strings to the heap so that the argument area can grow into the space they used.
void ProcTitleInit(int argc, char** argv);
// Replaces what /proc/self/cmdline (and so ps) shows; truncated to the space the arguments and environment
// occupied at start. A no-op when ProcTitleInit was not called.
void SetProcTitle(std::string_view title);

}  // namespace rcs
