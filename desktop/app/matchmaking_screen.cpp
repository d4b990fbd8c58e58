// Matchmaking and events (issue 11; DOMAIN.md workflows 5 and 7), two tabs:
// - the pipeline: a CN–PK pair per row, chosen by stage (each stage with its count); a new pair
//   of two enterprises found as typed; the chosen pair moved to another stage (a reason when
//   the core asks for one: a move back, out of an exit, closed_lost);
// - events: the list with how many attended; a new event; the chosen event's participations,
//   and an enterprise added to it as registered, attended, ... (a training attended offers its
//   service log, logged on the Services screen for every attendee at once).
// Every write is one facade call on the UI thread's Session; lists are read again when their
// records change.
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

using Items = std::vector<std::pair<std::string, std::string>>;

Items LabelItems(Ui& ui, std::string_view kind, const std::vector<std::string_view>& codes) {
  Items items;
  for (std::string_view c : codes) items.emplace_back(std::string(c), ui.L(kind, c));
  return items;
}

// Codes the catalog's labels do not cover (event kinds, participation statuses): the desktop's
// own words, `prefix` + code (as a Column's kind says them, record_table.h).
Items OwnItems(Ui& ui, const std::string& prefix, const std::vector<std::string_view>& codes) {
  Items items;
  for (std::string_view c : codes)
    items.emplace_back(std::string(c), ui.T(prefix + std::string(c)));
  return items;
}

class MatchmakingScreen : public Screen {
 public:
  void Draw(App& app) override {
    Ui& ui = app.ui();
    if (stale_) Load(app);
    ui.Text(ui.T("desktop.nav.matchmaking"));
    ui.Mark("screen.matchmaking");
    if (!ImGui::BeginTabBar("##matchmaking_tabs")) return;
    const bool pipeline = ImGui::BeginTabItem(Ui::Id(ui.T("desktop.match.pipeline"), "p").c_str());
    ui.Mark("matchmaking.tab.pipeline");
    if (pipeline) {
      DrawPipeline(app);
      ImGui::EndTabItem();
    }
    const bool events = ImGui::BeginTabItem(Ui::Id(ui.T("desktop.events.title"), "e").c_str());
    ui.Mark("matchmaking.tab.events");
    if (events) {
      DrawEvents(app);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }

  void OnChange(App&, const ChangeEvent& event) override {
    if (Touches(event,
                {"matchmaking", "matchmaking_stage", "event", "event_participation", "enterprise"}))
      stale_ = true;
  }

 private:
  void Load(App& app) {
    Session& s = app.session();
    stale_ = false;
    error_.reset();
    auto keep = [&](auto result, auto& into) {
      if (!result) {
        error_ = result.error();
      } else {
        into = std::move(*result);
      }
    };
    keep(s.ListMatches(), matches_);
    keep(s.ListEvents(), events_);
    participations_.clear();
    if (!event_id_.empty()) keep(s.ListParticipations(event_id_), participations_);
    Filter();
  }

  // The pairs at the chosen stage; the chosen pair stays chosen while it is there.
  void Filter() {
    shown_.clear();
    selected_ = -1;
    for (const Record& m : matches_) {
      if (m.Text("stage") != stage_) continue;
      if (m.id == match_id_) selected_ = static_cast<int>(shown_.size());
      shown_.push_back(m);
    }
    if (selected_ < 0) match_id_.clear();
  }

  // [SECTION] Pipeline
  void DrawPipeline(App& app) {
    Ui& ui = app.ui();
    if (error_) ui.TextError(ui.ShowError(*error_));
    // The stages in pipeline order, then the exits, each with its pairs' count.
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    for (std::size_t i = 0; i < kMatchmakingStages.size(); ++i) {
      const std::string code(kMatchmakingStages[i]);
      int64_t n = std::count_if(matches_.begin(), matches_.end(),
                                [&](const Record& m) { return m.Text("stage") == code; });
      std::string label = ui.Show(std::string(Label("match_stage", code, ui.lang())) + " (" +
                                  std::to_string(n) + ")");
      FlowItem(ImGui::CalcTextSize(label.c_str()).x + ImGui::GetFrameHeight() +
                   ImGui::GetStyle().ItemInnerSpacing.x,
               right, i == 0);
      if (ImGui::RadioButton(Ui::Id(label, code).c_str(), stage_ == code)) {
        stage_ = code;
        Filter();
      }
      ui.Mark("matchmaking.stage." + code);
    }
    const float below = ImGui::GetFrameHeightWithSpacing() * 9;
    ImGui::BeginChild("##pairs", ImVec2(0, -below), false);
    if (RecordTable(app, "matchmaking.pairs",
                    {{"cn_name", ""},
                     {"pk_name", ""},
                     {"cooperation_type", "cooperation"},
                     {"stage", "match_stage"},
                     {"note", "text"}},
                    shown_, &selected_)) {
      match_id_ = shown_[static_cast<std::size_t>(selected_)].id;
      reason_.clear();
      refused_.reset();
    }
    ImGui::EndChild();
    if (ImGui::BeginTable("##pipeline_forms", 2,
                          ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_BordersInnerV)) {
      ImGui::TableNextColumn();
      DrawMove(app);
      ImGui::TableNextColumn();
      DrawNewPair(app);
      ImGui::EndTable();
    }
  }

  void DrawMove(App& app) {
    Ui& ui = app.ui();
    ui.Text(ui.T("desktop.match.move"));
    ImGui::Separator();
    if (match_id_.empty()) {
      ui.TextDisabled(ui.T("desktop.match.choose"));
      return;
    }
    const Record& m = shown_[static_cast<std::size_t>(selected_)];
    ui.Text(ui.Show(m.Text("cn_name") + " ↔ " + m.Text("pk_name")));
    ImGui::SetNextItemWidth(-1);
    ui.Input("matchmaking.reason", reason_, "desktop.match.reason_hint");
    // One button a stage: the pair moves there at a click (the core asks for the reason when
    // the move needs one).
    ui.TextDisabled(ui.T("desktop.match.move_to"));
    const ImGuiStyle& style = ImGui::GetStyle();
    const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
    bool first = true;
    for (std::string_view stage : kMatchmakingStages) {
      const std::string code(stage);
      if (code == m.Text("stage")) continue;
      const std::string label = Ui::Id(ui.L("match_stage", code), "to." + code);
      const float width =
          ImGui::CalcTextSize(label.c_str(), nullptr, true).x + style.FramePadding.x * 2;
      FlowItem(width, right, first);  // as many a line as fit
      first = false;
      if (ImGui::SmallButton(label.c_str())) Move(app, code);
      ui.Mark("matchmaking.move." + code);
    }
    if (refused_) {
      ui.TextError(ui.ShowError(*refused_));
      ui.Mark("matchmaking.error");
    }
  }

  void Move(App& app, const std::string& stage) {
    Ui& ui = app.ui();
    auto saved = app.session().SetMatchStage(match_id_, stage, reason_);
    if (!saved) {
      refused_ = saved.error();
      return;
    }
    refused_.reset();
    reason_.clear();
    std::string notice =
        Translate("desktop.match.moved", ui.lang(),
                  {{"stage", std::string(Label("match_stage", stage, ui.lang()))}});
    for (const Issue& w : saved->warnings) notice += "  " + Translate(w, ui.lang());
    app.Notify(ui.Show(notice));
    stage_ = stage;  // follow the pair to its new stage
    stale_ = true;
  }

  void DrawNewPair(App& app) {
    Ui& ui = app.ui();
    ui.Text(ui.T("desktop.match.new"));
    ImGui::Separator();
    if (!ImGui::BeginTable("##new_pair", 2, ImGuiTableFlags_SizingStretchSame)) return;
    ImGui::TableNextColumn();
    ui.TextDisabled(ui.Field("cn_enterprise_id"));
    cn_.Draw(app);
    ImGui::TableNextColumn();
    ui.TextDisabled(ui.Field("pk_enterprise_id"));
    pk_.Draw(app);
    ImGui::EndTable();
    ui.Text(ui.Field("cooperation_type"));
    ImGui::SameLine();
    ui.Combo("matchmaking.cooperation", cooperation_,
             LabelItems(ui, "cooperation", kCooperationTypes), ImGui::GetFontSize() * 12);
    ImGui::SameLine();
    ImGui::BeginDisabled(cn_.id().empty() || pk_.id().empty());
    if (ui.Button("desktop.match.add", "matchmaking.add")) {
      auto saved = app.session().AddMatch(cn_.id(), pk_.id(), cooperation_);
      if (!saved) {
        new_refused_ = saved.error();
      } else {
        new_refused_.reset();
        app.Notify(ui.T("desktop.match.added", {{"cn", cn_.name()}, {"pk", pk_.name()}}));
        cn_.Clear();
        pk_.Clear();
        stage_ = std::string(kMatchmakingStages.front());
        match_id_ = saved->id;
        stale_ = true;
      }
    }
    ImGui::EndDisabled();
    if (new_refused_) ui.TextError(ui.ShowError(*new_refused_));
  }

  // [SECTION] Events
  void DrawEvents(App& app) {
    Ui& ui = app.ui();
    if (error_) ui.TextError(ui.ShowError(*error_));
    const float half = ImGui::GetContentRegionAvail().y * 0.45f;
    int selected = -1;
    for (std::size_t i = 0; i < events_.size(); ++i) {
      if (events_[i].id == event_id_) selected = static_cast<int>(i);
    }
    ImGui::BeginChild("##events", ImVec2(0, half), false);
    if (RecordTable(app, "events.table",
                    {{"start_date", ""},
                     {"name", ""},
                     {"kind", "desktop.event_kind."},
                     {"city", ""},
                     {"office", "office"},
                     {"attended", ""}},
                    events_, &selected)) {
      event_id_ = events_[static_cast<std::size_t>(selected)].id;
      stale_ = true;
    }
    ImGui::EndChild();
    if (!ImGui::BeginTable("##event_forms", 2,
                           ImGuiTableFlags_SizingStretchSame | ImGuiTableFlags_BordersInnerV)) {
      return;
    }
    ImGui::TableNextColumn();
    DrawParticipations(app);
    ImGui::TableNextColumn();
    DrawNewEvent(app);
    ImGui::EndTable();
  }

  void DrawParticipations(App& app) {
    Ui& ui = app.ui();
    if (event_id_.empty()) {
      ui.TextDisabled(ui.T("desktop.events.choose"));
      return;
    }
    ui.Text(ui.T("desktop.events.participations", {{"n", std::to_string(participations_.size())}}));
    ImGui::Separator();
    ImGui::BeginChild("##participations", ImVec2(0, ImGui::GetTextLineHeightWithSpacing() * 6),
                      false);
    RecordTable(app, "events.participations",
                {{"enterprise_id", "enterprise"},
                 {"contact_name", ""},
                 {"status", "desktop.participation."},
                 {"role", "desktop.participation_role."}},
                participations_);
    ImGui::EndChild();
    ui.TextDisabled(ui.T("desktop.events.add_enterprise"));
    attendee_.Draw(app);
    const float em = ImGui::GetFontSize();
    ui.Combo("events.status", status_,
             OwnItems(ui, "desktop.participation.", kParticipationStatuses), em * 9);
    ImGui::SameLine();
    ImGui::BeginDisabled(attendee_.id().empty());
    if (ui.Button("desktop.events.add", "events.add")) {
      auto saved = app.session().AddParticipation(
          {{"event_id", event_id_}, {"enterprise_id", attendee_.id()}, {"status", status_}});
      if (!saved) {
        participation_refused_ = saved.error();
      } else {
        participation_refused_.reset();
        app.Notify(ui.T(
            saved->offers_service_log ? "desktop.events.added_training" : "desktop.events.added",
            {{"name", attendee_.name()}}));
        attendee_.Clear();
        stale_ = true;
      }
    }
    ImGui::EndDisabled();
    if (participation_refused_) ui.TextError(ui.ShowError(*participation_refused_));
  }

  void DrawNewEvent(App& app) {
    Ui& ui = app.ui();
    ui.Text(ui.T("desktop.events.new"));
    ImGui::Separator();
    if (ImGui::BeginTable("##new_event", 2, ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn("##label", ImGuiTableColumnFlags_WidthFixed,
                              ImGui::GetFontSize() * 7);
      ImGui::TableSetupColumn("##field", ImGuiTableColumnFlags_WidthStretch);
      LabelCell(ui, ui.Field("kind"));
      ui.Combo("events.kind", kind_, OwnItems(ui, "desktop.event_kind.", kEventKinds), -1);
      const Result<void> fine;
      for (auto [field, value] : {std::pair<const char*, std::string*>{"name", &event_name_},
                                  {"start_date", &start_},
                                  {"end_date", &end_},
                                  {"city", &city_}}) {
        if (EditRow(app, "events", field, *value, fine, {}, event_refused_)) {
          event_refused_.reset();
        }
      }
      ImGui::EndTable();
    }
    if (event_refused_ && event_refused_->field.empty())
      ui.TextError(ui.ShowError(*event_refused_));
    if (ui.Button("desktop.events.create", "events.create")) {
      Fields f{{"kind", kind_}, {"name", event_name_}, {"start_date", start_}};
      if (!end_.empty()) f.push_back({"end_date", end_});
      if (!city_.empty()) f.push_back({"city", city_});
      auto saved = app.session().AddEvent(f);
      if (!saved) {
        event_refused_ = saved.error();
      } else {
        event_refused_.reset();
        app.Notify(ui.T("desktop.events.created", {{"name", event_name_}}));
        event_id_ = saved->id;
        event_name_.clear();
        start_.clear();
        end_.clear();
        city_.clear();
        stale_ = true;
      }
    }
  }

  bool stale_ = true;
  std::optional<Error> error_;
  std::vector<Record> matches_, shown_, events_, participations_;
  std::string stage_ = std::string(kMatchmakingStages.front());
  std::string match_id_;
  int selected_ = -1;
  std::string reason_;
  std::optional<Error> refused_, new_refused_;
  EnterprisePicker cn_{"matchmaking.cn", "CN"}, pk_{"matchmaking.pk", "PK"};
  std::string cooperation_ = "trade";
  std::string event_id_;
  EnterprisePicker attendee_{"events.enterprise"};
  std::string status_ = "attended";
  std::optional<Error> participation_refused_;
  std::string kind_ = "training", event_name_, start_, end_, city_;
  std::optional<Error> event_refused_;
};

}  // namespace

std::unique_ptr<Screen> MakeMatchmakingScreen(App&) {
  return std::make_unique<MatchmakingScreen>();
}

}  // namespace dosti::desktop
