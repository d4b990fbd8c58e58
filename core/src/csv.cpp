// CSV import and export. Placeholder until implemented.
#include "session_impl.h"

namespace dosti {
Result<ImportSummary> Session::ImportEnterprisesCsv(std::string_view, const Progress&) {
  return MakeError(ErrorCode::kInternal, "import not implemented yet");
}
Result<std::vector<std::string>> Session::ExportCsv(const std::string&) {
  return MakeError(ErrorCode::kInternal, "export not implemented yet");
}
}  // namespace dosti
