// File: tests/fuzz/policy_input.h
//
// The input format shared by rego_fuzzer and compile_fuzzer: one or more
// Rego modules separated by lines "#==", optionally followed by a line
// "#--" and a JSON data document. Both separators are Rego comments, so a
// seed stays a valid policy file. Also the input document both evaluate
// with.
#ifndef VERDICT_TESTS_FUZZ_POLICY_INPUT_H_
#define VERDICT_TESTS_FUZZ_POLICY_INPUT_H_

#include <string_view>
#include <vector>

namespace verdict::fuzz {

inline constexpr std::string_view kFixedInput =
    R"({"user":"alice","roles":["admin","dev"],"n":3,"x":{"a":[1,2.5,"s"],"b":null},)"
    R"("t":"2025-03-10T03:49:00Z","ok":true,"method":"GET","path":["api","v1"]})";

struct PolicyInput {
  std::vector<std::string_view> modules;
  std::string_view data;  // empty: none
};

inline PolicyInput SplitPolicyInput(std::string_view text) {
  constexpr std::string_view kModuleSeparator = "\n#==\n";
  constexpr std::string_view kDataSeparator = "\n#--\n";
  PolicyInput in;
  if (const size_t at = text.find(kDataSeparator); at != std::string_view::npos) {
    in.data = text.substr(at + kDataSeparator.size());
    text = text.substr(0, at);
  }
  for (;;) {
    const size_t at = text.find(kModuleSeparator);
    in.modules.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + kModuleSeparator.size());
  }
  return in;
}

}  // namespace verdict::fuzz

#endif  // VERDICT_TESTS_FUZZ_POLICY_INPUT_H_
