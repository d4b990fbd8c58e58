#include "ui.h"

#include <imgui_internal.h>

#include <algorithm>
#include <cfloat>
#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dosti/catalog.h"

namespace dosti::desktop {
namespace {

// Caches of drawn text grow with what was shown; past this many entries they start again.
constexpr std::size_t kMaxCached = 50000;

}  // namespace

std::string LocalTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%d %H:%M", &tm);
  return out;
}

void FlowItem(float width, float right, bool first) {
  if (first) return;
  const float after = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x;
  if (after + width < right) ImGui::SameLine();
}

std::string ByteSize(uint64_t bytes) {
  char out[32];
  if (bytes < 1024) {
    std::snprintf(out, sizeof out, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < (1u << 20)) {
    std::snprintf(out, sizeof out, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(out, sizeof out, "%.1f MiB", static_cast<double>(bytes) / 1048576);
  }
  return out;
}

Ui::Ui() = default;

void Ui::SetLanguage(std::string_view lang) {
  std::string next = IsLanguage(lang) ? std::string(lang) : std::string("en");
  if (next == lang_) return;
  lang_ = std::move(next);
  rtl_ = lang_ == "ur";
  shown_.clear();
  keyed_.clear();
}

std::string Ui::Drawn(std::string_view text, Direction direction) {
  std::string visual = VisualOrder(text, direction);
  return rtl_ ? ReverseCodePoints(visual) : visual;
}

std::string Ui::Show(std::string_view text) {
  // Left to right, text that needs no bidi is drawn as it is: most names and every number.
  if (!rtl_ && !NeedsBidi(text)) return std::string(text);
  std::string key(text);
  if (auto it = shown_.find(key); it != shown_.end()) return it->second;
  if (shown_.size() >= kMaxCached) shown_.clear();
  std::string drawn = Drawn(text, rtl_ ? Direction::kAutoRtl : Direction::kAutoLtr);
  shown_.emplace(std::move(key), drawn);
  return drawn;
}

std::string Ui::T(std::string_view key, const Args& args) {
  if (args.empty()) {
    std::string k(key);
    if (auto it = keyed_.find(k); it != keyed_.end()) return it->second;
    std::string drawn = Drawn(Translate(key, lang_), rtl_ ? Direction::kRtl : Direction::kAutoLtr);
    keyed_.emplace(std::move(k), drawn);
    return drawn;
  }
  return Drawn(Translate(key, lang_, args), rtl_ ? Direction::kRtl : Direction::kAutoLtr);
}

std::string Ui::L(std::string_view kind, std::string_view code) {
  if (code.empty()) return {};
  return Show(Label(kind, code, lang_));
}

std::string Ui::ShowError(const Error& error) {
  return Drawn(Translate(error, lang_), rtl_ ? Direction::kRtl : Direction::kAutoLtr);
}

std::string FieldText(std::string_view name, std::string_view lang, bool* own_word) {
  // The domain's field labels first; then the command line's column names (the same words,
  // kept once in the catalog); then the few only this app shows.
  if (own_word != nullptr) *own_word = false;
  std::string_view label = Label("field", name, lang);
  if (label != name) return std::string(label);
  for (std::string_view prefix : {"cli.field.", "desktop.field."}) {
    std::string key = std::string(prefix) + std::string(name);
    if (HasKey(key)) {
      if (own_word != nullptr) *own_word = true;
      return Translate(key, lang);
    }
  }
  return std::string(name);
}

std::string Ui::Field(std::string_view name) {
  bool own_word = false;
  std::string text = FieldText(name, lang_, &own_word);
  if (!own_word) return Show(text);
  return Drawn(text, rtl_ ? Direction::kRtl : Direction::kAutoLtr);
}

std::string Ui::Id(std::string_view drawn, std::string_view id) {
  std::string out(drawn);
  out += "##";
  out += id;
  return out;
}

void Ui::Text(std::string_view drawn) {
  ImGui::TextUnformatted(drawn.data(), drawn.data() + drawn.size());
}

void Ui::TextDisabled(std::string_view drawn) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
  Text(drawn);
  ImGui::PopStyleColor();
}

namespace {

void ColouredText(std::string_view drawn, const ImVec4& colour) {
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(drawn.data(), drawn.data() + drawn.size());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

}  // namespace

void Ui::TextError(std::string_view drawn) { ColouredText(drawn, ImVec4(0.72f, 0.10f, 0.10f, 1)); }

void Ui::TextWarning(std::string_view drawn) { ColouredText(drawn, ImVec4(0.62f, 0.42f, 0.0f, 1)); }

bool Ui::Button(std::string_view key, std::string_view target) {
  bool clicked = ImGui::Button(Id(T(key), target).c_str());
  Mark(target);
  return clicked;
}

void Ui::Mark(std::string_view target) {
  targets_[std::string(target)] = Rect{ImGui::GetItemRectMin(), ImGui::GetItemRectMax()};
}

bool Ui::Input(std::string_view target, std::string& value, std::string_view hint_key,
               ImGuiInputTextFlags flags) {
  ImGuiIO& io = ImGui::GetIO();
  ImDrawList* list = ImGui::GetWindowDrawList();
  const int vtx_begin = list->VtxBuffer.Size;
  // Right to left, the field is moved, not mirrored (see ui.h): it draws with upright glyphs.
  const bool upright_font = rtl_ && io.Fonts->Fonts.Size > 1;
  if (upright_font) ImGui::PushFont(io.Fonts->Fonts[1]);
  const ImGuiID id = ImGui::GetID(Id("", target).c_str());
  const bool editing = ImGui::GetActiveID() == id;
  // A field that is not being edited shows its text joined and in display order, drawn over
  // ImGui's own (which shows typing order) after that is made transparent.
  // (Never over a password field: the overlay would show what the dots hide.)
  const bool overlay = !editing && !value.empty() && (rtl_ || NeedsBidi(value)) &&
                       (flags & ImGuiInputTextFlags_Password) == 0;
  if (overlay) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0, 0, 0, 0));
  // ImGui's callback-free std::string editing: a buffer with room to grow, copied back.
  std::vector<char> buffer(value.begin(), value.end());
  buffer.resize(value.size() + 1024, '\0');
  bool changed = ImGui::InputText(Id("", target).c_str(), buffer.data(), buffer.size(), flags);
  if (overlay) ImGui::PopStyleColor();
  if (changed) value.assign(buffer.data());
  Mark(target);
  // The text in display order (or the hint while the field is empty and not being edited),
  // drawn upright and unmirrored like the field: aligned to the side its direction starts.
  std::string shown;
  ImU32 colour = ImGui::GetColorU32(ImGuiCol_Text);
  Direction direction = rtl_ ? Direction::kAutoRtl : Direction::kAutoLtr;
  if (overlay) {
    shown = value;
  } else if (!editing && value.empty() && !hint_key.empty()) {
    shown = Translate(hint_key, lang_);
    colour = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    direction = rtl_ ? Direction::kRtl : Direction::kAutoLtr;
  }
  if (!shown.empty()) {
    const ImGuiStyle& style = ImGui::GetStyle();
    ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    std::string visual = VisualOrder(shown, direction);
    float width = ImGui::CalcTextSize(visual.c_str()).x;
    float x = IsRightToLeft(shown, direction)
                  ? std::max(min.x + style.FramePadding.x, max.x - style.FramePadding.x - width)
                  : min.x + style.FramePadding.x;
    ImVec4 clip(min.x, min.y, max.x, max.y);
    list->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(x, min.y + style.FramePadding.y),
                  colour, visual.c_str(), nullptr, 0.0f, &clip);
  }
  if (upright_font) ImGui::PopFont();
  if (rtl_) {
    fields_.push_back(MovedField{list, vtx_begin, list->VtxBuffer.Size,
                                 Rect{ImGui::GetItemRectMin(), ImGui::GetItemRectMax()}});
  }
  if (changed && glyphs_ != nullptr && glyphs_->Lacks(value)) needed_ += value;
  return changed;
}

bool Ui::Combo(std::string_view target, std::string& code,
               const std::vector<std::pair<std::string, std::string>>& items, float width) {
  std::string preview;
  for (const auto& [c, drawn] : items) {
    if (c == code) preview = drawn;
  }
  if (width > 0) ImGui::SetNextItemWidth(width);
  bool changed = false;
  bool open = ImGui::BeginCombo(Id("", target).c_str(), preview.c_str());
  Mark(target);
  if (open) {
    for (const auto& [c, drawn] : items) {
      bool selected = c == code;
      if (ImGui::Selectable(Id(drawn, c).c_str(), selected)) {
        changed = c != code;
        code = c;
      }
      if (selected) ImGui::SetItemDefaultFocus();
      Mark(std::string(target) + "." + c);
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool Ui::Checkbox(std::string_view drawn, std::string_view target, bool* value) {
  const std::string label = Id(drawn, target);
  if (!rtl_) {
    const bool clicked = ImGui::Checkbox(label.c_str(), value);
    Mark(target);
    return clicked;
  }
  // ImGui draws its check mark as a path that the mirrored frame would turn round: the box
  // and label are ImGui's (drawn unticked), the mark is ours, mirrored within the box. Its
  // geometry is ImGui 1.86's RenderCheckMark (imgui_draw.cpp) with the padding Checkbox gives
  // it (imgui_widgets.cpp), x reflected across the box.
  bool shown = false;
  const bool clicked = ImGui::Checkbox(label.c_str(), &shown);
  if (clicked) *value = !*value;
  Mark(target);
  if (*value) {
    const float square = ImGui::GetFrameHeight();
    const ImVec2 box = ImGui::GetItemRectMin();
    const float pad = std::max(1.0f, static_cast<float>(static_cast<int>(square / 6.0f)));
    float sz = square - pad * 2.0f;
    const float thickness = std::max(sz / 5.0f, 1.0f);
    sz -= thickness * 0.5f;
    const ImVec2 pos(box.x + pad + thickness * 0.25f, box.y + pad + thickness * 0.25f);
    const float third = sz / 3.0f;
    const float bx = pos.x + third, by = pos.y + sz - third * 0.5f;
    auto flip = [&](float x) { return box.x + box.x + square - x; };
    ImDrawList* list = ImGui::GetWindowDrawList();
    list->PathLineTo(ImVec2(flip(bx - third), by - third));
    list->PathLineTo(ImVec2(flip(bx), by));
    list->PathLineTo(ImVec2(flip(bx + third * 2.0f), by - third * 2.0f));
    list->PathStroke(ImGui::GetColorU32(ImGuiCol_CheckMark), 0, thickness);
  }
  return clicked;
}

void Ui::BeginFrame(ImGuiIO& io) {
  previous_targets_ = std::move(targets_);
  targets_.clear();
  previous_fields_ = std::move(fields_);
  fields_.clear();
  width_ = io.DisplaySize.x;
  if (!rtl_) return;
  // The mouse, from the screen into the mirrored layout: a field that was moved (not mirrored)
  // is moved back; a press that began in a field keeps to it until released (a drag selects
  // text there).
  io.MouseWheelH = -io.MouseWheelH;
  if (io.MousePos.x == -FLT_MAX) return;
  const float w = width_;
  auto shift = [w](const Rect& r) { return w - r.min.x - r.max.x; };
  int over = -1;
  if (grabbed_field_ >= 0 && grabbed_field_ < static_cast<int>(previous_fields_.size()) &&
      io.MouseDown[0]) {
    over = grabbed_field_;
  } else {
    for (std::size_t i = 0; i < previous_fields_.size(); ++i) {
      const Rect& r = previous_fields_[i].rect;
      Rect on_screen{ImVec2(w - r.max.x, r.min.y), ImVec2(w - r.min.x, r.max.y)};
      if (on_screen.Contains(io.MousePos)) over = static_cast<int>(i);
    }
  }
  grabbed_field_ = io.MouseDown[0] ? over : -1;
  if (over >= 0) {
    io.MousePos.x -= shift(previous_fields_[over].rect);
  } else {
    io.MousePos.x = w - io.MousePos.x;
  }
}

void Ui::Mirror(ImDrawData* data) {
  if (!rtl_ || data == nullptr) return;
  const float w = data->DisplayPos.x * 2 + data->DisplaySize.x;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    ImDrawList* list = data->CmdLists[n];
    // The moved fields of this list, by first vertex.
    std::vector<const MovedField*> moved;
    for (const MovedField& f : fields_) {
      if (f.list == list) moved.push_back(&f);
    }
    std::sort(moved.begin(), moved.end(),
              [](const MovedField* a, const MovedField* b) { return a->vtx_begin < b->vtx_begin; });
    int v = 0;
    const int end = list->VtxBuffer.Size;
    auto mirror_to = [&](int stop) {
      for (; v < stop; ++v) list->VtxBuffer[v].pos.x = w - list->VtxBuffer[v].pos.x;
    };
    for (const MovedField* f : moved) {
      mirror_to(std::min(f->vtx_begin, end));
      const float shift = w - f->rect.min.x - f->rect.max.x;
      for (; v < std::min(f->vtx_end, end); ++v) list->VtxBuffer[v].pos.x += shift;
    }
    mirror_to(end);
    for (ImDrawCmd& cmd : list->CmdBuffer) {
      float x1 = cmd.ClipRect.x, x2 = cmd.ClipRect.z;
      cmd.ClipRect.x = w - x2;
      cmd.ClipRect.z = w - x1;
    }
  }
}

std::string Ui::TakeNeeded() { return std::exchange(needed_, std::string()); }

}  // namespace dosti::desktop
