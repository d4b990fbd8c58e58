// Scripts of UI actions (dosti-desktop --script FILE): a test or a demonstration drives the app
// as a user would, through ImGui's own input (mouse position and buttons, keys, typed
// characters), so that a script exercises the very code a click does. Widgets are found by the
// names screens give them (Ui::Mark). The language is described in README.md ("Scripts").
// Threading: the UI thread.
#pragma once

#include <imgui.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/result.h"
#include "ui.h"

namespace dosti::desktop {

struct ScriptStep {
  enum class Kind {
    kScreen,
    kClick,
    kDoubleClick,
    kHover,
    kWheel,
    kFill,
    kType,
    kKey,
    kWait,
    kExpect,
    kScreenshot
  };
  Kind kind = Kind::kWait;
  int line = 0;
  std::string target;  // kClick, kDoubleClick, kHover, kFill, kExpect; the screen (kScreen)
  std::string text;    // kFill, kType; the file (kScreenshot)
  int key = -1;        // kKey: an ImGuiKey_
  bool ctrl = false;   // kKey: with Ctrl held
  int frames = 0;      // kWait: frames; kWheel: lines (negative: down, towards the end)
};

// Parses a script; kInvalid ("desktop.script.bad_line", naming `file` and the line) for a line
// that is no action.
Result<std::vector<ScriptStep>> ParseScript(std::string_view text, std::string_view file);

// What a step asks of the app besides input.
struct ScriptRequest {
  std::string screen;      // go to this screen
  std::string screenshot;  // write a PNG of this frame to this file
};

// Plays a script one frame at a time.
class ScriptPlayer {
 public:
  // How many frames a step waits for its target to be drawn before it fails.
  static constexpr int kPatienceFrames = 600;

  explicit ScriptPlayer(std::vector<ScriptStep> steps);
  // Between the platform backend's NewFrame and ImGui::NewFrame: sets this frame's mouse, keys
  // and typed characters in `io` for the current step, given where the widgets were drawn in
  // the last frame. Returns what the step asks of the app.
  ScriptRequest Inject(ImGuiIO& io, const Targets& targets);
  bool done() const { return done_; }
  // Why the script stopped early ("desktop.script.no_target" naming the line), if it did.
  const std::optional<Error>& failure() const { return failure_; }

 private:
  void Next();
  void Fail(Error error);

  std::vector<ScriptStep> steps_;
  std::size_t index_ = 0;
  int phase_ = 0;   // the frame within the step
  int waited_ = 0;  // frames waited for a target
  bool done_ = false;
  std::optional<Error> failure_;
  ImVec2 mouse_{-1, -1};
  Rect last_seen_{};  // where the awaited target was in the frame before
  bool seen_before_ = false;
  int key_down_ = -1;  // a key held since the last frame
};

// ImGui key indices for a platform without a backend (the headless tests): io.KeyMap[k] = k.
void MapKeysForHeadless(ImGuiIO& io);

}  // namespace dosti::desktop
