#include "dosti/cancel.h"

#include "dosti/catalog.h"

namespace dosti {

Error CancelledError() { return MakeError(ErrorCode::kCancelled, "cancelled"); }

}  // namespace dosti
