#include "dosti/csv.h"

#include "csv_format.h"

namespace dosti {

std::string CsvDocument(const std::vector<std::vector<std::string>>& rows) {
  std::string out(csv::kUtf8Bom);
  for (const std::vector<std::string>& row : rows) csv::AppendRow(out, row);
  return out;
}

}  // namespace dosti
