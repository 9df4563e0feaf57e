# Tests for data.app.rbac.allow: `policyc test bundles/rbac`.
#
# One test per kind of decision in inputs.jsonl: the administrator, a grant
# of one role, a grant of a user's second role, the right action on the
# wrong type, an unknown user, and no input at all.
package app.rbac

import rego.v1

request(user, action, type) := {"user": user, "action": action, "object": "id123", "type": type}

test_admin_may_do_anything if {
	allow with input as request("alice", "delete", "finance")
	user_is_admin with input as request("alice", "read", "dog")
}

test_employee_updates_dogs if {
	allow with input as request("bob", "update", "dog")
}

test_second_role_grants_finance if {
	allow with input as request("bob", "read", "finance")
	allow with input as request("bob", "update", "finance")
	not allow with input as request("bob", "delete", "finance")
}

test_customer_adopts_but_does_not_update if {
	allow with input as request("eve", "adopt", "dog")
	not allow with input as request("eve", "update", "dog")
	not allow with input as request("eve", "read", "finance")
}

test_employee_may_not_adopt if {
	not allow with input as request("bob", "adopt", "cat")
}

test_unknown_user_is_denied if {
	not allow with input as request("mallory", "read", "dog")
	count(user_is_granted) == 0 with input as request("mallory", "read", "dog")
}

test_grants_are_the_union_of_the_roles if {
	grants := user_is_granted with input as request("bob", "read", "dog")
	count(grants) == 6
	{"action": "read", "type": "finance"} in grants
	not user_is_admin with input as request("bob", "read", "dog")
}

test_default_is_deny_without_input if {
	not allow
	allow == false
}

test_roles_can_be_replaced_in_data if {
	allow with input as request("eve", "update", "dog") with data.user_roles.eve as ["employee"]
}
