#include "png.h"

#include <stb_image_write.h>

#include <cstring>
#include <string>
#include <vector>

#include "dosti/catalog.h"
#include "dosti/file.h"

namespace dosti::desktop {

Result<void> WritePng(const std::string& path, const unsigned char* rgba, int width, int height,
                      bool bottom_up) {
  const std::size_t stride = static_cast<std::size_t>(width) * 4;
  std::vector<unsigned char> rows(stride * static_cast<std::size_t>(height));
  for (int y = 0; y < height; ++y) {
    int from = bottom_up ? height - 1 - y : y;
    std::memcpy(&rows[stride * y], rgba + stride * from, stride);
  }
  std::string png;
  auto append = [](void* context, void* data, int size) {
    static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                               static_cast<std::size_t>(size));
  };
  if (stbi_write_png_to_func(append, &png, width, height, 4, rows.data(),
                             static_cast<int>(stride)) == 0) {
    return MakeError(ErrorCode::kIo, "desktop.screenshot.failed", {{"path", path}});
  }
  auto written = WriteFileAtomic(path, png);
  return written;
}

}  // namespace dosti::desktop
