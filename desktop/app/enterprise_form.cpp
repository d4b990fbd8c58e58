#include "enterprise_form.h"

#include <string>
#include <vector>

#include "app.h"
#include "dosti/catalog.h"
#include "dosti/validation.h"

namespace dosti::desktop {
namespace {

// A name is checked when given; the legal name is needed.
Result<void> NameCheck(std::string_view value, std::string_view field, bool required) {
  if (value.empty() && !required) return {};
  auto r = CheckName(value, field);
  if (!r) return r.error();
  return {};
}

// A new row of the form's table: its label, then the cell of its field.
void LabelCell(Ui& ui, const std::string& drawn) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::AlignTextToFramePadding();
  ui.Text(drawn);
  ImGui::TableNextColumn();
}

}  // namespace

void EnterpriseForm::Reset(const std::string& country) {
  *this = EnterpriseForm();
  country_ = country == "PK" ? "PK" : "CN";
  id_type_ = country_ == "PK" ? "PK_NTN" : "CN_USCC";
}

void EnterpriseForm::Row(App& app, std::string_view field, std::string& value,
                         const Result<void>& check, const std::vector<Issue>& warnings) {
  Ui& ui = app.ui();
  LabelCell(ui, ui.Field(field));
  ImGui::SetNextItemWidth(-1);
  if (ui.Input("new." + std::string(field), value)) refused_.reset();
  // Errors refuse the save; warnings are saved with the record (DOMAIN.md, "Validation").
  std::string base = "new." + std::string(field);
  if (!check) {
    ui.TextError(ui.ShowError(check.error()));
    ui.Mark(base + ".error");
  } else if (refused_ && refused_->field == field) {
    ui.TextError(ui.ShowError(*refused_));
    ui.Mark(base + ".error");
  }
  for (const Issue& w : warnings) {
    ui.TextWarning(ui.Show(Translate(w, ui.lang())));
    ui.Mark(base + ".warning");
  }
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

    Row(app, "name", name_, NameCheck(name_, "name", true));
    Row(app, "name_en", name_en_, NameCheck(name_en_, "name_en", false));
    Row(app, "name_zh", name_zh_, NameCheck(name_zh_, "name_zh", false));
    Row(app, "name_ur", name_ur_, NameCheck(name_ur_, "name_ur", false));
    Row(app, "short_name", short_name_, NameCheck(short_name_, "short_name", false));
    Row(app, "sector", sector_, Result<void>());
    Row(app, "region", region_, Result<void>());
    Row(app, "city", city_, Result<void>());
    Result<void> website;
    if (!website_.empty()) {
      if (auto w = CheckWebsite(website_); !w) website = w.error();
    }
    Row(app, "website", website_, website);

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
