// Placeholder until the commands are implemented.
#include <ostream>

#include "cli.h"

namespace dosti::cli {
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const Environment& env) {
  err << "error: not implemented yet\n";
  return 1;
}
}  // namespace dosti::cli
