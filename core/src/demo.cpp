// Demo data. Placeholder until implemented.
#include "session_impl.h"

namespace dosti {
Result<int64_t> Session::SeedDemo(int, uint64_t, const Progress&) {
  return MakeError(ErrorCode::kInternal, "demo seed not implemented yet");
}
}  // namespace dosti
