#include "app.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "dosti/catalog.h"

namespace dosti::desktop {

std::string_view ScreenName(ScreenId id) {
  switch (id) {
    case ScreenId::kEnterprises:
      return "enterprises";
    case ScreenId::kEnterprise:
      return "enterprise";
    case ScreenId::kServices:
      return "services";
    case ScreenId::kFollowUps:
      return "followups";
    case ScreenId::kMatchmaking:
      return "matchmaking";
    case ScreenId::kReports:
      return "reports";
    case ScreenId::kSync:
      return "sync";
    case ScreenId::kSettings:
      return "settings";
  }
  return "enterprises";
}

std::optional<ScreenId> ScreenByName(std::string_view name) {
  for (ScreenId id : kAllScreens) {
    if (ScreenName(id) == name) return id;
  }
  return std::nullopt;
}

bool Touches(const ChangeEvent& event, std::initializer_list<std::string_view> tables) {
  for (const ChangedRecords& t : event.tables) {
    for (std::string_view name : tables) {
      if (t.table == name) return true;
    }
  }
  return false;
}

std::string ScreenNames() {
  std::string out;
  for (ScreenId id : kAllScreens) {
    if (!out.empty()) out += ", ";
    out += ScreenName(id);
  }
  return out;
}

Result<std::unique_ptr<App>> App::Open(AppOptions options, std::shared_ptr<const FontFiles> fonts) {
  for (const ScriptStep& step : options.script) {
    if (step.kind == ScriptStep::Kind::kScreen && !ScreenByName(step.target)) {
      return MakeError(ErrorCode::kInvalid, "desktop.script.bad_screen",
                       {{"line", std::to_string(step.line)},
                        {"value", step.target},
                        {"screens", ScreenNames()}});
    }
  }
  std::unique_ptr<App> app(new App());
  App& a = *app;
  a.options_ = std::move(options);
  a.fonts_ = std::move(fonts);
  auto session = Session::Open(a.options_.db_path, a.options_.session);
  if (!session) return session.error();
  a.session_ = std::move(*session);
  auto info = a.session_->Info();
  if (!info) return info.error();
  if (!info->initialised) {
    return MakeError(ErrorCode::kNotInitialised, "desktop.no_workspace",
                     {{"path", a.options_.db_path}});
  }
  a.info_ = *info;
  auto worker = Worker::Start(a.options_.db_path, a.options_.worker_session);
  if (!worker) return worker.error();
  a.worker_ = std::move(*worker);

  a.prefs_ = LoadPreferences(a.options_.preferences_dir);
  if (!a.options_.lang.empty()) a.prefs_.lang = a.options_.lang;
  if (a.options_.font_size > 0) a.prefs_.font_size = a.options_.font_size;
  a.ui_.SetLanguage(a.prefs_.lang);

  // The first frame must have every glyph: the characters in use are read here, once, on this
  // thread; later changes are read by the Worker.
  auto in_use = a.session_->CharactersInUse();
  if (!in_use) return in_use.error();
  a.glyphs_ = AppGlyphs(*in_use);
  a.glyphs_.AddText(a.info_.workspace_name);
  a.glyphs_.AddText(a.info_.user);
  a.ui_.SetGlyphs(&a.glyphs_);

  a.session_->AddObserver([&a](const ChangeEvent& e) { a.pending_changes_.push_back(e); });
  for (ScreenId id : kAllScreens) {
    switch (id) {
      case ScreenId::kEnterprises:
        a.screens_.push_back(MakeEnterprisesScreen(a));
        break;
      case ScreenId::kEnterprise:
        a.screens_.push_back(MakeEnterpriseScreen(a));
        break;
      case ScreenId::kServices:
        a.screens_.push_back(MakeServicesScreen(a));
        break;
      case ScreenId::kFollowUps:
        a.screens_.push_back(MakeFollowUpsScreen(a));
        break;
      case ScreenId::kMatchmaking:
        a.screens_.push_back(MakeMatchmakingScreen(a));
        break;
      case ScreenId::kReports:
        a.screens_.push_back(MakeReportsScreen(a));
        break;
      case ScreenId::kSync:
        a.screens_.push_back(MakeSyncScreen(a));
        break;
      case ScreenId::kSettings:
        a.screens_.push_back(MakeSettingsScreen(a));
        break;
    }
  }
  a.enterprise_id_ = a.options_.enterprise;
  a.Go(a.options_.screen);
  if (!a.options_.script.empty()) {
    a.script_ = std::make_unique<ScriptPlayer>(std::move(a.options_.script));
  }
  a.RefreshProgress();

  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is the app's, not a file's
  ImGui::StyleColorsLight();
  ImGuiStyle& style = ImGui::GetStyle();
  style.FrameRounding = 3;
  style.WindowRounding = 0;
  style.ItemSpacing = ImVec2(8, 6);
  style.CellPadding = ImVec2(6, 3);
  return app;
}

App::~App() {
  // The Worker's jobs capture shared_ and the screens' own state, never the App: stop it first
  // all the same, so that nothing runs against a half-destroyed App. A screen's long job (a
  // sync round waiting to retry) is told to stop first, so that closing does not wait for it.
  for (auto& s : screens_) s->OnClose();
  worker_.reset();
}

void App::Go(ScreenId screen) {
  current_ = screen;
  if (screen == ScreenId::kEnterprise && enterprise_id_.empty()) {
    // The enterprise screen with none chosen shows the first in the list's order.
    EnterpriseQuery first;
    first.limit = 1;
    if (auto page = session_->QueryEnterprises(first); page && !page->rows.empty()) {
      enterprise_id_ = page->rows.front().id;
    }
  }
}

void App::OpenEnterprise(const std::string& id) {
  enterprise_id_ = id;
  Go(ScreenId::kEnterprise);
}

void App::SetLanguage(const std::string& lang) {
  if (!IsLanguage(lang) || lang == prefs_.lang) return;
  prefs_.lang = lang;
  ui_.SetLanguage(lang);
  for (auto& s : screens_) s->OnLanguage(*this);
  RefreshProgress();
  if (auto saved = SavePreferences(options_.preferences_dir, prefs_); !saved) {
    Notify(ui_.ShowError(saved.error()), true);
  }
}

void App::SetFontSize(float size) {
  size = std::clamp(size, kMinFontSize, kMaxFontSize);
  if (size == prefs_.font_size) return;
  prefs_.font_size = size;
  if (auto saved = SavePreferences(options_.preferences_dir, prefs_); !saved) {
    Notify(ui_.ShowError(saved.error()), true);
  }
}

void App::Notify(std::string drawn, bool error) {
  status_ = std::move(drawn);
  status_error_ = error;
}

void App::Dispatch(const ChangeEvent& event) {
  for (auto& s : screens_) s->OnChange(*this, event);
  RefreshInUse();
  for (const ChangedRecords& t : event.tables) {
    if (t.table == "enterprise" || t.table == "enrollment" || t.table == "enrollment_stage") {
      RefreshProgress();
      break;
    }
  }
}

void App::RefreshInUse() { in_use_read_.MarkStale(); }

void App::RefreshProgress() { progress_read_.MarkStale(); }

bool App::PrepareFrame() {
  std::vector<ChangeEvent> changes = worker_->TakeChanges();
  for (ChangeEvent& e : pending_changes_) changes.push_back(std::move(e));
  pending_changes_.clear();
  for (const ChangeEvent& e : changes) Dispatch(e);

  auto in_use = in_use_read_.Poll(*worker_, [](Session& s) {
    auto chars = s.CharactersInUse();
    return chars ? std::move(*chars) : std::u32string();
  });
  if (in_use) {
    GlyphSet more;
    more.AddAll(*in_use);
    if (glyphs_.Merge(more)) atlas_dirty_ = true;
  }
  auto progress = progress_read_.Poll(*worker_, [](Session& s) {
    auto report = s.ReportProgress();
    Progress p;
    if (report) {
      for (const CountryProgress& c : report->countries) {
        (c.country == "CN" ? p.cn : p.pk) = c.selected;
        (c.country == "CN" ? p.cn_target : p.pk_target) = c.target;
      }
    }
    return p;
  });
  if (progress) {
    progress_line_ =
        ui_.T("desktop.progress_line", {{"cn", std::to_string(progress->cn)},
                                        {"cn_target", std::to_string(progress->cn_target)},
                                        {"pk", std::to_string(progress->pk)},
                                        {"pk_target", std::to_string(progress->pk_target)}});
  }
  if (std::string typed = ui_.TakeNeeded(); !typed.empty()) {
    GlyphSet more;
    more.AddText(typed);
    if (glyphs_.Merge(more)) atlas_dirty_ = true;
  }
  if (atlas_lang_ != prefs_.lang || atlas_size_ != prefs_.font_size) atlas_dirty_ = true;
  if (!atlas_dirty_) return false;

  ImGuiIO& io = ImGui::GetIO();
  auto built = BuildAtlas(*io.Fonts, *fonts_, glyphs_, prefs_.font_size, ui_.rtl());
  io.FontDefault = nullptr;
  atlas_dirty_ = false;
  atlas_lang_ = prefs_.lang;
  atlas_size_ = prefs_.font_size;
  if (!built) Notify(ui_.ShowError(built.error()), true);
  return true;
}

void App::BeginFrame(ImGuiIO& io) {
  ui_.BeginFrame(io);
  if (!script_) return;
  ScriptRequest request = script_->Inject(io, ui_.targets());
  if (!request.screen.empty()) {
    if (auto id = ScreenByName(request.screen)) Go(*id);
  }
  if (!request.screenshot.empty()) screenshot_request_ = request.screenshot;
}

void App::DrawNavigation() {
  for (ScreenId id : kAllScreens) {
    if (id == ScreenId::kEnterprise && enterprise_id_.empty()) continue;
    std::string name(ScreenName(id));
    std::string key = "desktop.nav." + name;
    bool selected = current_ == id;
    if (ImGui::Selectable(Ui::Id(ui_.T(key), name).c_str(), selected)) Go(id);
    ui_.Mark("nav." + name);
  }
}

void App::DrawStatus() {
  ImGui::Separator();
  if (!status_.empty()) {
    if (status_error_) {
      ui_.TextError(status_);
    } else {
      ui_.Text(status_);
    }
    ui_.Mark("status");
  } else {
    ui_.Text(ui_.T("desktop.status.ready"));
  }
}

void App::Frame() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  ImGui::Begin("##dosti", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  // The header: the workspace, this office, and progress to 100 always in sight.
  ui_.Text(
      ui_.T("desktop.header", {{"workspace", info_.workspace_name}, {"office", info_.office}}));
  if (!progress_line_.empty()) {
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    ui_.Text(progress_line_);
    ui_.Mark("progress");
  }
  ImGui::Separator();

  const float status_height = ImGui::GetFrameHeightWithSpacing() + ImGui::GetStyle().ItemSpacing.y;
  float nav_width = 0;
  for (ScreenId id : kAllScreens) {
    nav_width = std::max(
        nav_width,
        ImGui::CalcTextSize(ui_.T("desktop.nav." + std::string(ScreenName(id))).c_str()).x);
  }
  nav_width += ImGui::GetStyle().WindowPadding.x * 2 + ImGui::GetFontSize();
  ImGui::BeginChild("##nav", ImVec2(nav_width, -status_height), true);
  DrawNavigation();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##screen", ImVec2(0, -status_height), false);
  screens_[static_cast<std::size_t>(current_)]->Draw(*this);
  ImGui::EndChild();
  DrawStatus();
  ImGui::End();
  ++frame_;
}

void App::EndFrame(ImDrawData* data) { ui_.Mirror(data); }

std::string App::TakeScreenshotRequest() { return std::exchange(screenshot_request_, {}); }

bool App::script_done() const { return !script_ || script_->done(); }

const std::optional<Error>& App::script_failure() const {
  static const std::optional<Error> kNone;
  return script_ ? script_->failure() : kNone;
}

}  // namespace dosti::desktop
