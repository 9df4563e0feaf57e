// Tests for lib/builtins/objects.cc: object.*, json.filter, json.remove,
// walk.
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;
using testing::Str;

TEST(ObjectGetTest, SingleKey) {
  EXPECT_EQ(Eval("object.get", {R"({"a":"b"})", R"("a")", R"("c")"}), R"("b")");
  EXPECT_EQ(Eval("object.get", {R"({"a":"b"})", R"("c")", R"("c")"}), R"("c")");
  EXPECT_EQ(Eval("object.get", {R"({"a":{"b":"c"}})", R"("a")", "true"}), R"({"b":"c"})");
  EXPECT_EQ(Eval("object.get", {R"("x")", R"("a")", "1"}),
            "error: object.get: operand 1 must be object but got string");
}

TEST(ObjectGetTest, PathForm) {
  EXPECT_EQ(Eval("object.get", {R"({"a":1})", "[]", "2"}), R"({"a":1})");
  EXPECT_EQ(Eval("object.get", {R"({"a":{"b":{"c":1}}})", R"(["a","b","c"])", "2"}), "1");
  EXPECT_EQ(Eval("object.get", {R"({"a":{"b":1}})", R"(["b","a"])", "2"}), "2");
  EXPECT_EQ(Eval("object.get", {R"({"a":{"b":[1,2,3]}})", R"(["a","b","a"])", "2"}), "2");
  EXPECT_EQ(Eval("object.get", {R"({"a":{"b":[{"c":1}]}})", R"(["a","b",0,"c"])", "2"}), "1");
  EXPECT_EQ(Eval("object.get", {R"({"a":{"b":[1]}})", R"(["a","b",5])", "2"}), "2");
}

TEST(ObjectKeysTest, Keys) {
  EXPECT_EQ(Eval("object.keys", {R"({"b":1,"a":2})"}), R"(["a","b"])");
  EXPECT_EQ(Eval("object.keys", {R"("a")"}),
            "error: object.keys: operand 1 must be object but got string");
}

TEST(ObjectUnionTest, RecursiveMergeRightWins) {
  EXPECT_EQ(Eval("object.union", {R"({"a":1,"b":{"c":1}})", R"({"b":{"d":2},"e":3})"}),
            R"({"a":1,"b":{"c":1,"d":2},"e":3})");
  EXPECT_EQ(Eval("object.union", {R"({"a":{"b":1}})", R"({"a":2})"}), R"({"a":2})");
  EXPECT_EQ(Eval("object.union", {"[]", "{}"}),
            "error: object.union: operand 1 must be object but got array");
  EXPECT_EQ(Eval("object.union", {"{}", "[]"}),
            "error: object.union: operand 2 must be object but got array");
}

TEST(ObjectUnionTest, UnionN) {
  EXPECT_EQ(Eval("object.union_n", {R"([{"a":1},{"b":2},{"a":3}])"}), R"({"a":3,"b":2})");
  EXPECT_EQ(Eval("object.union_n", {R"([{"a":{"b":2}},{"a":4},{"a":{"c":3}}])"}),
            R"({"a":{"c":3}})");
  EXPECT_EQ(Eval("object.union_n", {R"([{"a":{"b":2}},{"a":{"c":3}}])"}),
            R"({"a":{"b":2,"c":3}})");
  EXPECT_EQ(Eval("object.union_n", {"[]"}), "{}");
  EXPECT_EQ(Eval("object.union_n", {"[1]"}),
            "error: object.union_n: operand 1 must be array of objects but got array "
            "containing number");
}

TEST(ObjectRemoveFilterTest, KeysFromArraySetOrObject) {
  EXPECT_EQ(Eval("object.remove", {R"({"a":1,"b":2,"c":3})", R"(["a","c"])"}), R"({"b":2})");
  EXPECT_EQ(EvalV("object.remove", {J(R"({"a":1,"b":2})"), Set({Str("b")})}), R"({"a":1})");
  EXPECT_EQ(Eval("object.remove", {R"({"a":1,"b":2})", R"({"a":0})"}), R"({"b":2})");
  EXPECT_EQ(Eval("object.filter", {R"({"a":1,"b":2,"c":3})", R"(["a","c","z"])"}),
            R"({"a":1,"c":3})");
  EXPECT_EQ(Eval("object.remove", {R"({"a":1})", R"("a")"}),
            "error: object.remove: operand 2 must be one of {object, set, array} but got "
            "string");
  EXPECT_EQ(Eval("object.filter", {"[]", R"(["a"])"}),
            "error: object.filter: operand 1 must be object but got array");
}

TEST(ObjectSubsetTest, OpaSemantics) {
  EXPECT_EQ(Eval("object.subset", {R"({"a":1,"b":{"c":2,"d":3}})", R"({"b":{"c":2}})"}),
            "true");
  EXPECT_EQ(Eval("object.subset", {R"({"a":1})", R"({"a":2})"}), "false");
  EXPECT_EQ(Eval("object.subset", {"[1,2,3,4]", "[2,3]"}), "true");
  EXPECT_EQ(Eval("object.subset", {"[1,2,3,4]", "[2,4]"}), "false");
  EXPECT_EQ(EvalV("object.subset", {J("[1,2,3]"), Set({J("3"), J("1")})}), "true");
  EXPECT_EQ(EvalV("object.subset", {Set({J("1"), J("2")}), Set({J("2")})}), "true");
  EXPECT_EQ(Eval("object.subset", {R"({"a":[1,2,3]})", R"({"a":[2,3]})"}), "true");
  EXPECT_EQ(CodeOf("object.subset", {"1", "{}"}), ErrorCode::kEvalTypeError);
}

TEST(JsonFilterTest, Paths) {
  std::string_view doc = R"({"a":{"b":{"c":7,"d":8}},"e":9})";
  EXPECT_EQ(EvalV("json.filter", {J(doc), Set({Str("a/b/c")})}), R"({"a":{"b":{"c":7}}})");
  EXPECT_EQ(Eval("json.filter", {doc, R"(["a/b/c","e"])"}), R"({"a":{"b":{"c":7}},"e":9})");
  EXPECT_EQ(Eval("json.filter", {doc, R"([["a","b","c"],["e"]])"}),
            R"({"a":{"b":{"c":7}},"e":9})");
  EXPECT_EQ(EvalV("json.filter", {J(R"({"a":{"b":7}})"), Set({Str("a"), Str("a/b")})}),
            R"({"a":{"b":7}})");
  EXPECT_EQ(Eval("json.filter", {R"({"a":[{"b":7,"c":8},{"d":9}]})", R"(["a/0/b","a/1"])"}),
            R"({"a":[{"b":7},{"d":9}]})");
  EXPECT_EQ(Eval("json.filter", {R"({"a":7})", "[]"}), "{}");
}

TEST(JsonRemoveTest, Paths) {
  std::string_view doc = R"({"a":{"b":{"c":7,"d":8}},"e":9})";
  EXPECT_EQ(Eval("json.remove", {doc, R"(["a/b/c","e"])"}), R"({"a":{"b":{"d":8}}})");
  EXPECT_EQ(Eval("json.remove", {R"({"a":[1,2,3]})", R"(["a/1"])"}), R"({"a":[1,3]})");
  EXPECT_EQ(Eval("json.remove", {R"({"a~b":1,"c/d":2})", R"(["a~0b","c~1d"])"}), "{}");
  EXPECT_EQ(Eval("json.remove", {doc, R"("e")"}),
            "error: json.remove: operand 2 must be one of {set, array} but got string");
  EXPECT_EQ(Eval("json.remove", {doc, "[{}]"}),
            "error: json.remove: operand 2 must be one of {set, array} containing string "
            "paths or array of path segments but got object");
  EXPECT_EQ(Eval("json.remove", {"[]", "[]"}),
            "error: json.remove: operand 1 must be object but got array");
}

TEST(WalkTest, PreOrderPairs) {
  EXPECT_EQ(Eval("walk", {R"({"a":[1]})"}), R"([[[],{"a":[1]}],[["a"],[1]],[["a",0],1]])");
  EXPECT_EQ(Eval("walk", {"1"}), "[[[],1]]");
}

}  // namespace
}  // namespace verdict::builtins

namespace verdict::builtins {
namespace {

using testing::Eval;

TEST(JsonPatchTest, Rfc6902Operations) {
  EXPECT_EQ(Eval("json.patch", {R"({"foo":"bar"})", R"([{"op":"add","path":"/baz","value":"qux"}])"}),
            R"({"baz":"qux","foo":"bar"})");
  EXPECT_EQ(Eval("json.patch", {R"({"foo":["bar","baz"]})",
                                R"([{"op":"add","path":"/foo/1","value":"qux"}])"}),
            R"({"foo":["bar","qux","baz"]})");
  EXPECT_EQ(Eval("json.patch", {R"({"foo":["bar"]})",
                                R"([{"op":"add","path":"/foo/-","value":["abc","def"]}])"}),
            R"({"foo":["bar",["abc","def"]]})");
  EXPECT_EQ(Eval("json.patch", {R"({"baz":"qux","foo":"bar"})", R"([{"op":"remove","path":"/baz"}])"}),
            R"({"foo":"bar"})");
  EXPECT_EQ(Eval("json.patch", {R"({"baz":"qux"})",
                                R"([{"op":"replace","path":"/baz","value":"boo"}])"}),
            R"({"baz":"boo"})");
  EXPECT_EQ(Eval("json.patch", {R"({"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}})",
                                R"([{"op":"move","from":"/foo/waldo","path":"/qux/thud"}])"}),
            R"({"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}})");
  EXPECT_EQ(Eval("json.patch", {R"({"foo":["all","grass","cows","eat"]})",
                                R"([{"op":"move","from":"/foo/1","path":"/foo/3"}])"}),
            R"({"foo":["all","cows","eat","grass"]})");
  EXPECT_EQ(Eval("json.patch", {R"({"a":1})", R"([{"op":"copy","from":"/a","path":"/b"}])"}),
            R"({"a":1,"b":1})");
  EXPECT_EQ(Eval("json.patch", {R"({"/":9,"~1":10})", R"([{"op":"test","path":"/~01","value":10}])"}),
            R"({"/":9,"~1":10})");
  EXPECT_EQ(Eval("json.patch", {"{}", R"([{"op":"add","path":"","value":[]}])"}), "[]");
  EXPECT_EQ(Eval("json.patch", {"{}", R"([{"op":"add","path":"/","value":1}])"}), R"({"":1})");
  EXPECT_EQ(Eval("json.patch", {"[]", R"([{"op":"add","path":"/-","value":"hi"}])"}), R"(["hi"])");
  EXPECT_EQ(Eval("json.patch", {R"({"a":[1]})", R"([{"op":"add","path":["a",0],"value":0}])"}),
            R"({"a":[0,1]})");
}

TEST(JsonPatchTest, FailuresAreUndefined) {
  EXPECT_EQ(Eval("json.patch", {R"({"q":{"bar":2}})", R"([{"op":"add","path":"/a/b","value":1}])"}),
            "undefined");
  EXPECT_EQ(Eval("json.patch", {R"({"baz":"qux"})", R"([{"op":"test","path":"/baz","value":"bar"}])"}),
            "undefined");
  EXPECT_EQ(Eval("json.patch", {R"({"bar":[1,2]})", R"([{"op":"add","path":"/bar/8","value":"5"}])"}),
            "undefined");
  EXPECT_EQ(Eval("json.patch", {R"({"bar":[1,2]})", R"([{"op":"add","path":"/bar/-1","value":"5"}])"}),
            "undefined");
  EXPECT_EQ(Eval("json.patch", {R"(["foo","bar"])", R"([{"op":"test","path":"/1e0","value":"bar"}])"}),
            "undefined");
  EXPECT_EQ(Eval("json.patch", {R"(["foo"])", R"([{"op":"add","path":"/bar","value":42}])"}),
            "undefined");
  EXPECT_EQ(Eval("json.patch", {"[1,2,3]", R"([{"op":"add","path":"1.2","value":"foo"}])"}),
            "undefined");
  EXPECT_EQ(Eval("json.patch", {"{}", R"([{"op":"frobnicate","path":"/a"}])"}), "undefined");
  EXPECT_EQ(Eval("json.patch", {"{}", "{}"}),
            "error: json.patch: operand 2 must be array but got object");
}

}  // namespace
}  // namespace verdict::builtins

namespace verdict::builtins {
namespace {

using testing::EvalV;
using testing::J;
using testing::Set;
using testing::Str;

Value Doc(std::string_view key, Value v) {
  ObjectBuilder b;
  b.Add(Str(key), std::move(v));
  return b.Build();
}

TEST(JsonPatchTest, SetsAreKeyedByTheirMembers) {
  Value doc = Doc("foo", Set({Str("a"), Str("b"), Str("c")}));
  EXPECT_EQ(EvalV("json.patch", {doc, J(R"([{"op":"remove","path":"foo/b"}])")}),
            R"({"foo":["a","c"]})");
  EXPECT_EQ(EvalV("json.patch", {doc, J(R"([{"op":"add","path":"foo/d","value":"d"}])")}),
            R"({"foo":["a","b","c","d"]})");
  EXPECT_EQ(EvalV("json.patch", {doc, J(R"([{"op":"add","path":"foo/d","value":"e"}])")}),
            "undefined");
  EXPECT_EQ(EvalV("json.patch", {Set({J("[1]")}),
                                 J(R"([{"op":"add","path":[[1],1],"value":2}])")}),
            "[[1,2]]");
}

}  // namespace
}  // namespace verdict::builtins
