// A load on the dosti-relay executable (issue 12 §1): many devices of one workspace on loopback,
// each a thread pushing its own chain and pulling everyone else's at once, with random
// disconnects (a client dropped and signed in again; a push sent raw and abandoned before its
// answer, or broken off half sent). It checks what a device can check: nothing it pulls is a
// duplicate or skips a seq, everything acknowledged is at the relay, and after a last round
// every device holds every envelope. For the test (short) and the benchmark (long).
// Threading: RunLoad blocks; it starts its own threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dosti::sync::testing {

struct LoadOptions {
  std::string relay_bin;
  int devices = 50;
  int seconds = 20;
  double disconnect_p = 0.08;     // per action: a dropped client or an abandoned push
  std::size_t payload_bytes = 2000;  // per envelope's changes
  int max_pause_ms = 60;          // a device pauses 0..this between actions
  uint32_t seed = 1;
};

struct LoadReport {
  std::string failure;  // the first thing that went wrong; empty when all was well
  double seconds = 0;
  uint64_t sealed = 0;        // envelopes made by all devices
  uint64_t accepted = 0;      // answers "accepted" (each envelope once, unless abandoned)
  uint64_t known = 0;         // answers "known" (resent after an unknown outcome)
  uint64_t pulled = 0;        // envelopes received by pulls
  uint64_t requests = 0;      // timed requests (push, pull, frontier, sign-in)
  uint64_t disconnects = 0;
  uint64_t duplicates = 0;    // an envelope a device already had, pulled again
  uint64_t gaps = 0;          // a pulled seq that skipped one
  uint64_t lost = 0;          // acknowledged or stored, yet missing at the end
  std::vector<double> latency_ms;  // every timed request, sorted
  long rss_start_kib = 0, rss_mid_kib = 0, rss_end_kib = 0, peak_kib = 0;  // the relay's
  double Percentile(double p) const;
};

LoadReport RunLoad(const LoadOptions& options);

}  // namespace dosti::sync::testing
