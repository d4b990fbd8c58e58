// The screens that the next steps of issue 11 fill in (services, follow-ups, matchmaking,
// reports, sync): each says what it will hold, so that navigation, screenshots and scripts work
// on every screen name already.
#include <string>

#include "app.h"
#include "screens.h"

namespace dosti::desktop {
namespace {

class PlannedScreen : public Screen {
 public:
  explicit PlannedScreen(ScreenId id) : name_(ScreenName(id)) {}

  void Draw(App& app) override {
    Ui& ui = app.ui();
    ui.Text(ui.T("desktop.nav." + name_));
    ui.Mark("screen." + name_);
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ui.TextDisabled(ui.T("desktop.planned." + name_));
    ImGui::PopTextWrapPos();
  }

 private:
  std::string name_;
};

}  // namespace

std::unique_ptr<Screen> MakePlannedScreen(App&, ScreenId id) {
  return std::make_unique<PlannedScreen>(id);
}

}  // namespace dosti::desktop
