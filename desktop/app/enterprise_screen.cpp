// One enterprise: its record, identifiers (with their check state), contacts (with consent),
// its DH-2023 enrollment with the stage history, duplicate suspects, services and follow-ups.
// The record's fields are edited in place ("Edit": text fields checked as typed, code fields
// from the core's lists) and saved together in one transaction (Session::Atomically over
// SetEnterpriseField); an identifier is added checked as typed (CheckIdentifier: errors and
// warnings apart); contacts are added and edited with consent and primary (the core's rules:
// one primary); the stage moves with the "selection needs…" checklist (SelectionNeeds);
// duplicate suspects are merged into this record and merged records unmerged.
// Each piece is one quick facade read on the UI thread's Session, done when the enterprise
// changes, not every frame; the duplicate suspects (a read over every enterprise) are the
// Worker's.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app.h"
#include "enterprise_form.h"
#include "screens.h"
#include "worker.h"

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
    DrawDuplicates(app);
    DrawServices(app);
    DrawFollowUps(app);
    ImGui::EndChild();
  }

  void OnChange(App& app, const ChangeEvent& event) override {
    // Any change may concern this enterprise (its contacts, services, a merge): read it again
    // when next shown. The reads are a handful of indexed queries.
    stale_ = true;
    suspects_read_.MarkStale();
  }

 private:
  void Load(App& app) {
    Session& s = app.session();
    stale_ = false;
    if (loaded_id_ != app.enterprise_id()) {  // another enterprise
      editing_ = false;
      contact_.reset();
      identifier_ = {};
      stage_refused_.reset();
      merge_refused_.reset();
      move_to_.clear();
      stage_reason_.clear();
      suspects_.reset();
      suspects_read_.MarkStale();
    }
    loaded_id_ = app.enterprise_id();
    error_.reset();
    view_.reset();
    contacts_.clear();
    enrollment_.reset();
    history_.clear();
    needs_.clear();
    merged_.clear();
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
    keep(s.SelectionNeeds(loaded_id_), needs_);
    keep(s.ListMergedInto(loaded_id_), merged_);
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

  // The fields the page edits: text fields (checked as typed), then code fields, each a list
  // of the core's codes (EnterpriseFieldCodes) with their labels.
  static constexpr const char* kEditable[] = {
      "name",         "name_en",    "name_zh",        "name_ur", "short_name",
      "sector",       "region",     "city",           "address", "website",
      "founded_year", "employees",  "country",        "size_class", "landing_status",
      "source",       "owning_office", "record_state"};

  void StartEdit() {
    editing_ = true;
    refused_.reset();
    edits_.clear();
    for (const char* f : kEditable) edits_[f] = view_->record.Text(f);
  }

  // A code field's list: its codes' labels, and "not set" first when the field may be empty.
  static std::vector<std::pair<std::string, std::string>> CodeItems(Ui& ui, const FieldCodes& codes,
                                                                    bool optional) {
    std::vector<std::pair<std::string, std::string>> items;
    if (optional) items.emplace_back("", ui.T("desktop.enterprise.not_set"));
    for (std::string_view c : *codes.codes) {
      items.emplace_back(std::string(c), ui.L(codes.label_kind, c));
    }
    return items;
  }

  void DrawEdit(App& app) {
    Ui& ui = app.ui();
    if (ImGui::BeginTable("##edit", 2, ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn("##label", ImGuiTableColumnFlags_WidthFixed,
                              ImGui::GetFontSize() * 9);
      ImGui::TableSetupColumn("##field", ImGuiTableColumnFlags_WidthStretch);
      for (const char* f : kEditable) {
        std::string& value = edits_[f];
        if (auto codes = EnterpriseFieldCodes(f)) {
          LabelCell(ui, ui.Field(f));
          // Country and record state always hold a code; the others may be left unset.
          const bool optional = std::string_view(f) != "country" &&
                                std::string_view(f) != "record_state" &&
                                std::string_view(f) != "landing_status";
          const std::string target = std::string("edit.") + f;
          if (ui.Combo(target, value, CodeItems(ui, *codes, optional), -1)) refused_.reset();
          if (refused_ && refused_->field == f) {
            ui.TextError(ui.ShowError(*refused_));
            ui.Mark(target + ".error");
          }
          continue;
        }
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
    } else if (ImGui::BeginTable("##identifiers", 3,
                                 ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                     ImGuiTableFlags_SizingStretchProp)) {
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
    DrawAddIdentifier(app);
  }

  // A new identifier: its type, its value checked as typed by the core's rules (an error
  // refuses it; a warning, such as a USCC check character that does not match, is saved with
  // it), then Add (Session::AddIdentifier has the final word).
  void DrawAddIdentifier(App& app) {
    Ui& ui = app.ui();
    NewIdentifier& n = identifier_;
    if (n.type.empty()) n.type = view_->record.Text("country") == "PK" ? "PK_NTN" : "CN_USCC";
    std::vector<std::pair<std::string, std::string>> types;
    for (auto t : {IdentifierType::kCnUscc, IdentifierType::kCnLegacyRegno, IdentifierType::kPkNtn,
                   IdentifierType::kPkNtnCnic, IdentifierType::kPkSecp, IdentifierType::kOther}) {
      types.emplace_back(std::string(IdentifierTypeCode(t)), ui.T(IdentifierLabelKey(t)));
    }
    const IdentifierType type = ParseIdentifierType(n.type).value_or(IdentifierType::kOther);
    Result<void> check;
    std::vector<Issue> warnings;
    if (!n.value.empty()) {
      auto checked = CheckIdentifier(type, n.value);
      if (!checked) {
        check = checked.error();
      } else {
        warnings = checked->warnings;
      }
    }
    if (ImGui::BeginTable("##add_identifier", 2, ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn("##label", ImGuiTableColumnFlags_WidthFixed,
                              ImGui::GetFontSize() * 9);
      ImGui::TableSetupColumn("##field", ImGuiTableColumnFlags_WidthStretch);
      LabelCell(ui, ui.T("desktop.enterprise.identifier_type"));
      if (ui.Combo("detail.identifier.type", n.type, types, -1)) n.refused.reset();
      if (EditRow(app, "detail.identifier", "value", n.value, check, warnings, n.refused)) {
        n.refused.reset();
      }
      ImGui::EndTable();
    }
    ImGui::BeginDisabled(n.value.empty() || !check);
    const bool add = ui.Button("desktop.enterprise.add_identifier", "detail.identifier.add");
    ImGui::EndDisabled();
    if (!add) return;
    auto saved = app.session().AddIdentifier(loaded_id_, {type, n.value});
    if (!saved) {
      n.refused = saved.error();
      n.refused->field = "value";  // shown by the value, whatever the core named it
      return;
    }
    std::string notice = ui.T("desktop.enterprise.identifier_added", {{"value", n.value}});
    for (const Issue& w : saved->warnings) notice += "  " + ui.Show(Translate(w, ui.lang()));
    app.Notify(notice);
    identifier_ = {};
    stale_ = true;
  }

  void DrawContacts(App& app) {
    Ui& ui = app.ui();
    if (!Section(app, "desktop.enterprise.contacts", "detail.contacts", contacts_.size())) return;
    static const std::vector<Col> kCols = {{"full_name", ""},       {"name_ur", ""},
                                           {"position", ""},        {"mobile", ""},
                                           {"email", ""},           {"wechat", ""},
                                           {"is_primary", "flag"},  {"consent_contact", "flag"},
                                           {"consent_transfer", "flag"}};
    if (contacts_.empty()) {
      ui.TextDisabled(ui.T("desktop.enterprise.nothing"));
    } else if (ImGui::BeginTable("##detail.contacts", static_cast<int>(kCols.size()) + 1,
                                 ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter |
                                     ImGuiTableFlags_BordersV |
                                     ImGuiTableFlags_SizingStretchProp)) {
      for (const Col& c : kCols) {
        ImGui::TableSetupColumn(Ui::Id(ui.Field(c.field), c.field).c_str());
      }
      ImGui::TableSetupColumn("##edit", ImGuiTableColumnFlags_WidthFixed);
      ImGui::TableHeadersRow();
      for (std::size_t i = 0; i < contacts_.size(); ++i) {
        ImGui::TableNextRow();
        for (const Col& c : kCols) {
          ImGui::TableNextColumn();
          ui.Text(Cell(ui, contacts_[i], c));
        }
        ImGui::TableNextColumn();
        ImGui::PushID(static_cast<int>(i));
        if (ui.Button("desktop.action.edit", "detail.contacts.edit." + std::to_string(i))) {
          StartContact(&contacts_[i]);
        }
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
    if (ui.Button("desktop.enterprise.new_contact", "detail.contacts.new")) StartContact(nullptr);
    // The form is a modal popup, as New enterprise is: it fits the window whatever the page's
    // length, and the page does not change under it.
    if (contact_ && !ImGui::IsPopupOpen("##contact")) ImGui::OpenPopup("##contact");
    ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 34, 0), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Appearing,
                            ImVec2(0.5f, 0.5f));
    if (!ImGui::BeginPopupModal("##contact", nullptr,
                                ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoTitleBar)) {
      return;
    }
    if (contact_) {
      ui.Text(contact_->id.empty() ? ui.T("desktop.enterprise.new_contact")
                                   : ui.Show(contact_->before.text["full_name"]));
      ImGui::Separator();
      DrawContactForm(app);
    }
    if (!contact_) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }

  // The contact form's text fields and flags (the columns SetContactField takes).
  static constexpr const char* kContactText[] = {"full_name", "latin_name", "name_ur", "position",
                                                 "mobile",    "office_phone", "email",  "wechat",
                                                 "whatsapp"};
  static constexpr const char* kContactFlags[] = {"is_primary", "consent_contact",
                                                  "consent_transfer"};

  void StartContact(const Record* existing) {
    contact_.emplace();
    if (!existing) return;
    contact_->id = existing->id;
    for (const char* f : kContactText) contact_->text[f] = existing->Text(f);
    for (const char* f : kContactFlags) contact_->flags[f] = existing->Int(f) != 0;
    contact_->before = {contact_->text, contact_->flags};
  }

  void DrawContactForm(App& app) {
    Ui& ui = app.ui();
    ContactEdit& c = *contact_;
    const std::string country = view_->record.Text("country");
    if (ImGui::BeginTable("##contact_form", 2, ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn("##label", ImGuiTableColumnFlags_WidthFixed,
                              ImGui::GetFontSize() * 9);
      ImGui::TableSetupColumn("##field", ImGuiTableColumnFlags_WidthStretch);
      for (const char* f : kContactText) {
        std::string& value = c.text[f];
        // Checked as typed by the core's rules: names (CheckName), phones (NormalisePhone with
        // the enterprise's country: errors refuse, a mobile that is not plausible warns).
        Result<void> check;
        std::vector<Issue> warnings;
        const std::string_view field(f);
        if (field == "full_name" || (!value.empty() && (field == "latin_name" || field == "name_ur"))) {
          if (auto r = CheckName(value, field); !r) check = r.error();
        } else if (!value.empty() && (field == "mobile" || field == "office_phone" ||
                                      field == "whatsapp")) {
          auto phone = NormalisePhone(value, country, field);
          if (!phone) {
            check = phone.error();
          } else {
            warnings = phone->warnings;
          }
        }
        if (EditRow(app, "detail.contact", f, value, check, warnings, c.refused)) c.refused.reset();
      }
      for (const char* f : kContactFlags) {
        LabelCell(ui, ui.Field(f));
        const std::string target = std::string("detail.contact.") + f;
        if (ui.Checkbox(ui.T(std::string("desktop.contact.") + f), target, &c.flags[f])) {
          c.refused.reset();
        }
        if (c.refused && c.refused->field == f) {
          ui.TextError(ui.ShowError(*c.refused));
          ui.Mark(target + ".error");
        }
      }
      ImGui::EndTable();
    }
    if (c.refused && c.refused->field.empty()) {
      ui.TextError(ui.ShowError(*c.refused));
      ui.Mark("detail.contact.error");
    }
    if (ui.Button("desktop.action.save", "detail.contact.save")) SaveContact(app);
    ImGui::SameLine();
    if (ui.Button("desktop.action.cancel", "detail.contact.cancel")) contact_.reset();
  }

  // A new contact is one AddContact; an edited one is every changed field with
  // SetContactField in one transaction (all or none). Primary and consent follow the core's
  // rules: one primary per enterprise, a consent given is dated today.
  void SaveContact(App& app) {
    Session& s = app.session();
    Ui& ui = app.ui();
    ContactEdit& c = *contact_;
    std::vector<Issue> warnings;
    std::string failed;
    Result<void> saved;
    if (c.id.empty()) {
      Fields fields{{"enterprise_id", loaded_id_}};
      for (const char* f : kContactText) {
        if (!c.text[f].empty()) fields.push_back({f, c.text[f]});
      }
      for (const char* f : kContactFlags) fields.push_back({f, std::string(c.flags[f] ? "1" : "0")});
      auto added = s.AddContact(fields);
      if (!added) {
        saved = added.error();
      } else {
        warnings = added->warnings;
      }
    } else {
      saved = s.Atomically([&]() -> Result<void> {
        auto set = [&](const std::string& f, const std::string& v) -> Result<void> {
          auto r = s.SetContactField(c.id, f, v);
          if (!r) {
            failed = f;
            return r.error();
          }
          warnings.insert(warnings.end(), r->warnings.begin(), r->warnings.end());
          return {};
        };
        // Flags last: making this contact primary after its name is saved, and a primary
        // taken away after another was made one.
        for (const char* f : kContactText) {
          if (c.text[f] != c.before.text[f]) DOSTI_TRY(set(f, c.text[f]));
        }
        for (const char* f : kContactFlags) {
          if (c.flags[f] != c.before.flags[f]) DOSTI_TRY(set(f, c.flags[f] ? "1" : "0"));
        }
        return {};
      });
    }
    if (!saved) {
      c.refused = saved.error();
      if (c.refused->field.empty()) c.refused->field = failed;
      return;
    }
    std::string notice = ui.T("desktop.enterprise.contact_saved", {{"name", c.text["full_name"]}});
    for (const Issue& w : warnings) notice += "  " + ui.Show(Translate(w, ui.lang()));
    app.Notify(notice);
    contact_.reset();
    stale_ = true;
  }

  void DrawEnrollment(App& app) {
    Ui& ui = app.ui();
    const Record* enrollment = enrollment_ && *enrollment_ ? &**enrollment_ : nullptr;
    if (!Section(app, "desktop.enterprise.enrollment", "detail.enrollment", history_.size())) {
      return;
    }
    if (enrollment == nullptr) {
      ui.TextDisabled(ui.T("desktop.filter.not_enrolled"));
    } else {
      ui.Text(ui.T("desktop.enterprise.stage_now", {{"stage", enrollment->Text("stage")},
                                                     {"number", enrollment->Text("programme_number")}}));
      ui.Mark("detail.stage");
      Table(app, "##history", {{"changed_on", ""}, {"stage", "stage"}, {"reason", ""}}, history_);
    }
    // "Selection needs…": what the core's rule finds missing (DOMAIN.md workflow 4), before a
    // move to selected is tried and refused.
    if (needs_.empty()) {
      ui.Text(ui.T("desktop.enterprise.selection_ready"));
      ui.Mark("detail.selection.ready");
    } else {
      ui.Text(ui.T("desktop.enterprise.selection_needs"));
      ui.Mark("detail.selection.needs");
      for (std::size_t i = 0; i < needs_.size(); ++i) {
        ImGui::Bullet();
        ui.TextWarning(ui.Show(Translate(needs_[i], ui.lang())));
        ui.Mark("detail.selection.missing." + needs_[i].key.substr(needs_[i].key.rfind('.') + 1));
      }
    }
    // The move: a stage from the core's list, a reason (the core asks for one to move back or
    // out of an exit), then Move (Session::Enroll has the final word).
    if (move_to_.empty()) move_to_ = enrollment ? enrollment->Text("stage") : "prospect";
    std::vector<std::pair<std::string, std::string>> stages;
    for (std::string_view st : kEnrollmentStages) {
      stages.emplace_back(std::string(st), ui.L("stage", st));
    }
    const float w = ImGui::GetFontSize();
    if (ui.Combo("detail.stage.to", move_to_, stages, w * 10)) stage_refused_.reset();
    ImGui::SameLine();
    ImGui::SetNextItemWidth(w * 24);
    if (ui.Input("detail.stage.reason", stage_reason_, "desktop.match.reason_hint")) {
      stage_refused_.reset();
    }
    ImGui::SameLine();
    if (ui.Button("desktop.enterprise.move_stage", "detail.stage.move")) {
      auto moved = app.session().Enroll(loaded_id_, move_to_, stage_reason_);
      if (!moved) {
        stage_refused_ = moved.error();
      } else {
        std::string notice = ui.T("desktop.enterprise.stage_moved", {{"stage", move_to_}});
        for (const Issue& w : moved->warnings) notice += "  " + ui.Show(Translate(w, ui.lang()));
        app.Notify(notice);
        stage_reason_.clear();
        stale_ = true;
      }
    }
    if (stage_refused_) {
      ui.TextError(ui.ShowError(*stage_refused_));
      ui.Mark("detail.stage.error");
    }
  }

  // Duplicate suspects (Session::ListDuplicates, read on the Worker: it looks at every
  // enterprise), each merged into this record with one click (MergeDuplicates(this, other), as
  // `dosti duplicates merge` calls it), and the records merged into this one, each unmerged
  // with one click (UnmergeDuplicate).
  void DrawDuplicates(App& app) {
    Ui& ui = app.ui();
    const std::string id = loaded_id_;
    if (auto read = suspects_read_.Poll(app.worker(), [id](Session& s) {
          Suspects out;
          auto pairs = s.ListDuplicates();
          if (!pairs) {
            out.error = pairs.error();
            return out;
          }
          out.enterprise_id = id;
          for (DuplicatePair& p : *pairs) {
            if (p.id_a == id || p.id_b == id) out.pairs.push_back(std::move(p));
          }
          return out;
        })) {
      if (read->enterprise_id == loaded_id_ || read->error) suspects_ = std::move(*read);
    }
    const std::size_t count = suspects_ ? suspects_->pairs.size() : 0;
    if (!Section(app, "desktop.enterprise.duplicates", "detail.duplicates",
                 count + merged_.size())) {
      return;
    }
    if (!suspects_) {
      ui.TextDisabled(ui.T("desktop.loading"));
    } else if (suspects_->error) {
      ui.TextError(ui.ShowError(*suspects_->error));
    } else if (suspects_->pairs.empty() && merged_.empty()) {
      ui.TextDisabled(ui.T("desktop.enterprise.nothing"));
    }
    for (std::size_t i = 0; suspects_ && i < suspects_->pairs.size(); ++i) {
      const DuplicatePair& p = suspects_->pairs[i];
      const bool a = p.id_a == loaded_id_;
      const std::string& other = a ? p.id_b : p.id_a;
      std::string reasons;
      for (const Message& m : p.reasons) {
        reasons += (reasons.empty() ? "" : ui.lang() == "zh" ? "；" : "; ") +
                   Translate(m, ui.lang());
      }
      ImGui::PushID(static_cast<int>(i));
      if (ui.Button("desktop.enterprise.merge_here", "detail.duplicates.merge." + std::to_string(i))) {
        if (auto r = app.session().MergeDuplicates(loaded_id_, other); !r) {
          merge_refused_ = r.error();
        } else {
          merge_refused_.reset();
          app.Notify(ui.T("desktop.enterprise.merged", {{"name", a ? p.name_b : p.name_a}}));
          stale_ = true;
          suspects_read_.MarkStale();
        }
      }
      ImGui::PopID();
      ImGui::SameLine();
      ui.Text(ui.Show((a ? p.name_b : p.name_a) + "  (" + reasons + ")"));
      ui.Mark("detail.duplicates.suspect." + std::to_string(i));
    }
    if (!merged_.empty()) ui.TextDisabled(ui.T("desktop.enterprise.merged_list"));
    for (std::size_t i = 0; i < merged_.size(); ++i) {
      const Record& r = merged_[i];
      ImGui::PushID(static_cast<int>(1000 + i));
      if (ui.Button("desktop.enterprise.unmerge", "detail.duplicates.unmerge." + std::to_string(i))) {
        if (auto u = app.session().UnmergeDuplicate(r.id); !u) {
          merge_refused_ = u.error();
        } else {
          merge_refused_.reset();
          app.Notify(ui.T("desktop.enterprise.unmerged", {{"name", r.Text("name")}}));
          stale_ = true;
          suspects_read_.MarkStale();
        }
      }
      ImGui::PopID();
      ImGui::SameLine();
      ui.Text(ui.Show(r.Text("name")));
      ui.Mark("detail.duplicates.merged." + std::to_string(i));
    }
    if (merge_refused_) {
      ui.TextError(ui.ShowError(*merge_refused_));
      ui.Mark("detail.duplicates.error");
    }
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

  struct NewIdentifier {
    std::string type, value;
    std::optional<Error> refused;
  };
  struct ContactEdit {
    std::string id;  // "" for a new contact
    std::map<std::string, std::string> text;
    std::map<std::string, bool> flags;
    std::optional<Error> refused;
    struct Before {
      std::map<std::string, std::string> text;
      std::map<std::string, bool> flags;
    } before;
  };
  struct Suspects {
    std::string enterprise_id;
    std::vector<DuplicatePair> pairs;  // those of this enterprise
    std::optional<Error> error;
  };

  std::string loaded_id_;
  bool stale_ = true;
  NewIdentifier identifier_;
  std::optional<ContactEdit> contact_;
  std::string move_to_, stage_reason_;
  std::optional<Error> stage_refused_, merge_refused_;
  std::vector<Message> needs_;
  std::vector<Record> merged_;
  WorkerRead<Suspects> suspects_read_;
  std::optional<Suspects> suspects_;
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
