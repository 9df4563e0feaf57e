// Tests of lib/vm/program.cc: entry point and span lookups, and the binary
// form (round trip of every section, exact numbers, sets staying sets;
// rejection of bad magic, other versions, truncation and corruption).
#include "vm/program.h"

#include <cstring>
#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "vm/assembler.h"
#include "vm/test_builtins.h"

namespace verdict::vm {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::StatusIs;
using testing::Assembler;
using testing::Label;

Program Sample() {
  Assembler as;
  uint32_t f0 = as.File("policies/authz.rego");
  uint32_t f1 = as.File("lib/util.rego");
  // Exact numbers of every representation, sets, nested objects with
  // non-string keys, strings with NUL and non-ASCII bytes.
  as.ConstJson(R"(["a","b"])");
  as.ConstJson("123456789012345678901234567890");
  as.ConstJson("1e400");
  as.ConstJson("0.1");
  as.ConstJson("-2.5e-7");
  as.ConstJson("9223372036854775807");
  as.ConstJson("-9223372036854775808");
  as.ConstJson("9223372036854775808");
  as.ConstJson("0.1000000000000000000000001");
  as.ConstJson(R"({"z":{"y":[1,{"x":null}]},"a":[true,false]})");
  as.ConstString(std::string("nul\0byte \xc3\xa9", 11));
  as.ConstString("a string longer than thirteen bytes");
  {
    SetBuilder s(as.arena());
    s.Add(Value::Int(3));
    s.Add(Value::String("x", as.arena()));
    SetBuilder inner(as.arena());
    inner.Add(Value::Int(1));
    s.Add(inner.Build());
    as.Const(s.Build());
  }
  {
    ObjectBuilder o(as.arena());
    o.Add(Value::Int(1), Value::String("one", as.arena()));
    o.Add(Value::EmptySet(), Value::EmptyArray());
    as.Const(o.Build());
  }
  uint32_t add = as.Builtin("test.add");
  uint32_t f = as.Declare("data.lib.f", 2, 4, 0);
  uint32_t main = as.Function("data.authz.allow", 0, 5, 1);
  Label fail = as.NewLabel();
  as.At(f0, 3, 1);
  as.Emit(Op::kAccInit, 0, static_cast<uint32_t>(AccKind::kValue));
  as.Emit(Op::kLoadConst, 0, 1);
  as.Emit(Op::kLoadConst, 1, 2);
  as.At(f0, 4, 5);
  as.EmitN(Op::kCall, 2, f, 0, 2, fail);
  as.Emit(Op::kAccAdd, 0, 2);
  as.Emit(Op::kAccFinish, 3, 0, 0, fail);
  as.Emit(Op::kReturn, 3);
  as.Bind(fail);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Begin(f);
  as.At(f1, 10, 2);
  Label none = as.NewLabel();
  as.EmitN(Op::kCallBuiltin, 2, add, 0, 2, none);
  as.Emit(Op::kIterNext, 0, kNoReg, 3, none);  // kNoReg must survive
  as.Emit(Op::kReturn, 2);
  as.Bind(none);
  as.Emit(Op::kReturnUndefined);
  as.End();
  as.Entry("data.authz.allow", main);
  as.Entry("data.lib", f);
  return as.Finish();
}

// Field-by-field equality; constants also by kind all the way down (a set
// must come back a set, a double a double).
void ExpectSameKinds(const Value& a, const Value& b) {
  ASSERT_EQ(a.kind(), b.kind());
  if (a.is_number()) {
    EXPECT_EQ(a.number_rep(), b.number_rep());
  }
  if (a.is_array() || a.is_set()) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) ExpectSameKinds(a.items()[i], b.items()[i]);
  }
  if (a.is_object()) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      ExpectSameKinds(a.entries()[i].key, b.entries()[i].key);
      ExpectSameKinds(a.entries()[i].value, b.entries()[i].value);
    }
  }
}

bool SamePrograms(const Program& a, const Program& b) {
  if (a.code.size() != b.code.size()) return false;
  for (size_t i = 0; i < a.code.size(); ++i) {
    if (std::memcmp(&a.code[i], &b.code[i], sizeof(Instr)) != 0) return false;
  }
  if (a.constants.size() != b.constants.size()) return false;
  for (size_t i = 0; i < a.constants.size(); ++i) {
    if (a.constants[i] != b.constants[i]) return false;
    if (ToJson(a.constants[i]) != ToJson(b.constants[i])) return false;
  }
  if (a.builtins != b.builtins || a.files != b.files) return false;
  if (a.functions.size() != b.functions.size()) return false;
  for (size_t i = 0; i < a.functions.size(); ++i) {
    const Function& x = a.functions[i];
    const Function& y = b.functions[i];
    if (x.name != y.name || x.entry_pc != y.entry_pc || x.end_pc != y.end_pc ||
        x.num_params != y.num_params || x.num_registers != y.num_registers ||
        x.num_accumulators != y.num_accumulators) {
      return false;
    }
  }
  if (a.entry_points.size() != b.entry_points.size()) return false;
  for (size_t i = 0; i < a.entry_points.size(); ++i) {
    if (a.entry_points[i].name != b.entry_points[i].name ||
        a.entry_points[i].function != b.entry_points[i].function) {
      return false;
    }
  }
  if (a.spans.size() != b.spans.size()) return false;
  for (size_t i = 0; i < a.spans.size(); ++i) {
    const SpanEntry& x = a.spans[i];
    const SpanEntry& y = b.spans[i];
    if (x.pc != y.pc || x.file != y.file || x.line != y.line || x.col != y.col) return false;
  }
  return true;
}

// Recomputes the header's payload size and checksum, so corruption tests
// reach the section parser instead of stopping at the checksum.
void Reseal(std::string& blob) {
  if (blob.size() < 28) return;
  uint64_t size = blob.size() - 28;
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 28; i < blob.size(); ++i) {
    h ^= static_cast<unsigned char>(blob[i]);
    h *= 0x100000001b3ull;
  }
  for (int i = 0; i < 8; ++i) {
    blob[12 + i] = static_cast<char>((size >> (8 * i)) & 0xff);
    blob[20 + i] = static_cast<char>((h >> (8 * i)) & 0xff);
  }
}

TEST(ProgramTest, FindEntryPoint) {
  Program p = Sample();
  ASSERT_NE(p.FindEntryPoint("data.lib"), nullptr);
  EXPECT_EQ(p.FindEntryPoint("data.lib")->function, 0u);
  EXPECT_EQ(p.FindEntryPoint("data.authz.allow")->function, 1u);
  EXPECT_EQ(p.FindEntryPoint("data.nope"), nullptr);
}

TEST(ProgramTest, SpanAtAndLocationAt) {
  Program p;
  p.files = {"a.rego", "b.rego"};
  p.spans = {{2, 0, 5, 1}, {4, 1, 9, 3}, {7, 0, 12, 8}};
  EXPECT_EQ(p.SpanAt(0), nullptr);
  EXPECT_EQ(p.SpanAt(1), nullptr);
  EXPECT_EQ(p.SpanAt(2)->line, 5u);
  EXPECT_EQ(p.SpanAt(3)->line, 5u);
  EXPECT_EQ(p.SpanAt(4)->line, 9u);
  EXPECT_EQ(p.SpanAt(6)->line, 9u);
  EXPECT_EQ(p.SpanAt(7)->line, 12u);
  EXPECT_EQ(p.SpanAt(1000)->line, 12u);
  EXPECT_EQ(p.LocationAt(1), "");
  EXPECT_EQ(p.LocationAt(5), "b.rego:9:3");
  EXPECT_EQ(p.LocationAt(8), "a.rego:12:8");
  p.spans.push_back({9, 7, 1, 1});  // bad file index: no location, no crash
  EXPECT_EQ(p.LocationAt(9), "");
}

TEST(ProgramTest, RoundTrip) {
  Program p = Sample();
  ASSERT_OK(Verify(p, testing::TestLookup()));
  std::string blob = Serialize(p);
  EXPECT_EQ(blob.substr(0, 8), "VRDTPROG");
  absl::StatusOr<Program> q = Deserialize(blob, testing::TestLookup());
  ASSERT_OK(q);
  EXPECT_TRUE(SamePrograms(p, *q));
  ASSERT_EQ(p.constants.size(), q->constants.size());
  for (size_t i = 0; i < p.constants.size(); ++i) {
    SCOPED_TRACE(ToJson(p.constants[i]));
    ExpectSameKinds(p.constants[i], q->constants[i]);
  }
  // Serializing again gives the same bytes.
  EXPECT_EQ(Serialize(*q), blob);
  // The constants live in the deserialized program's own arena.
  EXPECT_NE(q->arena, nullptr);
  EXPECT_NE(q->arena, p.arena);
}

TEST(ProgramTest, RoundTripEmptyProgram) {
  Program p;
  absl::StatusOr<Program> q = Deserialize(Serialize(p));
  ASSERT_OK(q);
  EXPECT_TRUE(SamePrograms(p, *q));
}

TEST(ProgramTest, DeserializeVerifies) {
  Program p = Sample();
  // The default lookup does not know test.add.
  EXPECT_THAT(Deserialize(Serialize(p)),
              StatusIs(ErrorCode::kBytecodeError, HasSubstr("unknown builtin test.add")));
  p.code[0].a = 900;
  EXPECT_THAT(Deserialize(Serialize(p), testing::TestLookup()),
              StatusIs(ErrorCode::kBytecodeError, HasSubstr("pc 0:")));
}

TEST(ProgramTest, RejectsBadMagic) {
  std::string blob = Serialize(Sample());
  blob[0] = 'X';
  EXPECT_THAT(Deserialize(blob, testing::TestLookup()),
              StatusIs(ErrorCode::kBytecodeError, HasSubstr("not a verdict program")));
  EXPECT_THAT(Deserialize("", testing::TestLookup()), StatusIs(ErrorCode::kBytecodeError));
}

TEST(ProgramTest, RejectsOtherVersionsWithARecompileMessage) {
  std::string blob = Serialize(Sample());
  blob[8] = static_cast<char>(Program::kFormatVersion + 1);
  std::string want = "bytecode format version " + std::to_string(Program::kFormatVersion + 1) +
                     ", this library reads " + std::to_string(Program::kFormatVersion);
  EXPECT_THAT(Deserialize(blob, testing::TestLookup()),
              StatusIs(ErrorCode::kBytecodeError, HasSubstr(want)));
}

TEST(ProgramTest, RejectsEveryTruncation) {
  std::string blob = Serialize(Sample());
  for (size_t n = 0; n < blob.size(); ++n) {
    EXPECT_THAT(Deserialize(blob.substr(0, n), testing::TestLookup()),
                StatusIs(ErrorCode::kBytecodeError))
        << "length " << n;
  }
  // Trailing garbage is rejected too.
  EXPECT_THAT(Deserialize(blob + "x", testing::TestLookup()),
              StatusIs(ErrorCode::kBytecodeError));
}

TEST(ProgramTest, ChecksumCatchesEveryByteFlip) {
  Program p = Sample();
  std::string blob = Serialize(p);
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    std::string bad = blob;
    size_t at = rng() % bad.size();
    bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
    absl::StatusOr<Program> q = Deserialize(bad, testing::TestLookup());
    EXPECT_THAT(q, StatusIs(ErrorCode::kBytecodeError)) << "flip at " << at;
  }
}

// With the checksum resealed, corruption reaches the section parser and the
// verifier: every outcome must be an error or a program that verifies.
TEST(ProgramTest, ParserSurvivesResealedCorruption) {
  Program p = Sample();
  const std::string blob = Serialize(p);
  std::mt19937 rng(11);
  int accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string bad = blob;
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < flips; ++k) {
      size_t at = 28 + rng() % (bad.size() - 28);
      switch (rng() % 3) {
        case 0:
          bad[at] = static_cast<char>(bad[at] ^ (1 << (rng() % 8)));
          break;
        case 1:
          bad[at] = static_cast<char>(rng());
          break;
        default:
          bad[at] = static_cast<char>(0xff);
          break;
      }
    }
    if (rng() % 4 == 0) bad.resize(28 + rng() % (bad.size() - 28));
    Reseal(bad);
    absl::StatusOr<Program> q = Deserialize(bad, testing::TestLookup());
    if (q.ok()) {
      ++accepted;
      EXPECT_OK(Verify(*q, testing::TestLookup()));
      (void)Serialize(*q);
    } else {
      EXPECT_EQ(GetErrorCode(q.status()), ErrorCode::kBytecodeError) << q.status();
    }
  }
  // Some flips land in names or constant bytes and still make a valid program.
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace verdict::vm
