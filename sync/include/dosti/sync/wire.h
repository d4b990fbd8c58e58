// Little-endian writing and bounded reading of the sync formats (sync/README.md): the core's
// one ByteWriter and ByteReader (dosti/bytes.h), under the names the sync code has always used.
#pragma once

#include "dosti/bytes.h"

namespace dosti::sync {

using Writer = ::dosti::ByteWriter;
using Reader = ::dosti::ByteReader;

}  // namespace dosti::sync
