// File: bench/handwritten_abac.cc
//
// See handwritten_abac.h. Each step below names the rule of abac.rego it
// stands for; "undefined" in a comment means the Rego expression has no
// value, so the rule does not fire.
#include "handwritten_abac.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "verdict/value.h"

namespace verdict::bench {
namespace {

// Maps keyed by std::string, looked up by std::string_view (Debian's
// abseil has its own string_view, so its default hash does not take ours).
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const {
    return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
  }
};
struct StringEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
};
template <typename T>
using StringMap = absl::flat_hash_map<std::string, T, StringHash, StringEq>;

void AppendPart(std::string* out, std::string_view s) { out->append(s); }
void AppendPart(std::string* out, int64_t v) {
  char buf[24];
  out->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}
template <typename... Parts>
void Append(std::string* out, const Parts&... parts) {
  (AppendPart(out, parts), ...);
}
template <typename... Parts>
std::string Concat(const Parts&... parts) {
  std::string out;
  Append(&out, parts...);
  return out;
}

enum class Pii : uint8_t { kNone, kMasked, kFull };

uint64_t Bit(int id) { return id < 0 ? 0 : uint64_t{1} << id; }

// Interned names: each kind of name the policy compares (field, purpose,
// region, tenant, action, type, group) gets small numbers, so membership
// is a bit test and equality an integer compare.
class Names {
 public:
  explicit Names(int limit) : limit_(limit) {}
  int Intern(std::string_view name) {
    auto [it, added] = ids_.try_emplace(name, static_cast<int>(ids_.size()));
    return it->second;
  }
  int Find(std::string_view name) const {
    auto it = ids_.find(name);
    return it == ids_.end() ? -1 : it->second;
  }
  size_t size() const { return ids_.size(); }
  bool overflowed() const { return size() > static_cast<size_t>(limit_); }

 private:
  int limit_;
  StringMap<int> ids_;
};

struct Permission {  // "type:action", each side a literal or "*"
  int type = -1;     // -1: "*"
  int action = -1;   // -1: "*"
};

struct Role {
  std::string name;
  std::vector<Permission> permissions;
  int64_t max_class = 0;
  bool mfa_required = false;
  Pii pii = Pii::kNone;
  bool any_purpose = false;  // "*" in purposes
  uint64_t purposes = 0;
};

struct User {
  std::string status;
  bool active = false;
  bool contractor = false;
  int tenant = -1;
  int64_t clearance = 0;
  std::vector<int> groups;
  uint64_t guest_of = 0;  // tenants
};

struct Share {
  int tenant = -1;
  uint64_t actions = 0;
};

struct Tenant {
  bool defined = false;
  bool active = false;
  std::string status;
  uint64_t allowed_regions = 0;
  std::vector<Share> shares;
};

struct Resource {
  std::string classification;
  std::string upper_classification;
  int level = -1;  // lib.level(classification); -1: undefined
  int tenant = -1;
  int type = -1;
  bool eu = false;
  bool legal_hold = false;
  uint64_t pii_fields = 0;
  uint64_t schema = 0;
  uint64_t purpose_tags = 0;
};

struct Purpose {
  bool defined = false;
  int64_t max_class = 0;
  Pii pii = Pii::kNone;
  bool requires_consent = false;
};

struct TenantBindings {
  StringMap<std::vector<int>> users;      // user id -> role numbers
  std::vector<std::vector<int>> groups;   // group -> role numbers
};

// The element numbered [number] of a table indexed by interned numbers,
// growing the table to hold it.
template <typename T>
T& Slot(std::vector<T>* table, int number) {
  if (table->size() <= static_cast<size_t>(number)) table->resize(number + 1);
  return (*table)[number];
}

template <typename T>
const T* Find(const StringMap<T>& map, std::string_view key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// --- Reading the data document (once) -----------------------------------

absl::Status ShapeError(std::string_view what) {
  return absl::InvalidArgumentError(Concat("data.json: not the abac workload's shape: ", what));
}

absl::StatusOr<std::string> ReadString(const Value& object, std::string_view key) {
  const Value* v = object.Get(key);
  if (v == nullptr || !v->is_string()) return ShapeError(Concat(key, " is no string"));
  return std::string(v->as_string());
}

absl::StatusOr<int64_t> ReadInt(const Value& object, std::string_view key) {
  const Value* v = object.Get(key);
  if (v == nullptr || !v->is_int()) return ShapeError(Concat(key, " is no integer"));
  return v->as_int();
}

absl::StatusOr<bool> ReadBool(const Value& object, std::string_view key) {
  const Value* v = object.Get(key);
  if (v == nullptr || !v->is_bool()) return ShapeError(Concat(key, " is no boolean"));
  return v->is_true();
}

// An array of strings; an absent member reads as [] when [optional].
absl::StatusOr<std::vector<std::string>> ReadStrings(const Value& object, std::string_view key,
                                                     bool optional = false) {
  std::vector<std::string> out;
  const Value* v = object.Get(key);
  if (v == nullptr && optional) return out;
  if (v == nullptr || !v->is_array()) return ShapeError(Concat(key, " is no array"));
  for (const Value& item : v->items()) {
    if (!item.is_string()) return ShapeError(Concat(key, " holds a non-string"));
    out.emplace_back(item.as_string());
  }
  return out;
}

// An array of strings as a mask over [names] (interning them).
absl::StatusOr<uint64_t> ReadMask(const Value& object, std::string_view key, Names* names,
                                  bool optional = false) {
  absl::StatusOr<std::vector<std::string>> list = ReadStrings(object, key, optional);
  if (!list.ok()) return list.status();
  uint64_t mask = 0;
  for (const std::string& name : *list) mask |= Bit(names->Intern(name));
  return mask;
}

absl::StatusOr<Pii> ReadPii(const Value& object) {
  absl::StatusOr<std::string> s = ReadString(object, "pii");
  if (!s.ok()) return s.status();
  if (*s == "full") return Pii::kFull;
  if (*s == "masked") return Pii::kMasked;
  return Pii::kNone;
}

// lib.level: the classification lattice, after lower().
int Level(std::string_view classification) {
  std::string lower(classification);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (lower == "public") return 0;
  if (lower == "internal") return 1;
  if (lower == "confidential") return 2;
  if (lower == "restricted") return 3;
  return -1;
}

#define ASSIGN_OR_RETURN(lhs, expr)               \
  do {                                            \
    auto result_ = (expr);                        \
    if (!result_.ok()) return result_.status();   \
    lhs = *std::move(result_);                    \
  } while (0)

// --- Matching and parsing used per decision ---------------------------------

// lib.valid_user_id: regex `^u[0-9]{5}$`.
bool ValidUserId(std::string_view id) {
  if (id.size() != 6 || id[0] != 'u') return false;
  for (size_t i = 1; i < 6; ++i) {
    if (id[i] < '0' || id[i] > '9') return false;
  }
  return true;
}

// time.parse_rfc3339_ns for "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)";
// nullopt where the builtin fails.
std::optional<int64_t> ParseRfc3339Ns(std::string_view s) {
  auto digits = [&](size_t at, size_t n) -> int64_t {
    int64_t v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  const int64_t year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
  const int64_t hour = digits(11, 2), minute = digits(14, 2), second = digits(17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year(static_cast<int>(year)),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  size_t at = 19;
  int64_t nanos = 0;
  if (at < s.size() && s[at] == '.') {
    ++at;
    int64_t scale = 100000000;
    const size_t first = at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
      nanos += (s[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
    if (at == first || at - first > 9) return std::nullopt;
  }
  int64_t offset_seconds = 0;
  if (at + 1 == s.size() && (s[at] == 'Z' || s[at] == 'z')) {
    ++at;
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    const int64_t oh = digits(at + 1, 2), om = digits(at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
    offset_seconds = (oh * 60 + om) * 60 * (s[at] == '+' ? 1 : -1);
    at += 6;
  }
  if (at != s.size()) return std::nullopt;
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * 1000000000 + nanos;
}

// base64.decode (standard alphabet, padding required, as Go's StdEncoding).
bool DecodeBase64(std::string_view in, std::string* out) {
  static constexpr auto kTable = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
    return t;
  }();
  if (in.size() % 4 != 0) return false;
  out->resize(in.size() / 4 * 3);
  char* o = out->data();
  for (size_t i = 0; i < in.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = in[i + j];
      if (c == '=' && i + 4 == in.size() && j >= 2) {
        v[j] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return false;  // data after '='
      v[j] = kTable[static_cast<uint8_t>(c)];
      if (v[j] < 0) return false;
    }
    const uint32_t bits = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    *o++ = static_cast<char>(bits >> 16);
    if (pad < 2) *o++ = static_cast<char>(bits >> 8);
    if (pad < 1) *o++ = static_cast<char>(bits);
  }
  out->resize(static_cast<size_t>(o - out->data()));
  return true;
}

// Plain runs are copied whole; only quotes, backslashes and control
// characters are escaped.
void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t run = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out->append(s.substr(run, i - run));
    run = i + 1;
    if (c >= 0x20) {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.substr(run));
  out->push_back('"');
}

// A string member of an input object, or an empty view when absent or not
// a string (the workload's inputs always have these).
std::string_view InputString(const Value* object, std::string_view key) {
  if (object == nullptr) return {};
  const Value* v = object->Get(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string_view();
}

bool ArrayHasString(const Value* array, std::string_view s) {
  if (array == nullptr || !array->is_array()) return false;
  for (const Value& item : array->items()) {
    if (item.is_string() && item.as_string() == s) return true;
  }
  return false;
}

}  // namespace

struct HandWrittenAbac::Data {
  Names fields{64}, purposes_by_name{64}, regions{64}, tenants_by_name{64}, actions{64};
  Names types{1 << 20}, groups_by_name{1 << 20};
  std::vector<Role> roles;  // in name order, as the policy sorts them
  StringMap<User> users;
  StringMap<Resource> resources;
  std::vector<Tenant> tenants;           // by tenant number
  std::vector<Purpose> purposes;         // by purpose number
  std::vector<TenantBindings> bindings;  // by tenant number
};

// Buffers reused by every decision.
struct HandWrittenAbac::Scratch {
  Arena arena;
  JsonParser parser;
  std::string token_json;
  std::vector<int> roles, granting, effective;
  std::vector<uint8_t> seen;  // per role number
  std::vector<std::pair<std::string_view, int>> fields;  // input fields, numbered
  std::vector<std::string> reasons;
  size_t reason_count = 0;
  std::vector<std::pair<std::string_view, std::string_view>> obligations;

  std::string* NewReason() {
    if (reason_count == reasons.size()) reasons.emplace_back();
    std::string* r = &reasons[reason_count++];
    r->clear();
    return r;
  }
};

HandWrittenAbac::HandWrittenAbac() = default;
HandWrittenAbac::~HandWrittenAbac() = default;

absl::StatusOr<std::unique_ptr<HandWrittenAbac>> HandWrittenAbac::Load(std::string_view data_json) {
  absl::StatusOr<Value> doc = ParseJson(data_json);
  if (!doc.ok()) return doc.status();
  const Value* iam = doc->Get("iam");
  if (iam == nullptr || !iam->is_object()) return ShapeError("no iam object");
  auto section = [&](std::string_view name) -> const Value* {
    const Value* v = iam->Get(name);
    return v != nullptr && v->is_object() ? v : nullptr;
  };
  const Value* roles = section("roles");
  const Value* users = section("users");
  const Value* tenants = section("tenants");
  const Value* resources = section("resources");
  const Value* purposes = section("purposes");
  const Value* bindings = section("bindings");
  if (!roles || !users || !tenants || !resources || !purposes || !bindings) {
    return ShapeError("iam lacks a section");
  }
  std::unique_ptr<HandWrittenAbac> abac(new HandWrittenAbac());
  abac->data_ = std::make_unique<Data>();
  abac->scratch_ = std::make_unique<Scratch>();
  Data& d = *abac->data_;

  StringMap<int> role_numbers;
  for (const ObjectEntry& e : roles->entries()) {  // entries are in key order
    Role r;
    r.name = std::string(e.key.as_string());
    std::vector<std::string> patterns;
    ASSIGN_OR_RETURN(patterns, ReadStrings(e.value, "permissions"));
    for (const std::string& p : patterns) {
      // glob.match(p, [":"], "type:action") where each side of p is a
      // literal or "*" (which matches anything without a ':').
      const size_t colon = p.find(':');
      if (colon == std::string::npos || p.find(':', colon + 1) != std::string::npos) {
        return ShapeError(Concat("permission ", p, " is not type:action"));
      }
      const std::string_view type = std::string_view(p).substr(0, colon);
      const std::string_view action = std::string_view(p).substr(colon + 1);
      if ((type != "*" && type.find('*') != std::string_view::npos) ||
          (action != "*" && action.find('*') != std::string_view::npos)) {
        return ShapeError(Concat("permission ", p, " has a partial wildcard"));
      }
      r.permissions.push_back({type == "*" ? -1 : d.types.Intern(type),
                               action == "*" ? -1 : d.actions.Intern(action)});
    }
    ASSIGN_OR_RETURN(r.max_class, ReadInt(e.value, "max_class"));
    ASSIGN_OR_RETURN(r.mfa_required, ReadBool(e.value, "mfa_required"));
    ASSIGN_OR_RETURN(r.pii, ReadPii(e.value));
    std::vector<std::string> role_purposes;
    ASSIGN_OR_RETURN(role_purposes, ReadStrings(e.value, "purposes"));
    for (const std::string& p : role_purposes) {
      if (p == "*") {
        r.any_purpose = true;
      } else {
        r.purposes |= Bit(d.purposes_by_name.Intern(p));
      }
    }
    role_numbers[r.name] = static_cast<int>(d.roles.size());
    d.roles.push_back(std::move(r));
  }
  for (const ObjectEntry& e : tenants->entries()) {
    Tenant& t = Slot(&d.tenants, d.tenants_by_name.Intern(e.key.as_string()));
    t.defined = true;
    ASSIGN_OR_RETURN(t.status, ReadString(e.value, "status"));
    t.active = t.status == "active";
    ASSIGN_OR_RETURN(t.allowed_regions, ReadMask(e.value, "allowed_regions", &d.regions));
    const Value* shares = e.value.Get("shares");
    if (shares == nullptr || !shares->is_array()) return ShapeError("shares is no array");
    for (const Value& share : shares->items()) {
      Share s;
      std::string tenant;
      ASSIGN_OR_RETURN(tenant, ReadString(share, "tenant"));
      s.tenant = d.tenants_by_name.Intern(tenant);
      ASSIGN_OR_RETURN(s.actions, ReadMask(share, "actions", &d.actions));
      t.shares.push_back(s);
    }
  }
  for (const ObjectEntry& e : users->entries()) {
    User u;
    ASSIGN_OR_RETURN(u.status, ReadString(e.value, "status"));
    u.active = u.status == "active";
    std::string s;
    ASSIGN_OR_RETURN(s, ReadString(e.value, "tenant"));
    u.tenant = d.tenants_by_name.Intern(s);
    ASSIGN_OR_RETURN(s, ReadString(e.value, "type"));
    u.contractor = s == "contractor";
    ASSIGN_OR_RETURN(u.clearance, ReadInt(e.value, "clearance"));
    std::vector<std::string> groups;
    ASSIGN_OR_RETURN(groups, ReadStrings(e.value, "groups"));
    for (const std::string& g : groups) u.groups.push_back(d.groups_by_name.Intern(g));
    ASSIGN_OR_RETURN(u.guest_of, ReadMask(e.value, "guest_of", &d.tenants_by_name,
                                          /*optional=*/true));
    d.users.emplace(e.key.as_string(), std::move(u));
  }
  for (const ObjectEntry& e : resources->entries()) {
    Resource r;
    ASSIGN_OR_RETURN(r.classification, ReadString(e.value, "classification"));
    r.level = Level(r.classification);
    r.upper_classification = r.classification;
    for (char& c : r.upper_classification) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    std::string s;
    ASSIGN_OR_RETURN(s, ReadString(e.value, "tenant"));
    r.tenant = d.tenants_by_name.Intern(s);
    ASSIGN_OR_RETURN(s, ReadString(e.value, "type"));
    r.type = d.types.Intern(s);
    ASSIGN_OR_RETURN(s, ReadString(e.value, "residency"));
    r.eu = s == "eu";
    ASSIGN_OR_RETURN(r.legal_hold, ReadBool(e.value, "legal_hold"));
    ASSIGN_OR_RETURN(r.pii_fields, ReadMask(e.value, "pii_fields", &d.fields));
    ASSIGN_OR_RETURN(r.purpose_tags, ReadMask(e.value, "purpose_tags", &d.purposes_by_name));
    ASSIGN_OR_RETURN(r.schema, ReadMask(e.value, "schema", &d.fields));
    d.resources.emplace(e.key.as_string(), std::move(r));
  }
  for (const ObjectEntry& e : purposes->entries()) {
    Purpose& p = Slot(&d.purposes, d.purposes_by_name.Intern(e.key.as_string()));
    p.defined = true;
    ASSIGN_OR_RETURN(p.max_class, ReadInt(e.value, "max_class"));
    ASSIGN_OR_RETURN(p.pii, ReadPii(e.value));
    ASSIGN_OR_RETURN(p.requires_consent, ReadBool(e.value, "requires_consent"));
  }
  // Bindings to roles the data does not define grant nothing and are left
  // out (the policy skips them: data.iam.roles[r] is undefined).
  auto role_list = [&](const Value& names) -> absl::StatusOr<std::vector<int>> {
    if (!names.is_array()) return ShapeError("a binding is no array");
    std::vector<int> out;
    for (const Value& n : names.items()) {
      if (!n.is_string()) return ShapeError("a binding holds a non-string");
      if (const int* number = Find(role_numbers, n.as_string())) out.push_back(*number);
    }
    return out;
  };
  for (const ObjectEntry& e : bindings->entries()) {
    TenantBindings& tb = Slot(&d.bindings, d.tenants_by_name.Intern(e.key.as_string()));
    const Value* by_user = e.value.Get("users");
    const Value* by_group = e.value.Get("groups");
    if (by_user == nullptr || !by_user->is_object() || by_group == nullptr ||
        !by_group->is_object()) {
      return ShapeError("bindings lack users or groups");
    }
    for (const ObjectEntry& b : by_user->entries()) {
      ASSIGN_OR_RETURN(tb.users[b.key.as_string()], role_list(b.value));
    }
    for (const ObjectEntry& b : by_group->entries()) {
      ASSIGN_OR_RETURN(Slot(&tb.groups, d.groups_by_name.Intern(b.key.as_string())),
                       role_list(b.value));
    }
  }
  for (const Names* names : {&d.fields, &d.purposes_by_name, &d.regions, &d.tenants_by_name,
                             &d.actions}) {
    if (names->overflowed()) return ShapeError("more than 64 names of one kind");
  }
  // Every tenant number indexes both (users and resources name tenants too).
  d.tenants.resize(d.tenants_by_name.size());
  d.bindings.resize(d.tenants_by_name.size());
  abac->scratch_->seen.assign(d.roles.size(), 0);
  return abac;
}

absl::Status HandWrittenAbac::Decide(std::string_view input_json, std::string* out) {
  const Data& d = *data_;
  Scratch& s = *scratch_;
  out->clear();
  s.arena.Reset();
  absl::StatusOr<Value> parsed = s.parser.Parse(input_json, &s.arena);
  if (!parsed.ok()) return parsed.status();
  const Value& input = *parsed;
  if (!input.is_object()) return absl::InvalidArgumentError("input is no object");

  const Value* subject = input.Get("subject");
  const Value* context = input.Get("context");
  const Value* resource_in = input.Get("resource");
  const std::string_view user_id = InputString(subject, "user");
  const std::string_view tenant_id = InputString(subject, "tenant");
  const std::string_view resource_id = InputString(resource_in, "id");
  const std::string_view action = InputString(&input, "action");
  const std::string_view purpose_name = InputString(&input, "purpose");
  const std::string_view region = InputString(context, "region");
  const Value* token = subject != nullptr ? subject->Get("token") : nullptr;
  const Value* consent = context != nullptr ? context->Get("consent") : nullptr;
  s.fields.clear();
  if (const Value* f = resource_in != nullptr ? resource_in->Get("fields") : nullptr;
      f != nullptr && f->is_array()) {
    for (const Value& item : f->items()) {
      if (!item.is_string()) continue;
      s.fields.emplace_back(item.as_string(), d.fields.Find(item.as_string()));
    }
  }
  const int tenant_number = d.tenants_by_name.Find(tenant_id);
  const int purpose_number = d.purposes_by_name.Find(purpose_name);
  const int action_number = d.actions.Find(action);
  const uint64_t region_bit = Bit(d.regions.Find(region));

  // user, tenant, resource, purpose, now_ns, claims
  const User* user = Find(d.users, user_id);
  const Tenant* tenant = tenant_number >= 0 && d.tenants[tenant_number].defined
                             ? &d.tenants[tenant_number]
                             : nullptr;
  const Resource* resource = Find(d.resources, resource_id);
  const Purpose* purpose = purpose_number >= 0 &&
                                   static_cast<size_t>(purpose_number) < d.purposes.size() &&
                                   d.purposes[purpose_number].defined
                               ? &d.purposes[purpose_number]
                               : nullptr;
  const std::optional<int64_t> now_ns = ParseRfc3339Ns(InputString(context, "now"));
  Value claims_value;  // json.unmarshal(base64.decode(token)), an object or undefined
  if (token != nullptr && token->is_string() && DecodeBase64(token->as_string(), &s.token_json)) {
    absl::StatusOr<Value> c = s.parser.Parse(s.token_json, &s.arena);
    if (c.ok() && c->is_object()) claims_value = *c;
  }
  const Value* claims = claims_value.is_object() ? &claims_value : nullptr;

  // roles: bindings of the user in the tenant, and of the user's groups.
  s.roles.clear();
  auto add_roles = [&](const std::vector<int>& numbers) {
    for (int r : numbers) {
      if (!s.seen[r]) {
        s.seen[r] = 1;
        s.roles.push_back(r);
      }
    }
  };
  if (tenant_number >= 0) {
    const TenantBindings& tb = d.bindings[tenant_number];
    if (const std::vector<int>* direct = Find(tb.users, user_id)) add_roles(*direct);
    if (user != nullptr) {
      for (int g : user->groups) {
        if (static_cast<size_t>(g) < tb.groups.size()) add_roles(tb.groups[g]);
      }
    }
  }
  for (int r : s.roles) s.seen[r] = 0;
  std::sort(s.roles.begin(), s.roles.end());  // name order

  // strong_auth: every m in ["pwd", "mfa"] { m in claims.amr }
  const Value* amr = claims != nullptr ? claims->Get("amr") : nullptr;
  const bool strong_auth = ArrayHasString(amr, "pwd") && ArrayHasString(amr, "mfa");

  // granting_roles (required_perm "type:action") and effective_roles.
  s.granting.clear();
  s.effective.clear();
  if (resource != nullptr && action.find(':') == std::string_view::npos) {
    for (int r : s.roles) {
      const Role& role = d.roles[r];
      bool grants = false;
      for (const Permission& p : role.permissions) {
        if ((p.type < 0 || p.type == resource->type) &&
            (p.action < 0 || p.action == action_number)) {
          grants = true;
          break;
        }
      }
      if (!grants) continue;
      s.granting.push_back(r);
      if (resource->level >= 0 && resource->level <= role.max_class &&
          (role.any_purpose || (role.purposes & Bit(purpose_number)) != 0) &&
          (!role.mfa_required || strong_auth)) {
        s.effective.push_back(r);
      }
    }
  }

  // pii_mode
  Pii pii_mode = Pii::kNone;
  for (int r : s.effective) {
    const Pii p = d.roles[r].pii;
    if (p == Pii::kFull && purpose != nullptr && purpose->pii == Pii::kFull) {
      pii_mode = Pii::kFull;
      break;
    }
    if (p != Pii::kNone) pii_mode = Pii::kMasked;
  }

  // deny
  s.reason_count = 0;
  auto deny = [&](const auto&... parts) { Append(s.NewReason(), parts...); };
  const bool valid_user_id = ValidUserId(user_id);
  if (!valid_user_id) deny("malformed user id '", user_id, "'");
  if (valid_user_id && user == nullptr) deny("unknown user");
  if (user != nullptr && !user->active) deny("user ", user_id, " is ", user->status);
  if (tenant == nullptr) deny("unknown tenant");
  if (tenant != nullptr && !tenant->active) deny("tenant ", tenant_id, " is ", tenant->status);
  if (user != nullptr && (tenant_number < 0 || user->tenant != tenant_number) &&
      (user->guest_of & Bit(tenant_number)) == 0) {
    deny("user does not belong to tenant");
  }
  if (resource == nullptr) deny("unknown resource");
  if (resource != nullptr && (tenant_number < 0 || resource->tenant != tenant_number)) {
    bool cross_tenant_grant = false;
    const Tenant& owner = d.tenants[resource->tenant];
    if (owner.defined && tenant_number >= 0) {
      for (const Share& share : owner.shares) {
        if (share.tenant == tenant_number && (share.actions & Bit(action_number)) != 0) {
          cross_tenant_grant = true;
          break;
        }
      }
    }
    if (!cross_tenant_grant) deny("cross-tenant access to ", resource_id, " denied");
  }
  if (purpose == nullptr) deny("unknown purpose '", purpose_name, "'");
  // `not input.purpose in resource.purpose_tags` also holds without a resource.
  if (purpose != nullptr &&
      (resource == nullptr || (resource->purpose_tags & Bit(purpose_number)) == 0)) {
    deny("purpose ", purpose_name, " not permitted for ", resource_id);
  }
  const int level = resource != nullptr ? resource->level : -1;
  if (level >= 0 && purpose != nullptr && level > purpose->max_class) {
    deny(resource->classification, " data exceeds the ", purpose_name, " purpose ceiling");
  }
  if (level >= 0 && user != nullptr && level > user->clearance) {
    deny("clearance ", user->clearance, " below ", resource->upper_classification);
  }
  if (purpose != nullptr && purpose->requires_consent &&
      !(consent != nullptr && consent->is_true())) {
    deny("consent required for purpose");
  }
  if (token == nullptr || (token->is_bool() && !token->is_true())) deny("missing token");
  if (claims != nullptr) {
    // claims.sub != input.subject.user (undefined when claims has no sub)
    auto differs = [&](std::string_view key, std::string_view want) {
      const Value* v = claims->Get(key);
      return v != nullptr && !(v->is_string() && v->as_string() == want);
    };
    if (differs("sub", user_id)) deny("token subject mismatch");
    if (differs("tid", tenant_id)) deny("token tenant mismatch");
    const Value* exp = claims->Get("exp");
    if (exp != nullptr && exp->is_string() && now_ns.has_value()) {
      const std::optional<int64_t> exp_ns = ParseRfc3339Ns(exp->as_string());
      if (exp_ns.has_value() && *exp_ns <= *now_ns) deny("token expired");
    }
  }
  if (resource != nullptr && resource->legal_hold && (action == "delete" || action == "update")) {
    deny(action, " on ", resource_id, " blocked by legal hold");
  }
  if (user != nullptr && user->contractor && action == "export") {
    deny("contractors may not export");
  }
  if (resource != nullptr && resource->eu &&
      (tenant == nullptr || (tenant->allowed_regions & region_bit) == 0)) {
    deny("residency: eu data accessed from ", region);
  }
  // unknown fields, in input order (all of them without a resource)
  std::string* unknown = nullptr;
  for (const auto& [name, number] : s.fields) {
    if (resource != nullptr && (resource->schema & Bit(number)) != 0) continue;
    if (unknown == nullptr) {
      unknown = s.NewReason();
      unknown->append("unknown fields: ");
    } else {
      unknown->push_back(',');
    }
    unknown->append(name);
  }
  if (user != nullptr && resource != nullptr && s.granting.empty()) {
    deny("no role grants this action");
  }
  if (!s.granting.empty() && s.effective.empty()) {
    std::string* msg = s.NewReason();
    msg->append("roles ");
    for (size_t i = 0; i < s.granting.size(); ++i) {
      if (i > 0) msg->push_back(',');
      msg->append(d.roles[s.granting[i]].name);
    }
    msg->append(" do not satisfy classification/purpose/mfa constraints");
  }
  if (action == "export" && resource != nullptr && pii_mode != Pii::kFull) {
    for (const auto& field : s.fields) {
      if ((resource->pii_fields & Bit(field.second)) != 0) {
        deny("export of pii fields requires full pii access");
        break;
      }
    }
  }
  std::sort(s.reasons.begin(), s.reasons.begin() + static_cast<ptrdiff_t>(s.reason_count));
  const size_t reasons =
      std::unique(s.reasons.begin(), s.reasons.begin() + static_cast<ptrdiff_t>(s.reason_count)) -
      s.reasons.begin();

  // field_action (obligations)
  s.obligations.clear();
  if (resource != nullptr) {
    for (const auto& [name, number] : s.fields) {
      if ((resource->pii_fields & Bit(number)) != 0) {
        std::string_view act = "redact";  // lib.pii_action
        if (pii_mode == Pii::kFull) {
          act = "allow";
        } else if (pii_mode == Pii::kMasked) {
          if (name.starts_with("email") || name == "phone" || name == "ip_address") {
            act = "mask";
          } else if (name.ends_with("_id")) {
            act = "hash";
          }
        }
        s.obligations.emplace_back(name, act);
      } else if ((resource->schema & Bit(number)) != 0) {
        s.obligations.emplace_back(name, "allow");
      }
    }
  }
  std::sort(s.obligations.begin(), s.obligations.end());
  s.obligations.erase(std::unique(s.obligations.begin(), s.obligations.end()),
                      s.obligations.end());

  // max_clearance_via_roles
  int64_t max_class = -1;
  for (size_t i = 0; i < s.roles.size(); ++i) {
    const int64_t c = d.roles[s.roles[i]].max_class;
    if (i == 0 || c > max_class) max_class = c;
  }

  // decision, keys in canonical (sorted) order
  const bool allow = reasons == 0 && !s.effective.empty();
  out->append(allow ? R"({"allow":true,"max_clearance_via_roles":)"
                    : R"({"allow":false,"max_clearance_via_roles":)");
  AppendPart(out, max_class);
  out->append(R"(,"obligations":{)");
  for (size_t i = 0; i < s.obligations.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, s.obligations[i].first);
    out->push_back(':');
    AppendJsonString(out, s.obligations[i].second);
  }
  static constexpr std::string_view kModes[] = {"none", "masked", "full"};
  out->append(R"(},"pii_mode":)");
  AppendJsonString(out, kModes[static_cast<int>(pii_mode)]);
  out->append(R"(,"reasons":[)");
  for (size_t i = 0; i < reasons; ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, s.reasons[i]);
  }
  out->append(R"(],"roles":[)");
  for (size_t i = 0; i < s.effective.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, d.roles[s.effective[i]].name);
  }
  out->append("]}");
  return absl::OkStatus();
}

}  // namespace verdict::bench
