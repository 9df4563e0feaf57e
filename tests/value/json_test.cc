// Tests for JSON in and out (lib/value/json.cc, entry points in value.h).
#include "value/json.h"

#include <random>
#include <string>
#include <utility>

#include "base/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"
#include "verdict/value.h"

namespace verdict {
namespace {

using ::testing::HasSubstr;
using ::verdict::testing::StatusIs;

std::string RoundTrip(std::string_view json, Arena* arena = nullptr) {
  absl::StatusOr<Value> v = ParseJson(json, arena);
  if (!v.ok()) return "error: " + std::string(v.status().message());
  return ToJson(*v);
}

TEST(JsonTest, CanonicalRoundTrip) {
  EXPECT_EQ(RoundTrip(R"({"b":1,"a":[true,false,null,"x"],"c":{}})"),
            R"({"a":[true,false,null,"x"],"b":1,"c":{}})");
  EXPECT_EQ(RoundTrip(" [ 1 , 2 ,\n3 ] "), "[1,2,3]");
  EXPECT_EQ(RoundTrip(R"("top")"), R"("top")");
  EXPECT_EQ(RoundTrip("42"), "42");
  EXPECT_EQ(RoundTrip("null"), "null");
  EXPECT_EQ(RoundTrip("[]"), "[]");
  // Keys sort bytewise.
  EXPECT_EQ(RoundTrip(R"({"b":1,"B":2,"a":3,"aa":4})"), R"({"B":2,"a":3,"aa":4,"b":1})");
}

TEST(JsonTest, NumbersStayExact) {
  EXPECT_EQ(RoundTrip("[12345678901234567890123,1e400,0.1,-0.0,1.5e300,1E+2,-5e-324]"),
            "[12345678901234567890123,1e+400,0.1,0,1.5e+300,100,-5e-324]");
  EXPECT_EQ(RoundTrip("[0.1000000000000000000001,9223372036854775808,-9223372036854775808]"),
            "[0.1000000000000000000001,9223372036854775808,-9223372036854775808]");
  ASSERT_OK_AND_ASSIGN(Value v, ParseJson("[1.0, 1]"));
  EXPECT_EQ(v[0], v[1]);
}

// A double of 2^53 and up (below 1e21, where Go switches to exponents)
// means its shortest decimal, and prints as those digits padded with
// zeros, as Go's strconv does: not as the double's exact binary value,
// which is another number (9220332231573e08 printed 922033223157299937280
// and read back different: found by tests/fuzz/json_fuzzer.cc).
TEST(JsonTest, BigDoublesPrintTheirShortestDigits) {
  EXPECT_EQ(RoundTrip("[9220332231573e08,1.2345678901234567e20,9.999999999999999e20,1e19]"),
            "[922033223157300000000,123456789012345670000,999999999999999900000,"
            "10000000000000000000]");
  EXPECT_EQ(RoundTrip("[-9220332231573e08,0.000001,123.456,1e21]"),
            "[-922033223157300000000,0.000001,123.456,1e+21]");
  for (std::string_view text : {"9220332231573e08", "1.2345678901234567e20", "1e19"}) {
    ASSERT_OK_AND_ASSIGN(Value v, ParseJson(text));
    ASSERT_OK_AND_ASSIGN(Value back, ParseJson(ToJson(v)));
    EXPECT_EQ(back, v) << text;
  }
}

TEST(JsonTest, UnicodeEscapesAndSurrogatePairs) {
  ASSERT_OK_AND_ASSIGN(Value v, ParseJson(R"(["\u00e9\ud83d\ude00", "\n\t\"\\\/", "\u0000"])"));
  EXPECT_EQ(v[0].as_string(), "\xc3\xa9\xf0\x9f\x98\x80");  // é😀
  EXPECT_EQ(v[1].as_string(), "\n\t\"\\/");
  EXPECT_EQ(v[2].as_string(), std::string(1, '\0'));
  // Output writes UTF-8 as is and escapes like Go's encoding/json.
  EXPECT_EQ(ToJson(v), "[\"\xc3\xa9\xf0\x9f\x98\x80\",\"\\n\\t\\\"\\\\/\",\"\\u0000\"]");
}

TEST(JsonTest, OutputEscaping) {
  EXPECT_EQ(ToJson(Value::String("a<b>&c")), R"("a<b>&c")");  // no HTML escaping
  EXPECT_EQ(ToJson(Value::String("\x01\x1f\b\f\r")), R"("\u0001\u001f\b\f\r")");
  EXPECT_EQ(ToJson(Value::String("\xe2\x80\xa8|\xe2\x80\xa9")), R"("\u2028|\u2029")");
  // Invalid UTF-8: each bad byte becomes \ufffd.
  EXPECT_EQ(ToJson(Value::String("ok\xff\xfe!")), R"("ok\ufffd\ufffd!")");
  EXPECT_EQ(ToJson(Value::String("\xed\xa0\x80")), R"("\ufffd\ufffd\ufffd")");  // surrogate
  EXPECT_EQ(ToJson(Value::String("\xc0\xaf")), R"("\ufffd\ufffd")");            // overlong
  EXPECT_EQ(ToJson(Value::String(std::string(30, 'x') + "\"")),
            "\"" + std::string(30, 'x') + "\\\"\"");
}

TEST(JsonTest, EscapesAtEveryPositionOfLongStrings) {
  // The writer scans 16 bytes at a time; a byte to escape must be found
  // wherever it falls, and runs around it copied whole.
  const std::pair<std::string_view, std::string_view> specials[] = {
      {"\"", "\\\""},          {"\n", "\\n"},   {"\xff", "\\ufffd"},
      {"\xe2\x80\xa8", "\\u2028"}, {"\xc3\xa9", "\xc3\xa9"}, {"<", "<"},
  };
  for (size_t n = 1; n <= 40; ++n) {
    for (size_t at = 0; at < n; ++at) {
      for (const auto& [special, escaped] : specials) {
        std::string s(n, 'x');
        s.replace(at, 1, special);
        auto quoted = [&](std::string_view middle) {
          std::string tail(n - at - 1, 'x');
          return "\"" + std::string(at, 'x') + std::string(middle) + tail + "\"";
        };
        EXPECT_EQ(ToJson(Value::String(s)), quoted(escaped)) << n << " " << at;
        std::string out;
        value::AppendJsonString(&out, s);
        EXPECT_EQ(out, quoted(escaped)) << n << " " << at;
        if (special == "<") {
          out.clear();
          value::AppendJsonString(&out, s, /*escape_html=*/true);
          EXPECT_EQ(out, quoted("\\u003c")) << n << " " << at;
        }
      }
    }
  }
  // Output longer than the writer's buffer arrives whole.
  ArrayBuilder b;
  std::string expected = "[";
  for (int i = 0; i < 3000; ++i) {
    b.Add(Value::String("item-" + std::to_string(i)));
    expected += (i > 0 ? ",\"item-" : "\"item-") + std::to_string(i) + "\"";
  }
  EXPECT_EQ(ToJson(b.Build()), expected + "]");
  std::string huge(100000, 'y');
  EXPECT_EQ(ToJson(Value::String(huge)), "\"" + huge + "\"");
}

TEST(JsonTest, SetsAndNonStringKeys) {
  SetBuilder s;
  s.Add(Value::Int(3));
  s.Add(Value::String("a"));
  s.Add(Value::Int(1));
  ObjectBuilder o;
  o.Add(Value::Int(1), Value::String("one"));
  ArrayBuilder key;
  key.Add(Value::Int(1));
  key.Add(Value::String("x"));
  o.Add(key.Build(), Value::Null());
  o.Add(Value::String("set"), s.Build());
  EXPECT_EQ(ToJson(o.Build()), R"({"1":"one","set":[1,3,"a"],"[1,\"x\"]":null})");
  EXPECT_EQ(ToJson(Value()), "");
}

TEST(JsonTest, PrettyOutput) {
  ASSERT_OK_AND_ASSIGN(Value v, ParseJson(R"({"b":[1,{"c":null}],"a":{},"d":[]})"));
  EXPECT_EQ(ToPrettyJson(v),
            "{\n"
            "  \"a\": {},\n"
            "  \"b\": [\n"
            "    1,\n"
            "    {\n"
            "      \"c\": null\n"
            "    }\n"
            "  ],\n"
            "  \"d\": []\n"
            "}");
}

TEST(JsonTest, MarshalOptionsLikeGo) {
  ASSERT_OK_AND_ASSIGN(Value v, ParseJson(R"({"h":"<a&b>","l":[1]})"));
  std::string out;
  value::JsonOptions html;
  html.escape_html = true;
  value::AppendJsonWith(&out, v, html);
  EXPECT_EQ(out, R"({"h":"\u003ca\u0026b\u003e","l":[1]})");
  out.clear();
  value::JsonOptions indent;
  indent.prefix = "> ";
  indent.indent = "\t";
  value::AppendJsonWith(&out, v, indent);
  EXPECT_EQ(out, "{\n> \t\"h\": \"<a&b>\",\n> \t\"l\": [\n> \t\t1\n> \t]\n> }");
}

TEST(JsonTest, DuplicateKeysKeepTheLast) {
  EXPECT_EQ(RoundTrip(R"({"a":1,"b":2,"a":3})"), R"({"a":3,"b":2})");
}

TEST(JsonTest, ErrorsCarryOffsets) {
  struct Case {
    std::string json;
    std::string message;
  } cases[] = {
      {"[1,2", "offset"},
      {R"({"a":1,})", "offset"},
      {"tru", "offset"},
      {"1 2", "offset 2"},
      {"[1] x", "offset 4"},
      {"{} {}", "offset 3"},
      {"\"a b\" 2", "offset 6"},
      {"true false", "offset 5"},
      {"", "offset 0"},
      {"[01]", "offset 1"},
      {"[1.]", "offset 1"},
      {"{\"a\" 1}", "offset"},
      {"[\"ok\",\"\xff\"]", "offset 7: invalid UTF-8"},
      {"[\"\\ud800\"]", "offset"},
      {"[\"\\x\"]", "offset"},
      {"[\"tab\there\"]", "offset"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseJson(c.json),
                StatusIs(ErrorCode::kJsonError, HasSubstr("invalid JSON at " + c.message)))
        << c.json;
  }
}

TEST(JsonTest, NumberErrorsNameTheWholeToken) {
  EXPECT_THAT(ParseJson("[01]"), StatusIs(ErrorCode::kJsonError,
                                          HasSubstr("offset 1: invalid number 01")));
  EXPECT_THAT(ParseJson(R"({"a":12x,"b":1})"),
              StatusIs(ErrorCode::kJsonError, HasSubstr("offset 5: invalid number 12x")));
  EXPECT_THAT(ParseJson("[-]"), StatusIs(ErrorCode::kJsonError,
                                         HasSubstr("offset 1: invalid number -")));
  EXPECT_THAT(ParseJson("1e99999999999"),
              StatusIs(ErrorCode::kJsonError, HasSubstr("offset 0: invalid number 1e99999999999")));
  EXPECT_THAT(ParseJson("[1,tru]"),
              StatusIs(ErrorCode::kJsonError, HasSubstr("offset 3: invalid character")));
  EXPECT_THAT(ParseJson("[\"a\"\n"),
              StatusIs(ErrorCode::kJsonError, HasSubstr("offset 5: unexpected end of input")));
  EXPECT_THAT(ParseJson("\"abc"), StatusIs(ErrorCode::kJsonError,
                                           HasSubstr("offset 4: unclosed string")));
}

TEST(JsonTest, StringsOfEveryLengthMatchValueString) {
  // The parser builds short strings itself; they must be the very Value
  // Value::String() makes (operator== on inline strings compares bytes).
  for (bool use_arena : {true, false}) {
    Arena arena;
    for (size_t n = 0; n <= 40; ++n) {
      std::string s;
      for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + i % 26));
      for (const std::string& text : {s, s + "\xc3\xa9", s + "\\n"}) {
        ASSERT_OK_AND_ASSIGN(Value v, ParseJson("[\"" + text + "\"," + "\"" + text + "\"]",
                                                use_arena ? &arena : nullptr));
        std::string want = text.size() >= 2 && text.substr(text.size() - 2) == "\\n"
                               ? text.substr(0, text.size() - 2) + "\n"
                               : text;
        Value expected = Value::String(want);
        for (size_t k = 0; k < 2; ++k) {
          EXPECT_EQ(v[k], expected) << text;
          EXPECT_EQ(v[k].is_inline_string(), expected.is_inline_string()) << text;
          if (expected.is_inline_string()) {
            EXPECT_EQ(v[k].raw_lo(), expected.raw_lo()) << text;
            EXPECT_EQ(v[k].raw_hi(), expected.raw_hi()) << text;
          }
        }
      }
    }
  }
}

TEST(JsonTest, ShortDecimalsMatchValueNumber) {
  // Plain decimals of up to 15 digits take a fast path; each must be the
  // canonical Value that Value::Number() (the exact parser) gives.
  std::mt19937_64 rng(99);
  for (int t = 0; t < 20000; ++t) {
    int int_digits = 1 + static_cast<int>(rng() % 8);
    int frac_digits = static_cast<int>(rng() % 8);
    std::string text = rng() % 3 == 0 ? "-" : "";
    for (int i = 0; i < int_digits; ++i) {
      const bool lead = i == 0 && int_digits > 1;  // no leading zero
      text.push_back(static_cast<char>('0' + (lead ? 1 + rng() % 9 : rng() % 10)));
    }
    if (frac_digits > 0) {
      text.push_back('.');
      for (int i = 0; i < frac_digits; ++i) text.push_back(static_cast<char>('0' + rng() % 10));
    }
    ASSERT_OK_AND_ASSIGN(Value parsed, ParseJson(text));
    ASSERT_OK_AND_ASSIGN(Value exact, Value::Number(text));
    EXPECT_EQ(parsed.raw_lo(), exact.raw_lo()) << text;
    EXPECT_EQ(parsed.raw_hi(), exact.raw_hi()) << text;
  }
}

TEST(JsonTest, UnsortedAndRepeatedKeysInArenaObjects) {
  Arena arena;
  std::string big = "{";
  for (int i = 40; i > 0; --i) {
    big += "\"k" + std::to_string(i % 25) + "\":" + std::to_string(i) + ",";
  }
  big += "\"a-key-longer-than-thirteen\":0}";
  for (Arena* a : {&arena, static_cast<Arena*>(nullptr)}) {
    EXPECT_EQ(ToJson(*ParseJson(R"({"c":1,"a-long-key-here":2,"b":3,"a":4})", a)),
              R"({"a":4,"a-long-key-here":2,"b":3,"c":1})");
    EXPECT_EQ(ToJson(*ParseJson(R"({"b":1,"a":2,"b":3,"a":4,"b":5})", a)), R"({"a":4,"b":5})");
    ASSERT_OK_AND_ASSIGN(Value v, ParseJson(big, a));
    EXPECT_EQ(v.size(), 26u);
    EXPECT_EQ(*v.Get("k3"), Value::Int(3));  // 28 came first, 3 last
    EXPECT_EQ(*v.Get("a-key-longer-than-thirteen"), Value::Int(0));
  }
}

TEST(JsonTest, DeepNestingIsAnErrorNotACrash) {
  auto nested = [](int depth) {
    return std::string(static_cast<size_t>(depth), '[') + std::string(static_cast<size_t>(depth), ']');
  };
  EXPECT_OK(ParseJson(nested(limits::kMaxJsonDepth)));
  EXPECT_THAT(ParseJson(nested(limits::kMaxJsonDepth + 1)),
              StatusIs(ErrorCode::kJsonError, HasSubstr("nesting")));
  EXPECT_THAT(ParseJson(nested(100000)), StatusIs(ErrorCode::kJsonError));
  std::string objects;
  for (int i = 0; i < 5000; ++i) objects += "{\"a\":";
  objects += "1" + std::string(5000, '}');
  EXPECT_THAT(ParseJson(objects), StatusIs(ErrorCode::kJsonError));
}

TEST(JsonTest, ArenaParsingAndReuse) {
  Arena arena;
  JsonParser parser;
  std::string doc = R"({"user":{"name":"alice","roles":["admin","a-role-with-a-long-name"]},"n":1.5})";
  ASSERT_OK_AND_ASSIGN(Value first, parser.Parse(doc, &arena));
  std::string text = ToJson(first);
  EXPECT_EQ(first.Get("user")->Get("name")->as_string(), "alice");
  arena.Reset();
  size_t reserved = arena.bytes_reserved();
  for (int i = 0; i < 100; ++i) {
    ASSERT_OK_AND_ASSIGN(Value v, parser.Parse(doc, &arena));
    EXPECT_EQ(ToJson(v), text);
    arena.Reset();
  }
  EXPECT_EQ(arena.bytes_reserved(), reserved);
}

TEST(JsonTest, LargeObjectsAreIndexed) {
  std::string doc = "{";
  for (int i = 0; i < 5000; ++i) {
    if (i > 0) doc += ",";
    doc += "\"user" + std::to_string(i) + "\":" + std::to_string(i);
  }
  doc += "}";
  Arena arena;
  ASSERT_OK_AND_ASSIGN(Value v, ParseJson(doc, &arena));
  ASSERT_EQ(v.size(), 5000u);
  for (int i = 0; i < 5000; i += 7) {
    const Value* x = v.Get("user" + std::to_string(i));
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(*x, Value::Int(i));
  }
  EXPECT_EQ(v.Get("user5000"), nullptr);
}

// Documents past kLargeAllocationBytes take the big-buffer paths: the
// parser's text copy and value stack are mapped, and so are the arena's
// chunks. An object of 300,000 members and an array of 300,000 items.
TEST(JsonTest, BigDocumentsParseThroughMappedBuffers) {
  std::string doc = R"({"members":{)";
  for (int i = 0; i < 300000; ++i) {
    doc += (i > 0 ? ",\"k" : "\"k") + std::to_string(i) + "\":[" + std::to_string(i) + "]";
  }
  doc += R"(},"items":[)";
  for (int i = 0; i < 300000; ++i) doc += (i > 0 ? "," : "") + std::to_string(i * 3);
  doc += "]}";
  ASSERT_GT(doc.size(), size_t{4} << 20);
  for (bool arena_parse : {true, false}) {
    Arena arena;
    ASSERT_OK_AND_ASSIGN(Value v, ParseJson(doc, arena_parse ? &arena : nullptr));
    ASSERT_EQ(v.Get("members")->size(), 300000u);
    EXPECT_EQ(*v.Get("members")->Get("k299999"), *ParseJson("[299999]"));
    ASSERT_EQ(v.Get("items")->size(), 300000u);
    EXPECT_EQ((*v.Get("items"))[123456], Value::Int(123456 * 3));
    if (arena_parse) {
      EXPECT_GT(arena.bytes_used(), size_t{300000} * 32);
      EXPECT_GE(arena.bytes_reserved(), arena.bytes_used());
    }
  }
  // The same parser again, with a smaller document: the buffers are reused.
  JsonParser parser;
  ASSERT_OK(parser.Parse(doc, nullptr));
  ASSERT_OK_AND_ASSIGN(Value small, parser.Parse(R"({"a":[1,2]})", nullptr));
  EXPECT_EQ(ToJson(small), R"({"a":[1,2]})");
}

TEST(JsonTest, ParseInPlaceLeavesTheTextAsItWas) {
  for (size_t spare : {size_t{0}, value::kJsonPaddingBytes}) {
    std::string text = R"({"b":[1,"two",{"c":null}],"a":"x"})";
    const std::string original = text;
    text.reserve(text.size() + spare);
    Arena arena;
    ASSERT_OK_AND_ASSIGN(Value v, value::ParseJsonInPlace(&text, &arena));
    EXPECT_EQ(ToJson(v), R"({"a":"x","b":[1,"two",{"c":null}]})");
    EXPECT_EQ(text, original);
  }
  std::string bad = "[1, 2";
  EXPECT_THAT(value::ParseJsonInPlace(&bad, nullptr), StatusIs(ErrorCode::kJsonError));
  EXPECT_EQ(bad, "[1, 2");
  // A NUL inside the text is still an error, not the end.
  std::string nul("[1]\0[2]", 7);
  EXPECT_THAT(value::ParseJsonInPlace(&nul, nullptr), StatusIs(ErrorCode::kJsonError));
}

TEST(JsonTest, MutatedDocumentsNeverCrashAndRoundTrip) {
  // Random byte edits of valid documents: each parse either fails with a
  // json_error or yields a value whose canonical text parses back to it.
  const std::string seeds[] = {
      R"({"a":[1,2.5,-3e10,"x\u00e9",true,null],"b":{"c":"d","e":[]},"f":12345678901234567890})",
      R"([{"k":"v"},[[[]]],"\ud83d\ude00",0.1,1e400,-0])",
  };
  std::mt19937 rng(1234);
  const char alphabet[] = "{}[]\",:0123456789.eE+-tfnulrsa \\\x80\xff";
  int parsed = 0;
  for (int t = 0; t < 4000; ++t) {
    std::string doc = seeds[t % 2];
    int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      size_t at = rng() % doc.size();
      switch (rng() % 3) {
        case 0:
          doc[at] = alphabet[rng() % (sizeof(alphabet) - 1)];
          break;
        case 1:
          doc.erase(at, 1);
          break;
        default:
          doc.insert(at, 1, alphabet[rng() % (sizeof(alphabet) - 1)]);
          break;
      }
      if (doc.empty()) doc = "x";
    }
    absl::StatusOr<Value> v = ParseJson(doc);
    if (!v.ok()) {
      EXPECT_THAT(v, StatusIs(ErrorCode::kJsonError, HasSubstr("invalid JSON at offset"))) << doc;
      continue;
    }
    ++parsed;
    std::string text = ToJson(*v);
    absl::StatusOr<Value> again = ParseJson(text);
    ASSERT_OK(again) << text;
    EXPECT_EQ(*again, *v) << text;
    EXPECT_EQ(ToJson(*again), text);
  }
  EXPECT_GT(parsed, 0);
}

TEST(JsonTest, Utf8Helpers) {
  uint32_t rune = 0;
  EXPECT_EQ(value::DecodeUtf8("\xf0\x9f\x98\x80", &rune), 4u);
  EXPECT_EQ(rune, 0x1F600u);
  EXPECT_EQ(value::DecodeUtf8("\xf4\x90\x80\x80", &rune), 0u);  // > U+10FFFF
  EXPECT_EQ(value::FirstInvalidUtf8("abc\xc3\xa9\xff"), 5u);
  EXPECT_EQ(value::FirstInvalidUtf8("abc"), 3u);
}

}  // namespace
}  // namespace verdict
