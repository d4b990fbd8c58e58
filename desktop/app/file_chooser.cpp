#include "file_chooser.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

#include "app.h"

namespace dosti::desktop {
namespace {

namespace fs = std::filesystem;

// The folder a path names or sits in: the path itself when it is a folder, else its parent.
std::string FolderOf(const std::string& path) {
  std::error_code ec;
  if (path.empty()) return {};
  if (fs::is_directory(path, ec)) return path;
  return fs::path(path).parent_path().string();
}

}  // namespace

std::string HomeFolder() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
  std::error_code ec;
  return fs::current_path(ec).string();
}

void FileChooser::Suggest(const std::string& folder, const std::string& name) {
  if (!path_.empty()) return;
  path_ = (fs::path(folder) / name).string();
}

void FileChooser::List(const std::string& folder) {
  listed_ = folder;
  entries_.clear();
  unreadable_ = false;
  std::error_code ec;
  fs::directory_iterator it(folder.empty() ? "." : folder, ec);
  if (ec) {
    unreadable_ = true;
    return;
  }
  // A folder of thousands shows its first few hundred: the chooser is for a USB stick or
  // Downloads, not a file manager.
  constexpr std::size_t kMaxEntries = 500;
  for (; it != fs::directory_iterator() && entries_.size() < kMaxEntries; it.increment(ec)) {
    if (ec) break;
    std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // hidden files
    std::error_code kind;
    entries_.push_back(Entry{name, it->is_directory(kind)});
  }
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.folder != b.folder ? a.folder : a.name < b.name;
  });
}

bool FileChooser::Draw(App& app, int rows) {
  Ui& ui = app.ui();
  ImGui::SetNextItemWidth(-1);
  bool changed = ui.Input(target_ + ".path", path_, "desktop.file.path_hint");
  std::string folder = FolderOf(path_);
  if (folder != listed_ || !listed_once_) {
    listed_once_ = true;
    List(folder);
  }
  const float height = ImGui::GetTextLineHeightWithSpacing() * static_cast<float>(rows + 1);
  ImGui::BeginChild(("##" + target_ + ".entries").c_str(), ImVec2(0, height), true);
  if (unreadable_) ui.TextDisabled(ui.T("desktop.file.unreadable", {{"folder", listed_}}));
  fs::path base = fs::path(listed_).lexically_normal();
  if (base.filename().empty() && base.has_parent_path()) base = base.parent_path();  // "dir/"
  if (base.has_parent_path() && base.parent_path() != base) {
    if (ImGui::Selectable(Ui::Id(ui.Show(".."), "up").c_str())) {
      path_ = base.parent_path().string();
      changed = true;
    }
    ui.Mark(target_ + ".up");
  }
  std::string chosen;
  bool chosen_folder = false;
  for (const Entry& e : entries_) {
    std::string shown = ui.Show(e.folder ? e.name + "/" : e.name);
    bool selected = !e.folder && fs::path(path_).filename() == e.name;
    if (ImGui::Selectable(Ui::Id(shown, e.name).c_str(), selected)) {
      chosen = e.name;
      chosen_folder = e.folder;
    }
    ui.Mark(target_ + ".entry." + e.name);
  }
  ImGui::EndChild();
  if (!chosen.empty()) {
    // A folder opens (the file name typed so far is kept); a file is chosen.
    fs::path next = base / chosen;
    if (chosen_folder) {
      std::string file = fs::is_directory(path_) ? "" : fs::path(path_).filename().string();
      path_ = (next / file).string();
    } else {
      path_ = next.string();
    }
    changed = true;
  }
  return changed;
}

}  // namespace dosti::desktop
