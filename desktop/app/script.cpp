#include "script.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dosti/catalog.h"

namespace dosti::desktop {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// A text argument: the rest of the line, without the double quotes around it when it has them
// (so that it may begin or end with spaces).
std::string TextArgument(std::string_view s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return std::string(s);
}

struct KeyName {
  std::string_view name;
  int key;
};
constexpr KeyName kKeys[] = {
    {"tab", ImGuiKey_Tab},
    {"left", ImGuiKey_LeftArrow},
    {"right", ImGuiKey_RightArrow},
    {"up", ImGuiKey_UpArrow},
    {"down", ImGuiKey_DownArrow},
    {"pageup", ImGuiKey_PageUp},
    {"pagedown", ImGuiKey_PageDown},
    {"home", ImGuiKey_Home},
    {"end", ImGuiKey_End},
    {"delete", ImGuiKey_Delete},
    {"backspace", ImGuiKey_Backspace},
    {"space", ImGuiKey_Space},
    {"enter", ImGuiKey_Enter},
    {"escape", ImGuiKey_Escape},
    {"a", ImGuiKey_A},
    {"c", ImGuiKey_C},
    {"v", ImGuiKey_V},
    {"x", ImGuiKey_X},
    {"y", ImGuiKey_Y},
    {"z", ImGuiKey_Z},
};

}  // namespace

Result<std::vector<ScriptStep>> ParseScript(std::string_view text, std::string_view file) {
  std::vector<ScriptStep> steps;
  int number = 0;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = TrimSpaces(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    std::size_t space = line.find_first_of(" \t");
    std::string_view verb = line.substr(0, space);
    std::string_view rest =
        space == std::string_view::npos ? std::string_view() : TrimSpaces(line.substr(space));
    ScriptStep step;
    step.line = number;
    bool ok = true;
    using Kind = ScriptStep::Kind;
    if (verb == "screen" && !rest.empty()) {
      step.kind = Kind::kScreen;
      step.target = std::string(rest);
    } else if ((verb == "click" || verb == "double-click" || verb == "hover" || verb == "expect") &&
               !rest.empty()) {
      step.kind = verb == "click"    ? Kind::kClick
                  : verb == "expect" ? Kind::kExpect
                  : verb == "hover"  ? Kind::kHover
                                     : Kind::kDoubleClick;
      step.target = std::string(rest);
    } else if (verb == "fill" && !rest.empty()) {
      step.kind = Kind::kFill;
      std::size_t gap = rest.find_first_of(" \t");
      step.target = std::string(rest.substr(0, gap));
      step.text = gap == std::string_view::npos ? std::string()
                                                : TextArgument(TrimSpaces(rest.substr(gap)));
    } else if (verb == "type" && !rest.empty()) {
      step.kind = Kind::kType;
      step.text = TextArgument(rest);
    } else if (verb == "key" && !rest.empty()) {
      step.kind = Kind::kKey;
      std::string_view name = rest;
      if (name.substr(0, 5) == "ctrl+") {
        step.ctrl = true;
        name.remove_prefix(5);
      }
      for (const KeyName& k : kKeys) {
        if (k.name == name) step.key = k.key;
      }
      ok = step.key >= 0;
    } else if (verb == "wait" || verb == "wheel") {
      step.kind = verb == "wait" ? Kind::kWait : Kind::kWheel;
      std::string_view digits = rest;
      const bool negative = verb == "wheel" && !digits.empty() && digits.front() == '-';
      if (negative) digits.remove_prefix(1);
      step.frames = 0;
      for (char c : digits) {
        if (c < '0' || c > '9' || step.frames > 100000) {
          ok = false;
          break;
        }
        step.frames = step.frames * 10 + (c - '0');
      }
      if (negative) step.frames = -step.frames;
      ok = ok && !digits.empty();
    } else if (verb == "screenshot" && !rest.empty()) {
      step.kind = Kind::kScreenshot;
      step.text = TextArgument(rest);
    } else {
      ok = false;
    }
    if (!ok) {
      return MakeError(ErrorCode::kInvalid, "desktop.script.bad_line",
                       {{"file", std::string(file)},
                        {"line", std::to_string(number)},
                        {"text", std::string(line)}});
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

ScriptPlayer::ScriptPlayer(std::vector<ScriptStep> steps) : steps_(std::move(steps)) {
  done_ = steps_.empty();
}

void ScriptPlayer::Next() {
  ++index_;
  phase_ = 0;
  waited_ = 0;
  done_ = index_ >= steps_.size();
}

void ScriptPlayer::Fail(Error error) {
  failure_ = std::move(error);
  done_ = true;
}

ScriptRequest ScriptPlayer::Inject(ImGuiIO& io, const Targets& targets) {
  ScriptRequest request;
  // The platform sets the mouse from the real pointer each frame: the script's wins.
  if (mouse_.x >= 0) io.MousePos = mouse_;
  io.MouseDown[0] = false;
  if (key_down_ >= 0) {
    io.KeysDown[io.KeyMap[key_down_]] = false;
    io.KeyCtrl = false;
    key_down_ = -1;
  }
  if (done_) return request;
  const ScriptStep& step = steps_[index_];
  using Kind = ScriptStep::Kind;
  auto press = [&](int key, bool ctrl) {
    io.KeysDown[io.KeyMap[key]] = true;
    io.KeyCtrl = ctrl;
    key_down_ = key;
  };
  // Steps that act on a widget first wait for it to be drawn in the same place two frames in
  // a row (a window that fits itself to its content, a popup that centres itself, moves in its
  // first frames).
  if (phase_ == 0 &&
      (step.kind == Kind::kClick || step.kind == Kind::kDoubleClick || step.kind == Kind::kHover ||
       step.kind == Kind::kFill || step.kind == Kind::kExpect)) {
    auto it = targets.find(step.target);
    const bool settled =
        it != targets.end() && seen_before_ && it->second.min.x == last_seen_.min.x &&
        it->second.min.y == last_seen_.min.y && it->second.max.x == last_seen_.max.x &&
        it->second.max.y == last_seen_.max.y;
    seen_before_ = it != targets.end();
    if (seen_before_) last_seen_ = it->second;
    if (!settled) {
      if (++waited_ > kPatienceFrames) {
        Fail(MakeError(ErrorCode::kNotFound, "desktop.script.no_target",
                       {{"line", std::to_string(step.line)}, {"target", step.target}}));
      }
      return request;
    }
    seen_before_ = false;
    if (step.kind == Kind::kExpect) {
      Next();
      return request;
    }
    mouse_ = it->second.Center();
    io.MousePos = mouse_;
    phase_ = 1;
    return request;
  }
  const int phase = phase_++;
  switch (step.kind) {
    case Kind::kScreen:
      request.screen = step.target;
      Next();
      break;
    case Kind::kScreenshot:
      request.screenshot = step.text;
      Next();
      break;
    case Kind::kWait:
      if (phase >= step.frames) Next();
      break;
    case Kind::kExpect:
      break;  // handled above
    case Kind::kHover:
      Next();  // the pointer is there now (phase 0)
      break;
    case Kind::kWheel:
      io.MouseWheel = static_cast<float>(step.frames);
      Next();
      break;
    case Kind::kType:
      io.AddInputCharactersUTF8(step.text.c_str());
      Next();
      break;
    case Kind::kKey:
      press(step.key, step.ctrl);
      Next();
      break;
    case Kind::kClick:
      // 1: press; 2: release (a click), then the next step.
      if (phase == 1) io.MouseDown[0] = true;
      if (phase == 2) Next();
      break;
    case Kind::kDoubleClick:
      if (phase == 1 || phase == 3) io.MouseDown[0] = true;
      if (phase == 4) Next();
      break;
    case Kind::kFill:
      // 1: press; 2: release; 3: Ctrl+A (select all); 4: Delete; 5: type; 6: next.
      if (phase == 1) io.MouseDown[0] = true;
      if (phase == 3) press(ImGuiKey_A, true);
      if (phase == 4) press(ImGuiKey_Delete, false);
      if (phase == 5 && !step.text.empty()) io.AddInputCharactersUTF8(step.text.c_str());
      if (phase == 6) Next();
      break;
  }
  return request;
}

void MapKeysForHeadless(ImGuiIO& io) {
  for (int k = 0; k < ImGuiKey_COUNT; ++k) io.KeyMap[k] = k;
}

}  // namespace dosti::desktop
