// The screens of the app (one file each, *_screen.cpp) and their names on the command line and
// in scripts. A screen draws itself each frame from the App's state and its own; it calls the
// facade (through App::session() for single records, App::worker() for long work) and never
// SQL, and it holds no domain rule.
// Threading: the UI thread.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "dosti/session.h"

namespace dosti::desktop {

class App;

enum class ScreenId {
  kEnterprises,  // the table of enterprises
  kEnterprise,   // one enterprise: its record, identifiers, contacts, stage, services, ...
  kServices,
  kFollowUps,
  kMatchmaking,
  kReports,
  kSync,
  kSettings,
};
inline constexpr ScreenId kAllScreens[] = {
    ScreenId::kEnterprises, ScreenId::kEnterprise, ScreenId::kServices, ScreenId::kFollowUps,
    ScreenId::kMatchmaking, ScreenId::kReports,    ScreenId::kSync,     ScreenId::kSettings};

// "enterprises", "enterprise", "services", "followups", "matchmaking", "reports", "sync",
// "settings": the names of --screen and of scripts' "screen" step.
std::string_view ScreenName(ScreenId id);
std::optional<ScreenId> ScreenByName(std::string_view name);
// Every name, comma-separated (for messages).
std::string ScreenNames();

// True when `event` wrote records of any of `tables` (a screen's OnChange asks whether what it
// shows changed).
bool Touches(const ChangeEvent& event, std::initializer_list<std::string_view> tables);

class Screen {
 public:
  virtual ~Screen() = default;
  // Draws the screen into the current ImGui window's content region.
  virtual void Draw(App& app) = 0;
  // Records changed (through any Session of the app): refresh what shows them.
  virtual void OnChange(App& app, const ChangeEvent& event) {}
  // The language or the font changed: drop what was drawn for the old one.
  virtual void OnLanguage(App& app) {}
  // The app is closing: stop what waits on the Worker (a sync round's retry wait), before the
  // Worker is joined.
  virtual void OnClose() {}
};

std::unique_ptr<Screen> MakeEnterprisesScreen(App& app);
std::unique_ptr<Screen> MakeEnterpriseScreen(App& app);
std::unique_ptr<Screen> MakeSettingsScreen(App& app);
std::unique_ptr<Screen> MakeSyncScreen(App& app);
std::unique_ptr<Screen> MakeServicesScreen(App& app);
std::unique_ptr<Screen> MakeFollowUpsScreen(App& app);
std::unique_ptr<Screen> MakeMatchmakingScreen(App& app);
std::unique_ptr<Screen> MakeReportsScreen(App& app);

}  // namespace dosti::desktop
