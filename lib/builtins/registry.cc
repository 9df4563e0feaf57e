// File: lib/builtins/registry.cc
//
// Builds the builtin table from builtins.def and answers FindBuiltin().
// The table is a constexpr array in .def order; a second constexpr array
// holds the indices sorted by name, so FindBuiltin() is a binary search
// over string_views with no static initialisation at all, and a
// static_assert rejects duplicate names at compile time.
//
// Tested by tests/builtins/registry_test.cc.
#include "builtins/registry.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "builtins/functions.h"

namespace verdict::builtins {
namespace {

// The type words builtins.def uses.
constexpr Type Any = Type::kAny;
constexpr Type Null = Type::kNull;
constexpr Type Boolean = Type::kBoolean;
constexpr Type Number = Type::kNumber;
constexpr Type String = Type::kString;
constexpr Type Array = Type::kArray;
constexpr Type Object = Type::kObject;
constexpr Type Set = Type::kSet;
constexpr Type Collection = Type::kCollection;

struct Signature {
  int8_t arity = 0;
  Type args[kMaxArity] = {};
};

template <typename... T>
constexpr Signature Sig(T... types) {
  static_assert(sizeof...(T) <= kMaxArity, "raise kMaxArity");
  Signature sig;
  sig.arity = static_cast<int8_t>(sizeof...(T));
  int i = 0;
  ((sig.args[i++] = types), ...);
  return sig;
}

constexpr BuiltinInfo Make(std::string_view name, BuiltinFn fn, Signature sig,
                           Type result, uint8_t flags, std::string_view reason) {
  BuiltinInfo info{name, fn, sig.arity, {}, result, flags, reason};
  for (int i = 0; i < kMaxArity; ++i) info.args[i] = sig.args[i];
  return info;
}

#define VERDICT_UNPAREN(...) __VA_ARGS__

constexpr BuiltinInfo kTable[] = {
#define BUILTIN(name, fn, args, result, flags) \
  Make(name, &fn, Sig(VERDICT_UNPAREN args), result, flags, {}),
#define UNSUPPORTED(name, args, result, reason) \
  Make(name, nullptr, Sig(VERDICT_UNPAREN args), result, kUnsupported, reason),
#include "builtins/builtins.def"
};

#undef VERDICT_UNPAREN

constexpr size_t kCount = sizeof(kTable) / sizeof(kTable[0]);
static_assert(kCount < 65536, "index type is uint16_t");

constexpr std::array<uint16_t, kCount> kByName = [] {
  std::array<uint16_t, kCount> index{};
  for (size_t i = 0; i < kCount; ++i) index[i] = static_cast<uint16_t>(i);
  std::sort(index.begin(), index.end(), [](uint16_t a, uint16_t b) {
    return kTable[a].name < kTable[b].name;
  });
  return index;
}();

constexpr bool NamesUnique() {
  for (size_t i = 1; i < kCount; ++i) {
    if (kTable[kByName[i - 1]].name == kTable[kByName[i]].name) return false;
  }
  return true;
}
static_assert(NamesUnique(), "builtins.def lists a name twice");

}  // namespace

std::span<const BuiltinInfo> AllBuiltins() { return {kTable, kCount}; }

const BuiltinInfo* FindBuiltin(std::string_view name) {
  auto it = std::lower_bound(
      kByName.begin(), kByName.end(), name,
      [](uint16_t i, std::string_view n) { return kTable[i].name < n; });
  if (it == kByName.end() || kTable[*it].name != name) return nullptr;
  return &kTable[*it];
}

}  // namespace verdict::builtins
