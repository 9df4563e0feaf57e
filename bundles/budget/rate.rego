# Rate limits for data.budget.decision (see budget.rego for the input).
#
# Rollouts: at most tiers[t].max_rollouts_per_day in any 24 hours, counted
# from input.recent_rollouts (RFC 3339 times) back from now. Rollbacks are
# exempt: they undo change rather than add it.
#
# API calls: a token bucket seen from outside. In a window of W seconds a
# service may make requests_per_minute * W / 60 requests (rounded down) plus
# the tier's burst allowance.
package budget

import rego.v1

day_ns := (24 * 60) * 60000000000

rollouts_last_day := count([t |
	some t in input.recent_rollouts
	ran := time.parse_rfc3339_ns(t)
	ran <= now_ns
	now_ns - ran < day_ns
])

deny contains sprintf("rollout limit: %d rollouts in the last 24h, %s services may make %d", [rollouts_last_day, service.tier, tier.max_rollouts_per_day]) if {
	rollout
	change != "rollback"
	rollouts_last_day >= tier.max_rollouts_per_day
}

deny contains sprintf("recent rollout time %v is not an RFC 3339 time", [t]) if {
	rollout
	some t in input.recent_rollouts
	not time.parse_rfc3339_ns(t)
}

api_allowance := floor((tier.requests_per_minute * input.traffic.window_seconds) / 60) + tier.burst

deny contains "api requests need traffic.requests and traffic.window_seconds > 0" if {
	operation.kind == "api"
	not valid_traffic
}

valid_traffic if {
	is_number(input.traffic.requests)
	input.traffic.window_seconds > 0
}

deny contains sprintf("rate limit: %v requests in %vs exceeds %v for %s services", [input.traffic.requests, input.traffic.window_seconds, api_allowance, service.tier]) if {
	operation.kind == "api"
	valid_traffic
	input.traffic.requests > api_allowance
}

warn contains sprintf("%d%% of the request allowance used", [round((input.traffic.requests * 100) / api_allowance)]) if {
	operation.kind == "api"
	valid_traffic
	input.traffic.requests <= api_allowance
	input.traffic.requests >= 0.8 * api_allowance
}
