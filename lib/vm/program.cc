// File: lib/vm/program.cc
//
// Program's lookups (entry points, the span table) and its binary form.
// Verify() lives in verify.cc.
//
// Serialized layout (all integers little-endian):
//
//   "VRDTPROG"  u32 format version  u64 payload bytes  u64 FNV-1a of payload
//   payload = seven sections in this order, each  u8 tag  u64 bytes  body:
//     1 code        u32 count, then per instruction op u8 n u8 a u16 b c t u32
//     2 constants   u32 count, then tagged values (below)
//     3 builtins    u32 count, then strings (u32 length + bytes)
//     4 functions   u32 count, then name, entry_pc u32, end_pc u32,
//                   num_params u16, num_registers u16, num_accumulators u16
//     5 entries     u32 count, then name, function u32
//     6 spans       u32 count, then pc file line col (u32 each)
//     7 files       u32 count, then strings
//
// Constants are not JSON: JSON would lose sets and non-string keys. Each
// value is a tag byte: 0 null, 1 false, 2 true, 3 int64 (8 bytes),
// 4 other number (its exact decimal text), 5 string, 6 array, 7 object
// (pairs), 8 set, with u32 counts and lengths. The checksum makes any byte
// flip an error instead of a different valid program.
//
// Tested by tests/vm/program_test.cc.
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/error_code.h"
#include "base/limits.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "builtins/registry.h"
#include "vm/program.h"

namespace verdict::vm {

// --- lookups -----------------------------------------------------------------

const EntryPoint* Program::FindEntryPoint(std::string_view name) const {
  for (const EntryPoint& e : entry_points) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

const SpanEntry* Program::SpanAt(uint32_t pc) const {
  // The last entry whose pc is <= [pc].
  auto it = std::upper_bound(spans.begin(), spans.end(), pc,
                             [](uint32_t x, const SpanEntry& s) { return x < s.pc; });
  if (it == spans.begin()) return nullptr;
  return &*(it - 1);
}

std::string Program::LocationAt(uint32_t pc) const {
  const SpanEntry* s = SpanAt(pc);
  if (s == nullptr || s->file >= files.size()) return "";
  return absl::StrCat(Absl(files[s->file]), ":", s->line, ":", s->col);
}

// --- Serialize ---------------------------------------------------------------

namespace {

constexpr char kMagic[8] = {'V', 'R', 'D', 'T', 'P', 'R', 'O', 'G'};
constexpr size_t kHeaderBytes = 8 + 4 + 8 + 8;

enum SectionTag : uint8_t {
  kCodeSection = 1,
  kConstantsSection = 2,
  kBuiltinsSection = 3,
  kFunctionsSection = 4,
  kEntriesSection = 5,
  kSpansSection = 6,
  kFilesSection = 7,
};

enum ValueTag : uint8_t {
  kTagNull = 0,
  kTagFalse = 1,
  kTagTrue = 2,
  kTagInt = 3,
  kTagNumber = 4,
  kTagString = 5,
  kTagArray = 6,
  kTagObject = 7,
  kTagSet = 8,
};

uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { Le(v, 2); }
  void U32(uint32_t v) { Le(v, 4); }
  void U64(uint64_t v) { Le(v, 8); }
  void Str(std::string_view s) {
    U32(static_cast<uint32_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  void Raw(std::string_view s) { out_.append(s.data(), s.size()); }
  std::string& out() { return out_; }

  void WriteValue(const Value& v) {
    switch (v.kind()) {
      case Kind::kUndefined:  // Verify() rejects these; written as null
      case Kind::kNull:
        U8(kTagNull);
        return;
      case Kind::kBool:
        U8(v.as_bool() ? kTagTrue : kTagFalse);
        return;
      case Kind::kNumber:
        if (v.is_int()) {
          U8(kTagInt);
          U64(static_cast<uint64_t>(v.as_int()));
        } else {
          U8(kTagNumber);
          std::string text;
          AppendJson(&text, v);
          Str(text);
        }
        return;
      case Kind::kString:
        U8(kTagString);
        Str(v.as_string());
        return;
      case Kind::kArray:
      case Kind::kSet:
        U8(v.is_array() ? kTagArray : kTagSet);
        U32(static_cast<uint32_t>(v.size()));
        for (const Value& item : v.items()) WriteValue(item);
        return;
      case Kind::kObject:
        U8(kTagObject);
        U32(static_cast<uint32_t>(v.size()));
        for (const ObjectEntry& e : v.entries()) {
          WriteValue(e.key);
          WriteValue(e.value);
        }
        return;
    }
  }

 private:
  void Le(uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

// Appends one section: tag, length, body.
void Section(Writer& w, uint8_t tag, const std::string& body) {
  w.U8(tag);
  w.U64(body.size());
  w.Raw(body);
}

}  // namespace

std::string Serialize(const Program& program) {
  Writer payload;
  {
    Writer s;
    s.U32(static_cast<uint32_t>(program.code.size()));
    for (const Instr& in : program.code) {
      s.U8(static_cast<uint8_t>(in.op));
      s.U8(in.n);
      s.U16(in.a);
      s.U32(in.b);
      s.U32(in.c);
      s.U32(in.t);
    }
    Section(payload, kCodeSection, s.out());
  }
  {
    Writer s;
    s.U32(static_cast<uint32_t>(program.constants.size()));
    for (const Value& v : program.constants) s.WriteValue(v);
    Section(payload, kConstantsSection, s.out());
  }
  {
    Writer s;
    s.U32(static_cast<uint32_t>(program.builtins.size()));
    for (const std::string& name : program.builtins) s.Str(name);
    Section(payload, kBuiltinsSection, s.out());
  }
  {
    Writer s;
    s.U32(static_cast<uint32_t>(program.functions.size()));
    for (const Function& f : program.functions) {
      s.Str(f.name);
      s.U32(f.entry_pc);
      s.U32(f.end_pc);
      s.U16(f.num_params);
      s.U16(f.num_registers);
      s.U16(f.num_accumulators);
    }
    Section(payload, kFunctionsSection, s.out());
  }
  {
    Writer s;
    s.U32(static_cast<uint32_t>(program.entry_points.size()));
    for (const EntryPoint& e : program.entry_points) {
      s.Str(e.name);
      s.U32(e.function);
    }
    Section(payload, kEntriesSection, s.out());
  }
  {
    Writer s;
    s.U32(static_cast<uint32_t>(program.spans.size()));
    for (const SpanEntry& e : program.spans) {
      s.U32(e.pc);
      s.U32(e.file);
      s.U32(e.line);
      s.U32(e.col);
    }
    Section(payload, kSpansSection, s.out());
  }
  {
    Writer s;
    s.U32(static_cast<uint32_t>(program.files.size()));
    for (const std::string& f : program.files) s.Str(f);
    Section(payload, kFilesSection, s.out());
  }

  Writer w;
  w.Raw(std::string_view(kMagic, sizeof kMagic));
  w.U32(Program::kFormatVersion);
  w.U64(payload.out().size());
  w.U64(Fnv1a(payload.out()));
  w.Raw(payload.out());
  return std::move(w.out());
}

// --- Deserialize -------------------------------------------------------------

namespace {

absl::Status Corrupt(std::string_view what) {
  return MakeError(ErrorCode::kBytecodeError,
                   absl::StrCat("corrupt program: ", Absl(what)));
}

// Bounds-checked little-endian reads; every failure is a Status.
class Reader {
 public:
  Reader(std::string_view bytes, Arena* arena) : data_(bytes), arena_(arena) {}

  size_t left() const { return data_.size() - pos_; }
  bool done() const { return pos_ == data_.size(); }

  absl::Status U8(uint8_t* v) {
    uint64_t x = 0;
    VERDICT_RETURN_IF_ERROR(Le(1, &x));
    *v = static_cast<uint8_t>(x);
    return absl::OkStatus();
  }
  absl::Status U16(uint16_t* v) {
    uint64_t x = 0;
    VERDICT_RETURN_IF_ERROR(Le(2, &x));
    *v = static_cast<uint16_t>(x);
    return absl::OkStatus();
  }
  absl::Status U32(uint32_t* v) {
    uint64_t x = 0;
    VERDICT_RETURN_IF_ERROR(Le(4, &x));
    *v = static_cast<uint32_t>(x);
    return absl::OkStatus();
  }
  absl::Status U64(uint64_t* v) { return Le(8, v); }

  absl::Status Bytes(size_t n, std::string_view* out) {
    if (n > left()) return Corrupt("truncated");
    *out = data_.substr(pos_, n);
    pos_ += n;
    return absl::OkStatus();
  }
  absl::Status Str(std::string* out) {
    uint32_t n = 0;
    VERDICT_RETURN_IF_ERROR(U32(&n));
    std::string_view s;
    VERDICT_RETURN_IF_ERROR(Bytes(n, &s));
    out->assign(s.data(), s.size());
    return absl::OkStatus();
  }
  // A count of items of at least [min_bytes] each: rejects counts the
  // remaining bytes cannot hold before anything reserves memory for them.
  absl::Status Count(size_t min_bytes, uint32_t* n) {
    VERDICT_RETURN_IF_ERROR(U32(n));
    if (uint64_t{*n} * min_bytes > left()) return Corrupt("count exceeds section");
    return absl::OkStatus();
  }

  absl::Status ReadValue(Value* out, int depth) {
    if (depth > limits::kMaxJsonDepth) return Corrupt("constant nested too deeply");
    uint8_t tag = 0;
    VERDICT_RETURN_IF_ERROR(U8(&tag));
    switch (tag) {
      case kTagNull:
        *out = Value::Null();
        return absl::OkStatus();
      case kTagFalse:
      case kTagTrue:
        *out = Value::Bool(tag == kTagTrue);
        return absl::OkStatus();
      case kTagInt: {
        uint64_t x = 0;
        VERDICT_RETURN_IF_ERROR(U64(&x));
        *out = Value::Int(static_cast<int64_t>(x));
        return absl::OkStatus();
      }
      case kTagNumber: {
        std::string text;
        VERDICT_RETURN_IF_ERROR(Str(&text));
        absl::StatusOr<Value> n = Value::Number(text, arena_);
        if (!n.ok()) return Corrupt("bad number constant");
        // Integers always travel as kTagInt: anything else is not ours.
        if (n->is_int()) return Corrupt("non-canonical number constant");
        *out = *std::move(n);
        return absl::OkStatus();
      }
      case kTagString: {
        uint32_t n = 0;
        VERDICT_RETURN_IF_ERROR(U32(&n));
        std::string_view s;
        VERDICT_RETURN_IF_ERROR(Bytes(n, &s));
        *out = Value::String(s, arena_);
        return absl::OkStatus();
      }
      case kTagArray: {
        uint32_t n = 0;
        VERDICT_RETURN_IF_ERROR(Count(1, &n));
        ArrayBuilder b(arena_);
        b.Reserve(n);
        for (uint32_t i = 0; i < n; ++i) {
          Value item;
          VERDICT_RETURN_IF_ERROR(ReadValue(&item, depth + 1));
          b.Add(std::move(item));
        }
        *out = b.Build();
        return absl::OkStatus();
      }
      case kTagSet: {
        uint32_t n = 0;
        VERDICT_RETURN_IF_ERROR(Count(1, &n));
        SetBuilder b(arena_);
        b.Reserve(n);
        for (uint32_t i = 0; i < n; ++i) {
          Value item;
          VERDICT_RETURN_IF_ERROR(ReadValue(&item, depth + 1));
          b.Add(std::move(item));
        }
        *out = b.Build();
        if (out->size() != n) return Corrupt("set constant with repeated items");
        return absl::OkStatus();
      }
      case kTagObject: {
        uint32_t n = 0;
        VERDICT_RETURN_IF_ERROR(Count(2, &n));
        ObjectBuilder b(arena_);
        b.Reserve(n);
        for (uint32_t i = 0; i < n; ++i) {
          Value key, value;
          VERDICT_RETURN_IF_ERROR(ReadValue(&key, depth + 1));
          VERDICT_RETURN_IF_ERROR(ReadValue(&value, depth + 1));
          b.Add(std::move(key), std::move(value));
        }
        bool conflict = false, duplicate = false;
        *out = b.Build(&conflict, &duplicate);
        if (duplicate) return Corrupt("object constant with repeated keys");
        return absl::OkStatus();
      }
      default:
        return Corrupt(absl::StrCat("unknown constant tag ", tag));
    }
  }

 private:
  absl::Status Le(int bytes, uint64_t* v) {
    if (static_cast<size_t>(bytes) > left()) return Corrupt("truncated");
    uint64_t x = 0;
    for (int i = 0; i < bytes; ++i) {
      x |= uint64_t{static_cast<unsigned char>(data_[pos_ + i])} << (8 * i);
    }
    pos_ += bytes;
    *v = x;
    return absl::OkStatus();
  }

  std::string_view data_;
  size_t pos_ = 0;
  Arena* arena_;
};

// Reads the header of section [tag] and returns a Reader over its body.
absl::Status OpenSection(Reader& payload, uint8_t tag, Arena* arena, Reader* section) {
  uint8_t got = 0;
  VERDICT_RETURN_IF_ERROR(payload.U8(&got));
  if (got != tag) {
    return Corrupt(absl::StrCat("expected section ", tag, ", found ", got));
  }
  uint64_t n = 0;
  VERDICT_RETURN_IF_ERROR(payload.U64(&n));
  if (n > payload.left()) return Corrupt(absl::StrCat("section ", tag, " truncated"));
  std::string_view body;
  VERDICT_RETURN_IF_ERROR(payload.Bytes(static_cast<size_t>(n), &body));
  *section = Reader(body, arena);
  return absl::OkStatus();
}

absl::Status CloseSection(const Reader& section, uint8_t tag) {
  if (!section.done()) return Corrupt(absl::StrCat("trailing bytes in section ", tag));
  return absl::OkStatus();
}

absl::Status ReadPayload(Reader& r, Program& p) {
  Arena* arena = p.arena.get();
  Reader s(std::string_view(), arena);
  uint32_t n = 0;

  VERDICT_RETURN_IF_ERROR(OpenSection(r, kCodeSection, arena, &s));
  VERDICT_RETURN_IF_ERROR(s.Count(16, &n));
  p.code.resize(n);
  for (Instr& in : p.code) {
    uint8_t op = 0;
    VERDICT_RETURN_IF_ERROR(s.U8(&op));
    if (!IsValidOp(op)) return Corrupt(absl::StrCat("invalid opcode ", op));
    in.op = static_cast<Op>(op);
    VERDICT_RETURN_IF_ERROR(s.U8(&in.n));
    VERDICT_RETURN_IF_ERROR(s.U16(&in.a));
    VERDICT_RETURN_IF_ERROR(s.U32(&in.b));
    VERDICT_RETURN_IF_ERROR(s.U32(&in.c));
    VERDICT_RETURN_IF_ERROR(s.U32(&in.t));
  }
  VERDICT_RETURN_IF_ERROR(CloseSection(s, kCodeSection));

  VERDICT_RETURN_IF_ERROR(OpenSection(r, kConstantsSection, arena, &s));
  VERDICT_RETURN_IF_ERROR(s.Count(1, &n));
  p.constants.resize(n);
  for (Value& v : p.constants) VERDICT_RETURN_IF_ERROR(s.ReadValue(&v, 0));
  VERDICT_RETURN_IF_ERROR(CloseSection(s, kConstantsSection));

  VERDICT_RETURN_IF_ERROR(OpenSection(r, kBuiltinsSection, arena, &s));
  VERDICT_RETURN_IF_ERROR(s.Count(4, &n));
  p.builtins.resize(n);
  for (std::string& name : p.builtins) VERDICT_RETURN_IF_ERROR(s.Str(&name));
  VERDICT_RETURN_IF_ERROR(CloseSection(s, kBuiltinsSection));

  VERDICT_RETURN_IF_ERROR(OpenSection(r, kFunctionsSection, arena, &s));
  VERDICT_RETURN_IF_ERROR(s.Count(18, &n));
  p.functions.resize(n);
  for (Function& f : p.functions) {
    VERDICT_RETURN_IF_ERROR(s.Str(&f.name));
    VERDICT_RETURN_IF_ERROR(s.U32(&f.entry_pc));
    VERDICT_RETURN_IF_ERROR(s.U32(&f.end_pc));
    VERDICT_RETURN_IF_ERROR(s.U16(&f.num_params));
    VERDICT_RETURN_IF_ERROR(s.U16(&f.num_registers));
    VERDICT_RETURN_IF_ERROR(s.U16(&f.num_accumulators));
  }
  VERDICT_RETURN_IF_ERROR(CloseSection(s, kFunctionsSection));

  VERDICT_RETURN_IF_ERROR(OpenSection(r, kEntriesSection, arena, &s));
  VERDICT_RETURN_IF_ERROR(s.Count(8, &n));
  p.entry_points.resize(n);
  for (EntryPoint& e : p.entry_points) {
    VERDICT_RETURN_IF_ERROR(s.Str(&e.name));
    VERDICT_RETURN_IF_ERROR(s.U32(&e.function));
  }
  VERDICT_RETURN_IF_ERROR(CloseSection(s, kEntriesSection));

  VERDICT_RETURN_IF_ERROR(OpenSection(r, kSpansSection, arena, &s));
  VERDICT_RETURN_IF_ERROR(s.Count(16, &n));
  p.spans.resize(n);
  for (SpanEntry& e : p.spans) {
    VERDICT_RETURN_IF_ERROR(s.U32(&e.pc));
    VERDICT_RETURN_IF_ERROR(s.U32(&e.file));
    VERDICT_RETURN_IF_ERROR(s.U32(&e.line));
    VERDICT_RETURN_IF_ERROR(s.U32(&e.col));
  }
  VERDICT_RETURN_IF_ERROR(CloseSection(s, kSpansSection));

  VERDICT_RETURN_IF_ERROR(OpenSection(r, kFilesSection, arena, &s));
  VERDICT_RETURN_IF_ERROR(s.Count(4, &n));
  p.files.resize(n);
  for (std::string& f : p.files) VERDICT_RETURN_IF_ERROR(s.Str(&f));
  VERDICT_RETURN_IF_ERROR(CloseSection(s, kFilesSection));

  if (!r.done()) return Corrupt("trailing bytes after the last section");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Program> Deserialize(std::string_view bytes, const BuiltinLookup& lookup) {
  if (bytes.size() < 12 || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) {
    return MakeError(ErrorCode::kBytecodeError,
                     "not a verdict program (missing \"VRDTPROG\" header)");
  }
  Reader header(bytes.substr(8), nullptr);
  uint32_t version = 0;
  VERDICT_RETURN_IF_ERROR(header.U32(&version));
  if (version != Program::kFormatVersion) {
    return MakeError(ErrorCode::kBytecodeError,
                     absl::StrCat("bytecode format version ", version,
                                  ", this library reads ", Program::kFormatVersion,
                                  "; recompile the policy"));
  }
  uint64_t size = 0, checksum = 0;
  VERDICT_RETURN_IF_ERROR(header.U64(&size));
  VERDICT_RETURN_IF_ERROR(header.U64(&checksum));
  std::string_view payload = bytes.substr(std::min(bytes.size(), kHeaderBytes));
  if (bytes.size() < kHeaderBytes || payload.size() != size) {
    return Corrupt(absl::StrCat("payload is ", payload.size(), " bytes, header says ",
                                size));
  }
  if (Fnv1a(payload) != checksum) return Corrupt("checksum mismatch");

  Program program;
  program.arena = std::make_shared<Arena>();
  Reader r(payload, program.arena.get());
  VERDICT_RETURN_IF_ERROR(ReadPayload(r, program));
  VERDICT_RETURN_IF_ERROR(Verify(program, lookup));
  return program;
}

absl::StatusOr<Program> Deserialize(std::string_view bytes) {
  return Deserialize(bytes, BuiltinLookup(&builtins::FindBuiltin));
}

}  // namespace verdict::vm
