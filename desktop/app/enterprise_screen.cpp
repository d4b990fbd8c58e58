// One enterprise: its record, identifiers (with their check state), contacts (with consent),
// its DH-2023 enrollment with the stage history, services and follow-ups. The record's text
// fields are edited in place ("Edit"), checked as typed and saved together in one transaction
// (Session::Atomically over SetEnterpriseField); the rest is read-only for now (README.md,
// "What remains").
// Each piece is one quick facade read on the UI thread's Session, done when the enterprise
// changes, not every frame.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app.h"
#include "enterprise_form.h"
#include "screens.h"

namespace dosti::desktop {
namespace {

class EnterpriseScreen : public Screen {
 public:
  void Draw(App& app) override {
    Ui& ui = app.ui();
    if (app.enterprise_id() != loaded_id_ || stale_) Load(app);
    if (ui.Button("desktop.enterprise.back", "detail.back")) {
      app.Go(ScreenId::kEnterprises);
      return;
    }
    if (error_) {
      ui.TextError(ui.ShowError(*error_));
      return;
    }
    if (!view_) {
      ui.TextDisabled(ui.T("desktop.enterprise.none"));
      return;
    }
    ImGui::BeginChild("##enterprise_page", ImVec2(0, 0), false);
    DrawRecord(app);
    DrawIdentifiers(app);
    DrawContacts(app);
    DrawEnrollment(app);
    DrawServices(app);
    DrawFollowUps(app);
    ImGui::EndChild();
  }

  void OnChange(App& app, const ChangeEvent& event) override {
    // Any change may concern this enterprise (its contacts, services, a merge): read it again
    // when next shown. The reads are a handful of indexed queries.
    stale_ = true;
  }

 private:
  void Load(App& app) {
    Session& s = app.session();
    stale_ = false;
    if (loaded_id_ != app.enterprise_id()) editing_ = false;  // another enterprise
    loaded_id_ = app.enterprise_id();
    error_.reset();
    view_.reset();
    contacts_.clear();
    enrollment_.reset();
    history_.clear();
    services_.clear();
    follow_ups_.clear();
    if (loaded_id_.empty()) return;
    auto view = s.GetEnterprise(loaded_id_);
    if (!view) {
      error_ = view.error();
      return;
    }
    view_ = std::move(*view);
    auto keep = [&](auto result, auto& into) {
      if (!result) {
        error_ = result.error();
      } else {
        into = std::move(*result);
      }
    };
    keep(s.ListContacts(loaded_id_), contacts_);
    keep(s.GetEnrollment(loaded_id_), enrollment_);
    if (enrollment_ && *enrollment_) keep(s.StageHistory((*enrollment_)->id), history_);
    ServiceFilter services;
    services.enterprise_id = loaded_id_;
    keep(s.ListServiceLogs(services), services_);
    FollowUpFilter follow_ups;
    follow_ups.enterprise_id = loaded_id_;
    follow_ups.include_done = true;
    keep(s.ListFollowUps(follow_ups), follow_ups_);
  }

  // A table of records: one column per field, each cell the field's text (labels for codes).
  struct Col {
    std::string field;
    std::string kind;  // a label kind for codes ("stage", "category"), else ""
  };
  void Table(App& app, const char* id, const std::vector<Col>& cols,
             const std::vector<Record>& rows) {
    Ui& ui = app.ui();
    if (rows.empty()) {
      ui.TextDisabled(ui.T("desktop.enterprise.nothing"));
      return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                  ImGuiTableFlags_BordersV | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable(id, static_cast<int>(cols.size()), flags)) return;
    for (const Col& c : cols) ImGui::TableSetupColumn(Ui::Id(ui.Field(c.field), c.field).c_str());
    ImGui::TableHeadersRow();
    for (const Record& r : rows) {
      ImGui::TableNextRow();
      for (const Col& c : cols) {
        ImGui::TableNextColumn();
        ui.Text(Cell(ui, r, c));
      }
    }
    ImGui::EndTable();
  }

  static std::string Cell(Ui& ui, const Record& r, const Col& c) {
    std::string value = r.Text(c.field);
    if (c.kind == "flag") return ui.T(r.Int(c.field) != 0 ? "desktop.yes" : "desktop.no");
    if (c.kind == "note") return ui.Show(Translate(FollowUpNote(r), ui.lang()));
    if (!c.kind.empty()) return ui.L(c.kind, value);
    return ui.Show(value);
  }

  bool Section(App& app, const char* key, const char* target, std::size_t count) {
    Ui& ui = app.ui();
    std::string title = ui.T(key, {{"n", std::to_string(count)}});
    bool open =
        ImGui::CollapsingHeader(Ui::Id(title, target).c_str(), ImGuiTreeNodeFlags_DefaultOpen);
    ui.Mark(target);
    return open;
  }

  void DrawRecord(App& app) {
    Ui& ui = app.ui();
    const Record& e = view_->record;
    ui.Text(ui.Show(EnterpriseNameIn(e, ui.lang())));
    ui.Mark("detail.name");
    if (EnterpriseNameIn(e, ui.lang()) != e.Text("name")) ui.TextDisabled(ui.Show(e.Text("name")));
    if (e.Int("archived") != 0) ui.TextDisabled(ui.T("desktop.enterprises.archived_mark"));
    if (editing_) {
      DrawEdit(app);
      return;
    }
    if (ui.Button("desktop.action.edit", "detail.edit")) StartEdit();
    ImGui::Spacing();
    // Two pairs of (label, value) a row.
    static const std::vector<Col> kFields = {{"country", "country"},
                                             {"short_name", ""},
                                             {"name_en", ""},
                                             {"name_zh", ""},
                                             {"name_ur", ""},
                                             {"sector", ""},
                                             {"region", ""},
                                             {"city", ""},
                                             {"address", ""},
                                             {"website", ""},
                                             {"founded_year", ""},
                                             {"employees", ""},
                                             {"size_class", "size_class"},
                                             {"landing_status", "landing_status"},
                                             {"source", "source"},
                                             {"owning_office", "office"},
                                             {"record_state", "record_state"}};
    if (!ImGui::BeginTable("##record", 4, ImGuiTableFlags_SizingStretchProp)) return;
    ImGui::TableSetupColumn("##l1", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("##v1", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    ImGui::TableSetupColumn("##l2", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableSetupColumn("##v2", ImGuiTableColumnFlags_WidthStretch, 2.0f);
    for (const Col& c : kFields) {
      ImGui::TableNextColumn();
      ui.TextDisabled(ui.Field(c.field));
      ImGui::TableNextColumn();
      ui.Text(Cell(ui, e, c));
      ui.Mark("detail.field." + c.field);
    }
    ImGui::EndTable();
  }

  // The text fields the page edits; codes (country, size, landing, source, state) come with
  // the next step, with their lists from the core.
  static constexpr const char* kEditable[] = {"name",       "name_en", "name_zh",      "name_ur",
                                              "short_name", "sector",  "region",       "city",
                                              "address",    "website", "founded_year", "employees"};

  void StartEdit() {
    editing_ = true;
    refused_.reset();
    edits_.clear();
    for (const char* f : kEditable) edits_[f] = view_->record.Text(f);
  }

  void DrawEdit(App& app) {
    Ui& ui = app.ui();
    if (ImGui::BeginTable("##edit", 2, ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn("##label", ImGuiTableColumnFlags_WidthFixed,
                              ImGui::GetFontSize() * 9);
      ImGui::TableSetupColumn("##field", ImGuiTableColumnFlags_WidthStretch);
      for (const char* f : kEditable) {
        std::string& value = edits_[f];
        if (EditRow(app, "edit", f, value, CheckTyped(f, value), {}, refused_)) refused_.reset();
      }
      ImGui::EndTable();
    }
    if (refused_ && refused_->field.empty()) {
      ui.TextError(ui.ShowError(*refused_));
      ui.Mark("edit.error");
    }
    if (ui.Button("desktop.action.save", "detail.save")) Save(app);
    ImGui::SameLine();
    if (ui.Button("desktop.action.cancel", "detail.cancel")) editing_ = false;
    ImGui::Separator();
  }

  // Every changed field in one transaction: all are saved, or none (the first refusal is
  // shown by its field).
  void Save(App& app) {
    Session& s = app.session();
    const std::string id = view_->record.id;
    std::vector<Issue> warnings;
    std::string failed;
    auto saved = s.Atomically([&]() -> Result<void> {
      for (const char* f : kEditable) {
        if (edits_[f] == view_->record.Text(f)) continue;
        auto r = s.SetEnterpriseField(id, f, edits_[f]);
        if (!r) {
          failed = f;
          return r.error();
        }
        warnings.insert(warnings.end(), r->warnings.begin(), r->warnings.end());
      }
      return {};
    });
    if (!saved) {
      refused_ = saved.error();
      if (refused_->field.empty()) refused_->field = failed;
      return;
    }
    Ui& ui = app.ui();
    std::string notice = ui.T("desktop.enterprise.saved", {{"name", edits_["name"]}});
    for (const Issue& w : warnings) notice += "  " + ui.Show(Translate(w, ui.lang()));
    app.Notify(notice);
    editing_ = false;
    stale_ = true;
  }

  void DrawIdentifiers(App& app) {
    Ui& ui = app.ui();
    if (!Section(app, "desktop.enterprise.identifiers", "detail.identifiers",
                 view_->identifiers.size())) {
      return;
    }
    if (view_->identifiers.empty()) {
      ui.TextDisabled(ui.T("desktop.enterprise.nothing"));
      return;
    }
    if (!ImGui::BeginTable("##identifiers", 3,
                           ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                               ImGuiTableFlags_SizingStretchProp)) {
      return;
    }
    for (const Identifier& id : view_->identifiers) {
      ImGui::TableNextColumn();
      ui.Text(ui.T(IdentifierLabelKey(id.type)));
      ImGui::TableNextColumn();
      ui.Text(ui.Show(DisplayIdentifier(id.type, id.value)));
      ImGui::TableNextColumn();
      ui.Text(ui.L("check", IdentifierCheckCode(id.check)));
    }
    ImGui::EndTable();
  }

  void DrawContacts(App& app) {
    SectionTable(app, "desktop.enterprise.contacts", "detail.contacts",
                 {{"full_name", ""},
                  {"name_ur", ""},
                  {"position", ""},
                  {"mobile", ""},
                  {"email", ""},
                  {"wechat", ""},
                  {"is_primary", "flag"},
                  {"consent_contact", "flag"},
                  {"consent_transfer", "flag"}},
                 contacts_);
  }

  void DrawEnrollment(App& app) {
    Ui& ui = app.ui();
    const Record* enrollment = enrollment_ && *enrollment_ ? &**enrollment_ : nullptr;
    if (!Section(app, "desktop.enterprise.enrollment", "detail.enrollment", history_.size())) {
      return;
    }
    if (enrollment == nullptr) {
      ui.TextDisabled(ui.T("desktop.filter.not_enrolled"));
      return;
    }
    ui.Text(ui.T(
        "desktop.enterprise.stage_now",
        {{"stage", enrollment->Text("stage")}, {"number", enrollment->Text("programme_number")}}));
    ui.Mark("detail.stage");
    Table(app, "##history", {{"changed_on", ""}, {"stage", "stage"}, {"reason", ""}}, history_);
  }

  void DrawServices(App& app) {
    SectionTable(app, "desktop.enterprise.services", "detail.services",
                 {{"service_date", ""},
                  {"category", "category"},
                  {"minutes", ""},
                  {"summary", ""},
                  {"outcome", "outcome"},
                  {"state", "state"}},
                 services_);
  }

  void DrawFollowUps(App& app) {
    SectionTable(app, "desktop.enterprise.follow_ups", "detail.follow_ups",
                 {{"due_date", ""}, {"status", "status"}, {"assignee", ""}, {"note", "note"}},
                 follow_ups_);
  }

  // A section of records: its header with their count, then their table.
  void SectionTable(App& app, const char* key, const std::string& target,
                    const std::vector<Col>& cols, const std::vector<Record>& rows) {
    if (Section(app, key, target.c_str(), rows.size())) {
      Table(app, ("##" + target).c_str(), cols, rows);
    }
  }

  std::string loaded_id_;
  bool stale_ = true;
  bool editing_ = false;
  std::map<std::string, std::string> edits_;  // field → text being edited
  std::optional<Error> refused_;              // the last save's refusal
  std::optional<Error> error_;
  std::optional<EnterpriseView> view_;
  std::vector<Record> contacts_;
  std::optional<std::optional<Record>> enrollment_;
  std::vector<Record> history_, services_, follow_ups_;
};

}  // namespace

std::unique_ptr<Screen> MakeEnterpriseScreen(App&) { return std::make_unique<EnterpriseScreen>(); }

}  // namespace dosti::desktop
