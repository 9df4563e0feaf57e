// File: lib/builtins/net.cc
//
// CIDR arithmetic with the semantics of Go's net package, which OPA uses:
// net.cidr_contains (net.cidr_overlap), net.cidr_intersects,
// net.cidr_expand, net.cidr_contains_matches, net.cidr_merge and
// net.cidr_is_valid. Pure math, no DNS.
//
// Addresses are kept as Go keeps them: 16 bytes, IPv4 as ::ffff:a.b.c.d;
// a network remembers whether it was written as IPv4 (its mask is then 32
// bits wide). Textual forms follow Go's net.IP.String (IPv4-mapped
// addresses print dotted; IPv6 compresses the longest zero run).
//
// Tested by tests/builtins/net_test.cc.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"

namespace verdict::builtins {
namespace {

using Bytes = std::array<uint8_t, 16>;

constexpr uint8_t kV4Prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool IsV4Mapped(const Bytes& b) { return std::equal(b.begin(), b.begin() + 12, kV4Prefix); }

// netip.ParseAddr for IPv4: four decimal fields, no leading zeros.
std::optional<Bytes> ParseV4(std::string_view s) {
  Bytes out{};
  std::copy(kV4Prefix, kV4Prefix + 12, out.begin());
  int field = 0;
  size_t i = 0;
  while (field < 4) {
    size_t start = i;
    int v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      if (v > 255) return std::nullopt;
      ++i;
    }
    size_t len = i - start;
    if (len == 0 || (len > 1 && s[start] == '0')) return std::nullopt;
    out[12 + field] = static_cast<uint8_t>(v);
    ++field;
    if (field < 4) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != s.size()) return std::nullopt;
  return out;
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// netip.ParseAddr for IPv6 (zones rejected: Go's net package refuses them
// in ParseIP and ParseCIDR).
std::optional<Bytes> ParseV6(std::string_view s) {
  Bytes out{};
  int ellipsis = -1;  // index in out where "::" was
  size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    i = 2;
    if (i == s.size()) return out;
  }
  int n = 0;  // bytes written
  while (n < 16) {
    // A hex field of up to 4 digits.
    size_t start = i;
    int v = 0;
    while (i < s.size() && HexVal(s[i]) >= 0) {
      v = v * 16 + HexVal(s[i]);
      ++i;
      if (i - start > 4) return std::nullopt;
    }
    if (i == start) return std::nullopt;
    // An embedded IPv4 address at the end.
    if (i < s.size() && s[i] == '.') {
      if (ellipsis < 0 && n != 12) return std::nullopt;
      if (n > 12) return std::nullopt;
      std::optional<Bytes> v4 = ParseV4(s.substr(start));
      if (!v4) return std::nullopt;
      std::copy(v4->begin() + 12, v4->end(), out.begin() + n);
      n += 4;
      i = s.size();
      break;
    }
    out[n] = static_cast<uint8_t>(v >> 8);
    out[n + 1] = static_cast<uint8_t>(v & 0xff);
    n += 2;
    if (i == s.size()) break;
    if (s[i] != ':' || i + 1 == s.size()) return std::nullopt;
    ++i;
    if (s[i] == ':') {
      if (ellipsis >= 0) return std::nullopt;
      ellipsis = n;
      ++i;
      if (i == s.size()) break;
    }
  }
  if (i != s.size()) return std::nullopt;
  if (n < 16) {
    if (ellipsis < 0) return std::nullopt;
    int shift = 16 - n;
    for (int k = n - 1; k >= ellipsis; --k) out[k + shift] = out[k];
    for (int k = ellipsis; k < ellipsis + shift; ++k) out[k] = 0;
  } else if (ellipsis >= 0) {
    return std::nullopt;  // "::" must stand for at least one group
  }
  return out;
}

struct Addr {
  Bytes b{};
  bool is4 = false;  // written as IPv4 (netip's Is4)
};

// net.ParseIP: IPv4 or IPv6 text.
std::optional<Addr> ParseIp(std::string_view s) {
  if (s.find(':') == std::string_view::npos) {
    std::optional<Bytes> v4 = ParseV4(s);
    if (!v4) return std::nullopt;
    return Addr{*v4, true};
  }
  std::optional<Bytes> v6 = ParseV6(s);
  if (!v6) return std::nullopt;
  return Addr{*v6, false};
}

// A network as Go's IPNet: [ip] (16 bytes) and a prefix over [bits] (32
// for IPv4 networks, 128 otherwise). [ip] is not necessarily masked
// (plain IPv4 addresses in cidr_merge keep their host bits, as in Go).
struct Net {
  Bytes ip{};
  int prefix = 0;
  int bits = 128;
};

// The prefix length applied to the 16-byte form.
int Prefix128(const Net& n) { return n.bits == 32 ? n.prefix + 96 : n.prefix; }

Bytes Mask(const Bytes& ip, int prefix128) {
  Bytes out = ip;
  for (int i = 0; i < 16; ++i) {
    int bits_here = std::clamp(prefix128 - 8 * i, 0, 8);
    uint8_t m = bits_here == 0 ? 0 : static_cast<uint8_t>(0xFF << (8 - bits_here));
    out[i] &= m;
  }
  return out;
}

Bytes LastOf(const Bytes& ip, int prefix128) {
  Bytes out = Mask(ip, prefix128);
  for (int i = 0; i < 16; ++i) {
    int bits_here = std::clamp(prefix128 - 8 * i, 0, 8);
    out[i] |= static_cast<uint8_t>(0xFF >> bits_here);
  }
  return out;
}

// net.ParseCIDR; errors read "invalid CIDR address: <s>".
absl::StatusOr<Net> ParseCidr(std::string_view s) {
  auto invalid = [&] {
    return MakeError(ErrorCode::kEvalBuiltinError,
                     absl::StrCat("invalid CIDR address: ", Absl(s)));
  };
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return invalid();
  std::optional<Addr> addr = ParseIp(s.substr(0, slash));
  if (!addr) return invalid();
  std::string_view mask = s.substr(slash + 1);
  int n = 0;
  size_t i = 0;
  for (; i < mask.size() && mask[i] >= '0' && mask[i] <= '9'; ++i) {
    n = n * 10 + (mask[i] - '0');
    if (n > 0xFFFFFF) return invalid();
  }
  int bits = addr->is4 ? 32 : 128;
  if (i == 0 || i != mask.size() || n > bits) return invalid();
  Net net;
  net.bits = bits;
  net.prefix = n;
  net.ip = Mask(addr->b, Prefix128(net));
  return net;
}

// IPNet.Contains: an IPv4 network only holds IPv4 addresses; an IPv6
// network written with an IPv4-mapped address behaves as IPv4 when its
// mask keeps the ::ffff: part.
bool Contains(const Net& n, const Bytes& ip) {
  bool net4 = IsV4Mapped(n.ip);
  bool ip4 = IsV4Mapped(ip);
  if (net4 != ip4) return false;
  int p = Prefix128(n);
  return Mask(n.ip, p) == Mask(ip, p);
}

std::string IpString(const Bytes& b) {
  if (IsV4Mapped(b)) {
    return absl::StrCat(b[12], ".", b[13], ".", b[14], ".", b[15]);
  }
  // Longest run (at least two) of zero groups becomes "::".
  int best_start = -1, best_len = 0;
  for (int g = 0; g < 8;) {
    if (b[2 * g] == 0 && b[2 * g + 1] == 0) {
      int start = g;
      while (g < 8 && b[2 * g] == 0 && b[2 * g + 1] == 0) ++g;
      if (g - start > best_len && g - start >= 2) {
        best_start = start;
        best_len = g - start;
      }
    } else {
      ++g;
    }
  }
  std::string out;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int g = 0; g < 8; ++g) {
    if (g == best_start) {
      out += "::";
      g += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    int v = (b[2 * g] << 8) | b[2 * g + 1];
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int d = (v >> shift) & 15;
      if (d != 0 || started || shift == 0) {
        out.push_back(kHex[d]);
        started = true;
      }
    }
  }
  return out;
}

std::string NetString(const Net& n) { return absl::StrCat(IpString(n.ip), "/", n.prefix); }

int CompareBytes(const Bytes& a, const Bytes& b) {
  for (int i = 0; i < 16; ++i) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

absl::StatusOr<Net> NetArg(std::string_view name, std::span<const Value> args, int pos) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg(name, args, pos));
  absl::StatusOr<Net> n = ParseCidr(s);
  if (!n.ok()) return BuiltinError(name, Std(n.status().message()));
  return n;
}

// net.cidr_contains on two strings: [b] an IP or a CIDR.
absl::StatusOr<bool> CidrContains(std::string_view name, const Value& a, const Value& b) {
  if (!a.is_string()) return OperandTypeError(name, 0, a, {"string"});
  absl::StatusOr<Net> net = ParseCidr(a.as_string());
  if (!net.ok()) return BuiltinError(name, Std(net.status().message()));
  if (!b.is_string()) return OperandTypeError(name, 0, b, {"string"});
  if (std::optional<Addr> ip = ParseIp(b.as_string())) return Contains(*net, ip->b);
  absl::StatusOr<Net> inner = ParseCidr(b.as_string());
  if (!inner.ok()) {
    return BuiltinError(name,
                        absl::StrCat("not a valid textual representation of an IP address or "
                                     "CIDR: ",
                                     Absl(b.as_string())));
  }
  if (!Contains(*net, inner->ip)) return false;
  return Contains(*net, LastOf(inner->ip, Prefix128(*inner)));
}

}  // namespace

absl::StatusOr<Value> NetCidrContains(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(bool r, CidrContains("net.cidr_contains", args[0], args[1]));
  return Value::Bool(r);
}

absl::StatusOr<Value> NetCidrIntersects(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(Net a, NetArg("net.cidr_intersects", args, 0));
  VERDICT_ASSIGN_OR_RETURN(Net b, NetArg("net.cidr_intersects", args, 1));
  return Value::Bool(Contains(a, b.ip) || Contains(b, a.ip));
}

absl::StatusOr<Value> NetCidrIsValid(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return Value::Bool(false);
  return Value::Bool(ParseCidr(args[0].as_string()).ok());
}

absl::StatusOr<Value> NetCidrExpand(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "net.cidr_expand";
  VERDICT_ASSIGN_OR_RETURN(Net net, NetArg(kName, args, 0));
  int host_bits = net.bits - net.prefix;
  if (host_bits >= 63 || (uint64_t{1} << host_bits) > limits::kMaxBuiltinResultElements) {
    return BuiltinError(kName, absl::StrCat("CIDR ", NetString(net),
                                            " has too many addresses to expand"));
  }
  uint64_t count = uint64_t{1} << host_bits;
  SetBuilder out(ctx.arena);
  out.Reserve(static_cast<size_t>(count));
  Bytes ip = net.ip;
  for (uint64_t k = 0; k < count; ++k) {
    out.Add(Value::String(IpString(ip), ctx.arena));
    for (int j = 15; j >= 0; --j) {  // increment
      if (++ip[j] != 0) break;
    }
  }
  return out.Build();
}

namespace {

// Elements of a cidr_contains_matches operand: (cidr term, index term).
absl::Status MatchOperand(std::string_view name, int operand, const Value& v,
                          std::vector<std::pair<Value, Value>>* out) {
  auto cidr_of = [&](const Value& x, Value* cidr) -> absl::Status {
    if (x.is_string()) {
      *cidr = x;
      return absl::OkStatus();
    }
    if (x.is_array() && !x.empty()) {
      *cidr = x[0];
      return absl::OkStatus();
    }
    return BuiltinError(name, absl::StrCat("operand ", operand,
                                           ": element must be string or non-empty array"));
  };
  switch (v.kind()) {
    case Kind::kString:
      out->emplace_back(v, v);
      return absl::OkStatus();
    case Kind::kArray:
      for (size_t i = 0; i < v.size(); ++i) {
        Value cidr;
        VERDICT_RETURN_IF_ERROR(cidr_of(v[i], &cidr));
        out->emplace_back(cidr, Value::Int(static_cast<int64_t>(i)));
      }
      return absl::OkStatus();
    case Kind::kSet:
      for (const Value& x : v.items()) {
        Value cidr;
        VERDICT_RETURN_IF_ERROR(cidr_of(x, &cidr));
        out->emplace_back(cidr, x);
      }
      return absl::OkStatus();
    case Kind::kObject:
      for (const ObjectEntry& e : v.entries()) {
        Value cidr;
        VERDICT_RETURN_IF_ERROR(cidr_of(e.value, &cidr));
        out->emplace_back(cidr, e.key);
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();  // OPA yields an empty set
  }
}

}  // namespace

absl::StatusOr<Value> NetCidrContainsMatches(BuiltinContext& ctx,
                                             std::span<const Value> args) {
  constexpr std::string_view kName = "net.cidr_contains_matches";
  std::vector<std::pair<Value, Value>> a, b;
  VERDICT_RETURN_IF_ERROR(MatchOperand(kName, 1, args[0], &a));
  VERDICT_RETURN_IF_ERROR(MatchOperand(kName, 2, args[1], &b));
  SetBuilder out(ctx.arena);
  for (const auto& [cidr1, index1] : a) {
    for (const auto& [cidr2, index2] : b) {
      VERDICT_ASSIGN_OR_RETURN(bool hit, CidrContains(kName, cidr1, cidr2));
      if (hit) {
        ArrayBuilder pair(ctx.arena);
        pair.Add(index1);
        pair.Add(index2);
        out.Add(pair.Build());
      }
    }
  }
  return out.Build();
}

// --- net.cidr_merge ----------------------------------------------------------------

namespace {

struct Range {
  Bytes first, last;
  std::optional<Net> network;  // set while not merged with another range
};

Bytes PreviousIp(const Bytes& ip) {
  Bytes zero4{};
  std::copy(kV4Prefix, kV4Prefix + 12, zero4.begin());
  if (ip == Bytes{} || ip == zero4) return ip;
  Bytes out = ip;
  int lower = IsV4Mapped(ip) ? 12 : 0;
  for (int i = 15; i >= lower; --i) {
    if (out[i]-- != 0) break;
  }
  return out;
}

// Go's IP.DefaultMask: the classful mask of an IPv4 address.
int DefaultPrefix(const Bytes& ip) {
  if (ip[12] < 0x80) return 8;
  if (ip[12] < 0xC0) return 16;
  return 24;
}

// The fewest CIDRs covering [first, last] (same family).
void RangeToCidrs(Bytes first, const Bytes& last, std::vector<Net>* out) {
  bool v4 = IsV4Mapped(first);
  int min_prefix = v4 ? 96 : 0;
  while (CompareBytes(first, last) <= 0) {
    int prefix = min_prefix;
    // The shortest prefix whose block starts at [first] and ends by [last].
    while (prefix < 128 &&
           (Mask(first, prefix) != first || CompareBytes(LastOf(first, prefix), last) > 0)) {
      ++prefix;
    }
    Net n;
    n.ip = first;
    n.bits = v4 ? 32 : 128;
    n.prefix = v4 ? prefix - 96 : prefix;
    out->push_back(n);
    Bytes end = LastOf(first, prefix);
    // first = end + 1, stopping at the top of the space.
    bool carry = true;
    for (int i = 15; i >= 0 && carry; --i) carry = ++end[i] == 0;
    if (carry || (v4 && !IsV4Mapped(end))) break;
    first = end;
  }
}

}  // namespace

absl::StatusOr<Value> NetCidrMerge(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "net.cidr_merge";
  const Value& v = args[0];
  if (!v.is_array() && !v.is_set()) return BuiltinError(kName, "operand must be an array");
  std::vector<Range> ranges;
  for (const Value& item : v.items()) {
    if (!item.is_string()) return BuiltinError(kName, "element must be string");
    std::string_view s = item.as_string();
    Net net;
    if (std::optional<Addr> ip = ParseIp(s)) {
      if (!IsV4Mapped(ip->b)) return BuiltinError(kName, "IPv6 invalid: needs prefix length");
      net.ip = ip->b;  // unmasked, with the classful mask, as Go does
      net.bits = 32;
      net.prefix = DefaultPrefix(ip->b);
    } else {
      absl::StatusOr<Net> parsed = ParseCidr(s);
      if (!parsed.ok()) return BuiltinError(kName, Std(parsed.status().message()));
      net = *parsed;
    }
    int p = Prefix128(net);
    ranges.push_back({Mask(net.ip, p), LastOf(net.ip, p), net});
  }
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    int c = CompareBytes(a.last, b.last);
    if (c != 0) return c < 0;
    return CompareBytes(a.first, b.first) < 0;
  });
  for (size_t i = ranges.size(); i-- > 1;) {
    if (CompareBytes(PreviousIp(ranges[i].first), ranges[i - 1].last) <= 0) {
      Range merged;
      merged.first = CompareBytes(ranges[i - 1].first, ranges[i].first) < 0 ? ranges[i - 1].first
                                                                            : ranges[i].first;
      merged.last = ranges[i].last;
      ranges[i - 1] = merged;
      ranges.erase(ranges.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  SetBuilder out(ctx.arena);
  for (const Range& r : ranges) {
    if (r.network) {
      out.Add(Value::String(NetString(*r.network), ctx.arena));
      continue;
    }
    std::vector<Net> cidrs;
    RangeToCidrs(r.first, r.last, &cidrs);
    for (const Net& n : cidrs) out.Add(Value::String(NetString(n), ctx.arena));
  }
  return out.Build();
}

}  // namespace verdict::builtins
