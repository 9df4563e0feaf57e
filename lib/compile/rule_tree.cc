// Builds the rule tree (rule_tree.h): every rule at its path under data.
#include "compile/rule_tree.h"

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/strings.h"
#include "syntax/source.h"

namespace verdict::compile {
namespace {

using syntax::Term;
using syntax::TermKind;

absl::Status ErrorAt(ErrorCode code, const syntax::Span& span, std::string_view message) {
  return MakeError(code, absl::StrCat(Absl(span.ToString()), ": ",
                                      Absl(ErrorCodeName(code)), ": ", Absl(message)));
}

const char* KindName(DocKind kind) {
  switch (kind) {
    case DocKind::kNamespace: return "namespace";
    case DocKind::kComplete: return "complete rule";
    case DocKind::kPartialSet: return "partial set rule";
    case DocKind::kPartialObject: return "partial object rule";
    case DocKind::kFunction: return "function";
  }
  return "rule";
}

}  // namespace

bool DocNode::HasRulesBelow() const {
  if (has_rules() || is_package) return true;
  for (const auto& [key, child] : children) {
    if (child->HasRulesBelow()) return true;
  }
  return false;
}

std::string DocNode::PathString() const {
  std::string out = "data";
  for (const std::string& key : path) {
    if (syntax::IsIdentifier(key)) {
      absl::StrAppend(&out, ".", key);
    } else {
      absl::StrAppend(&out, "[\"", key, "\"]");
    }
  }
  return out;
}

DocNode* DocNode::Child(const std::string& key) const {
  auto it = children.find(key);
  return it == children.end() ? nullptr : it->second.get();
}

DocNode* RuleTree::Find(std::span<const std::string> path) const {
  DocNode* node = root.get();
  for (const std::string& key : path) {
    node = node->Child(key);
    if (node == nullptr) return nullptr;
  }
  return node;
}

std::vector<std::string> PackagePath(const syntax::Module& module) {
  std::vector<std::string> path;
  const std::vector<Term>& terms = module.package.path;
  for (size_t i = 1; i < terms.size(); ++i) path.push_back(terms[i].text);
  return path;
}

absl::StatusOr<RuleTree> BuildRuleTree(std::span<const syntax::Module> modules) {
  RuleTree tree;
  tree.root = std::make_unique<DocNode>();
  // Every package is a document, rules or not.
  for (const syntax::Module& module : modules) {
    DocNode* node = tree.root.get();
    for (const std::string& key : PackagePath(module)) {
      std::unique_ptr<DocNode>& child = node->children[key];
      if (!child) {
        child = std::make_unique<DocNode>();
        child->name = key;
        child->path = node->path;
        child->path.push_back(key);
        child->parent = node;
      }
      node = child.get();
    }
    node->is_package = true;
  }
  for (const syntax::Module& module : modules) {
    std::vector<std::string> package = PackagePath(module);
    for (const syntax::Rule& rule : module.rules) {
      const syntax::Head& head = rule.head;
      // Constant prefix: the rule name, then string keys.
      std::vector<std::string> path = package;
      path.push_back(head.ref[0].text);
      size_t i = 1;
      for (; i < head.ref.size() && head.ref[i].kind == TermKind::kString; ++i) {
        path.push_back(head.ref[i].text);
      }
      RuleDef def{&module, &rule, {}};
      for (size_t j = i; j < head.ref.size(); ++j) def.dynamic.push_back(&head.ref[j]);

      // A reference with variables makes an object whatever the leaf is:
      // p[q].r contains s is an object of objects of sets.
      DocKind kind;
      if (head.IsFunction()) {
        kind = DocKind::kFunction;
      } else if (!def.dynamic.empty()) {
        kind = DocKind::kPartialObject;
      } else if (head.IsMultiValue()) {
        kind = DocKind::kPartialSet;
      } else {
        kind = DocKind::kComplete;
      }
      if (kind == DocKind::kFunction && !def.dynamic.empty()) {
        return ErrorAt(ErrorCode::kCompileError, head.span,
                       "functions must not have variables in their reference");
      }

      // Walk/create the path.
      DocNode* node = tree.root.get();
      for (const std::string& key : path) {
        if (node->kind == DocKind::kComplete || node->kind == DocKind::kFunction ||
            node->kind == DocKind::kPartialSet) {
          return ErrorAt(ErrorCode::kTypeError, head.span,
                         absl::StrCat("rule ", Absl(head.RefString()),
                                      " conflicts with ", node->PathString()));
        }
        std::unique_ptr<DocNode>& child = node->children[key];
        if (!child) {
          child = std::make_unique<DocNode>();
          child->name = key;
          child->path = node->path;
          child->path.push_back(key);
          child->parent = node;
        }
        node = child.get();
      }
      if (kind != DocKind::kPartialObject && kind != DocKind::kNamespace &&
          !node->children.empty()) {
        return ErrorAt(ErrorCode::kTypeError, head.span,
                       absl::StrCat("rule ", node->PathString(),
                                    " conflicts with rules below it"));
      }
      if (node->kind != DocKind::kNamespace && node->kind != kind) {
        return ErrorAt(ErrorCode::kTypeError, head.span,
                       absl::StrCat("conflicting rules ", node->PathString(), " found (",
                                    KindName(node->kind), " and ", KindName(kind), ")"));
      }
      if (kind == DocKind::kFunction) {
        int arity = static_cast<int>(head.args.size());
        if (node->kind == DocKind::kFunction && node->arity != arity) {
          return ErrorAt(ErrorCode::kTypeError, head.span,
                         absl::StrCat("function ", node->PathString(),
                                      " has arity ", node->arity, " and ", arity));
        }
        node->arity = arity;
      }
      node->kind = kind;
      if (rule.is_default) {
        if (node->default_rule) {
          return ErrorAt(ErrorCode::kTypeError, head.span,
                         absl::StrCat("multiple default rules ", node->PathString(),
                                      " found"));
        }
        node->default_rule = def;
      } else {
        node->rules.push_back(std::move(def));
      }
    }
  }
  return tree;
}

}  // namespace verdict::compile
