// The relay protocol's shared pieces (sync/relay/README.md, "HTTP API v1"), used by the relay
// and by the client round (round.h) alike, so the two cannot drift apart: envelope frames, the
// sign-in message. Front ends never build relay requests themselves: they run a SyncRound.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dosti/sync/crypto.h"

namespace dosti::sync {

// What a device signs to sign in: "DH-relay-auth-v1" ‖ relay id (16) ‖ workspace (16) ‖
// nonce (32) ‖ u64 LE time_ms.
Bytes RelayAuthMessage(std::string_view relay_id, std::string_view workspace,
                       std::string_view nonce, int64_t time_ms);

// Envelopes travel as frames: u32 LE length, then that many bytes, repeated.
Bytes EncodeFrames(const std::vector<std::string_view>& items);
// The frames of `body` as views into it; nullopt unless the body is exactly whole frames of at
// most `max_frame` bytes each, and at most `max_frames` of them.
std::optional<std::vector<std::string_view>> DecodeFrames(std::string_view body,
                                                          std::size_t max_frame,
                                                          std::size_t max_frames);

}  // namespace dosti::sync
