// Enterprise fields as they are typed: the form of a new enterprise (the enterprise table's
// "New enterprise": country, names, sector, region, city, website and one identifier) and the
// rows the enterprise page edits. Each field is checked as it is typed by the core's own rules
// (dosti/validation.h), errors and warnings apart; the save (Session::AddEnterprise,
// SetEnterpriseField) has the final word, and its refusal shows by the field it names.
// Threading: the UI thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dosti/session.h"

namespace dosti::desktop {

class App;
class Ui;

// What the core's rules say of an enterprise field as typed: names (CheckName; the legal name
// `name` is needed), the website (CheckWebsite). The other fields are the core's to judge when
// saved (a year, a number of employees, a country that may be locked).
Result<void> CheckTyped(std::string_view field, std::string_view value);

// A new row of a two-column edit table: its label in the first cell, then the second cell is
// current (for the field).
void LabelCell(Ui& ui, const std::string& drawn);

// One row of a two-column edit table: the field's label, its text field (marked
// "<prefix>.<field>"), then in red what `check` refuses or the save refused (`refused`, when it
// names this field), in amber `warnings` (saved with the record); marked
// "<prefix>.<field>.error" and ".warning". True when the text changed this frame.
bool EditRow(App& app, std::string_view prefix, std::string_view field, std::string& value,
             const Result<void>& check, const std::vector<Issue>& warnings,
             const std::optional<Error>& refused);

class EnterpriseForm {
 public:
  // Clears the form for a new enterprise.
  void Reset(const std::string& country);
  // Draws the form's fields and its Save and Cancel buttons inside the current window (a
  // popup). Returns the id of the enterprise saved this frame, or "" (still editing); sets
  // *cancelled when the user gave up.
  std::string Draw(App& app, bool* cancelled);

 private:
  // EditRow for the form ("new.<field>"); a change clears the last save's refusal.
  void Row(App& app, std::string_view field, std::string& value, const Result<void>& check,
           const std::vector<Issue>& warnings = {});

  std::string country_ = "CN";
  std::string name_, name_en_, name_zh_, name_ur_, short_name_, sector_, region_, city_, website_;
  std::string id_type_ = "CN_USCC", id_value_;
  std::optional<Error> refused_;  // the core's answer to the last Save
};

}  // namespace dosti::desktop
