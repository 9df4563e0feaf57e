// File: lib/compile/rule_index.h
//
// Rule indexing: which definitions of a document can succeed, decided by
// one table lookup instead of trying each. A definition whose body requires
// a key to equal a constant (`input.path == "/a"`, `input.role in {"x",
// "y"}`, a function argument written as a constant, `f("a") := 1`) cannot
// succeed when the key has another value. ChooseIndexSplit() picks the key
// that best splits a set of definitions by those constants; lower.cc emits a
// Switch on it (opcodes.def *12) and recurses into each group, so several
// keys form a trie, as in OPA's rule index. The bodies keep their other
// tests (only a test of the key a case decided is left out): the index
// only skips definitions that would fail.
//
//   std::vector<DefinitionKeys> keys = ...;  // one per definition
//   std::optional<IndexSplit> split = ChooseIndexSplit(defs, keys, {});
//   // split->groups: {"/a": [0, 3], "/b": [1]}, split->rest: [2]
//
// Tested by tests/compile/rule_index_test.cc.
#ifndef VERDICT_COMPILE_RULE_INDEX_H_
#define VERDICT_COMPILE_RULE_INDEX_H_

#include <cstddef>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "verdict/value.h"

namespace verdict::syntax {
struct Expr;
}  // namespace verdict::syntax

namespace verdict::compile {

// Fewer definitions than this are tried one after another: a Switch and
// its cases cost more than the bodies' own first tests.
inline constexpr size_t kMinIndexedDefinitions = 4;

// What a definition's constants are compared with: the input at a path of
// constant keys, or one of a function's arguments.
struct IndexKey {
  int arg = -1;      // >= 0: the function's argument (its register)
  Value input_path;  // arg < 0: an array of keys from the input's root

  bool operator==(const IndexKey& other) const {
    return arg == other.arg && (arg >= 0 || input_path == other.input_path);
  }
};

struct IndexKeyHash {
  size_t operator()(const IndexKey& key) const {
    return key.arg >= 0 ? static_cast<size_t>(key.arg) : Hash(key.input_path);
  }
};

// One key a definition constrains and the values it admits: one for `==`
// and constant arguments, the elements of the collection for `in`.
struct KeyConstraint {
  IndexKey key;
  std::vector<Value> values;
  // The body's expression that tests it; nullptr for an argument. Where
  // a Switch already decided the key's value, the test is implied.
  const syntax::Expr* test = nullptr;
};
using DefinitionKeys = std::vector<KeyConstraint>;

// Definitions that run when the key has one of [values].
struct IndexCase {
  std::vector<Value> values;
  std::vector<size_t> defs;
};

// A split of definitions by one key. Numbers name definitions (indices
// into the DefinitionKeys given to ChooseIndexSplit), ascending in each
// list, so a case runs its definitions in source order.
struct IndexSplit {
  IndexKey key;
  // Distinct values (Rego equality: 1 and 1.0 are one) in order of first
  // appearance; values that admit the same definitions share a case. A
  // definition admitting several values (`in`) can be in several cases,
  // and is compiled once for each.
  std::vector<IndexCase> cases;
  // Definitions that do not constrain the key: they run for every value.
  std::vector<size_t> rest;
};

// How deep splits nest (keys decided by enclosing Switches), and how many
// times the definitions of one split may be compiled in all: bounds the
// code that definitions in several cases duplicate.
inline constexpr size_t kMaxIndexDepth = 4;
inline constexpr size_t kMaxCopiesPerDefinition = 2;

// The key that best splits [defs] (indices into [keys]), ignoring keys in
// [excluded] (those an enclosing split already decided). The cost of a
// split is the definitions left to try once the key's value is known:
// those without the key plus the average over values of the definitions
// each admits. Returns nullopt when [defs] is smaller than
// kMinIndexedDefinitions, [excluded] holds kMaxIndexDepth keys, or no
// split at least halves the definitions to try within the copy bound.
std::optional<IndexSplit> ChooseIndexSplit(std::span<const size_t> defs,
                                           std::span<const DefinitionKeys> keys,
                                           std::span<const IndexKey> excluded);

}  // namespace verdict::compile

#endif  // VERDICT_COMPILE_RULE_INDEX_H_
