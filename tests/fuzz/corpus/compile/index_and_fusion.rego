package fuzz.idx

default allow := false

allow if {
	input.method == "GET"
	input.path == ["api", "v1"]
	"admin" in input.roles
}

allow if {
	input.method == "POST"
	input.user == "bob"
}

allow if input.user == "alice"

roles contains "reader" if input.method == "GET"

roles contains "owner" if input.user == "alice"

roles contains r if some r in input.roles

admins contains u if {
	some u in users
	u != "carol"
}

users contains u if some u in ["alice", "bob", "carol"]

first_admin := u if {
	some u in admins
	startswith(u, "a")
}

f(x) := 1 if x == "GET"

f(x) := 2 if x == "POST"

f(x) := 3 if not x in {"GET", "POST"}

g := f(input.method)

count_roles := count([r | some r in roles])
