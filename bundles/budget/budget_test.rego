# Tests for data.budget.decision: `policyc test bundles/budget`.
#
# `feature` is a feature rollout of a critical service with three quarters
# of its error budget left; the other fixtures are an API burst and a batch
# job. Each test changes one attribute. Numbers: the SLO allows
# (1 - 0.999) * 12,000,000 = 12,000 bad events in the window.
package budget

import rego.v1

feature := {
	"now": "2024-10-14T09:00:00Z",
	"service": "checkout",
	"operation": {"kind": "rollout", "change": "feature"},
	"slo": {
		"objective": 0.999, "events": 12000000, "bad_events": 3000,
		"error_ratio_1h": 0.0004, "error_ratio_6h": 0.0006,
	},
	"recent_rollouts": ["2024-10-13T15:20:00Z"],
	"cost": {"month_to_date_usd": 8200, "estimate_usd": 150},
}

api_burst := {
	"service": "search",
	"operation": {"kind": "api"},
	"traffic": {"requests": 1000, "window_seconds": 60},
}

batch_job := {
	"service": "reports",
	"operation": {"kind": "job"},
	"cost": {"month_to_date_usd": 2000, "estimate_usd": 300},
}

with_slo(patch) := object.union(feature, {"slo": patch})

as_change(request, kind) := object.union(request, {"operation": {"change": kind}})

result(request) := d if {
	d := decision with input as request
}

# --- healthy paths -----------------------------------------------------------

test_feature_rollout_with_healthy_budget if {
	result(feature) == {
		"allow": true,
		"reasons": [],
		"warnings": [],
		"error_budget": {"remaining": 0.75, "burn_rate_1h": 0.4, "burn_rate_6h": 0.6},
	}
}

test_default_is_deny_without_input if {
	decision.allow == false
	decision.error_budget == null
	"request names no service" in decision.reasons
}

test_no_traffic_means_full_budget if {
	d := result(with_slo({"events": 0, "bad_events": 0}))
	d.allow
	d.error_budget.remaining == 1
}

# --- error budget ------------------------------------------------------------

test_low_budget_blocks_features_but_not_fixes if {
	# 10,000 of 12,000 bad events spent: 1/6 of the budget left.
	low := with_slo({"bad_events": 10000})
	result(low).reasons == ["error budget 17% is below the 25% critical services keep for feature rollouts"]
	fix := result(as_change(low, "fix"))
	fix.allow
	fix.warnings == ["error budget down to 17%"]
}

test_budget_warning_before_the_minimum if {
	d := result(with_slo({"bad_events": 7800}))
	d.allow
	d.warnings == ["error budget down to 35%"]
}

test_exhausted_budget_admits_fixes_and_rollbacks if {
	spent := with_slo({"bad_events": 15000})
	d := result(spent)
	d.reasons == ["error budget exhausted; only fixes and rollbacks may ship"]
	d.error_budget.remaining == -0.25
	result(as_change(spent, "fix")).allow
	result(as_change(spent, "rollback")).allow
}

test_rollout_needs_slo_status if {
	blind := json.remove(feature, ["slo"])
	d := result(blind)
	d.reasons == ["rollouts need the service's SLO status (slo.objective, events, bad_events, error ratios)"]
	d.error_budget == null
	result(as_change(blind, "rollback")).allow
}

test_partial_slo_status_is_not_enough if {
	d := result(json.remove(feature, ["slo/error_ratio_6h"]))
	d.allow == false
	d.error_budget == null
}

# --- burn rate ---------------------------------------------------------------

test_fast_burn_admits_only_rollbacks if {
	burning := with_slo({"error_ratio_1h": 0.02})
	result(burning).reasons == ["fast burn: 1h burn rate 20 >= 14.4; only rollbacks may ship"]
	result(as_change(burning, "fix")).reasons == ["fast burn: 1h burn rate 20 >= 14.4; only rollbacks may ship"]
	result(as_change(burning, "rollback")).allow
}

test_fast_burn_threshold_is_inclusive if {
	result(with_slo({"error_ratio_1h": 0.0144})).allow == false
	result(with_slo({"error_ratio_1h": 0.0143})).allow
}

test_slow_burn_blocks_features_only if {
	smoldering := with_slo({"error_ratio_6h": 0.007})
	result(smoldering).reasons == ["slow burn: 6h burn rate 7 >= 6; only fixes and rollbacks may ship"]
	result(as_change(smoldering, "fix")).allow
}

test_change_type_is_required if {
	result(json.remove(feature, ["operation/change"])).reasons == ["rollouts need operation.change (feature, fix or rollback)"]
	result(as_change(feature, "hotfix")).reasons == ["unknown change type hotfix (feature, fix or rollback)"]
}

# --- rollout rate limit --------------------------------------------------------

busy_day := [
	"2024-10-13T09:00:01Z",
	"2024-10-13T18:00:00Z",
	"2024-10-14T02:00:00Z",
	"2024-10-14T08:30:00Z",
]

test_rollout_limit_per_day if {
	busy := object.union(feature, {"recent_rollouts": busy_day})
	result(busy).reasons == ["rollout limit: 4 rollouts in the last 24h, critical services may make 4"]
	result(as_change(busy, "rollback")).allow
}

test_rollout_limit_window_is_24_hours if {
	# The first rollout ran 24h (and one second) before now at 09:00:01.
	later := object.union(feature, {"recent_rollouts": busy_day, "now": "2024-10-14T09:00:01Z"})
	result(later).allow
}

test_future_rollouts_do_not_count if {
	planned := array.concat(array.slice(busy_day, 1, 4), ["2024-10-14T12:00:00Z"])
	result(object.union(feature, {"recent_rollouts": planned})).allow
}

test_rollout_limit_follows_the_clock if {
	request := json.remove(object.union(feature, {"recent_rollouts": busy_day}), ["now"])
	morning := time.parse_rfc3339_ns("2024-10-14T09:00:00Z")
	next_day := time.parse_rfc3339_ns("2024-10-15T09:00:00Z")
	not decision.allow with input as request with time.now_ns as morning
	decision.allow with input as request with time.now_ns as next_day
}

test_bad_rollout_times_are_denied if {
	request := object.union(feature, {"recent_rollouts": ["yesterday"]})
	result(request).reasons == ["recent rollout time yesterday is not an RFC 3339 time"]
}

test_bad_now_is_denied if {
	"now soon is not an RFC 3339 time" in result(object.union(feature, {"now": "soon"})).reasons
}

# --- API rate limit ------------------------------------------------------------

test_api_within_rate_limit if {
	result(api_burst) == {"allow": true, "reasons": [], "warnings": [], "error_budget": null}
}

test_api_burst_allowance if {
	# standard: 2,000 requests a minute plus a burst of 200.
	at_limit := object.union(api_burst, {"traffic": {"requests": 2200}})
	result(at_limit).allow
	result(at_limit).warnings == ["100% of the request allowance used"]
	over := object.union(api_burst, {"traffic": {"requests": 2201}})
	result(over).reasons == ["rate limit: 2201 requests in 60s exceeds 2200 for standard services"]
}

test_api_allowance_scales_with_window if {
	short := object.union(api_burst, {"traffic": {"requests": 1300, "window_seconds": 30}})
	result(short).reasons == ["rate limit: 1300 requests in 30s exceeds 1200 for standard services"]
}

test_api_needs_traffic if {
	result(json.remove(api_burst, ["traffic"])).reasons == ["api requests need traffic.requests and traffic.window_seconds > 0"]
	zero := object.union(api_burst, {"traffic": {"window_seconds": 0}})
	result(zero).reasons == ["api requests need traffic.requests and traffic.window_seconds > 0"]
}

# --- cost quota ----------------------------------------------------------------

test_hard_quota_stops_spending if {
	over := object.union(feature, {"cost": {"month_to_date_usd": 19900}})
	result(over).reasons == ["cost quota: team payments would spend $20050 of its $20000 monthly quota"]
}

test_quota_warning_near_the_limit if {
	near := object.union(feature, {"cost": {"month_to_date_usd": 18000}})
	d := result(near)
	d.allow
	d.warnings == ["team payments has used 91% of its monthly quota"]
}

test_soft_quota_allows_overage_with_warning if {
	# analytics: $5,000 a month, 20% overage allowed.
	over := object.union(batch_job, {"cost": {"month_to_date_usd": 5500}})
	d := result(over)
	d.allow
	d.warnings == ["team analytics goes over its $5000 monthly quota (soft limit $6000)"]
	beyond := object.union(batch_job, {"cost": {"month_to_date_usd": 5900}})
	result(beyond).reasons == ["cost quota: team analytics would spend $6200 of its $5000 monthly quota"]
}

test_job_within_quota if {
	result(batch_job).allow
	result(batch_job).warnings == []
}

test_cost_must_be_numbers if {
	bad := object.union(batch_job, {"cost": {"estimate_usd": "300"}})
	result(bad).reasons == ["cost.estimate_usd and cost.month_to_date_usd must be numbers"]
	missing := json.remove(batch_job, ["cost/month_to_date_usd"])
	result(missing).reasons == ["cost.estimate_usd and cost.month_to_date_usd must be numbers"]
}

test_operations_without_cost_are_not_charged if {
	result(json.remove(batch_job, ["cost"])).allow
}

# --- request shape -------------------------------------------------------------

test_unknown_service_is_denied if {
	result(object.union(batch_job, {"service": "mystery"})).reasons == ["unknown service mystery"]
}

test_operation_kind_is_required if {
	result(json.remove(batch_job, ["operation"])).reasons == ["request names no operation kind"]
	result(object.union(batch_job, {"operation": {"kind": "migrate"}})).reasons == ["unknown operation kind migrate"]
}

test_team_without_quota_is_denied_spending if {
	d := result(batch_job) with data.budget.services.reports as {"team": "growth", "tier": "best_effort"}
	d.reasons == ["team growth has no cost quota"]
}

test_api_allowance_rounds_down if {
	# 2,000 a minute over 20s is 666.67 requests: 666 plus the burst of 200.
	odd := object.union(api_burst, {"traffic": {"requests": 867, "window_seconds": 20}})
	result(odd).reasons == ["rate limit: 867 requests in 20s exceeds 866 for standard services"]
}
