// Reports (issue 11; DOMAIN.md "Reports"): progress to 100 per country as bars, services by
// category per month as a stacked bar chart (the last twelve months, drawn with ImDrawList), the
// matchmaking funnel as bars, and the data-quality worklist. The numbers are the core's
// (Session::Report*), computed on the Worker over the whole data set and read again when the
// records they count change. Each report exports as CSV through the core's writer
// (csv::Document: UTF-8 with BOM, cells a spreadsheet shows as written), in the reader's
// language, to a file chosen below it.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "dosti/csv.h"
#include "dosti/file.h"
#include "file_chooser.h"
#include "record_table.h"
#include "screens.h"

namespace dosti::desktop {
namespace {

constexpr int kMonths = 12;  // the services chart's span

// Everything the screen shows, read at once on the Worker.
struct Reports {
  std::optional<Error> error;
  ProgressReport progress;
  std::vector<ServicesReport> months;  // oldest first; the last is this month
  FunnelReport funnel;
  QualityReport quality;
};

Reports Read(Session& s) {
  Reports r;
  auto fail = [&](const Error& e) {
    if (!r.error) r.error = e;
  };
  if (auto p = s.ReportProgress())
    r.progress = std::move(*p);
  else
    fail(p.error());
  const Date today = s.Today();
  for (int i = kMonths - 1; i >= 0; --i) {
    if (auto m = s.ReportServices(FormatMonth(AddMonths(today, -i)))) {
      r.months.push_back(std::move(*m));
    } else {
      fail(m.error());
    }
  }
  if (auto f = s.ReportFunnel())
    r.funnel = std::move(*f);
  else
    fail(f.error());
  if (auto q = s.ReportQuality())
    r.quality = std::move(*q);
  else
    fail(q.error());
  return r;
}

std::string Decimal(double v, int places) { return ReportDecimal(v, places); }

// One colour a service category, told apart in print too (Okabe & Ito's colour-blind-safe
// palette, "Color Universal Design", jfly.uni-koeln.de/color).
ImU32 CategoryColour(std::size_t i) {
  static const ImU32 kColours[] = {IM_COL32(0, 114, 178, 255),  IM_COL32(230, 159, 0, 255),
                                   IM_COL32(0, 158, 115, 255),  IM_COL32(204, 121, 167, 255),
                                   IM_COL32(86, 180, 233, 255), IM_COL32(213, 94, 0, 255),
                                   IM_COL32(120, 120, 120, 255)};
  return kColours[i % (sizeof kColours / sizeof kColours[0])];
}

// A horizontal bar `share` (0..1) of `width` filled, with `text` after it.
void Bar(Ui& ui, float share, float width, ImU32 colour, const std::string& drawn_text) {
  ImDrawList* list = ImGui::GetWindowDrawList();
  const ImVec2 at = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetFrameHeight();
  list->AddRectFilled(at, ImVec2(at.x + width, at.y + h), IM_COL32(225, 225, 225, 255), 2);
  list->AddRectFilled(at, ImVec2(at.x + width * std::clamp(share, 0.0f, 1.0f), at.y + h), colour,
                      2);
  ImGui::Dummy(ImVec2(width, h));
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ui.Text(drawn_text);
}

class ReportsScreen : public Screen {
 public:
  ReportsScreen() : file_("reports.csv") { file_.Suggest(HomeFolder(), "report.csv"); }

  void Draw(App& app) override {
    Ui& ui = app.ui();
    if (auto r = read_.Poll(app.worker(), Read)) reports_ = std::move(r);
    ui.Text(ui.T("desktop.nav.reports"));
    ui.Mark("screen.reports");
    if (!reports_) {
      ui.TextDisabled(ui.T("desktop.loading"));
      return;
    }
    if (reports_->error) ui.TextError(ui.ShowError(*reports_->error));
    if (!ImGui::BeginTabBar("##reports_tabs")) return;
    struct Tab {
      const char* key;
      const char* name;
      void (ReportsScreen::*draw)(App&);
    };
    for (const Tab& t : {Tab{"desktop.reports.progress", "progress", &ReportsScreen::DrawProgress},
                         Tab{"desktop.reports.services", "services", &ReportsScreen::DrawServices},
                         Tab{"desktop.reports.funnel", "funnel", &ReportsScreen::DrawFunnel},
                         Tab{"desktop.reports.quality", "quality", &ReportsScreen::DrawQuality}}) {
      const bool open = ImGui::BeginTabItem(Ui::Id(ui.T(t.key), t.name).c_str());
      ui.Mark(std::string("reports.tab.") + t.name);
      if (!open) continue;
      tab_ = t.name;
      const float export_height = ImGui::GetFrameHeightWithSpacing() * 6;
      ImGui::BeginChild((std::string("##report_") + t.name).c_str(), ImVec2(0, -export_height));
      (this->*t.draw)(app);
      ImGui::EndChild();
      DrawExport(app);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }

  // Reports count everything: any change makes them stale, read again when next drawn.
  void OnChange(App&, const ChangeEvent&) override { read_.MarkStale(); }

 private:
  // [SECTION] Progress to 100
  void DrawProgress(App& app) {
    Ui& ui = app.ui();
    const float width = ImGui::GetFontSize() * 30;
    for (const CountryProgress& c : reports_->progress.countries) {
      ui.Text(ui.T("desktop.reports.country_progress",
                   {{"country", std::string(Label("country", c.country, ui.lang()))},
                    {"selected", std::to_string(c.selected)},
                    {"target", std::to_string(c.target)}}));
      Bar(ui, c.target > 0 ? static_cast<float>(c.selected) / static_cast<float>(c.target) : 0,
          width, c.country == "CN" ? IM_COL32(200, 40, 40, 255) : IM_COL32(0, 110, 60, 255),
          ui.Show(std::to_string(c.selected) + " / " + std::to_string(c.target)));
      ui.Mark("reports.progress." + c.country);
      ImGui::Spacing();
    }
    RecordsOf(app, ProgressGrid(ui.lang()), "reports.progress.table");
  }

  // [SECTION] Services by category per month
  void DrawServices(App& app) {
    Ui& ui = app.ui();
    const std::vector<ServicesReport>& months = reports_->months;
    if (months.empty()) return;
    ui.Text(ui.T("desktop.reports.services_chart",
                 {{"from", months.front().month}, {"to", months.back().month}}));
    int64_t top = 1;
    for (const ServicesReport& m : months) top = std::max(top, m.total.logs);
    // The plot: one stacked bar a month, a category a colour, the month under it.
    const float em = ImGui::GetFontSize();
    const float plot_h = em * 12, label_w = em * 3;
    const float plot_w = std::min(ImGui::GetContentRegionAvail().x - label_w, em * 48);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const ImVec2 origin(at.x + label_w, at.y + plot_h);
    ImDrawList* list = ImGui::GetWindowDrawList();
    const ImU32 axis = IM_COL32(110, 110, 110, 255);
    list->AddLine(ImVec2(origin.x, at.y), origin, axis);
    list->AddLine(origin, ImVec2(origin.x + plot_w, origin.y), axis);
    const std::string top_text = ui.Show(std::to_string(top));
    list->AddText(ImVec2(at.x, at.y), axis, top_text.c_str());
    list->AddText(ImVec2(at.x, origin.y - em), axis, "0");
    const float slot = plot_w / static_cast<float>(months.size());
    const float bar = slot * 0.62f;
    for (std::size_t i = 0; i < months.size(); ++i) {
      const ServicesReport& m = months[i];
      const float x = origin.x + slot * static_cast<float>(i) + (slot - bar) / 2;
      float y = origin.y;
      for (std::size_t c = 0; c < m.rows.size(); ++c) {
        const float h = plot_h * static_cast<float>(m.rows[c].all.logs) / static_cast<float>(top);
        if (h <= 0) continue;
        list->AddRectFilled(ImVec2(x, y - h), ImVec2(x + bar, y), CategoryColour(c));
        y -= h;
      }
      // The month as MM (its year when it is January or the first bar).
      std::string month = (i == 0 || m.month.substr(5) == "01") ? m.month : m.month.substr(5);
      const std::string drawn = ui.Show(month);
      const float tw = ImGui::CalcTextSize(drawn.c_str()).x;
      list->AddText(ImVec2(x + bar / 2 - tw / 2, origin.y + 2), axis, drawn.c_str());
      if (m.total.logs > 0) {
        const std::string n = ui.Show(std::to_string(m.total.logs));
        const float nw = ImGui::CalcTextSize(n.c_str()).x;
        list->AddText(ImVec2(x + bar / 2 - nw / 2, y - em * 1.1f), axis, n.c_str());
      }
    }
    ImGui::Dummy(ImVec2(label_w + plot_w, plot_h + em * 1.4f));
    ui.Mark("reports.services.chart");
    // The legend, then this month's table.
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    for (std::size_t c = 0; c < kServiceCategories.size(); ++c) {
      const std::string label = ui.L("category", kServiceCategories[c]);
      FlowItem(em * 1.4f + ImGui::CalcTextSize(label.c_str()).x, right, c == 0);
      const ImVec2 p = ImGui::GetCursorScreenPos();
      list->AddRectFilled(ImVec2(p.x, p.y + em * 0.2f), ImVec2(p.x + em * 0.9f, p.y + em * 1.1f),
                          CategoryColour(c));
      ImGui::Dummy(ImVec2(em, em));
      ImGui::SameLine();
      ui.Text(label);
    }
    ImGui::Spacing();
    ui.Text(ui.T("desktop.reports.services_month", {{"month", months.back().month}}));
    RecordsOf(app, ServicesGrid(ui.lang()), "reports.services.table");
  }

  // [SECTION] The matchmaking funnel
  void DrawFunnel(App& app) {
    Ui& ui = app.ui();
    const FunnelReport& f = reports_->funnel;
    int64_t top = 1;
    for (const FunnelStage& s : f.stages) top = std::max(top, s.reached);
    const float em = ImGui::GetFontSize();
    float label_w = 0;
    for (const FunnelStage& s : f.stages) {
      label_w = std::max(label_w, ImGui::CalcTextSize(ui.L("match_stage", s.stage).c_str()).x);
    }
    for (const FunnelStage& s : f.stages) {
      ImGui::AlignTextToFramePadding();
      ui.Text(ui.L("match_stage", s.stage));
      ImGui::SameLine(label_w + em * 1.5f);
      Bar(ui, static_cast<float>(s.reached) / static_cast<float>(top), em * 24,
          IM_COL32(0, 114, 178, 255),
          ui.T("desktop.reports.funnel_bar", {{"reached", std::to_string(s.reached)},
                                              {"conversion", Decimal(s.conversion * 100, 0)},
                                              {"days", Decimal(s.median_days, 1)}}));
      ui.Mark("reports.funnel." + s.stage);
    }
    ImGui::Spacing();
    ui.Text(ui.T("desktop.reports.funnel_totals", {{"pairs", std::to_string(f.pairs)},
                                                   {"on_hold", std::to_string(f.on_hold)},
                                                   {"lost", std::to_string(f.closed_lost)}}));
  }

  // [SECTION] Data quality
  void DrawQuality(App& app) {
    Ui& ui = app.ui();
    ui.Text(ui.T("desktop.reports.quality_count",
                 {{"n", std::to_string(reports_->quality.items.size())}}));
    RecordsOf(app, QualityGrid(ui.lang()), "reports.quality.table");
  }

  // [SECTION] The reports as tables (on screen and in the CSV, the same cells)
  using Grid = std::vector<std::vector<std::string>>;  // the header row first; logical text

  Grid ProgressGrid(const std::string& lang) const {
    const ProgressReport& r = reports_->progress;
    Grid g{{FieldText("stage", lang)}};
    for (const CountryProgress& c : r.countries)
      g[0].emplace_back(Label("country", c.country, lang));
    auto row = [&](std::string label, auto value) {
      std::vector<std::string> cells{std::move(label)};
      for (const CountryProgress& c : r.countries) cells.push_back(std::to_string(value(c)));
      g.push_back(std::move(cells));
    };
    row(FieldText("target", lang), [](const CountryProgress& c) { return c.target; });
    // The command line's words where it prints the same table (its --csv has the same cells).
    row(Translate("cli.report.selected_or_later", lang),
        [](const CountryProgress& c) { return c.selected; });
    for (std::string_view stage : kEnrollmentStages) {
      row(std::string(Label("stage", stage, lang)), [&](const CountryProgress& c) {
        for (const StageCount& sc : c.stages) {
          if (sc.stage == stage) return sc.count;
        }
        return int64_t{0};
      });
    }
    row(FieldText("exits", lang), [](const CountryProgress& c) { return c.exits; });
    return g;
  }

  Grid ServicesGrid(const std::string& lang) const {
    const ServicesReport& m = reports_->months.back();
    Grid g{{FieldText("category", lang), FieldText("logs", lang), FieldText("enterprises", lang),
            FieldText("hours", lang), std::string(Label("country", "CN", lang)),
            std::string(Label("country", "PK", lang)),
            std::string(Label("office", "beijing", lang)),
            std::string(Label("office", "islamabad", lang))}};
    auto add = [&](std::string label, const ServiceRow& row) {
      g.push_back({std::move(label), std::to_string(row.all.logs),
                   std::to_string(row.all.enterprises), Decimal(row.all.hours, 2),
                   std::to_string(row.cn.logs), std::to_string(row.pk.logs),
                   std::to_string(row.beijing.logs), std::to_string(row.islamabad.logs)});
    };
    for (const ServiceRow& row : m.rows)
      add(std::string(Label("category", row.category, lang)), row);
    add(Translate("cli.total", lang), m.totals);
    return g;
  }

  Grid QualityGrid(const std::string& lang) const {
    Grid g{{FieldText("kind", lang), FieldText("record", lang), FieldText("id", lang),
            FieldText("message", lang)}};
    for (const QualityItem& i : reports_->quality.items) {
      g.push_back({std::string(Label("quality", i.kind, lang)), i.label, i.record_id,
                   Translate(i.message, lang)});
    }
    return g;
  }

  Grid FunnelGrid(const std::string& lang) const {
    const FunnelReport& f = reports_->funnel;
    Grid g{{FieldText("stage", lang), FieldText("reached", lang), FieldText("conversion", lang),
            FieldText("median_days", lang)}};
    for (const FunnelStage& s : f.stages) {
      g.push_back({std::string(Label("match_stage", s.stage, lang)), std::to_string(s.reached),
                   Decimal(s.conversion * 100, 1) + "%", Decimal(s.median_days, 1)});  // as --csv
    }
    g.push_back({FieldText("pairs", lang), std::to_string(f.pairs)});
    g.push_back({std::string(Label("match_stage", "on_hold", lang)), std::to_string(f.on_hold)});
    g.push_back(
        {std::string(Label("match_stage", "closed_lost", lang)), std::to_string(f.closed_lost)});
    return g;
  }

  Grid GridOf(const std::string& tab, const std::string& lang) const {
    if (tab == "progress") return ProgressGrid(lang);
    if (tab == "services") return ServicesGrid(lang);
    if (tab == "funnel") return FunnelGrid(lang);
    return QualityGrid(lang);
  }

  // A grid as a table on screen.
  void RecordsOf(App& app, const Grid& grid, const std::string& target) {
    Ui& ui = app.ui();
    if (grid.size() < 2) {
      ui.TextDisabled(ui.T("desktop.enterprise.nothing"));
      return;
    }
    const int columns = static_cast<int>(grid.front().size());
    if (!ImGui::BeginTable(("##" + target).c_str(), columns,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                               ImGuiTableFlags_BordersV | ImGuiTableFlags_SizingStretchProp)) {
      return;
    }
    for (int c = 0; c < columns; ++c) {
      ImGui::TableSetupColumn(
          Ui::Id(ui.Show(grid[0][static_cast<std::size_t>(c)]), std::to_string(c)).c_str());
    }
    ImGui::TableHeadersRow();
    for (std::size_t r = 1; r < grid.size(); ++r) {
      ImGui::TableNextRow();
      for (const std::string& cell : grid[r]) {
        ImGui::TableNextColumn();
        ui.Text(ui.Show(cell));
      }
    }
    ImGui::EndTable();
    ui.Mark(target);
  }

  void DrawExport(App& app) {
    Ui& ui = app.ui();
    ImGui::Separator();
    ui.Text(ui.T("desktop.reports.export_to"));
    file_.Draw(app, 2);
    if (ui.Button("desktop.reports.export", "reports.export")) {
      const std::string csv = csv::Document(GridOf(tab_, ui.lang()));
      if (auto w = WriteFileAtomic(file_.path(), csv); !w) {
        app.Notify(ui.ShowError(w.error()), true);
      } else {
        app.Notify(ui.T("desktop.reports.exported", {{"path", file_.path()}}));
      }
    }
  }

  WorkerRead<Reports> read_;
  std::optional<Reports> reports_;
  std::string tab_ = "progress";
  FileChooser file_;
};

}  // namespace

std::unique_ptr<Screen> MakeReportsScreen(App&) { return std::make_unique<ReportsScreen>(); }

}  // namespace dosti::desktop
