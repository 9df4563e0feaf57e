// File: lib/compile/rule_tree.h
//
// The rule tree: every rule of every module placed at its path under
// `data`, grouped into documents. A node is one key of the data tree:
//
//   package a            data
//   p := 1                └─ a            (namespace)
//   q contains x if ...      ├─ p         complete document
//   r[k] := v if ...         ├─ q         partial set
//   b.c := 2                 ├─ r         partial object (dynamic keys)
//   f(x) := y if ...         ├─ b ─ c     complete document
//                            └─ f         function
//
// A rule's head ref splits into a constant prefix (the node) and a dynamic
// suffix (the keys a partial object rule adds). Built by BuildRuleTree();
// the lowering turns each node into one VM function.
//
// Tested through lowering by tests/compile/lower_test.cc and errors_test.cc.
#ifndef VERDICT_COMPILE_RULE_TREE_H_
#define VERDICT_COMPILE_RULE_TREE_H_

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "syntax/ast.h"

namespace verdict::compile {

enum class DocKind : uint8_t {
  kNamespace,      // no rule here: an object of its children (and base data)
  kComplete,       // p := v, p = v, p if ...
  kPartialSet,     // p contains x
  kPartialObject,  // p[k] := v, p[k].c := v, p[k] contains v (keys computed by the body)
  kFunction,       // f(x) := y
};

// One rule definition and the module it belongs to (for name resolution).
struct RuleDef {
  const syntax::Module* module = nullptr;
  const syntax::Rule* rule = nullptr;
  // Head ref elements after the constant prefix; non-empty only for
  // kPartialObject definitions (whose leaf is a set for `contains` rules).
  std::vector<const syntax::Term*> dynamic;
};

struct DocNode {
  std::string name;               // key under the parent ("" for the root)
  std::vector<std::string> path;  // keys from the data root
  DocNode* parent = nullptr;
  std::map<std::string, std::unique_ptr<DocNode>> children;
  DocKind kind = DocKind::kNamespace;
  std::vector<RuleDef> rules;          // definitions (not defaults)
  std::optional<RuleDef> default_rule;
  int arity = 0;                       // kFunction
  int function = -1;                   // VM function, assigned by lowering
  // A module's package is here: the document is defined (at least {})
  // even when the package holds no rules (OPA issue 1863).
  bool is_package = false;

  bool has_rules() const { return kind != DocKind::kNamespace; }
  // Whether this node or any node below it holds rules or a package: the
  // document is virtual (computed), not only base data.
  bool HasRulesBelow() const;
  // "data.a.b" (keys that are not identifiers are written ["k"]).
  std::string PathString() const;
  DocNode* Child(const std::string& key) const;
};

struct RuleTree {
  std::unique_ptr<DocNode> root;
  // The node at [path], or nullptr.
  DocNode* Find(std::span<const std::string> path) const;
};

// BuildRuleTree()
//
// Places every rule of [modules]; conflicting definitions (a function and a
// value rule at one path, two default rules, a value rule above other
// rules) are rego_type_error / rego_compile_error with their location.
absl::StatusOr<RuleTree> BuildRuleTree(std::span<const syntax::Module> modules);

// PackagePath()
//
// The keys of a module's package: `package a.b` -> {"a", "b"}.
std::vector<std::string> PackagePath(const syntax::Module& module);

}  // namespace verdict::compile

#endif  // VERDICT_COMPILE_RULE_TREE_H_
