// Tests for lib/builtins/go_template.cc: strings.render_template with Go
// text/template semantics over OPA's conversion of the variables.
#include "builtin_testing.h"

namespace verdict::builtins {
namespace {

using testing::EvalV;
using testing::J;
using testing::Str;

// Renders [tmpl] with the JSON object [vars]: the output, or "error: ...".
std::string Render(std::string_view tmpl, std::string_view vars = "{}") {
  std::string out = EvalV("strings.render_template", {Str(tmpl), J(vars)});
  if (out.rfind("error: ", 0) == 0) return out;
  absl::StatusOr<Value> s = ParseJson(out);
  return s.ok() && s->is_string() ? std::string(s->as_string()) : out;
}

TEST(RenderTemplateTest, FieldsAndValues) {
  EXPECT_EQ(Render("{{.test}}", R"({"test": "hello world"})"), "hello world");
  EXPECT_EQ(Render("{{.n}} {{.f}} {{.b}} {{.big}}",
                   R"({"n": 2023, "f": 1.5, "b": true, "big": 123456789012345678901234})"),
            "2023 1.5 true 123456789012345678901234");
  EXPECT_EQ(Render("{{.a.b.c}}", R"({"a": {"b": {"c": "deep"}}})"), "deep");
  // Composite values print as Go's fmt does.
  EXPECT_EQ(Render("{{.l}} {{.m}}", R"({"l": [1, "a", null, [2]], "m": {"k": "v", "a": 1}})"),
            "[1 a <nil> [2]] map[a:1 k:v]");
  EXPECT_EQ(Render("{{.}}", R"({"x": 1})"), "map[x:1]");
  EXPECT_EQ(Render("text only"), "text only");
}

TEST(RenderTemplateTest, MissingKeysAreUndefined) {
  EXPECT_EQ(Render("{{.testvarnotprovided}}", R"({"test": "x"})"), "<undefined>");
  EXPECT_EQ(Render("test {{.foo}} {{.bar}} {{.baz}}", R"({"baz": 1})"),
            "test <undefined> <undefined> 1");
  EXPECT_EQ(Render("{{.a.b}}"), "<undefined>");
  EXPECT_EQ(Render("{{.n}}", R"({"n": null})"), "<undefined>");
  EXPECT_EQ(Render("{{.n.x}}", R"({"n": null})"),
            "error: strings.render_template: template: template:1:2: executing \"template\" "
            "at <.n.x>: nil pointer evaluating interface {}.x");
  EXPECT_EQ(Render("{{.s.x}}", R"({"s": "str"})"),
            "error: strings.render_template: template: template:1:2: executing \"template\" "
            "at <.s.x>: can't evaluate field x in type string");
}

TEST(RenderTemplateTest, RangeIfElse) {
  EXPECT_EQ(Render("{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}",
                   R"({"hellonames": ["rohan", "john doe"]})"),
            "hello rohan,hello john doe");
  EXPECT_EQ(Render("{{range .xs}}[{{.}}]{{else}}none{{end}}", R"({"xs": []})"), "none");
  EXPECT_EQ(Render("{{range .xs}}[{{.}}]{{else}}none{{end}}"), "none");
  EXPECT_EQ(Render("{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}", R"({"m": {"b": 2, "a": 1}})"),
            "a=1;b=2;");
  EXPECT_EQ(Render("{{range $v := .xs}}{{if eq $v \"stop\"}}{{break}}{{end}}{{$v}}{{end}}",
                   R"({"xs": ["a", "b", "stop", "c"]})"),
            "ab");
  EXPECT_EQ(Render("{{range .xs}}{{if not .}}{{continue}}{{end}}{{.}}{{end}}",
                   R"({"xs": ["a", "", "b"]})"),
            "ab");
  EXPECT_EQ(Render("{{range 3}}{{.}}{{end}}"), "012");
  EXPECT_EQ(Render("{{if .a}}A{{else if .b}}B{{else}}C{{end}}", R"({"b": true})"), "B");
  EXPECT_EQ(Render("{{if .a}}A{{else if .b}}B{{else}}C{{end}}", R"({"b": false})"), "C");
  EXPECT_EQ(Render("{{with .u}}{{.name}}{{else}}anonymous{{end}}", R"({"u": {"name": "al"}})"),
            "al");
  EXPECT_EQ(Render("{{with .u}}{{.name}}{{else}}anonymous{{end}}"), "anonymous");
  // A data number is a json.Number: a non-empty string, so always true.
  EXPECT_EQ(Render("{{if .zero}}yes{{end}}", R"({"zero": 0})"), "yes");
  EXPECT_EQ(Render("{{if 0}}yes{{else}}no{{end}}"), "no");
}

TEST(RenderTemplateTest, VariablesAndPipelines) {
  EXPECT_EQ(Render("{{$x := .a}}{{$x}}-{{$x = \"b\"}}{{$x}}", R"({"a": "a"})"), "a-b");
  EXPECT_EQ(Render("{{$.a}}{{range .l}}{{$.a}}{{end}}", R"({"a": "x", "l": [1, 2]})"), "xxx");
  EXPECT_EQ(Render("{{.a | printf \"%s-%s\" .b}}", R"({"a": "A", "b": "B"})"), "B-A");
  EXPECT_EQ(Render("{{len .l | printf \"%d items\"}}", R"({"l": [1, 2, 3]})"), "3 items");
  EXPECT_EQ(Render("{{(index .l 1).n}}", R"({"l": [{"n": 1}, {"n": 2}]})"), "2");
  EXPECT_EQ(Render("{{index .m \"k\"}}", R"({"m": {"k": "v"}})"), "v");
  EXPECT_EQ(Render("{{slice .s 1 3}} {{slice .l 1}}", R"({"s": "abcd", "l": [1, 2, 3]})"),
            "bc [2 3]");
  EXPECT_EQ(Render("{{and .a .b}} {{or .a .b}} {{not .a}}", R"({"a": "", "b": "y"})"), " y true");
  EXPECT_EQ(Render("{{eq .s \"x\" \"y\"}} {{ne 1 2}} {{lt 1 2}} {{ge \"b\" \"a\"}}",
                   R"({"s": "y"})"),
            "true true true true");
  EXPECT_EQ(Render("{{eq .n \"5\"}}", R"({"n": 5})"), "true");
  EXPECT_EQ(Render("{{print 1 2 \"a\" \"b\" 3}}|{{println \"x\" 1}}"), "1 2ab3|x 1\n");
  EXPECT_EQ(Render("{{html \"<a href='x'>&\"}} {{js \"it's\"}} {{urlquery \"a b&c\"}}"),
            "&lt;a href=&#39;x&#39;&gt;&amp; it\\'s a+b%26c");
  EXPECT_EQ(Render("{{printf \"%05.1f|%x|%q\" 3.14159 255 \"q\"}}"), "003.1|ff|\"q\"");
  EXPECT_EQ(Render("{{0x10}} {{'a'}} {{1e3}} {{-2}} {{1.5}}"), "16 97 1000 -2 1.5");
}

TEST(RenderTemplateTest, TrimMarkersAndComments) {
  EXPECT_EQ(Render("a  {{- .x -}}  b", R"({"x": "X"})"), "aXb");
  EXPECT_EQ(Render("a {{/* note */}}b"), "a b");
  EXPECT_EQ(Render("a \n{{- /* note */ -}}\n b"), "ab");
  EXPECT_EQ(Render("{{range .l -}}\n  {{.}}\n{{- end}}", R"({"l": [1, 2]})"), "12");
}

TEST(RenderTemplateTest, Errors) {
  std::string p = "error: strings.render_template: template: template:";
  EXPECT_EQ(Render("{{foo .x}}"), p + "1: function \"foo\" not defined");
  EXPECT_EQ(Render("{{.x"), p + "1: unclosed action");
  EXPECT_EQ(Render("{{if .x}}a"), p + "1: unexpected EOF");
  EXPECT_EQ(Render("a{{end}}"), p + "1: unexpected {{end}}");
  EXPECT_EQ(Render("{{$y}}"), p + "1: undefined variable \"$y\"");
  EXPECT_EQ(Render("\n{{break}}"), p + "2: {{break}} outside {{range}}");
  EXPECT_EQ(Render("{{define \"t\"}}x{{end}}"),
            p + "1: {{define}} is not supported by strings.render_template");
  EXPECT_EQ(Render("{{index .l 5}}", R"({"l": [1]})"),
            p + "1:2: executing \"template\" at <index .l 5>: error calling index: index out of "
                "range: 5");
  EXPECT_EQ(Render("{{lt .a 1}}", R"({"a": 5})"),
            p + "1:2: executing \"template\" at <lt .a 1>: error calling lt: incompatible types "
                "for comparison");
  EXPECT_EQ(Render("{{range .s}}{{end}}", R"({"s": "str"})"),
            p + "1:8: executing \"template\" at <.s>: range can't iterate over str");
  // Operand types are OPA's.
  EXPECT_EQ(EvalV("strings.render_template", {Value::Int(1), J("{}")}),
            "error: strings.render_template: operand 1 must be string but got number");
  EXPECT_EQ(EvalV("strings.render_template", {Str("x"), J("[]")}),
            "error: strings.render_template: operand 2 must be object but got array");
}

TEST(RenderTemplateTest, RegoValuesBecomeGoValues) {
  // Sets become (sorted) arrays, as OPA's conversion makes them.
  ObjectBuilder vars;
  vars.Add(Str("s"), testing::Set({Str("b"), Str("a")}));
  EXPECT_EQ(EvalV("strings.render_template", {Str("{{range .s}}{{.}}{{end}}"), vars.Build()}),
            R"("ab")");
}

}  // namespace
}  // namespace verdict::builtins
