// Reference vocabularies (DOMAIN.md). Their labels in English, Chinese and Urdu are in the
// catalog (core/catalog/labels.cat, dosti::Label in catalog.h).
#include <optional>
#include <string_view>
#include <vector>

#include "dosti/session.h"

namespace dosti {

const std::vector<std::string_view> kCountries = {"CN", "PK"};
const std::vector<std::string_view> kOffices = {"beijing", "islamabad"};
const std::vector<std::string_view> kServiceCategories = {
    "training", "strategy", "policy", "personnel", "legal", "exchange", "finance"};
const std::vector<std::string_view> kEnrollmentStages = {
    "prospect", "nominated", "shortlisted", "selected", "active",
    "completed", "declined", "withdrawn", "rejected"};
const std::vector<std::string_view> kMatchmakingStages = {
    "proposed",    "contacted",  "introduced",       "meeting_held", "negotiation",
    "mou_signed",  "agreement_signed", "deal_closed", "on_hold",     "closed_lost"};
const std::vector<std::string_view> kCooperationTypes = {
    "trade", "distribution", "outsourcing", "technology_transfer", "joint_venture",
    "investment", "other"};
const std::vector<std::string_view> kEventKinds = {
    "trade_fair", "training", "seminar", "b2b_matchmaking", "delegation_visit", "webinar"};
const std::vector<std::string_view> kParticipationStatuses = {"registered", "attended", "no_show",
                                                              "cancelled"};
const std::vector<std::string_view> kParticipationRoles = {"visitor", "exhibitor", "speaker",
                                                           "participant", "organiser"};
const std::vector<std::string_view> kSizeClasses = {"micro", "small", "medium", "large"};
const std::vector<std::string_view> kLandingStatuses = {"none", "exploring", "office_registered",
                                                        "operating"};
const std::vector<std::string_view> kSources = {"booth", "referral", "partner", "import"};
const std::vector<std::string_view> kRecordStates = {"draft", "complete"};

std::optional<FieldCodes> EnterpriseFieldCodes(std::string_view field) {
  if (field == "country") return FieldCodes{"country", &kCountries};
  if (field == "size_class") return FieldCodes{"size_class", &kSizeClasses};
  if (field == "landing_status") return FieldCodes{"landing_status", &kLandingStatuses};
  if (field == "source") return FieldCodes{"source", &kSources};
  if (field == "owning_office") return FieldCodes{"office", &kOffices};
  if (field == "record_state") return FieldCodes{"record_state", &kRecordStates};
  return std::nullopt;
}

}  // namespace dosti
