// File: include/verdict/value.h
//
// Value is one Rego value: undefined, null, boolean, number, string, array,
// object or set. It is 16 bytes, copies cheaply and is immutable once built.
// Everything above this layer (compiler constants, the VM's registers, the
// builtins, the data document and input) is made of Values.
//
//   verdict::Arena arena;                       // or nullptr for heap cells
//   absl::StatusOr<Value> input = verdict::ParseJson(R"({"user":"alice"})", &arena);
//   const Value* user = input->Get("user");     // O(1) for big objects
//   if (user && user->is_string() && user->as_string() == "alice") ...
//   verdict::ObjectBuilder b(&arena);
//   b.Add(Value::String("allow", &arena), Value::Bool(true));
//   std::string json = verdict::ToJson(b.Build());   // {"allow":true}
//   arena.Reset();                              // every arena Value is now dead
//
// ---------------------------------------------------------------------------
// Layout (the way lobject.h documents TValue)
//
//   byte  0         8             13     14      15
//        +----------+--------------+------+-------+------+
//        | payload  | inline tail  | aux  | flags | kind |
//        +----------+--------------+------+-------+------+
//
//   kind   Kind, in Rego's cross-type order (null < bool < number < string <
//          array < object < set); kUndefined sorts first.
//   flags  kCounted: payload is a pointer to a heap cell whose reference
//          count this Value owns (copy = atomic increment). Scalars, inline
//          strings, arena cells and static cells never set it, so copying
//          them is a plain 16-byte copy with no memory traffic at all.
//          kInline: a string stored in bytes 0..12 (see below).
//   aux    numbers: NumberRep (kInt, kDouble, kBig, kExtended); inline
//          strings: length.
//
//   kind       payload
//   undefined  0
//   null       0
//   bool       0 / 1
//   number     kInt: int64_t; kDouble: double; kBig: BigCell*;
//              kExtended: an x87 long double's mantissa, its sign and
//              biased exponent in bytes 8..9
//   string     kInline: up to 13 bytes in bytes 0..12 (zero padded), else
//              StringCell*
//   array      ArrayCell*   (items follow the cell)
//   object     ObjectCell*  (entries sorted by key follow the cell)
//   set        SetCell*     (items sorted follow the cell)
//
// Every unused byte is zero, so two Values with identical 16 bytes are equal
// (operator== starts with that test). Representations are canonical:
// a string of at most 13 bytes is always inline; a number is kInt whenever it
// is an integer in int64 range, kDouble whenever it is the shortest
// round-trip decimal of a double, and kBig (exact decimal digits) otherwise.
// So equal values have equal representations, and Hash() is simple. The one
// exception is kExtended, the result of inexact arithmetic kept as the long
// double it computed (its value is that long double's shortest decimal, see
// lib/value/number.h): the same value may also appear as a kDouble or kBig,
// so equality and Hash() of a kExtended go through its canonical form, and
// DeepCopy() and every printer produce that form.
//
// Cells: every string, number and compound cell starts with CellHeader. A
// cell lives in one of three places (CellHeader::flags):
//   heap    allocated with operator new; atomic refcount; freed on last ref.
//   arena   bump-allocated in an Arena; never refcounted; dies at Reset().
//   static  process-lifetime constants (the empty array/object/set).
//
// Lifetimes (the contract the engine relies on):
//   - A Value referring to an arena cell is valid until that arena is Reset()
//     or destroyed. Copies of it are plain copies and do not extend that.
//   - An arena cell may hold heap Values: the arena takes over their
//     references and releases them at Reset()/destruction.
//   - A heap cell may hold arena Values only if the caller guarantees the
//     arena outlives the heap cell (e.g. constants built over the long-lived
//     data arena). Use DeepCopy(v, nullptr) to move a result out of an arena.
//   - Immutable cells may be read by any number of threads at once (cached
//     hashes are written with relaxed atomics). An Arena itself is not
//     thread-safe: one writer at a time.
//
// Tested by tests/value/value_test.cc, number_test.cc, json_test.cc,
// yaml_test.cc.
#ifndef VERDICT_VALUE_H_
#define VERDICT_VALUE_H_

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

// Invariant checks in inline accessors (this public header cannot use
// lib/base/check.h). Compiled out under NDEBUG like assert.
#define VERDICT_VALUE_DCHECK(cond) assert(cond)

namespace verdict {

class Arena;
class Value;

// Kind, in Rego's cross-type sort order after kUndefined.
enum class Kind : uint8_t {
  kUndefined,
  kNull,
  kBool,
  kNumber,
  kString,
  kArray,
  kObject,
  kSet,
};

// How a number is stored (Value::number_rep()); see the layout above.
enum class NumberRep : uint8_t {
  kInt,     // int64_t, for every integer in int64 range
  kDouble,  // non-integral or beyond int64, and exactly a double's shortest decimal
  kBig,     // exact decimal digits in a BigCell (e.g. 2^70, 1e400, 0.1000000000000000000001)
  // Not canonical: an inexact arithmetic result, non-integral and below
  // 2^63 in magnitude, held as its long double until something needs its
  // digits (lib/value/number.h). Never made outside lib/value/number.cc.
  kExtended,
};

// One object member; Value::entries() is sorted by key.
struct ObjectEntry;

namespace value_internal {

inline constexpr uint8_t kCounted = 1;  // Value::flags_: owns a heap refcount
inline constexpr uint8_t kInline = 2;   // Value::flags_: inline short string
inline constexpr size_t kMaxInline = 13;

// CellHeader::flags
inline constexpr uint8_t kHeapCell = 0;
inline constexpr uint8_t kArenaCell = 1;
inline constexpr uint8_t kStaticCell = 2;

// Objects and sets with at least this many members get a hash index.
inline constexpr size_t kIndexThreshold = 16;

struct CellHeader {
  mutable std::atomic<uint32_t> refs;  // heap cells only
  Kind kind;
  uint8_t flags;               // kHeapCell / kArenaCell / kStaticCell
  uint8_t negative;            // BigCell only
  uint8_t reserved;
  size_t size;                 // bytes (string), digits (big), members (compound)
  mutable std::atomic<uint64_t> hash;  // 0 = not computed yet
};

// String bytes follow the cell (not NUL-terminated).
struct StringCell : CellHeader {
  const char* data() const { return reinterpret_cast<const char*>(this + 1); }
};

// Value = (-1)^negative * digits * 10^exponent; digits (ASCII, no leading or
// trailing zeros) follow the cell.
struct BigCell : CellHeader {
  int64_t exponent;
  // Set when inexact arithmetic made the number (value/number.cc): the x87
  // long double it computed, which is the nearest long double to these
  // digits, so reading it back is a load. Words of the 80-bit format;
  // ld_sign_exponent 0 means not cached (a normal long double never has a
  // zero biased exponent). Not part of the value: equality and hashing
  // ignore it.
  uint64_t ld_mantissa;
  uint16_t ld_sign_exponent;
  const char* digits() const { return reinterpret_cast<const char*>(this + 1); }
};

// Items follow the cell.
struct ArrayCell : CellHeader {
  const Value* items() const { return reinterpret_cast<const Value*>(this + 1); }
  Value* mutable_items() { return reinterpret_cast<Value*>(this + 1); }
};

// Sorted members follow the cell. `index` (nullptr below kIndexThreshold)
// is an open-addressing table of index_mask+1 slots, each 0 (empty) or the
// position of a member plus one, probed linearly from Hash(key) & mask.
struct SetCell : CellHeader {
  const uint32_t* index;
  uint64_t index_mask;
  const Value* items() const { return reinterpret_cast<const Value*>(this + 1); }
  Value* mutable_items() { return reinterpret_cast<Value*>(this + 1); }
};

struct ObjectCell : CellHeader {
  const uint32_t* index;
  uint64_t index_mask;
  const ObjectEntry* entries() const {
    return reinterpret_cast<const ObjectEntry*>(this + 1);
  }
  ObjectEntry* mutable_entries() { return reinterpret_cast<ObjectEntry*>(this + 1); }
};

// The bytes of a short string (n <= kMaxInline) as the two words of an
// inline Value, with word loads only: going through a byte buffer stalls on
// store forwarding.
inline void PackInline(const char* p, size_t n, uint64_t* lo, uint64_t* hi) {
  if (n >= 8) {
    std::memcpy(lo, p, 8);
    if (n == 8) {
      *hi = 0;
    } else {
      uint64_t last;
      std::memcpy(&last, p + n - 8, 8);
      *hi = last >> (8 * (16 - n));
    }
  } else if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    *lo = a | (uint64_t{b} << (8 * (n - 4)));
    *hi = 0;
  } else if (n > 0) {
    auto byte = [&](size_t i) { return uint64_t{static_cast<unsigned char>(p[i])} << (8 * i); };
    *lo = byte(0) | byte(n / 2) | byte(n - 1);
    *hi = 0;
  } else {
    *lo = 0;
    *hi = 0;
  }
}

// Frees a heap cell whose last reference went away (value.cc).
void DestroyCell(const CellHeader* cell);
// Computes and caches the hash of a string cell.
uint64_t StringCellHash(const StringCell* cell);
// The empty containers (static cells).
const ArrayCell* EmptyArrayCell();
const ObjectCell* EmptyObjectCell();
const SetCell* EmptySetCell();

// Hash of a byte string; Hash(Value::String(s)) == HashBytes(s) for strings
// of more than kMaxInline bytes (shorter ones: InlineStringHash).
uint64_t HashBytes(const char* data, size_t size);

// Hash of an inline string from its two words (zero-padded bytes, length in
// aux): two multiplications, no loads that depend on the length.
inline uint64_t InlineStringHash(uint64_t lo, uint64_t hi) {
  auto mix = [](uint64_t a, uint64_t b) {
    const __uint128_t r = static_cast<__uint128_t>(a) * b;
    return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
  };
  const uint64_t h = mix(mix(lo ^ 0xa0761d6478bd642full, hi ^ 0xe7037ed1a0b428dbull) ^
                             0x8ebc6af09c88c6e3ull,
                         0x589965cc75374cc3ull);
  return h != 0 ? h : 1;  // 0 marks "not cached yet" in cells
}

}  // namespace value_internal

// ---------------------------------------------------------------------------
// Value
class Value {
 public:
  // Undefined.
  Value() noexcept : lo_(0), hi_(0) {}

  Value(const Value& other) noexcept : lo_(other.lo_), hi_(other.hi_) {
    if (flags() & value_internal::kCounted) {
      cell()->refs.fetch_add(1, std::memory_order_relaxed);
    }
  }
  Value(Value&& other) noexcept : lo_(other.lo_), hi_(other.hi_) {
    other.lo_ = 0;
    other.hi_ = 0;
  }
  Value& operator=(const Value& other) noexcept {
    Value copy(other);
    Swap(copy);
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    Value moved(std::move(other));
    Swap(moved);
    return *this;
  }
  ~Value() {
    if (flags() & value_internal::kCounted) Release(cell());
  }
  void Swap(Value& other) noexcept {
    std::swap(lo_, other.lo_);
    std::swap(hi_, other.hi_);
  }

  // --- construction ---------------------------------------------------------
  static Value Undefined() { return Value(); }
  static Value Null() { return Value(Kind::kNull, 0, 0); }
  static Value Bool(bool b) { return Value(Kind::kBool, 0, b ? 1 : 0); }
  static Value Int(int64_t i) {
    return Value(Kind::kNumber, static_cast<uint8_t>(NumberRep::kInt),
                 static_cast<uint64_t>(i));
  }
  // Integral values in int64 range become kInt (1.0 == 1); -0.0 becomes 0.
  // [d] must be finite (Rego has no NaN or infinity); a non-finite double is
  // kept as is and ToJson() prints it as null.
  static Value Double(double d);
  // Parses a JSON/Rego number literal ("-12", "1.5e3", "12345678901234567890123")
  // exactly. Errors (kInvalidArgument) on anything that is not a number literal.
  static absl::StatusOr<Value> Number(std::string_view text, Arena* arena = nullptr);
  // A string (any bytes; JSON output replaces invalid UTF-8). Inline for
  // short strings, which need no cell.
  static Value String(std::string_view s, Arena* arena = nullptr) {
    if (s.size() <= value_internal::kMaxInline) {
      Value v;
      uint64_t hi;
      value_internal::PackInline(s.data(), s.size(), &v.lo_, &hi);
      v.hi_ = hi | (uint64_t{static_cast<uint8_t>(Kind::kString)} << 56) |
              (uint64_t{s.size()} << 40) | (uint64_t{value_internal::kInline} << 48);
      return v;
    }
    return LongString(s, arena);
  }
  // A string of more than 13 bytes in a cell.
  static Value LongString(std::string_view s, Arena* arena);
  // A string of [size] bytes written in place by [fill](char* data), which
  // must write exactly [size] bytes. Saves a copy for builtins that compute
  // strings (concat, sprintf, upper ...):
  //   Value s = Value::StringWith(a.size() + b.size(), arena, [&](char* p) {
  //     std::memcpy(p, a.data(), a.size());
  //     std::memcpy(p + a.size(), b.data(), b.size());
  //   });
  template <typename Fill>
  static Value StringWith(size_t size, Arena* arena, Fill&& fill) {
    if (size <= value_internal::kMaxInline) {
      char buf[value_internal::kMaxInline];
      fill(static_cast<char*>(buf));
      return String(std::string_view(buf, size), nullptr);
    }
    char* data = nullptr;
    Value v = NewStringCell(size, arena, &data);
    fill(data);
    return v;
  }
  // A string cell of [size] > 13 bytes, uninitialized; StringWith() fills it.
  static Value NewStringCell(size_t size, Arena* arena, char** data);
  static Value EmptyArray();
  static Value EmptyObject();
  static Value EmptySet();

  // --- inspection (inline: the VM's dispatch loop calls these) -------------
  Kind kind() const { return static_cast<Kind>(hi_ >> 56); }
  bool is_undefined() const { return kind() == Kind::kUndefined; }
  bool is_defined() const { return kind() != Kind::kUndefined; }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_number() const { return kind() == Kind::kNumber; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }
  bool is_set() const { return kind() == Kind::kSet; }
  bool is_collection() const { return kind() >= Kind::kArray; }
  bool is_true() const { return kind() == Kind::kBool && lo_ != 0; }

  bool as_bool() const {
    VERDICT_VALUE_DCHECK(is_bool());
    return lo_ != 0;
  }

  // Numbers. number_rep() says which of as_int()/as_double() applies.
  NumberRep number_rep() const {
    VERDICT_VALUE_DCHECK(is_number());
    return static_cast<NumberRep>(aux());
  }
  bool is_int() const {
    return is_number() && aux() == static_cast<uint8_t>(NumberRep::kInt);
  }
  int64_t as_int() const {
    VERDICT_VALUE_DCHECK(is_int());
    return static_cast<int64_t>(lo_);
  }
  double as_double() const {
    VERDICT_VALUE_DCHECK(is_number() && number_rep() == NumberRep::kDouble);
    double d;
    std::memcpy(&d, &lo_, sizeof d);
    return d;
  }
  // The number as int64 when it is an integer in range (canonical form makes
  // that exactly the kInt representation).
  std::optional<int64_t> ToInt64() const {
    if (is_int()) return static_cast<int64_t>(lo_);
    return std::nullopt;
  }
  // The number as the nearest double (big numbers may round or overflow to inf).
  double ToDouble() const;
  // A kExtended number from the 80-bit long double's words, and back (for
  // lib/value/number.cc).
  static Value Extended(uint64_t mantissa, uint16_t sign_exponent) {
    Value v(Kind::kNumber, static_cast<uint8_t>(NumberRep::kExtended), mantissa);
    v.hi_ |= sign_exponent;
    return v;
  }
  uint16_t extended_sign_exponent() const {
    VERDICT_VALUE_DCHECK(is_number() && number_rep() == NumberRep::kExtended);
    return static_cast<uint16_t>(hi_);
  }
  // The big-number cell (kBig only), for lib/value/number.cc.
  const value_internal::BigCell* big_cell() const {
    VERDICT_VALUE_DCHECK(is_number() && number_rep() == NumberRep::kBig);
    return static_cast<const value_internal::BigCell*>(cell());
  }

  // Strings. The view points into this Value for short strings, so it lives
  // as long as this Value (or the container holding it), like std::string.
  std::string_view as_string() const {
    VERDICT_VALUE_DCHECK(is_string());
    if (flags() & value_internal::kInline) {
      return std::string_view(reinterpret_cast<const char*>(this), aux());
    }
    const auto* s = static_cast<const value_internal::StringCell*>(cell());
    return std::string_view(s->data(), s->size);
  }

  // Arrays and sets: the items (sets: sorted, distinct).
  std::span<const Value> items() const {
    VERDICT_VALUE_DCHECK(is_array() || is_set());
    if (is_array()) {
      const auto* a = static_cast<const value_internal::ArrayCell*>(cell());
      return {a->items(), a->size};
    }
    const auto* s = static_cast<const value_internal::SetCell*>(cell());
    return {s->items(), s->size};
  }
  // Array element [i]; i < size().
  const Value& operator[](size_t i) const {
    VERDICT_VALUE_DCHECK(is_array() && i < size());
    return static_cast<const value_internal::ArrayCell*>(cell())->items()[i];
  }
  // Objects: entries sorted by key.
  inline std::span<const ObjectEntry> entries() const;

  // Bytes of a string; members of an array, object or set; 0 otherwise.
  size_t size() const {
    if (kind() < Kind::kString) return 0;
    if (flags() & value_internal::kInline) return aux();
    return cell()->size;
  }
  bool empty() const { return size() == 0; }

  // Object member by key; nullptr when absent (or when this is no object).
  // O(1) with the hash index for objects of kIndexThreshold+ members.
  const Value* Get(const Value& key) const;
  const Value* Get(std::string_view key) const;
  // Set membership (false when this is no set).
  bool Contains(const Value& item) const;
  // Rego's `x in xs`: whether [x] is an element of this array or set or a
  // value of this object; false for every other kind.
  bool HasMember(const Value& x) const;

  // --- internals, for lib/value -------------------------------------------
  uint8_t flags() const { return static_cast<uint8_t>(hi_ >> 48); }
  uint8_t aux() const { return static_cast<uint8_t>(hi_ >> 40); }
  bool is_counted() const { return (flags() & value_internal::kCounted) != 0; }
  bool is_inline_string() const { return (flags() & value_internal::kInline) != 0; }
  // The cell behind a string, big number or collection (not inline strings).
  const value_internal::CellHeader* cell() const {
    return reinterpret_cast<const value_internal::CellHeader*>(
        static_cast<uintptr_t>(lo_));
  }
  uint64_t raw_lo() const { return lo_; }
  uint64_t raw_hi() const { return hi_; }
  // Whether a raw_hi() word (or an OR of several) has the kCounted flag.
  static bool RawHiCounted(uint64_t hi) {
    return ((hi >> 48) & value_internal::kCounted) != 0;
  }
  // Wraps a cell. [counted]: this Value takes over one reference to a heap cell.
  static Value FromCell(Kind kind, uint8_t aux, const value_internal::CellHeader* cell,
                        bool counted) {
    Value v(kind, aux, reinterpret_cast<uintptr_t>(cell));
    if (counted) v.hi_ |= uint64_t{value_internal::kCounted} << 48;
    return v;
  }
 private:
  Value(Kind kind, uint8_t aux, uint64_t payload)
      : lo_(payload),
        hi_((uint64_t{static_cast<uint8_t>(kind)} << 56) | (uint64_t{aux} << 40)) {}
  static void Release(const value_internal::CellHeader* cell) {
    if (cell->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      value_internal::DestroyCell(cell);
    }
  }

  // lo_: payload / inline string bytes 0..7. hi_: inline string bytes 8..12,
  // aux (bits 40..47), flags (48..55), kind (56..63). x86-64 is little-endian,
  // so the bytes of lo_ then hi_ are the layout drawn above.
  uint64_t lo_;
  uint64_t hi_;
};

static_assert(sizeof(Value) == 16, "Value must stay two words");

struct ObjectEntry {
  Value key;
  Value value;
};

inline std::span<const ObjectEntry> Value::entries() const {
  VERDICT_VALUE_DCHECK(is_object());
  const auto* o = static_cast<const value_internal::ObjectCell*>(cell());
  return {o->entries(), o->size};
}

// ---------------------------------------------------------------------------
// Order, equality, hashing

// Compare()
//
// Rego's total order: by kind (undefined < null < false < true < numbers <
// strings < arrays < objects < sets), numbers by value across representations,
// strings bytewise, arrays lexicographically (a shorter prefix first), objects
// member by member over sorted keys (key, then value), then by size, sets
// likewise over sorted items. Returns <0, 0 or >0. Inline: identical bits,
// two short strings and two integers (the members of most sets and object
// keys) are ordered without a call.
int CompareSlow(const Value& a, const Value& b);

namespace value_internal {
// Order of two inline strings: their zero-padded bytes, two little-endian
// words, compared as big-endian numbers, then by length.
inline int CompareInlineStrings(const Value& a, const Value& b) {
  uint64_t x = __builtin_bswap64(a.raw_lo()), y = __builtin_bswap64(b.raw_lo());
  if (x != y) return x < y ? -1 : 1;
  x = __builtin_bswap64(a.raw_hi() << 24);  // bytes 8..12, byte 8 on top
  y = __builtin_bswap64(b.raw_hi() << 24);
  if (x != y) return x < y ? -1 : 1;
  return a.aux() == b.aux() ? 0 : (a.aux() < b.aux() ? -1 : 1);
}
}  // namespace value_internal

__attribute__((always_inline)) inline int Compare(const Value& a, const Value& b) {
  if (a.raw_lo() == b.raw_lo() && a.raw_hi() == b.raw_hi()) return 0;
  if (a.is_inline_string() && b.is_inline_string()) {
    return value_internal::CompareInlineStrings(a, b);
  }
  if (a.is_int() && b.is_int()) return a.as_int() < b.as_int() ? -1 : 1;  // bits differ
  return CompareSlow(a, b);
}

bool EqualSlow(const Value& a, const Value& b);

// operator==: Rego equality (1 == 1.0; sets and objects ignore order).
// Always inline (the VM's dispatch loop compares with it): the common
// outcomes take a few instructions, cells compare out of line.
__attribute__((always_inline)) inline bool operator==(const Value& a, const Value& b) {
  if (a.raw_lo() == b.raw_lo() && a.raw_hi() == b.raw_hi()) return true;
  Kind kind = a.kind();
  if (kind != b.kind()) return false;
  // Canonical representations: values without a cell (scalars, ints,
  // doubles, inline strings) are equal only when their bytes are, so the
  // common mismatch of two short strings or two numbers ends here.
  switch (kind) {
    case Kind::kString:
      if (a.is_inline_string() || b.is_inline_string()) return false;
      break;
    case Kind::kNumber:
      // Only a big or an extended number can equal a number of other bits.
      if (a.number_rep() <= NumberRep::kDouble && b.number_rep() <= NumberRep::kDouble) {
        return false;
      }
      break;
    case Kind::kUndefined:
    case Kind::kNull:
    case Kind::kBool:
      return false;
    default:
      break;
  }
  return EqualSlow(a, b);
}
inline bool operator!=(const Value& a, const Value& b) { return !(a == b); }
inline bool operator<(const Value& a, const Value& b) { return Compare(a, b) < 0; }

// Hash(): consistent with operator== (equal values hash equally).
size_t Hash(const Value& v);

// For absl/std hash containers keyed by Value.
struct ValueHash {
  size_t operator()(const Value& v) const { return Hash(v); }
};
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return Compare(a, b) < 0; }
};

// ---------------------------------------------------------------------------
// Arena
//
// A chunked bump allocator for cells. Reset() makes every Value built in the
// arena invalid and keeps the memory: when the last cycle needed several
// chunks they are coalesced into one (up to kMaxRetainedBytes), so from the
// second decision on an evaluation context allocates nothing. Not
// thread-safe; Values in it may be read from many threads once built.
class Arena {
 public:
  static constexpr size_t kDefaultChunkBytes = 16 << 10;
  // Reset() keeps at most this much memory.
  static constexpr size_t kMaxRetainedBytes = 64 << 20;

  explicit Arena(size_t first_chunk_bytes = kDefaultChunkBytes);
  ~Arena();
  // Cells hold raw pointers into the chunks.
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Allocate()
  //
  // [bytes] of 8-aligned memory, valid until Reset(). Never fails (aborts on
  // out-of-memory like operator new).
  void* Allocate(size_t bytes) {
    bytes = (bytes + 7) & ~size_t{7};
    if (static_cast<size_t>(end_ - ptr_) >= bytes) {
      void* p = ptr_;
      ptr_ += bytes;
      return p;
    }
    return AllocateSlow(bytes);
  }

  // Reset(): frees every cell (releasing adopted heap references) and keeps
  // the chunk memory for reuse.
  void Reset();

  // Bytes handed out since the last Reset().
  size_t bytes_used() const;
  // Chunk memory currently held.
  size_t bytes_reserved() const { return reserved_; }

  // Takes over one reference to a heap cell, released at Reset(). Used when a
  // counted Value is stored inside an arena cell.
  void AdoptRef(const value_internal::CellHeader* cell) { adopted_.push_back(cell); }

 private:
  struct Chunk {
    Chunk* next;
    size_t size;  // usable bytes after the header
    char* begin() { return reinterpret_cast<char*>(this + 1); }
  };
  // A chunk of at least [size] usable bytes (lib/base/large_alloc.h's
  // AllocateBuffer): big ones are mapped directly (huge pages, unmapped
  // when freed), so a data document's arena costs few page faults and
  // gives its memory back when dropped.
  static Chunk* NewChunk(size_t size);
  static void FreeChunk(Chunk* chunk);
  void* AllocateSlow(size_t bytes);
  void ReleaseAdopted();

  size_t first_chunk_bytes_;
  Chunk* first_ = nullptr;     // chunk kept across Reset()
  Chunk* current_ = nullptr;   // chunk being filled
  char* ptr_ = nullptr;
  char* end_ = nullptr;
  size_t used_in_full_chunks_ = 0;
  size_t reserved_ = 0;
  std::vector<const value_internal::CellHeader*> adopted_;
};

// ---------------------------------------------------------------------------
// Builders. Each builds one value; call Build() once. [arena] nullptr builds
// heap cells. Items are moved in; Reserve() with the final count avoids any
// regrowth. Containers never hold undefined: do not add it.

class ArrayBuilder {
 public:
  explicit ArrayBuilder(Arena* arena = nullptr) : arena_(arena) {}
  ~ArrayBuilder();
  // Owns a partially built cell.
  ArrayBuilder(const ArrayBuilder&) = delete;
  ArrayBuilder& operator=(const ArrayBuilder&) = delete;

  void Reserve(size_t n);
  void Add(Value v) {
    if (size_ == capacity_) Grow(size_ + 1);
    new (&items_[size_++]) Value(std::move(v));
  }
  // Moves [n] Values in with one copy, leaving items[0..n) undefined.
  void AddMoved(Value* items, size_t n);
  size_t size() const { return size_; }
  // Items added so far (e.g. to check for a value before adding it).
  std::span<const Value> items() const { return {items_, size_}; }
  // The same, for reordering in place before Build() (sort()).
  std::span<Value> mutable_items() { return {items_, size_}; }
  Value Build();

 private:
  void Grow(size_t min_capacity);
  Arena* arena_;
  value_internal::ArrayCell* cell_ = nullptr;
  Value* items_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Sorts by Compare() and drops duplicates at Build().
class SetBuilder {
 public:
  explicit SetBuilder(Arena* arena = nullptr) : arena_(arena) {}
  ~SetBuilder();
  SetBuilder(const SetBuilder&) = delete;
  SetBuilder& operator=(const SetBuilder&) = delete;

  void Reserve(size_t n);
  void Add(Value v) {
    if (size_ == capacity_) Grow(size_ + 1);
    new (&items_[size_++]) Value(std::move(v));
  }
  size_t size() const { return size_; }  // before dedupe
  Value Build();

 private:
  void Grow(size_t min_capacity);
  Arena* arena_;
  value_internal::SetCell* cell_ = nullptr;
  Value* items_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Sorts entries by key at Build(). A key added twice keeps the last value;
// Build() reports through [*conflict] whether any key was added twice with
// different values (OPA's "object keys must be unique" / conflict errors),
// and through [*duplicate] whether any key was added twice at all.
class ObjectBuilder {
 public:
  explicit ObjectBuilder(Arena* arena = nullptr) : arena_(arena) {}
  ~ObjectBuilder();
  ObjectBuilder(const ObjectBuilder&) = delete;
  ObjectBuilder& operator=(const ObjectBuilder&) = delete;

  void Reserve(size_t n);
  void Add(Value key, Value value) {
    if (size_ == capacity_) Grow(size_ + 1);
    new (&entries_[size_++]) ObjectEntry{std::move(key), std::move(value)};
  }
  // Moves [n] entries in with one copy, leaving them undefined.
  void AddMoved(ObjectEntry* entries, size_t n);
  size_t size() const { return size_; }  // before dedupe
  Value Build(bool* conflict = nullptr, bool* duplicate = nullptr);

 private:
  void Grow(size_t min_capacity);
  Arena* arena_;
  value_internal::ObjectCell* cell_ = nullptr;
  ObjectEntry* entries_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// DeepCopy()
//
// A copy of [v] whose every cell lives in [to] (nullptr: the heap), sharing
// nothing with arenas. Use it to keep a result after its arena is Reset().
Value DeepCopy(const Value& v, Arena* to);

// ---------------------------------------------------------------------------
// JSON and YAML

// ParseJson()
//
// Parses one JSON document into a Value (cells in [arena], or the heap).
// Numbers keep their exact value (big integers, 1e400). Errors carry
// ErrorCode::kJsonError and the byte offset: "invalid JSON at offset 17: ...".
// Nesting deeper than limits::kMaxJsonDepth is an error. Object keys that
// repeat keep the last value.
absl::StatusOr<Value> ParseJson(std::string_view json, Arena* arena = nullptr);

// JsonParser: ParseJson() that reuses its buffers across calls (no
// allocation per call in steady state beyond the arena). One per thread.
class JsonParser {
 public:
  JsonParser();
  ~JsonParser();
  JsonParser(const JsonParser&) = delete;  // owns its buffers
  JsonParser& operator=(const JsonParser&) = delete;

  absl::StatusOr<Value> Parse(std::string_view json, Arena* arena);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// AppendJson() / ToJson()
//
// Canonical JSON: no spaces, object keys in sorted order, sets as sorted
// arrays, numbers exactly (see docs/values.md for the number format),
// strings escaped like Go's encoding/json (with HTML escaping off; invalid
// UTF-8 becomes U+FFFD). A non-string object key is written as a string
// holding its JSON text ({1:"a"} -> {"1":"a"}). Undefined appends nothing.
void AppendJson(std::string* out, const Value& v);
std::string ToJson(const Value& v);
// ToPrettyJson(): the same with newlines and two-space indentation.
std::string ToPrettyJson(const Value& v);

// ParseYaml()
//
// Parses a YAML document with YAML 1.2 core-schema scalars, like Go's yaml
// package: unquoted 12 / 1.5 / true / false / null / ~ are typed, quoted
// scalars are strings. Errors carry ErrorCode::kJsonError with line:col.
absl::StatusOr<Value> ParseYaml(std::string_view yaml, Arena* arena = nullptr);

}  // namespace verdict

#endif  // VERDICT_VALUE_H_
