// Tests for the builtin table (lib/builtins/registry.cc, builtins.def).
#include "builtins/registry.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace verdict::builtins {
namespace {

TEST(RegistryTest, FindsEveryBuiltinByName) {
  for (const BuiltinInfo& info : AllBuiltins()) {
    const BuiltinInfo* found = FindBuiltin(info.name);
    ASSERT_NE(found, nullptr) << info.name;
    EXPECT_EQ(found->name, info.name);
  }
}

TEST(RegistryTest, UnknownNamesAreNull) {
  EXPECT_EQ(FindBuiltin(""), nullptr);
  EXPECT_EQ(FindBuiltin("no.such.builtin"), nullptr);
  EXPECT_EQ(FindBuiltin("coun"), nullptr);
  EXPECT_EQ(FindBuiltin("countt"), nullptr);
}

TEST(RegistryTest, NamesAreUnique) {
  std::set<std::string_view> names;
  for (const BuiltinInfo& info : AllBuiltins()) {
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
  }
}

TEST(RegistryTest, SignaturesMatchOpa) {
  const BuiltinInfo* count = FindBuiltin("count");
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->arity, 1);
  EXPECT_EQ(count->result, Type::kNumber);
  EXPECT_EQ(count->flags, kPure);

  const BuiltinInfo* replace_n = FindBuiltin("strings.replace_n");
  ASSERT_NE(replace_n, nullptr);
  EXPECT_EQ(replace_n->arity, 2);
  EXPECT_EQ(replace_n->args[0], Type::kObject);
  EXPECT_EQ(replace_n->args[1], Type::kString);
  EXPECT_EQ(replace_n->result, Type::kString);

  const BuiltinInfo* get = FindBuiltin("object.get");
  ASSERT_NE(get, nullptr);
  EXPECT_EQ(get->arity, 3);

  const BuiltinInfo* now = FindBuiltin("time.now_ns");
  ASSERT_NE(now, nullptr);
  EXPECT_EQ(now->arity, 0);
  EXPECT_TRUE(now->flags & kNondeterministic);
}

TEST(RegistryTest, ImplementedBuiltinsHaveFunctions) {
  for (const BuiltinInfo& info : AllBuiltins()) {
    if (info.flags & kUnsupported) {
      EXPECT_EQ(info.fn, nullptr) << info.name;
      EXPECT_FALSE(info.unsupported_reason.empty()) << info.name;
    } else {
      EXPECT_NE(info.fn, nullptr) << info.name;
      EXPECT_LE(info.arity, kMaxArity);
    }
  }
}

TEST(RegistryTest, NetworkBuiltinsAreUnsupportedWithAReason) {
  for (std::string_view name :
       {"http.send", "net.lookup_ip_addr", "opa.runtime", "providers.aws.sign_req"}) {
    const BuiltinInfo* info = FindBuiltin(name);
    ASSERT_NE(info, nullptr) << name;
    EXPECT_TRUE(info->flags & kUnsupported) << name;
    EXPECT_FALSE(info->unsupported_reason.empty()) << name;
  }
}

TEST(RegistryTest, DeprecatedAndRelationFlags) {
  EXPECT_TRUE(FindBuiltin("re_match")->flags & kDeprecated);
  EXPECT_TRUE(FindBuiltin("set_diff")->flags & kDeprecated);
  EXPECT_FALSE(FindBuiltin("regex.match")->flags & kDeprecated);
  EXPECT_TRUE(FindBuiltin("walk")->flags & kRelation);
}

}  // namespace
}  // namespace verdict::builtins
