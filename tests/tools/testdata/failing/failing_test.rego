# A test file with one test of each outcome, for tests/tools/policyc_tools_test.cc.
# The test checks the exact line numbers below: append, do not insert.
package fixture

import rego.v1

allow if input.user == "alice"

test_alice_is_allowed if allow with input as {"user": "alice"}

test_bob_is_allowed if allow with input as {"user": "bob"}

test_explicitly_false := false

test_non_boolean_value_passes := {"checked": 3}

test_conflict := 1

test_conflict := 2 if true

todo_test_not_written_yet if false
