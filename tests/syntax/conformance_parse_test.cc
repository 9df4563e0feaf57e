// Parses every module, query and input_term of OPA's conformance suite
// (../shared/conformance/opa/v1) and every policy under ../shared/workloads.
// Cases that expect rego_parse_error must fail to parse; all others
// (including cases expecting other compile or eval errors) must parse.
// Failures are listed by case note. Also checks that printing each module
// and parsing the text again gives the same tree.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "opa_cases.h"
#include "syntax/parse.h"

namespace verdict::syntax {
namespace {

using ::verdict::testing::LoadOpaCases;
using ::verdict::testing::OpaCase;
using ::verdict::testing::OpaCasesDir;

const std::vector<OpaCase>& Cases() {
  static const std::vector<OpaCase>* cases = [] {
    auto* out = new std::vector<OpaCase>();
    std::string error;
    EXPECT_TRUE(LoadOpaCases(OpaCasesDir(), *out, error)) << error;
    return out;
  }();
  return *cases;
}

std::string FirstLine(const absl::Status& status) {
  std::string m(status.message());
  return m.substr(0, m.find('\n'));
}

TEST(ConformanceParseTest, LoadsTheWholeSuite) {
  // README: 1135 files, 2067 cases; one case has no modules.
  EXPECT_EQ(Cases().size(), 2067u);
}

TEST(ConformanceParseTest, EveryModuleParsesUnlessAParseErrorIsExpected) {
  int modules = 0, parsed = 0, expected_failures = 0;
  std::vector<std::string> failures;
  for (const OpaCase& c : Cases()) {
    bool want_parse_error = c.want_error_code.value_or("") == "rego_parse_error";
    bool any_failed = false;
    for (size_t i = 0; i < c.modules.size(); ++i) {
      ++modules;
      absl::StatusOr<Module> m = ParseModule(c.modules[i], absl::StrCat("test-", i, ".rego"));
      if (m.ok()) {
        ++parsed;
      } else {
        any_failed = true;
        if (!want_parse_error) {
          failures.push_back(absl::StrCat(c.note, " (", c.file, "): ", FirstLine(m.status())));
        }
      }
    }
    if (want_parse_error) {
      ++expected_failures;
      if (!any_failed) failures.push_back(absl::StrCat(c.note, ": expected rego_parse_error"));
    }
  }
  std::string list;
  for (const std::string& f : failures) absl::StrAppend(&list, "\n  ", f);
  EXPECT_TRUE(failures.empty()) << failures.size() << " cases:" << list;
  EXPECT_GT(modules, 2400);
  std::printf("[ conformance ] %d of %d modules parsed; %d cases expect rego_parse_error\n",
              parsed, modules, expected_failures);
  RecordProperty("modules", modules);
  RecordProperty("parsed", parsed);
}

TEST(ConformanceParseTest, EveryQueryAndInputTermParses) {
  std::vector<std::string> failures;
  int input_terms = 0;
  for (const OpaCase& c : Cases()) {
    absl::StatusOr<Body> q = ParseQuery(c.query);
    if (!q.ok()) failures.push_back(absl::StrCat(c.note, ": query: ", FirstLine(q.status())));
    if (c.input_term.has_value()) {
      ++input_terms;
      absl::StatusOr<Term> t = ParseTerm(*c.input_term);
      if (!t.ok()) {
        failures.push_back(absl::StrCat(c.note, ": input_term: ", FirstLine(t.status())));
      }
    }
  }
  std::string list;
  for (const std::string& f : failures) absl::StrAppend(&list, "\n  ", f);
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures:" << list;
  EXPECT_EQ(input_terms, 86);  // README: input_term 86
}

TEST(ConformanceParseTest, PrintedModulesParseBackToTheSameText) {
  std::vector<std::string> failures;
  for (const OpaCase& c : Cases()) {
    for (const std::string& source : c.modules) {
      absl::StatusOr<Module> m1 = ParseModule(source, "a.rego");
      if (!m1.ok()) continue;  // reported by the test above
      std::string printed = ToString(*m1);
      absl::StatusOr<Module> m2 = ParseModule(printed, "b.rego");
      if (!m2.ok()) {
        failures.push_back(absl::StrCat(c.note, ": reparse: ", FirstLine(m2.status())));
      } else if (ToString(*m2) != printed) {
        failures.push_back(absl::StrCat(c.note, ": printed forms differ"));
      }
    }
  }
  std::string list;
  for (const std::string& f : failures) absl::StrAppend(&list, "\n  ", f);
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures:" << list;
}

// The generated parser shares its prediction cache between threads; many
// threads parsing at once must still produce the same trees.
TEST(ConformanceParseTest, ParsingFromManyThreadsGivesTheSameTrees) {
  std::vector<std::string> sources;
  for (const OpaCase& c : Cases()) {
    for (const std::string& m : c.modules) sources.push_back(m);
  }
  std::vector<std::string> expected;
  for (const std::string& s : sources) {
    absl::StatusOr<Module> m = ParseModule(s, "t.rego");
    expected.push_back(m.ok() ? ToString(*m) : std::string(m.status().message()));
  }
  constexpr int kThreads = 4;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread walks the list from a different starting point.
      for (size_t k = 0; k < sources.size(); ++k) {
        size_t i = (k + t * sources.size() / kThreads) % sources.size();
        absl::StatusOr<Module> m = ParseModule(sources[i], "t.rego");
        std::string got = m.ok() ? ToString(*m) : std::string(m.status().message());
        if (got != expected[i]) ++mismatches[t];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

TEST(WorkloadsParseTest, EveryPolicyParses) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const auto& entry :
       fs::recursive_directory_iterator(std::string(VERDICT_SHARED_DIR) + "/workloads")) {
    if (entry.is_regular_file() && entry.path().extension() == ".rego") {
      files.push_back(entry.path().string());
    }
  }
  ASSERT_FALSE(files.empty());
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<Module> m = ParseModule(text.str(), f);
    EXPECT_TRUE(m.ok()) << m.status().message();
    if (m.ok()) {
      EXPECT_FALSE(m->rules.empty()) << f;
    }
  }
}

}  // namespace
}  // namespace verdict::syntax
