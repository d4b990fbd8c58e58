// ChangesetAuthor (dosti/replication.h): whose commits a changeset carries, for the sync layer
// to hold against the envelope's signed author before anything is applied.
#include "changeset.h"
#include "dosti/replication.h"

namespace dosti {

Result<std::string> ChangesetAuthor(std::string_view changeset) {
  auto cs = DecodeChangeset(changeset);
  if (!cs) return cs.error();
  return cs->author;
}

}  // namespace dosti
