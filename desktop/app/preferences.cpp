#include "preferences.h"

#include <cstdlib>
#include <string>
#include <string_view>

#include "dosti/catalog.h"
#include "dosti/file.h"

namespace dosti::desktop {
namespace {

constexpr std::string_view kFile = "/desktop.conf";

}  // namespace

std::string PreferencesDir(const std::string& dir) {
  if (!dir.empty()) return dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/dosti";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.config/dosti";
  }
  return {};
}

Preferences LoadPreferences(const std::string& dir) {
  Preferences prefs;
  if (dir.empty()) return prefs;
  auto bytes = ReadFile(dir + std::string(kFile), 1 << 16);
  if (!bytes) return prefs;
  std::string_view rest = *bytes;
  while (!rest.empty()) {
    std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "lang" && IsLanguage(value)) prefs.lang = std::string(value);
    if (key == "font_size") {
      char* stop = nullptr;
      std::string v(value);
      float size = std::strtof(v.c_str(), &stop);
      if (stop != v.c_str() && size >= kMinFontSize && size <= kMaxFontSize) prefs.font_size = size;
    }
  }
  return prefs;
}

Result<void> SavePreferences(const std::string& dir, const Preferences& prefs) {
  if (dir.empty()) return {};  // nowhere to keep them: they last for this run
  DOSTI_TRY(MakeDirectories(dir));
  std::string text = "lang=" + prefs.lang +
                     "\nfont_size=" + std::to_string(static_cast<int>(prefs.font_size)) + "\n";
  return WriteFileAtomic(dir + std::string(kFile), text);
}

}  // namespace dosti::desktop
