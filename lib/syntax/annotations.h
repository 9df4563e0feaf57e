// File: lib/syntax/annotations.h
//
// OPA's METADATA annotations: YAML in comment blocks that document the
// package or rule written right below them (OPA's v1/ast/annotations.go and
// the metadata parser of parser.go).
//
//   # METADATA
//   # title: Deny unknown users
//   # authors:
//   # - Jane Doe <jane@example.com>
//   # custom:
//   #   severity: HIGH
//   deny contains msg if { ... }
//
// A block starts with a comment in column 1 whose text, trimmed, begins with
// "METADATA"; it runs over the comments in column 1 on the following lines
// up to the next METADATA comment. The YAML is the block's comment texts,
// each without one leading space. The block belongs to the first statement
// (package, import or rule) that starts on a later line; its scope defaults
// to "rule" for rules ("document" with `entrypoint: true`) and "package" for
// the package, and "rule"/"document" may only annotate rules,
// "package"/"subpackages" only the package.
//
// ParseModule() (parse.h) runs ProcessAnnotations() after building the AST,
// so every module carries its annotations in Module::annotations; a
// malformed block is a rego_parse_error at the METADATA comment (or at the
// comment of the offending YAML line), as OPA reports it. Unknown keys are
// ignored, as OPA's YAML decoding ignores them.
//
// AnnotationsToValue() gives the object rego.metadata.rule() returns
// (OPA's Annotations.toObject); lib/compile/annotations_rewrite.cc builds
// rego.metadata.chain() from it.
//
// Tested by tests/syntax/annotations_test.cc.
#ifndef VERDICT_SYNTAX_ANNOTATIONS_H_
#define VERDICT_SYNTAX_ANNOTATIONS_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "syntax/source.h"
#include "verdict/value.h"

namespace verdict::syntax {

struct Module;

struct AuthorAnnotation {
  std::string name;   // may be empty when email is set
  std::string email;  // "" when absent
};

struct RelatedResourceAnnotation {
  std::string ref;          // the URL as written (trimmed)
  std::string description;  // "" when absent
};

// `schemas: [{input.x: schema.y}]`: the document path and either a schema
// reference or an inline definition. Paths are arrays of strings, as OPA's
// toObject renders refs (`input.x` -> ["input", "x"]).
struct SchemaAnnotation {
  Value path;        // array of strings
  Value schema;      // array of strings, or undefined with a definition
  Value definition;  // any value, or undefined with a schema ref
};

enum class AnnotationTarget : uint8_t { kPackage, kRule };

// Annotations
//
// One METADATA block. Empty strings and lists mean "absent", as in OPA.
struct Annotations {
  Span span;  // the `# METADATA` comment
  AnnotationTarget target = AnnotationTarget::kRule;
  size_t rule_index = 0;  // kRule: the rule's index in Module::rules
  std::string scope;      // "rule", "document", "package" or "subpackages"
  std::string title;
  std::string description;
  bool entrypoint = false;
  std::vector<std::string> organizations;
  std::vector<RelatedResourceAnnotation> related_resources;
  std::vector<AuthorAnnotation> authors;
  std::vector<SchemaAnnotation> schemas;
  Value custom;  // an object, or undefined when absent
};

// StatementInfo
//
// Where a module statement starts, for attaching blocks. The parser lists
// every statement in source order, including imports it drops from the AST.
struct StatementInfo {
  enum class Kind : uint8_t { kPackage, kImport, kRule };
  Kind kind = Kind::kRule;
  int line = 0;           // 1-based line of the statement's first token
  size_t rule_index = 0;  // kRule: index in Module::rules
};

// ProcessAnnotations()
//
// Parses the METADATA blocks of [module].comments, attaches each to the
// first of [statements] below it, checks its scope, and stores the results
// in [module].annotations. Problems are appended to [diags]
// (rego_parse_error).
void ProcessAnnotations(std::span<const StatementInfo> statements, Module& module,
                        Diagnostics& diags);

// IsMetadataComment()
//
// Whether [comment] (text after '#', column [col]) opens a METADATA block.
bool IsMetadataComment(std::string_view text, int col);

// AnnotationsToValue()
//
// [a] as the object rego.metadata.rule() returns: scope, title,
// description, entrypoint, organizations, related_resources ({ref,
// description?}), authors ({name?, email?}), schemas ({path?, schema?,
// definition?}), custom; absent fields are left out.
Value AnnotationsToValue(const Annotations& a);

}  // namespace verdict::syntax

#endif  // VERDICT_SYNTAX_ANNOTATIONS_H_
