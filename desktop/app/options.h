// The command line of dosti-desktop (README.md, "Running"): which database, screen, language,
// and the test modes (a screenshot after a few frames, a script of UI actions). Plain values;
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "dosti/result.h"

namespace dosti::desktop {

struct Options {
  std::string db;          // --db FILE, else $DOSTI_DB, else ./dosti.db (as the dosti command)
  std::string screen;      // --screen NAME: the first screen shown ("" : enterprises)
  std::string lang;        // --lang en|zh|ur ("" : the saved preference)
  float font_size = 0;     // --font-size PX (0: the saved preference)
  std::string enterprise;  // --enterprise ID: the record of the enterprise screen
  std::string screenshot;  // --screenshot OUT.png: render a few frames, write a PNG, quit
  std::string script;      // --script FILE: replay UI actions, then quit (README.md, "Scripts")
  int width = 1400, height = 900;  // --size WxH: the window's size in pixels
  int frames = 0;                  // --frames N: quit after N frames (0: when the window is closed)
  std::string timings;  // --timings FILE: each frame's time and the first frame's, written
                        // at exit (scripts/bench; bench/README.md, "Desktop figures")
  bool help = false;    // --help
};

// Reads `args` (without the program's name). kInvalid with "desktop.usage.*" keys: an unknown
// option, a missing or bad value, an unknown screen or language.
Result<Options> ParseOptions(const std::vector<std::string>& args, const char* env_db);

// The usage text in `lang`.
std::string Usage(const std::string& lang);

}  // namespace dosti::desktop
