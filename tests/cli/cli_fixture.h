// What the command-line tests share: the outcome of one RunCli call and unique temporary paths.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "dosti/platform.h"

namespace dosti::testing {

// One `dosti` invocation: its exit code and what it wrote.
struct Run {
  int code = -1;
  std::string out, err;
  // Lines written to stderr.
  std::vector<std::string> ErrLines() const {
    std::vector<std::string> lines;
    std::istringstream in(err);
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }
};

// A path in $TMPDIR (or /tmp) that nothing uses yet, ending in `suffix`.
inline std::string TempPath(const std::string& suffix) {
  const char* dir = std::getenv("TMPDIR");
  uint8_t bytes[8];
  SystemRandom().Fill(bytes, sizeof bytes);
  std::string name = "dosti-cli-test-";
  static const char* hex = "0123456789abcdef";
  for (uint8_t b : bytes) name += {hex[b >> 4], hex[b & 15]};
  return std::string(dir && *dir ? dir : "/tmp") + "/" + name + suffix;
}

}  // namespace dosti::testing
