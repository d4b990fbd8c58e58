// Screenshots: RGBA pixels to a PNG file (Debian's stb_image_write, from libstb), written
// atomically (dosti/file.h). Thread-safe.
#pragma once

#include <string>

#include "dosti/result.h"

namespace dosti::desktop {

// Writes `width` × `height` RGBA pixels, rows from the top (or from the bottom, as
// glReadPixels gives them, with `bottom_up`). kIo when the file cannot be written.
Result<void> WritePng(const std::string& path, const unsigned char* rgba, int width, int height,
                      bool bottom_up);

}  // namespace dosti::desktop
