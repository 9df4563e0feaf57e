// The Engine (include/verdict/engine.h): the conductor that calls the
// layers below and computes nothing itself.
//
//   load:     AddModule -> syntax::ParseModule;  SetData/MergeData -> value
//   compile:  compile::Compile -> vm::BoundProgram::Bind
//   evaluate: thread's EvalContext -> JsonParser into its arena ->
//             vm::Evaluate -> AppendJson / DeepCopy
//
// Tested by tests/api/engine_test.cc, the conformance suite and the
// workload checks.
#include "verdict/engine.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/files.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "api/custom_builtins.h"
#include "api/engine_bundle.h"
#include "compile/compiler.h"
#include "syntax/parse.h"
#include "value/json.h"
#include "vm/interp.h"

namespace verdict {

// Everything an evaluation reads: immutable once built, shared by every
// PreparedQuery and thread.
class CompiledPolicy {
 public:
  std::shared_ptr<const vm::BoundProgram> program;
  Value data;
  // vm::ResolveDataPaths(program, data): every LoadData answered by a load.
  std::vector<Value> data_paths;
  // Own the cells of `data`.
  std::vector<std::shared_ptr<Arena>> data_arenas;
  // Owns the custom builtins `program` calls.
  api::CustomBuiltins custom_builtins;
};

namespace {

// One evaluation context and JSON parser per thread, reused by every
// decision on that thread: this is what keeps the hot path allocation-free.
struct ThreadState {
  vm::EvalContext context;
  JsonParser parser;
};

ThreadState& ThisThread() {
  thread_local ThreadState state;
  return state;
}


// Deep-merges [value] into [base] at [path]; objects merge key by key.
absl::StatusOr<Value> MergeAt(const Value& base, std::span<const std::string> path,
                              const Value& value) {
  if (path.empty()) {
    if (!base.is_defined()) return value;
    if (!base.is_object() || !value.is_object()) {
      if (base == value) return base;
      return MakeError(ErrorCode::kInvalidArgument, "data merge conflict");
    }
    ObjectBuilder b;
    for (const ObjectEntry& e : base.entries()) {
      const Value* other = value.Get(e.key);
      if (other == nullptr) {
        b.Add(e.key, e.value);
      } else {
        VERDICT_ASSIGN_OR_RETURN(Value merged, MergeAt(e.value, {}, *other));
        b.Add(e.key, merged);
      }
    }
    for (const ObjectEntry& e : value.entries()) {
      if (base.Get(e.key) == nullptr) b.Add(e.key, e.value);
    }
    return b.Build();
  }
  Value current = base.is_defined() ? base : Value::EmptyObject();
  if (!current.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     absl::StrCat("data merge conflict at ", Absl(path[0])));
  }
  const Value* child = current.Get(path[0]);
  VERDICT_ASSIGN_OR_RETURN(Value merged,
                           MergeAt(child ? *child : Value(), path.subspan(1), value));
  ObjectBuilder b;
  for (const ObjectEntry& e : current.entries()) {
    if (!(e.key.is_string() && e.key.as_string() == path[0])) b.Add(e.key, e.value);
  }
  b.Add(Value::String(path[0]), merged);
  return b.Build();
}

}  // namespace

struct Engine::State {
  std::vector<syntax::Module> modules;
  Value data = Value::EmptyObject();
  std::vector<std::shared_ptr<Arena>> data_arenas;
  std::shared_ptr<const CompiledPolicy> compiled;
  // Active bundles (engine_bundle.h): their modules and data join the
  // API's in Build().
  std::shared_ptr<const api::BundleSet> bundles;
  api::CustomBuiltins custom_builtins;  // RegisterBuiltin()

  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> Build(
      std::span<const compile::QuerySpec> queries) const {
    std::shared_ptr<const vm::BoundProgram> bound;
    if (queries.empty() && modules.empty() && custom_builtins.empty()) {
      bound = api::PrecompiledProgram(bundles.get());
    }
    if (bound == nullptr) {
      std::vector<syntax::Module> scratch;
      VERDICT_ASSIGN_OR_RETURN(
          vm::Program program,
          compile::Compile(api::AllModules(bundles.get(), modules, &scratch), queries,
                           custom_builtins.CompileOptions()));
      VERDICT_ASSIGN_OR_RETURN(
          bound, vm::BoundProgram::Bind(std::move(program), custom_builtins.Lookup()));
    }
    auto policy = std::make_shared<CompiledPolicy>();
    policy->program = std::move(bound);
    policy->data = data;
    policy->data_arenas = data_arenas;
    policy->custom_builtins = custom_builtins;
    VERDICT_RETURN_IF_ERROR(
        api::AddBundleData(bundles.get(), &policy->data, &policy->data_arenas));
    policy->data_paths = vm::ResolveDataPaths(policy->program->program(), policy->data);
    return std::shared_ptr<const CompiledPolicy>(std::move(policy));
  }
};

Engine::Engine() : state_(std::make_unique<State>()) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

absl::Status Engine::RegisterBuiltin(CustomBuiltin builtin) {
  return state_->custom_builtins.Add(std::move(builtin));
}

absl::Status Engine::AddModule(std::string_view filename, std::string_view source) {
  VERDICT_ASSIGN_OR_RETURN(syntax::Module module, syntax::ParseModule(source, filename));
  state_->modules.push_back(std::move(module));
  return absl::OkStatus();
}

absl::Status Engine::SetData(const Value& data) {
  if (!data.is_object()) {
    return MakeError(ErrorCode::kInvalidArgument, "data must be an object");
  }
  state_->data = data;
  return absl::OkStatus();
}

absl::Status Engine::SetDataJson(std::string_view json) {
  auto arena = std::make_shared<Arena>();
  VERDICT_ASSIGN_OR_RETURN(Value data, ParseJson(json, arena.get()));
  VERDICT_RETURN_IF_ERROR(SetData(data));
  state_->data_arenas.push_back(std::move(arena));
  return absl::OkStatus();
}

absl::Status Engine::MergeData(const std::vector<std::string>& path, const Value& value) {
  VERDICT_ASSIGN_OR_RETURN(Value merged, MergeAt(state_->data, path, value));
  state_->data = merged;
  return absl::OkStatus();
}

absl::Status Engine::LoadPath(std::string_view path_text) {
  namespace fs = std::filesystem;
  fs::path root(path_text);
  std::error_code ec;
  auto load_file = [&](const fs::path& file, std::vector<std::string> data_path) -> absl::Status {
    std::string ext = file.extension().string();
    if (ext == ".rego") {
      VERDICT_ASSIGN_OR_RETURN(std::string text, ReadFileToString(file.string()));
      return AddModule(file.string(), text);
    }
    if (ext == ".json" || ext == ".yaml" || ext == ".yml") {
      // Data files can be big: parsed where they were read (no copy).
      VERDICT_ASSIGN_OR_RETURN(std::string text,
                               ReadFileToString(file.string(), value::kJsonPaddingBytes));
      auto arena = std::make_shared<Arena>();
      absl::StatusOr<Value> value = ext == ".json" ? value::ParseJsonInPlace(&text, arena.get())
                                                   : ParseYaml(text, arena.get());
      if (!value.ok()) {
        return MakeError(GetErrorCode(value.status()),
                         absl::StrCat(Absl(file.string()), ": ", value.status().message()));
      }
      state_->data_arenas.push_back(std::move(arena));
      return MergeData(data_path, *value);
    }
    return absl::OkStatus();
  };
  if (fs::is_regular_file(root, ec)) return load_file(root, {});
  if (!fs::is_directory(root, ec)) {
    return MakeError(ErrorCode::kIoError, absl::StrCat("no such file or directory: ",
                                                       Absl(path_text)));
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::vector<std::string> data_path;
    for (const fs::path& part : fs::relative(file.parent_path(), root, ec)) {
      if (part != ".") data_path.push_back(part.string());
    }
    VERDICT_RETURN_IF_ERROR(load_file(file, data_path));
  }
  return absl::OkStatus();
}

absl::Status Engine::Compile() {
  VERDICT_ASSIGN_OR_RETURN(state_->compiled, state_->Build({}));
  return absl::OkStatus();
}

std::shared_ptr<const api::BundleSet> Engine::bundle_set() const { return state_->bundles; }

// Modules or custom builtins added through the API: a bundle's
// precompiled program then cannot stand for the whole policy (Build()).
bool Engine::has_api_modules() const {
  return !state_->modules.empty() || !state_->custom_builtins.empty();
}

absl::Status Engine::SwapBundles(std::shared_ptr<const api::BundleSet> next) {
  std::swap(state_->bundles, next);
  absl::StatusOr<std::shared_ptr<const CompiledPolicy>> compiled = state_->Build({});
  if (!compiled.ok()) {
    std::swap(state_->bundles, next);  // the previous bundles stay active
    return compiled.status();
  }
  state_->compiled = *std::move(compiled);
  return absl::OkStatus();
}

absl::StatusOr<PreparedQuery> Engine::Prepare(std::string_view query) const {
  if (!state_->compiled) {
    return MakeError(ErrorCode::kInvalidArgument, "Prepare() before Compile()");
  }
  VERDICT_ASSIGN_OR_RETURN(syntax::Body body, syntax::ParseQuery(query));
  PreparedQuery prepared;
  prepared.query_ = std::string(query);
  bool value_query = compile::IsValueQuery(body);
  if (value_query) {
    // A rule already compiled: no new code needed.
    const vm::Program& program = state_->compiled->program->program();
    if (const vm::EntryPoint* entry = program.FindEntryPoint(query)) {
      prepared.policy_ = state_->compiled;
      prepared.function_ = entry->function;
      return prepared;
    }
  }
  compile::QuerySpec spec{"query", std::move(body), value_query};
  VERDICT_ASSIGN_OR_RETURN(prepared.policy_,
                           state_->Build(std::span<const compile::QuerySpec>(&spec, 1)));
  const vm::EntryPoint* entry = prepared.policy_->program->program().FindEntryPoint("query");
  if (entry == nullptr) {
    return MakeError(ErrorCode::kEvalInternalError, "query entry point missing");
  }
  prepared.function_ = entry->function;
  prepared.is_body_ = !value_query;
  return prepared;
}

absl::StatusOr<Decision> Engine::Evaluate(std::string_view query, const Value& input,
                                          const EvalOptions& options) const {
  VERDICT_ASSIGN_OR_RETURN(PreparedQuery prepared, Prepare(query));
  return prepared.Evaluate(input, options);
}

namespace {

vm::EvalOptions VmOptions(const CompiledPolicy& policy, const EvalOptions& options) {
  vm::EvalOptions vm_options;
  vm_options.data = vm::Borrowed(policy.data);  // the policy outlives the evaluation
  vm_options.data_paths = policy.data_paths;
  vm_options.strict_builtin_errors = options.strict_builtin_errors;
  vm_options.max_instructions = options.max_instructions;
  vm_options.replay = options.replay;
  return vm_options;
}

// Installs EvalOptions::clock and ::print in the thread's builtin context
// for one evaluation (and removes them after, so the next one reads the
// system clock and prints nothing unless it asks).
class ScopedHooks {
 public:
  ScopedHooks(vm::EvalContext& context, const EvalOptions& options)
      : ctx_(context.builtin_context()), clock_(static_cast<bool>(options.clock)) {
    if (clock_) ctx_.clock = options.clock;
    if (options.print) ctx_.print = &options.print;
  }
  ~ScopedHooks() {
    if (clock_) ctx_.clock = nullptr;
    ctx_.print = nullptr;
  }
  ScopedHooks(const ScopedHooks&) = delete;
  ScopedHooks& operator=(const ScopedHooks&) = delete;

 private:
  builtins::BuiltinContext& ctx_;
  bool clock_;
};

// Decision::explanation from the pcs the interpreter collected: each
// marked instruction names its function (the rule) and carries its rule
// definition's span. Two definitions on one line stay apart by column.
std::vector<ExplainedRule> Explain(const vm::Program& program,
                                   const std::vector<uint32_t>& pcs) {
  std::vector<ExplainedRule> out;
  std::vector<bool> seen(program.code.size(), false);
  for (uint32_t pc : pcs) {
    if (pc >= seen.size() || seen[pc]) continue;
    seen[pc] = true;
    const vm::Function* owner = nullptr;
    for (const vm::Function& f : program.functions) {
      if (pc >= f.entry_pc && pc < f.end_pc) owner = &f;
    }
    if (owner == nullptr) continue;
    ExplainedRule rule{owner->name, program.LocationAt(pc)};
    bool repeated = false;
    for (const ExplainedRule& r : out) {
      repeated = repeated || (r.rule == rule.rule && r.location == rule.location);
    }
    if (!repeated) out.push_back(std::move(rule));
  }
  return out;
}

}  // namespace

absl::StatusOr<Decision> PreparedQuery::Evaluate(const Value& input,
                                                 const EvalOptions& options) const {
  ThreadState& thread = ThisThread();
  vm::EvalOptions vm_options = VmOptions(*policy_, options);
  vm_options.input = vm::Borrowed(input);  // the caller holds it for the call
  Decision decision;
  if (options.record_nondeterministic) vm_options.record = &decision.nondeterministic;
  std::vector<uint32_t> contributions;
  if (options.explain) vm_options.contributions = &contributions;
  ScopedHooks hooks(thread.context, options);
  VERDICT_ASSIGN_OR_RETURN(
      Value result, vm::Evaluate(thread.context, *policy_->program, function_, {}, vm_options));
  if (options.explain) decision.explanation = Explain(policy_->program->program(), contributions);
  decision.defined = result.is_defined();
  if (decision.defined) decision.result = DeepCopy(result, nullptr);
  thread.context.Reset();
  return decision;
}

absl::Status PreparedQuery::EvaluateJson(std::string_view input_json, std::string* out,
                                         bool* defined, const EvalOptions& options) const {
  ThreadState& thread = ThisThread();
  out->clear();
  if (defined != nullptr) *defined = false;
  thread.context.Reset();
  vm::EvalOptions vm_options = VmOptions(*policy_, options);
  vm_options.reset_arena = false;
  ScopedHooks hooks(thread.context, options);
  if (!input_json.empty()) {
    VERDICT_ASSIGN_OR_RETURN(vm_options.input,
                             thread.parser.Parse(input_json, &thread.context.arena()));
  }
  VERDICT_ASSIGN_OR_RETURN(
      Value result, vm::Evaluate(thread.context, *policy_->program, function_, {}, vm_options));
  if (result.is_defined()) {
    AppendJson(out, result);
    if (defined != nullptr) *defined = true;
  }
  return absl::OkStatus();
}

}  // namespace verdict
