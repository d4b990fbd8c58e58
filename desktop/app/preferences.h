// The desktop user's preferences (language, font size), kept per OS user, not per database:
// $XDG_CONFIG_HOME/dosti/desktop.conf (or ~/.config/dosti/desktop.conf), lines "key=value".
// Plain values and file calls; thread-safe.
#pragma once

#include <string>

#include "dosti/result.h"

namespace dosti::desktop {

inline constexpr float kMinFontSize = 12, kMaxFontSize = 32, kDefaultFontSize = 18;

struct Preferences {
  std::string lang = "en";  // en | zh | ur
  float font_size = kDefaultFontSize;
};

// The folder preferences live in: `dir` when given, else $XDG_CONFIG_HOME/dosti, else
// $HOME/.config/dosti ("" when neither is set).
std::string PreferencesDir(const std::string& dir = {});
// The preferences saved in `dir`; the defaults for what is missing or not understood.
Preferences LoadPreferences(const std::string& dir);
// Saves them atomically (dosti/file.h), making the folder when missing.
Result<void> SavePreferences(const std::string& dir, const Preferences& prefs);

}  // namespace dosti::desktop
