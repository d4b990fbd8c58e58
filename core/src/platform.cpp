#include "dosti/platform.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>

namespace dosti {
namespace {

class SystemClockImpl : public Clock {
 public:
  int64_t NowMs() override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

class SystemRandomImpl : public Random {
 public:
  void Fill(uint8_t* out, std::size_t n) override {
    // getentropy: the kernel's CSPRNG natively, crypto.getRandomValues under emscripten.
    // It serves at most 256 bytes per call.
    while (n > 0) {
      std::size_t chunk = n < 256 ? n : 256;
      if (getentropy(out, chunk) != 0) std::abort();  // no entropy: nothing safe to do
      out += chunk;
      n -= chunk;
    }
  }
};

}  // namespace

Clock& SystemClock() {
  static SystemClockImpl clock;
  return clock;
}

Random& SystemRandom() {
  static SystemRandomImpl random;
  return random;
}

// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014).
uint64_t SeededRandom::Next() {
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t SeededRandom::Below(uint64_t bound) { return Next() % bound; }

void SeededRandom::Fill(uint8_t* out, std::size_t n) {
  while (n > 0) {
    uint64_t v = Next();
    for (int i = 0; i < 8 && n > 0; ++i, --n) *out++ = static_cast<uint8_t>(v >> (8 * i));
  }
}

}  // namespace dosti
