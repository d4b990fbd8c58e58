// dosti-desktop without its window: the app's state, its screens and what one frame draws.
// main.cpp owns the GLFW window and the OpenGL renderer and calls, for every frame:
//
//   if (app.PrepareFrame()) re-upload the font texture;   // between frames
//   platform NewFrame;  app.BeginFrame(io);  ImGui::NewFrame();
//   app.Frame();
//   ImGui::Render();  app.EndFrame(ImGui::GetDrawData());  render;
//   if (!app.screenshot_request().empty()) write a PNG of the frame;
//
// The tests do the same with no window and no renderer (tests/desktop/).
// Threading: the UI thread, except the Worker's jobs (worker.h). The App outlives its screens;
// the FontFiles outlive the App.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dosti/session.h"
#include "fonts.h"
#include "preferences.h"
#include "screens.h"
#include "script.h"
#include "ui.h"
#include "worker.h"

namespace dosti::desktop {

struct AppOptions {
  std::string db_path;
  ScreenId screen = ScreenId::kEnterprises;
  std::string lang;                // "" : the saved preference
  float font_size = 0;             // 0: the saved preference
  std::string enterprise;          // the enterprise screen's record ("" : the first in the list)
  std::string preferences_dir;     // PreferencesDir(): "" means nowhere (nothing is saved)
  SessionOptions session;          // the UI thread's Session (tests: a fixed clock)
  SessionOptions worker_session;   // the Worker's (distinct clock and random objects)
  std::vector<ScriptStep> script;  // replayed from the first frame
};

class App {
 public:
  // Opens the database (twice: the UI thread's Session and the Worker's) and the screens.
  // Errors: the Session's (kStorage, kSchemaTooNew), kNotInitialised for a database without a
  // workspace (saying to create or join one with the dosti command first).
  static Result<std::unique_ptr<App>> Open(AppOptions options,
                                           std::shared_ptr<const FontFiles> fonts);
  ~App();

  // [SECTION] Frames
  // Between frames: takes in what the workers changed and found, and rebuilds the font atlas
  // when the language, the font size or the characters to show changed. True when the atlas
  // was rebuilt (the renderer uploads its texture again). The first call always builds it.
  bool PrepareFrame();
  // After the platform's NewFrame, before ImGui::NewFrame: the mouse for the layout's
  // direction, and the script's input.
  void BeginFrame(ImGuiIO& io);
  // Between ImGui::NewFrame and ImGui::Render: the whole window.
  void Frame();
  // After ImGui::Render: mirrors a right-to-left frame (ui.h).
  void EndFrame(ImDrawData* data);
  // A PNG of the frame just rendered is wanted at this path ("" : none); cleared by the call.
  std::string TakeScreenshotRequest();
  // The script has run to its end (or failed); failure() says which.
  bool script_done() const;
  const std::optional<Error>& script_failure() const;
  // Frames drawn so far.
  int64_t frame() const { return frame_; }

  // [SECTION] For screens
  Ui& ui() { return ui_; }
  Session& session() { return *session_; }
  Worker& worker() { return *worker_; }
  const WorkspaceInfo& info() const { return info_; }
  // The database file both Sessions have open (the sync screen opens this device's keys
  // beside it).
  const std::string& db_path() const { return options_.db_path; }
  const Preferences& preferences() const { return prefs_; }
  void Go(ScreenId screen);
  ScreenId current() const { return current_; }
  // Shows one enterprise (the enterprise screen).
  void OpenEnterprise(const std::string& id);
  const std::string& enterprise_id() const { return enterprise_id_; }
  // Settings: saved, and the atlas rebuilt between frames.
  void SetLanguage(const std::string& lang);
  void SetFontSize(float size);
  // A line in the status bar, already in drawn form (Ui::T, Ui::ShowError).
  void Notify(std::string drawn, bool error = false);
  // The glyphs the atlas holds.
  const GlyphSet& glyphs() const { return glyphs_; }
  // "CN 87/100 · PK 64/100" (DOMAIN.md workflow 4), kept current by the Worker; "" until known.
  const std::string& progress_line() const { return progress_line_; }

 private:
  App() = default;
  void Dispatch(const ChangeEvent& event);
  void RefreshInUse();
  void RefreshProgress();
  void DrawNavigation();
  void DrawStatus();

  AppOptions options_;
  std::shared_ptr<const FontFiles> fonts_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<Worker> worker_;
  WorkspaceInfo info_;
  Preferences prefs_;
  Ui ui_;
  GlyphSet glyphs_;
  bool atlas_dirty_ = true;
  std::string atlas_lang_;
  float atlas_size_ = 0;
  std::vector<std::unique_ptr<Screen>> screens_;  // by ScreenId
  ScreenId current_ = ScreenId::kEnterprises;
  std::string enterprise_id_;
  std::vector<ChangeEvent> pending_changes_;  // from the UI thread's Session
  // The header's "Selected: China n/100 · Pakistan n/100".
  struct Progress {
    int64_t cn = 0, cn_target = 0, pk = 0, pk_target = 0;
  };
  // The characters in use (read on the UI thread before the first frame, then on the Worker
  // after changes) and the header's progress, each read on the Worker.
  WorkerRead<std::u32string> in_use_read_{false};
  WorkerRead<Progress> progress_read_;
  std::string progress_line_;
  std::string status_;
  bool status_error_ = false;
  std::unique_ptr<ScriptPlayer> script_;
  std::string screenshot_request_;
  int64_t frame_ = 0;
};

}  // namespace dosti::desktop
