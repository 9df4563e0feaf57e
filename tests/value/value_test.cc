// Tests for include/verdict/value.h: representation, order, equality and
// hashing, builders, lookups, the Arena and DeepCopy.
#include "verdict/value.h"

#include "value/number.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace verdict {
namespace {

Value Num(std::string_view text) {
  absl::StatusOr<Value> v = Value::Number(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

Value Str(std::string_view s, Arena* arena = nullptr) { return Value::String(s, arena); }

Value Arr(std::initializer_list<Value> items, Arena* arena = nullptr) {
  ArrayBuilder b(arena);
  for (const Value& v : items) b.Add(v);
  return b.Build();
}

Value SetOf(std::initializer_list<Value> items, Arena* arena = nullptr) {
  SetBuilder b(arena);
  for (const Value& v : items) b.Add(v);
  return b.Build();
}

Value Obj(std::initializer_list<std::pair<Value, Value>> entries, Arena* arena = nullptr) {
  ObjectBuilder b(arena);
  for (const auto& [k, v] : entries) b.Add(k, v);
  return b.Build();
}

TEST(ValueTest, IsTwoWords) { EXPECT_EQ(sizeof(Value), 16u); }

TEST(ValueTest, ScalarsAndKinds) {
  EXPECT_TRUE(Value().is_undefined());
  EXPECT_FALSE(Value().is_defined());
  EXPECT_TRUE(Value::Null().is_null());
  EXPECT_TRUE(Value::Bool(true).as_bool());
  EXPECT_TRUE(Value::Bool(true).is_true());
  EXPECT_FALSE(Value::Bool(false).is_true());
  EXPECT_EQ(Value::Int(-7).as_int(), -7);
  EXPECT_EQ(Value::Double(2.5).as_double(), 2.5);
  EXPECT_EQ(Value::Double(2.5).number_rep(), NumberRep::kDouble);
  // Integral doubles are ints (canonical form).
  EXPECT_TRUE(Value::Double(3.0).is_int());
  EXPECT_TRUE(Value::Double(-0.0).is_int());
  EXPECT_EQ(Value::Double(-0.0).as_int(), 0);
  EXPECT_EQ(Value::Double(1e20).number_rep(), NumberRep::kDouble);
  EXPECT_EQ(Value::Int(5).ToInt64(), 5);
  EXPECT_EQ(Value::Double(5.5).ToInt64(), std::nullopt);
  EXPECT_EQ(Value::Double(5.5).ToDouble(), 5.5);
  EXPECT_EQ(Value::Int(5).ToDouble(), 5.0);
}

TEST(ValueTest, ShortAndLongStrings) {
  Arena arena;
  for (std::string s : {std::string(""), std::string("a"), std::string(13, 'x'),
                        std::string(14, 'y'), std::string(1000, 'z'),
                        std::string("with\0nul", 8)}) {
    Value heap = Str(s);
    Value in_arena = Str(s, &arena);
    EXPECT_TRUE(heap.is_string());
    EXPECT_EQ(heap.as_string(), s);
    EXPECT_EQ(in_arena.as_string(), s);
    EXPECT_EQ(heap.size(), s.size());
    EXPECT_EQ(heap, in_arena);
    EXPECT_EQ(Hash(heap), Hash(in_arena));
    EXPECT_EQ(Compare(heap, in_arena), 0);
    // Short strings never need a cell.
    EXPECT_EQ(heap.is_inline_string(), s.size() <= 13);
  }
  EXPECT_NE(Str("abc"), Str("abd"));
  EXPECT_NE(Str(std::string(20, 'a')), Str(std::string(20, 'a') + "b"));
}

TEST(ValueTest, StringWithFillsInPlace) {
  Arena arena;
  for (size_t n : {size_t{5}, size_t{40}}) {
    std::string expected(n, 'q');
    Value v = Value::StringWith(n, &arena, [&](char* p) { std::memset(p, 'q', n); });
    EXPECT_EQ(v.as_string(), expected);
    EXPECT_EQ(v, Str(expected));
    EXPECT_EQ(Hash(v), Hash(Str(expected)));
  }
}

TEST(ValueTest, CrossKindOrder) {
  // undefined < null < false < true < number < string < array < object < set
  std::vector<Value> ordered = {
      Value(),        Value::Null(),         Value::Bool(false),   Value::Bool(true),
      Value::Int(-5), Value::Int(1000000),   Str(""),              Str("zzz"),
      Arr({}),        Arr({Value::Int(1)}),  Value::EmptyObject(), Obj({{Str("a"), Value::Int(1)}}),
      Value::EmptySet(), SetOf({Value::Int(1)}),
  };
  for (size_t i = 0; i < ordered.size(); ++i) {
    for (size_t j = 0; j < ordered.size(); ++j) {
      int c = Compare(ordered[i], ordered[j]);
      EXPECT_EQ(c < 0, i < j) << i << " vs " << j;
      EXPECT_EQ(c == 0, i == j) << i << " vs " << j;
    }
  }
}

TEST(ValueTest, OrderWithinKinds) {
  // Numbers across representations.
  std::vector<Value> numbers = {
      Num("-1e400"), Num("-9223372036854775809"), Value::Int(INT64_MIN), Value::Double(-1.5),
      Value::Int(0), Num("0.1"), Num("0.1000000000000000000001"), Value::Double(0.5),
      Value::Int(1), Value::Double(1.5), Value::Int(INT64_MAX), Num("9223372036854775808"),
      Value::Double(9223372036854775808.0),  // denotes 9223372036854776000
      Num("12345678901234567890123"), Value::Double(1e300), Num("1e400")};
  for (size_t i = 0; i < numbers.size(); ++i) {
    for (size_t j = 0; j < numbers.size(); ++j) {
      int c = Compare(numbers[i], numbers[j]);
      EXPECT_EQ(c < 0, i < j) << i << " vs " << j;
      EXPECT_EQ(c == 0, i == j) << i << " vs " << j;
    }
  }
  // Strings bytewise (unsigned).
  EXPECT_LT(Compare(Str("Z"), Str("a")), 0);
  EXPECT_LT(Compare(Str("a"), Str("ab")), 0);
  EXPECT_LT(Compare(Str("z"), Str("\xff")), 0);
  EXPECT_LT(Compare(Str(std::string(20, 'a')), Str(std::string(20, 'a') + "a")), 0);
  // Arrays lexicographically, shorter prefix first.
  EXPECT_LT(Compare(Arr({Value::Int(1), Value::Int(2)}), Arr({Value::Int(1), Value::Int(3)})), 0);
  EXPECT_LT(Compare(Arr({Value::Int(1)}), Arr({Value::Int(1), Value::Int(0)})), 0);
  EXPECT_GT(Compare(Arr({Value::Int(2)}), Arr({Value::Int(1), Value::Int(9)})), 0);
  // Objects: key, then value, member by member, then size.
  Value a1 = Obj({{Str("a"), Value::Int(1)}});
  Value a2 = Obj({{Str("a"), Value::Int(2)}});
  Value b0 = Obj({{Str("b"), Value::Int(0)}});
  Value a1b0 = Obj({{Str("a"), Value::Int(1)}, {Str("b"), Value::Int(0)}});
  EXPECT_LT(Compare(a1, a2), 0);
  EXPECT_LT(Compare(a2, b0), 0);
  EXPECT_LT(Compare(a1, a1b0), 0);
  EXPECT_LT(Compare(a1b0, a2), 0);
  // Sets by sorted items.
  EXPECT_LT(Compare(SetOf({Value::Int(1), Value::Int(2)}), SetOf({Value::Int(1), Value::Int(3)})), 0);
  EXPECT_LT(Compare(SetOf({Value::Int(1)}), SetOf({Value::Int(2), Value::Int(1)})), 0);
}

TEST(ValueTest, StringOrderMatchesBytewiseOrder) {
  std::mt19937 rng(3);
  std::vector<std::string> strings = {"", std::string(1, '\0'), std::string(2, '\0'), "a",
                                      std::string("a\0", 2), "ab", "b", "\xff", "\x7f\x80"};
  for (int i = 0; i < 300; ++i) {
    std::string s(rng() % 18, 'a');
    for (char& c : s) c = static_cast<char>("\0a\x7f\x80\xff"[rng() % 5]);
    strings.push_back(s);
  }
  for (const std::string& x : strings) {
    for (const std::string& y : strings) {
      int expected = x < y ? -1 : (x == y ? 0 : 1);
      // std::string compares char_traits<char>: as unsigned char, like memcmp.
      int c = Compare(Str(x), Str(y));
      EXPECT_EQ((c > 0) - (c < 0), expected) << ::testing::PrintToString(x) << " vs "
                                              << ::testing::PrintToString(y);
    }
  }
}

TEST(ValueTest, EqualNumbersAreEqualAndHashEqual) {
  std::vector<std::pair<Value, Value>> same = {
      {Value::Int(1), Value::Double(1.0)},
      {Value::Int(1), Num("1.0")},
      {Value::Int(100), Num("1e2")},
      {Value::Int(100), Num("100.000")},
      {Value::Double(1e20), Num("100000000000000000000")},
      {Value::Double(0.1), Num("0.1")},
      {Value::Double(0.1), Num("1e-1")},
      {Num("12345678901234567890123"), Num("1.2345678901234567890123e22")},
      {Num("1e400"), Num("10e399")},
      {Value::Int(0), Num("-0.0")},
  };
  for (const auto& [a, b] : same) {
    EXPECT_EQ(a, b) << ToJson(a) << " vs " << ToJson(b);
    EXPECT_EQ(Hash(a), Hash(b)) << ToJson(a);
    EXPECT_EQ(Compare(a, b), 0) << ToJson(a);
  }
  EXPECT_NE(Num("9223372036854775808"), Value::Double(9223372036854775808.0));
  EXPECT_NE(Num("0.1000000000000000000001"), Value::Double(0.1));
  EXPECT_NE(Value::Int(1), Str("1"));
  // Containers of equal numbers are equal too.
  EXPECT_EQ(Arr({Value::Int(1)}), Arr({Value::Double(1.0)}));
  EXPECT_EQ(Hash(Arr({Value::Int(1)})), Hash(Arr({Num("1.0")})));
}

TEST(ValueTest, HashConsistentWithEqualityOverContainers) {
  Arena arena;
  Value x = Obj({{Str("k"), SetOf({Value::Int(2), Value::Int(1)})},
                 {Value::Int(3), Arr({Str(std::string(30, 'l'))})}});
  Value y = Obj({{Value::Int(3), Arr({Str(std::string(30, 'l'), &arena)}, &arena)},
                 {Str("k", &arena), SetOf({Value::Int(1), Value::Int(2)}, &arena)}},
                &arena);
  EXPECT_EQ(x, y);
  EXPECT_EQ(Hash(x), Hash(y));
  Value z = Obj({{Str("k"), SetOf({Value::Int(1)})}, {Value::Int(3), Arr({Str("l")})}});
  EXPECT_NE(x, z);
}

TEST(ValueTest, SetBuilderSortsAndDedupes) {
  Value s = SetOf({Value::Int(3), Str("a"), Value::Int(1), Value::Double(1.0), Value::Null(),
                   Value::Int(3), Str("a")});
  ASSERT_TRUE(s.is_set());
  ASSERT_EQ(s.size(), 4u);
  std::span<const Value> items = s.items();
  EXPECT_EQ(items[0], Value::Null());
  EXPECT_EQ(items[1], Value::Int(1));
  EXPECT_EQ(items[2], Value::Int(3));
  EXPECT_EQ(items[3], Str("a"));
  EXPECT_TRUE(s.Contains(Value::Double(1.0)));
  EXPECT_FALSE(s.Contains(Value::Int(2)));
  EXPECT_EQ(SetOf({}), Value::EmptySet());
}

// Membership (`x in coll`): short strings and integers are found by their
// bytes; other values by equality, across number representations
// (0.1 + 0.2 computed is an extended number equal to the double 0.3).
TEST(ValueTest, HasMemberAcrossRepresentations) {
  const Value third = *value::Divide(Value::Int(1), Value::Int(3), nullptr);
  const Value sum = *value::Add(Value::Double(0.1), Value::Double(0.2), nullptr);
  ASSERT_EQ(sum.number_rep(), NumberRep::kExtended);
  const Value long_string = Str("a string longer than thirteen bytes");
  ArrayBuilder ab;
  for (const Value& v : {Value::Int(7), Str("short"), long_string, Value::Double(0.3), third,
                         Value::Double(2.5)}) {
    ab.Add(v);
  }
  const Value array = ab.Build();
  ObjectBuilder ob;
  int k = 0;
  for (const Value& v : array.items()) ob.Add(Value::Int(k++), v);
  const Value object = ob.Build();
  SetBuilder sb;
  for (const Value& v : array.items()) sb.Add(v);
  const Value set = sb.Build();
  const Value parsed_third = *Value::Number("0.33333333333333333334");
  for (const Value& coll : {array, object, set}) {
    EXPECT_TRUE(coll.HasMember(Value::Int(7)));
    EXPECT_TRUE(coll.HasMember(Value::Double(7.0)));
    EXPECT_FALSE(coll.HasMember(Value::Int(8)));
    EXPECT_TRUE(coll.HasMember(Str("short")));
    EXPECT_FALSE(coll.HasMember(Str("shorter")));
    EXPECT_TRUE(coll.HasMember(Str("a string longer than thirteen bytes")));
    EXPECT_FALSE(coll.HasMember(Str("a string longer than thirteen bytes!")));
    EXPECT_TRUE(coll.HasMember(sum));  // extended against the double 0.3
    EXPECT_TRUE(coll.HasMember(parsed_third));  // a big against the extended 1/3
    EXPECT_TRUE(coll.HasMember(Value::Double(2.5)));
    EXPECT_FALSE(coll.HasMember(Value::Double(2.25)));
    EXPECT_FALSE(coll.HasMember(Value::Null()));
  }
}

TEST(ValueTest, ObjectBuilderSortsKeepsLastAndReportsConflicts) {
  ObjectBuilder b;
  b.Add(Str("b"), Value::Int(1));
  b.Add(Str("a"), Value::Int(2));
  b.Add(Str("b"), Value::Int(3));
  bool conflict = false, duplicate = false;
  Value o = b.Build(&conflict, &duplicate);
  EXPECT_TRUE(conflict);
  EXPECT_TRUE(duplicate);
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o.entries()[0].key, Str("a"));
  EXPECT_EQ(o.entries()[1].key, Str("b"));
  EXPECT_EQ(*o.Get("b"), Value::Int(3));

  ObjectBuilder same;
  same.Add(Str("x"), Value::Int(1));
  same.Add(Str("x"), Value::Double(1.0));
  o = same.Build(&conflict, &duplicate);
  EXPECT_FALSE(conflict);
  EXPECT_TRUE(duplicate);
  EXPECT_EQ(o.size(), 1u);
}

TEST(ValueTest, ObjectBuilderKeepsLastAmongManyDuplicates) {
  // Enough entries to take the merge-sort path; the last write must win.
  ObjectBuilder b;
  for (int round = 0; round < 3; ++round) {
    for (int k = 99; k >= 0; --k) b.Add(Value::Int(k), Value::Int(round * 1000 + k));
  }
  bool conflict = false;
  Value o = b.Build(&conflict);
  EXPECT_TRUE(conflict);
  ASSERT_EQ(o.size(), 100u);
  for (int k = 0; k < 100; ++k) {
    EXPECT_EQ(o.entries()[k].key, Value::Int(k));
    EXPECT_EQ(*o.Get(Value::Int(k)), Value::Int(2000 + k));
  }
}

TEST(ValueTest, LookupsSmallAndIndexed) {
  for (int n : {3, 15, 16, 17, 1000}) {
    Arena arena;
    ObjectBuilder ob(&arena);
    SetBuilder sb(&arena);
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(n));
    for (int i : order) {
      std::string key = (i % 2 == 0 ? "k" : "a_long_key_beyond_inline_") + std::to_string(i);
      ob.Add(Str(key, &arena), Value::Int(i));
      ob.Add(Value::Int(i), Str(key, &arena));  // non-string keys too
      sb.Add(Str(key, &arena));
    }
    Value o = ob.Build();
    Value s = sb.Build();
    ASSERT_EQ(o.size(), 2u * n);
    ASSERT_EQ(s.size(), static_cast<size_t>(n));
    EXPECT_TRUE(std::is_sorted(o.entries().begin(), o.entries().end(),
                               [](const ObjectEntry& a, const ObjectEntry& b) {
                                 return Compare(a.key, b.key) < 0;
                               }));
    for (int i = 0; i < n; ++i) {
      std::string key = (i % 2 == 0 ? "k" : "a_long_key_beyond_inline_") + std::to_string(i);
      const Value* v = o.Get(key);
      ASSERT_NE(v, nullptr) << key;
      EXPECT_EQ(*v, Value::Int(i));
      EXPECT_EQ(*o.Get(Str(key)), Value::Int(i));
      EXPECT_EQ(o.Get(Value::Int(i))->as_string(), key);
      EXPECT_TRUE(s.Contains(Str(key)));
    }
    EXPECT_EQ(o.Get("missing"), nullptr);
    EXPECT_EQ(o.Get("a_long_key_beyond_inline_missing"), nullptr);
    EXPECT_EQ(o.Get(Str("missing")), nullptr);
    EXPECT_EQ(o.Get(Str("a_long_key_beyond_inline_missing")), nullptr);
    EXPECT_EQ(o.Get(Value::Int(n)), nullptr);
    EXPECT_EQ(o.Get(Value::Double(0.5)), nullptr);
    EXPECT_FALSE(s.Contains(Str("missing")));
    // Lookups on non-objects are simply absent.
    EXPECT_EQ(s.Get("k0"), nullptr);
    EXPECT_FALSE(o.Contains(Str("k0")));
  }
}

TEST(ValueTest, ArrayAccess) {
  Value a = Arr({Value::Int(1), Str("two"), Value::Null()});
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[1], Str("two"));
  EXPECT_EQ(a.items()[2], Value::Null());
  EXPECT_EQ(Arr({}), Value::EmptyArray());
  EXPECT_TRUE(Value::EmptyArray().empty());
}

TEST(ValueTest, HeapValuesAreRefcounted) {
  Value s = Str(std::string(40, 's'));
  ASSERT_TRUE(s.is_counted());
  EXPECT_EQ(s.cell()->refs.load(), 1u);
  {
    Value copy = s;
    EXPECT_EQ(s.cell()->refs.load(), 2u);
    Value arr = Arr({s, s});
    EXPECT_EQ(s.cell()->refs.load(), 4u);
  }
  EXPECT_EQ(s.cell()->refs.load(), 1u);
  Value moved = std::move(s);
  EXPECT_TRUE(s.is_undefined());  // NOLINT(bugprone-use-after-move): moved-from is undefined
  EXPECT_EQ(moved.cell()->refs.load(), 1u);
}

TEST(ValueTest, ArenaValuesAreNotCounted) {
  Arena arena;
  Value s = Str(std::string(40, 's'), &arena);
  Value a = Arr({s, Value::Int(1)}, &arena);
  EXPECT_FALSE(s.is_counted());
  EXPECT_FALSE(a.is_counted());
  EXPECT_EQ(a.cell()->flags, value_internal::kArenaCell);
}

TEST(ValueTest, ArenaAdoptsHeapReferences) {
  Arena arena;
  Value heap = Str(std::string(40, 'h'));
  {
    Value a = Arr({heap}, &arena);
    EXPECT_EQ(heap.cell()->refs.load(), 2u);  // the arena array holds one
  }
  EXPECT_EQ(heap.cell()->refs.load(), 2u);  // arena cells are not destroyed...
  arena.Reset();
  EXPECT_EQ(heap.cell()->refs.load(), 1u);  // ...until Reset() releases them
}

TEST(ValueTest, ArenaResetReusesMemory) {
  Arena arena(1024);
  auto cycle = [&]() {
    ArrayBuilder b(&arena);
    for (int i = 0; i < 2000; ++i) b.Add(Str(std::string(20 + i % 7, 'x'), &arena));
    Value v = b.Build();
    EXPECT_EQ(v.size(), 2000u);
    EXPECT_EQ(v[1999].as_string(), std::string(20 + 1999 % 7, 'x'));
  };
  cycle();
  size_t first_used = arena.bytes_used();
  EXPECT_GT(first_used, 2000u * 40);
  arena.Reset();
  EXPECT_EQ(arena.bytes_used(), 0u);
  size_t reserved = arena.bytes_reserved();
  EXPECT_GE(reserved, first_used);
  // The same work again fits in the coalesced chunk: no growth.
  for (int i = 0; i < 5; ++i) {
    cycle();
    EXPECT_LE(arena.bytes_used(), reserved);
    arena.Reset();
    EXPECT_EQ(arena.bytes_reserved(), reserved);
  }
}

// Chunks of kLargeAllocationBytes or more are mapped (base/large_alloc.h):
// a big allocation, growth past it and Reset()'s coalescing into one big
// chunk all keep the arena's accounting and contents.
TEST(ValueTest, ArenaWithLargeChunks) {
  Arena arena;
  auto* big = static_cast<char*>(arena.Allocate(3 << 20));
  std::memset(big, 'b', 3 << 20);
  EXPECT_GE(arena.bytes_reserved(), size_t{3} << 20);
  std::vector<Value> strings;
  for (int i = 0; i < 100000; ++i) strings.push_back(Str(std::string(40, 'a' + i % 26), &arena));
  EXPECT_EQ(strings[99999].as_string(), std::string(40, 'a' + 99999 % 26));
  EXPECT_EQ(big[(3 << 20) - 1], 'b');
  const size_t used = arena.bytes_used();
  EXPECT_GE(used, (size_t{3} << 20) + 100000 * 40);
  EXPECT_GE(arena.bytes_reserved(), used);
  arena.Reset();  // coalesces into one chunk of at most kMaxRetainedBytes
  EXPECT_EQ(arena.bytes_used(), 0u);
  const size_t reserved = arena.bytes_reserved();
  EXPECT_GE(reserved, used);
  arena.Allocate(3 << 20);
  EXPECT_EQ(arena.bytes_reserved(), reserved);  // fits: no new chunk
}

TEST(ValueTest, DeepCopyOutlivesTheArena) {
  auto arena = std::make_unique<Arena>();
  Value v = Obj({{Str("name", arena.get()), Str(std::string(50, 'n'), arena.get())},
                 {Str("set", arena.get()),
                  SetOf({Num("12345678901234567890123"), Value::Int(1)}, arena.get())},
                 {Str("arr", arena.get()), Arr({Value::Double(0.5)}, arena.get())}},
                arena.get());
  std::string before = ToJson(v);
  Value copy = DeepCopy(v, nullptr);
  EXPECT_EQ(copy, v);
  EXPECT_TRUE(copy.is_counted());
  arena.reset();  // every arena Value is gone
  EXPECT_EQ(ToJson(copy), before);

  // And into another arena.
  Arena other;
  Value again = DeepCopy(copy, &other);
  EXPECT_EQ(again, copy);
  EXPECT_FALSE(again.is_counted());
}

TEST(ValueTest, ManyRandomValuesSortConsistently) {
  // Compare must be a strict weak order: sorting random values and checking
  // neighbours and a sample of pairs for transitivity.
  std::mt19937 rng(42);
  std::vector<Value> values;
  const char* numbers[] = {"0", "1", "-1", "0.5", "1.5", "1e20", "1e21", "12345678901234567890",
                           "9223372036854775807", "9223372036854775808", "1e400", "-1e400",
                           "0.1000000000000000000001", "0.1", "3.14159"};
  for (int i = 0; i < 300; ++i) {
    switch (rng() % 5) {
      case 0:
        values.push_back(Num(numbers[rng() % std::size(numbers)]));
        break;
      case 1:
        values.push_back(Str(std::string(rng() % 20, static_cast<char>('a' + rng() % 3))));
        break;
      case 2:
        values.push_back(Arr({Num(numbers[rng() % std::size(numbers)])}));
        break;
      case 3:
        values.push_back(SetOf({Value::Int(rng() % 3), Value::Int(rng() % 3)}));
        break;
      default:
        values.push_back(Obj({{Str(std::string(1, static_cast<char>('a' + rng() % 2))),
                               Value::Int(rng() % 3)}}));
        break;
    }
  }
  std::sort(values.begin(), values.end());
  for (size_t i = 1; i < values.size(); ++i) {
    EXPECT_LE(Compare(values[i - 1], values[i]), 0);
    EXPECT_GE(Compare(values[i], values[i - 1]), 0);
    EXPECT_EQ(Compare(values[i - 1], values[i]) == 0, values[i - 1] == values[i]);
  }
  for (int t = 0; t < 2000; ++t) {
    size_t i = rng() % values.size(), j = rng() % values.size();
    if (i > j) std::swap(i, j);
    EXPECT_LE(Compare(values[i], values[j]), 0);
    if (values[i] == values[j]) {
      EXPECT_EQ(Hash(values[i]), Hash(values[j]));
    }
  }
}

}  // namespace
}  // namespace verdict
