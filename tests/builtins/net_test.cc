// Tests for lib/builtins/net.cc: CIDR arithmetic with Go's net semantics.
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::CodeOf;
using testing::Eval;
using testing::EvalV;
using testing::J;
using testing::Set;
using testing::Str;

std::string Q(std::string_view s) { return "\"" + std::string(s) + "\""; }

TEST(CidrContainsTest, NetworksAndAddresses) {
  EXPECT_EQ(Eval("net.cidr_contains", {Q("10.0.0.0/8"), Q("10.1.0.0/24")}), "true");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("172.17.0.0/24"), Q("172.17.0.0/16")}), "false");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("10.0.0.0/8"), Q("192.168.1.0/24")}), "false");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("10.0.0.0/8"), Q("10.1.1.1/32")}), "true");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("2001:4860:4860::8888/32"),
                                       Q("2001:4860:4860:1234::8888/40")}),
            "true");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("2001:4860::/96"), Q("2001:4860::/32")}), "false");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("2001:4860::/32"), Q("fd1e:5bfe:8af3:9ddc::/64")}),
            "false");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("10.0.0.0/8"), Q("10.1.2.3")}), "true");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("10.0.0.0/8"), Q("192.168.1.1")}), "false");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("::/0"), Q("10.1.2.3")}), "false");  // families differ
  EXPECT_EQ(Eval("net.cidr_contains", {Q("::ffff:10.0.0.0/104"), Q("10.1.2.3")}), "true");
  EXPECT_EQ(Eval("net.cidr_overlap", {Q("10.0.0.0/8"), Q("10.1.2.3")}), "true");
}

TEST(CidrContainsTest, Errors) {
  EXPECT_EQ(Eval("net.cidr_contains", {Q("not-a-cidr"), Q("192.168.1.67")}),
            "error: net.cidr_contains: invalid CIDR address: not-a-cidr");
  EXPECT_EQ(Eval("net.cidr_contains", {Q("192.168.1.0/28"), Q("not-a-cidr")}),
            "error: net.cidr_contains: not a valid textual representation of an IP address or "
            "CIDR: not-a-cidr");
  EXPECT_EQ(CodeOf("net.cidr_contains", {Q("10.0.0.0/8"), Q("10.01.2.3")}),
            ErrorCode::kEvalBuiltinError);  // leading zeros are not IPv4
}

TEST(CidrTest, IntersectsAndIsValid) {
  EXPECT_EQ(Eval("net.cidr_intersects", {Q("192.168.1.0/25"), Q("192.168.1.64/25")}), "true");
  EXPECT_EQ(Eval("net.cidr_intersects", {Q("192.168.1.0/24"), Q("192.168.2.0/24")}), "false");
  EXPECT_EQ(Eval("net.cidr_intersects",
                 {Q("fd1e:5bfe:8af3:9ddc::/64"), Q("fd1e:5bfe:8af3:9ddc:1111::/72")}),
            "true");
  EXPECT_EQ(Eval("net.cidr_is_valid", {Q("192.168.1.0/24")}), "true");
  EXPECT_EQ(Eval("net.cidr_is_valid", {Q("2002::1234:abcd:ffff:c0a8:101/64")}), "true");
  EXPECT_EQ(Eval("net.cidr_is_valid", {Q("192.168.1.2")}), "false");
  EXPECT_EQ(Eval("net.cidr_is_valid", {Q("")}), "false");
  EXPECT_EQ(Eval("net.cidr_is_valid", {Q("10.0.0.0/33")}), "false");
  EXPECT_EQ(Eval("net.cidr_is_valid", {Q("1:2:3:4:5:6:7:8:9/64")}), "false");
  EXPECT_EQ(Eval("net.cidr_is_valid", {"1"}), "false");
}

TEST(CidrExpandTest, Expands) {
  EXPECT_EQ(Eval("net.cidr_expand", {Q("192.168.1.1/30")}),
            R"(["192.168.1.0","192.168.1.1","192.168.1.2","192.168.1.3"])");
  EXPECT_EQ(Eval("net.cidr_expand", {Q("172.16.100.255/30")}),
            R"(["172.16.100.252","172.16.100.253","172.16.100.254","172.16.100.255"])");
  EXPECT_EQ(Eval("net.cidr_expand", {Q("192.168.1.1/32")}), R"(["192.168.1.1"])");
  EXPECT_EQ(Eval("net.cidr_expand", {Q("fe80::/127")}), R"(["fe80::","fe80::1"])");
  EXPECT_EQ(Eval("net.cidr_expand", {Q("192.168.1.1/33")}),
            "error: net.cidr_expand: invalid CIDR address: 192.168.1.1/33");
  EXPECT_EQ(CodeOf("net.cidr_expand", {Q("::/0")}), ErrorCode::kEvalBuiltinError);
}

TEST(CidrContainsMatchesTest, Indexes) {
  EXPECT_EQ(Eval("net.cidr_contains_matches", {Q("1.1.1.0/24"), Q("1.1.1.1")}),
            R"([["1.1.1.0/24","1.1.1.1"]])");
  EXPECT_EQ(Eval("net.cidr_contains_matches",
                 {R"(["1.1.2.0/24","1.1.1.0/24"])", R"(["1.1.1.1","1.1.2.1"])"}),
            "[[0,1],[1,0]]");
  EXPECT_EQ(Eval("net.cidr_contains_matches",
                 {R"([["1.1.2.0/24",1],"1.1.1.0/24"])", R"(["1.1.1.1","1.1.2.1"])"}),
            "[[0,1],[1,0]]");
  EXPECT_EQ(Eval("net.cidr_contains_matches",
                 {R"({"k1":"1.1.1.1/24","k2":["1.1.1.2/24",1]})", Q("1.1.1.128")}),
            R"([["k1","1.1.1.128"],["k2","1.1.1.128"]])");
  EXPECT_EQ(Eval("net.cidr_contains_matches", {R"(["1.1.2.0/24"])", R"(["1.1.1.1", 1])"}),
            "error: net.cidr_contains_matches: operand 2: element must be string or non-empty "
            "array");
}

TEST(CidrMergeTest, OpaCases) {
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["192.0.128.0/24","192.0.129.0/24"])"}),
            R"(["192.0.128.0/23"])");
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["192.0.128.0/24","0.0.0.0/0"])"}), R"(["0.0.0.0/0"])");
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["192.0.2.112/30","192.0.2.116/31","192.0.2.118/31"])"}),
            R"(["192.0.2.112/29"])");
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["192.0.129.0/24","192.0.130.0/24"])"}),
            R"(["192.0.129.0/24","192.0.130.0/24"])");
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["192.0.2.112/31","192.0.2.116/31","192.0.2.118/31"])"}),
            R"(["192.0.2.112/31","192.0.2.116/30"])");
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["::/0","::192.0.2.0/124","ff00::101/128"])"}),
            R"(["::/0"])");
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["fe80::/120","192.0.2.0/24","192.0.3.0/24",
                                       "192.0.4.0/25","192.0.4.128/25"])"}),
            R"(["192.0.2.0/23","192.0.4.0/24","fe80::/120"])");
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3/64",
                                       "2601:600:8a80:207e:a57d:7567:e2c9:e7b3/128"])"}),
            R"(["2601:600:8a80:207e::/64"])");
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["192.0.2.112","192.0.2.116/31","192.0.2.118/31"])"}),
            R"(["192.0.2.0/24"])");  // a bare IPv4 address takes its classful mask
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["192.0.128.0","192.0.129.0"])"}),
            R"(["192.0.128.0/23"])");
  EXPECT_EQ(Eval("net.cidr_merge", {"[]"}), "[]");
  EXPECT_EQ(EvalV("net.cidr_merge", {Set({Str("192.0.2.112/30"), Str("192.0.2.116/30")})}),
            R"(["192.0.2.112/29"])");
}

TEST(CidrMergeTest, Errors) {
  EXPECT_EQ(Eval("net.cidr_merge", {R"(["2601:600:8a80:207e:a57d:7567:e2c9:e7b3"])"}),
            "error: net.cidr_merge: IPv6 invalid: needs prefix length");
  EXPECT_EQ(CodeOf("net.cidr_merge", {R"(["foo"])"}), ErrorCode::kEvalBuiltinError);
  EXPECT_EQ(Eval("net.cidr_merge", {"[1]"}), "error: net.cidr_merge: element must be string");
}

}  // namespace
}  // namespace verdict::builtins
