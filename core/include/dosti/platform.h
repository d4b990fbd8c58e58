// The platform seams of the core: the clock and the random source. Natively and in wasm the
// defaults are the system's; tests inject fixed ones so that runs repeat exactly.
// Implementations must be usable from the thread that uses the Session.
#pragma once

#include <cstddef>
#include <cstdint>

namespace dosti {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since 1970-01-01T00:00:00Z.
  virtual int64_t NowMs() = 0;
};

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with `n` unpredictable bytes.
  virtual void Fill(uint8_t* out, std::size_t n) = 0;
};

// The system clock and the operating system's random source (getentropy: the kernel natively,
// crypto.getRandomValues in the browser and Node).
Clock& SystemClock();
Random& SystemRandom();

// A clock that returns a settable time; for tests and simulations.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t now_ms) : now_ms_(now_ms) {}
  int64_t NowMs() override { return now_ms_; }
  void Set(int64_t now_ms) { now_ms_ = now_ms; }
  void Advance(int64_t ms) { now_ms_ += ms; }

 private:
  int64_t now_ms_;
};

// A deterministic random source (SplitMix64); for tests, simulations and demo data.
class SeededRandom : public Random {
 public:
  explicit SeededRandom(uint64_t seed) : state_(seed) {}
  void Fill(uint8_t* out, std::size_t n) override;
  uint64_t Next();
  // Uniform in [0, bound) (bound > 0).
  uint64_t Below(uint64_t bound);

 private:
  uint64_t state_;
};

}  // namespace dosti
