// Tests for YAML -> Value (lib/value/yaml.cc, ParseYaml in value.h).
#include "value/yaml.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "base/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/value.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::StatusIs;

TEST(YamlTest, CoreSchemaScalars) {
  ASSERT_OK_AND_ASSIGN(Value v, ParseYaml(R"(
int: 12
neg: -3
plus: +7
hex: 0x1F
oct: 0o17
float: 1.5
exp: 1e3
dot: .5
big: 12345678901234567890123
t: true
f: False
n: null
tilde: ~
empty:
quoted_int: "12"
single_float: '1.5'
quoted_null: "null"
tagged: !!str 12
plain: hello world
yes_is_a_string: yes
)"));
  EXPECT_EQ(ToJson(v),
            R"({"big":12345678901234567890123,"dot":0.5,"empty":null,"exp":1000,"f":false,)"
            R"("float":1.5,"hex":31,"int":12,"n":null,"neg":-3,"oct":15,"plain":"hello world",)"
            R"("plus":7,"quoted_int":"12","quoted_null":"null","single_float":"1.5","t":true,)"
            R"("tagged":"12","tilde":null,"yes_is_a_string":"yes"})");
}

TEST(YamlTest, NestingAndKeys) {
  ASSERT_OK_AND_ASSIGN(Value v, ParseYaml(R"(
list:
  - a
  - {b: [1, 2]}
1: numeric key
true: bool key
)"));
  EXPECT_EQ(ToJson(v), R"({"1":"numeric key","list":["a",{"b":[1,2]}],"true":"bool key"})");
  // Keys are strings, as in OPA (YAML goes through JSON there).
  EXPECT_NE(v.Get("1"), nullptr);
}

TEST(YamlTest, EmptyDocumentIsNull) {
  ASSERT_OK_AND_ASSIGN(Value v, ParseYaml(""));
  EXPECT_TRUE(v.is_null());
}

TEST(YamlTest, ErrorsHaveLineAndColumn) {
  EXPECT_THAT(ParseYaml("a: 1\nb: [1, 2\n"),
              StatusIs(ErrorCode::kJsonError, HasSubstr("yaml: line ")));
  EXPECT_THAT(ParseYaml("a: .inf\n"),
              StatusIs(ErrorCode::kJsonError, HasSubstr("line 1:4")));
}

TEST(YamlTest, DeepNestingIsAnError) {
  int depth = limits::kMaxJsonDepth + 1;
  std::string deep = std::string(static_cast<size_t>(depth), '[') +
                     std::string(static_cast<size_t>(depth), ']');
  EXPECT_THAT(ParseYaml(deep), StatusIs(ErrorCode::kJsonError));
  std::string very_deep(100000, '[');
  EXPECT_THAT(ParseYaml(very_deep), StatusIs(ErrorCode::kJsonError));
}

TEST(YamlTest, FromYamlNode) {
  YAML::Node node = YAML::Load("{a: [1, 2.5, x]}");
  Arena arena;
  ASSERT_OK_AND_ASSIGN(Value v, value::FromYamlNode(node["a"], &arena));
  EXPECT_EQ(ToJson(v), R"([1,2.5,"x"])");
}

TEST(YamlTest, ParsesEveryConformanceFile) {
  // OPA's case files: every one is valid YAML with exact numbers.
  std::filesystem::path root = std::filesystem::path(VERDICT_SHARED_DIR) / "conformance/opa/v1";
  if (!std::filesystem::exists(root)) GTEST_SKIP() << "no conformance cases at " << root;
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".yaml") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<Value> v = ParseYaml(text.str());
    ASSERT_OK(v) << entry.path();
    ASSERT_TRUE(v->Get("cases") != nullptr && v->Get("cases")->is_array()) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 1000);

  std::ifstream in(root / "arithmetic/test-big-int-0001.yaml");
  std::stringstream text;
  text << in.rdbuf();
  ASSERT_OK_AND_ASSIGN(Value v, ParseYaml(text.str()));
  const Value& c = (*v.Get("cases"))[0];
  EXPECT_EQ(c.Get("note")->as_string(), "arithmetic/big_int");
  EXPECT_TRUE((*c.Get("want_result"))[0].Get("x")->is_true());
}

}  // namespace
}  // namespace verdict
