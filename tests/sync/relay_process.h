// The dosti-relay executable as a child process, for the tests and benchmarks that need the
// real process (kill -9, memory peaks, floods): started on an ephemeral port of 127.0.0.1,
// whose first line on stdout names the port.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

// Under AddressSanitizer a process's resident memory also holds ASan's shadow memory, redzones
// and freed blocks in quarantine, so the relay's memory bounds, measured in RSS, do not apply
// there (the native-asan preset; tests/RELIABILITY.md, "Sanitizers"). Everything else does.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kRssBoundsApply = false;
#else
inline constexpr bool kRssBoundsApply = true;
#endif

namespace dosti::sync::testing {

struct SpawnedRelay {
  pid_t pid = -1;
  int port = 0;            // 0: it did not start (first_line says what it printed)
  std::string first_line;
};

// Runs `bin --listen 127.0.0.1:0 --data data_dir --quiet extra...` and waits for its first line.
SpawnedRelay SpawnRelay(const std::string& bin, const std::string& data_dir,
                        const std::vector<std::string>& extra = {});

// SIGTERM, then waits for it.
void StopRelay(pid_t pid);

// A field of /proc/PID/status in KiB (VmRSS: now; VmHWM: the peak so far); -1 if absent.
long ProcStatusKiB(pid_t pid, const std::string& field);

// User + system CPU time of the process so far, ms (/proc/PID/stat fields 14 and 15).
double ProcCpuMs(pid_t pid);

}  // namespace dosti::sync::testing
