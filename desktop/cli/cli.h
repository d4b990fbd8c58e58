// The `dosti` command line as a library: main.cpp forwards argv here, and the tests call
// RunCli in-process (natively and as wasm) with their own streams, clock and environment.
// Threading: one call at a time per Session file.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "dosti/platform.h"

namespace dosti::cli {

struct Environment {
  std::optional<std::string> dosti_db;  // $DOSTI_DB
  std::optional<std::string> key_passphrase;  // $DOSTI_KEY_PASSPHRASE
  std::optional<std::string> invite_passphrase;  // $DOSTI_INVITE_PASSPHRASE
  std::istream* in = nullptr;           // standard input, for "-" as a passphrase file
  Clock* clock = nullptr;               // nullptr: the system clock
  Random* random = nullptr;             // nullptr: the system random source
};

// Runs one command. `args` excludes the program name.
// Exit codes: 0 done; 1 refused or failed (one line "error: ..." on `err`, nothing changed);
// 2 usage (the usage text on `err`).
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const Environment& env);

}  // namespace dosti::cli
