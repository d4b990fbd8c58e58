// The form of a new enterprise (the enterprise table's "New enterprise"): country, names,
// sector, region, city, website and one identifier, each checked as it is typed by the core's
// own rules (dosti/validation.h), errors and warnings apart; saved with Session::AddEnterprise,
// whose verdict is final.
// Threading: the UI thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dosti/session.h"

namespace dosti::desktop {

class App;

class EnterpriseForm {
 public:
  // Clears the form for a new enterprise.
  void Reset(const std::string& country);
  // Draws the form's fields and its Save and Cancel buttons inside the current window (a
  // popup). Returns the id of the enterprise saved this frame, or "" (still editing); sets
  // *cancelled when the user gave up.
  std::string Draw(App& app, bool* cancelled);

 private:
  // One field: its label, its text field, and what the core's rules say of it now.
  void Row(App& app, std::string_view field, std::string& value, const Result<void>& check,
           const std::vector<Issue>& warnings = {});

  std::string country_ = "CN";
  std::string name_, name_en_, name_zh_, name_ur_, short_name_, sector_, region_, city_, website_;
  std::string id_type_ = "CN_USCC", id_value_;
  std::optional<Error> refused_;  // the core's answer to the last Save
};

}  // namespace dosti::desktop
