// Tests for lib/builtins/misc.cc: semver, uuid, graph.
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;
using testing::Str;

TEST(SemverTest, CompareAndIsValid) {
  EXPECT_EQ(Eval("semver.compare", {R"("1.0.0")", R"("2.0.0")"}), "-1");
  EXPECT_EQ(Eval("semver.compare", {R"("2.0.0")", R"("1.0.0")"}), "1");
  EXPECT_EQ(Eval("semver.compare", {R"("1.0.0")", R"("1.0.0")"}), "0");
  EXPECT_EQ(Eval("semver.compare", {R"("1.0.0-alpha")", R"("1.0.0")"}), "-1");
  EXPECT_EQ(Eval("semver.compare", {R"("1.0.0-alpha.1")", R"("1.0.0-alpha")"}), "1");
  EXPECT_EQ(Eval("semver.compare", {R"("1.0.0-alpha.2")", R"("1.0.0-alpha.10")"}), "-1");
  EXPECT_EQ(Eval("semver.compare", {R"("1.0.0-1")", R"("1.0.0-alpha")"}), "-1");
  EXPECT_EQ(Eval("semver.compare", {R"("1.0.0+build.1")", R"("1.0.0+build.2")"}), "0");
  EXPECT_EQ(Eval("semver.compare", {R"("v1.2.3")", R"("1.2.3")"}), "0");
  EXPECT_EQ(Eval("semver.compare", {R"("1")", R"("1.0.0")"}),
            R"(error: semver.compare: operand 1: string "1" is not a valid SemVer)");
  EXPECT_EQ(Eval("semver.compare", {R"("1.0.0")", R"("1")"}),
            R"(error: semver.compare: operand 2: string "1" is not a valid SemVer)");
  EXPECT_EQ(Eval("semver.is_valid", {R"("1.0.0")"}), "true");
  EXPECT_EQ(Eval("semver.is_valid", {R"("1.0.0-rc.1+sha.5114f85")"}), "true");
  EXPECT_EQ(Eval("semver.is_valid", {R"("1")"}), "false");
  EXPECT_EQ(Eval("semver.is_valid", {R"("1.0.0-")"}), "true");  // empty pre-release is no pre-release
  EXPECT_EQ(Eval("semver.is_valid", {R"("1.0.0-a..b")"}), "false");
  EXPECT_EQ(Eval("semver.is_valid", {"1"}), "false");
}

TEST(UuidTest, ParseVersionsAndForms) {
  EXPECT_EQ(Eval("uuid.parse", {R"("00000000-0000-4000-8000-000000000000")"}),
            R"({"variant":"RFC4122","version":4})");
  EXPECT_EQ(Eval("uuid.parse", {R"("{00000000-0000-4000-8000-000000000000}")"}),
            R"({"variant":"RFC4122","version":4})");
  EXPECT_EQ(Eval("uuid.parse", {R"("6bea8ef2d3d33cd184e09bab06a52ece")"}),
            R"({"variant":"RFC4122","version":3})");
  EXPECT_EQ(Eval("uuid.parse", {R"("urn:uuid:000003e8-48b9-21ee-b200-325096b39f47")"}),
            R"({"clocksequence":12800,"domain":"Person","id":1000,"macvariables":"local:unicast",)"
            R"("nodeid":"32-50-96-b3-9f-47","time":1693566990121469600,"variant":"RFC4122",)"
            R"("version":2})");
  EXPECT_EQ(Eval("uuid.parse", {R"("not-a-uuid")"}), "undefined");
  EXPECT_EQ(Eval("uuid.parse", {"123"}), "error: uuid.parse: operand 1 must be string but got number");
}

TEST(UuidTest, Rfc4122IsStablePerKeyAndSeed) {
  BuiltinContext ctx;
  ctx.random_seed = 7;
  absl::StatusOr<Value> a = testing::Call("uuid.rfc4122", {Str("key")}, &ctx);
  absl::StatusOr<Value> b = testing::Call("uuid.rfc4122", {Str("key")}, &ctx);
  absl::StatusOr<Value> c = testing::Call("uuid.rfc4122", {Str("other")}, &ctx);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
  std::string_view s = a->as_string();
  ASSERT_EQ(s.size(), 36u);
  EXPECT_EQ(s[14], '4');  // version 4
  EXPECT_EQ(EvalV("uuid.parse", {*a}), R"({"variant":"RFC4122","version":4})");
}

TEST(GraphTest, Reachable) {
  std::string_view g = R"({"a":["b"],"b":["c"],"c":["a"],"d":["e"],"e":[]})";
  EXPECT_EQ(Eval("graph.reachable", {g, R"(["a"])"}), R"(["a","b","c"])");
  EXPECT_EQ(EvalV("graph.reachable", {J(g), Set({Str("d")})}), R"(["d","e"])");
  EXPECT_EQ(Eval("graph.reachable", {"{}", R"(["a"])"}), "[]");
  EXPECT_EQ(Eval("graph.reachable", {g, R"("a")"}),
            "error: graph.reachable: operand 2 must be {array, set} but got string");
}

TEST(GraphTest, ReachablePaths) {
  EXPECT_EQ(Eval("graph.reachable_paths", {R"({"a":["b"],"b":["c"],"c":[]})", R"(["a"])"}),
            R"([["a","b","c"]])");
  EXPECT_EQ(Eval("graph.reachable_paths", {R"({"a":["b","c"],"b":["c"],"c":[]})", R"(["a"])"}),
            R"([["a","b","c"],["a","c"]])");
  EXPECT_EQ(Eval("graph.reachable_paths", {R"({"a":["b"],"b":["a"]})", R"(["a","b"])"}),
            R"([["a","b"],["b","a"]])");
  EXPECT_EQ(Eval("graph.reachable_paths", {R"({"a":[]})", R"(["a"])"}), R"([["a"]])");
  EXPECT_EQ(Eval("graph.reachable_paths", {R"({"a":["x"]})", R"(["a"])"}), R"([["a"]])");
  EXPECT_EQ(Eval("graph.reachable_paths", {"{}", R"(["a"])"}), "[]");
}

}  // namespace
}  // namespace verdict::builtins

namespace verdict::builtins {
namespace {

// OPA shares the set of reached nodes across sibling branches, so a node
// first reached down one branch ends the path in a later one.
TEST(GraphTest, ReachablePathsShareReachedNodesAcrossBranches) {
  std::string_view g = R"({"one":["two","five"],"two":["four"],"three":[""],"four":["three"],
                           "five":["seven","six"],"six":["nine","seven"],"seven":["eight"],
                           "eight":["three"],"nine":[""]})";
  EXPECT_EQ(testing::Eval("graph.reachable_paths", {g, R"(["one"])"}),
            R"([["one","five","seven","eight","three"],["one","five","six"],)"
            R"(["one","five","six","nine"],["one","two","four","three"]])");
}

}  // namespace
}  // namespace verdict::builtins
