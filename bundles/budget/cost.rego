# Cost quotas for data.budget.decision (see budget.rego for the input).
#
# Any operation that carries cost.estimate_usd is charged to the team that
# owns the service (data.budget.services[s].team). Month-to-date spend plus
# the estimate must stay within the team's monthly_quota_usd. A "hard" quota
# stops there; a "soft" quota allows soft_limit_pct percent more with a
# warning, so a batch job is not cut off a few dollars short.
package budget

import rego.v1

team := data.budget.teams[service.team]

projected_spend := input.cost.month_to_date_usd + input.cost.estimate_usd

costed if input.cost.estimate_usd != null

# Quotas are hard unless they say otherwise.
hard_limit := team.monthly_quota_usd if team.overage != "soft"

# quota * (100 + pct) / 100 rather than quota * (1 + pct / 100): whole
# numbers stay whole ($6000, not $6000.000000000001).
hard_limit := (team.monthly_quota_usd * (100 + team.soft_limit_pct)) / 100 if team.overage == "soft"

deny contains sprintf("team %s has no cost quota", [service.team]) if {
	costed
	not team
}

deny contains "cost.estimate_usd and cost.month_to_date_usd must be numbers" if {
	costed
	not valid_cost
}

valid_cost if {
	is_number(input.cost.estimate_usd)
	is_number(input.cost.month_to_date_usd)
}

deny contains sprintf("cost quota: team %s would spend $%v of its $%v monthly quota", [service.team, projected_spend, team.monthly_quota_usd]) if {
	costed
	projected_spend > hard_limit
}

warn contains sprintf("team %s goes over its $%v monthly quota (soft limit $%v)", [service.team, team.monthly_quota_usd, hard_limit]) if {
	costed
	team.overage == "soft"
	projected_spend > team.monthly_quota_usd
	projected_spend <= hard_limit
}

warn contains sprintf("team %s has used %d%% of its monthly quota", [service.team, round((projected_spend * 100) / team.monthly_quota_usd)]) if {
	costed
	projected_spend <= team.monthly_quota_usd
	projected_spend >= 0.9 * team.monthly_quota_usd
}
