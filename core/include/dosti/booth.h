// The booth's two composite calls (DOMAIN.md workflow 1 and issue 10's "today at this booth"),
// for every front end that runs a booth (the browser's engine, wasm/; a CLI or desktop could
// call them too). Everything else a booth does is a Session call as it is.
// Threading and errors: as Session (session.h); each call uses the Session's thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dosti/session.h"

namespace dosti {

// A visiting enterprise and the person at the booth, captured in one go.
struct VisitorCapture {
  Fields enterprise;       // AddEnterprise's fields: country and name at least
  std::string identifier;  // optional: as typed; the home country's number (CN: USCC, PK: NTN)
  Fields contact;          // optional (empty: none): AddContact's fields, full_name at least;
                           // enterprise_id is the new enterprise's
};

struct VisitorSaved {
  std::string enterprise_id;
  std::string contact_id;       // "" without a contact
  std::vector<Issue> warnings;  // the enterprise's (duplicates suspected, identifier check),
                                // then the contact's, whose fields read "contact.<field>"
};

// Saves the enterprise, its identifier and its contact in one transaction: all or nothing,
// and one change to sync. Errors are AddEnterprise's, AddIdentifier's and AddContact's; an
// error of the contact names its field "contact.<field>" (a page has two "name" fields).
Result<VisitorSaved> CaptureVisitor(Session& session, const VisitorCapture& capture);

// What this device recorded today, in its office's calendar.
struct BoothDay {
  Date date;
  int64_t enterprises = 0;  // enterprises created here today (visitors captured)
  int64_t contacts = 0;     // contacts created here today
  int64_t services = 0;     // service logs created here today
};
Result<BoothDay> BoothToday(Session& session);

}  // namespace dosti
