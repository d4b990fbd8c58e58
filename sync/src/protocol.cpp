#include "dosti/sync/protocol.h"

#include "dosti/sync/wire.h"

namespace dosti::sync {

Bytes RelayAuthMessage(std::string_view relay_id, std::string_view workspace,
                       std::string_view nonce, int64_t time_ms) {
  Writer w;
  w.Raw("DH-relay-auth-v1").Raw(relay_id).Raw(workspace).Raw(nonce).I64(time_ms);
  return w.Take();
}

Bytes EncodeFrames(const std::vector<std::string_view>& items) {
  Writer w;
  std::size_t total = 0;
  for (std::string_view b : items) total += 4 + b.size();
  w.bytes().reserve(total);
  for (std::string_view b : items) w.Sized(b);
  return w.Take();
}

std::optional<std::vector<std::string_view>> DecodeFrames(std::string_view body,
                                                          std::size_t max_frame,
                                                          std::size_t max_frames) {
  std::vector<std::string_view> out;
  Reader r(body);
  while (r.remaining() > 0) {
    if (out.size() >= max_frames) return std::nullopt;
    std::string_view b = r.Sized(max_frame);
    if (!r.ok()) return std::nullopt;
    out.push_back(b);
  }
  return out;
}

}  // namespace dosti::sync
