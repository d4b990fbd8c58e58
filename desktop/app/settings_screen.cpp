// Settings: the language (English, 中文, اردو) and the font size, kept per OS user
// (preferences.h) and applied between frames (the font atlas is rebuilt for them).
#include <string>

#include "app.h"
#include "dosti/catalog.h"
#include "screens.h"

namespace dosti::desktop {
namespace {

class SettingsScreen : public Screen {
 public:
  void Draw(App& app) override {
    Ui& ui = app.ui();
    ui.Text(ui.T("desktop.settings.language"));
    // Each language is named in itself, so that a reader finds their own whatever is shown.
    for (std::string_view lang : kLanguages) {
      std::string code(lang);
      ImGui::SameLine();
      bool selected = app.preferences().lang == code;
      if (ImGui::RadioButton(
              Ui::Id(ui.Show(Translate("desktop.settings.language_name", lang)), "lang." + code)
                  .c_str(),
              selected)) {
        app.SetLanguage(code);
      }
      ui.Mark("settings.lang." + code);
    }
    ImGui::Spacing();
    ui.Text(ui.T("desktop.settings.font_size"));
    ImGui::SameLine();
    if (ui.Button("desktop.settings.smaller", "settings.font.smaller")) {
      app.SetFontSize(app.preferences().font_size - 1);
    }
    ImGui::SameLine();
    ui.Text(ui.Show(std::to_string(static_cast<int>(app.preferences().font_size))));
    ui.Mark("settings.font.size");
    ImGui::SameLine();
    if (ui.Button("desktop.settings.larger", "settings.font.larger")) {
      app.SetFontSize(app.preferences().font_size + 1);
    }
    ImGui::Spacing();
    ImGui::Separator();
    // What this device is: the workspace, office, device and database (Info).
    const WorkspaceInfo& info = app.info();
    ui.Text(ui.T("desktop.settings.device",
                 {{"workspace", info.workspace_name},
                  {"office", info.office},
                  {"device", info.device_id},
                  {"user", info.user.empty() ? Translate("desktop.settings.no_user", ui.lang())
                                             : info.user}}));
    ui.Mark("settings.device");
    ImGui::Spacing();
    ui.TextDisabled(ui.T("desktop.settings.glyphs", {{"n", std::to_string(app.glyphs().size())}}));
  }
};

}  // namespace

std::unique_ptr<Screen> MakeSettingsScreen(App&) { return std::make_unique<SettingsScreen>(); }

}  // namespace dosti::desktop
