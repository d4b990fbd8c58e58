// Choosing a file without a platform dialog (issue 11: bundles and CSV through a file chooser;
// no GTK): a path field with the folder's entries listed under it. A click on a folder opens it,
// on a file puts its name in the field; the field may also be typed into. Listing a folder is a
// directory read of the local disk, done when the folder changes, not every frame.
// Threading: the UI thread.
#pragma once

#include <string>
#include <vector>

namespace dosti::desktop {

class App;

class FileChooser {
 public:
  // `target`: the scripts' name of its field ("<target>.path"), its entries
  // ("<target>.entry.<name>") and of its parent-folder row ("<target>.up").
  explicit FileChooser(std::string target) : target_(std::move(target)) {}
  // Starts in `folder`, with `name` in the field (a file to write, suggested), if no path was
  // chosen yet.
  void Suggest(const std::string& folder, const std::string& name);
  // Draws the field and up to `rows` entries of its folder. True when the path changed.
  bool Draw(App& app, int rows = 6);
  const std::string& path() const { return path_; }

 private:
  void List(const std::string& folder);

  std::string target_;
  std::string path_;
  std::string listed_;  // the folder whose entries are below
  struct Entry {
    std::string name;
    bool folder = false;
  };
  std::vector<Entry> entries_;
  bool unreadable_ = false;
  bool listed_once_ = false;
};

// The folder a chooser starts in: $HOME, else the working folder.
std::string HomeFolder();

}  // namespace dosti::desktop
