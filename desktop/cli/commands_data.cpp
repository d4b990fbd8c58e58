// Bulk data: import enterprises|contacts|services FILE.csv, export DIR, demo seed. Long work reports progress
// on stderr so that stdout keeps only the result.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <ostream>

#include "cli_internal.h"
#include "dosti/demo.h"

namespace dosti::cli {
namespace {

// Prints "<verb> done/total" on stderr every `step` items and at the end, but only when the
// work is larger than one step (small files finish before anyone could read a progress line).
// `step` 0: every tenth of the total.
Progress ProgressPrinter(Context& c, std::string verb, int64_t fixed_step) {
  auto last = std::make_shared<int64_t>(0);
  return [&c, verb = std::move(verb), fixed_step, last](int64_t done, int64_t total,
                                                        std::string_view) {
    if (fixed_step > 0 && total <= fixed_step) return;
    int64_t step = fixed_step > 0 ? fixed_step : std::max<int64_t>(1, total / 10);
    if (done < total && done - *last < step) return;
    if (done == *last) return;
    *last = done;
    c.err << verb << ' ' << done << '/' << total << '\n';
  };
}

}  // namespace

int CmdImport(Context& c) {
  ImportOptions options;
  if (c.Has("encoding")) {
    int exit = 0;
    std::string name = c.Value("encoding");
    auto encoding = ParseTextEncoding(name);
    if (!encoding) {
      (void)CheckChoice(c, "--encoding", name, kTextEncodings, &exit);
      return exit;
    }
    options.encoding = *encoding;
  }
  const std::string_view sub = c.spec->sub;
  const ImportKind kind = sub == "contacts"   ? ImportKind::kContacts
                          : sub == "services" ? ImportKind::kServices
                                              : ImportKind::kEnterprises;
  options.progress = ProgressPrinter(c, "imported", 500);
  auto summary = c.s().ImportCsvFile(kind, c.positional[0], options);
  if (!summary) return Refuse(c, summary.error());
  if (c.json) {
    json::Writer w(true);
    json::Write(w, *summary);
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt("import.done", c.lang,
               {std::to_string(summary->imported), std::to_string(summary->rows)})
        << '\n';
  if (summary->updated + summary->unchanged > 0) {
    c.out << Fmt("import.matched", c.lang,
                 {std::to_string(summary->updated), std::to_string(summary->unchanged)})
          << '\n';
  }
  // Per table when the file brought more than one kind (enterprises and their identifiers,
  // services and their follow-ups).
  for (const ImportCounts& t : summary->tables) {
    if (summary->tables.size() < 2) break;
    c.out << "  " << Label("table", t.table, c.lang) << ": "
          << Fmt("import.table", c.lang,
                 {std::to_string(t.imported), std::to_string(t.updated),
                  std::to_string(t.unchanged)})
          << '\n';
  }
  for (const Issue& i : summary->warnings) {
    c.err << "warning: " << (i.field.empty() ? "" : i.field + ": ") << Cell(IssueText(i, c.lang)) << '\n';
  }
  return 0;
}

int CmdExport(Context& c) {
  auto files = c.s().ExportCsv(c.positional[0]);
  if (!files) return Refuse(c, files.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("files").BeginArray();
    for (const std::string& f : *files) w.String(f);
    w.EndArray().EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt("export.done", c.lang, {std::to_string(files->size())}) << '\n';
  for (const std::string& f : *files) c.out << "  " << f << '\n';
  return 0;
}

int CmdDemoSeed(Context& c) {
  int exit = 0;
  int64_t enterprises = 200, seed = 1;
  if (c.Has("enterprises")) {
    auto n = IntOption(c, "enterprises", &exit);
    if (!n) return exit;
    if (*n < 1 || *n > 1'000'000) return UsageError(c, "--enterprises must be 1 to 1000000");
    enterprises = *n;
  }
  if (c.Has("seed")) {
    auto n = IntOption(c, "seed", &exit);
    if (!n) return exit;
    if (*n < 0) return UsageError(c, "--seed must be 0 or more");
    seed = *n;
  }
  auto written = SeedDemo(c.s(), static_cast<int>(enterprises), static_cast<uint64_t>(seed),
                          ProgressPrinter(c, "seeded", 0), c.Has("force"));
  if (!written) return Refuse(c, written.error());
  if (c.json) {
    json::Writer w(true);
    w.BeginObject().Key("records").Int(*written).EndObject();
    PrintJson(c, w);
    return 0;
  }
  c.out << Fmt("demo.done", c.lang, {std::to_string(*written)}) << '\n';
  return 0;
}

}  // namespace dosti::cli
