// Reports (DOMAIN.md "Reports"). Placeholder until implemented.
#include "session_impl.h"

namespace dosti {
namespace {
Error NotYet() { return MakeError(ErrorCode::kInternal, "report not implemented yet"); }
}  // namespace
Result<ProgressReport> Session::ReportProgress(std::optional<Date>) { return NotYet(); }
Result<ServicesReport> Session::ReportServices(std::string_view) { return NotYet(); }
Result<FunnelReport> Session::ReportFunnel(std::optional<Date>) { return NotYet(); }
Result<FollowUpReport> Session::ReportFollowUps(std::optional<Date>) { return NotYet(); }
Result<QualityReport> Session::ReportQuality(std::optional<Date>) { return NotYet(); }
Result<CoverageReport> Session::ReportCoverage(std::string_view) { return NotYet(); }
Result<LandingReport> Session::ReportLanding() { return NotYet(); }
}  // namespace dosti
