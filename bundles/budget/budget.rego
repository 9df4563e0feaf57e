# Budget guard: may this operation spend the service's reliability, request
# or money budget?
#
# The platform's control plane asks
#
#   data.budget.decision
#
# before a rollout, an API call burst or a batch job, with input:
#
#   {
#     "now": "2024-10-14T09:00:00Z",             # optional; time.now_ns() otherwise
#     "service": "checkout",
#     "operation": {"kind": "rollout", "change": "feature"},
#                  # kind: rollout | api | job; change (rollouts): feature | fix | rollback
#     "slo": {                                    # rollouts: the SLO window so far
#       "objective": 0.999, "events": 12000000, "bad_events": 3000,
#       "error_ratio_1h": 0.0004, "error_ratio_6h": 0.0006
#     },
#     "recent_rollouts": ["2024-10-13T15:20:00Z"], # rollouts: when earlier ones ran
#     "traffic": {"requests": 5200, "window_seconds": 60},  # api
#     "cost": {"month_to_date_usd": 8200, "estimate_usd": 150}  # any kind
#   }
#
# Result:
#
#   {"allow": bool, "reasons": [sorted], "warnings": [sorted],
#    "error_budget": {"remaining": 0.75, "burn_rate_1h": 0.4, "burn_rate_6h": 0.6} | null}
#
# Guards, each adding to `deny` (or `warn`):
#   error budget  remaining = 1 - bad / ((1 - objective) * events). Feature
#                 rollouts need the tier's min_budget_for_features left; with
#                 the budget exhausted only fixes and rollbacks ship.
#   burn rate     error ratio / (1 - objective) over 1h and 6h, the multi-window
#                 burn-rate alerts of the SRE workbook: a fast burn admits only
#                 rollbacks, a slow burn only fixes and rollbacks.
#   rate limits   rollouts per 24 hours per tier (rollbacks exempt) and API
#                 requests per window (rate.rego)
#   cost quota    the owning team's monthly quota, hard or soft (cost.rego)
#
# Data (data.json, under data.budget): services (team, tier), tiers, burn_rate
# thresholds, teams (cost quotas).
# Tests: budget_test.rego (`policyc test bundles/budget`).
package budget

import rego.v1

decision := {
	"allow": allow,
	"reasons": sort(deny),
	"warnings": sort(warn),
	"error_budget": error_budget_report,
}

default allow := false

allow if count(deny) == 0

service := data.budget.services[input.service]

tier := data.budget.tiers[service.tier]

operation := input.operation

now_ns := time.parse_rfc3339_ns(input.now) if input.now

now_ns := time.now_ns() if not input.now

# --- request shape -----------------------------------------------------------

deny contains "request names no service" if not input.service

deny contains sprintf("unknown service %s", [input.service]) if {
	input.service
	not service
}

deny contains "request names no operation kind" if not operation.kind

deny contains sprintf("unknown operation kind %v", [operation.kind]) if {
	operation.kind
	not operation.kind in {"rollout", "api", "job"}
}

deny contains sprintf("now %v is not an RFC 3339 time", [input.now]) if {
	input.now
	not now_ns
}

# --- error budget and burn rate ----------------------------------------------

slo := input.slo

# Error budget left in the SLO window, as a fraction (negative when overspent).
remaining := 1 if slo.events == 0

remaining := 1 - (slo.bad_events / ((1 - slo.objective) * slo.events)) if slo.events > 0

burn_rate_of(error_ratio) := error_ratio / (1 - slo.objective)

burn_1h := burn_rate_of(slo.error_ratio_1h)

burn_6h := burn_rate_of(slo.error_ratio_6h)

# Thresholds compare burn rates rounded to two decimals: 1 - 0.999 is not
# exactly 0.001 in binary floating point, and that noise must not move a
# decision across a threshold (0.0144 / (1 - 0.999) is 14.4, not 14.3999...).
fast_burn if rounded(burn_1h, 2) >= data.budget.burn_rate.fast.threshold

slow_burn if rounded(burn_6h, 2) >= data.budget.burn_rate.slow.threshold

# Rounded for reports, messages and the burn-rate thresholds.
rounded(x, places) := round(x * scale) / scale if scale := [1, 10, 100, 1000, 10000][places]

percent(fraction) := round(fraction * 100)

slo_known if {
	is_number(remaining)
	is_number(burn_1h)
	is_number(burn_6h)
}

default error_budget_report := null

error_budget_report := {
	"remaining": rounded(remaining, 4),
	"burn_rate_1h": rounded(burn_1h, 2),
	"burn_rate_6h": rounded(burn_6h, 2),
} if slo_known

rollout if operation.kind == "rollout"

change := operation.change

deny contains "rollouts need operation.change (feature, fix or rollback)" if {
	rollout
	not change
}

deny contains sprintf("unknown change type %v (feature, fix or rollback)", [change]) if {
	rollout
	change
	not change in {"feature", "fix", "rollback"}
}

deny contains "rollouts need the service's SLO status (slo.objective, events, bad_events, error ratios)" if {
	rollout
	change != "rollback"
	not slo_known
}

deny contains sprintf("fast burn: 1h burn rate %v >= %v; only rollbacks may ship", [rounded(burn_1h, 2), data.budget.burn_rate.fast.threshold]) if {
	rollout
	change != "rollback"
	fast_burn
}

deny contains sprintf("slow burn: 6h burn rate %v >= %v; only fixes and rollbacks may ship", [rounded(burn_6h, 2), data.budget.burn_rate.slow.threshold]) if {
	rollout
	change == "feature"
	slow_burn
}

deny contains "error budget exhausted; only fixes and rollbacks may ship" if {
	rollout
	change == "feature"
	remaining <= 0
}

below_feature_minimum if {
	remaining > 0
	remaining < tier.min_budget_for_features
}

deny contains sprintf("error budget %d%% is below the %d%% %s services keep for feature rollouts", [percent(remaining), percent(tier.min_budget_for_features), service.tier]) if {
	rollout
	change == "feature"
	below_feature_minimum
}

# Early notice for the team, on rollouts the budget still admits.
warn contains sprintf("error budget down to %d%%", [percent(remaining)]) if {
	rollout
	remaining > 0
	remaining < 2 * tier.min_budget_for_features
	not feature_blocked_by_budget
}

feature_blocked_by_budget if {
	change == "feature"
	below_feature_minimum
}
