// File: lib/builtins/misc.cc
//
// Smaller families: semver.is_valid / semver.compare (OPA's internal
// semver package rules), uuid.parse (google/uuid's accepted forms and the
// fields OPA reports) and uuid.rfc4122, graph.reachable and
// graph.reachable_paths.
//
// Tested by tests/builtins/misc_test.cc.
#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"

namespace verdict::builtins {
namespace {

// --- semver ------------------------------------------------------------------

struct SemVer {
  int64_t major = 0, minor = 0, patch = 0;
  std::string_view pre_release;
};

bool IsIdentifierChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// ^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$
bool ValidIdentifiers(std::string_view s) {
  if (s.empty()) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (part.empty()) return false;
    for (char c : part) {
      if (!IsIdentifierChar(c)) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Go's strconv.ParseInt(s, 10, 64).
std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (uint64_t{1} << 63) / 10) return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (neg) {
    if (v > uint64_t{1} << 63) return std::nullopt;
    return static_cast<int64_t>(0 - v);
  }
  if (v > (uint64_t{1} << 63) - 1) return std::nullopt;
  return static_cast<int64_t>(v);
}

std::pair<std::string_view, std::string_view> Cut(std::string_view s, char sep) {
  size_t i = s.find(sep);
  if (i == std::string_view::npos) return {s, {}};
  return {s.substr(0, i), s.substr(i + 1)};
}

std::optional<SemVer> ParseSemVer(std::string_view s) {
  if (s.starts_with("v")) s.remove_prefix(1);
  SemVer v;
  auto [rest, metadata] = Cut(s, '+');
  if (!metadata.empty() && !ValidIdentifiers(metadata)) return std::nullopt;
  auto [core, pre] = Cut(rest, '-');
  if (!pre.empty() && !ValidIdentifiers(pre)) return std::nullopt;
  v.pre_release = pre;
  if (std::count(core.begin(), core.end(), '.') != 2) return std::nullopt;
  auto [major, after_major] = Cut(core, '.');
  auto [minor, patch] = Cut(after_major, '.');
  std::optional<int64_t> a = ParseInt64(major), b = ParseInt64(minor), c = ParseInt64(patch);
  if (!a || !b || !c) return std::nullopt;
  v.major = *a;
  v.minor = *b;
  v.patch = *c;
  return v;
}

bool AllDecimals(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Decimal strings compared numerically (any length).
int CompareDecimal(std::string_view a, std::string_view b) {
  while (a.size() > 1 && a[0] == '0') a.remove_prefix(1);
  while (b.size() > 1 && b[0] == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int CompareSemVer(const SemVer& x, const SemVer& y) {
  if (x.major != y.major) return x.major < y.major ? -1 : 1;
  if (x.minor != y.minor) return x.minor < y.minor ? -1 : 1;
  if (x.patch != y.patch) return x.patch < y.patch ? -1 : 1;
  if (x.pre_release == y.pre_release) return 0;
  if (x.pre_release.empty()) return 1;  // a release beats its pre-releases
  if (y.pre_release.empty()) return -1;
  auto [a, after_a] = Cut(x.pre_release, '.');
  auto [b, after_b] = Cut(y.pre_release, '.');
  while (true) {
    if (a.empty() && !b.empty()) return -1;
    if (!a.empty() && b.empty()) return 1;
    bool a_int = AllDecimals(a), b_int = AllDecimals(b);
    if (a_int && !b_int) return -1;
    if (!a_int && b_int) return 1;
    int c = a_int ? CompareDecimal(a, b) : a.compare(b);
    if (c != 0) return c < 0 ? -1 : 1;
    if (!after_a.empty() && after_b.empty()) return 1;
    if (after_a.empty() && !after_b.empty()) return -1;
    if (after_a.empty() && after_b.empty()) return 0;
    std::tie(a, after_a) = Cut(after_a, '.');
    std::tie(b, after_b) = Cut(after_b, '.');
  }
}

}  // namespace

absl::StatusOr<Value> SemverIsValid(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::Bool(args[0].is_string() && ParseSemVer(args[0].as_string()).has_value());
}

absl::StatusOr<Value> SemverCompare(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "semver.compare";
  VERDICT_ASSIGN_OR_RETURN(std::string_view a, StringArg(kName, args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::string_view b, StringArg(kName, args, 1));
  std::optional<SemVer> va = ParseSemVer(a);
  if (!va) return BuiltinError(kName, absl::StrCat("operand 1: string \"", Absl(a),
                                                   "\" is not a valid SemVer"));
  std::optional<SemVer> vb = ParseSemVer(b);
  if (!vb) return BuiltinError(kName, absl::StrCat("operand 2: string \"", Absl(b),
                                                   "\" is not a valid SemVer"));
  return Value::Int(CompareSemVer(*va, *vb));
}

// --- uuid ------------------------------------------------------------------------

namespace {

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// google/uuid.Parse: 36 chars with dashes, wrapped in braces (38), with a
// "urn:uuid:" prefix (45), or 32 hex digits.
std::optional<std::array<uint8_t, 16>> ParseUuid(std::string_view s) {
  if (s.size() == 45) {
    if (!s.starts_with("urn:uuid:") && !s.starts_with("URN:UUID:")) return std::nullopt;
    s.remove_prefix(9);
  } else if (s.size() == 38) {
    if (s.front() != '{' || s.back() != '}') return std::nullopt;
    s = s.substr(1, 36);
  }
  std::array<uint8_t, 16> out{};
  if (s.size() == 36) {
    if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return std::nullopt;
    static constexpr int kOffsets[16] = {0,  2,  4,  6,  9,  11, 14, 16,
                                         19, 21, 24, 26, 28, 30, 32, 34};
    for (int i = 0; i < 16; ++i) {
      int hi = Hex(s[kOffsets[i]]), lo = Hex(s[kOffsets[i] + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return out;
  }
  if (s.size() == 32) {
    for (int i = 0; i < 16; ++i) {
      int hi = Hex(s[2 * i]), lo = Hex(s[2 * i + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out[i] = static_cast<uint8_t>(hi * 16 + lo);
    }
    return out;
  }
  return std::nullopt;
}

std::string_view VariantName(uint8_t b) {
  if ((b & 0xc0) == 0x80) return "RFC4122";
  if ((b & 0xe0) == 0xc0) return "Microsoft";
  if ((b & 0xe0) == 0xe0) return "Future";
  return "Reserved";
}

std::string_view MacVariables(uint8_t b) {
  if ((b & 3) == 3) return "local:multicast";
  if ((b & 1) == 1) return "global:multicast";
  if ((b & 2) == 2) return "local:unicast";
  return "global:unicast";
}

}  // namespace

// Undefined (no error) for strings that are not UUIDs, as in OPA.
absl::StatusOr<Value> UuidParse(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("uuid.parse", args, 0));
  std::optional<std::array<uint8_t, 16>> u = ParseUuid(s);
  if (!u) return Value::Undefined();
  const std::array<uint8_t, 16>& b = *u;
  int version = b[6] >> 4;
  ObjectBuilder out(ctx.arena);
  out.Add(Value::String("version", ctx.arena), Value::Int(version));
  out.Add(Value::String("variant", ctx.arena), Value::String(VariantName(b[8]), ctx.arena));
  if (version == 1 || version == 2) {
    // 100 ns intervals since 1582-10-15, to Unix nanoseconds.
    int64_t t = static_cast<int64_t>((uint64_t{b[0]} << 24) | (uint64_t{b[1]} << 16) |
                                     (uint64_t{b[2]} << 8) | b[3]);
    t |= static_cast<int64_t>((uint64_t{b[4]} << 8) | b[5]) << 32;
    t |= static_cast<int64_t>(((uint64_t{b[6]} << 8) | b[7]) & 0xfff) << 48;
    constexpr int64_t kGregorianOffset = 122192928000000000;  // 100 ns units
    int64_t since_unix = t - kGregorianOffset;
    int64_t ns = (since_unix / 10000000) * 1000000000 + (since_unix % 10000000) * 100;
    out.Add(Value::String("time", ctx.arena), Value::Int(ns));
    std::string node;
    static constexpr char kHexDigits[] = "0123456789abcdef";
    for (int i = 10; i < 16; ++i) {
      if (i > 10) node.push_back('-');
      node.push_back(kHexDigits[b[i] >> 4]);
      node.push_back(kHexDigits[b[i] & 15]);
    }
    out.Add(Value::String("nodeid", ctx.arena), Value::String(node, ctx.arena));
    out.Add(Value::String("macvariables", ctx.arena),
            Value::String(MacVariables(b[10]), ctx.arena));
    out.Add(Value::String("clocksequence", ctx.arena),
            Value::Int(((b[8] << 8) | b[9]) & 0x3fff));
    if (version == 2) {
      uint32_t id = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
      out.Add(Value::String("id", ctx.arena), Value::Int(id));
      std::string domain;
      switch (b[9]) {
        case 0: domain = "Person"; break;
        case 1: domain = "Group"; break;
        case 2: domain = "Org"; break;
        default: domain = absl::StrCat("Domain", b[9]); break;
      }
      out.Add(Value::String("domain", ctx.arena), Value::String(domain, ctx.arena));
    }
  }
  return out.Build();
}

// A version 4 UUID drawn from the evaluation's seed and the key, so the
// same key gives the same UUID within one evaluation (OPA caches per key)
// and a recorded seed replays it.
absl::StatusOr<Value> UuidRfc4122(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view key, StringArg("uuid.rfc4122", args, 0));
  uint64_t h1 = ctx.random_seed ^ 0x243F6A8885A308D3ull;
  uint64_t h2 = ctx.random_seed ^ 0x13198A2E03707344ull;
  for (char c : key) {
    h1 = (h1 ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
    h2 = (h2 + static_cast<unsigned char>(c)) * 0xC2B2AE3D27D4EB4Full;
  }
  auto mix = [](uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  };
  h1 = mix(h1);
  h2 = mix(h2 ^ h1);
  uint8_t b[16];
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<uint8_t>(h1 >> (8 * i));
    b[8 + i] = static_cast<uint8_t>(h2 >> (8 * i));
  }
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHexDigits[b[i] >> 4]);
    s.push_back(kHexDigits[b[i] & 15]);
  }
  return Value::String(s, ctx.arena);
}

// --- graph ----------------------------------------------------------------------

namespace {

absl::Status CheckInitial(std::string_view name, const Value& v) {
  if (!v.is_array() && !v.is_set()) return OperandTypeError(name, 1, v, {"{array, set}"});
  return absl::OkStatus();
}

// Neighbours of [node]: the array or set stored under it (nothing else).
std::span<const Value> Edges(const Value* edges) {
  if (edges == nullptr || (!edges->is_array() && !edges->is_set())) return {};
  return edges->items();
}

}  // namespace

absl::StatusOr<Value> GraphReachable(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* graph, ObjectArg("graph.reachable", args, 0));
  VERDICT_RETURN_IF_ERROR(CheckInitial("graph.reachable", args[1]));
  std::deque<Value> queue(args[1].items().begin(), args[1].items().end());
  std::vector<Value> reached;  // small graphs; membership by a hash set below
  absl::flat_hash_set<Value, ValueHash> seen;
  while (!queue.empty()) {
    Value node = std::move(queue.front());
    queue.pop_front();
    const Value* edges = graph->Get(node);
    if (edges == nullptr) continue;
    for (const Value& neighbour : Edges(edges)) {
      if (!seen.contains(neighbour)) queue.push_back(neighbour);
    }
    if (seen.insert(node).second) reached.push_back(node);
  }
  SetBuilder out(ctx.arena);
  for (Value& v : reached) out.Add(std::move(v));
  return out.Build();
}

namespace {

// OPA's pathBuilder: depth-first from [root], committing a path at leaves
// (with [root]), at nodes missing from the graph (without them) and where a
// neighbour was already reached (with [root]). [reached] is shared by the
// whole walk from one starting edge, and a node joins it only when the walk
// descends from it, exactly as OPA does: the result depends on that order.
void BuildPaths(const Value& graph, const Value& root, std::vector<Value>& path,
                absl::flat_hash_set<Value, ValueHash>& reached, SetBuilder& out, Arena* arena) {
  auto commit = [&](bool with_root) {
    ArrayBuilder a(arena);
    for (const Value& v : path) a.Add(v);
    if (with_root) a.Add(root);
    out.Add(a.Build());
  };
  const Value* edges = graph.Get(root);
  if (edges == nullptr) {
    commit(false);
    return;
  }
  std::span<const Value> next = Edges(edges);
  if (next.empty() || path.size() > static_cast<size_t>(limits::kMaxJsonDepth)) {
    commit(true);
    return;
  }
  for (const Value& neighbour : next) {
    if (reached.contains(neighbour)) {
      commit(true);
    } else {
      reached.insert(root);
      path.push_back(root);
      BuildPaths(graph, neighbour, path, reached, out, arena);
      path.pop_back();
    }
  }
}

}  // namespace

absl::StatusOr<Value> GraphReachablePaths(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* graph, ObjectArg("graph.reachable_paths", args, 0));
  VERDICT_RETURN_IF_ERROR(CheckInitial("graph.reachable_paths", args[1]));
  SetBuilder out(ctx.arena);
  for (const Value& node : args[1].items()) {
    const Value* edges = graph->Get(node);
    if (edges == nullptr) continue;
    std::span<const Value> next = Edges(edges);
    if (next.empty()) {
      ArrayBuilder a(ctx.arena);
      a.Add(node);
      out.Add(a.Build());
      continue;
    }
    for (const Value& neighbour : next) {
      absl::flat_hash_set<Value, ValueHash> reached;
      reached.insert(node);
      std::vector<Value> path = {node};
      BuildPaths(*graph, neighbour, path, reached, out, ctx.arena);
    }
  }
  return out.Build();
}

}  // namespace verdict::builtins
