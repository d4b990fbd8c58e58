// The enterprise table: search, filters (country, stage, sector, office, archived), sorting by
// the column headers, and smooth scrolling through any number of rows (an ImGuiListClipper
// over EnterpriseList's pages). A row opens the enterprise; "New enterprise" opens its form.
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "enterprise_form.h"
#include "enterprise_list.h"
#include "screens.h"

namespace dosti::desktop {
namespace {

enum Column { kName, kShortName, kCountry, kStage, kSector, kCity, kOffice, kUpdated, kColumns };

class EnterprisesScreen : public Screen {
 public:
  explicit EnterprisesScreen(App& app) : list_(app.worker()) {}

  void Draw(App& app) override {
    list_.Poll();
    DrawFilters(app);
    ImGui::Spacing();
    DrawTable(app);
    DrawNewEnterprise(app);
  }

  void OnChange(App& app, const ChangeEvent& event) override {
    for (const ChangedRecords& t : event.tables) {
      // The list shows enterprises and their stage (from enrollments).
      if (t.table == "enterprise" || t.table == "enrollment" || t.table == "enrollment_stage" ||
          t.table == "enterprise_identifier" || t.table == "contact") {
        list_.Invalidate();
        return;
      }
    }
  }

 private:
  void DrawFilters(App& app) {
    Ui& ui = app.ui();
    const float em = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(em * 18);
    bool changed = ui.Input("enterprises.search", search_, "desktop.enterprises.search_hint");
    auto combo = [&](const char* target, std::string& value, std::string_view kind,
                     const std::vector<std::string_view>& codes, const char* any_key,
                     std::vector<std::pair<std::string, std::string>> extra = {}) {
      std::vector<std::pair<std::string, std::string>> items{{"", ui.T(any_key)}};
      for (auto& e : extra) items.push_back(std::move(e));
      for (std::string_view c : codes) items.emplace_back(c, ui.L(kind, c));
      ImGui::SameLine();
      changed |= ui.Combo(target, value, items, em * 8);
    };
    combo("enterprises.country", country_, "country", kCountries, "desktop.filter.any_country");
    combo("enterprises.stage", stage_, "stage", kEnrollmentStages, "desktop.filter.any_stage",
          {{"none", ui.T("desktop.filter.not_enrolled")}});
    combo("enterprises.office", office_, "office", kOffices, "desktop.filter.any_office");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em * 6);
    changed |= ui.Input("enterprises.sector", sector_, "desktop.filter.sector_hint");
    ImGui::SameLine();
    changed |= ui.Combo("enterprises.archived", archived_,
                        {{"exclude", ui.T("desktop.filter.live")},
                         {"only", ui.T("desktop.filter.archived_only")},
                         {"include", ui.T("desktop.filter.with_archived")}},
                        em * 9);
    ImGui::SameLine();
    if (ui.Button("desktop.enterprises.new", "enterprises.new")) {
      form_.Reset(app.info().office == "islamabad" ? "PK" : "CN");
      ImGui::OpenPopup("##new_enterprise");
    }
    if (changed) ApplyQuery();

    if (list_.error()) {
      ui.TextError(ui.ShowError(*list_.error()));
    } else if (list_.total() >= 0) {
      ui.Text(ui.T("desktop.enterprises.count", {{"n", std::to_string(list_.total())}}));
      ui.Mark("enterprises.count");
      if (list_.loading()) {
        ImGui::SameLine();
        ui.TextDisabled(ui.T("desktop.loading"));
      }
    } else {
      ui.TextDisabled(ui.T("desktop.loading"));
    }
  }

  void ApplyQuery() {
    EnterpriseQuery q = list_.query();
    q.search = search_;
    q.country = country_;
    q.stage = stage_;
    q.office = office_;
    q.sector = sector_;
    q.archived = archived_ == "only"      ? ArchivedFilter::kOnly
                 : archived_ == "include" ? ArchivedFilter::kInclude
                                          : ArchivedFilter::kExclude;
    list_.SetQuery(q);
  }

  void ApplySort(const ImGuiTableSortSpecs& specs) {
    EnterpriseQuery q = list_.query();
    q.sort = EnterpriseSort::kName;
    q.descending = false;
    if (specs.SpecsCount > 0) {
      const ImGuiTableColumnSortSpecs& s = specs.Specs[0];
      switch (s.ColumnUserID) {
        case kCountry:
          q.sort = EnterpriseSort::kCountry;
          break;
        case kStage:
          q.sort = EnterpriseSort::kStage;
          break;
        case kUpdated:
          q.sort = EnterpriseSort::kUpdated;
          break;
        default:
          q.sort = EnterpriseSort::kName;
          break;
      }
      q.descending = s.SortDirection == ImGuiSortDirection_Descending;
    }
    list_.SetQuery(q);
  }

  void DrawTable(App& app) {
    Ui& ui = app.ui();
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersOuter | ImGuiTableFlags_BordersV |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_Sortable |
                                  ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("##enterprises", kColumns, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    auto column = [&](std::string_view field, Column id, float weight, bool sortable,
                      ImGuiTableColumnFlags extra = 0) {
      ImGuiTableColumnFlags f = extra | (sortable ? 0 : ImGuiTableColumnFlags_NoSort);
      ImGui::TableSetupColumn(Ui::Id(ui.Field(field), field).c_str(), f, weight, id);
    };
    column("name", kName, 4.0f, true, ImGuiTableColumnFlags_DefaultSort);
    column("short_name", kShortName, 1.4f, false);
    column("country", kCountry, 1.0f, true);
    column("stage", kStage, 1.4f, true);
    column("sector", kSector, 0.8f, false);
    column("city", kCity, 1.4f, false);
    column("owning_office", kOffice, 1.2f, false);
    column("updated_at", kUpdated, 1.8f, true);
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
      ApplySort(*specs);
      specs->SpecsDirty = false;
    }
    const int64_t total = std::max<int64_t>(list_.total(), 0);
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(total));
    while (clipper.Step()) {
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        ImGui::TableNextRow();
        const Record* r = list_.Row(i);
        ImGui::TableNextColumn();
        if (r == nullptr) {
          ui.TextDisabled(ui.T("desktop.loading"));
          continue;
        }
        // The whole row is one button: it opens the enterprise.
        std::string name = ui.Show(EnterpriseNameIn(*r, ui.lang()));
        if (ImGui::Selectable(
                Ui::Id(name, r->id).c_str(), false,
                ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap)) {
          app.OpenEnterprise(r->id);
        }
        ui.Mark("enterprises.row." + std::to_string(i));
        if (r->Int("archived") != 0) {
          ImGui::SameLine();
          ui.TextDisabled(ui.T("desktop.enterprises.archived_mark"));
        }
        ImGui::TableNextColumn();
        ui.Text(ui.Show(r->Text("short_name")));
        ImGui::TableNextColumn();
        ui.Text(ui.L("country", r->Text("country")));
        ImGui::TableNextColumn();
        std::string stage = r->Text("stage");
        if (stage.empty()) {
          ui.TextDisabled(ui.T("desktop.filter.not_enrolled"));
        } else {
          ui.Text(ui.L("stage", stage));
        }
        ImGui::TableNextColumn();
        ui.Text(ui.Show(r->Text("sector")));
        ImGui::TableNextColumn();
        ui.Text(ui.Show(r->Text("city")));
        ImGui::TableNextColumn();
        ui.Text(ui.L("office", r->Text("owning_office")));
        ImGui::TableNextColumn();
        ui.Text(ui.Show(LocalTime(r->Int("updated_at"))));
      }
    }
    ImGui::EndTable();
    ui.Mark("enterprises.table");
  }

  void DrawNewEnterprise(App& app) {
    Ui& ui = app.ui();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 34, 0), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    // The popup's id must not depend on the language: OpenPopup above uses "##new_enterprise".
    if (!ImGui::BeginPopupModal("##new_enterprise", nullptr,
                                ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoTitleBar)) {
      return;
    }
    ui.Text(ui.T("desktop.enterprises.new"));
    ImGui::Separator();
    bool cancelled = false;
    std::string id = form_.Draw(app, &cancelled);
    if (!id.empty() || cancelled) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
    if (!id.empty()) app.OpenEnterprise(id);
  }

  EnterpriseList list_;
  EnterpriseForm form_;
  std::string search_, country_, stage_, office_, sector_, archived_ = "exclude";
};

}  // namespace

std::unique_ptr<Screen> MakeEnterprisesScreen(App& app) {
  return std::make_unique<EnterprisesScreen>(app);
}

}  // namespace dosti::desktop
