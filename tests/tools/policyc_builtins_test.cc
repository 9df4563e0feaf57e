// Runs `policyc builtins` (<build>/bin/policyc) as a user would: the
// signature lines, flags, name filters, --json, --help and usage errors.
// The expectations come from the builtin table itself, so they follow it.
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "builtins/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "verdict/value.h"
#include "testing/policyc_testing.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

using Outcome = ::verdict::testing::PolicycOutcome;

Outcome Policyc(const std::string& args) {
  return ::verdict::testing::RunPolicyc(args, /*with_stderr=*/true);
}

TEST(PolicycBuiltinsTest, OneSortedLinePerBuiltin) {
  Outcome r = Policyc("builtins");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  size_t lines = 0;
  std::string previous;
  size_t pos = 0;
  while (pos < r.out.size()) {
    size_t end = r.out.find('\n', pos);
    std::string line = r.out.substr(pos, end - pos);
    std::string name = line.substr(0, line.find('('));
    EXPECT_LT(previous, name) << "not sorted at " << line;
    EXPECT_NE(builtins::FindBuiltin(name), nullptr) << line;
    previous = name;
    ++lines;
    pos = end + 1;
  }
  EXPECT_EQ(lines, builtins::AllBuiltins().size());
  EXPECT_THAT(r.out, HasSubstr("\ncount(any) -> number\n"));
  EXPECT_THAT(r.out, HasSubstr("\ntime.now_ns() -> number  [nondeterministic]\n"));
  EXPECT_THAT(r.out, HasSubstr("\nre_match(string, string) -> boolean  [deprecated]\n"));
  EXPECT_THAT(r.out, HasSubstr("\nwalk(any) -> array  [relation]\n"));
  EXPECT_THAT(r.out, HasSubstr("\nhttp.send(object) -> object  [unsupported: network calls"));
  EXPECT_THAT(r.out, HasSubstr("\nstrings.render_template(string, object) -> string\n"));
}

TEST(PolicycBuiltinsTest, NamePrefixesFilter) {
  Outcome r = Policyc("builtins json.match trim_");
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "json.match_schema(any, any) -> array\n"
            "trim_left(string, string) -> string\n"
            "trim_prefix(string, string) -> string\n"
            "trim_right(string, string) -> string\n"
            "trim_space(string) -> string\n"
            "trim_suffix(string, string) -> string\n");
  EXPECT_EQ(Policyc("builtins no.such.family").out, "");
}

TEST(PolicycBuiltinsTest, Json) {
  Outcome r = Policyc("builtins --json");
  ASSERT_EQ(r.exit_code, 0);
  absl::StatusOr<Value> list = ParseJson(r.out);
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_TRUE(list->is_array());
  EXPECT_EQ(list->size(), builtins::AllBuiltins().size());
  for (const Value& b : list->items()) {
    const builtins::BuiltinInfo* info = builtins::FindBuiltin(b.Get("name")->as_string());
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(static_cast<int>(b.Get("args")->size()), info->arity);
    bool unsupported = (info->flags & builtins::kUnsupported) != 0;
    EXPECT_EQ(b.Get("unsupported")->as_bool(), unsupported);
    EXPECT_EQ(b.Get("reason") != nullptr, unsupported);
    EXPECT_EQ(b.Get("nondeterministic")->as_bool(),
              (info->flags & builtins::kNondeterministic) != 0);
  }
  r = Policyc("builtins --json abs");
  EXPECT_EQ(ToJson(*ParseJson(r.out)),
            R"([{"args":["number"],"deprecated":false,"name":"abs",)"
            R"("nondeterministic":false,"relation":false,"result":"number",)"
            R"("unsupported":false}])");
}

TEST(PolicycBuiltinsTest, HelpAndUsage) {
  Outcome r = Policyc("builtins --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, StartsWith("usage: policyc builtins"));
  r = Policyc("builtins --bogus");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.out, HasSubstr("unknown option '--bogus'"));
  EXPECT_THAT(Policyc("--help").out, HasSubstr("builtins"));
}

}  // namespace
}  // namespace verdict
