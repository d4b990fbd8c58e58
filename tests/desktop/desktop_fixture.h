// The desktop app without a window: an ImGui context, the app's real fonts, a real database
// file with a workspace, and frames run as main.cpp runs them, less the OpenGL renderer (the
// draw data is made, mirrored for Urdu, and not drawn). Screens, scripts, fonts and workers are
// the very code dosti-desktop runs.
#pragma once

#include <imgui.h>
#include <stdlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "app.h"
#include "core/session_fixture.h"
#include "dosti/demo.h"
#include "dosti/session.h"
#include "fonts.h"
#include "script.h"

namespace dosti::testing {

// TempDir: core/session_fixture.h.

// A workspace of the Beijing office with `enterprises` demo enterprises (seed 1, as
// scripts/run makes it) in a database file at `path`.
inline void MakeWorkspace(const std::string& path, int enterprises, uint64_t seed = 1) {
  auto s = Session::Open(path);
  if (!s) throw std::runtime_error(s.error().message);
  auto init = (*s)->Init("beijing", "Dosti test");
  if (!init) throw std::runtime_error(init.error().message);
  if (enterprises > 0) {
    auto seeded = SeedDemo(**s, enterprises, seed);
    if (!seeded) throw std::runtime_error(seeded.error().message);
  }
}

// A workspace file (MakeWorkspace) in a folder of its own, removed afterwards.
struct WorkspaceFile {
  TempDir dir;
  std::string path;
  explicit WorkspaceFile(int enterprises) : path(dir.File("w.db")) {
    MakeWorkspace(path, enterprises);
  }
};

// The fonts, read once for the whole test run.
inline std::shared_ptr<const desktop::FontFiles> Fonts() {
  static std::shared_ptr<const desktop::FontFiles> fonts = [] {
    auto f = desktop::LoadFonts();
    if (!f) throw std::runtime_error(f.error().message);
    return *f;
  }();
  return fonts;
}

// An App on `db_path` in a headless ImGui context of 1400 × 900 pixels.
class Headless {
 public:
  explicit Headless(const std::string& db_path, const std::string& lang = "en",
                    desktop::ScreenId screen = desktop::ScreenId::kEnterprises,
                    std::vector<desktop::ScriptStep> script = {},
                    const std::string& preferences_dir = {}) {
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(1400, 900);
    io.DeltaTime = 1.0f / 60;
    io.IniFilename = nullptr;
    desktop::MapKeysForHeadless(io);
    desktop::AppOptions options;
    options.db_path = db_path;
    options.lang = lang;
    options.screen = screen;
    options.script = std::move(script);
    options.preferences_dir = preferences_dir;  // "" : nothing is saved
    auto app = desktop::App::Open(std::move(options), Fonts());
    if (!app) {
      ImGui::DestroyContext(context_);
      throw std::runtime_error(app.error().message);
    }
    app_ = std::move(*app);
  }
  ~Headless() {
    app_.reset();
    ImGui::DestroyContext(context_);
  }
  Headless(const Headless&) = delete;
  Headless& operator=(const Headless&) = delete;

  desktop::App& app() { return *app_; }

  // One frame, as main.cpp runs it; the mouse rests outside the window unless a script moves
  // it. True when the font atlas was rebuilt before it.
  bool Frame() {
    ImGuiIO& io = ImGui::GetIO();
    bool rebuilt = app_->PrepareFrame();
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    app_->BeginFrame(io);
    ImGui::NewFrame();
    app_->Frame();
    ImGui::Render();
    app_->EndFrame(ImGui::GetDrawData());
    return rebuilt;
  }
  // Frames until the Worker has had nothing to do for three frames in a row.
  void Settle(int max_frames = 2000) {
    int idle = 0;
    for (int i = 0; i < max_frames && idle < 3; ++i) {
      Frame();
      idle = app_->worker().Busy() ? 0 : idle + 1;
      if (idle == 0) usleep(1000);
    }
  }
  // Frames until the script has run to its end; its failure, if any, fails the test.
  void RunScript(int max_frames = 20000) {
    for (int i = 0; i < max_frames && !app_->script_done(); ++i) {
      Frame();
      if (app_->worker().Busy()) usleep(500);
    }
    REQUIRE(app_->script_done());
    if (app_->script_failure()) FAIL(app_->script_failure()->message);
    Settle();
  }

 private:
  ImGuiContext* context_ = nullptr;
  std::unique_ptr<desktop::App> app_;
};

// A script from its text; a parse error fails the test.
inline std::vector<desktop::ScriptStep> Script(const std::string& text) {
  auto steps = desktop::ParseScript(text, "test");
  INFO((steps ? std::string() : steps.error().message));
  REQUIRE(steps);
  return *steps;
}

}  // namespace dosti::testing
