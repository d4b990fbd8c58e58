// Storage slots in memory for tests of FilePool (dosti/vfs.h) and what sits on it.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "dosti/vfs.h"

namespace dosti::testing {

// Slots in memory. `now` is what reads see; `durable` what a flush made durable. Crash()
// throws away everything not flushed, as a power cut (or a killed browser whose writes the
// operating system had not taken yet) would.
class LossySlots final : public SlotStorage {
 public:
  explicit LossySlots(int count) : now(count), durable(count) {}
  int Count() const override { return static_cast<int>(now.size()); }
  int64_t Read(int slot, char* out, int64_t n, int64_t offset) override {
    const std::string& s = now[slot];
    if (offset >= static_cast<int64_t>(s.size())) return 0;
    int64_t got = std::min<int64_t>(n, static_cast<int64_t>(s.size()) - offset);
    std::memcpy(out, s.data() + offset, static_cast<size_t>(got));
    return got;
  }
  bool Write(int slot, const char* data, int64_t n, int64_t offset) override {
    if (fail_writes) return false;
    std::string& s = now[slot];
    if (static_cast<int64_t>(s.size()) < offset + n) s.resize(static_cast<size_t>(offset + n));
    std::memcpy(s.data() + offset, data, static_cast<size_t>(n));
    ++writes;
    return true;
  }
  bool Truncate(int slot, int64_t size) override {
    now[slot].resize(static_cast<size_t>(size));
    return true;
  }
  int64_t Size(int slot) override { return static_cast<int64_t>(now[slot].size()); }
  bool Flush(int slot) override {
    durable[slot] = now[slot];
    ++flushes;
    return true;
  }
  void Crash() { now = durable; }

  std::vector<std::string> now, durable;
  int writes = 0, flushes = 0;
  bool fail_writes = false;
};

}  // namespace dosti::testing
