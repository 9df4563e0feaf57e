// Tests of PreparedQuery::Evaluate with an input the caller parsed onto the
// heap: the VM reads its members into registers without reference counts
// (lib/vm/interp.cc, SetMember), so evaluations must leave every count as
// they found it, and a Decision must stay valid after the input is gone.
// Builtins may return counted members, and custom builtins counted heap
// values, whose members keep their counts.
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/engine.h"
#include "verdict/value.h"

namespace verdict {
namespace {

using ::verdict::testing::IsOk;

constexpr char kPolicy[] = R"(package t

names contains n if {
	some item in input.items
	n := item.name
}

by_name[item.name] := item.tags if {
	some item in input.items
}

long_tags := [t | some item in input.items; some t in item.tags; count(t) > 13]

first := input.items[0]

decision := {
	"names": names,
	"by_name": by_name,
	"long_tags": long_tags,
	"first": first,
	"nested": input.meta.owner.contact,
}
)";

// Names and tags longer than 13 bytes live in counted heap cells.
constexpr char kInput[] = R"({
  "items": [
    {"name": "a-rather-long-item-name", "tags": ["short", "a-tag-longer-than-13-bytes"]},
    {"name": "b", "tags": ["another-long-tag-value", "x"]}
  ],
  "meta": {"owner": {"contact": "owner-contact@example.com"}}
})";

constexpr char kExpected[] =
    R"({"by_name":{"a-rather-long-item-name":["short","a-tag-longer-than-13-bytes"],)"
    R"("b":["another-long-tag-value","x"]},)"
    R"("first":{"name":"a-rather-long-item-name","tags":["short","a-tag-longer-than-13-bytes"]},)"
    R"("long_tags":["a-tag-longer-than-13-bytes","another-long-tag-value"],)"
    R"("names":["a-rather-long-item-name","b"],"nested":"owner-contact@example.com"})";

uint32_t Refs(const Value& v) { return v.cell()->refs.load(); }

TEST(BorrowedInputTest, EvaluationsLeaveReferenceCountsAsTheyFoundThem) {
  Engine engine;
  ASSERT_THAT(engine.AddModule("t.rego", kPolicy), IsOk());
  ASSERT_THAT(engine.Compile(), IsOk());
  absl::StatusOr<PreparedQuery> query = engine.Prepare("data.t.decision");
  ASSERT_THAT(query.status(), IsOk());

  absl::StatusOr<Value> input = ParseJson(kInput);  // heap cells, counted
  ASSERT_THAT(input.status(), IsOk());
  const Value& items = *input->Get("items");
  const Value& first = items[0];
  const Value& long_name = *first.Get("name");
  const Value& contact = *input->Get("meta")->Get("owner")->Get("contact");
  ASSERT_TRUE(long_name.is_counted());
  const uint32_t items_refs = Refs(items), first_refs = Refs(first);
  const uint32_t name_refs = Refs(long_name), contact_refs = Refs(contact);

  std::vector<Decision> decisions;
  for (int i = 0; i < 50; ++i) {
    absl::StatusOr<Decision> d = query->Evaluate(*input);
    ASSERT_THAT(d.status(), IsOk());
    ASSERT_TRUE(d->defined);
    EXPECT_EQ(ToJson(d->result), kExpected);
    decisions.push_back(*std::move(d));
  }
  // Nothing the evaluations copied still holds a count of the input.
  EXPECT_EQ(Refs(items), items_refs);
  EXPECT_EQ(Refs(first), first_refs);
  EXPECT_EQ(Refs(long_name), name_refs);
  EXPECT_EQ(Refs(contact), contact_refs);

  // Decisions own their results: the input can go.
  *input = Value();
  for (const Decision& d : decisions) EXPECT_EQ(ToJson(d.result), kExpected);
}

// A builtin may return a counted member of its operand (object.get of a
// pre-parsed input). The dispatch loop dispatches by computed goto, which
// runs no destructors, so a result still alive at the jump kept its count
// forever: every such call leaked the member. The rule memo, which
// outlives evaluations, must not keep a count past one either.
TEST(BorrowedInputTest, BuiltinResultsGiveTheirCountsBack) {
  Engine engine;
  ASSERT_THAT(engine.AddModule("t.rego", R"(package t

profile := object.get(input, "profile", {})

names := [object.get(p, "name", "") | some p in input.people]

decision := {"profile": profile, "names": names}
)"),
              IsOk());
  ASSERT_THAT(engine.Compile(), IsOk());
  absl::StatusOr<PreparedQuery> query = engine.Prepare("data.t.decision");
  ASSERT_THAT(query.status(), IsOk());
  absl::StatusOr<Value> input = ParseJson(
      R"({"profile": {"team": "a-team-with-a-long-name"},
          "people": [{"name": "a-person-with-a-long-name"}, {"name": "bo"}]})");
  ASSERT_THAT(input.status(), IsOk());
  const Value& profile = *input->Get("profile");
  const Value& long_name = *(*input->Get("people"))[0].Get("name");
  ASSERT_TRUE(profile.is_counted());
  ASSERT_TRUE(long_name.is_counted());
  const uint32_t profile_refs = Refs(profile), name_refs = Refs(long_name);
  for (int i = 0; i < 30; ++i) {
    absl::StatusOr<Decision> d = query->Evaluate(*input);
    ASSERT_THAT(d.status(), IsOk());
    EXPECT_EQ(ToJson(d->result),
              R"({"names":["a-person-with-a-long-name","bo"],)"
              R"("profile":{"team":"a-team-with-a-long-name"}})");
  }
  EXPECT_EQ(Refs(profile), profile_refs);
  EXPECT_EQ(Refs(long_name), name_refs);
}

// A custom builtin's result is a counted heap value that only the register
// holding it owns; members read out of it must keep their own counts.
TEST(BorrowedInputTest, MembersOfCountedBuiltinResultsKeepTheirCounts) {
  CustomBuiltin doc;
  doc.name = "acme.doc";
  doc.args = {BuiltinType::kString};
  doc.result = BuiltinType::kAny;
  doc.fn = [](std::span<const Value> args) -> absl::StatusOr<Value> {
    return ParseJson(R"({"owner": {"name": "owner-of-)" + std::string(args[0].as_string()) +
                     R"("}, "list": ["first-long-element-here", "second-long-element"]})");
  };
  Engine engine;
  ASSERT_THAT(engine.RegisterBuiltin(std::move(doc)), IsOk());
  ASSERT_THAT(engine.AddModule("t.rego", R"(package t

owners := [acme.doc(k).owner.name | some k in input.keys]

elements contains e if {
	some k in input.keys
	some e in acme.doc(k).list
}
)"),
              IsOk());
  ASSERT_THAT(engine.Compile(), IsOk());
  absl::StatusOr<PreparedQuery> owners = engine.Prepare("data.t.owners");
  absl::StatusOr<PreparedQuery> elements = engine.Prepare("data.t.elements");
  ASSERT_THAT(owners.status(), IsOk());
  ASSERT_THAT(elements.status(), IsOk());
  absl::StatusOr<Value> input = ParseJson(R"({"keys": ["first-key-long-enough", "k2"]})");
  ASSERT_THAT(input.status(), IsOk());
  for (int i = 0; i < 20; ++i) {
    absl::StatusOr<Decision> d = owners->Evaluate(*input);
    ASSERT_THAT(d.status(), IsOk());
    EXPECT_EQ(ToJson(d->result), R"(["owner-of-first-key-long-enough","owner-of-k2"])");
    d = elements->Evaluate(*input);
    ASSERT_THAT(d.status(), IsOk());
    EXPECT_EQ(ToJson(d->result), R"(["first-long-element-here","second-long-element"])");
  }
}

// Every counted cell of [v] with its reference count, depth first.
void CollectCounts(const Value& v, std::vector<std::pair<const void*, uint32_t>>* out) {
  if (!v.is_counted()) return;
  out->emplace_back(v.cell(), Refs(v));
  if (v.is_array() || v.is_set()) {
    for (const Value& item : v.items()) CollectCounts(item, out);
  } else if (v.is_object()) {
    for (const ObjectEntry& e : v.entries()) {
      CollectCounts(e.key, out);
      CollectCounts(e.value, out);
    }
  }
}

// The invariant over whole policies: each shared workload's inputs, parsed
// onto the heap, have the same count in every cell after an evaluation as
// before (a leaked count grows one, a missing one shrinks it and later
// frees a live cell), and the decisions match EvaluateJson's.
class WorkloadCountsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(WorkloadCountsTest, EvaluationsLeaveInputCountsAsTheyFoundThem) {
  const std::string dir = std::string(VERDICT_SHARED_DIR) + "/workloads/" + GetParam();
  Engine engine;
  ASSERT_THAT(engine.LoadPath(dir), IsOk());
  ASSERT_THAT(engine.Compile(), IsOk());
  std::ifstream query_file(dir + "/query.txt");
  std::string query_text;
  std::getline(query_file, query_text);
  absl::StatusOr<PreparedQuery> query = engine.Prepare(query_text);
  ASSERT_THAT(query.status(), IsOk());
  std::ifstream inputs(dir + "/inputs.jsonl");
  int checked = 0;
  for (std::string line; checked < 300 && std::getline(inputs, line); ++checked) {
    absl::StatusOr<Value> input = ParseJson(line);
    ASSERT_THAT(input.status(), IsOk());
    std::vector<std::pair<const void*, uint32_t>> before, after;
    CollectCounts(*input, &before);
    absl::StatusOr<Decision> d = query->Evaluate(*input);
    ASSERT_THAT(d.status(), IsOk());
    CollectCounts(*input, &after);
    ASSERT_EQ(before, after) << "input " << checked;
    std::string json;
    bool defined = false;
    ASSERT_THAT(query->EvaluateJson(line, &json, &defined), IsOk());
    EXPECT_EQ(d->defined ? ToJson(d->result) : "", json) << "input " << checked;
  }
  EXPECT_EQ(checked, 300);
}

INSTANTIATE_TEST_SUITE_P(Workloads, WorkloadCountsTest,
                         ::testing::Values("abac", "deploy", "budget"));

}  // namespace
}  // namespace verdict
