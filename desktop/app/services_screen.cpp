// Services (issue 11; DOMAIN.md workflows 2 and 5): logging a service delivered to one
// enterprise (category, date, minutes, summary, the contact served, and the follow-up the
// booth's defaults make: kDefaultServiceMinutes, kDefaultFollowUpDays), logging one training
// once for every enterprise that attended an event (Session::LogServiceForAttendees), and this
// month's services. A save is one facade call on the UI thread's Session; the core checks it
// and its refusal shows by the field it names.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app.h"
#include "enterprise_form.h"
#include "record_table.h"
#include "screens.h"

namespace dosti::desktop {
namespace {

// The follow-up's days as typed: a number, or -1 (which the core refuses, naming the field).
int DaysTyped(const std::string& text) {
  if (text.empty() || text.size() > 5) return -1;
  int days = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    days = days * 10 + (c - '0');
  }
  return days;
}

std::vector<std::pair<std::string, std::string>> Categories(Ui& ui) {
  std::vector<std::pair<std::string, std::string>> items;
  for (std::string_view c : kServiceCategories)
    items.emplace_back(std::string(c), ui.L("category", c));
  return items;
}

// The parts both forms share: category, date, minutes, summary, the follow-up.
struct ServiceFields {
  std::string category = std::string(kServiceCategories.front());
  std::string date, minutes = std::to_string(kDefaultServiceMinutes), summary;
  bool follow_up = true;
  std::string follow_days = std::to_string(kDefaultFollowUpDays);
  std::optional<Error> refused;

  void Reset(const std::string& today, const std::string& category) {
    *this = ServiceFields();
    this->category = category;
    date = today;
  }
  Fields AsFields() const {
    Fields f{{"category", category}, {"summary", summary}, {"minutes", minutes}};
    if (!date.empty()) f.push_back({"service_date", date});
    return f;
  }
  std::optional<int> FollowUpDays() const {
    return follow_up ? std::optional<int>(DaysTyped(follow_days)) : std::nullopt;
  }
  // Rows of a two-column table, fields marked "<prefix>.<field>".
  void Draw(App& app, const std::string& prefix) {
    Ui& ui = app.ui();
    LabelCell(ui, ui.Field("category"));
    if (ui.Combo(prefix + ".category", category, Categories(ui), -1)) refused.reset();
    const Result<void> fine;
    for (auto [field, value] : {std::pair<const char*, std::string*>{"service_date", &date},
                                {"minutes", &minutes},
                                {"summary", &summary}}) {
      if (EditRow(app, prefix, field, *value, fine, {}, refused)) refused.reset();
    }
    LabelCell(ui, ui.Field("follow_up"));
    ui.Checkbox(ui.T("desktop.services.follow_up"), prefix + ".follow_up", &follow_up);
    if (follow_up) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4);
      if (ui.Input(prefix + ".follow_days", follow_days, {}, ImGuiInputTextFlags_CharsDecimal)) {
        refused.reset();
      }
      ImGui::SameLine();
      ui.Text(ui.T("desktop.services.days"));
    }
    if (refused && refused->field == "follow_up_days") ui.TextError(ui.ShowError(*refused));
  }
};

class ServicesScreen : public Screen {
 public:
  void Draw(App& app) override {
    Ui& ui = app.ui();
    if (stale_) Load(app);
    ui.Text(ui.T("desktop.nav.services"));
    ui.Mark("screen.services");
    ImGui::Separator();
    ImGui::BeginChild("##services_page", ImVec2(0, 0), false);
    if (ImGui::BeginTable("##forms", 2,
                          ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_BordersInnerV)) {
      ImGui::TableNextColumn();
      DrawOne(app);
      ImGui::TableNextColumn();
      DrawAttendees(app);
      ImGui::EndTable();
    }
    ImGui::Spacing();
    ui.Text(
        ui.T("desktop.services.month", {{"month", month_}, {"n", std::to_string(logs_.size())}}));
    RecordTable(app, "services.month",
                {{"service_date", ""},
                 {"enterprise_id", "enterprise"},
                 {"category", "category"},
                 {"minutes", ""},
                 {"summary", ""},
                 {"provider_office", "office"}},
                logs_, nullptr, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
  }

  void OnChange(App&, const ChangeEvent& event) override {
    if (Touches(event, {"service_log", "event", "contact", "event_participation", "enterprise"}))
      stale_ = true;
  }

 private:
  void Load(App& app) {
    Session& s = app.session();
    stale_ = false;
    const Date today = s.Today();
    month_ = FormatMonth(today);
    if (one_.date.empty()) one_.Reset(FormatDate(today), one_.category);
    ServiceFilter filter;
    filter.month = month_;
    if (auto logs = s.ListServiceLogs(filter)) {
      logs_ = std::move(*logs);
      // Latest first: what was just logged is at the top.
      std::reverse(logs_.begin(), logs_.end());
    }
    if (auto events = s.ListEvents()) events_ = std::move(*events);
    LoadContacts(app);
  }

  void LoadContacts(App& app) {
    contacts_.clear();
    if (picker_.id().empty()) return;
    if (auto c = app.session().ListContacts(picker_.id())) contacts_ = std::move(*c);
  }

  // [SECTION] One enterprise
  void DrawOne(App& app) {
    Ui& ui = app.ui();
    ui.Text(ui.T("desktop.services.log_one"));
    ImGui::Separator();
    ui.TextDisabled(ui.Field("enterprise_id"));
    if (picker_.Draw(app)) {
      contact_.clear();
      LoadContacts(app);
      one_.refused.reset();
    }
    if (one_.refused && one_.refused->field == "enterprise_id") {
      ui.TextError(ui.ShowError(*one_.refused));
    }
    if (!ImGui::BeginTable("##one", 2, ImGuiTableFlags_SizingStretchProp)) return;
    ImGui::TableSetupColumn("##label", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 7);
    ImGui::TableSetupColumn("##field", ImGuiTableColumnFlags_WidthStretch);
    LabelCell(ui, ui.Field("contact_id"));
    std::vector<std::pair<std::string, std::string>> contacts = {
        {"", ui.T("desktop.services.no_contact")}};
    for (const Record& c : contacts_) {
      if (c.Int("archived") == 0) contacts.emplace_back(c.id, ui.Show(c.Text("full_name")));
    }
    ui.Combo("services.contact", contact_, contacts, -1);
    one_.Draw(app, "services");
    ImGui::EndTable();
    if (one_.refused && one_.refused->field.empty()) ui.TextError(ui.ShowError(*one_.refused));
    if (ui.Button("desktop.services.save", "services.save")) SaveOne(app);
  }

  void SaveOne(App& app) {
    Ui& ui = app.ui();
    Fields f = one_.AsFields();
    f.push_back({"enterprise_id", picker_.id()});
    if (!contact_.empty()) f.push_back({"contact_id", contact_});
    auto saved = app.session().AddServiceLog(f, one_.FollowUpDays());
    if (!saved) {
      one_.refused = saved.error();
      return;
    }
    std::string notice =
        saved->follow_up_due.empty()
            ? Translate("desktop.services.saved", ui.lang(), {{"name", picker_.name()}})
            : Translate("desktop.services.saved_follow_up", ui.lang(),
                        {{"name", picker_.name()}, {"due", saved->follow_up_due}});
    for (const Issue& w : saved->warnings) notice += "  " + Translate(w, ui.lang());
    app.Notify(ui.Show(notice));
    // The next service for the same enterprise starts from the same category and date.
    std::string category = one_.category, date = one_.date;
    one_.Reset(date, category);
  }

  // [SECTION] Every attendee of an event
  void DrawAttendees(App& app) {
    Ui& ui = app.ui();
    ui.Text(ui.T("desktop.services.log_attendees"));
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ui.TextDisabled(ui.T("desktop.services.attendees_note"));
    ImGui::PopTextWrapPos();
    std::vector<std::pair<std::string, std::string>> events;
    for (const Record& e : events_) {
      events.emplace_back(e.id, ui.Show(e.Text("start_date") + "  " + e.Text("name") + "  (" +
                                        Translate("desktop.services.attended", ui.lang(),
                                                  {{"n", e.Text("attended")}}) +
                                        ")"));
    }
    if (events.empty()) {
      ui.TextDisabled(ui.T("desktop.services.no_events"));
      return;
    }
    if (!ImGui::BeginTable("##attendees", 2, ImGuiTableFlags_SizingStretchProp)) return;
    ImGui::TableSetupColumn("##label", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 7);
    ImGui::TableSetupColumn("##field", ImGuiTableColumnFlags_WidthStretch);
    LabelCell(ui, ui.Field("event_id"));
    if (ui.Combo("attendees.event", event_id_, events, -1)) {
      // The event's start is the service's date unless another is typed.
      for (const Record& e : events_) {
        if (e.id == event_id_) all_.date = e.Text("start_date");
      }
      all_.refused.reset();
    }
    all_.Draw(app, "attendees");
    ImGui::EndTable();
    if (all_.refused && all_.refused->field.empty()) ui.TextError(ui.ShowError(*all_.refused));
    ImGui::BeginDisabled(event_id_.empty());
    if (ui.Button("desktop.services.save_attendees", "attendees.save")) SaveAttendees(app);
    ImGui::EndDisabled();
  }

  void SaveAttendees(App& app) {
    Ui& ui = app.ui();
    auto saved =
        app.session().LogServiceForAttendees(event_id_, all_.AsFields(), all_.FollowUpDays());
    if (!saved) {
      all_.refused = saved.error();
      return;
    }
    app.Notify(ui.T("desktop.services.saved_attendees",
                    {{"n", std::to_string(saved->logs.size())},
                     {"skipped", std::to_string(saved->already_logged)}}));
    if (!saved->logs.empty()) all_.summary.clear();
  }

  bool stale_ = true;
  std::string month_;
  std::vector<Record> logs_, events_, contacts_;
  EnterprisePicker picker_{"services.enterprise"};
  std::string contact_;
  ServiceFields one_;
  std::string event_id_;
  ServiceFields all_{std::string("training")};
};

}  // namespace

std::unique_ptr<Screen> MakeServicesScreen(App&) { return std::make_unique<ServicesScreen>(); }

}  // namespace dosti::desktop
