// File: lib/builtins/objects.cc
//
// Object builtins: object.get (single key or path), object.keys,
// object.union (recursive merge, right wins), object.union_n, object.remove,
// object.filter, object.subset; json.filter and json.remove (paths as
// "/a/b" JSON pointers or arrays of segments); walk;
// internal.ref_head_object (the merge of ref-head rule solutions).
//
// Tested by tests/builtins/objects_test.cc.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "base/error_code.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/args.h"
#include "builtins/functions.h"

namespace verdict::builtins {
namespace {

// One step of a path into [v]: objects by key, arrays by integer index,
// sets by membership. nullptr when there is no such member.
const Value* Step(const Value& v, const Value& segment) {
  switch (v.kind()) {
    case Kind::kObject:
      return v.Get(segment);
    case Kind::kArray: {
      std::optional<int64_t> i = segment.is_number() ? segment.ToInt64() : std::nullopt;
      if (!i || *i < 0 || static_cast<size_t>(*i) >= v.size()) return nullptr;
      return &v[static_cast<size_t>(*i)];
    }
    case Kind::kSet: {
      for (const Value& item : v.items()) {
        if (item == segment) return &item;
      }
      return nullptr;
    }
    default:
      return nullptr;
  }
}

// The keys named by object.remove/object.filter's second operand.
absl::StatusOr<std::vector<Value>> KeysParam(std::string_view name, const Value& v) {
  std::vector<Value> keys;
  switch (v.kind()) {
    case Kind::kArray:
    case Kind::kSet:
      keys.assign(v.items().begin(), v.items().end());
      return keys;
    case Kind::kObject:
      for (const ObjectEntry& e : v.entries()) keys.push_back(e.key);
      return keys;
    default:
      return OperandTypeError(name, 1, v, {"object", "set", "array"});
  }
}

bool ContainsValue(const std::vector<Value>& keys, const Value& k) {
  for (const Value& key : keys) {
    if (key == k) return true;
  }
  return false;
}

// object.union: members of [b] override [a]'s, objects on both sides merge.
Value Merge(Arena* arena, const Value& a, const Value& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  ObjectBuilder out(arena);
  out.Reserve(a.size() + b.size());
  for (const ObjectEntry& e : a.entries()) {
    const Value* other = b.Get(e.key);
    if (other == nullptr) {
      out.Add(e.key, e.value);
    } else if (e.value.is_object() && other->is_object()) {
      out.Add(e.key, Merge(arena, e.value, *other));
    } else {
      out.Add(e.key, *other);
    }
  }
  for (const ObjectEntry& e : b.entries()) {
    if (a.Get(e.key) == nullptr) out.Add(e.key, e.value);
  }
  return out.Build();
}

}  // namespace

absl::StatusOr<Value> ObjectGet(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* obj, ObjectArg("object.get", args, 0));
  const Value& key = args[1];
  const Value& fallback = args[2];
  if (!key.is_array()) {
    const Value* found = obj->Get(key);
    return found != nullptr ? *found : fallback;
  }
  const Value* cur = obj;
  for (const Value& segment : key.items()) {
    cur = Step(*cur, segment);
    if (cur == nullptr) return fallback;
  }
  return *cur;
}

absl::StatusOr<Value> ObjectKeys(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* obj, ObjectArg("object.keys", args, 0));
  SetBuilder out(ctx.arena);
  out.Reserve(obj->size());
  for (const ObjectEntry& e : obj->entries()) out.Add(e.key);
  return out.Build();
}

absl::StatusOr<Value> ObjectUnion(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* a, ObjectArg("object.union", args, 0));
  VERDICT_ASSIGN_OR_RETURN(const Value* b, ObjectArg("object.union", args, 1));
  return Merge(ctx.arena, *a, *b);
}

// A left fold of object.union, which is exactly OPA's "last assignment wins,
// with merges" (a non-object value cuts off merging with earlier objects).
absl::StatusOr<Value> ObjectUnionN(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* list, ArrayArg("object.union_n", args, 0));
  Value acc = Value::EmptyObject();
  for (const Value& item : list->items()) {
    if (!item.is_object()) {
      return OperandElementError("object.union_n", 0, *list, item, "object");
    }
    acc = Merge(ctx.arena, acc, item);
  }
  return acc;
}

absl::StatusOr<Value> ObjectRemove(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* obj, ObjectArg("object.remove", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::vector<Value> keys, KeysParam("object.remove", args[1]));
  ObjectBuilder out(ctx.arena);
  for (const ObjectEntry& e : obj->entries()) {
    if (!ContainsValue(keys, e.key)) out.Add(e.key, e.value);
  }
  return out.Build();
}

absl::StatusOr<Value> ObjectFilter(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* obj, ObjectArg("object.filter", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::vector<Value> keys, KeysParam("object.filter", args[1]));
  ObjectBuilder out(ctx.arena);
  for (const Value& k : keys) {
    if (const Value* v = obj->Get(k)) out.Add(k, *v);
  }
  return out.Build();
}

// --- object.subset -----------------------------------------------------------

namespace {

bool SetSubset(const Value& super, const Value& sub) {
  for (const Value& v : sub.items()) {
    if (!super.Contains(v)) return false;
  }
  return true;
}

// [sub] appears as a contiguous run inside [super].
bool ArraySubset(const Value& super, const Value& sub) {
  std::span<const Value> a = super.items(), b = sub.items();
  if (b.size() > a.size()) return false;
  if (b.empty()) return true;
  for (size_t start = 0; start + b.size() <= a.size(); ++start) {
    size_t k = 0;
    while (k < b.size() && a[start + k] == b[k]) ++k;
    if (k == b.size()) return true;
  }
  return false;
}

// OPA's quirky definition: walking [super], each element found in [sub]
// counts once per occurrence; true as soon as the count reaches |sub|.
bool ArraySetSubset(const Value& super, const Value& sub) {
  size_t unmatched = sub.size();
  for (const Value& v : super.items()) {
    if (sub.Contains(v)) --unmatched;
    if (unmatched == 0) return true;
  }
  return false;
}

bool ObjectSubsetOf(const Value& super, const Value& sub) {
  for (const ObjectEntry& e : sub.entries()) {
    const Value* s = super.Get(e.key);
    if (s == nullptr) return false;
    if (*s == e.value) continue;
    if (s->is_object() && e.value.is_object()) {
      if (!ObjectSubsetOf(*s, e.value)) return false;
    } else if (s->is_set() && e.value.is_set()) {
      if (!SetSubset(*s, e.value)) return false;
    } else if (s->is_array() && e.value.is_array()) {
      if (!ArraySubset(*s, e.value)) return false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<Value> ObjectSubset(BuiltinContext& ctx, std::span<const Value> args) {
  const Value& super = args[0];
  const Value& sub = args[1];
  if (super.is_object() && sub.is_object()) return Value::Bool(ObjectSubsetOf(super, sub));
  if (super.is_set() && sub.is_set()) return Value::Bool(SetSubset(super, sub));
  if (super.is_array() && sub.is_array()) return Value::Bool(ArraySubset(super, sub));
  if (super.is_array() && sub.is_set()) return Value::Bool(ArraySetSubset(super, sub));
  return MakeError(ErrorCode::kEvalTypeError,
                   "object.subset: both arguments object.subset must be of the same "
                   "type or array and set");
}

// --- json.filter / json.remove ---------------------------------------------------

namespace {

// The paths of json.filter/json.remove as a tree: a leaf selects the whole
// value below it (OPA's pathsToObject, where leaves are null).
struct PathNode {
  bool leaf = false;
  absl::flat_hash_map<Value, std::unique_ptr<PathNode>, ValueHash> children;

  const PathNode* Child(const Value& key) const {
    auto it = children.find(key);
    return it == children.end() ? nullptr : it->second.get();
  }
};

absl::StatusOr<std::vector<Value>> ParsePath(BuiltinContext& ctx, std::string_view name,
                                             const Value& path) {
  std::vector<Value> segments;
  if (path.is_string()) {
    std::string_view p = path.as_string();
    if (p.empty()) return segments;
    while (!p.empty() && p.front() == '/') p.remove_prefix(1);
    for (absl::string_view part : absl::StrSplit(Absl(p), '/')) {
      std::string s = absl::StrReplaceAll(part, {{"~1", "/"}});
      s = absl::StrReplaceAll(s, {{"~0", "~"}});
      segments.push_back(Value::String(s, ctx.arena));
    }
    return segments;
  }
  if (path.is_array()) {
    segments.assign(path.items().begin(), path.items().end());
    return segments;
  }
  return OperandError(name, 1,
                      absl::StrCat("must be one of {set, array} containing string paths "
                                   "or array of path segments but got ",
                                   Absl(TypeNameOf(path))));
}

absl::StatusOr<std::unique_ptr<PathNode>> BuildPathTree(BuiltinContext& ctx,
                                                        std::string_view name,
                                                        const Value& paths) {
  if (!paths.is_array() && !paths.is_set()) {
    return OperandTypeError(name, 1, paths, {"set", "array"});
  }
  auto root = std::make_unique<PathNode>();
  for (const Value& p : paths.items()) {
    VERDICT_ASSIGN_OR_RETURN(std::vector<Value> path, ParsePath(ctx, name, p));
    if (path.empty()) continue;
    PathNode* node = root.get();
    bool covered = false;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      std::unique_ptr<PathNode>& child = node->children[path[i]];
      if (!child) child = std::make_unique<PathNode>();
      if (child->leaf) {
        covered = true;  // a shorter path already selects this subtree
        break;
      }
      node = child.get();
    }
    if (covered) continue;
    std::unique_ptr<PathNode>& last = node->children[path.back()];
    last = std::make_unique<PathNode>();
    last->leaf = true;
  }
  return root;
}

Value IndexKey(BuiltinContext& ctx, size_t i) {
  return Value::String(absl::StrCat(i), ctx.arena);
}

// OPA's Object.Filter: keep what the tree selects.
Value FilterValue(BuiltinContext& ctx, const Value& v, const PathNode& node) {
  if (node.leaf) return v;
  switch (v.kind()) {
    case Kind::kArray: {
      ArrayBuilder out(ctx.arena);
      for (size_t i = 0; i < v.size(); ++i) {
        if (const PathNode* child = node.Child(IndexKey(ctx, i))) {
          out.Add(FilterValue(ctx, v[i], *child));
        }
      }
      return out.Build();
    }
    case Kind::kSet: {
      SetBuilder out(ctx.arena);
      for (const Value& item : v.items()) {
        if (const PathNode* child = node.Child(item)) {
          out.Add(FilterValue(ctx, item, *child));
        }
      }
      return out.Build();
    }
    case Kind::kObject: {
      ObjectBuilder out(ctx.arena);
      for (const ObjectEntry& e : v.entries()) {
        if (const PathNode* child = node.Child(e.key)) {
          out.Add(e.key, FilterValue(ctx, e.value, *child));
        }
      }
      return out.Build();
    }
    default:
      return v;
  }
}

// OPA's jsonRemove: drop what the tree's leaves select; undefined = removed.
Value RemoveValue(BuiltinContext& ctx, const Value& v, const PathNode* node) {
  if (node == nullptr) return v;
  if (node->leaf) return Value::Undefined();
  switch (v.kind()) {
    case Kind::kObject: {
      ObjectBuilder out(ctx.arena);
      for (const ObjectEntry& e : v.entries()) {
        Value r = RemoveValue(ctx, e.value, node->Child(e.key));
        if (r.is_defined()) out.Add(e.key, std::move(r));
      }
      return out.Build();
    }
    case Kind::kSet: {
      SetBuilder out(ctx.arena);
      for (const Value& item : v.items()) {
        Value r = RemoveValue(ctx, item, node->Child(item));
        if (r.is_defined()) out.Add(std::move(r));
      }
      return out.Build();
    }
    case Kind::kArray: {
      ArrayBuilder out(ctx.arena);
      for (size_t i = 0; i < v.size(); ++i) {
        Value r = RemoveValue(ctx, v[i], node->Child(IndexKey(ctx, i)));
        if (r.is_defined()) out.Add(std::move(r));
      }
      return out.Build();
    }
    default:
      return v;
  }
}

}  // namespace

absl::StatusOr<Value> JsonFilter(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* obj, ObjectArg("json.filter", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::unique_ptr<PathNode> tree,
                           BuildPathTree(ctx, "json.filter", args[1]));
  return FilterValue(ctx, *obj, *tree);
}

absl::StatusOr<Value> JsonRemove(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* obj, ObjectArg("json.remove", args, 0));
  VERDICT_ASSIGN_OR_RETURN(std::unique_ptr<PathNode> tree,
                           BuildPathTree(ctx, "json.remove", args[1]));
  return RemoveValue(ctx, *obj, tree.get());
}

// --- json.patch ---------------------------------------------------------------------

namespace {

// An array index segment: "-" (one past the end, for add), or decimal
// digits without a leading zero; a number segment from an array path.
std::optional<int64_t> ArrayIndex(const Value& seg, size_t size, bool allow_end) {
  if (seg.is_number()) {
    std::optional<int64_t> i = seg.ToInt64();
    if (!i || *i < 0) return std::nullopt;
    return i;
  }
  if (!seg.is_string()) return std::nullopt;
  std::string_view s = seg.as_string();
  if (s == "-") {
    if (!allow_end) return std::nullopt;
    return static_cast<int64_t>(size);
  }
  if (s.empty() || s.size() > 18 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

enum class PatchOp { kAdd, kRemove };

// Applies add/remove of [value] at [path] below [doc], rebuilding the
// containers along the path. Errors (any status) make json.patch undefined.
absl::StatusOr<Value> PatchAt(BuiltinContext& ctx, const Value& doc,
                              std::span<const Value> path, PatchOp op, const Value& value) {
  absl::Status fail = absl::InvalidArgumentError("json.patch: path");
  if (path.empty()) {
    if (op == PatchOp::kAdd) return value;
    return fail;  // removing the whole document
  }
  const Value& seg = path[0];
  const bool last = path.size() == 1;
  switch (doc.kind()) {
    case Kind::kObject: {
      const Value* child = doc.Get(seg);
      Value replacement;
      if (last) {
        if (op == PatchOp::kRemove && child == nullptr) return fail;
        replacement = op == PatchOp::kAdd ? value : Value::Undefined();
      } else {
        if (child == nullptr) return fail;
        VERDICT_ASSIGN_OR_RETURN(replacement, PatchAt(ctx, *child, path.subspan(1), op, value));
      }
      ObjectBuilder out(ctx.arena);
      for (const ObjectEntry& e : doc.entries()) {
        if (e.key == seg) continue;
        out.Add(e.key, e.value);
      }
      if (replacement.is_defined()) out.Add(seg, std::move(replacement));
      return out.Build();
    }
    case Kind::kArray: {
      bool inserting = last && op == PatchOp::kAdd;
      std::optional<int64_t> index = ArrayIndex(seg, doc.size(), inserting);
      if (!index) return fail;
      size_t i = static_cast<size_t>(*index);
      if (inserting ? i > doc.size() : i >= doc.size()) return fail;
      ArrayBuilder out(ctx.arena);
      for (size_t k = 0; k < doc.size(); ++k) {
        if (k == i) {
          if (inserting) {
            out.Add(value);
            out.Add(doc[k]);
            continue;
          }
          if (last) continue;  // removed
          VERDICT_ASSIGN_OR_RETURN(Value child, PatchAt(ctx, doc[k], path.subspan(1), op, value));
          out.Add(std::move(child));
          continue;
        }
        out.Add(doc[k]);
      }
      if (inserting && i == doc.size()) out.Add(value);
      return out.Build();
    }
    case Kind::kSet: {
      // Sets are keyed by their members.
      bool present = doc.Contains(seg);
      if (last) {
        if (op == PatchOp::kRemove && !present) return fail;
        // Adding to a set: the path's last segment must be the value itself.
        if (op == PatchOp::kAdd && !(seg == value)) return fail;
        SetBuilder out(ctx.arena);
        for (const Value& item : doc.items()) {
          if (!(item == seg)) out.Add(item);
        }
        if (op == PatchOp::kAdd) out.Add(value);
        return out.Build();
      }
      if (!present) return fail;
      VERDICT_ASSIGN_OR_RETURN(Value child, PatchAt(ctx, seg, path.subspan(1), op, value));
      SetBuilder out(ctx.arena);
      for (const Value& item : doc.items()) {
        if (!(item == seg)) out.Add(item);
      }
      out.Add(std::move(child));
      return out.Build();
    }
    default:
      return fail;
  }
}

const Value* FindAt(const Value& doc, std::span<const Value> path) {
  const Value* cur = &doc;
  for (const Value& seg : path) {
    if (cur->is_array()) {
      std::optional<int64_t> i = ArrayIndex(seg, cur->size(), false);
      if (!i || static_cast<size_t>(*i) >= cur->size()) return nullptr;
      cur = &(*cur)[static_cast<size_t>(*i)];
    } else {
      cur = Step(*cur, seg);
    }
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

// One operation; any failure makes the whole patch undefined.
absl::StatusOr<Value> ApplyPatchOp(BuiltinContext& ctx, const Value& doc, const Value& op_obj) {
  absl::Status fail = absl::InvalidArgumentError("json.patch: operation");
  if (!op_obj.is_object()) return fail;
  const Value* op = op_obj.Get("op");
  const Value* path_v = op_obj.Get("path");
  if (op == nullptr || !op->is_string() || path_v == nullptr) return fail;
  absl::StatusOr<std::vector<Value>> path = ParsePath(ctx, "json.patch", *path_v);
  if (!path.ok()) return fail;
  std::string_view name = op->as_string();
  const Value* value = op_obj.Get("value");
  if (name == "add") {
    if (value == nullptr) return fail;
    return PatchAt(ctx, doc, *path, PatchOp::kAdd, *value);
  }
  if (name == "remove") return PatchAt(ctx, doc, *path, PatchOp::kRemove, Value());
  if (name == "replace") {
    if (value == nullptr) return fail;
    if (path->empty()) return *value;
    if (FindAt(doc, *path) == nullptr) return fail;
    VERDICT_ASSIGN_OR_RETURN(Value removed, PatchAt(ctx, doc, *path, PatchOp::kRemove, Value()));
    return PatchAt(ctx, removed, *path, PatchOp::kAdd, *value);
  }
  if (name == "move" || name == "copy") {
    const Value* from_v = op_obj.Get("from");
    if (from_v == nullptr) return fail;
    absl::StatusOr<std::vector<Value>> from = ParsePath(ctx, "json.patch", *from_v);
    if (!from.ok()) return fail;
    const Value* chunk = FindAt(doc, *from);
    if (chunk == nullptr) return fail;
    Value moved = *chunk;
    Value base = doc;
    if (name == "move") {
      VERDICT_ASSIGN_OR_RETURN(base, PatchAt(ctx, doc, *from, PatchOp::kRemove, Value()));
    }
    return PatchAt(ctx, base, *path, PatchOp::kAdd, moved);
  }
  if (name == "test") {
    if (value == nullptr) return fail;
    const Value* found = FindAt(doc, *path);
    if (found == nullptr || !(*found == *value)) return fail;
    return doc;
  }
  return fail;
}

}  // namespace

// RFC 6902 JSON Patch over any document; a failing operation (missing
// path, bad index, failed test) makes the result undefined, as in OPA.
absl::StatusOr<Value> JsonPatch(BuiltinContext& ctx, std::span<const Value> args) {
  VERDICT_ASSIGN_OR_RETURN(const Value* ops, ArrayArg("json.patch", args, 1));
  Value doc = args[0];
  for (const Value& op : ops->items()) {
    absl::StatusOr<Value> next = ApplyPatchOp(ctx, doc, op);
    if (!next.ok()) return Value::Undefined();
    doc = *std::move(next);
  }
  return doc;
}

// --- walk ------------------------------------------------------------------------

namespace {

// Pre-order: the node itself, then its members (objects by sorted key,
// arrays by index, sets by element). [path] holds the segments so far.
void WalkInto(BuiltinContext& ctx, const Value& v, std::vector<Value>& path,
              ArrayBuilder& out) {
  ArrayBuilder p(ctx.arena);
  p.Reserve(path.size());
  for (const Value& seg : path) p.Add(seg);
  ArrayBuilder pair(ctx.arena);
  pair.Reserve(2);
  pair.Add(p.Build());
  pair.Add(v);
  out.Add(pair.Build());
  switch (v.kind()) {
    case Kind::kObject:
      for (const ObjectEntry& e : v.entries()) {
        path.push_back(e.key);
        WalkInto(ctx, e.value, path, out);
        path.pop_back();
      }
      break;
    case Kind::kArray:
      for (size_t i = 0; i < v.size(); ++i) {
        path.push_back(Value::Int(static_cast<int64_t>(i)));
        WalkInto(ctx, v[i], path, out);
        path.pop_back();
      }
      break;
    case Kind::kSet:
      for (const Value& item : v.items()) {
        path.push_back(item);
        WalkInto(ctx, item, path, out);
        path.pop_back();
      }
      break;
    default:
      break;
  }
}

}  // namespace

// A relation (kRelation): every [path, value] pair of the document, in
// pre-order; the caller iterates them.
absl::StatusOr<Value> Walk(BuiltinContext& ctx, std::span<const Value> args) {
  ArrayBuilder out(ctx.arena);
  std::vector<Value> path;
  WalkInto(ctx, args[0], path, out);
  return out.Build();
}

namespace {

// One node of the document internal.ref_head_object builds: an object made
// by the paths, a single-value leaf, or a set leaf.
struct RefHeadNode {
  enum class Kind : uint8_t { kObject, kValue, kSet } kind = Kind::kObject;
  std::map<Value, std::unique_ptr<RefHeadNode>, ValueLess> children;  // kObject
  Value value;               // kValue
  std::vector<Value> elems;  // kSet
};

Value BuildRefHead(const RefHeadNode& node, Arena* arena) {
  switch (node.kind) {
    case RefHeadNode::Kind::kValue:
      return node.value;
    case RefHeadNode::Kind::kSet: {
      SetBuilder b(arena);
      b.Reserve(node.elems.size());
      for (const Value& e : node.elems) b.Add(e);
      return b.Build();
    }
    case RefHeadNode::Kind::kObject:
      break;
  }
  ObjectBuilder b(arena);
  b.Reserve(node.children.size());
  for (const auto& [key, child] : node.children) b.Add(key, BuildRefHead(*child, arena));
  return b.Build();
}

}  // namespace

// internal.ref_head_object(contributions): each contribution is
// [path, value, is_set_element]. A single value sits at its path, and
// another, different value there is a conflict; set elements collect into
// a set at their path; the objects along the paths merge. A path through
// or onto a leaf of another kind is a conflict too (OPA: "object keys
// must be unique", eval_conflict_error).
absl::StatusOr<Value> InternalRefHeadObject(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "internal.ref_head_object";
  const Value& contributions = args[0];
  if (!contributions.is_set() && !contributions.is_array()) {
    return OperandTypeError(kName, 0, contributions, {"set", "array"});
  }
  auto conflict = [] {
    return MakeError(ErrorCode::kEvalConflictError, "object keys must be unique");
  };
  using NodeKind = RefHeadNode::Kind;
  RefHeadNode root;
  for (const Value& c : contributions.items()) {
    if (!c.is_array() || c.size() != 3 || !c[0].is_array() || c[0].size() == 0 ||
        !c[2].is_bool()) {
      return BuiltinError(kName, "malformed contribution");
    }
    std::span<const Value> path = c[0].items();
    const bool element = c[2].as_bool();
    RefHeadNode* node = &root;
    for (size_t i = 0; i < path.size(); ++i) {
      if (node->kind != NodeKind::kObject) return conflict();  // a leaf above this path
      std::unique_ptr<RefHeadNode>& slot = node->children[path[i]];
      const bool last = i + 1 == path.size();
      if (!slot) {
        slot = std::make_unique<RefHeadNode>();
        if (last) {
          slot->kind = element ? NodeKind::kSet : NodeKind::kValue;
          if (!element) slot->value = c[1];
        }
      } else if (last) {
        bool same = element ? slot->kind == NodeKind::kSet
                            : slot->kind == NodeKind::kValue && slot->value == c[1];
        if (!same) return conflict();
      }
      node = slot.get();
    }
    if (element) node->elems.push_back(c[1]);
  }
  return BuildRefHead(root, ctx.arena);
}

}  // namespace verdict::builtins
