# When deployments may happen: change freezes and break-glass exceptions
# (see deploy.rego for the input).
#
# The current time is input.now (RFC 3339) when given, so that decisions
# can be replayed; otherwise the engine's clock (time.now_ns). Freezes apply
# to environments whose settings say freezes_apply:
#   data.deploy.freezes         calendar windows [start, end)
#   data.deploy.weekly_freezes  days of the week (UTC), from an hour onwards
#
# A break-glass exception (input.break_glass) lets an incident fix through a
# freeze without the usual approvals. It is valid only when
#   - it names an incident ticket (INC-nnnn),
#   - it is approved by one of data.deploy.break_glass_policy.approvers,
#     who is not the person deploying,
#   - now lies in [issued_at, expires_at), and
#   - it lasts no longer than data.deploy.break_glass_policy.max_hours.
# An exception that is presented but invalid is reported with its reasons.
package deploy

import rego.v1

now_ns := time.parse_rfc3339_ns(input.now) if input.now

now_ns := time.now_ns() if not input.now

deny contains sprintf("now %v is not an RFC 3339 time", [input.now]) if {
	input.now
	not now_ns
}

# --- freezes -------------------------------------------------------------------

active_freezes contains f.name if {
	env.freezes_apply
	some f in data.deploy.freezes
	deployment.environment in f.environments
	time.parse_rfc3339_ns(f.start) <= now_ns
	now_ns < time.parse_rfc3339_ns(f.end)
}

active_freezes contains f.name if {
	env.freezes_apply
	some f in data.deploy.weekly_freezes
	deployment.environment in f.environments
	time.weekday(now_ns) in f.days
	time.clock(now_ns)[0] >= f.from_hour
}

deny contains sprintf("%s is frozen (%s)", [deployment.environment, concat(", ", sort(active_freezes))]) if {
	count(active_freezes) > 0
	not break_glass_active
}

# --- break glass ---------------------------------------------------------------

break_glass := input.break_glass

break_glass_problems contains "break-glass needs an incident ticket (INC-nnnn)" if {
	not regex.match(`^INC-[0-9]+$`, break_glass.ticket)
}

break_glass_problems contains "break-glass needs an approver" if not break_glass.approved_by

break_glass_problems contains sprintf("break-glass approver %v is not allowed to approve", [break_glass.approved_by]) if {
	break_glass.approved_by
	not break_glass.approved_by in data.deploy.break_glass_policy.approvers
}

break_glass_problems contains "break-glass cannot be approved by the person deploying" if {
	break_glass.approved_by == deployment.requested_by
}

break_glass_problems contains "break-glass needs issued_at and expires_at (RFC 3339)" if {
	not break_glass_window
}

break_glass_problems contains "break-glass cannot be checked without a valid time" if not now_ns

break_glass_problems contains "break-glass is not valid yet" if {
	[issued, _] := break_glass_window
	now_ns < issued
}

break_glass_problems contains sprintf("break-glass expired at %s", [break_glass.expires_at]) if {
	[_, expires] := break_glass_window
	now_ns >= expires
}

break_glass_problems contains sprintf("break-glass may last at most %d hours", [data.deploy.break_glass_policy.max_hours]) if {
	[issued, expires] := break_glass_window
	expires - issued > data.deploy.break_glass_policy.max_hours * 3600000000000
}

break_glass_window := [time.parse_rfc3339_ns(break_glass.issued_at), time.parse_rfc3339_ns(break_glass.expires_at)]

default break_glass_active := false

break_glass_active if {
	break_glass
	count(break_glass_problems) == 0
}

deny contains problem if {
	break_glass
	some problem in break_glass_problems
}
