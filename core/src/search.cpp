// "Already ours?" search (DOMAIN.md "Search"): exact matches on identifiers, phones, e-mail and
// WeChat; the same normalised name; substrings through the FTS5 trigram index (LIKE for
// queries under three characters, which trigrams cannot find); similar names by trigram
// overlap.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "dosti/text.h"
#include "session_impl.h"

namespace dosti {
namespace {

// The code points of a UTF-8 string, each as its own string.
std::vector<std::string> CodePoints(std::string_view s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    out.emplace_back(s.substr(i, n));
    i += n;
  }
  return out;
}

std::set<std::string> Trigrams(std::string_view s) {
  std::vector<std::string> cps = CodePoints(s);
  std::set<std::string> out;
  for (size_t i = 0; i + 3 <= cps.size(); ++i) out.insert(cps[i] + cps[i + 1] + cps[i + 2]);
  return out;
}

// The share of the query's trigrams found in the candidate (1 = all of them).
double TrigramCover(const std::set<std::string>& query, std::string_view candidate) {
  if (query.empty()) return 0;
  std::set<std::string> other = Trigrams(NameKey(candidate));
  size_t common = 0;
  for (const std::string& t : query) common += other.count(t);
  return static_cast<double>(common) / static_cast<double>(query.size());
}

std::string FtsPhrase(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string LikeEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

struct Collector {
  std::vector<SearchHit> hits;
  std::unordered_map<std::string, size_t> index;
  void Add(SearchHit h) {
    auto it = index.find(h.enterprise_id);
    if (it != index.end()) {
      SearchHit& old = hits[it->second];
      if (h.reason < old.reason || (h.reason == old.reason && h.score > old.score)) old = h;
      return;
    }
    index.emplace(h.enterprise_id, hits.size());
    hits.push_back(std::move(h));
  }
};

}  // namespace

std::string_view MatchReasonCode(MatchReason r) {
  switch (r) {
    case MatchReason::kIdentifier: return "identifier";
    case MatchReason::kPhone: return "phone";
    case MatchReason::kEmail: return "email";
    case MatchReason::kWechat: return "wechat";
    case MatchReason::kSameName: return "same_name";
    case MatchReason::kSubstring: return "substring";
    case MatchReason::kSimilarName: return "similar_name";
  }
  return "unknown";
}

Result<std::vector<SearchHit>> Session::Search(std::string_view raw, int limit) {
  Impl& m = *impl_;
  Store& s = *m.store;
  if (!text::IsValidUtf8(raw)) {
    return MakeError(ErrorCode::kInvalid, "search.not_utf8", {}, "search");
  }
  std::string q = text::Clean(raw);
  Collector found;
  if (q.empty()) return found.hits;
  if (limit <= 0) limit = 20;
  // Inside a transaction, the enterprises it added join the search index only at COMMIT.
  DOSTI_TRY(s.FlushNewEnterprises());

  auto add_rows = [&](Result<std::vector<Record>> rows, MatchReason reason,
                      std::string_view matched_field) -> Result<void> {
    if (!rows) return rows.error();
    for (const Record& r : *rows) {
      found.Add({r.id, r.Text("country"), r.Text("name"), reason, r.Text(matched_field), 1.0});
    }
    return {};
  };
  // Live records only; a match on a record merged into another leads to that one.
  constexpr const char* kLive = " AND e.archived = 0 AND e.canon_id IS NULL ";

  // 1. Identifier: the strongest signal ("stop: pick the existing record").
  std::string ident = NormaliseIdentifier(q);
  if (ident.size() >= 6 && std::all_of(ident.begin(), ident.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z');
      })) {
    DOSTI_TRY(add_rows(s.Select(std::string("SELECT e.id, e.country, e.name, i.value AS matched "
                                            "FROM enterprise_identifier i JOIN enterprise x ON "
                                            "x.id = i.enterprise_id JOIN enterprise e ON e.id = coalesce(x.canon_id, x.id) "
                                            "WHERE i.value = ? "
                                            "AND i.archived = 0") + kLive,
                                ident),
                       MatchReason::kIdentifier, "matched"));
  }
  // 2. Phone, in both countries' national forms (the query has no enterprise to take one from),
  // read as contact add reads a phone: full-width digits from a Chinese IME and Urdu digits
  // count as digits. A query that is no phone number (letters, too few digits) gives no form.
  {
    std::set<std::string> forms;
    for (std::string_view country : kCountries) {
      if (auto p = NormalisePhone(q, country)) forms.insert(p->e164);
    }
    for (const std::string& e164 : forms) {
      DOSTI_TRY(add_rows(
          s.Select(std::string("SELECT e.id, e.country, e.name, ?1 AS matched FROM contact c "
                               "JOIN enterprise x ON x.id = c.enterprise_id JOIN enterprise e "
                               "ON e.id = coalesce(x.canon_id, x.id) WHERE c.archived = 0 "
                               "AND (c.mobile = ?1 OR c.office_phone = ?1 OR c.whatsapp = ?1)") +
                       kLive,
                   e164),
          MatchReason::kPhone, "matched"));
    }
  }
  // 3. E-mail and WeChat, exact (case-insensitively).
  if (q.find('@') != std::string::npos) {
    DOSTI_TRY(add_rows(s.Select(std::string("SELECT e.id, e.country, e.name, c.email AS matched "
                                            "FROM contact c JOIN enterprise x ON x.id = c.enterprise_id "
                                            "JOIN enterprise e ON e.id = coalesce(x.canon_id, x.id) "
                                            "WHERE c.archived = 0 AND "
                                            "c.email = ?") + kLive,
                                text::CaseFold(q)),
                       MatchReason::kEmail, "matched"));
  } else if (q.find(' ') == std::string::npos) {
    DOSTI_TRY(add_rows(s.Select(std::string("SELECT e.id, e.country, e.name, c.wechat AS matched "
                                            "FROM contact c JOIN enterprise x ON x.id = c.enterprise_id "
                                            "JOIN enterprise e ON e.id = coalesce(x.canon_id, x.id) "
                                            "WHERE c.archived = 0 AND "
                                            "c.wechat = ? COLLATE NOCASE") + kLive,
                                q),
                       MatchReason::kWechat, "matched"));
  }
  // 4. The same normalised name (legal suffixes, case and width ignored).
  std::string key = NameKey(q);
  if (!key.empty()) {
    DOSTI_TRY(add_rows(s.Select("SELECT id, country, name, name AS matched FROM enterprise e "
                                "WHERE name_key = ? AND archived = 0 AND canon_id IS NULL",
                                key),
                       MatchReason::kSameName, "matched"));
  }
  // 5. Substrings of any name variant; the hit shows the variant that matched.
  std::string folded = text::CaseFold(q);
  auto add_substring_rows = [&](Result<std::vector<Record>> rows) -> Result<void> {
    if (!rows) return rows.error();
    for (const Record& r : *rows) {
      std::string matched = r.Text("name");
      for (std::string_view f : {"name", "name_en", "name_zh", "name_ur", "short_name"}) {
        std::string v = r.Text(f);
        if (!v.empty() && text::CaseFold(v).find(folded) != std::string::npos) {
          matched = v;
          break;
        }
      }
      found.Add({r.id, r.Text("country"), r.Text("name"), MatchReason::kSubstring, matched, 1.0});
    }
    return {};
  };
  std::size_t length = text::Length(q);
  if (length >= 3) {
    DOSTI_TRY(add_substring_rows(
        s.Select("SELECT e.id, e.country, e.name, e.name_en, e.name_zh, e.name_ur, e.short_name "
                 "FROM enterprise_fts f JOIN enterprise e ON e.seq = f.rowid "
                 "WHERE enterprise_fts MATCH ? AND e.archived = 0 AND e.canon_id IS NULL "
                 "ORDER BY f.rank LIMIT ?",
                 FtsPhrase(q), int64_t{limit})));
  } else {
    // Trigrams cannot match two characters (华为): scan the names with LIKE instead.
    std::string pattern = LikeEscape(q);
    pattern.insert(pattern.begin(), '%');  // (not "%" + …: g++ 12 warns falsely, -Wrestrict)
    pattern.push_back('%');
    DOSTI_TRY(add_substring_rows(
        s.Select("SELECT id, country, name, name_en, name_zh, name_ur, short_name "
                 "FROM enterprise e WHERE archived = 0 AND canon_id IS NULL "
                 "AND (name LIKE ?1 ESCAPE '\\' OR name_en LIKE ?1 ESCAPE '\\' OR name_zh LIKE ?1 "
                 "ESCAPE '\\' OR name_ur LIKE ?1 ESCAPE '\\' OR short_name LIKE ?1 ESCAPE '\\') "
                 "ORDER BY name LIMIT ?2",
                 pattern, int64_t{limit})));
  }
  // 6. Similar names: candidates sharing any trigram, kept when they cover most of the query's.
  std::set<std::string> grams = Trigrams(key);
  if (grams.size() >= 2) {
    std::string query;
    for (const std::string& g : grams) query += (query.empty() ? "" : " OR ") + FtsPhrase(g);
    auto rows = s.Select(
        "SELECT e.id, e.country, e.name, e.name_en, e.name_zh, e.name_ur FROM enterprise_fts f "
        "JOIN enterprise e ON e.seq = f.rowid WHERE enterprise_fts MATCH ? AND e.archived = 0 "
        "AND e.canon_id IS NULL "
        "ORDER BY f.rank LIMIT 50",
        query);
    if (!rows) return rows.error();
    for (const Record& r : *rows) {
      double best = 0;
      std::string matched;
      for (std::string_view f : {"name", "name_en", "name_zh", "name_ur"}) {
        std::string v = r.Text(f);
        if (v.empty()) continue;
        double cover = TrigramCover(grams, v);
        if (cover > best) best = cover, matched = v;
      }
      if (best >= 0.5) {
        found.Add({r.id, r.Text("country"), r.Text("name"), MatchReason::kSimilarName, matched,
                   best});
      }
    }
  }
  std::stable_sort(found.hits.begin(), found.hits.end(),
                   [](const SearchHit& a, const SearchHit& b) {
                     if (a.reason != b.reason) return a.reason < b.reason;
                     return a.score > b.score;
                   });
  if (found.hits.size() > static_cast<size_t>(limit)) found.hits.resize(limit);
  return found.hits;
}

}  // namespace dosti
