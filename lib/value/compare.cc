// File: lib/value/compare.cc
//
// Rego's one total order over Values (Compare), equality (EqualSlow, behind
// the inline operator== in value.h) and Hash, consistent with equality.
// Because representations are canonical (value.h), equality never needs the
// order: it is a structural comparison, and numbers are equal exactly when
// their representations are.
//
// Tested by tests/value/value_test.cc (ordering, equality, hash).
#include <cstring>

#include "value/number.h"
#include "verdict/value.h"

namespace verdict {

using value_internal::ArrayCell;
using value_internal::BigCell;
using value_internal::CellHeader;
using value_internal::ObjectCell;
using value_internal::SetCell;
using value_internal::StringCell;

namespace {

int CompareStrings(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);  // bytewise, unsigned
  if (c != 0) return c < 0 ? -1 : 1;
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

int CompareSpans(std::span<const Value> a, std::span<const Value> b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (int c = Compare(a[i], b[i]); c != 0) return c;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}
constexpr uint64_t kK0 = 0x9e3779b97f4a7c15ull;
constexpr uint64_t kK1 = 0xbf58476d1ce4e5b9ull;

// Caches a compound hash in its cell (relaxed: racing writers agree).
uint64_t CachedHash(const CellHeader* cell, uint64_t h) {
  h = h != 0 ? h : 1;
  cell->hash.store(h, std::memory_order_relaxed);
  return h;
}

}  // namespace

// The cases Compare() does not answer inline.
int CompareSlow(const Value& a, const Value& b) {
  Kind ka = a.kind();
  Kind kb = b.kind();
  if (ka != kb) return ka < kb ? -1 : 1;
  switch (ka) {
    case Kind::kUndefined:
    case Kind::kNull:
      return 0;
    case Kind::kBool:
      return a.as_bool() == b.as_bool() ? 0 : (a.as_bool() ? 1 : -1);
    case Kind::kNumber:
      return value::CompareNumbers(a, b);
    case Kind::kString:
      if (a.is_inline_string() && b.is_inline_string()) {
        return value_internal::CompareInlineStrings(a, b);
      }
      return CompareStrings(a.as_string(), b.as_string());
    case Kind::kArray:
    case Kind::kSet:
      return CompareSpans(a.items(), b.items());
    case Kind::kObject: {
      // OPA: member by member over sorted keys (key first, then value), then
      // the smaller object first.
      std::span<const ObjectEntry> ea = a.entries();
      std::span<const ObjectEntry> eb = b.entries();
      size_t n = std::min(ea.size(), eb.size());
      for (size_t i = 0; i < n; ++i) {
        if (int c = Compare(ea[i].key, eb[i].key); c != 0) return c;
        if (int c = Compare(ea[i].value, eb[i].value); c != 0) return c;
      }
      if (ea.size() == eb.size()) return 0;
      return ea.size() < eb.size() ? -1 : 1;
    }
  }
  return 0;
}

bool EqualSlow(const Value& a, const Value& b) {
  // Bits differ and kinds agree (operator== checked both).
  switch (a.kind()) {
    case Kind::kUndefined:
    case Kind::kNull:
    case Kind::kBool:
      return false;
    case Kind::kNumber: {
      if (a.number_rep() == NumberRep::kExtended || b.number_rep() == NumberRep::kExtended) {
        return value::CompareNumbers(a, b) == 0;  // not canonical: compare values
      }
      if (a.number_rep() != NumberRep::kBig || b.number_rep() != NumberRep::kBig) {
        return false;  // canonical: different bits, different value
      }
      const BigCell* x = a.big_cell();
      const BigCell* y = b.big_cell();
      return x->negative == y->negative && x->exponent == y->exponent &&
             x->size == y->size && std::memcmp(x->digits(), y->digits(), x->size) == 0;
    }
    case Kind::kString: {
      if (a.is_inline_string() || b.is_inline_string()) return false;
      const auto* x = static_cast<const StringCell*>(a.cell());
      const auto* y = static_cast<const StringCell*>(b.cell());
      if (x->size != y->size) return false;
      uint64_t hx = x->hash.load(std::memory_order_relaxed);
      uint64_t hy = y->hash.load(std::memory_order_relaxed);
      if (hx != 0 && hy != 0 && hx != hy) return false;
      return std::memcmp(x->data(), y->data(), x->size) == 0;
    }
    case Kind::kArray:
    case Kind::kSet: {
      std::span<const Value> x = a.items();
      std::span<const Value> y = b.items();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!(x[i] == y[i])) return false;
      }
      return true;
    }
    case Kind::kObject: {
      std::span<const ObjectEntry> x = a.entries();
      std::span<const ObjectEntry> y = b.entries();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!(x[i].key == y[i].key) || !(x[i].value == y[i].value)) return false;
      }
      return true;
    }
  }
  return false;
}

size_t Hash(const Value& v) {
  switch (v.kind()) {
    case Kind::kUndefined:
      return 0x5bd1e995u;
    case Kind::kNull:
      return 0x27d4eb2fu;
    case Kind::kBool:
      return v.as_bool() ? 0x165667b1u : 0x85ebca77u;
    case Kind::kNumber:
      return value::HashNumber(v);
    case Kind::kString: {
      if (v.is_inline_string()) return value_internal::InlineStringHash(v.raw_lo(), v.raw_hi());
      const auto* s = static_cast<const StringCell*>(v.cell());
      uint64_t h = s->hash.load(std::memory_order_relaxed);
      return h != 0 ? h : value_internal::StringCellHash(s);
    }
    case Kind::kArray:
    case Kind::kSet: {
      const CellHeader* cell = v.cell();
      if (uint64_t h = cell->hash.load(std::memory_order_relaxed); h != 0) return h;
      uint64_t h = v.is_array() ? kK0 : kK1;
      for (const Value& item : v.items()) h = Mix(h ^ Hash(item), kK1);
      return CachedHash(cell, h);
    }
    case Kind::kObject: {
      const CellHeader* cell = v.cell();
      if (uint64_t h = cell->hash.load(std::memory_order_relaxed); h != 0) return h;
      uint64_t h = kK0 ^ kK1;
      for (const ObjectEntry& e : v.entries()) {
        h = Mix(h ^ Hash(e.key), kK0);
        h = Mix(h ^ Hash(e.value), kK1);
      }
      return CachedHash(cell, h);
    }
  }
  return 0;
}

}  // namespace verdict
