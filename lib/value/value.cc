// File: lib/value/value.cc
//
// Cells, the Arena, the builders, lookups, DeepCopy. The layout and the
// lifetime rules are documented at the top of include/verdict/value.h; the
// order and equality live in compare.cc, numbers in number.cc.
//
// Values are trivially relocatable (their 16 bytes may be moved with memcpy
// as long as the source is then forgotten), which the builders use to grow
// and sort without touching reference counts.
//
// Tested by tests/value/value_test.cc.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "base/check.h"
#include "base/error_code.h"
#include "base/large_alloc.h"
#include "value/number.h"
#include "verdict/value.h"

namespace verdict {

using value_internal::ArrayCell;
using value_internal::BigCell;
using value_internal::CellHeader;
using value_internal::ObjectCell;
using value_internal::SetCell;
using value_internal::StringCell;

namespace value_internal {
namespace {

// Allocates a cell of sizeof(CellT) + [extra] bytes with an initialized
// header (size 0, refs 1).
template <typename CellT>
CellT* NewCell(Kind kind, size_t extra, Arena* arena) {
  size_t bytes = sizeof(CellT) + extra;
  void* mem = arena != nullptr ? arena->Allocate(bytes) : ::operator new(bytes);
  CellT* cell = new (mem) CellT();
  cell->refs.store(1, std::memory_order_relaxed);
  cell->kind = kind;
  cell->flags = arena != nullptr ? kArenaCell : kHeapCell;
  return cell;
}

template <typename CellT>
CellT* NewStaticCell(Kind kind) {
  CellT* cell = new CellT();  // lives for the process
  cell->kind = kind;
  cell->flags = kStaticCell;
  return cell;
}

void FreeRaw(void* mem, Arena* arena) {
  if (arena == nullptr) ::operator delete(mem);
}

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t r = static_cast<__uint128_t>(a) * b;
  return static_cast<uint64_t>(r) ^ static_cast<uint64_t>(r >> 64);
}

constexpr uint64_t kP0 = 0xa0761d6478bd642full;
constexpr uint64_t kP1 = 0xe7037ed1a0b428dbull;
constexpr uint64_t kP2 = 0x8ebc6af09c88c6e3ull;

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

// A wyhash-style hash: one 64x64->128 multiply per 16 bytes.
uint64_t HashBytes(const char* p, size_t n) {
  uint64_t seed = kP0 ^ (n * kP1);
  uint64_t a = 0;
  uint64_t b = 0;
  if (n <= 16) {
    if (n >= 8) {
      a = Load64(p);
      b = Load64(p + n - 8);
    } else if (n >= 4) {
      a = Load32(p);
      b = Load32(p + n - 4);
    } else if (n > 0) {
      a = (uint64_t{static_cast<uint8_t>(p[0])} << 16) |
          (uint64_t{static_cast<uint8_t>(p[n >> 1])} << 8) |
          static_cast<uint8_t>(p[n - 1]);
    }
  } else {
    size_t i = n;
    while (i > 16) {
      seed = Mix(Load64(p) ^ kP1, Load64(p + 8) ^ seed);
      p += 16;
      i -= 16;
    }
    a = Load64(p + i - 16);
    b = Load64(p + i - 8);
  }
  uint64_t h = Mix(kP1 ^ n, Mix(a ^ kP1, b ^ seed) ^ kP2);
  return h != 0 ? h : 1;  // 0 marks "not cached yet" in cells
}

uint64_t StringCellHash(const StringCell* cell) {
  uint64_t h = HashBytes(cell->data(), cell->size);
  cell->hash.store(h, std::memory_order_relaxed);
  return h;
}

void DestroyCell(const CellHeader* cell) {
  VERDICT_DCHECK(cell->flags == kHeapCell);
  switch (cell->kind) {
    case Kind::kArray: {
      auto* a = static_cast<const ArrayCell*>(cell);
      for (size_t i = 0; i < a->size; ++i) a->items()[i].~Value();
      break;
    }
    case Kind::kSet: {
      auto* s = static_cast<const SetCell*>(cell);
      for (size_t i = 0; i < s->size; ++i) s->items()[i].~Value();
      delete[] s->index;
      break;
    }
    case Kind::kObject: {
      auto* o = static_cast<const ObjectCell*>(cell);
      for (size_t i = 0; i < o->size; ++i) o->entries()[i].~ObjectEntry();
      delete[] o->index;
      break;
    }
    default:
      break;
  }
  ::operator delete(const_cast<CellHeader*>(cell));
}

const ArrayCell* EmptyArrayCell() {
  static const ArrayCell* cell = NewStaticCell<ArrayCell>(Kind::kArray);
  return cell;
}
const ObjectCell* EmptyObjectCell() {
  static const ObjectCell* cell = NewStaticCell<ObjectCell>(Kind::kObject);
  return cell;
}
const SetCell* EmptySetCell() {
  static const SetCell* cell = NewStaticCell<SetCell>(Kind::kSet);
  return cell;
}

}  // namespace value_internal

using value_internal::HashBytes;
using value_internal::kIndexThreshold;

// ---------------------------------------------------------------------------
// Value

Value Value::Double(double d) {
  // Integral doubles in int64 range are ints (canonical form; -0.0 -> 0).
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
    int64_t i = static_cast<int64_t>(d);
    if (static_cast<double>(i) == d) return Int(i);
  }
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return Value(Kind::kNumber, static_cast<uint8_t>(NumberRep::kDouble), bits);
}

absl::StatusOr<Value> Value::Number(std::string_view text, Arena* arena) {
  std::optional<Value> v = value::ParseNumber(text, arena);
  if (!v) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid number literal \"" + std::string(text.substr(0, 64)) + "\"");
  }
  return *std::move(v);
}

Value Value::LongString(std::string_view s, Arena* arena) {
  char* data = nullptr;
  Value v = NewStringCell(s.size(), arena, &data);
  std::memcpy(data, s.data(), s.size());
  return v;
}

Value Value::NewStringCell(size_t size, Arena* arena, char** data) {
  VERDICT_DCHECK(size > value_internal::kMaxInline);
  StringCell* cell = value_internal::NewCell<StringCell>(Kind::kString, size, arena);
  cell->size = size;
  *data = const_cast<char*>(cell->data());
  return FromCell(Kind::kString, 0, cell, arena == nullptr);
}

Value Value::EmptyArray() {
  return FromCell(Kind::kArray, 0, value_internal::EmptyArrayCell(), false);
}
Value Value::EmptyObject() {
  return FromCell(Kind::kObject, 0, value_internal::EmptyObjectCell(), false);
}
Value Value::EmptySet() {
  return FromCell(Kind::kSet, 0, value_internal::EmptySetCell(), false);
}

double Value::ToDouble() const {
  VERDICT_DCHECK(is_number());
  return value::ToDouble(*this);
}

namespace {

// Probes an open-addressing index for a member equal to [key] (hash [h]).
template <typename Member, typename KeyOf, typename Eq>
const Member* Probe(const uint32_t* index, uint64_t mask, const Member* members,
                    uint64_t h, KeyOf key_of, Eq eq) {
  for (uint64_t slot = h & mask;; slot = (slot + 1) & mask) {
    uint32_t pos = index[slot];
    if (pos == 0) return nullptr;
    const Member& m = members[pos - 1];
    if (eq(key_of(m))) return &m;
  }
}

// The value of the member of [o] whose key satisfies [eq]: through the
// hash index (probed from [hash](), computed only then) or by a scan.
template <typename HashFn, typename Eq>
const Value* FindMember(const ObjectCell* o, HashFn hash, Eq eq) {
  const ObjectEntry* entries = o->entries();
  if (o->index != nullptr) {
    const ObjectEntry* e = Probe(
        o->index, o->index_mask, entries, hash(),
        [](const ObjectEntry& m) -> const Value& { return m.key; }, eq);
    return e ? &e->value : nullptr;
  }
  for (size_t i = 0; i < o->size; ++i) {
    if (eq(entries[i].key)) return &entries[i].value;
  }
  return nullptr;
}

// The member whose key is the inline string [key]: inline strings are
// canonical, so a key is equal exactly when its 16 bytes are, and no text
// is compared.
const Value* FindInlineKey(const ObjectCell* o, const Value& key) {
  const uint64_t lo = key.raw_lo(), hi = key.raw_hi();
  return FindMember(
      o, [lo, hi] { return value_internal::InlineStringHash(lo, hi); },
      [lo, hi](const Value& m) { return m.raw_lo() == lo && m.raw_hi() == hi; });
}

}  // namespace

const Value* Value::Get(const Value& key) const {
  if (!is_object()) return nullptr;
  const auto* o = static_cast<const ObjectCell*>(cell());
  if (key.is_inline_string()) return FindInlineKey(o, key);  // the common key
  if (key.is_string()) return Get(key.as_string());
  return FindMember(o, [&] { return Hash(key); }, [&](const Value& k) { return k == key; });
}

const Value* Value::Get(std::string_view key) const {
  if (!is_object()) return nullptr;
  const auto* o = static_cast<const ObjectCell*>(cell());
  if (key.size() <= value_internal::kMaxInline) return FindInlineKey(o, String(key, nullptr));
  return FindMember(
      o, [&] { return HashBytes(key.data(), key.size()); },
      [&](const Value& m) {
        return m.is_string() && !m.is_inline_string() && m.as_string() == key;
      });
}

namespace {

// Whether a value equal to [x] must have [x]'s 16 bytes: true for short
// strings and integers (canonical, and no big or extended number is an
// integer in int64 range), so a scan for them compares bytes only.
bool EqualOnlyWhenIdentical(const Value& x) { return x.is_inline_string() || x.is_int(); }

template <typename T, typename Member>
bool ScanFor(std::span<const T> members, const Value& x, Member member) {
  if (EqualOnlyWhenIdentical(x)) {
    const uint64_t lo = x.raw_lo(), hi = x.raw_hi();
    for (const T& m : members) {
      if (member(m).raw_lo() == lo && member(m).raw_hi() == hi) return true;
    }
    return false;
  }
  for (const T& m : members) {
    if (member(m) == x) return true;
  }
  return false;
}

}  // namespace

bool Value::HasMember(const Value& x) const {
  switch (kind()) {
    case Kind::kSet:
      return Contains(x);
    case Kind::kArray:
      return ScanFor(items(), x, [](const Value& v) -> const Value& { return v; });
    case Kind::kObject:
      return ScanFor(entries(), x, [](const ObjectEntry& e) -> const Value& { return e.value; });
    default:
      return false;
  }
}

bool Value::Contains(const Value& item) const {
  if (!is_set()) return false;
  const auto* s = static_cast<const SetCell*>(cell());
  if (s->index != nullptr) {
    return Probe(
               s->index, s->index_mask, s->items(), Hash(item),
               [](const Value& m) -> const Value& { return m; },
               [&](const Value& m) { return m == item; }) != nullptr;
  }
  return ScanFor(std::span<const Value>(s->items(), s->size), item,
                 [](const Value& v) -> const Value& { return v; });
}

// ---------------------------------------------------------------------------
// Arena

Arena::Arena(size_t first_chunk_bytes)
    : first_chunk_bytes_(std::max<size_t>(first_chunk_bytes, 256)) {}

Arena::~Arena() {
  ReleaseAdopted();
  for (Chunk* c = first_; c != nullptr;) {
    Chunk* next = c->next;
    FreeChunk(c);
    c = next;
  }
}

Arena::Chunk* Arena::NewChunk(size_t size) {
  size_t bytes = sizeof(Chunk) + size;
  auto* chunk = static_cast<Chunk*>(AllocateBuffer(&bytes));
  chunk->next = nullptr;
  chunk->size = bytes - sizeof(Chunk);  // a mapping's rounding is usable too
  return chunk;
}

void Arena::FreeChunk(Chunk* chunk) { FreeBuffer(chunk, sizeof(Chunk) + chunk->size); }

void* Arena::AllocateSlow(size_t bytes) {
  if (current_ != nullptr) {
    used_in_full_chunks_ += static_cast<size_t>(ptr_ - current_->begin());
  }
  // Grow geometrically so a big cycle needs few chunks; Reset() coalesces.
  Chunk* chunk = NewChunk(std::max({bytes, first_chunk_bytes_, reserved_}));
  if (current_ == nullptr) {
    first_ = chunk;
  } else {
    current_->next = chunk;
  }
  current_ = chunk;
  reserved_ += chunk->size;
  ptr_ = chunk->begin() + bytes;
  end_ = chunk->begin() + chunk->size;
  return chunk->begin();
}

void Arena::ReleaseAdopted() {
  for (const CellHeader* cell : adopted_) {
    if (cell->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      value_internal::DestroyCell(cell);
    }
  }
  adopted_.clear();
}

void Arena::Reset() {
  ReleaseAdopted();
  if (first_ == nullptr) return;
  if (first_->next != nullptr) {
    // Several chunks: replace them by one that holds the whole cycle, so the
    // next cycle of the same size allocates nothing.
    size_t total = std::min(reserved_, kMaxRetainedBytes);
    total = std::max(total, first_chunk_bytes_);
    for (Chunk* c = first_; c != nullptr;) {
      Chunk* next = c->next;
      FreeChunk(c);
      c = next;
    }
    first_ = NewChunk(total);
    reserved_ = first_->size;
  }
  current_ = first_;
  ptr_ = first_->begin();
  end_ = ptr_ + first_->size;
  used_in_full_chunks_ = 0;
}

size_t Arena::bytes_used() const {
  if (current_ == nullptr) return 0;
  return used_in_full_chunks_ + static_cast<size_t>(ptr_ - current_->begin());
}

// ---------------------------------------------------------------------------
// Builders

namespace {

// Moves [n] relocatable objects.
template <typename T>
void Relocate(T* to, T* from, size_t n) {
  if (n > 0) std::memcpy(static_cast<void*>(to), static_cast<const void*>(from), n * sizeof(T));
}

// A buffer of [capacity] members after a cell header, grown geometrically.
// Returns the new cell; members are relocated, the old buffer freed (heap).
template <typename CellT, typename T>
CellT* GrowCell(CellT* old_cell, T* old_items, size_t size, size_t* capacity,
                size_t min_capacity, Kind kind, Arena* arena) {
  size_t cap = std::max({min_capacity, *capacity * 2, size_t{4}});
  CellT* cell = value_internal::NewCell<CellT>(kind, cap * sizeof(T), arena);
  auto* items = reinterpret_cast<T*>(cell + 1);
  Relocate(items, old_items, size);
  if (old_cell != nullptr) value_internal::FreeRaw(old_cell, arena);
  *capacity = cap;
  return cell;
}

// Stable merge sort by relocation; [scratch] holds n elements.
template <typename T, typename Less>
void MergeSort(T* a, size_t n, T* scratch, Less less) {
  if (n <= 16) {
    // Insertion sort: stable.
    alignas(T) unsigned char tmp[sizeof(T)];
    for (size_t i = 1; i < n; ++i) {
      size_t j = i;
      if (!less(a[i], a[i - 1])) continue;
      std::memcpy(tmp, static_cast<void*>(&a[i]), sizeof(T));
      const T& t = *reinterpret_cast<const T*>(tmp);
      while (j > 0 && less(t, a[j - 1])) {
        std::memcpy(static_cast<void*>(&a[j]), static_cast<void*>(&a[j - 1]), sizeof(T));
        --j;
      }
      std::memcpy(static_cast<void*>(&a[j]), tmp, sizeof(T));
    }
    return;
  }
  size_t mid = n / 2;
  MergeSort(a, mid, scratch, less);
  MergeSort(a + mid, n - mid, scratch, less);
  if (!less(a[mid], a[mid - 1])) return;  // already in order
  Relocate(scratch, a, mid);
  size_t i = 0, j = mid, k = 0;
  while (i < mid && j < n) {
    // Take from the right only when strictly less: stable.
    if (less(a[j], scratch[i])) {
      Relocate(&a[k++], &a[j++], 1);
    } else {
      Relocate(&a[k++], &scratch[i++], 1);
    }
  }
  Relocate(&a[k], &scratch[i], mid - i);
}

// Sorts stably; returns true when the members were already strictly
// increasing (so there are no duplicates to look for).
template <typename T, typename Less>
bool SortMembers(T* a, size_t n, Arena* arena, Less less) {
  bool sorted = true;
  for (size_t i = 1; i < n && sorted; ++i) sorted = less(a[i - 1], a[i]);
  if (sorted) return true;
  void* scratch_mem = arena != nullptr ? arena->Allocate((n / 2 + 1) * sizeof(T))
                                       : ::operator new((n / 2 + 1) * sizeof(T));
  MergeSort(a, n, static_cast<T*>(scratch_mem), less);
  if (arena == nullptr) ::operator delete(scratch_mem);
  return false;
}

// Builds the open-addressing index for [n] members.
template <typename T, typename KeyOf>
void BuildIndex(const T* members, size_t n, Arena* arena, const uint32_t** index,
                uint64_t* mask, KeyOf key_of) {
  if (n < kIndexThreshold || n >= UINT32_MAX) return;
  size_t cap = 1;
  while (cap < n * 2) cap <<= 1;
  uint32_t* table;
  if (arena != nullptr) {
    table = static_cast<uint32_t*>(arena->Allocate(cap * sizeof(uint32_t)));
  } else {
    table = new uint32_t[cap];
  }
  std::memset(table, 0, cap * sizeof(uint32_t));
  for (size_t i = 0; i < n; ++i) {
    uint64_t slot = Hash(key_of(members[i])) & (cap - 1);
    while (table[slot] != 0) slot = (slot + 1) & (cap - 1);
    table[slot] = static_cast<uint32_t>(i + 1);
  }
  *index = table;
  *mask = cap - 1;
}

void AdoptCounted(Arena* arena, const Value& v) {
  if (v.is_counted()) arena->AdoptRef(v.cell());
}

}  // namespace

ArrayBuilder::~ArrayBuilder() {
  for (size_t i = 0; i < size_; ++i) items_[i].~Value();
  if (cell_ != nullptr) value_internal::FreeRaw(cell_, arena_);
}

void ArrayBuilder::Reserve(size_t n) {
  if (n > capacity_) Grow(n);
}

void ArrayBuilder::Grow(size_t min_capacity) {
  size_t old_cap = capacity_;
  if (min_capacity <= old_cap) return;
  cell_ = GrowCell(cell_, items_, size_, &capacity_, min_capacity, Kind::kArray, arena_);
  items_ = cell_->mutable_items();
}

void ArrayBuilder::AddMoved(Value* items, size_t n) {
  if (n == 0) return;  // items may be null; memcpy must not see it
  if (size_ + n > capacity_) Grow(size_ + n);
  Relocate(items_ + size_, items, n);
  std::memset(static_cast<void*>(items), 0, n * sizeof(Value));  // now undefined
  size_ += n;
}

Value ArrayBuilder::Build() {
  if (size_ == 0) {
    if (cell_ != nullptr) value_internal::FreeRaw(cell_, arena_);
    cell_ = nullptr;
    items_ = nullptr;
    capacity_ = 0;
    return Value::EmptyArray();
  }
  ArrayCell* cell = cell_;
  cell->size = size_;
  if (arena_ != nullptr) {
    for (size_t i = 0; i < size_; ++i) AdoptCounted(arena_, items_[i]);
  }
  cell_ = nullptr;
  items_ = nullptr;
  size_ = capacity_ = 0;
  return Value::FromCell(Kind::kArray, 0, cell, arena_ == nullptr);
}

SetBuilder::~SetBuilder() {
  for (size_t i = 0; i < size_; ++i) items_[i].~Value();
  if (cell_ != nullptr) value_internal::FreeRaw(cell_, arena_);
}

void SetBuilder::Reserve(size_t n) {
  if (n > capacity_) Grow(n);
}

void SetBuilder::Grow(size_t min_capacity) {
  if (min_capacity <= capacity_) return;
  cell_ = GrowCell(cell_, items_, size_, &capacity_, min_capacity, Kind::kSet, arena_);
  items_ = cell_->mutable_items();
}

Value SetBuilder::Build() {
  if (size_ == 0) {
    if (cell_ != nullptr) value_internal::FreeRaw(cell_, arena_);
    cell_ = nullptr;
    items_ = nullptr;
    capacity_ = 0;
    return Value::EmptySet();
  }
  bool distinct = SortMembers(items_, size_, arena_,
                              [](const Value& a, const Value& b) { return Compare(a, b) < 0; });
  // Drop duplicates (adjacent after sorting).
  size_t out = distinct ? size_ : 1;
  for (size_t i = out; i < size_; ++i) {
    if (items_[i] == items_[out - 1]) {
      items_[i].~Value();
    } else {
      Relocate(&items_[out++], &items_[i], 1);
    }
  }
  SetCell* cell = cell_;
  cell->size = out;
  BuildIndex(items_, out, arena_, &cell->index, &cell->index_mask,
             [](const Value& v) -> const Value& { return v; });
  if (arena_ != nullptr) {
    for (size_t i = 0; i < out; ++i) AdoptCounted(arena_, items_[i]);
  }
  cell_ = nullptr;
  items_ = nullptr;
  size_ = capacity_ = 0;
  return Value::FromCell(Kind::kSet, 0, cell, arena_ == nullptr);
}

ObjectBuilder::~ObjectBuilder() {
  for (size_t i = 0; i < size_; ++i) entries_[i].~ObjectEntry();
  if (cell_ != nullptr) value_internal::FreeRaw(cell_, arena_);
}

void ObjectBuilder::Reserve(size_t n) {
  if (n > capacity_) Grow(n);
}

void ObjectBuilder::Grow(size_t min_capacity) {
  if (min_capacity <= capacity_) return;
  cell_ = GrowCell(cell_, entries_, size_, &capacity_, min_capacity, Kind::kObject, arena_);
  entries_ = cell_->mutable_entries();
}

void ObjectBuilder::AddMoved(ObjectEntry* entries, size_t n) {
  if (n == 0) return;  // entries may be null; memcpy must not see it
  if (size_ + n > capacity_) Grow(size_ + n);
  Relocate(entries_ + size_, entries, n);
  std::memset(static_cast<void*>(entries), 0, n * sizeof(ObjectEntry));  // now undefined
  size_ += n;
}

Value ObjectBuilder::Build(bool* conflict, bool* duplicate) {
  if (conflict != nullptr) *conflict = false;
  if (duplicate != nullptr) *duplicate = false;
  if (size_ == 0) {
    if (cell_ != nullptr) value_internal::FreeRaw(cell_, arena_);
    cell_ = nullptr;
    entries_ = nullptr;
    capacity_ = 0;
    return Value::EmptyObject();
  }
  // Stable, so among equal keys the last added stays last.
  bool distinct =
      SortMembers(entries_, size_, arena_, [](const ObjectEntry& a, const ObjectEntry& b) {
        return Compare(a.key, b.key) < 0;
      });
  size_t out = distinct ? size_ : 1;
  for (size_t i = out; i < size_; ++i) {
    ObjectEntry& prev = entries_[out - 1];
    if (entries_[i].key == prev.key) {
      if (duplicate != nullptr) *duplicate = true;
      if (conflict != nullptr && !(entries_[i].value == prev.value)) *conflict = true;
      prev.~ObjectEntry();
      Relocate(&prev, &entries_[i], 1);  // keep the last
    } else {
      Relocate(&entries_[out++], &entries_[i], 1);
    }
  }
  ObjectCell* cell = cell_;
  cell->size = out;
  BuildIndex(entries_, out, arena_, &cell->index, &cell->index_mask,
             [](const ObjectEntry& e) -> const Value& { return e.key; });
  if (arena_ != nullptr) {
    for (size_t i = 0; i < out; ++i) {
      AdoptCounted(arena_, entries_[i].key);
      AdoptCounted(arena_, entries_[i].value);
    }
  }
  cell_ = nullptr;
  entries_ = nullptr;
  size_ = capacity_ = 0;
  return Value::FromCell(Kind::kObject, 0, cell, arena_ == nullptr);
}

// ---------------------------------------------------------------------------
// DeepCopy

Value DeepCopy(const Value& v, Arena* to) {
  switch (v.kind()) {
    case Kind::kUndefined:
    case Kind::kNull:
    case Kind::kBool:
      return v;
    case Kind::kNumber:
      return value::Canonical(v, to);  // a big into [to]; an extended made canonical
    case Kind::kString:
      if (v.is_inline_string()) return v;
      return Value::String(v.as_string(), to);
    case Kind::kArray: {
      if (v.empty()) return Value::EmptyArray();
      ArrayBuilder b(to);
      b.Reserve(v.size());
      for (const Value& item : v.items()) b.Add(DeepCopy(item, to));
      return b.Build();
    }
    case Kind::kSet: {
      if (v.empty()) return Value::EmptySet();
      SetBuilder b(to);
      b.Reserve(v.size());
      for (const Value& item : v.items()) b.Add(DeepCopy(item, to));
      return b.Build();
    }
    case Kind::kObject: {
      if (v.empty()) return Value::EmptyObject();
      ObjectBuilder b(to);
      b.Reserve(v.size());
      for (const ObjectEntry& e : v.entries()) {
        b.Add(DeepCopy(e.key, to), DeepCopy(e.value, to));
      }
      return b.Build();
    }
  }
  return Value();
}

}  // namespace verdict
