// File: lib/api/custom_builtins.h
//
// The custom builtins of one Engine (Engine::RegisterBuiltin): each is
// checked, turned into a builtins::BuiltinInfo whose `custom` function
// checks the operand types and calls the application's function, and
// handed to the compiler (CompileOptions::extra_builtins) and the VM
// (a vm::BuiltinLookup that tries verdict's table first).
//
//   api::CustomBuiltins custom;
//   VERDICT_RETURN_IF_ERROR(custom.Add(std::move(spec)));
//   compile::Compile(modules, queries, custom.CompileOptions());
//   vm::BoundProgram::Bind(std::move(program), custom.Lookup());
//
// Entries are immutable and shared: a copy of the set is cheap, and every
// compiled policy keeps one, so the functions a program points at live as
// long as the program, whatever happens to the Engine afterwards.
//
// Tested by tests/api/custom_builtin_test.cc.
#ifndef VERDICT_API_CUSTOM_BUILTINS_H_
#define VERDICT_API_CUSTOM_BUILTINS_H_

#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "builtins/registry.h"
#include "compile/compiler.h"
#include "verdict/engine.h"
#include "vm/program.h"

namespace verdict::api {

class CustomBuiltins {
 public:
  // Add(): registers [builtin]; kInvalidArgument for a malformed or taken
  // name, more than builtins::kMaxArity arguments, or no function.
  absl::Status Add(CustomBuiltin builtin);

  bool empty() const { return entries_.empty(); }

  // The registered builtin named [name], or nullptr.
  const builtins::BuiltinInfo* Find(std::string_view name) const;

  // Names and arities for the compiler.
  compile::CompileOptions CompileOptions() const;

  // verdict's builtins first, then these. The lookup holds the entries.
  vm::BuiltinLookup Lookup() const;

 private:
  struct Entry;
  std::vector<std::shared_ptr<const Entry>> entries_;
};

}  // namespace verdict::api

#endif  // VERDICT_API_CUSTOM_BUILTINS_H_
