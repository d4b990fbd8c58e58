// One sync round as a state machine (round.h; the relay's API in sync/relay/README.md).
// Each step builds one request and reads its response; retries and re-sign-in sit in Take().
#include "dosti/sync/round.h"

#include <algorithm>
#include <cctype>

#include "dosti/json.h"
#include "dosti/json_parse.h"
#include "dosti/sync/envelope.h"
#include "dosti/sync/protocol.h"

namespace dosti::sync {
namespace {

enum class Step {
  kStart,
  kGetControl,   // the relay's control messages after our cursor (paged)
  kRegister,     // the relay does not know the workspace: its genesis
  kPostControl,  // ours that the relay has not been sent (batched)
  kChallenge,
  kSession,
  kFrontier,
  kPush,  // batched
  kPull,  // paged
  kDone,
  kFailed,
};

// A JSON answer of the relay: small (frontiers of a few thousand authors at most).
constexpr json::Limits kAnswerLimits{std::size_t{4} << 20, 8, std::size_t{64} << 10, 200'000};
constexpr std::size_t kMaxFrames = 100'000;

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<uint64_t> Count(const json::Element& j, std::string_view key) {
  const json::Element* e = j.Find(key);
  return e ? e->Uint64() : std::nullopt;
}

// The relay's answer to a batch of `size` messages lists what it refused as
// "rejected": [{"index": i, "reason": "..."}]; nullopt when an index is missing or out of range.
struct Rejection {
  std::size_t index = 0;
  std::string reason;
};
std::optional<std::vector<Rejection>> Rejections(const json::Element& answer, std::size_t size) {
  std::vector<Rejection> out;
  const json::Element* rejected = answer.Find("rejected");
  if (!rejected || !rejected->is_array()) return out;
  for (const json::Element& item : rejected->items()) {
    auto index = Count(item, "index");
    if (!index || *index >= size) return std::nullopt;
    const json::Element* reason = item.Find("reason");
    out.push_back({static_cast<std::size_t>(*index),
                   reason && reason->is_string() ? reason->text() : std::string()});
  }
  return out;
}

std::optional<Bytes> HexField(const json::Element& j, std::string_view key, std::size_t bytes) {
  const json::Element* e = j.Find(key);
  if (!e || !e->is_string()) return std::nullopt;
  auto b = FromHex(e->text());
  if (!b || b->size() != bytes) return std::nullopt;
  return b;
}

std::string FrontierJson(const EnvelopeFrontier& f, std::size_t max_bytes) {
  json::Writer w;
  w.BeginObject().Key("frontier").BeginObject();
  for (const auto& [author, seq] : f) w.Key(ToHex(author)).Int(static_cast<int64_t>(seq));
  w.EndObject().Key("max_bytes").Int(static_cast<int64_t>(max_bytes)).EndObject();
  return w.Take();
}

}  // namespace

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (SameName(k, name)) return v;
  }
  return {};
}

struct SyncRound::State {
  Node& node;
  SyncOptions o;
  std::string base;  // "/v1/<workspace hex>"
  Step step = Step::kStart;
  std::optional<Error> error;
  SyncReport report;
  Node::RelayCursor cursor;

  // The request in flight and its retries.
  HttpRequest last;
  int attempt = 0;
  int wait_ms = 0;
  bool retry = false;

  // Control messages to post: ours from cursor.control_sent on, in batches [post_at, post_end).
  std::vector<Bytes> to_post;
  std::size_t post_at = 0, post_end = 0;
  std::size_t control_total = 0;

  // Sign-in, and the step to return to after signing in again.
  Bytes relay_id, nonce;
  std::string token;
  int challenges = 0;
  bool signed_in_again = false;
  Step after_sign_in = Step::kGetControl;
  // A device the relay does not know yet (its join not posted) posts its own control
  // messages before signing in, once.
  bool posted_first = false, posting_first = false;
  bool tried_register = false;

  EnvelopeFrontier relay_frontier;  // what the relay holds, as pushed so far
  std::vector<Node::Outgoing> batch;
  EnvelopeFrontier pull_frontier;   // what this device holds or was given

  State(Node& n, SyncOptions opts) : node(n), o(std::move(opts)) {
    base = "/v1/" + ToHex(node.trust().workspace());
    report.relay = o.relay_url;
  }

  void Fail(Error e) {
    error = std::move(e);
    step = Step::kFailed;
  }
  void Fail(ErrorCode code, std::string_view key, Args args) { Fail(MakeError(code, key, std::move(args))); }
  // The relay answered `status` to what step `what` asked: its own words when it gave some.
  void Refused(std::string_view what, const HttpResponse& r) {
    std::string said;
    if (auto j = json::Parse(r.body, kAnswerLimits); j && j->is_object()) {
      if (const json::Element* e = j->Find("error"); e && e->is_string()) said = e->text();
    }
    ErrorCode code = r.status == 403 ? ErrorCode::kNotPermitted : ErrorCode::kNetwork;
    Fail(code, said.empty() ? "sync.round.refused_plain" : "sync.round.refused",
         {{"relay", o.relay_url}, {"what", std::string(what)},
          {"status", std::to_string(r.status)}, {"error", said}});
  }
  void Malformed(std::string_view what) {
    Fail(ErrorCode::kNetwork, "sync.round.malformed", {{"relay", o.relay_url}, {"what", std::string(what)}});
  }
  void Progress(SyncProgress::Phase phase) {
    report.totals.phase = phase;
    if (o.on_progress) o.on_progress(report.totals);
  }

  HttpRequest Get(std::string path, bool auth) {
    HttpRequest r;
    r.method = "GET";
    r.path = std::move(path);
    if (auth) r.headers.emplace_back("Authorization", "Bearer " + token);
    return r;
  }
  HttpRequest Post(std::string path, std::string content_type, Bytes body, bool auth) {
    HttpRequest r;
    r.method = "POST";
    r.path = std::move(path);
    r.content_type = std::move(content_type);
    r.body = std::move(body);
    if (auth) r.headers.emplace_back("Authorization", "Bearer " + token);
    return r;
  }

  // [SECTION] Steps: the request of each, then what its answer does.
  void Begin() {
    // Commits made since the last round go out sealed; a revoked device seals nothing, and
    // the relay tells it why at sign-in.
    if (auto sealed = node.SealOutgoing(); !sealed && sealed.error().code != ErrorCode::kRevoked) {
      return Fail(sealed.error());
    }
    cursor = node.relay_cursor(o.relay_url);
    // Reading the relay's control messages (the roster) needs a session: sign in first.
    after_sign_in = Step::kGetControl;
    step = Step::kChallenge;
  }

  HttpRequest Request() {
    switch (step) {
      case Step::kGetControl:
        return Get(base + "/control?after=" + std::to_string(cursor.control_after), true);
      case Step::kRegister: {
        HttpRequest r = Post("/v1/workspaces", "application/octet-stream",
                             node.ControlMessages().front(), false);
        if (!o.registration_token.empty()) {
          r.headers.emplace_back("X-Dosti-Registration", o.registration_token);
        }
        return r;
      }
      case Step::kPostControl: {
        std::vector<std::string_view> frames;
        std::size_t size = 0;
        for (post_end = post_at; post_end < to_post.size(); ++post_end) {
          std::size_t more = 4 + to_post[post_end].size();
          if (post_end > post_at && size + more > o.max_request_bytes) break;
          size += more;
          frames.push_back(to_post[post_end]);
        }
        return Post(base + "/control", "application/octet-stream", EncodeFrames(frames), false);
      }
      case Step::kChallenge: {
        json::Writer w;
        w.BeginObject().Key("device").String(ToHex(node.device())).EndObject();
        return Post(base + "/challenge", "application/json", w.Take(), false);
      }
      case Step::kSession: {
        int64_t now = node.now_ms();
        json::Writer w;
        w.BeginObject().Key("device").String(ToHex(node.device()));
        w.Key("nonce").String(ToHex(nonce)).Key("time_ms").Int(now);
        w.Key("signature").String(ToHex(node.SignRelayAuth(relay_id, nonce, now))).EndObject();
        return Post(base + "/session", "application/json", w.Take(), false);
      }
      case Step::kFrontier:
        return Get(base + "/frontier", true);
      case Step::kPush: {
        std::vector<std::string_view> frames;
        for (const Node::Outgoing& e : batch) frames.push_back(e.bytes);
        return Post(base + "/push", "application/octet-stream", EncodeFrames(frames), true);
      }
      case Step::kPull:
        return Post(base + "/pull", "application/json", FrontierJson(pull_frontier, o.page_bytes),
                    true);
      default:
        return {};
    }
  }

  void TakeControlPage(const HttpResponse& r) {
    if (r.status != 200) return Refused("control_list", r);
    auto frames = DecodeFrames(r.body, kMaxEnvelopeBytes, kMaxFrames);
    std::string next = r.Header("X-Dosti-Next");
    uint64_t next_index = 0;
    if (!frames || next.empty() || next.size() > 19 ||
        next.find_first_not_of("0123456789") != std::string::npos) {
      return Malformed("control_list");
    }
    for (char c : next) next_index = next_index * 10 + static_cast<uint64_t>(c - '0');
    report.totals.envelopes_down += frames->size();
    report.totals.bytes_down += r.body.size();
    if (!frames->empty()) {
      auto received = node.Receive(*frames);
      if (!received) return Fail(received.error());
      report.received.Merge(*received);
    }
    cursor.control_after = std::max(cursor.control_after, next_index);
    if (r.Header("X-Dosti-More") == "1" && !frames->empty()) return;  // the next page
    StartPosting();
  }

  void TakeRegistration(const HttpResponse& r) {
    if (r.status != 200 && r.status != 201) return Refused("register", r);
    report.registered = r.status == 201;
    // The relay holds only what this device sends it now.
    cursor = {};
    step = Step::kChallenge;
  }

  void StartPosting() {
    control_total = node.trust().control_count();
    std::size_t from = std::min<std::size_t>(cursor.control_sent, control_total);
    to_post = node.ControlMessages(from);
    post_at = 0;
    if (to_post.empty()) return AfterControl();
    step = Step::kPostControl;
  }

  void TakeControlPost(const HttpResponse& r) {
    if (r.status != 200) return Refused("control_post", r);
    auto j = json::Parse(r.body, kAnswerLimits);
    if (!j || !j->is_object()) return Malformed("control_post");
    auto rejections = Rejections(*j, post_end - post_at);
    if (!rejections) return Malformed("control_post");
    for (Rejection& rejection : *rejections) {
      auto env = ParseEnvelope(to_post[post_at + rejection.index]);
      if (!env) return Malformed("control_post");
      Args args{{"kind", KindName(env->header.kind)}, {"device", ToHex(env->header.author).substr(0, 8)},
                {"reason", std::move(rejection.reason)}};
      if (env->header.author == node.device()) {
        // This device's own message (its join, an admin's roster): the round cannot go on.
        return Fail(ErrorCode::kNotPermitted, "sync.round.own_refused", std::move(args));
      }
      report.control_refused.push_back(MakeMessage("sync.round.control_refused", std::move(args)));
    }
    post_at = post_end;
    if (post_at < to_post.size()) return;  // the next batch
    cursor.control_sent = control_total;
    if (posting_first) {  // its join is at the relay now: sign in (pending) and read on
      posting_first = false;
      step = Step::kChallenge;
      return;
    }
    AfterControl();
  }

  void AfterControl() {
    Progress(SyncProgress::Phase::kControl);
    // An approval that just arrived unlocks this device's commits made while it waited.
    if (auto sealed = node.SealOutgoing(); !sealed && sealed.error().code != ErrorCode::kRevoked) {
      return Fail(sealed.error());
    }
    if (node.pending()) return Finish();  // nothing more to do until an admin approves it
    step = Step::kFrontier;  // signed in already
  }

  void TakeChallenge(const HttpResponse& r) {
    if (r.status == 404 && !report.registered && !tried_register) {
      tried_register = true;
      step = Step::kRegister;  // the relay does not know this workspace yet
      return;
    }
    // Not a member nor a pending device at the relay: a joining device whose join has not been
    // posted yet posts its control messages first, then signs in as pending.
    if (r.status == 403 && !posted_first &&
        node.trust().control_count() > cursor.control_sent) {
      posted_first = posting_first = true;
      StartPosting();
      return;
    }
    if (r.status != 200) return Refused("challenge", r);
    auto j = json::Parse(r.body, kAnswerLimits);
    auto id = j ? HexField(*j, "relay", kIdBytes) : std::nullopt;
    auto n = j ? HexField(*j, "nonce", 32) : std::nullopt;
    if (!id || !n) return Malformed("challenge");
    relay_id = std::move(*id);
    nonce = std::move(*n);
    ++challenges;
    step = Step::kSession;
  }

  void TakeSession(const HttpResponse& r) {
    // A session request retried after a broken link finds its nonce used: one more challenge.
    if (r.status == 401 && challenges < 2) {
      step = Step::kChallenge;
      return;
    }
    if (r.status != 200) return Refused("sign_in", r);
    auto j = json::Parse(r.body, kAnswerLimits);
    const json::Element* t = j && j->is_object() ? j->Find("token") : nullptr;
    if (!t || !t->is_string() || t->text().size() != 64) return Malformed("sign_in");
    token = t->text();
    Progress(SyncProgress::Phase::kSignIn);
    step = after_sign_in;
  }

  void TakeFrontier(const HttpResponse& r) {
    if (r.status != 200) return Refused("frontier", r);
    auto j = json::Parse(r.body, kAnswerLimits);
    const json::Element* f = j && j->is_object() ? j->Find("frontier") : nullptr;
    if (!f || !f->is_object()) return Malformed("frontier");
    relay_frontier.clear();
    for (std::size_t i = 0; i < f->size(); ++i) {
      auto author = FromHex(f->keys()[i]);
      auto seq = f->items()[i].Uint64();
      if (!author || author->size() != kIdBytes || !seq) return Malformed("frontier");
      relay_frontier[*author] = *seq;
    }
    NextPush();
  }

  void NextPush() {
    // Leave room for the frames' length fields.
    std::size_t budget = o.max_request_bytes > (64u << 10) ? o.max_request_bytes - (64u << 10) : 1;
    auto next = node.ChangesAfter(relay_frontier, budget);
    if (!next) return Fail(next.error());
    batch = std::move(*next);
    if (batch.empty()) return StartPull();
    step = Step::kPush;
  }

  void TakePush(const HttpResponse& r) {
    if (r.status != 200) return Refused("push", r);
    auto j = json::Parse(r.body, kAnswerLimits);
    if (!j || !j->is_object()) return Malformed("push");
    report.pushed += static_cast<int64_t>(Count(*j, "accepted").value_or(0));
    report.push_known += static_cast<int64_t>(Count(*j, "known").value_or(0));
    report.totals.envelopes_up += batch.size();
    report.totals.bytes_up += last.body.size();
    auto rejections = Rejections(*j, batch.size());
    if (!rejections) return Malformed("push");
    for (Rejection& rejection : *rejections) {
      const Node::Outgoing& e = batch[rejection.index];
      report.push_refused.push_back(MakeMessage(
          "sync.round.push_refused", {{"seq", std::to_string(e.seq)},
                                      {"device", ToHex(e.author).substr(0, 8)},
                                      {"reason", std::move(rejection.reason)}}));
    }
    bool refused = !rejections->empty();
    for (const Node::Outgoing& e : batch) {
      relay_frontier[e.author] = std::max(relay_frontier[e.author], e.seq);
    }
    Progress(SyncProgress::Phase::kPush);
    // What follows a refused envelope would be refused too (its chain is broken there).
    if (refused) return StartPull();
    NextPush();
  }

  void StartPull() {
    pull_frontier = node.Frontier();
    step = Step::kPull;
  }

  void TakePull(const HttpResponse& r) {
    if (r.status != 200) return Refused("pull", r);
    auto frames = DecodeFrames(r.body, kMaxEnvelopeBytes, kMaxFrames);
    if (!frames) return Malformed("pull");
    report.totals.envelopes_down += frames->size();
    report.totals.bytes_down += r.body.size();
    bool advanced = false;
    if (!frames->empty()) {
      auto received = node.Receive(*frames);
      if (!received) return Fail(received.error());
      // Whatever became of each (applied, waiting, refused), the relay need not send it again.
      for (const Received& item : received->items) {
        if (item.kind != Kind::kChanges || item.author.size() != kIdBytes) continue;
        uint64_t& have = pull_frontier[item.author];
        if (item.seq > have) {
          have = item.seq;
          advanced = true;
        }
      }
      report.received.Merge(*received);
    }
    Progress(SyncProgress::Phase::kPull);
    if (r.Header("X-Dosti-More") != "1") return Finish();
    if (!advanced) {
      return Fail(ErrorCode::kNetwork, "sync.round.no_progress", {{"relay", o.relay_url}});
    }
  }

  void Finish() {
    if (auto r = node.SetRelayUrl(o.relay_url); !r) return Fail(r.error());
    if (auto r = node.SetRelayCursor(o.relay_url, cursor); !r) return Fail(r.error());
    // The relay holds every envelope sealed so far unless it refused one (or this device,
    // still pending, sealed none and pushed nothing).
    if (auto r = node.NoteSynced(!node.pending() && report.push_refused.empty()); !r) {
      return Fail(r.error());
    }
    report.received.awaiting_approval = node.pending();
    report.received.code = node.verification_code();
    step = Step::kDone;
    Progress(SyncProgress::Phase::kDone);
  }

  void Dispatch(const HttpResponse& r) {
    switch (step) {
      case Step::kGetControl: return TakeControlPage(r);
      case Step::kRegister: return TakeRegistration(r);
      case Step::kPostControl: return TakeControlPost(r);
      case Step::kChallenge: return TakeChallenge(r);
      case Step::kSession: return TakeSession(r);
      case Step::kFrontier: return TakeFrontier(r);
      case Step::kPush: return TakePush(r);
      case Step::kPull: return TakePull(r);
      default: return;
    }
  }
};

SyncRound::SyncRound(Node& node, SyncOptions options)
    : s_(std::make_unique<State>(node, std::move(options))) {}
SyncRound::~SyncRound() = default;

void SyncRound::Cancel() {
  cancelled_.store(true, std::memory_order_release);
  s_->node.Interrupt();  // a page being taken in stops at its next envelope
}

std::optional<HttpRequest> SyncRound::Next() {
  State& s = *s_;
  if (s.step == Step::kDone || s.step == Step::kFailed) return std::nullopt;
  if (cancelled_.load(std::memory_order_acquire)) {
    s.Fail(ErrorCode::kCancelled, "sync.round.cancelled", {});
    return std::nullopt;
  }
  if (s.step == Step::kStart) s.Begin();
  if (s.step == Step::kDone || s.step == Step::kFailed) return std::nullopt;
  if (s.retry) {
    s.retry = false;
    HttpRequest again = s.last;
    again.delay_ms = s.wait_ms;
    return again;
  }
  s.last = s.Request();
  s.attempt = 1;
  s.wait_ms = s.o.backoff_ms;
  return s.last;
}

void SyncRound::Take(const HttpResponse& r) {
  State& s = *s_;
  if (s.step == Step::kDone || s.step == Step::kFailed || s.step == Step::kStart) return;
  ++s.report.totals.requests;
  // No answer, a relay in trouble, or "too many requests": the same request again, later.
  if (r.status == 0 || r.status >= 500 || r.status == 429) {
    if (s.attempt < std::max(1, s.o.attempts)) {
      int wait = s.attempt == 1 ? s.o.backoff_ms : std::min(s.wait_ms * 2, s.o.max_backoff_ms);
      std::string after = r.Header("Retry-After");
      if (r.status == 429 && !after.empty() && after.size() < 4 &&
          after.find_first_not_of("0123456789") == std::string::npos) {
        int seconds = 0;
        for (char c : after) seconds = seconds * 10 + (c - '0');
        wait = std::max(wait, seconds * 1000);
      }
      s.wait_ms = wait;
      ++s.attempt;
      s.retry = true;
      return;
    }
    if (r.status == 0) {
      return s.Fail(ErrorCode::kNetwork, "sync.round.unreachable",
                    {{"relay", s.o.relay_url}, {"why", r.failure},
                     {"attempts", std::to_string(s.attempt)}});
    }
    return s.Refused("busy", r);
  }
  // A session that expired (or a relay that restarted): sign in again, once, and go on.
  bool signed_step = s.step == Step::kGetControl || s.step == Step::kFrontier ||
                     s.step == Step::kPush || s.step == Step::kPull;
  if (r.status == 401 && signed_step && !s.signed_in_again) {
    s.signed_in_again = true;
    s.after_sign_in = s.step;
    s.challenges = 0;
    s.step = Step::kChallenge;
    return;
  }
  s.Dispatch(r);
}

Result<SyncReport> SyncRound::Finish() {
  State& s = *s_;
  if (s.step == Step::kFailed && s.error) return *s.error;
  if (s.step != Step::kDone) return MakeError(ErrorCode::kInternal, "sync.round.unfinished");
  return s.report;
}

}  // namespace dosti::sync
