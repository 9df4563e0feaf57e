// Tests of the interpreter (lib/vm/interp.cc) on hand-assembled programs:
// the semantics of each op from opcodes.def, undefined as control flow,
// loops, accumulators and conflicts, calls and memoization, `with`
// overrides, limits, error locations, tracing, and no heap allocation per
// decision in steady state.
#include "vm/interp.h"

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "vm/alloc_counter.h"
#include "vm/assembler.h"
#include "vm/test_builtins.h"

namespace verdict::vm {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::verdict::testing::StatusIs;
using testing::Assembler;
using testing::Label;

Value Json(std::string_view text) {
  absl::StatusOr<Value> v = ParseJson(text);
  EXPECT_TRUE(v.ok()) << text;
  return v.ok() ? *v : Value();
}

class InterpTest : public ::testing::Test {
 protected:
  // Binds the assembled program and evaluates [fn].
  absl::StatusOr<Value> Run(Assembler& as, uint32_t fn, std::vector<Value> args = {},
                            const EvalOptions& options = {}) {
    absl::StatusOr<std::shared_ptr<const BoundProgram>> bound =
        BoundProgram::Bind(as.Finish(), testing::TestLookup());
    if (!bound.ok()) return bound.status();
    bound_ = *bound;
    return Evaluate(ctx_, *bound_, fn, args, options);
  }
  // Evaluates the last bound program again.
  absl::StatusOr<Value> Again(uint32_t fn, std::vector<Value> args = {},
                              const EvalOptions& options = {}) {
    if (bound_ == nullptr) return absl::FailedPreconditionError("nothing bound");
    return Evaluate(ctx_, *bound_, fn, args, options);
  }

  EvalContext ctx_;
  std::shared_ptr<const BoundProgram> bound_;
};

// A function "t" whose body is emitted by [body] with a failure label that
// returns undefined; the body ends by returning R[result].
template <typename Body>
uint32_t Simple(Assembler& as, uint16_t registers, uint32_t result, Body body,
                uint16_t accs = 0) {
  uint32_t f = as.Function("t", 0, registers, accs);
  Label fail = as.NewLabel();
  body(fail);
  as.Emit(Op::kReturn, result);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  return f;
}

std::string JsonOf(const absl::StatusOr<Value>& v) {
  if (!v.ok()) return "error: " + v.status().ToString();
  if (v->is_undefined()) return "undefined";
  return ToJson(*v);
}

// --- loads, moves, returns --------------------------------------------------------

TEST_F(InterpTest, LoadConstMoveReturn) {
  Assembler as;
  uint32_t k = as.ConstJson(R"({"a":[1,2.5,"x"]})");
  uint32_t f = Simple(as, 2, 1, [&](Label) {
    as.Emit(Op::kLoadConst, 0, k);
    as.Emit(Op::kMove, 1, 0);
  });
  EXPECT_EQ(JsonOf(Run(as, f)), R"({"a":[1,2.5,"x"]})");
}

TEST_F(InterpTest, ReturnUndefined) {
  Assembler as;
  uint32_t f = as.Function("t", 0, 1);
  as.Emit(Op::kNop);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EXPECT_EQ(JsonOf(Run(as, f)), "undefined");
}

TEST_F(InterpTest, LoadInputPresentAndMissing) {
  Assembler as;
  uint32_t root = as.ConstJson("[]");
  uint32_t f = Simple(as, 1, 0, [&](Label fail) { as.Emit(Op::kLoadInput, 0, root, 0, fail); });
  EvalOptions with_input;
  with_input.input = Json(R"({"user":"alice"})");
  EXPECT_EQ(JsonOf(Run(as, f, {}, with_input)), R"({"user":"alice"})");
  EXPECT_EQ(JsonOf(Again(f)), "undefined");  // no input: LoadInput jumps to t
}

// Switch (opcodes.def *12): one lookup of the key in the table, then the
// Case it names; a missing key goes to t. Keys compare as Rego values.
TEST_F(InterpTest, SwitchJumpsThroughItsCase) {
  Assembler as;
  uint32_t f = as.Function("t", 1, 2);
  Label a = as.NewLabel(), b = as.NewLabel(), none = as.NewLabel();
  as.Emit(Op::kSwitch, 0, as.ConstJson(R"({"x": 0, "y": 1, "z": 1})"), 2, none);
  as.Emit(Op::kCase, 0, 0, 0, a);
  as.Emit(Op::kCase, 0, 0, 0, b);
  as.Bind(a);
  as.Emit(Op::kLoadConst, 1, as.ConstJson(R"("case a")"));
  as.Emit(Op::kReturn, 1);
  as.Bind(b);
  as.Emit(Op::kLoadConst, 1, as.ConstJson(R"("case b")"));
  as.Emit(Op::kReturn, 1);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EXPECT_EQ(JsonOf(Run(as, f, {Json(R"("x")")})), R"("case a")");
  EXPECT_EQ(JsonOf(Again(f, {Json(R"("z")")})), R"("case b")");
  EXPECT_EQ(JsonOf(Again(f, {Json(R"("w")")})), "undefined");
  EXPECT_EQ(JsonOf(Again(f, {Json("1")})), "undefined");

  Assembler numbers;
  uint32_t g = numbers.Function("t", 1, 2);
  Label one = numbers.NewLabel(), miss = numbers.NewLabel();
  ObjectBuilder tb;
  tb.Add(Value::Int(1), Value::Int(0));
  tb.Add(Json("[1, 2]"), Value::Int(0));
  Value table = tb.Build();
  numbers.Emit(Op::kSwitch, 0, numbers.Const(table), 1, miss);
  numbers.Emit(Op::kCase, 0, 0, 0, one);
  numbers.Bind(one);
  numbers.Emit(Op::kReturn, 0);
  numbers.Bind(miss);
  numbers.Emit(Op::kReturnUndefined);
  numbers.End();
  EXPECT_EQ(JsonOf(Run(numbers, g, {Json("1.0")})), "1");  // found, not undefined
  EXPECT_EQ(JsonOf(Again(g, {Json("[1.0, 2]")})), "[1,2]");
  EXPECT_EQ(JsonOf(Again(g, {Json("2")})), "undefined");
}

// Reset() skips a context nothing used since the last Reset, but memory
// taken from arena() (an input parsed there, even one that then failed to
// parse) counts as use.
TEST(EvalContextTest, ResetClearsWhatArenaHandedOut) {
  EvalContext ctx;
  ctx.Reset();
  ctx.arena().Allocate(100);
  EXPECT_GE(ctx.arena().bytes_used(), 100u);
  ctx.Reset();
  EXPECT_EQ(ctx.arena().bytes_used(), 0u);
  ctx.Reset();
  EXPECT_EQ(ctx.arena().bytes_used(), 0u);
}

TEST_F(InterpTest, LoadInputWalksItsPath) {
  Assembler as;
  uint32_t deep = as.ConstJson(R"(["a","b",1])");
  uint32_t missing = as.ConstJson(R"(["a","zz"])");
  uint32_t through_string = as.ConstJson(R"(["a","b",0,"c"])");
  uint32_t fn_deep = Simple(as, 1, 0, [&](Label fail) {
    as.Emit(Op::kLoadInput, 0, deep, 0, fail);
  });
  uint32_t fn_missing = Simple(as, 1, 0, [&](Label fail) {
    as.Emit(Op::kLoadInput, 0, missing, 0, fail);
  });
  uint32_t fn_through_string = Simple(as, 1, 0, [&](Label fail) {
    as.Emit(Op::kLoadInput, 0, through_string, 0, fail);
  });
  EvalOptions options;
  options.input = Json(R"({"a":{"b":["x","y"]}})");
  EXPECT_EQ(JsonOf(Run(as, fn_deep, {}, options)), R"("y")");
  EXPECT_EQ(JsonOf(Again(fn_missing, {}, options)), "undefined");
  EXPECT_EQ(JsonOf(Again(fn_through_string, {}, options)), "undefined");
}

// IndexConst and LoadInput remember where a key was found (inline caches,
// EvalContext::hints_); each answer must stay right whatever shape the
// next object has.
TEST_F(InterpTest, KeyPositionHintsNeverChangeAnswers) {
  Assembler as;
  uint32_t key = as.ConstJson(R"("k")");
  uint32_t long_path = as.ConstJson(R"(["a","b","c","d","k"])");
  uint32_t index = Simple(as, 2, 1, [&](Label fail) {
    as.Emit(Op::kLoadInput, 0, as.ConstJson("[]"), 0, fail);
    as.Emit(Op::kIndexConst, 1, 0, key, fail);
  });
  uint32_t walk = Simple(as, 1, 0, [&](Label fail) {
    as.Emit(Op::kLoadInput, 0, long_path, 0, fail);
  });
  // An object with "k" at [position] among [size] keys.
  auto shaped = [](int size, int position) {
    std::string json = "{";
    for (int i = 0, other = 0; i < size; ++i) {
      if (i > 0) json += ",";
      if (i == position) {
        json += "\"k\":" + std::to_string(position);
      } else {
        // Keys sort around "k": "a.." before it, "z.." after it.
        json += std::string("\"") + (i < position ? "a" : "z") + std::to_string(other++) +
                "\":-1";
      }
    }
    return json + "}";
  };
  bool first = true;
  for (auto [size, position] : std::vector<std::pair<int, int>>{
           {3, 1}, {3, 1}, {5, 4}, {2, 0}, {20, 17}, {300, 290}, {300, 290}, {3, 2}}) {
    EvalOptions options;
    options.input = Json(shaped(size, position));
    std::string got = JsonOf(first ? Run(as, index, {}, options) : Again(index, {}, options));
    first = false;
    EXPECT_EQ(got, std::to_string(position)) << size << " " << position;
    // The same position, another key there.
    options.input = Json(R"({"a":1,"j":2,"l":3})");
    EXPECT_EQ(JsonOf(Again(index, {}, options)), "undefined");
  }
  // Not an object: arrays and sets index as always.
  EvalOptions options;
  options.input = Json(R"(["k"])");
  EXPECT_EQ(JsonOf(Again(index, {}, options)), "undefined");
  // A path longer than the four steps that have hints.
  options.input = Json(R"({"a":{"b":{"c":{"d":{"k":"deep"}}}}})");
  EXPECT_EQ(JsonOf(Again(walk, {}, options)), R"("deep")");
  options.input = Json(R"({"a":{"b":{"c":{"d":{"j":0,"k":"moved"}}}}})");
  EXPECT_EQ(JsonOf(Again(walk, {}, options)), R"("moved")");
  options.input = Json(R"({"a":{"b":{"c":{"d":{"j":0}}}}})");
  EXPECT_EQ(JsonOf(Again(walk, {}, options)), "undefined");
}

TEST(BorrowedTest, CopiesWithoutTouchingTheCount) {
  Value owned = Json(R"({"roles":["admin","dev"],"name":"a string longer than inline"})");
  ASSERT_TRUE(owned.is_counted());
  const uint32_t refs = owned.cell()->refs.load();
  Value borrowed = vm::Borrowed(owned);
  EXPECT_FALSE(borrowed.is_counted());
  EXPECT_EQ(borrowed, owned);
  EXPECT_EQ(Compare(borrowed, owned), 0);
  EXPECT_EQ(Hash(borrowed), Hash(owned));
  {
    Value copy = borrowed;  // a plain copy: no count either
    EXPECT_EQ(owned.cell()->refs.load(), refs);
  }
  EXPECT_EQ(owned.cell()->refs.load(), refs);
  EXPECT_EQ(ToJson(*borrowed.Get("name")), R"("a string longer than inline")");
  // Values that own nothing come back as they are.
  for (Value v : {Value::Int(7), Value::String("short"), Value(), Value::EmptyObject()}) {
    EXPECT_EQ(vm::Borrowed(v).raw_lo(), v.raw_lo());
    EXPECT_EQ(vm::Borrowed(v).raw_hi(), v.raw_hi());
  }
}

TEST_F(InterpTest, LoadDataPaths) {
  Assembler as;
  uint32_t root = as.ConstJson("[]");
  uint32_t deep = as.ConstJson(R"(["a","b",1])");
  uint32_t missing = as.ConstJson(R"(["a","zz"])");
  uint32_t fn_root = Simple(as, 1, 0, [&](Label fail) {
    as.Emit(Op::kLoadData, 0, root, 0, fail);
  });
  uint32_t fn_deep = Simple(as, 1, 0, [&](Label fail) {
    as.Emit(Op::kLoadData, 0, deep, 0, fail);
  });
  uint32_t fn_missing = Simple(as, 1, 0, [&](Label fail) {
    as.Emit(Op::kLoadData, 0, missing, 0, fail);
  });
  EvalOptions options;
  options.data = Json(R"({"a":{"b":["x","y"]}})");
  EXPECT_EQ(JsonOf(Run(as, fn_deep, {}, options)), R"("y")");
  EXPECT_EQ(JsonOf(Again(fn_root, {}, options)), R"({"a":{"b":["x","y"]}})");
  EXPECT_EQ(JsonOf(Again(fn_missing, {}, options)), "undefined");
  // No data at all behaves as {}.
  EXPECT_EQ(JsonOf(Again(fn_root)), "{}");
  EXPECT_EQ(JsonOf(Again(fn_deep)), "undefined");

  // Resolved once (ResolveDataPaths): the same answers from the table.
  std::vector<Value> paths = ResolveDataPaths(bound_->program(), options.data);
  ASSERT_EQ(paths.size(), bound_->program().constants.size());
  EXPECT_EQ(ToJson(paths[deep]), R"("y")");
  EXPECT_TRUE(paths[missing].is_undefined());
  EvalOptions resolved = options;
  resolved.data_paths = paths;
  EXPECT_EQ(JsonOf(Again(fn_deep, {}, resolved)), R"("y")");
  EXPECT_EQ(JsonOf(Again(fn_root, {}, resolved)), R"({"a":{"b":["x","y"]}})");
  EXPECT_EQ(JsonOf(Again(fn_missing, {}, resolved)), "undefined");
  // The table is the answer (the caller keeps it beside its data): one
  // resolved against other data answers from that data.
  std::vector<Value> other = ResolveDataPaths(bound_->program(), Json(R"({"a":{"b":[0,1]}})"));
  resolved.data_paths = other;
  EXPECT_EQ(JsonOf(Again(fn_deep, {}, resolved)), "1");
  // A table of the wrong size (another program's) is ignored.
  other.pop_back();
  resolved.data_paths = other;
  EXPECT_EQ(JsonOf(Again(fn_deep, {}, resolved)), R"("y")");
}

// --- tests: Truthy, comparisons -----------------------------------------------------

TEST_F(InterpTest, Truthy) {
  struct Case {
    const char* value;
    bool passes;
  } cases[] = {{"true", true}, {"false", false}, {"0", true}, {"null", true},
               {"\"\"", true}, {"[]", true}};
  for (const Case& c : cases) {
    Assembler as;
    uint32_t k = as.ConstJson(c.value);
    uint32_t f = Simple(as, 1, 0, [&](Label fail) {
      as.Emit(Op::kLoadConst, 0, k);
      as.Emit(Op::kTruthy, 0, 0, 0, fail);
    });
    EXPECT_EQ(JsonOf(Run(as, f)), c.passes ? std::string(c.value) : "undefined") << c.value;
  }
}

TEST_F(InterpTest, Comparisons) {
  struct Case {
    Op op;
    const char* a;
    const char* b;
    bool passes;
  } cases[] = {
      {Op::kEqual, "1", "1.0", true},
      {Op::kEqual, "1", "2", false},
      {Op::kEqual, "[1,{\"a\":2}]", "[1,{\"a\":2}]", true},
      {Op::kEqual, "1", "\"1\"", false},
      {Op::kNotEqual, "1", "2", true},
      {Op::kNotEqual, "\"a\"", "\"a\"", false},
      {Op::kLess, "1", "2", true},
      {Op::kLess, "2", "1", false},
      {Op::kLess, "2", "2", false},
      {Op::kLess, "1.5", "2", true},
      {Op::kLess, "\"a\"", "\"b\"", true},
      {Op::kLess, "1", "\"a\"", true},  // Rego's cross-type order
      {Op::kLess, "null", "false", true},
      {Op::kLessEqual, "2", "2", true},
      {Op::kLessEqual, "3", "2", false},
      {Op::kGreater, "3", "2", true},
      {Op::kGreater, "2", "2", false},
      {Op::kGreater, "[1,2]", "[1]", true},
      {Op::kGreaterEqual, "2", "2", true},
      {Op::kGreaterEqual, "1", "2", false},
      {Op::kGreater, "100000000000000000000", "99999999999999999999", true},
  };
  for (const Case& c : cases) {
    Assembler as;
    uint32_t ka = as.ConstJson(c.a);
    uint32_t kb = as.ConstJson(c.b);
    uint32_t yes = as.ConstJson("true");
    uint32_t f = Simple(as, 3, 2, [&](Label fail) {
      as.Emit(Op::kLoadConst, 0, ka);
      as.Emit(Op::kLoadConst, 1, kb);
      as.Emit(c.op, 0, 1, 0, fail);
      as.Emit(Op::kLoadConst, 2, yes);
    });
    EXPECT_EQ(JsonOf(Run(as, f)), c.passes ? "true" : "undefined")
        << GetOpInfo(c.op).name << " " << c.a << " " << c.b;
  }
}

TEST_F(InterpTest, EqualConst) {
  for (const auto& [value, passes] :
       std::vector<std::pair<const char*, bool>>{{"\"GET\"", true}, {"\"PUT\"", false}}) {
    Assembler as;
    uint32_t k = as.ConstJson(value);
    uint32_t get = as.ConstJson("\"GET\"");
    uint32_t f = Simple(as, 1, 0, [&](Label fail) {
      as.Emit(Op::kLoadConst, 0, k);
      as.Emit(Op::kEqualConst, 0, get, 0, fail);
    });
    EXPECT_EQ(JsonOf(Run(as, f)), passes ? "\"GET\"" : "undefined");
  }
}

TEST_F(InterpTest, IsArrayIsObject) {
  struct Case {
    Op op;
    uint32_t imm;
    const char* value;
    bool passes;
  } cases[] = {
      {Op::kIsArray, 2, "[1,2]", true},   {Op::kIsArray, 3, "[1,2]", false},
      {Op::kIsArray, 0, "{}", false},     {Op::kIsObject, 0, "{}", true},
      {Op::kIsObject, 0, "[1]", false},   {Op::kIsObject, 0, "\"s\"", false},
  };
  for (const Case& c : cases) {
    Assembler as;
    uint32_t k = as.ConstJson(c.value);
    uint32_t f = Simple(as, 1, 0, [&](Label fail) {
      as.Emit(Op::kLoadConst, 0, k);
      as.Emit(c.op, 0, c.imm, 0, fail);
    });
    EXPECT_EQ(JsonOf(Run(as, f)), c.passes ? std::string(c.value) : "undefined") << c.value;
  }
}

// --- Index ----------------------------------------------------------------------------

TEST_F(InterpTest, IndexSemantics) {
  struct Case {
    const char* coll;
    const char* key;
    const char* want;
  } cases[] = {
      {R"(["a","b","c"])", "1", R"("b")"},
      {R"(["a","b","c"])", "1.0", R"("b")"},  // integral numbers index arrays
      {R"(["a","b","c"])", "1.5", "undefined"},
      {R"(["a","b","c"])", "-1", "undefined"},
      {R"(["a","b","c"])", "3", "undefined"},
      {R"(["a","b","c"])", R"("1")", "undefined"},
      {R"({"x":{"y":1}})", R"("x")", R"({"y":1})"},
      {R"({"x":1})", R"("y")", "undefined"},
      {R"({"1":"str"})", "1", "undefined"},  // keys are not converted
      {R"("abc")", "0", "undefined"},
      {"7", "0", "undefined"},
      {"null", R"("a")", "undefined"},
  };
  for (const Case& c : cases) {
    for (bool constant_key : {false, true}) {
      Assembler as;
      uint32_t kc = as.ConstJson(c.coll);
      uint32_t kk = as.ConstJson(c.key);
      uint32_t f = Simple(as, 3, 2, [&](Label fail) {
        as.Emit(Op::kLoadConst, 0, kc);
        if (constant_key) {
          as.Emit(Op::kIndexConst, 2, 0, kk, fail);
        } else {
          as.Emit(Op::kLoadConst, 1, kk);
          as.Emit(Op::kIndex, 2, 0, 1, fail);
        }
      });
      EXPECT_EQ(JsonOf(Run(as, f)), c.want) << c.coll << "[" << c.key << "]";
    }
  }
}

TEST_F(InterpTest, IndexSetYieldsMember) {
  Assembler as;
  uint32_t f = as.Function("t", 0, 4);
  Label fail = as.NewLabel();
  uint32_t one = as.ConstJson("1");
  uint32_t two = as.ConstJson("2");
  uint32_t nine = as.ConstJson("9");
  as.Emit(Op::kLoadConst, 0, one);
  as.Emit(Op::kLoadConst, 1, two);
  as.EmitN(Op::kMakeSet, 2, 0, 0, 2);  // {1, 2}
  as.Emit(Op::kIndexConst, 3, 2, two, fail);
  as.Emit(Op::kIndexConst, 0, 2, nine, fail);  // not a member: fails
  as.Emit(Op::kReturn, 3);
  as.Bind(fail);
  as.Emit(Op::kReturn, 3);  // the first lookup succeeded, the second failed
  as.End();
  EXPECT_EQ(JsonOf(Run(as, f)), "2");
}

TEST_F(InterpTest, IndexIntoOwnRegister) {
  // R0 := R0["a"]: the result replaces the collection it came from.
  Assembler as;
  uint32_t k = as.ConstJson(R"({"a":{"b":7}})");
  uint32_t a = as.ConstJson(R"("a")");
  uint32_t b = as.ConstJson(R"("b")");
  uint32_t f = Simple(as, 1, 0, [&](Label fail) {
    as.Emit(Op::kLoadConst, 0, k);
    as.Emit(Op::kIndexConst, 0, 0, a, fail);
    as.Emit(Op::kIndexConst, 0, 0, b, fail);
  });
  EXPECT_EQ(JsonOf(Run(as, f)), "7");
}

// --- iteration --------------------------------------------------------------------------

// Collects [key, value] pairs of iterating K[coll] into an array.
std::string IterateAll(const char* coll) {
  Assembler as;
  uint32_t k = as.ConstJson(coll);
  uint32_t f = as.Function("t", 0, 6, 1);
  Label done = as.NewLabel(), next = as.NewLabel(), not_coll = as.NewLabel();
  as.Emit(Op::kAccInit, 0, static_cast<uint32_t>(AccKind::kArray));
  as.Emit(Op::kLoadConst, 0, k);
  as.Emit(Op::kIterInit, 1, 0, 0, not_coll);  // R1 = coll, R2 = position
  as.Bind(next);
  as.Emit(Op::kIterNext, 1, 3, 4, done);
  as.EmitN(Op::kMakeArray, 5, 3, 0, 2);
  as.Emit(Op::kAccAdd, 0, 5);
  as.Emit(Op::kJump, 0, 0, 0, next);
  as.Bind(done);
  as.Emit(Op::kAccFinish, 5, 0, 0, not_coll);
  as.Emit(Op::kReturn, 5);
  as.Bind(not_coll);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EvalContext ctx;
  auto bound = BoundProgram::Bind(as.Finish(), testing::TestLookup());
  if (!bound.ok()) return bound.status().ToString();
  return JsonOf(Evaluate(ctx, **bound, f, {}, EvalOptions()));
}

TEST_F(InterpTest, IterateArrayObjectSet) {
  EXPECT_EQ(IterateAll(R"(["x","y"])"), R"([[0,"x"],[1,"y"]])");
  EXPECT_EQ(IterateAll(R"({"b":2,"a":1})"), R"([["a",1],["b",2]])");  // key order
  EXPECT_EQ(IterateAll("[]"), "[]");
  EXPECT_EQ(IterateAll("{}"), "[]");
  // Not collections: IterInit jumps to its t.
  EXPECT_EQ(IterateAll(R"("abc")"), "undefined");
  EXPECT_EQ(IterateAll("12"), "undefined");
  EXPECT_EQ(IterateAll("null"), "undefined");
}

TEST_F(InterpTest, IterateSetInOrderWithDiscardedKey) {
  Assembler as;
  uint32_t f = as.Function("t", 0, 6, 1);
  Label done = as.NewLabel(), next = as.NewLabel();
  uint32_t k3 = as.ConstJson("3"), k1 = as.ConstJson("1"), k2 = as.ConstJson("\"z\"");
  as.Emit(Op::kAccInit, 0, static_cast<uint32_t>(AccKind::kArray));
  as.Emit(Op::kLoadConst, 3, k3);
  as.Emit(Op::kLoadConst, 4, k1);
  as.Emit(Op::kLoadConst, 5, k2);
  as.EmitN(Op::kMakeSet, 0, 3, 0, 3);  // {3, 1, "z"}
  as.Emit(Op::kIterInit, 1, 0, 0, done);
  as.Bind(next);
  as.Emit(Op::kIterNext, 1, kNoReg, 3, done);
  as.Emit(Op::kAccAdd, 0, 3);
  as.Emit(Op::kJump, 0, 0, 0, next);
  as.Bind(done);
  as.Emit(Op::kAccFinish, 5, 0);
  as.Emit(Op::kReturn, 5);
  as.End();
  EXPECT_EQ(JsonOf(Run(as, f)), R"([1,3,"z"])");
}

// p contains x if { some x in input.items; x > 1 }, hand-compiled: a partial
// set rule whose body loops and "fails" into its loop after each solution.
TEST_F(InterpTest, PartialSetRuleWithLoop) {
  Assembler as;
  uint32_t items = as.ConstJson(R"("items")");
  uint32_t one = as.ConstJson("1");
  uint32_t p = as.Function("data.t.p", 0, 6, 1);
  Label end = as.NewLabel(), next = as.NewLabel();
  as.Emit(Op::kAccInit, 0, static_cast<uint32_t>(AccKind::kSet));
  as.Emit(Op::kLoadInput, 0, as.ConstJson("[]"), 0, end);
  as.Emit(Op::kIndexConst, 1, 0, items, end);
  as.Emit(Op::kIterInit, 2, 1, 0, end);
  as.Bind(next);
  as.Emit(Op::kIterNext, 2, kNoReg, 4, end);
  as.Emit(Op::kLoadConst, 5, one);
  as.Emit(Op::kGreater, 4, 5, 0, next);  // x > 1, else next iteration
  as.Emit(Op::kAccAdd, 0, 4);
  as.Emit(Op::kJump, 0, 0, 0, next);
  as.Bind(end);
  as.Emit(Op::kAccFinish, 0, 0);
  as.Emit(Op::kReturn, 0);
  as.End();
  EvalOptions options;
  options.input = Json(R"({"items":[3,1,2,3,0,5]})");
  EXPECT_EQ(JsonOf(Run(as, p, {}, options)), "[2,3,5]");  // a set, sorted, deduped
  EXPECT_EQ(JsonOf(Again(p)), "[]");                       // no input: empty set
  // Built with the interpreter's result as a set, not an array.
  options.input = Json(R"({"items":[9]})");
  absl::StatusOr<Value> v = Again(p, {}, options);
  ASSERT_OK(v);
  EXPECT_TRUE(v->is_set());
}

// --- constructors -----------------------------------------------------------------------

TEST_F(InterpTest, MakeArraySetObject) {
  Assembler as;
  uint32_t ka = as.ConstJson(R"("a")"), k1 = as.ConstJson("1"), kb = as.ConstJson(R"("b")");
  uint32_t f = as.Function("t", 0, 8);
  Label fail = as.NewLabel();
  as.Emit(Op::kLoadConst, 0, kb);
  as.Emit(Op::kLoadConst, 1, k1);
  as.Emit(Op::kLoadConst, 2, ka);
  as.Emit(Op::kLoadConst, 3, k1);
  as.EmitN(Op::kMakeArray, 4, 0, 0, 4);
  as.EmitN(Op::kMakeSet, 5, 0, 0, 4);
  as.EmitN(Op::kMakeObject, 6, 0, 0, 2, fail);
  as.EmitN(Op::kMakeArray, 7, 4, 0, 3);
  as.Emit(Op::kReturn, 7);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EXPECT_EQ(JsonOf(Run(as, f)), R"([["b",1,"a",1],[1,"a","b"],{"a":1,"b":1}])");
}

TEST_F(InterpTest, MakeEmptyCollections) {
  Assembler as;
  uint32_t f = as.Function("t", 0, 4);
  as.EmitN(Op::kMakeArray, 0, 0, 0, 0);
  as.EmitN(Op::kMakeSet, 1, 0, 0, 0);
  as.EmitN(Op::kMakeObject, 2, 0, 0, 0);
  as.EmitN(Op::kMakeArray, 3, 0, 0, 3);
  as.Emit(Op::kReturn, 3);
  as.End();
  absl::StatusOr<Value> v = Run(as, f);
  ASSERT_OK(v);
  EXPECT_EQ(ToJson(*v), "[[],[],{}]");
  EXPECT_TRUE((*v)[1].is_set());
}

TEST_F(InterpTest, MakeObjectRepeatedKey) {
  for (const auto& [second, want] : std::vector<std::pair<const char*, const char*>>{
           {"1", R"({"a":1})"}, {"2", "undefined"}}) {
    Assembler as;
    uint32_t ka = as.ConstJson(R"("a")"), k1 = as.ConstJson("1"), k2 = as.ConstJson(second);
    uint32_t f = Simple(as, 5, 4, [&](Label fail) {
      as.Emit(Op::kLoadConst, 0, ka);
      as.Emit(Op::kLoadConst, 1, k1);
      as.Emit(Op::kLoadConst, 2, ka);
      as.Emit(Op::kLoadConst, 3, k2);
      as.EmitN(Op::kMakeObject, 4, 0, 0, 2, fail);
    });
    EXPECT_EQ(JsonOf(Run(as, f)), want) << second;
  }
}

// --- accumulators -----------------------------------------------------------------------

// Adds the constants [values] to an accumulator of [kind] (AccPut for
// objects, with values as [key, value] pairs) and finishes it.
absl::StatusOr<Value> Accumulate(EvalContext& ctx, AccKind kind,
                                 std::vector<const char*> values, uint16_t params = 0) {
  Assembler as;
  uint32_t file = as.File("acc.rego");
  uint32_t f = as.Function(params > 0 ? "data.t.f" : "data.t.p", params, params + 3, 1);
  Label fail = as.NewLabel();
  as.At(file, 1, 1);
  as.Emit(Op::kAccInit, 0, static_cast<uint32_t>(kind));
  for (size_t i = 0; i < values.size(); ++i) {
    as.At(file, static_cast<uint32_t>(i + 2), 3);
    if (kind == AccKind::kObject) {
      const char* kv = values[i];
      absl::StatusOr<Value> pair = ParseJson(kv);
      EXPECT_TRUE(pair.ok());
      as.Emit(Op::kLoadConst, params, as.Const(DeepCopy((*pair)[0], as.arena())));
      as.Emit(Op::kLoadConst, params + 1, as.Const(DeepCopy((*pair)[1], as.arena())));
      as.Emit(Op::kAccPut, 0, params, params + 1);
    } else {
      as.Emit(Op::kLoadConst, params, as.ConstJson(values[i]));
      as.Emit(Op::kAccAdd, 0, params);
    }
  }
  as.At(file, 99, 1);
  as.Emit(Op::kAccFinish, params + 2, 0, 0, fail);
  as.Emit(Op::kReturn, params + 2);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  auto bound = BoundProgram::Bind(as.Finish(), testing::TestLookup());
  if (!bound.ok()) return bound.status();
  std::vector<Value> args(params, Value::Int(0));
  absl::StatusOr<Value> v = Evaluate(ctx, **bound, f, args, EvalOptions());
  if (!v.ok()) return v.status();
  return DeepCopy(*v, nullptr);
}

TEST_F(InterpTest, ArrayAccumulatorKeepsOrderAndDuplicates) {
  EXPECT_EQ(JsonOf(Accumulate(ctx_, AccKind::kArray, {"3", "1", "3"})), "[3,1,3]");
  EXPECT_EQ(JsonOf(Accumulate(ctx_, AccKind::kArray, {})), "[]");
}

TEST_F(InterpTest, SetAccumulatorDedupes) {
  absl::StatusOr<Value> v = Accumulate(ctx_, AccKind::kSet, {"3", "1", "3", "1.0"});
  EXPECT_EQ(JsonOf(v), "[1,3]");
  ASSERT_OK(v);
  EXPECT_TRUE(v->is_set());
  EXPECT_EQ(JsonOf(Accumulate(ctx_, AccKind::kSet, {})), "[]");
}

TEST_F(InterpTest, ObjectAccumulator) {
  EXPECT_EQ(JsonOf(Accumulate(ctx_, AccKind::kObject,
                              {R"(["b",2])", R"(["a",1])", R"(["b",2])"})),
            R"({"a":1,"b":2})");
  EXPECT_EQ(JsonOf(Accumulate(ctx_, AccKind::kObject, {})), "{}");
}

TEST_F(InterpTest, ObjectAccumulatorConflict) {
  EXPECT_THAT(Accumulate(ctx_, AccKind::kObject, {R"(["a",1])", R"(["a",2])"}),
              StatusIs(ErrorCode::kEvalConflictError,
                       HasSubstr("object keys must be unique")));
}

TEST_F(InterpTest, ValueAccumulator) {
  EXPECT_EQ(JsonOf(Accumulate(ctx_, AccKind::kValue, {"7", "7", "7.0"})), "7");
  // Empty: the rule is undefined.
  EXPECT_EQ(JsonOf(Accumulate(ctx_, AccKind::kValue, {})), "undefined");
}

TEST_F(InterpTest, ValueAccumulatorConflictMessages) {
  // A complete rule (no parameters) and a function use OPA's two messages;
  // the location is the second AccAdd (acc.rego line 3).
  EXPECT_THAT(Accumulate(ctx_, AccKind::kValue, {"1", "2"}),
              StatusIs(ErrorCode::kEvalConflictError,
                       "acc.rego:3:3: complete rules must not produce multiple outputs"));
  EXPECT_THAT(Accumulate(ctx_, AccKind::kValue, {"true", "false"}, /*params=*/1),
              StatusIs(ErrorCode::kEvalConflictError,
                       "acc.rego:3:3: functions must not produce multiple outputs for "
                       "same inputs"));
}

// --- builtins ---------------------------------------------------------------------------

TEST_F(InterpTest, CallBuiltin) {
  Assembler as;
  uint32_t add = as.Builtin("test.add");
  uint32_t k2 = as.ConstJson("2"), k40 = as.ConstJson("40");
  uint32_t f = Simple(as, 3, 2, [&](Label fail) {
    as.Emit(Op::kLoadConst, 0, k2);
    as.Emit(Op::kLoadConst, 1, k40);
    as.EmitN(Op::kCallBuiltin, 2, add, 0, 2, fail);
  });
  EXPECT_EQ(JsonOf(Run(as, f)), "42");
  EXPECT_EQ(ctx_.stats().builtin_calls, 1u);
}

TEST_F(InterpTest, RealBuiltinThroughTheDefaultLookup) {
  Assembler as;
  uint32_t count = as.Builtin("count");
  uint32_t k = as.ConstJson(R"([1,2,3])");
  uint32_t f = Simple(as, 2, 1, [&](Label fail) {
    as.Emit(Op::kLoadConst, 0, k);
    as.EmitN(Op::kCallBuiltin, 1, count, 0, 1, fail);
  });
  absl::StatusOr<std::shared_ptr<const BoundProgram>> bound = BoundProgram::Bind(as.Finish());
  ASSERT_OK(bound);
  EXPECT_EQ(JsonOf(Evaluate(ctx_, **bound, f, {}, EvalOptions())), "3");
}

TEST_F(InterpTest, BuiltinUndefinedJumps) {
  Assembler as;
  uint32_t undef = as.Builtin("test.undefined");
  uint32_t f = Simple(as, 1, 0, [&](Label fail) {
    as.EmitN(Op::kCallBuiltin, 0, undef, 0, 0, fail);
  });
  EXPECT_EQ(JsonOf(Run(as, f)), "undefined");
}

TEST_F(InterpTest, BuiltinErrorsStrictAndLenient) {
  Assembler as;
  uint32_t file = as.File("policy.rego");
  uint32_t err = as.Builtin("test.error");
  uint32_t k = as.ConstJson("1");
  uint32_t f = Simple(as, 2, 1, [&](Label fail) {
    as.Emit(Op::kLoadConst, 0, k);
    as.At(file, 4, 9);
    as.EmitN(Op::kCallBuiltin, 1, err, 0, 1, fail);
  });
  // Lenient: the error makes the expression undefined.
  EXPECT_EQ(JsonOf(Run(as, f)), "undefined");
  // Strict: the builtin's own code, with the location in front.
  EvalOptions strict;
  strict.strict_builtin_errors = true;
  EXPECT_THAT(Again(f, {}, strict),
              StatusIs(ErrorCode::kEvalTypeError,
                       "policy.rego:4:9: test.error: operand 1 must be string but got "
                       "number"));
}

// --- calls ------------------------------------------------------------------------------

TEST_F(InterpTest, CallWithArgumentsAndUndefinedResult) {
  Assembler as;
  uint32_t add = as.Builtin("test.add");
  uint32_t k1 = as.ConstJson("1"), k0 = as.ConstJson("0"), kdef = as.ConstJson("-1");
  // f(x) := x + 1 if x != 0
  uint32_t fn = as.Declare("data.t.f", 1, 3);
  // main: f(1) if defined, else -1 via f(0) being undefined.
  uint32_t main = as.Function("main", 0, 4);
  Label undef = as.NewLabel();
  as.Emit(Op::kLoadConst, 0, k1);
  as.EmitN(Op::kCall, 1, fn, 0, 1, undef);
  as.Emit(Op::kLoadConst, 2, k0);
  as.EmitN(Op::kCall, 3, fn, 2, 1, undef);  // undefined: goes to `undef`
  as.Emit(Op::kReturn, 3);
  as.Bind(undef);
  as.Emit(Op::kLoadConst, 3, kdef);
  as.EmitN(Op::kMakeArray, 2, 1, 0, 3);  // [f(1), R2, -1]
  as.Emit(Op::kReturn, 2);
  as.End();
  as.Begin(fn);
  Label none = as.NewLabel();
  as.Emit(Op::kLoadConst, 1, k0);
  as.Emit(Op::kNotEqual, 0, 1, 0, none);
  as.Emit(Op::kLoadConst, 1, k1);
  as.EmitN(Op::kCallBuiltin, 2, add, 0, 2, none);
  as.Emit(Op::kReturn, 2);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EXPECT_EQ(JsonOf(Run(as, main)), "[2,0,-1]");
  EXPECT_EQ(ctx_.stats().calls, 3u);  // main, f(1), f(0)
}

TEST_F(InterpTest, EvaluateChecksFunctionAndArity) {
  Assembler as;
  uint32_t f = as.Function("data.t.f", 1, 1);
  as.Emit(Op::kReturn, 0);
  as.End();
  EXPECT_EQ(JsonOf(Run(as, f, {Value::Int(5)})), "5");
  EXPECT_THAT(Again(f, {}), StatusIs(ErrorCode::kInvalidArgument));
  EXPECT_THAT(Again(7, {}), StatusIs(ErrorCode::kInvalidArgument));
}

// A zero-arity rule called twice runs once per evaluation.
TEST_F(InterpTest, ZeroArityFunctionsAreMemoized) {
  Assembler as;
  uint32_t count = as.Builtin("test.count");
  uint32_t k = as.ConstJson(R"("v")");
  uint32_t rule = as.Declare("data.t.r", 0, 2);
  uint32_t main = as.Function("main", 0, 3);
  Label fail = as.NewLabel();
  as.EmitN(Op::kCall, 0, rule, 0, 0, fail);
  as.EmitN(Op::kCall, 1, rule, 0, 0, fail);
  as.EmitN(Op::kMakeArray, 2, 0, 0, 2);
  as.Emit(Op::kReturn, 2);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(rule);
  Label none = as.NewLabel();
  as.Emit(Op::kLoadConst, 0, k);
  as.EmitN(Op::kCallBuiltin, 1, count, 0, 1, none);
  as.Emit(Op::kReturn, 1);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  testing::g_test_count_calls = 0;
  EXPECT_EQ(JsonOf(Run(as, main)), R"(["v","v"])");
  EXPECT_EQ(testing::g_test_count_calls, 1);
  EXPECT_EQ(ctx_.stats().memo_hits, 1u);
  // The memo lives for one evaluation only.
  EXPECT_EQ(JsonOf(Again(main)), R"(["v","v"])");
  EXPECT_EQ(testing::g_test_count_calls, 2);
}

TEST_F(InterpTest, UndefinedRuleIsMemoizedToo) {
  Assembler as;
  uint32_t count = as.Builtin("test.count");
  uint32_t k = as.ConstJson("false");
  uint32_t rule = as.Declare("data.t.r", 0, 2);
  uint32_t main = as.Function("main", 0, 2);
  Label a = as.NewLabel(), b = as.NewLabel();
  as.EmitN(Op::kCall, 0, rule, 0, 0, a);
  as.Bind(a);
  as.EmitN(Op::kCall, 0, rule, 0, 0, b);
  as.Bind(b);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(rule);
  Label none = as.NewLabel();
  as.Emit(Op::kLoadConst, 0, k);
  as.EmitN(Op::kCallBuiltin, 1, count, 0, 1, none);
  as.Emit(Op::kTruthy, 1, 0, 0, none);
  as.Emit(Op::kReturn, 1);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  testing::g_test_count_calls = 0;
  EXPECT_EQ(JsonOf(Run(as, main)), "undefined");
  EXPECT_EQ(testing::g_test_count_calls, 1);
}

TEST_F(InterpTest, RecursiveRuleIsAnErrorNotACrash) {
  Assembler as;
  uint32_t rule = as.Declare("data.t.r", 0, 1);
  uint32_t main = as.Function("main", 0, 1);
  Label fail = as.NewLabel();
  as.EmitN(Op::kCall, 0, rule, 0, 0, fail);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(rule);
  Label none = as.NewLabel();
  as.EmitN(Op::kCall, 0, rule, 0, 0, none);  // r calls r
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EXPECT_THAT(Run(as, main),
              StatusIs(ErrorCode::kEvalInternalError, HasSubstr("recursive evaluation")));
}

TEST_F(InterpTest, CallDepthLimit) {
  Assembler as;
  uint32_t f = as.Function("data.t.f", 1, 2);
  Label none = as.NewLabel();
  as.EmitN(Op::kCall, 1, f, 0, 1, none);  // f(x) calls f(x): not memoized
  as.Emit(Op::kReturn, 1);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EvalOptions options;
  options.max_call_depth = 50;
  EXPECT_THAT(Run(as, f, {Value::Int(1)}, options),
              StatusIs(ErrorCode::kEvalLimitError, HasSubstr("call depth")));
  // The default limit stops it too.
  EXPECT_THAT(Again(f, {Value::Int(1)}), StatusIs(ErrorCode::kEvalLimitError));
}

// --- limits -----------------------------------------------------------------------------

uint32_t InfiniteLoop(Assembler& as) {
  uint32_t f = as.Function("t", 0, 1);
  Label top = as.NewLabel();
  as.Bind(top);
  as.Emit(Op::kNop);
  as.Emit(Op::kJump, 0, 0, 0, top);
  as.End();
  return f;
}

TEST_F(InterpTest, InstructionBudget) {
  Assembler as;
  uint32_t f = InfiniteLoop(as);
  EvalOptions options;
  options.max_instructions = 10000;
  EXPECT_THAT(Run(as, f, {}, options),
              StatusIs(ErrorCode::kEvalLimitError, HasSubstr("instruction budget")));
  EXPECT_GE(ctx_.stats().instructions, 10000u);
  EXPECT_LE(ctx_.stats().instructions, 10002u);
}

TEST_F(InterpTest, CancelFlag) {
  Assembler as;
  uint32_t f = InfiniteLoop(as);
  std::atomic<bool> cancel{true};
  EvalOptions options;
  options.cancel = &cancel;
  EXPECT_THAT(Run(as, f, {}, options), StatusIs(ErrorCode::kEvalCancelError));
}

TEST_F(InterpTest, StatsCountInstructions) {
  Assembler as;
  uint32_t f = as.Function("t", 0, 1);
  as.Emit(Op::kNop);
  as.Emit(Op::kNop);
  as.Emit(Op::kReturn, 0);
  as.End();
  ASSERT_OK(Run(as, f));
  EXPECT_EQ(ctx_.stats().instructions, 3u);
}

// --- errors -----------------------------------------------------------------------------

TEST_F(InterpTest, FailRaisesWithLocation) {
  Assembler as;
  uint32_t file = as.File("lib/authz.rego");
  uint32_t msg = as.ConstString("object insert conflict");
  uint32_t f = as.Function("t", 0, 1);
  as.At(file, 12, 5);
  as.Emit(Op::kFail, 0, msg, static_cast<uint32_t>(ErrorCode::kEvalConflictError));
  as.End();
  EXPECT_THAT(Run(as, f), StatusIs(ErrorCode::kEvalConflictError,
                                   "lib/authz.rego:12:5: object insert conflict"));
}

TEST_F(InterpTest, ErrorInCalleeReportsCalleeLocation) {
  Assembler as;
  uint32_t file = as.File("a.rego");
  uint32_t k1 = as.ConstJson("1"), k2 = as.ConstJson("2");
  uint32_t rule = as.Declare("data.t.r", 0, 2, 1);
  uint32_t main = as.Function("main", 0, 1);
  as.At(file, 1, 1);
  Label fail = as.NewLabel();
  as.EmitN(Op::kCall, 0, rule, 0, 0, fail);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(rule);
  as.At(file, 7, 1);
  as.Emit(Op::kAccInit, 0, static_cast<uint32_t>(AccKind::kValue));
  as.Emit(Op::kLoadConst, 0, k1);
  as.Emit(Op::kAccAdd, 0, 0);
  as.At(file, 8, 1);
  as.Emit(Op::kLoadConst, 0, k2);
  as.Emit(Op::kAccAdd, 0, 0);
  Label none = as.NewLabel();
  as.Emit(Op::kAccFinish, 1, 0, 0, none);
  as.Emit(Op::kReturn, 1);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EXPECT_THAT(Run(as, main),
              StatusIs(ErrorCode::kEvalConflictError,
                       StartsWith("a.rego:8:1: complete rules must not produce")));
}

TEST_F(InterpTest, ErrorWithoutSpanHasNoLocation) {
  Assembler as;
  uint32_t msg = as.ConstString("boom");
  uint32_t f = as.Function("t", 0, 1);
  as.Emit(Op::kFail, 0, msg, static_cast<uint32_t>(ErrorCode::kEvalTypeError));
  as.End();
  EXPECT_THAT(Run(as, f), StatusIs(ErrorCode::kEvalTypeError, "boom"));
}

TEST_F(InterpTest, UnbalancedWithPopIsAnError) {
  Assembler as;
  uint32_t f = as.Function("t", 0, 1);
  as.Emit(Op::kWithPop, 0, 1);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EXPECT_THAT(Run(as, f), StatusIs(ErrorCode::kEvalInternalError));
}

TEST_F(InterpTest, ReturnInsideAnOpenWithIsAnError) {
  Assembler as;
  uint32_t path = as.ConstJson("[]");
  uint32_t k = as.ConstJson("1");
  uint32_t f = as.Function("t", 0, 1);
  as.Emit(Op::kLoadConst, 0, k);
  as.Emit(Op::kWithInput, 0, path, 0);
  as.Emit(Op::kReturn, 0);
  as.End();
  EXPECT_THAT(Run(as, f), StatusIs(ErrorCode::kEvalInternalError, HasSubstr("unbalanced")));
}

// --- with -------------------------------------------------------------------------------

// A rule r := input.x (memoized) and main evaluating
//   [r, r with input.x as 2 (or `as` given by the test), r]
struct WithInputProgram {
  Assembler as;
  uint32_t main = 0;
};

void BuildWithInput(WithInputProgram& w, const char* path, const char* value) {
  Assembler& as = w.as;
  uint32_t kx = as.ConstJson(R"("x")");
  uint32_t kpath = as.ConstJson(path);
  uint32_t kval = as.ConstJson(value);
  uint32_t rule = as.Declare("data.t.r", 0, 2);
  w.main = as.Function("main", 0, 5);
  Label fail = as.NewLabel(), u1 = as.NewLabel(), u2 = as.NewLabel(), u3 = as.NewLabel();
  uint32_t kundef = as.ConstString("<undefined>");
  as.Emit(Op::kLoadConst, 0, kundef);
  as.EmitN(Op::kCall, 0, rule, 0, 0, u1);
  as.Bind(u1);
  as.Emit(Op::kLoadConst, 3, kval);
  as.Emit(Op::kWithInput, 0, kpath, 3);
  as.Emit(Op::kLoadConst, 1, kundef);
  as.EmitN(Op::kCall, 1, rule, 0, 0, u2);
  as.Bind(u2);
  as.Emit(Op::kWithPop, 0, 1);
  as.Emit(Op::kLoadConst, 2, kundef);
  as.EmitN(Op::kCall, 2, rule, 0, 0, u3);
  as.Bind(u3);
  as.EmitN(Op::kMakeArray, 4, 0, 0, 3);
  as.Emit(Op::kReturn, 4);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(rule);
  Label none = as.NewLabel();
  as.Emit(Op::kLoadInput, 0, as.ConstJson("[]"), 0, none);
  as.Emit(Op::kIndexConst, 1, 0, kx, none);
  as.Emit(Op::kReturn, 1);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
}

TEST_F(InterpTest, WithInputPathAndMemoIsolation) {
  WithInputProgram w;
  BuildWithInput(w, R"(["x"])", "2");
  EvalOptions options;
  options.input = Json(R"({"x":1,"y":0})");
  EXPECT_EQ(JsonOf(Run(w.as, w.main, {}, options)), "[1,2,1]");
  // r ran three times: before, inside (the memo must not answer with the
  // outer value) and after the override (the inner scope took r's memo
  // slot, and its value is not valid outside).
  EXPECT_EQ(ctx_.stats().calls, 4u);  // main + 3 x r
  EXPECT_EQ(ctx_.stats().memo_hits, 0u);
}

TEST_F(InterpTest, WithInputWholeDocument) {
  WithInputProgram w;
  BuildWithInput(w, "[]", R"({"x":"replaced"})");
  EvalOptions options;
  options.input = Json(R"({"x":1})");
  EXPECT_EQ(JsonOf(Run(w.as, w.main, {}, options)), R"([1,"replaced",1])");
  // Without an input, `with input as` supplies one.
  EXPECT_EQ(JsonOf(Again(w.main)), R"(["<undefined>","replaced","<undefined>"])");
}

TEST_F(InterpTest, WithInputCreatesObjectsAlongThePath) {
  // with input.x.deep as 3 on an input without x: x becomes {"deep": 3}.
  WithInputProgram w;
  BuildWithInput(w, R"(["x","deep"])", "3");
  EvalOptions options;
  options.input = Json(R"({"y":0})");
  EXPECT_EQ(JsonOf(Run(w.as, w.main, {}, options)),
            R"(["<undefined>",{"deep":3},"<undefined>"])");
  options.input = Json(R"({"x":{"keep":1}})");
  EXPECT_EQ(JsonOf(Again(w.main, {}, options)),
            R"([{"keep":1},{"deep":3,"keep":1},{"keep":1}])");
}

// Loads data at [load] under the overrides [(path, value)...] pushed in order.
// With [resolved], the evaluation also has ResolveDataPaths' table, which
// must give way to the overrides.
std::string LoadDataWith(const char* data, const char* load,
                         std::vector<std::pair<const char*, const char*>> overrides,
                         bool resolved = false) {
  Assembler as;
  uint32_t kload = as.ConstJson(load);
  uint32_t f = as.Function("t", 0, 2);
  Label fail = as.NewLabel();
  for (const auto& [path, value] : overrides) {
    as.Emit(Op::kLoadConst, 1, as.ConstJson(value));
    as.Emit(Op::kWithData, 0, as.ConstJson(path), 1);
  }
  as.Emit(Op::kLoadData, 0, kload, 0, fail);
  if (!overrides.empty()) as.Emit(Op::kWithPop, 0, static_cast<uint32_t>(overrides.size()));
  as.Emit(Op::kReturn, 0);
  as.Bind(fail);  // the failure path pops too, as compiled code does
  if (!overrides.empty()) as.Emit(Op::kWithPop, 0, static_cast<uint32_t>(overrides.size()));
  as.Emit(Op::kReturnUndefined);
  as.End();
  auto bound = BoundProgram::Bind(as.Finish(), testing::TestLookup());
  if (!bound.ok()) return bound.status().ToString();
  EvalContext ctx;
  EvalOptions options;
  options.data = Json(data);
  std::vector<Value> paths;
  if (resolved) {
    paths = ResolveDataPaths((*bound)->program(), options.data);
    options.data_paths = paths;
  }
  return JsonOf(Evaluate(ctx, **bound, f, {}, options));
}

TEST_F(InterpTest, WithDataOverlayOverResolvedPaths) {
  const char* data = R"({"a":{"b":1,"c":{"d":2}},"e":5})";
  EXPECT_EQ(LoadDataWith(data, R"(["a","b"])", {}, true), "1");
  EXPECT_EQ(LoadDataWith(data, R"(["a","b"])", {{R"(["a","b"])", "7"}}, true), "7");
  EXPECT_EQ(LoadDataWith(data, R"(["a"])", {{R"(["a","c","d"])", "3"}}, true),
            R"({"b":1,"c":{"d":3}})");
  EXPECT_EQ(LoadDataWith(data, R"(["e"])", {{R"(["a","b"])", "7"}}, true), "5");
  EXPECT_EQ(LoadDataWith("{}", R"(["n","m"])", {{R"(["n","m"])", "1"}}, true), "1");
}

TEST_F(InterpTest, WithDataOverlay) {
  const char* data = R"({"a":{"b":1,"c":{"d":2}},"e":5})";
  EXPECT_EQ(LoadDataWith(data, R"(["a","b"])", {}), "1");
  // The override covers the loaded path.
  EXPECT_EQ(LoadDataWith(data, R"(["a","b"])", {{R"(["a"])", R"({"b":9})"}}), "9");
  EXPECT_EQ(LoadDataWith(data, R"(["a","c"])", {{R"(["a"])", R"({"b":9})"}}), "undefined");
  EXPECT_EQ(LoadDataWith(data, R"(["a","b"])", {{R"(["a","b"])", "7"}}), "7");
  // The loaded path is a prefix of the override: the base patched.
  EXPECT_EQ(LoadDataWith(data, R"(["a"])", {{R"(["a","c","d"])", "3"}}),
            R"({"b":1,"c":{"d":3}})");
  EXPECT_EQ(LoadDataWith(data, "[]", {{R"(["x","y"])", "true"}}),
            R"({"a":{"b":1,"c":{"d":2}},"e":5,"x":{"y":true}})");
  // Unrelated paths are untouched.
  EXPECT_EQ(LoadDataWith(data, R"(["e"])", {{R"(["a","b"])", "7"}}), "5");
  // Newest wins, in either nesting.
  EXPECT_EQ(LoadDataWith(data, R"(["a","b"])",
                         {{R"(["a","b"])", "7"}, {R"(["a"])", R"({"b":8})"}}),
            "8");
  EXPECT_EQ(LoadDataWith(data, R"(["a"])",
                         {{R"(["a"])", R"({"b":8})"}, {R"(["a","z"])", "0"}}),
            R"({"b":8,"z":0})");
  // Overriding a missing document creates it.
  EXPECT_EQ(LoadDataWith("{}", R"(["n","m"])", {{R"(["n","m"])", "1"}}), "1");
}

TEST_F(InterpTest, WithFuncWithBuiltinWithValue) {
  Assembler as;
  uint32_t add = as.Builtin("test.add");
  uint32_t k1 = as.ConstJson("1"), k10 = as.ConstJson("10"), k100 = as.ConstJson("100");
  uint32_t f = as.Declare("data.t.f", 1, 3);  // f(x) = x + 1
  uint32_t g = as.Declare("data.t.g", 1, 3);  // g(x) = x + 10
  uint32_t h = as.Declare("data.t.h", 2, 2);  // h(a, b) = a (replaces test.add)
  uint32_t main = as.Function("main", 0, 10);
  Label fail = as.NewLabel();
  as.Emit(Op::kLoadConst, 0, k1);
  as.EmitN(Op::kCall, 1, f, 0, 1, fail);  // f(1) = 2
  as.Emit(Op::kWithFunc, 0, f, g);
  as.EmitN(Op::kCall, 2, f, 0, 1, fail);  // g(1) = 11
  as.Emit(Op::kWithPop, 0, 1);
  as.Emit(Op::kLoadConst, 9, k100);
  as.Emit(Op::kWithValue, 0, f, 9);
  as.EmitN(Op::kCall, 3, f, 0, 1, fail);  // 100
  as.Emit(Op::kWithPop, 0, 1);
  as.Emit(Op::kWithBuiltin, 0, add, h);
  as.EmitN(Op::kCall, 4, f, 0, 1, fail);  // f(1) with add(a, b) = a: 1
  as.Emit(Op::kWithPop, 0, 1);
  as.EmitN(Op::kWithValue, 0, add, 9, 1);  // n = 1: b is a builtin
  as.EmitN(Op::kCall, 5, f, 0, 1, fail);   // f(1) with add mocked to 100
  as.Emit(Op::kWithPop, 0, 1);
  as.EmitN(Op::kCall, 6, f, 0, 1, fail);  // back to normal: 2
  as.EmitN(Op::kMakeArray, 7, 1, 0, 6);
  as.Emit(Op::kReturn, 7);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  for (auto [fn, k] : {std::pair{f, k1}, std::pair{g, k10}}) {
    as.Begin(fn);
    Label none = as.NewLabel();
    as.Emit(Op::kLoadConst, 1, k);
    as.EmitN(Op::kCallBuiltin, 2, add, 0, 2, none);
    as.Emit(Op::kReturn, 2);
    as.Bind(none);
    as.Emit(Op::kReturnUndefined);
    as.End();
  }
  as.Begin(h);
  as.Emit(Op::kReturn, 0);
  as.End();
  EXPECT_EQ(JsonOf(Run(as, main)), "[2,11,100,1,100,2]");
}

TEST_F(InterpTest, WithValueOnMemoizedRule) {
  // r is memoized; `with r as 5` answers 5 without consulting the memo,
  // and after the pop the memo answers again.
  Assembler as;
  uint32_t count = as.Builtin("test.count");
  uint32_t k1 = as.ConstJson("1"), k5 = as.ConstJson("5");
  uint32_t r = as.Declare("data.t.r", 0, 2);
  uint32_t main = as.Function("main", 0, 5);
  Label fail = as.NewLabel();
  as.EmitN(Op::kCall, 0, r, 0, 0, fail);
  as.Emit(Op::kLoadConst, 4, k5);
  as.Emit(Op::kWithValue, 0, r, 4);
  as.EmitN(Op::kCall, 1, r, 0, 0, fail);
  as.Emit(Op::kWithPop, 0, 1);
  as.EmitN(Op::kCall, 2, r, 0, 0, fail);
  as.EmitN(Op::kMakeArray, 3, 0, 0, 3);
  as.Emit(Op::kReturn, 3);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(r);
  Label none = as.NewLabel();
  as.Emit(Op::kLoadConst, 0, k1);
  as.EmitN(Op::kCallBuiltin, 1, count, 0, 1, none);
  as.Emit(Op::kReturn, 1);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  testing::g_test_count_calls = 0;
  EXPECT_EQ(JsonOf(Run(as, main)), "[1,5,1]");
  EXPECT_EQ(testing::g_test_count_calls, 1);
}

TEST_F(InterpTest, MemoNotReusedInsideOverrideScope) {
  // r := data.x, memoized. Calling r inside `with data.x as 2` must not
  // return the value computed outside.
  Assembler as;
  uint32_t kx = as.ConstJson(R"(["x"])");
  uint32_t k2 = as.ConstJson("2");
  uint32_t r = as.Declare("data.t.r", 0, 1);
  uint32_t main = as.Function("main", 0, 4);
  Label fail = as.NewLabel();
  as.EmitN(Op::kCall, 0, r, 0, 0, fail);
  as.Emit(Op::kLoadConst, 3, k2);
  as.Emit(Op::kWithData, 0, kx, 3);
  as.EmitN(Op::kCall, 1, r, 0, 0, fail);
  as.Emit(Op::kWithPop, 0, 1);
  as.EmitN(Op::kMakeArray, 2, 0, 0, 2);
  as.Emit(Op::kReturn, 2);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(r);
  Label none = as.NewLabel();
  as.Emit(Op::kLoadData, 0, kx, 0, none);
  as.Emit(Op::kReturn, 0);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  EvalOptions options;
  options.data = Json(R"({"x":1})");
  EXPECT_EQ(JsonOf(Run(as, main, {}, options)), "[1,2]");
}

// --- trace ------------------------------------------------------------------------------

TEST_F(InterpTest, TraceListsInstructionsAndRegisters) {
  Assembler as;
  uint32_t file = as.File("t.rego");
  uint32_t k = as.ConstJson(R"("hello")");
  uint32_t f = as.Function("t", 0, 1);
  as.At(file, 3, 7);
  as.Emit(Op::kLoadConst, 0, k);
  as.Emit(Op::kReturn, 0);
  as.End();
  std::string trace;
  EvalOptions options;
  options.trace = &trace;
  EXPECT_EQ(JsonOf(Run(as, f, {}, options)), R"("hello")");
  EXPECT_THAT(trace, HasSubstr(R"(0  LoadConst R0 K[0]="hello")"));
  EXPECT_THAT(trace, HasSubstr(R"(1  Return R0)"));
  EXPECT_THAT(trace, HasSubstr(R"(R0="hello")"));
  EXPECT_THAT(trace, HasSubstr("; t.rego:3:7"));
}

// --- steady state -----------------------------------------------------------------------

std::string* volatile g_sink = nullptr;

TEST(AllocCounterTest, SeesAllocations) {
  testing::StartCountingAllocations();
  g_sink = new std::string(100, 'x');
  size_t n = testing::StopCountingAllocations();
  delete g_sink;
  EXPECT_GE(n, 1u);  // else the steady-state test below would prove nothing
}

TEST_F(InterpTest, NoHeapAllocationPerDecisionInSteadyState) {
  // A loop with a builtin per element, a memoized rule, set and object
  // accumulators, constructors: everything a typical decision does.
  Assembler as;
  uint32_t add = as.Builtin("test.add");
  uint32_t items = as.ConstJson(R"("items")"), k1 = as.ConstJson("1");
  uint32_t r = as.Declare("data.t.r", 0, 8, 2);
  uint32_t main = as.Function("main", 0, 4);
  Label fail = as.NewLabel();
  as.EmitN(Op::kCall, 0, r, 0, 0, fail);
  as.EmitN(Op::kCall, 1, r, 0, 0, fail);
  as.EmitN(Op::kMakeArray, 2, 0, 0, 2);
  as.Emit(Op::kReturn, 2);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(r);
  Label end = as.NewLabel(), next = as.NewLabel();
  as.Emit(Op::kAccInit, 0, static_cast<uint32_t>(AccKind::kSet));
  as.Emit(Op::kAccInit, 1, static_cast<uint32_t>(AccKind::kObject));
  as.Emit(Op::kLoadInput, 0, as.ConstJson("[]"), 0, end);
  as.Emit(Op::kIndexConst, 1, 0, items, end);
  as.Emit(Op::kIterInit, 2, 1, 0, end);
  as.Bind(next);
  as.Emit(Op::kIterNext, 2, 4, 5, end);
  as.Emit(Op::kLoadConst, 6, k1);
  as.EmitN(Op::kCallBuiltin, 7, add, 5, 2, next);
  as.Emit(Op::kAccAdd, 0, 7);
  as.Emit(Op::kAccPut, 1, 4, 7);
  as.Emit(Op::kJump, 0, 0, 0, next);
  as.Bind(end);
  Label none = as.NewLabel();
  as.Emit(Op::kAccFinish, 0, 0, 0, none);
  as.Emit(Op::kAccFinish, 1, 1, 0, none);
  as.EmitN(Op::kMakeArray, 2, 0, 0, 2);
  as.Emit(Op::kReturn, 2);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  auto bound = BoundProgram::Bind(as.Finish(), testing::TestLookup());
  ASSERT_OK(bound);
  EvalOptions options;
  options.input = Json(R"({"items":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]})");
  EvalContext ctx;
  for (int i = 0; i < 3; ++i) ASSERT_OK(Evaluate(ctx, **bound, main, {}, options));
  testing::StartCountingAllocations();
  bool ok = true;
  for (int i = 0; i < 100; ++i) ok &= Evaluate(ctx, **bound, main, {}, options).ok();
  size_t allocations = testing::StopCountingAllocations();
  EXPECT_TRUE(ok);
  EXPECT_EQ(allocations, 0u);
  absl::StatusOr<Value> v = Evaluate(ctx, **bound, main, {}, options);
  ASSERT_OK(v);
  EXPECT_EQ(ToJson((*v)[0][0]),
            "[2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21]");
}

}  // namespace
}  // namespace verdict::vm
