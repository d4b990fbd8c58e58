// The screens' toolkit over Dear ImGui: text in the reader's language and script, widgets that
// scripts can find, and the right-to-left layout of Urdu.
// Threading: the UI thread only, like ImGui itself. One Ui per ImGui context.
//
// [SECTION] Text
// ImGui draws the code points it is given, left to right. Every text a screen hands to ImGui
// therefore goes through the Ui first: T() for the catalog's sentences, L() for a code's label,
// Show() for anything else (names, numbers, dates). They return the text as ImGui must draw
// it: Arabic letters joined, lines reordered (bidi.h) and, in a right-to-left layout, reversed.
// Never pass a format string to ImGui (Text, SetTooltip): use Ui::Text, ImGui::TextUnformatted.
//
// [SECTION] Right to left
// An Urdu screen is the same layout mirrored, left for right, so that screens are written once.
// After ImGui::Render, Mirror() maps every vertex's x to W − x (and every clip rectangle), the
// glyphs of the atlas are baked mirrored (fonts.h) so that they come out upright, and each text
// is given in reverse display order so that it reads from the right. The mouse is mirrored the
// other way before ImGui sees it (MapMouse). Text fields are the exception: ImGui edits their
// text in typing order, so Input() draws a field with the upright font (Fonts[1]) and Mirror()
// moves it to its mirrored place instead of mirroring it; a field's text shows joined and right
// to left once the field is left (while it is edited it shows in typing order).
//
// [SECTION] Targets
// Mark(name) names the last widget for scripts (script.h): where it was drawn this frame, in
// ImGui's coordinates. Names are stable words ("nav.enterprises", "new.save").
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bidi.h"
#include "dosti/result.h"
#include "fonts.h"

namespace dosti::desktop {

struct Rect {
  ImVec2 min, max;
  bool Contains(ImVec2 p) const {
    return p.x >= min.x && p.x < max.x && p.y >= min.y && p.y < max.y;
  }
  ImVec2 Center() const { return ImVec2((min.x + max.x) * 0.5f, (min.y + max.y) * 0.5f); }
};
using Targets = std::unordered_map<std::string, Rect>;

// An instant (UTC milliseconds) as this computer's local date and time, "2024-06-15 12:00":
// the office PC's clock is set to its office's zone.
std::string LocalTime(int64_t ms);
// The label of a field of a record in `lang`, logical order (for files: a CSV's header):
// label.field.<name>, else cli.field.<name>, else desktop.field.<name>, else the name itself.
// *own_word: it came from a cli.* or desktop.* entry.
std::string FieldText(std::string_view name, std::string_view lang, bool* own_word = nullptr);
// Items laid out in a row that wraps: before an item `width` pixels wide, stays on the line
// of the item before (unless `first`) when it ends before `right` (screen x).
void FlowItem(float width, float right, bool first);
// A size in bytes for people: "812 B", "3.4 KiB", "1.2 MiB".
std::string ByteSize(uint64_t bytes);

class Ui {
 public:
  Ui();

  // [SECTION] Language
  // en, zh or ur (catalog.h kLanguages); anything else is taken as en.
  void SetLanguage(std::string_view lang);
  const std::string& lang() const { return lang_; }
  bool rtl() const { return rtl_; }

  // [SECTION] Text, as ImGui must draw it
  std::string T(std::string_view key, const Args& args = {});
  std::string L(std::string_view kind, std::string_view code);
  std::string Show(std::string_view text);
  // An error in the reader's language (its details on lines of their own).
  std::string ShowError(const Error& error);
  // The label of a field of a record, drawn form (FieldText).
  std::string Field(std::string_view name);
  // `drawn` with an ImGui id that does not depend on the language: "drawn##id".
  static std::string Id(std::string_view drawn, std::string_view id);

  // [SECTION] Widgets
  // A text (already drawn form) without formatting.
  void Text(std::string_view drawn);
  void TextDisabled(std::string_view drawn);
  // An error (refuses a save) and a warning (saved, flagged), wrapped to the region's width.
  void TextError(std::string_view drawn);
  void TextWarning(std::string_view drawn);
  // A button labelled with the catalog's `key`, marked as `target`; true when clicked.
  bool Button(std::string_view key, std::string_view target);
  // A one-line text field marked as `target`, holding `value` in logical order; `hint_key` is
  // a catalog key shown while it is empty. True when the text changed this frame. Its
  // characters join the atlas between frames when they are new (NeedGlyphs).
  bool Input(std::string_view target, std::string& value, std::string_view hint_key = {},
             ImGuiInputTextFlags flags = 0);
  // A combo box marked `target` whose items are (code, drawn label) pairs, each item marked
  // "<target>.<code>"; true when `code` changed.
  bool Combo(std::string_view target, std::string& code,
             const std::vector<std::pair<std::string, std::string>>& items, float width = 0);
  // A checkbox labelled `drawn` (already drawn form), marked `target`; true when clicked (and
  // *value toggled). In a right-to-left layout its check mark is drawn mirrored so that the
  // mirrored frame shows it the usual way round.
  bool Checkbox(std::string_view drawn, std::string_view target, bool* value);
  // Names the last item for scripts.
  void Mark(std::string_view target);

  // [SECTION] Frames
  // Before ImGui::NewFrame: the mouse in ImGui's coordinates (mirrored for a right-to-left
  // layout); targets and fields of the last frame become "previous".
  void BeginFrame(ImGuiIO& io);
  // After ImGui::Render: mirrors the draw data of a right-to-left layout.
  void Mirror(ImDrawData* data);
  // Where the marked widgets were in the last complete frame.
  const Targets& targets() const { return previous_targets_; }

  // [SECTION] Glyphs
  // The characters the atlas was built for (App keeps it current).
  void SetGlyphs(const GlyphSet* glyphs) { glyphs_ = glyphs; }
  // Text typed this frame that holds characters the atlas lacks (cleared by TakeNeeded).
  std::string TakeNeeded();

 private:
  struct MovedField {
    ImDrawList* list;
    int vtx_begin, vtx_end;
    Rect rect;  // in ImGui's coordinates
  };
  std::string Drawn(std::string_view text, Direction direction);

  std::string lang_ = "en";
  bool rtl_ = false;
  float width_ = 0;                                     // the display's width, for mirroring
  std::unordered_map<std::string, std::string> shown_;  // text → drawn form
  std::unordered_map<std::string, std::string> keyed_;  // catalog key → drawn form (no args)
  Targets targets_, previous_targets_;
  std::vector<MovedField> fields_, previous_fields_;
  int grabbed_field_ = -1;  // the field a mouse press began in, until it is released
  const GlyphSet* glyphs_ = nullptr;
  std::string needed_;
};

}  // namespace dosti::desktop
