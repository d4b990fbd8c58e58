#include "qr.h"

#include <cstdint>
#include <exception>
#include <qrcodegen.hpp>
#include <vector>

namespace dosti::desktop {

std::optional<QrModules> EncodeQr(std::string_view text) {
  std::vector<std::uint8_t> bytes(text.begin(), text.end());
  try {
    // qrcodegen reports a text too long for version 40 by throwing data_too_long.
    qrcodegen::QrCode code = qrcodegen::QrCode::encodeBinary(bytes, qrcodegen::QrCode::Ecc::MEDIUM);
    QrModules out;
    out.size = code.getSize();
    out.dark.resize(static_cast<std::size_t>(out.size * out.size));
    for (int y = 0; y < out.size; ++y) {
      for (int x = 0; x < out.size; ++x) {
        out.dark[static_cast<std::size_t>(y * out.size + x)] = code.getModule(x, y);
      }
    }
    return out;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void DrawQr(const QrModules& qr, float module_px, bool mirrored) {
  constexpr int kQuiet = 4;
  const float side = static_cast<float>(qr.size + 2 * kQuiet) * module_px;
  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* list = ImGui::GetWindowDrawList();
  list->AddRectFilled(origin, ImVec2(origin.x + side, origin.y + side), IM_COL32_WHITE);
  for (int y = 0; y < qr.size; ++y) {
    for (int x = 0; x < qr.size; ++x) {
      if (!qr.at(x, y)) continue;
      int column = mirrored ? qr.size - 1 - x : x;
      ImVec2 min(origin.x + static_cast<float>(column + kQuiet) * module_px,
                 origin.y + static_cast<float>(y + kQuiet) * module_px);
      list->AddRectFilled(min, ImVec2(min.x + module_px, min.y + module_px), IM_COL32_BLACK);
    }
  }
  ImGui::Dummy(ImVec2(side, side));
}

}  // namespace dosti::desktop
