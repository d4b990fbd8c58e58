// My follow-ups (issue 11; DOMAIN.md workflow 6): the follow-ups assigned to this device's user
// (Session::SetUser; everyone's when the user is not named, or on request), overdue or due this
// week, all open, or with the done ones; and for the one selected: done, reschedule, reassign,
// or open its enterprise. The list is one ListFollowUps on the UI thread's Session (an indexed
// read of the open follow-ups), read again when follow-ups change.
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "record_table.h"
#include "screens.h"

namespace dosti::desktop {
namespace {

enum class Show { kOverdue, kWeek, kOpen, kDone };

class FollowUpsScreen : public Screen {
 public:
  void Draw(App& app) override {
    Ui& ui = app.ui();
    if (stale_) Load(app);
    ui.Text(ui.T("desktop.nav.followups"));
    ui.Mark("screen.followups");
    ImGui::Separator();
    DrawFilters(app);
    if (error_) ui.TextError(ui.ShowError(*error_));
    const float actions = ImGui::GetFrameHeightWithSpacing() * 4;
    ImGui::BeginChild("##followups_list", ImVec2(0, -actions), false);
    if (RecordTable(app, "followups.table",
                    {{"due_date", "due"},
                     {"enterprise_id", "enterprise"},
                     {"note", "note"},
                     {"assignee", ""},
                     {"status", "status"},
                     {"office", "office"}},
                    rows_, &selected_)) {
      Select();
    }
    ImGui::EndChild();
    DrawActions(app);
  }

  void OnChange(App&, const ChangeEvent& event) override {
    if (Touches(event, {"follow_up", "enterprise", "service_log"})) stale_ = true;
  }

  void OnLanguage(App&) override { stale_ = true; }

 private:
  void Load(App& app) {
    stale_ = false;
    error_.reset();
    const std::string user = app.info().user;
    FollowUpFilter filter;
    filter.assignee = mine_ && !user.empty() ? user : "";
    filter.overdue_only = show_ == Show::kOverdue;
    filter.this_week = show_ == Show::kWeek;
    filter.include_done = show_ == Show::kDone;
    auto rows = app.session().ListFollowUps(filter);
    if (!rows) {
      error_ = rows.error();
      rows_.clear();
    } else {
      rows_ = std::move(*rows);
    }
    // The selection follows its follow-up, wherever it now is in the list (or goes).
    selected_ = -1;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (rows_[i].id == selected_id_) selected_ = static_cast<int>(i);
    }
    if (selected_ < 0) selected_id_.clear();
  }

  void Select() {
    if (selected_ < 0 || selected_ >= static_cast<int>(rows_.size())) return;
    const Record& r = rows_[static_cast<std::size_t>(selected_)];
    selected_id_ = r.id;
    due_ = r.Text("due_date");
    assignee_ = r.Text("assignee");
    refused_.reset();
  }

  void DrawFilters(App& app) {
    Ui& ui = app.ui();
    const std::string& user = app.info().user;
    ImGui::BeginDisabled(user.empty());
    if (ui.Checkbox(user.empty() ? ui.T("desktop.followups.mine_unnamed")
                                 : ui.T("desktop.followups.mine", {{"user", user}}),
                    "followups.mine", &mine_)) {
      stale_ = true;
    }
    ImGui::EndDisabled();
    if (user.empty()) {
      ImGui::SameLine();
      ui.TextDisabled(ui.T("desktop.followups.no_user"));
    }
    struct Choice {
      Show show;
      const char* key;
      const char* name;
    };
    for (const Choice& c : {Choice{Show::kOverdue, "desktop.followups.overdue", "overdue"},
                            Choice{Show::kWeek, "desktop.followups.week", "week"},
                            Choice{Show::kOpen, "desktop.followups.open", "open"},
                            Choice{Show::kDone, "desktop.followups.done_too", "done"}}) {
      ImGui::SameLine(0, ImGui::GetFontSize() * (c.show == Show::kOverdue ? 2.0f : 0.5f));
      if (ImGui::RadioButton(Ui::Id(ui.T(c.key), c.name).c_str(), show_ == c.show)) {
        show_ = c.show;
        stale_ = true;
      }
      ui.Mark(std::string("followups.show.") + c.name);
    }
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    ui.TextDisabled(ui.T("desktop.followups.count", {{"n", std::to_string(rows_.size())}}));
  }

  // What to do with the selected follow-up. Each is one facade write; the core checks it.
  void DrawActions(App& app) {
    Ui& ui = app.ui();
    ImGui::Separator();
    if (selected_id_.empty()) {
      ui.TextDisabled(ui.T("desktop.followups.choose"));
      return;
    }
    const Record& r = rows_[static_cast<std::size_t>(selected_)];
    const bool open = r.Text("status") == "open";
    const float em = ImGui::GetFontSize();
    ImGui::BeginDisabled(!open);
    if (ui.Button("desktop.followups.mark_done", "followups.done")) {
      Apply(app, app.session().CompleteFollowUp(selected_id_), "desktop.followups.done_saved");
    }
    ImGui::SameLine(0, em * 2);
    ui.Text(ui.Field("due_date"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em * 7);
    ui.Input("followups.due", due_, "desktop.followups.date_hint");
    ImGui::SameLine();
    if (ui.Button("desktop.followups.reschedule", "followups.reschedule")) {
      Apply(app, app.session().SetFollowUpField(selected_id_, "due_date", due_),
            "desktop.followups.rescheduled");
    }
    ImGui::SameLine(0, em * 2);
    ui.Text(ui.Field("assignee"));
    ImGui::SameLine();
    ImGui::SetNextItemWidth(em * 10);
    ui.Input("followups.assignee", assignee_, "desktop.followups.nobody");
    ImGui::SameLine();
    if (ui.Button("desktop.followups.reassign", "followups.reassign")) {
      Apply(app, app.session().SetFollowUpField(selected_id_, "assignee", assignee_),
            "desktop.followups.reassigned");
    }
    ImGui::EndDisabled();
    ImGui::SameLine(0, em * 2);
    if (ui.Button("desktop.followups.open_enterprise", "followups.enterprise")) {
      app.OpenEnterprise(r.Text("enterprise_id"));
    }
    if (refused_) {
      ui.TextError(ui.ShowError(*refused_));
      ui.Mark("followups.error");
    }
  }

  template <typename T>
  void Apply(App& app, const Result<T>& done, const char* key) {
    if (!done) {
      refused_ = done.error();
      return;
    }
    refused_.reset();
    app.Notify(app.ui().T(key));
    stale_ = true;
  }

  bool stale_ = true;
  bool mine_ = true;
  Show show_ = Show::kWeek;
  std::vector<Record> rows_;
  std::optional<Error> error_, refused_;
  int selected_ = -1;
  std::string selected_id_, due_, assignee_;
};

}  // namespace

std::unique_ptr<Screen> MakeFollowUpsScreen(App&) { return std::make_unique<FollowUpsScreen>(); }

}  // namespace dosti::desktop
