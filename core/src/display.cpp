// What front ends show of the records: an enterprise's name in the reader's language, and the
// characters of every text they may show (for a font atlas that bakes only what it needs).
#include <string>
#include <string_view>
#include <vector>

#include "dosti/session.h"
#include "dosti/text.h"
#include "session_impl.h"

namespace dosti {

std::string EnterpriseNameIn(const Record& enterprise, std::string_view lang) {
  std::string_view column = lang == "zh" ? "name_zh" : lang == "ur" ? "name_ur" : "name_en";
  std::string name = enterprise.Text(column);
  return name.empty() ? enterprise.Text("name") : name;
}

namespace {

// The free-text columns front ends show, by table. Codes (countries, stages, categories) are
// labels from the catalog, and ids, phones, e-mails and dates are ASCII: none of them is here.
struct ShownText {
  std::string_view table;
  std::string_view columns;  // a SELECT list
};
constexpr ShownText kShownText[] = {
    {"enterprise", "name, name_en, name_zh, name_ur, short_name, city, address"},
    {"contact", "full_name, latin_name, name_ur, position"},
    {"service_log", "summary, lead_staff"},
    {"follow_up", "assignee, note"},
    {"enrollment_stage", "reason"},
    {"matchmaking", "note, lost_reason"},
    {"matchmaking_stage", "reason"},
    {"event", "name, city"},
    {"staff", "name"},
    {"office", "name_en, name_zh, name_ur"},
    {"programme", "name"},
    {"device", "name"},
};

}  // namespace

Result<std::u32string> Session::CharactersInUse() {
  Impl& m = *impl_;
  // A bitmap over every code point (136 KiB): rows are many, distinct characters few.
  std::vector<bool> seen(0x110000, false);
  for (const ShownText& t : kShownText) {
    std::string sql = "SELECT " + std::string(t.columns) + " FROM " + std::string(t.table);
    auto r = EachRow(*m.db, sql, [&](Stmt& s) {
      for (int i = 0; i < s.Columns(); ++i) {
        if (s.IsNull(i)) continue;
        // Stored text is valid UTF-8 (every write checks it); ToCodePoints makes any
        // ill-formed byte U+FFFD, which a font atlas shows as the missing-glyph box anyway.
        for (char32_t c : text::ToCodePoints(s.BlobView(i))) {
          if (c < seen.size()) seen[c] = true;
        }
      }
    });
    if (!r) return r.error();
  }
  std::u32string out;
  for (char32_t c = 0; c < seen.size(); ++c) {
    if (seen[c]) out.push_back(c);
  }
  return out;
}

}  // namespace dosti
