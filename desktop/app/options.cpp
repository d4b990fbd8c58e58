#include "options.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "dosti/catalog.h"
#include "screens.h"

namespace dosti::desktop {
namespace {

Error Bad(const std::string& option, const std::string& value) {
  return MakeError(ErrorCode::kInvalid, "desktop.usage.bad_value",
                   {{"option", option}, {"value", value}});
}

// A whole number in [low, high], or nullopt.
std::optional<int> Number(const std::string& s, int low, int high) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n < low || n > high) return std::nullopt;
  return n;
}

}  // namespace

Result<Options> ParseOptions(const std::vector<std::string>& args, const char* env_db) {
  Options o;
  o.db = env_db && *env_db ? env_db : "dosti.db";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      o.help = true;
      continue;
    }
    if (a.rfind("--", 0) != 0 || a == "--") {
      return MakeError(ErrorCode::kInvalid, "desktop.usage.unknown_option", {{"option", a}});
    }
    static const std::vector<std::string> kWithValue = {
        "--db",         "--screen", "--lang", "--font-size", "--enterprise",
        "--screenshot", "--script", "--size", "--frames",    "--timings"};
    bool known = false;
    for (const std::string& k : kWithValue) known = known || k == a;
    if (!known) {
      return MakeError(ErrorCode::kInvalid, "desktop.usage.unknown_option", {{"option", a}});
    }
    if (i + 1 >= args.size() || args[i + 1].empty()) {
      return MakeError(ErrorCode::kInvalid, "desktop.usage.missing_value", {{"option", a}});
    }
    const std::string& v = args[++i];
    if (a == "--db") {
      o.db = v;
    } else if (a == "--screen") {
      if (!ScreenByName(v)) {
        return MakeError(ErrorCode::kInvalid, "desktop.usage.bad_screen",
                         {{"value", v}, {"screens", ScreenNames()}});
      }
      o.screen = v;
    } else if (a == "--lang") {
      if (!IsLanguage(v)) return Bad(a, v);
      o.lang = v;
    } else if (a == "--font-size") {
      auto n = Number(v, 12, 32);
      if (!n) return Bad(a, v);
      o.font_size = static_cast<float>(*n);
    } else if (a == "--enterprise") {
      o.enterprise = v;
    } else if (a == "--screenshot") {
      o.screenshot = v;
    } else if (a == "--script") {
      o.script = v;
    } else if (a == "--timings") {
      o.timings = v;
    } else if (a == "--size") {
      std::size_t x = v.find('x');
      auto w = x == std::string::npos ? std::nullopt : Number(v.substr(0, x), 320, 8192);
      auto h = x == std::string::npos ? std::nullopt : Number(v.substr(x + 1), 240, 8192);
      if (!w || !h) return Bad(a, v);
      o.width = *w;
      o.height = *h;
    } else if (a == "--frames") {
      auto n = Number(v, 1, 1000000);
      if (!n) return Bad(a, v);
      o.frames = *n;
    }
  }
  return o;
}

std::string Usage(const std::string& lang) {
  return Translate("desktop.usage.text", lang, {{"screens", ScreenNames()}});
}

}  // namespace dosti::desktop
