#include "record_table.h"

#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "app.h"

namespace dosti::desktop {

std::string CellText(Ui& ui, const Record& row, const Column& column) {
  if (column.kind == "flag") return ui.T(row.Int(column.field) != 0 ? "desktop.yes" : "desktop.no");
  if (column.kind == "note") return ui.Show(Translate(FollowUpNote(row), ui.lang()));
  if (column.kind == "enterprise") return ui.Show(row.Text("enterprise_name"));
  if (column.kind == "due") return ui.Show(row.Text(column.field));
  std::string value = row.Text(column.field);
  if (column.kind == "text" || value.empty()) return ui.Show(value);
  if (column.kind.back() == '.') return ui.T(column.kind + value);  // the desktop's own words
  if (!column.kind.empty()) return ui.L(column.kind, value);
  return ui.Show(value);
}

bool RecordTable(App& app, const std::string& target, const std::vector<Column>& columns,
                 const std::vector<Record>& rows, int* selected, float height) {
  Ui& ui = app.ui();
  if (rows.empty()) {
    ui.TextDisabled(ui.T("desktop.enterprise.nothing"));
    ui.Mark(target + ".empty");
    return false;
  }
  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                          ImGuiTableFlags_BordersV | ImGuiTableFlags_SizingStretchProp;
  if (height > 0) flags |= ImGuiTableFlags_ScrollY;
  if (!ImGui::BeginTable(("##" + target).c_str(), static_cast<int>(columns.size()), flags,
                         ImVec2(0, height))) {
    return false;
  }
  if (height > 0) ImGui::TableSetupScrollFreeze(0, 1);
  for (const Column& c : columns)
    ImGui::TableSetupColumn(Ui::Id(ui.Field(c.field), c.field).c_str());
  ImGui::TableHeadersRow();
  bool changed = false;
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const Record& r = rows[static_cast<std::size_t>(i)];
      ImGui::TableNextRow();
      for (std::size_t c = 0; c < columns.size(); ++c) {
        ImGui::TableNextColumn();
        std::string text = CellText(ui, r, columns[c]);
        // A due date passed shows red (ListFollowUps' "overdue").
        const bool late = columns[c].kind == "due" && r.Int("overdue") != 0;
        if (late) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.72f, 0.10f, 0.10f, 1));
        if (c == 0 && selected != nullptr) {
          // The whole row is one selectable, in the first cell.
          if (ImGui::Selectable(Ui::Id(text, r.id).c_str(), *selected == i,
                                ImGuiSelectableFlags_SpanAllColumns)) {
            changed = *selected != i;
            *selected = i;
          }
          ui.Mark(target + ".row." + std::to_string(i));
        } else {
          ui.Text(text);
          if (c == 0) ui.Mark(target + ".row." + std::to_string(i));
        }
        if (late) ImGui::PopStyleColor();
      }
    }
  }
  ImGui::EndTable();
  return changed;
}

struct EnterprisePicker::Hits {
  std::mutex mutex;
  int64_t latest = 0;      // the latest search asked for: older ones still queued are skipped
  int64_t generation = 0;  // the search whose hits these are
  std::optional<std::vector<SearchHit>> hits;
};

EnterprisePicker::EnterprisePicker(std::string target, std::string country)
    : target_(std::move(target)), country_(std::move(country)), hits_(std::make_shared<Hits>()) {}

void EnterprisePicker::Clear() {
  query_.clear();
  shown_.clear();
  id_.clear();
  name_.clear();
}

bool EnterprisePicker::Draw(App& app) {
  Ui& ui = app.ui();
  {
    std::lock_guard<std::mutex> lock(hits_->mutex);
    if (hits_->hits && hits_->generation == asked_) shown_ = std::move(*hits_->hits);
    hits_->hits.reset();
  }
  ImGui::SetNextItemWidth(-1);
  if (ui.Input(target_ + ".search", query_, "desktop.picker.hint")) {
    // A new search supersedes the one running: only the latest one's hits show.
    const int64_t generation = ++asked_;
    {
      std::lock_guard<std::mutex> lock(hits_->mutex);
      hits_->latest = generation;
    }
    if (query_.empty()) {
      shown_.clear();
    } else {
      app.worker().Post([hits = hits_, generation, query = query_, country = country_](Session& s) {
        {
          std::lock_guard<std::mutex> lock(hits->mutex);
          if (hits->latest > generation) return;  // superseded while it waited
        }
        auto found = s.Search(query, 40);
        std::vector<SearchHit> kept;
        if (found) {
          for (SearchHit& h : *found) {
            if (!country.empty() && h.country != country) continue;
            if (kept.size() < 6) kept.push_back(std::move(h));
          }
        }
        std::lock_guard<std::mutex> lock(hits->mutex);
        hits->generation = generation;
        hits->hits = std::move(kept);
      });
    }
  }
  bool changed = false;
  for (std::size_t i = 0; i < shown_.size(); ++i) {
    const SearchHit& h = shown_[i];
    std::string shown =
        ui.Show(h.name + "  (" + std::string(Label("country", h.country, ui.lang())) + ")");
    if (ImGui::Selectable(Ui::Id(shown, h.enterprise_id).c_str(), h.enterprise_id == id_)) {
      changed = h.enterprise_id != id_;
      id_ = h.enterprise_id;
      name_ = h.name;
    }
    ui.Mark(target_ + ".hit." + std::to_string(i));
  }
  if (!id_.empty()) {
    ui.Text(ui.T("desktop.picker.chosen", {{"name", name_}}));
    ui.Mark(target_ + ".chosen");
  }
  if (changed) {
    shown_.clear();
    query_.clear();
  }
  return changed;
}

}  // namespace dosti::desktop
