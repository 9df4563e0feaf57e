package fuzz.rules

import rego.v1

default allow := false

allow if {
	input.user == "alice"
	some r in input.roles
	r == "admin"
}

roles contains r if some r in input.roles

by_name[k] := v if {
	some k, v in input.x
}

f(x) := x * 2 if x > 1

f(x) := 0 if x <= 1

g(x) := y if {
	y := x + 1
} else := 7

n := f(input.n) + g(input.n)

every_ok if {
	every r in input.roles {
		is_string(r)
	}
}

msg := $"user {input.user} has {count(roles)} roles"

arr := [x | some x in numbers.range(1, input.n)]

obj := {k: v | some k, v in {"a": 1, "b": 2}}

set := {x | some x in arr; x > 1}

with_input if allow with input as {"user": "alice", "roles": ["admin"]}

neg if not input.missing

t := time.parse_rfc3339_ns(input.t)

ref.head.path := 1
