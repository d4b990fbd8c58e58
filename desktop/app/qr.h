// A QR code drawn with ImGui rectangles (issue 11: invites shown as a QR code), encoded by
// Nayuki's QR Code generator (Debian's libqrcodegencpp-dev).
// Threading: the UI thread (drawing); QrModules is a pure function.
#pragma once

#include <imgui.h>

#include <optional>
#include <string_view>
#include <vector>

namespace dosti::desktop {

// The modules of the QR code of `text` (byte mode, error correction M, the smallest version
// that holds it): size × size, row by row, true for dark. nullopt when the text is too long
// for any QR code (2,331 bytes at level M, version 40).
struct QrModules {
  int size = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)]; }
};
std::optional<QrModules> EncodeQr(std::string_view text);

// Draws `qr` at the cursor, `module_px` pixels a module, with the four-module quiet zone of
// ISO/IEC 18004 around it, as one item. `mirrored`: drawn left for right, for a layout that
// will be mirrored as a whole (Ui: right to left), so that it comes out as encoded.
void DrawQr(const QrModules& qr, float module_px, bool mirrored);

}  // namespace dosti::desktop
