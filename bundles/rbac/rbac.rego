# Role-based access control: the RBAC example of OPA's documentation, a pet
# store whose users hold roles (data.user_roles) and whose roles grant
# actions on types of object (data.role_grants).
#
# A request asks
#
#   data.app.rbac.allow
#
# with the request as input:
#
#   {"user": "bob", "action": "update", "object": "id123", "type": "dog"}
#
# and gets true or false. Administrators may do anything; anyone else needs
# one of their roles to grant this action on this type. Unknown users hold
# no roles, so they are denied.
#
# DESIGN.md's target for this policy: under 200 ns per decision with the
# input already parsed (bench/eval_benchmark.cc, BM_Decision/rbac/*).
package app.rbac

import rego.v1

default allow := false

allow if user_is_admin

allow if {
	some grant in user_is_granted
	input.action == grant.action
	input.type == grant.type
}

# "admin" is among the user's roles.
user_is_admin if "admin" in data.user_roles[input.user]

# Every grant of every role the user holds.
user_is_granted contains grant if {
	some role in data.user_roles[input.user]
	some grant in data.role_grants[role]
}
