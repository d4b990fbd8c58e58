// Text for ImGui: Urdu shaped and reordered by FriBiDi, and the font atlas that draws every
// stored name and every catalog text with no missing glyph (issue 11, "Scripts and fonts").
#include "dosti/text.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "bidi.h"
#include "desktop/desktop_fixture.h"
#include "dosti/catalog.h"
#include "fonts.h"
#include "ui.h"

using dosti::desktop::Direction;
using dosti::testing::Headless;
using dosti::testing::Must;
using dosti::testing::TempDir;

namespace {

std::u32string Cps(std::string_view s) { return dosti::text::ToCodePoints(s); }

// Every text of the records that the app shows (the free-text columns of CharactersInUse).
std::vector<std::string> StoredTexts(dosti::Session& s) {
  std::vector<std::string> out;
  dosti::EnterpriseFilter all;
  all.include_archived = true;
  for (const dosti::Record& e : Must(s.ListEnterprises(all))) {
    for (const char* c :
         {"name", "name_en", "name_zh", "name_ur", "short_name", "city", "address"}) {
      out.push_back(e.Text(c));
    }
    for (const dosti::Record& c : Must(s.ListContacts(e.id))) {
      for (const char* f : {"full_name", "latin_name", "name_ur", "position"}) {
        out.push_back(c.Text(f));
      }
    }
  }
  for (const dosti::Record& l : Must(s.ListServiceLogs())) out.push_back(l.Text("summary"));
  dosti::FollowUpFilter every;
  every.include_done = true;
  for (const dosti::Record& f : Must(s.ListFollowUps(every))) {
    out.push_back(f.Text("note"));
    out.push_back(f.Text("assignee"));
  }
  for (const dosti::Record& e : Must(s.ListEvents())) out.push_back(e.Text("name"));
  return out;
}

}  // namespace

TEST_CASE("Urdu is joined into presentation forms and reordered for drawing left to right",
          "[desktop][text]") {
  // پاکستان: pe, alef, kaf, seen, teh, alef, noon. Joined: pe initial (FB58), alef final
  // (FE8E), keheh initial (FB90), seen medial (FEB4), teh medial (FE98), alef final, noon
  // isolated (FEE5); drawn from the right, so the visual string starts with the last letter.
  std::u32string v = Cps(dosti::desktop::VisualOrder("پاکستان", Direction::kAutoLtr));
  CHECK(v == U"\uFEE5\uFE8E\uFE98\uFEB4\uFB90\uFE8E\uFB58");
  // A number inside Urdu keeps its digits in order; the sentence reads from the right.
  CHECK(Cps(dosti::desktop::VisualOrder("ادارے 200", Direction::kRtl)) ==
        Cps("200 ") + Cps(dosti::desktop::VisualOrder("ادارے", Direction::kRtl)));
  // The Urdu letters of Forms A join too: ٹ ک گ ں ہ ی ے.
  for (char32_t c : Cps(dosti::desktop::VisualOrder("ٹیکنالوجی گروپ ہے", Direction::kAutoLtr))) {
    if (c == U' ') continue;
    INFO(std::hex << static_cast<uint32_t>(c));
    CHECK(((c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF)));
  }
  // Left-to-right text comes back as it was.
  CHECK(dosti::desktop::VisualOrder("华为技术有限公司 (Pvt.) Ltd", Direction::kAutoLtr) ==
        "华为技术有限公司 (Pvt.) Ltd");
  // Lines are reordered one by one; bidi controls leave no trace.
  CHECK(Cps(dosti::desktop::VisualOrder("اب\nجد", Direction::kAutoLtr)).size() == 5);
  CHECK(dosti::desktop::VisualOrder("a\u200Fb", Direction::kAutoLtr) == "ab");
}

TEST_CASE("A right-to-left layout reverses each line, and knows which text starts from the right",
          "[desktop][text]") {
  CHECK(dosti::desktop::ReverseCodePoints("abc\n中文") == "cba\n文中");
  CHECK(dosti::desktop::IsRightToLeft("ادارہ Ltd", Direction::kAutoLtr));
  CHECK_FALSE(dosti::desktop::IsRightToLeft("Ltd ادارہ", Direction::kAutoRtl));
  CHECK(dosti::desktop::IsRightToLeft("2024", Direction::kAutoRtl));
  CHECK_FALSE(dosti::desktop::IsRightToLeft("2024", Direction::kAutoLtr));
  CHECK(dosti::desktop::NeedsBidi("ہم آہنگی"));
  CHECK_FALSE(dosti::desktop::NeedsBidi("同步 sync"));
}

TEST_CASE("Every stored name of the demo data and every catalog text draws with no missing glyph",
          "[desktop][text][glyphs]") {
  dosti::testing::WorkspaceFile w(200);  // the demo workspace of scripts/run
  const std::string& db = w.path;
  for (std::string lang : {"en", "zh", "ur"}) {
    Headless h(db, lang);
    REQUIRE(h.Frame());  // the first frame builds the atlas
    ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
    dosti::desktop::Ui& ui = h.app().ui();
    std::size_t texts = 0;
    std::u32string missing;
    for (const std::string& t : StoredTexts(h.app().session())) {
      std::u32string m = dosti::desktop::MissingGlyphs(*font, ui.Show(t));
      if (!m.empty()) UNSCOPED_INFO(lang << ": " << t);
      missing += m;
      ++texts;
    }
    for (std::string_view key : dosti::CatalogKeys()) {
      std::u32string m = dosti::desktop::MissingGlyphs(*font, ui.T(key));
      if (!m.empty()) UNSCOPED_INFO(lang << ": " << key);
      missing += m;
    }
    // The count sees a glyph the atlas lacks (no demo name and no catalog text has 龘).
    CHECK(dosti::desktop::MissingGlyphs(*font, ui.Show("龘 ok")) == U"龘");
    INFO(lang << ": " << texts << " stored texts");
    CHECK(texts > 2000);
    CHECK(missing.empty());
    // ImGui 1.86 bakes what it is given: the set stays far from the 4096² a whole script needs.
    const ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
    INFO(lang << ": atlas " << atlas.TexWidth << "x" << atlas.TexHeight << ", "
              << h.app().glyphs().size() << " characters");
    CHECK(atlas.TexWidth * atlas.TexHeight <= 2048 * 2048);
    // An Urdu screen also draws its text fields with the upright font.
    if (lang == "ur") {
      REQUIRE(ImGui::GetIO().Fonts->Fonts.Size == 2);
      CHECK(dosti::desktop::MissingGlyphs(*ImGui::GetIO().Fonts->Fonts[1], "پاکستان 华为 Ltd")
                .empty());
    }
  }
}

TEST_CASE("A name that arrives later joins the font atlas between frames",
          "[desktop][text][glyphs]") {
  dosti::testing::WorkspaceFile w(10);
  const std::string& db = w.path;
  Headless h(db, "zh");
  h.Settle();
  const char32_t rare = U'龘';  // in no demo name and no catalog text
  ImFont* font = ImGui::GetIO().Fonts->Fonts[0];
  REQUIRE(font->FindGlyphNoFallback(static_cast<ImWchar>(rare)) == nullptr);
  // Written by the Worker's Session, as a sync or an import brings records: the app hears of
  // it through the Worker's observer.
  auto saved = std::make_shared<std::atomic<bool>>(false);
  h.app().worker().Post([saved](dosti::Session& s) {
    saved->store(
        s.AddEnterprise({{"country", std::string("CN")}, {"name", std::string("龘龘科技有限公司")}})
            .has_value());
  });
  bool rebuilt = false;
  for (int i = 0; i < 2000 && !rebuilt; ++i) {
    rebuilt = h.Frame();
    if (!rebuilt) usleep(1000);
  }
  CHECK(saved->load());
  REQUIRE(rebuilt);
  font = ImGui::GetIO().Fonts->Fonts[0];
  CHECK(font->FindGlyphNoFallback(static_cast<ImWchar>(rare)) != nullptr);
}

TEST_CASE("The glyphs of a right-to-left atlas are mirrored in their advance", "[desktop][text]") {
  auto fonts = dosti::testing::Fonts();
  dosti::desktop::GlyphSet glyphs = dosti::desktop::AppGlyphs(U"");
  ImFontAtlas upright, mirrored;
  Must(dosti::desktop::BuildAtlas(upright, *fonts, glyphs, 18, false));
  Must(dosti::desktop::BuildAtlas(mirrored, *fonts, glyphs, 18, true));
  REQUIRE(upright.Fonts.Size == 1);
  REQUIRE(mirrored.Fonts.Size == 2);
  for (ImWchar c : {ImWchar('L'), ImWchar(0xFB58), ImWchar(0x3002)}) {
    const ImFontGlyph* a = upright.Fonts[0]->FindGlyphNoFallback(c);
    const ImFontGlyph* m = mirrored.Fonts[0]->FindGlyphNoFallback(c);
    const ImFontGlyph* b = mirrored.Fonts[1]->FindGlyphNoFallback(c);
    REQUIRE(a != nullptr);
    REQUIRE(m != nullptr);
    REQUIRE(b != nullptr);
    CHECK(m->X0 == Approx(a->AdvanceX - a->X1));
    CHECK(m->X1 == Approx(a->AdvanceX - a->X0));
    CHECK(b->X0 == Approx(a->X0));  // the second font stays upright, for text fields
  }
}
