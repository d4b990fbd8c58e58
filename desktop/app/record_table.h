// Tables of records as every screen shows them: one column per field, each cell the field's
// text in the reader's language and script (labels for codes, a follow-up's note, yes/no for
// flags), and the enterprise picker the service, matchmaking and event forms share.
// Threading: the UI thread (the picker's search runs on the Worker).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dosti/session.h"

namespace dosti::desktop {

class App;
class Ui;

struct Column {
  std::string field;
  // How the cell shows: "" the text as it is; a label kind for codes ("category", "stage");
  // "flag" yes/no; "note" a follow-up's note (FollowUpNote); "enterprise" the row's
  // enterprise_name; "due" a date shown red when the row is "overdue"; a catalog prefix
  // ending in '.' ("desktop.event_kind.") the desktop's own word for the code; "text" as it is.
  std::string kind;
};

// The text of one cell, drawn form.
std::string CellText(Ui& ui, const Record& row, const Column& column);

// A table of `rows` under a header of the columns' labels ("nothing yet" when empty). With
// `selected`, rows are selectable (a click sets it to the row's index). Each row's first cell
// is marked "<target>.row.<i>" for scripts. Returns true when the selection changed.
bool RecordTable(App& app, const std::string& target, const std::vector<Column>& columns,
                 const std::vector<Record>& rows, int* selected = nullptr, float height = 0);

// An enterprise chosen by searching as one types (the core's "already ours?" search, on the
// Worker): a search field ("<target>.search"), the best hits under it ("<target>.hit.<i>"),
// then the chosen one.
class EnterprisePicker {
 public:
  // `country`: only enterprises of this home country ("" : both).
  explicit EnterprisePicker(std::string target, std::string country = {});
  // True when the choice changed this frame.
  bool Draw(App& app);
  const std::string& id() const { return id_; }
  const std::string& name() const { return name_; }
  void Clear();

 private:
  struct Hits;
  std::string target_, country_;
  std::string query_;
  std::shared_ptr<Hits> hits_;
  int64_t asked_ = 0;  // the latest search asked for
  std::vector<SearchHit> shown_;
  std::string id_, name_;
};

}  // namespace dosti::desktop
