# A passing test suite that reads data.json and mocks the clock, for
# tests/tools/policyc_tools_test.cc.
package fixture.admins

import rego.v1

is_admin(user) if user in data.fixture.admins.names

business_hours if {
	[hour, _, _] := time.clock(time.now_ns())
	hour >= 9
	hour < 17
}
