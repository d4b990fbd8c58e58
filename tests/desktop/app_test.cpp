// dosti-desktop run headless: screens in every language, scripts that drive it through ImGui's
// input, the enterprise table's paged queries on the Worker, the right-to-left layout, and the
// command line and preferences.
#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "desktop/desktop_fixture.h"
#include "dosti/file.h"
#include "enterprise_list.h"
#include "options.h"
#include "preferences.h"
#include "script.h"
#include "worker.h"

using dosti::desktop::ScreenId;
using dosti::testing::Headless;
using dosti::testing::Must;
using dosti::testing::Script;
using dosti::testing::TempDir;

TEST_CASE("Every screen draws in every language", "[desktop][app]") {
  dosti::testing::WorkspaceFile w(60);
  const std::string& db = w.path;
  for (std::string lang : {"en", "zh", "ur"}) {
    Headless h(db, lang);
    for (ScreenId id : dosti::desktop::kAllScreens) {
      INFO(lang << " " << dosti::desktop::ScreenName(id));
      h.app().Go(id);
      h.Settle();
      CHECK(h.app().current() == id);
      // The navigation is drawn, with this screen among its entries.
      std::string name(dosti::desktop::ScreenName(id));
      CHECK(h.app().ui().targets().count("nav." + name) == 1);
    }
    CHECK_FALSE(h.app().progress_line().empty());  // "Selected: China n/100 · Pakistan n/100"
  }
}

TEST_CASE("A script creates an enterprise through the New enterprise form",
          "[desktop][app][script]") {
  dosti::testing::WorkspaceFile w(20);
  const std::string& db = w.path;
  Headless h(db, "en", ScreenId::kEnterprises, Script(R"(
# A Beijing officer records an enterprise met at a fair.
screen enterprises
click enterprises.new
fill new.name 浏喆科技有限公司
fill new.name_en Liuzhe Technology
fill new.city Beijing
fill new.identifier 91110000600037341L
click new.save
expect detail.name
)"));
  h.RunScript();
  auto hits = Must(h.app().session().Search("浏喆科技"));
  REQUIRE(hits.size() == 1);
  auto e = Must(h.app().session().GetEnterprise(hits[0].enterprise_id));
  CHECK(e.record.Text("country") == "CN");  // the Beijing office's country, by default
  CHECK(e.record.Text("name_en") == "Liuzhe Technology");
  CHECK(e.record.Text("city") == "Beijing");
  REQUIRE(e.identifiers.size() == 1);
  CHECK(e.identifiers[0].value == "91110000600037341L");
  // The new enterprise is open, and its new characters joined the atlas.
  CHECK(h.app().current() == ScreenId::kEnterprise);
  CHECK(h.app().enterprise_id() == hits[0].enterprise_id);
  CHECK(ImGui::GetIO().Fonts->Fonts[0]->FindGlyphNoFallback(static_cast<ImWchar>(U'喆')));
}

TEST_CASE(
    "The New enterprise form tells errors from warnings as they are typed, and saves nothing "
    "with an error",
    "[desktop][app][script]") {
  dosti::testing::WorkspaceFile w(0);
  const std::string& db = w.path;
  // A name with a bidi override character (U+202E) is refused as typed.
  Headless h(db, "en", ScreenId::kEnterprises,
             Script("click enterprises.new\n"
                    "# A real USCC that fails its check character: a warning, it may be saved.\n"
                    "fill new.identifier 91350100M0001TGQXM\n"
                    "expect new.identifier.warning\n"
                    "# Too short: an error.\n"
                    "fill new.identifier 9135\n"
                    "expect new.identifier.error\n"
                    "fill new.name Good\u202EName\n"
                    "expect new.name.error\n"
                    "click new.save\n"
                    "wait 3\n"));
  h.RunScript();
  const auto& targets = h.app().ui().targets();
  CHECK(targets.count("new.identifier.error") == 1);
  CHECK(targets.count("new.identifier.warning") == 0);
  CHECK(targets.count("new.save") == 1);  // still open: nothing was saved
  dosti::EnterpriseFilter all;
  all.include_archived = true;
  CHECK(Must(h.app().session().ListEnterprises(all)).empty());
}

TEST_CASE("The enterprise table filters and searches on the Worker, and a row opens its enterprise",
          "[desktop][app][script]") {
  dosti::testing::WorkspaceFile w(80);
  const std::string& db = w.path;
  Headless h(db, "en", ScreenId::kEnterprises, Script(R"(
click enterprises.country
click enterprises.country.PK
wait 5
click enterprises.row.0
expect detail.name
)"));
  h.RunScript();
  REQUIRE(h.app().current() == ScreenId::kEnterprise);
  CHECK(Must(h.app().session().GetEnterprise(h.app().enterprise_id())).record.Text("country") ==
        "PK");

  // A search leaves the rows that the core's search finds (the demo data has duplicates).
  auto e = Must(h.app().session().GetEnterprise(h.app().enterprise_id()));
  std::string name = e.record.Text("name");
  dosti::EnterpriseQuery search;
  search.search = name;
  const int64_t hits = Must(h.app().session().QueryEnterprises(search)).total;
  REQUIRE(hits >= 1);
  REQUIRE(hits < 25);  // all in sight
  Headless h2(db, "en", ScreenId::kEnterprises,
              Script("fill enterprises.search \"" + name + "\"\nwait 10\n"));
  h2.RunScript();
  const auto& targets = h2.app().ui().targets();
  CHECK(targets.count("enterprises.row." + std::to_string(hits - 1)) == 1);
  CHECK(targets.count("enterprises.row." + std::to_string(hits)) == 0);
}

TEST_CASE("The enterprise list pages through thousands of rows and a new query supersedes the old",
          "[desktop][app][list]") {
  TempDir dir;
  std::string db = dir.File("w.db");
  {
    auto s = Must(dosti::Session::Open(db));
    Must(s->Init("beijing", "List test"));
    Must(s->Atomically([&]() -> dosti::Result<void> {
      for (int i = 0; i < 1500; ++i) {
        auto saved = s->AddEnterprise({{"country", std::string(i % 3 == 0 ? "PK" : "CN")},
                                       {"name", "Enterprise " + std::to_string(100000 + i)}});
        if (!saved) return saved.error();
      }
      return {};
    }));
  }
  auto worker = Must(dosti::desktop::Worker::Start(db));
  dosti::desktop::EnterpriseList list(*worker);
  auto wait_for = [&](auto done) {
    for (int i = 0; i < 5000 && !done(); ++i) {
      list.Poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    list.Poll();
  };
  wait_for([&] { return list.total() >= 0; });
  REQUIRE(list.total() == 1500);
  // Rows of a page not fetched yet come a little later.
  CHECK(list.Row(1234) == nullptr);
  wait_for([&] { return list.Row(1234) != nullptr; });
  REQUIRE(list.Row(1234) != nullptr);
  CHECK(list.Row(1234)->Text("name") == "Enterprise 101234");

  // Three queries in a row, as a search typed key by key: the last one's answer wins.
  dosti::EnterpriseQuery q;
  q.country = "CN";
  list.SetQuery(q);
  q.country = "";
  q.search = "Enterprise 1014";
  list.SetQuery(q);
  q.search = "";
  q.country = "PK";
  list.SetQuery(q);
  wait_for([&] { return list.total() == 500 && !list.loading(); });
  CHECK(list.total() == 500);
  REQUIRE(list.Row(0) != nullptr);
  CHECK(worker->TakeChanges().empty());  // reads change nothing
  // A filter out of its domain is the core's error, shown by the table.
  q.country = "XX";
  list.SetQuery(q);
  wait_for([&] { return list.error().has_value(); });
  CHECK(list.error().has_value());
}

TEST_CASE("A job on the Worker stops when interrupted and its changes reach the UI thread",
          "[desktop][app][native]") {
  dosti::testing::WorkspaceFile w(0);
  const std::string& db = w.path;
  auto worker = Must(dosti::desktop::Worker::Start(db));
  auto outcome = std::make_shared<std::atomic<int>>(-1);  // the error code, 0 for success
  worker->Post([outcome](dosti::Session& s) {
    auto seeded = dosti::SeedDemo(s, 20000, 3);
    outcome->store(seeded ? 0 : static_cast<int>(seeded.error().code));
  });
  // The seed takes seconds: interrupt it once it has begun (a Cancel before it takes its
  // watch would be lost, as sqlite3_interrupt's).
  for (int i = 0; i < 20000 && outcome->load() < 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (i > 20) worker->Interrupt();
  }
  CHECK(outcome->load() == static_cast<int>(dosti::ErrorCode::kCancelled));
  CHECK(worker->TakeChanges().empty());  // rolled back: nothing to refresh

  worker->Post([](dosti::Session& s) {
    (void)s.AddEnterprise({{"country", std::string("PK")}, {"name", std::string("Indus Labs")}});
  });
  std::vector<dosti::ChangeEvent> changes;
  for (int i = 0; i < 5000 && changes.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    changes = worker->TakeChanges();
  }
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].local);
}

TEST_CASE("In Urdu the layout is mirrored and a text field is moved, not mirrored",
          "[desktop][app][rtl]") {
  dosti::testing::WorkspaceFile w(5);
  const std::string& db = w.path;
  Headless h(db, "ur", ScreenId::kEnterprises, Script("fill enterprises.search ab\nwait 2\n"));
  h.RunScript();
  h.Frame();
  const float width = ImGui::GetIO().DisplaySize.x;
  // The navigation is laid out at the left in ImGui's coordinates (and drawn at the right:
  // the next test).
  const auto& targets = h.app().ui().targets();
  REQUIRE(targets.count("nav.enterprises") == 1);
  CHECK(targets.at("nav.enterprises").max.x < width / 2);
  ImDrawData* data = ImGui::GetDrawData();
  REQUIRE(data != nullptr);
  // The search field's text: "a" before "b", left to right, drawn with the upright font.
  ImFont* upright = ImGui::GetIO().Fonts->Fonts[1];
  const ImFontGlyph* ga = upright->FindGlyphNoFallback('a');
  const ImFontGlyph* gb = upright->FindGlyphNoFallback('b');
  REQUIRE(ga != nullptr);
  REQUIRE(gb != nullptr);
  float xa = -1, xb = -1;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    for (const ImDrawVert& v : data->CmdLists[n]->VtxBuffer) {
      if (v.uv.x == ga->U0 && v.uv.y == ga->V0) xa = v.pos.x;
      if (v.uv.x == gb->U0 && v.uv.y == gb->V0) xb = v.pos.x;
    }
  }
  REQUIRE(xa >= 0);
  REQUIRE(xb >= 0);
  CHECK(xa < xb);
  const dosti::desktop::Rect field = targets.at("enterprises.search");
  CHECK(xa >= width - field.max.x);  // within the field's mirrored place
  CHECK(xb <= width - field.min.x);
}

// The lowest point of a checkbox's check mark as drawn (after mirroring), relative to its box's
// centre: ImGui's mark has its corner left of the centre.
static float CheckCornerFromCentre(Headless& h, const std::string& target, bool rtl) {
  h.Frame();
  const auto& targets = h.app().ui().targets();
  REQUIRE(targets.count(target) == 1);
  const dosti::desktop::Rect r = targets.at(target);
  const float width = ImGui::GetIO().DisplaySize.x;
  const float square = r.max.y - r.min.y;  // the box is as tall as the frame and square
  const float box_min = rtl ? width - r.min.x - square : r.min.x;
  const ImU32 col = ImGui::GetColorU32(ImGuiCol_CheckMark);
  ImDrawData* data = ImGui::GetDrawData();
  REQUIRE(data != nullptr);
  float low_y = -1, low_x = 0;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    for (const ImDrawVert& v : data->CmdLists[n]->VtxBuffer) {
      if (v.col != col || v.pos.x < box_min || v.pos.x > box_min + square ||
          v.pos.y < r.min.y || v.pos.y > r.max.y) {
        continue;
      }
      if (v.pos.y > low_y) {
        low_y = v.pos.y;
        low_x = v.pos.x;
      }
    }
  }
  REQUIRE(low_y >= 0);  // the mark was drawn
  return low_x - (box_min + square / 2);
}

TEST_CASE("A checkbox's check mark reads the usual way round in Urdu as in English",
          "[desktop][app][rtl]") {
  dosti::testing::WorkspaceFile w(2);
  for (const char* lang : {"en", "ur"}) {
    INFO(lang);
    Headless h(w.path, lang, ScreenId::kServices);
    h.Settle();
    CHECK(CheckCornerFromCentre(h, "services.follow_up", std::string(lang) == "ur") < 0);
  }
}

TEST_CASE("A right-to-left frame maps every vertex and clip rectangle across the display",
          "[desktop][rtl]") {
  ImGuiContext* context = ImGui::CreateContext();
  ImDrawList list(ImGui::GetDrawListSharedData());
  list._ResetForNewFrame();
  list.PushClipRect(ImVec2(100, 0), ImVec2(400, 500));
  list.AddRectFilled(ImVec2(110, 20), ImVec2(130, 40), 0xFFFFFFFF);
  ImDrawList* lists[] = {&list};
  ImDrawData data;
  data.Valid = true;
  data.CmdLists = lists;
  data.CmdListsCount = 1;
  data.DisplayPos = ImVec2(0, 0);
  data.DisplaySize = ImVec2(1000, 500);
  dosti::desktop::Ui ltr, rtl;
  ltr.SetLanguage("zh");
  ltr.Mirror(&data);  // left to right: nothing moves
  REQUIRE(list.VtxBuffer.Size == 4);
  CHECK(list.VtxBuffer[0].pos.x == 110);
  rtl.SetLanguage("ur");
  rtl.Mirror(&data);
  float low = 1e9f, high = -1e9f;
  for (const ImDrawVert& v : list.VtxBuffer) {
    low = std::min(low, v.pos.x);
    high = std::max(high, v.pos.x);
    CHECK(v.pos.y >= 20);  // only x changes
  }
  CHECK(low == 870);
  CHECK(high == 890);
  REQUIRE(list.CmdBuffer.Size >= 1);
  CHECK(list.CmdBuffer[0].ClipRect.x == 600);
  CHECK(list.CmdBuffer[0].ClipRect.z == 900);
  CHECK(list.CmdBuffer[0].ClipRect.y == 0);
  ImGui::DestroyContext(context);
}

TEST_CASE("The command line takes the options of the issue and refuses the rest",
          "[desktop][options]") {
  auto o = Must(dosti::desktop::ParseOptions(
      {"--db", "x.db", "--screen", "reports", "--lang", "ur", "--screenshot", "o.png", "--size",
       "800x600", "--font-size", "20"},
      nullptr));
  CHECK(o.db == "x.db");
  CHECK(o.screen == "reports");
  CHECK(o.lang == "ur");
  CHECK(o.screenshot == "o.png");
  CHECK(o.width == 800);
  CHECK(o.height == 600);
  CHECK(o.font_size == 20);
  CHECK(Must(dosti::desktop::ParseOptions({}, "env.db")).db == "env.db");
  CHECK(Must(dosti::desktop::ParseOptions({}, nullptr)).db == "dosti.db");
  for (std::vector<std::string> bad : {std::vector<std::string>{"--screen", "home"},
                                       {"--lang", "fr"},
                                       {"--db"},
                                       {"--colour"},
                                       {"--size", "12x"},
                                       {"--font-size", "99"},
                                       {"x.db"}}) {
    auto r = dosti::desktop::ParseOptions(bad, nullptr);
    INFO(bad[0]);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == dosti::ErrorCode::kInvalid);
    CHECK(r.error().key.rfind("desktop.usage.", 0) == 0);
  }
  CHECK(dosti::desktop::Usage("zh").find("followups") != std::string::npos);
}

TEST_CASE("Scripts are parsed line by line and a line that is no action is named",
          "[desktop][script]") {
  auto steps = Must(dosti::desktop::ParseScript(
      "# comment\n\nscreen sync\nclick a.b\nfill x \" padded \"\nkey ctrl+a\nwait 3\n"
      "screenshot out.png\n",
      "s.txt"));
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].kind == dosti::desktop::ScriptStep::Kind::kScreen);
  CHECK(steps[0].line == 3);
  CHECK(steps[2].target == "x");
  CHECK(steps[2].text == " padded ");
  CHECK(steps[3].ctrl);
  CHECK(steps[4].frames == 3);
  auto bad = dosti::desktop::ParseScript("click a\ndrag b\n", "s.txt");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().key == "desktop.script.bad_line");
  CHECK(bad.error().message.find("s.txt line 2") != std::string::npos);
  CHECK_FALSE(dosti::desktop::ParseScript("key f13\n", "s"));
  CHECK_FALSE(dosti::desktop::ParseScript("wait many\n", "s"));
  CHECK_FALSE(dosti::desktop::ParseScript("wait -2\n", "s"));
  auto wheel = Must(dosti::desktop::ParseScript("hover t\nwheel -10\n", "s"));
  CHECK(wheel[0].kind == dosti::desktop::ScriptStep::Kind::kHover);
  CHECK(wheel[1].frames == -10);
  // A screen that does not exist is refused when the app opens it.
  dosti::testing::WorkspaceFile w(0);
  const std::string& db = w.path;
  CHECK_THROWS(Headless(db, "en", ScreenId::kEnterprises, Script("screen home\n")));
}

TEST_CASE("A script step whose widget never appears fails, naming its line", "[desktop][script]") {
  dosti::testing::WorkspaceFile w(0);
  const std::string& db = w.path;
  Headless h(db, "en", ScreenId::kSettings, Script("wait 1\nclick nowhere.at.all\n"));
  for (int i = 0; i < dosti::desktop::ScriptPlayer::kPatienceFrames + 10; ++i) h.Frame();
  REQUIRE(h.app().script_done());
  REQUIRE(h.app().script_failure());
  CHECK(h.app().script_failure()->key == "desktop.script.no_target");
  CHECK(h.app().script_failure()->message.find("line 2") != std::string::npos);
}

TEST_CASE("Preferences are kept per user and a value not understood falls back",
          "[desktop][preferences]") {
  TempDir dir;
  std::string where = dir.File("config/dosti");
  CHECK(dosti::desktop::LoadPreferences(where).lang == "en");
  Must(dosti::desktop::SavePreferences(where, {"ur", 22}));
  auto p = dosti::desktop::LoadPreferences(where);
  CHECK(p.lang == "ur");
  CHECK(p.font_size == 22);
  Must(dosti::WriteFileAtomic(where + "/desktop.conf", "lang=fr\nfont_size=200\n"));
  p = dosti::desktop::LoadPreferences(where);
  CHECK(p.lang == "en");
  CHECK(p.font_size == dosti::desktop::kDefaultFontSize);
}

TEST_CASE("Choosing a language in Settings rebuilds the atlas for it and saves it",
          "[desktop][app][script]") {
  dosti::testing::WorkspaceFile w(0);
  const std::string& db = w.path;
  Headless h(db, "", ScreenId::kSettings,
             Script("click settings.lang.ur\nwait 2\nclick settings.font.larger\nwait 2\n"),
             w.dir.File("config"));
  h.RunScript();
  CHECK(h.app().ui().lang() == "ur");
  CHECK(h.app().ui().rtl());
  CHECK(h.app().preferences().font_size == dosti::desktop::kDefaultFontSize + 1);
  CHECK(ImGui::GetIO().Fonts->Fonts.Size == 2);  // mirrored and upright
  auto saved = dosti::desktop::LoadPreferences(w.dir.File("config"));
  CHECK(saved.lang == "ur");
  CHECK(saved.font_size == dosti::desktop::kDefaultFontSize + 1);
}

TEST_CASE("The enterprise page saves its edits together, and a refusal saves none of them",
          "[desktop][app][script]") {
  dosti::testing::WorkspaceFile w(10);
  std::string id;
  std::string city_before;
  {
    Headless h(w.path, "en", ScreenId::kEnterprise, Script(R"(
click detail.edit
fill edit.city Rawalpindi
fill edit.founded_year nineteen
click detail.save
expect edit.founded_year.error
)"));
    h.RunScript();
    id = h.app().enterprise_id();
    REQUIRE_FALSE(id.empty());
    // The city was not saved either: one transaction.
    auto e = Must(h.app().session().GetEnterprise(id));
    CHECK(e.record.Text("city") != "Rawalpindi");
    CHECK(h.app().ui().targets().count("detail.save") == 1);  // still editing
  }
  Headless h(w.path, "en", ScreenId::kEnterprise, Script(R"(
click detail.edit
fill edit.city Rawalpindi
fill edit.founded_year 1999
fill edit.website javascript:alert(1)
expect edit.website.error
fill edit.website www.example.pk
fill edit.name_ur راولپنڈی ٹیکنالوجی
click detail.save
expect detail.edit
)"));
  h.RunScript();
  REQUIRE(h.app().enterprise_id() == id);
  auto e = Must(h.app().session().GetEnterprise(id));
  CHECK(e.record.Text("city") == "Rawalpindi");
  CHECK(e.record.Int("founded_year") == 1999);
  CHECK(e.record.Text("website") == "www.example.pk");
  CHECK(e.record.Text("name_ur") == "راولپنڈی ٹیکنالوجی");
}
