#include "enterprise_form.h"

#include <string>
#include <vector>

#include "app.h"
#include "dosti/catalog.h"
#include "dosti/validation.h"

namespace dosti::desktop {
namespace {

// A new row of the form's table: its label, then the cell of its field.
}  // namespace

void EnterpriseForm::Reset(const std::string& country) {
  *this = EnterpriseForm();
  country_ = country == "PK" ? "PK" : "CN";
  id_type_ = country_ == "PK" ? "PK_NTN" : "CN_USCC";
}

void LabelCell(Ui& ui, const std::string& drawn) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::AlignTextToFramePadding();
  ui.Text(drawn);
  ImGui::TableNextColumn();
}

Result<void> CheckTyped(std::string_view field, std::string_view value) {
  if (field == "name" || field == "name_en" || field == "name_zh" || field == "name_ur" ||
      field == "short_name") {
    if (value.empty() && field != "name") return {};
    if (auto r = CheckName(value, field); !r) return r.error();
  } else if (field == "website" && !value.empty()) {
    if (auto r = CheckWebsite(value); !r) return r.error();
  }
  return {};
}

bool EditRow(App& app, std::string_view prefix, std::string_view field, std::string& value,
             const Result<void>& check, const std::vector<Issue>& warnings,
             const std::optional<Error>& refused) {
  Ui& ui = app.ui();
  LabelCell(ui, ui.Field(field));
  ImGui::SetNextItemWidth(-1);
  const std::string base = std::string(prefix) + "." + std::string(field);
  const bool changed = ui.Input(base, value);
  // Errors refuse the save; warnings are saved with the record (DOMAIN.md, "Validation").
  if (!check) {
    ui.TextError(ui.ShowError(check.error()));
    ui.Mark(base + ".error");
  } else if (refused && refused->field == field) {
    ui.TextError(ui.ShowError(*refused));
    ui.Mark(base + ".error");
  }
  for (const Issue& w : warnings) {
    ui.TextWarning(ui.Show(Translate(w, ui.lang())));
    ui.Mark(base + ".warning");
  }
  return changed;
}

void EnterpriseForm::Row(App& app, std::string_view field, std::string& value,
                         const Result<void>& check, const std::vector<Issue>& warnings) {
  if (EditRow(app, "new", field, value, check, warnings, refused_)) refused_.reset();
}

std::string EnterpriseForm::Draw(App& app, bool* cancelled) {
  Ui& ui = app.ui();
  *cancelled = false;
  if (ImGui::BeginTable("##enterprise_form", 2, ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("##label", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 9);
    ImGui::TableSetupColumn("##field", ImGuiTableColumnFlags_WidthStretch);

    LabelCell(ui, ui.Field("country"));
    std::vector<std::pair<std::string, std::string>> countries;
    for (std::string_view c : kCountries) countries.emplace_back(c, ui.L("country", c));
    if (ui.Combo("new.country", country_, countries, -1)) {
      // The identifier offered follows the country (a USCC for CN, an NTN for PK).
      id_type_ = country_ == "PK" ? "PK_NTN" : "CN_USCC";
    }

    for (auto [field, value] : {std::pair<const char*, std::string*>{"name", &name_},
                                {"name_en", &name_en_},
                                {"name_zh", &name_zh_},
                                {"name_ur", &name_ur_},
                                {"short_name", &short_name_},
                                {"sector", &sector_},
                                {"region", &region_},
                                {"city", &city_},
                                {"website", &website_}}) {
      Row(app, field, *value, CheckTyped(field, *value));
    }

    // One identifier: its type, then its value checked as typed (a wrong USCC check character
    // is a warning: some genuine early codes fail it).
    LabelCell(ui, ui.T("identifier.label.identifier"));
    std::vector<std::pair<std::string, std::string>> types;
    for (auto t : {IdentifierType::kCnUscc, IdentifierType::kCnLegacyRegno, IdentifierType::kPkNtn,
                   IdentifierType::kPkNtnCnic, IdentifierType::kPkSecp, IdentifierType::kOther}) {
      std::string code(IdentifierTypeCode(t));
      types.emplace_back(code, ui.T(IdentifierLabelKey(t)));
    }
    ui.Combo("new.identifier_type", id_type_, types, -1);
    Result<void> id_check;
    std::vector<Issue> id_warnings;
    if (!id_value_.empty()) {
      auto checked = CheckIdentifier(ParseIdentifierType(id_type_).value_or(IdentifierType::kOther),
                                     id_value_);
      if (!checked) {
        id_check = checked.error();
      } else {
        id_warnings = checked->warnings;
      }
    }
    Row(app, "identifier", id_value_, id_check, id_warnings);
    ImGui::EndTable();
  }

  if (refused_ && refused_->field.empty()) {
    ui.TextError(ui.ShowError(*refused_));
    ui.Mark("new.error");
  }
  ImGui::Separator();
  std::string saved_id;
  if (ui.Button("desktop.action.save", "new.save")) {
    Fields fields{{"country", country_}, {"name", name_}};
    auto optional = [&](const char* column, const std::string& value) {
      if (!value.empty()) fields.push_back({column, value});
    };
    optional("name_en", name_en_);
    optional("name_zh", name_zh_);
    optional("name_ur", name_ur_);
    optional("short_name", short_name_);
    optional("sector", sector_);
    optional("region", region_);
    optional("city", city_);
    optional("website", website_);
    std::vector<IdentifierInput> ids;
    if (!id_value_.empty()) {
      ids.push_back({ParseIdentifierType(id_type_).value_or(IdentifierType::kOther), id_value_});
    }
    auto saved = app.session().AddEnterprise(fields, ids);
    if (!saved) {
      refused_ = saved.error();
      // An identifier's error names the identifier's own field (uscc, ntn, ...): show it by
      // the identifier.
      if (refused_->code == ErrorCode::kBadIdentifier) refused_->field = "identifier";
    } else {
      std::string notice = ui.T("desktop.enterprise.created", {{"name", name_}});
      for (const Issue& w : saved->warnings) notice += "  " + ui.Show(Translate(w, ui.lang()));
      app.Notify(notice, false);
      saved_id = saved->id;
    }
  }
  ImGui::SameLine();
  if (ui.Button("desktop.action.cancel", "new.cancel")) *cancelled = true;
  return saved_id;
}

}  // namespace dosti::desktop
