package fixture.admins

import rego.v1

test_alice_is_admin if is_admin("alice")

test_mallory_is_not_admin if not is_admin("mallory")

test_noon_is_business_hours if {
	noon := time.parse_rfc3339_ns("2024-05-01T12:00:00Z")
	business_hours with time.now_ns as noon
}

test_midnight_is_not_business_hours if {
	midnight := time.parse_rfc3339_ns("2024-05-01T00:00:00Z")
	not business_hours with time.now_ns as midnight
}

todo_test_weekends if false
