// File: lib/builtins/encoding.cc
//
// Encoding builtins: base64 / base64url (Go's encoding/base64 rules and
// error offsets), hex, urlquery (Go's net/url QueryEscape/QueryUnescape and
// url.Values), json.marshal / marshal_with_options / unmarshal / is_valid
// (Go's encoding/json output: sorted keys, HTML characters escaped), and
// yaml.marshal / unmarshal / is_valid.
//
// Tested by tests/builtins/encoding_test.cc.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/codec.h"
#include "builtins/functions.h"
#include "builtins/utf8.h"
#include "value/json.h"
#include "value/number.h"

namespace verdict::builtins {
namespace {

constexpr char kStdAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64Encode(std::string_view in, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(alphabet[(v >> 6) & 63]);
    out.push_back(alphabet[v & 63]);
  }
  size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (rest == 2) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(alphabet[(v >> 6) & 63]);
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

// Go's Encoding.DecodeString (padded, non-strict): '\r' and '\n' are
// skipped; errors carry Go's byte offset ("illegal base64 data at input
// byte 4").
// Into [*out] (cleared first), so a caller can reuse one buffer.
absl::Status Base64DecodeInto(std::string_view src, const char* alphabet, std::string* out_ptr) {
  // The reverse table of each alphabet, built once.
  struct Table {
    int8_t map[256];
    explicit Table(const char* a) {
      std::fill(std::begin(map), std::end(map), -1);
      for (int k = 0; k < 64; ++k) map[static_cast<unsigned char>(a[k])] = static_cast<int8_t>(k);
    }
  };
  static const Table kStd(kStdAlphabet), kUrl(kUrlAlphabet);
  const int8_t* map = alphabet == kUrlAlphabet ? kUrl.map : kStd.map;  // the only two
  auto corrupt = [](size_t offset) {
    return MakeError(ErrorCode::kEvalBuiltinError,
                     absl::StrCat("illegal base64 data at input byte ", offset));
  };
  std::string& out = *out_ptr;
  out.clear();
  out.reserve(src.size() / 4 * 3);
  size_t si = 0;
  while (true) {
    uint8_t dbuf[4] = {0, 0, 0, 0};
    int dlen = 4;
    bool end = false;
    for (int j = 0; j < 4; ++j) {
      if (si == src.size()) {
        if (j == 0) return absl::OkStatus();
        return corrupt(si - static_cast<size_t>(j));
      }
      unsigned char in = static_cast<unsigned char>(src[si++]);
      if (map[in] >= 0) {
        dbuf[j] = static_cast<uint8_t>(map[in]);
        continue;
      }
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=') return corrupt(si - 1);
      // Padding: the end of the data.
      if (j < 2) return corrupt(si - 1);
      if (j == 2) {
        while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) ++si;
        if (si == src.size()) return corrupt(src.size());
        if (src[si] != '=') return corrupt(si - 1);
        ++si;
      }
      while (si < src.size() && (src[si] == '\n' || src[si] == '\r')) ++si;
      if (si < src.size()) return corrupt(si);
      dlen = j;
      end = true;
      break;
    }
    uint32_t v = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    out.push_back(static_cast<char>(v >> 16));
    if (dlen > 2) out.push_back(static_cast<char>((v >> 8) & 0xFF));
    if (dlen > 3) out.push_back(static_cast<char>(v & 0xFF));
    if (end) return absl::OkStatus();
  }
}

// The common case of Base64DecodeInto: standard-alphabet text in whole
// quads, with '=' only as the last one or two characters. Decoded straight
// into the result string; nullopt for anything else (line breaks, bad
// characters, stray padding), which Base64DecodeInto decodes or words the
// error for. Accepts exactly what it would, with the same bytes.
std::optional<Value> Base64DecodeQuads(std::string_view src, Arena* arena) {
  struct Table {
    uint8_t map[256];
    Table() {
      std::fill(std::begin(map), std::end(map), uint8_t{0x80});
      for (int k = 0; k < 64; ++k) {
        map[static_cast<unsigned char>(kStdAlphabet[k])] = static_cast<uint8_t>(k);
      }
    }
  };
  static const Table kTable;
  const size_t n = src.size();
  if (n == 0 || n % 4 != 0) return std::nullopt;
  const size_t pad = src[n - 1] != '=' ? 0 : (src[n - 2] != '=' ? 1 : 2);
  const size_t size = n / 4 * 3 - pad;
  const auto* in = reinterpret_cast<const unsigned char*>(src.data());
  const uint8_t* map = kTable.map;
  bool ok = true;
  auto fill = [&](char* out) {
    // Every quad but the last: 3 bytes each.
    size_t i = 0;
    for (; i + 4 < n; i += 4, out += 3) {
      const uint8_t a = map[in[i]], b = map[in[i + 1]], c = map[in[i + 2]], d = map[in[i + 3]];
      if (((a | b | c | d) & 0x80) != 0) {
        ok = false;
        return;
      }
      const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
      out[0] = static_cast<char>(v >> 16);
      out[1] = static_cast<char>(v >> 8);
      out[2] = static_cast<char>(v);
    }
    // The last quad: 3 - pad bytes; its '=' map to 0.
    const uint8_t a = map[in[i]], b = map[in[i + 1]];
    const uint8_t c = pad == 2 ? 0 : map[in[i + 2]];
    const uint8_t d = pad >= 1 ? 0 : map[in[i + 3]];
    if (((a | b | c | d) & 0x80) != 0) {
      ok = false;
      return;
    }
    const uint32_t v = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    out[0] = static_cast<char>(v >> 16);
    if (pad < 2) out[1] = static_cast<char>(v >> 8);
    if (pad < 1) out[2] = static_cast<char>(v);
  };
  Value result = Value::StringWith(size, arena, fill);
  if (!ok) return std::nullopt;
  return result;
}

absl::StatusOr<std::string> Base64Decode(std::string_view src, const char* alphabet) {
  std::string out;
  VERDICT_RETURN_IF_ERROR(Base64DecodeInto(src, alphabet, &out));
  return out;
}

}  // namespace

absl::StatusOr<Value> Base64Encode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("base64.encode", args, 0));
  return Value::String(Base64Encode(s, kStdAlphabet, true), ctx.arena);
}

absl::StatusOr<Value> Base64Decode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("base64.decode", args, 0));
  if (std::optional<Value> fast = Base64DecodeQuads(s, ctx.arena)) return *std::move(fast);
  thread_local std::string decoded;  // keeps its capacity across calls
  absl::Status status = Base64DecodeInto(s, kStdAlphabet, &decoded);
  if (!status.ok()) return BuiltinError("base64.decode", Std(status.message()));
  return Value::String(decoded, ctx.arena);
}

absl::StatusOr<Value> Base64IsValid(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("base64.is_valid", args, 0));
  return Value::Bool(Base64Decode(s, kStdAlphabet).ok());
}

absl::StatusOr<Value> Base64UrlEncode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("base64url.encode", args, 0));
  return Value::String(Base64Encode(s, kUrlAlphabet, true), ctx.arena);
}

absl::StatusOr<Value> Base64UrlEncodeNoPad(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("base64url.encode_no_pad", args, 0));
  return Value::String(Base64Encode(s, kUrlAlphabet, false), ctx.arena);
}

absl::StatusOr<std::string> DecodeBase64Url(std::string_view s) {
  std::string padded(s);
  if (!s.ends_with("=")) {
    switch (s.size() % 4) {
      case 0:
        break;
      case 2:
        padded += "==";
        break;
      case 3:
        padded += "=";
        break;
      default:
        return MakeError(ErrorCode::kEvalBuiltinError,
                         absl::StrCat("illegal base64url string: ", Absl(s)));
    }
  }
  return Base64Decode(padded, kUrlAlphabet);
}

std::string EncodeBase64Url(std::string_view s, bool pad) {
  return Base64Encode(s, kUrlAlphabet, pad);
}

// Unpadded input is padded first (RFC 7515 appendix C), as OPA does.
absl::StatusOr<Value> Base64UrlDecode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("base64url.decode", args, 0));
  absl::StatusOr<std::string> out = DecodeBase64Url(s);
  if (!out.ok()) return BuiltinError("base64url.decode", Std(out.status().message()));
  return Value::String(*out, ctx.arena);
}

// --- hex ------------------------------------------------------------------------

absl::StatusOr<Value> HexEncode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("hex.encode", args, 0));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (char c : s) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 15]);
  }
  return Value::String(out, ctx.arena);
}

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's %#U of a byte: "U+0067 'g'".
std::string InvalidHexByte(char c) {
  unsigned char b = static_cast<unsigned char>(c);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "encoding/hex: invalid byte: U+00";
  out.push_back(kHex[b >> 4]);
  out.push_back(kHex[b & 15]);
  if (b >= 0x20 && b < 0x7F) {
    out += " '";
    out.push_back(c);
    out += "'";
  } else if (b >= 0xA0) {
    out += " '";
    AppendUtf8(&out, b);
    out += "'";
  }
  return out;
}

}  // namespace

absl::StatusOr<Value> HexDecode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("hex.decode", args, 0));
  std::string out;
  out.reserve(s.size() / 2);
  size_t i = 0;
  for (; i + 1 < s.size(); i += 2) {
    int hi = HexDigit(s[i]);
    if (hi < 0) return BuiltinError("hex.decode", InvalidHexByte(s[i]));
    int lo = HexDigit(s[i + 1]);
    if (lo < 0) return BuiltinError("hex.decode", InvalidHexByte(s[i + 1]));
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  if (s.size() % 2 == 1) {
    if (HexDigit(s[i]) < 0) return BuiltinError("hex.decode", InvalidHexByte(s[i]));
    return BuiltinError("hex.decode", "encoding/hex: odd length hex string");
  }
  return Value::String(out, ctx.arena);
}

// --- urlquery --------------------------------------------------------------------

namespace {

// url.QueryEscape.
std::string QueryEscape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    unsigned char b = static_cast<unsigned char>(c);
    if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
        b == '-' || b == '_' || b == '.' || b == '~') {
      out.push_back(c);
    } else if (b == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
  }
  return out;
}

// url.QueryUnescape; errors: invalid URL escape "%zz".
absl::StatusOr<std::string> QueryUnescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || HexDigit(s[i + 1]) < 0 || HexDigit(s[i + 2]) < 0) {
        std::string_view bad = s.substr(i, std::min<size_t>(3, s.size() - i));
        return MakeError(ErrorCode::kEvalBuiltinError,
                         absl::StrCat("invalid URL escape \"", Absl(bad), "\""));
      }
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<Value> UrlQueryEncode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("urlquery.encode", args, 0));
  return Value::String(QueryEscape(s), ctx.arena);
}

absl::StatusOr<Value> UrlQueryDecode(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("urlquery.decode", args, 0));
  absl::StatusOr<std::string> out = QueryUnescape(s);
  if (!out.ok()) return BuiltinError("urlquery.decode", Std(out.status().message()));
  return Value::String(*out, ctx.arena);
}

// url.Values{...}.Encode(): keys sorted, "k=v" pairs joined by '&'.
absl::StatusOr<Value> UrlQueryEncodeObject(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "urlquery.encode_object";
  VERDICT_ASSIGN_OR_RETURN(const Value* obj, ObjectArg(kName, args, 0));
  std::string out;
  for (const ObjectEntry& e : obj->entries()) {  // sorted keys
    if (!e.key.is_string()) {
      return OperandError(kName, 0, "must be object of strings");
    }
    std::string key = QueryEscape(e.key.as_string());
    auto add = [&](std::string_view v) {
      if (!out.empty()) out.push_back('&');
      absl::StrAppend(&out, key, "=", QueryEscape(v));
    };
    if (e.value.is_string()) {
      add(e.value.as_string());
    } else if (e.value.is_array() || e.value.is_set()) {
      for (const Value& v : e.value.items()) {
        if (!v.is_string()) {
          return OperandError(kName, 0, "must be array of strings");
        }
        add(v.as_string());
      }
    } else {
      return OperandError(kName, 0,
                          "must be object of strings, arrays of strings, or sets of strings");
    }
  }
  return Value::String(out, ctx.arena);
}

// url.ParseQuery: "a=1&b=2&a=3" -> {"a": ["1", "3"], "b": ["2"]}.
absl::StatusOr<Value> UrlQueryDecodeObject(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "urlquery.decode_object";
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg(kName, args, 0));
  std::map<std::string, std::vector<std::string>> values;
  std::vector<std::string> order;
  size_t start = 0;
  while (start <= s.size()) {
    size_t amp = s.find('&', start);
    std::string_view part =
        s.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    start = amp == std::string_view::npos ? s.size() + 1 : amp + 1;
    if (part.empty()) continue;
    if (part.find(';') != std::string_view::npos) {
      return BuiltinError(kName, "invalid semicolon separator in query");
    }
    size_t eq = part.find('=');
    std::string_view k = part.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? "" : part.substr(eq + 1);
    absl::StatusOr<std::string> key = QueryUnescape(k);
    if (!key.ok()) return BuiltinError(kName, Std(key.status().message()));
    absl::StatusOr<std::string> val = QueryUnescape(v);
    if (!val.ok()) return BuiltinError(kName, Std(val.status().message()));
    values[*key].push_back(*val);
  }
  ObjectBuilder out(ctx.arena);
  for (const auto& [k, vs] : values) {
    ArrayBuilder arr(ctx.arena);
    for (const std::string& v : vs) arr.Add(Value::String(v, ctx.arena));
    out.Add(Value::String(k, ctx.arena), arr.Build());
  }
  return out.Build();
}

// --- json -------------------------------------------------------------------------

namespace {

// Go's json.Marshal escapes <, > and & inside strings (they only occur
// inside strings in JSON text).
std::string GoJson(const Value& v) {
  std::string json = ToJson(v);
  if (json.find_first_of("<>&") == std::string::npos) return json;
  return absl::StrReplaceAll(json, {{"<", "\\u003c"}, {">", "\\u003e"}, {"&", "\\u0026"}});
}

// Go's json.Indent over compact JSON: each element on its own line starting
// with [prefix] and one [indent] per level; "[]" and "{}" stay whole.
std::string IndentJson(std::string_view json, std::string_view prefix,
                       std::string_view indent) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  auto newline = [&]() {
    out.push_back('\n');
    out.append(prefix);
    for (int k = 0; k < depth; ++k) out.append(indent);
  };
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size()) {
        out.push_back(json[++i]);
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out.push_back(c);
        break;
      case '{':
      case '[':
        if (i + 1 < json.size() && (json[i + 1] == '}' || json[i + 1] == ']')) {
          out.push_back(c);
          out.push_back(json[++i]);
          break;
        }
        out.push_back(c);
        ++depth;
        newline();
        break;
      case '}':
      case ']':
        --depth;
        newline();
        out.push_back(c);
        break;
      case ',':
        out.push_back(c);
        newline();
        break;
      case ':':
        out.append(": ");
        break;
      default:
        out.push_back(c);
        break;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<Value> JsonMarshal(BuiltinContext& ctx, std::span<const Value> args) {
  return Value::String(GoJson(args[0]), ctx.arena);
}

absl::StatusOr<Value> JsonMarshalWithOptions(BuiltinContext& ctx,
                                             std::span<const Value> args) {
  constexpr std::string_view kName = "json.marshal_with_options";
  VERDICT_ASSIGN_OR_RETURN(const Value* opts, ObjectArg(kName, args, 1));
  std::string_view prefix, indent = "\t";
  bool pretty = false, explicit_pretty = false, any_format = false;
  for (const ObjectEntry& e : opts->entries()) {
    std::string_view key = e.key.is_string() ? e.key.as_string() : "";
    if (key == "prefix" || key == "indent") {
      if (!e.value.is_string()) {
        return OperandError(kName, 1,
                            absl::StrCat(Absl(key), " must be a string, got ",
                                         Absl(TypeNameOf(e.value))));
      }
      (key == "prefix" ? prefix : indent) = e.value.as_string();
      any_format = true;
    } else if (key == "pretty") {
      if (!e.value.is_bool()) {
        return OperandError(kName, 1,
                            absl::StrCat("pretty must be a boolean, got ",
                                         Absl(TypeNameOf(e.value))));
      }
      pretty = e.value.as_bool();
      explicit_pretty = true;
    } else {
      std::string shown;
      if (e.key.is_string()) {
        value::AppendJsonString(&shown, e.key.as_string());
      } else {
        shown = ToJson(e.key);
      }
      return OperandError(kName, 1, absl::StrCat("object contained unknown key ", shown));
    }
  }
  if (!explicit_pretty && any_format) pretty = true;
  std::string json = GoJson(args[0]);
  if (!pretty) return Value::String(json, ctx.arena);
  return Value::String(absl::StrCat(Absl(prefix), IndentJson(json, prefix, indent)),
                       ctx.arena);
}

absl::StatusOr<Value> JsonUnmarshal(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("json.unmarshal", args, 0));
  absl::StatusOr<Value> v = ParseJson(s, ctx.arena);
  if (!v.ok()) return BuiltinError("json.unmarshal", Std(v.status().message()));
  return v;
}

absl::StatusOr<Value> JsonIsValid(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return Value::Bool(false);
  return Value::Bool(ParseJson(args[0].as_string(), nullptr).ok());
}

// --- yaml ---------------------------------------------------------------------------

namespace {

// Whether [s] can be written as a plain YAML scalar and read back as the
// same string (not a number, boolean, null, or anything with indicators).
bool PlainYamlSafe(std::string_view s) {
  if (s.empty()) return false;
  static const char* kReserved[] = {"true", "false", "yes", "no", "on", "off", "null",
                                    "True", "False", "Yes", "No", "On", "Off", "Null",
                                    "TRUE", "FALSE", "YES", "NO", "ON", "OFF", "NULL",
                                    "~", "y", "n", "Y", "N"};
  for (const char* r : kReserved) {
    if (s == r) return false;
  }
  if (value::ParseNumber(s, nullptr).has_value()) return false;
  char first = s[0];
  if (std::string_view("-?:,[]{}#&*!|>'\"%@` \t.+0123456789").find(first) !=
      std::string_view::npos) {
    return false;
  }
  if (s.back() == ' ' || s.back() == ':') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F || c >= 0x80) return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return false;
  }
  return true;
}

void AppendYamlScalar(std::string* out, const Value& v) {
  switch (v.kind()) {
    case Kind::kNull:
      out->append("null");
      break;
    case Kind::kBool:
      out->append(v.as_bool() ? "true" : "false");
      break;
    case Kind::kNumber:
      value::AppendNumber(out, v);
      break;
    case Kind::kString:
      if (PlainYamlSafe(v.as_string())) {
        out->append(v.as_string());
      } else {
        value::AppendJsonString(out, v.as_string());  // a valid YAML double-quoted scalar
      }
      break;
    default:
      break;
  }
}

// Block-style YAML in go-yaml's layout: mapping members at [indent],
// sequences under a key not indented further.
void AppendYaml(std::string* out, const Value& v, int indent) {
  std::string pad(static_cast<size_t>(indent), ' ');
  if (v.is_object()) {
    if (v.empty()) {
      out->append("{}\n");
      return;
    }
    bool first = true;
    for (const ObjectEntry& e : v.entries()) {
      if (!first) out->append(pad);
      first = false;
      if (e.key.is_string()) {
        AppendYamlScalar(out, e.key);
      } else {
        value::AppendJsonString(out, ToJson(e.key));
      }
      out->push_back(':');
      const Value& val = e.value;
      if ((val.is_object() || val.is_array() || val.is_set()) && !val.empty()) {
        out->push_back('\n');
        if (val.is_object()) {
          out->append(static_cast<size_t>(indent + 2), ' ');
          AppendYaml(out, val, indent + 2);
        } else {
          out->append(pad);
          AppendYaml(out, val, indent);
        }
      } else {
        out->push_back(' ');
        AppendYaml(out, val, indent + 2);
      }
    }
    return;
  }
  if (v.is_array() || v.is_set()) {
    if (v.empty()) {
      out->append("[]\n");
      return;
    }
    bool first = true;
    for (const Value& item : v.items()) {
      if (!first) out->append(pad);
      first = false;
      out->append("- ");
      AppendYaml(out, item, indent + 2);
    }
    return;
  }
  AppendYamlScalar(out, v);
  out->push_back('\n');
}

}  // namespace

absl::StatusOr<Value> YamlMarshal(BuiltinContext& ctx, std::span<const Value> args) {
  std::string out;
  AppendYaml(&out, args[0], 0);
  return Value::String(out, ctx.arena);
}

namespace {

// ParseYaml's "yaml: line N:C: problem" as go-yaml prints it, without the
// column: "yaml: line N: problem" (the conformance cases compare it).
std::string GoYamlMessage(std::string_view message) {
  constexpr std::string_view kLine = "yaml: line ";
  if (message.substr(0, kLine.size()) != kLine) return std::string(message);
  size_t i = kLine.size();
  while (i < message.size() && message[i] >= '0' && message[i] <= '9') ++i;
  size_t colon = message.find(": ", i);
  if (i == kLine.size() || i >= message.size() || message[i] != ':' ||
      colon == std::string_view::npos) {
    return std::string(message);
  }
  return absl::StrCat(Absl(message.substr(0, i)), Absl(message.substr(colon)));
}

}  // namespace

absl::StatusOr<Value> YamlUnmarshal(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(std::string_view s, StringArg("yaml.unmarshal", args, 0));
  absl::StatusOr<Value> v = ParseYaml(s, ctx.arena);
  if (!v.ok()) return BuiltinError("yaml.unmarshal", GoYamlMessage(Std(v.status().message())));
  return v;
}

absl::StatusOr<Value> YamlIsValid(BuiltinContext& ctx, std::span<const Value> args) {
  if (!args[0].is_string()) return Value::Bool(false);
  return Value::Bool(ParseYaml(args[0].as_string(), nullptr).ok());
}

}  // namespace verdict::builtins
