# Deployment gates: may this release go to this environment now?
#
# The deploy controller asks
#
#   data.deploy.decision
#
# before rolling out, with input:
#
#   {
#     "now": "2024-11-12T10:30:00Z",           # optional; time.now_ns() otherwise
#     "deployment": {
#       "service": "checkout",
#       "environment": "production",             # dev | staging | production
#       "requested_by": "dev-amir",
#       "image": {
#         "ref": "registry.platform.example.com/payments/checkout@sha256:<64 hex>",
#         "signature": {"key_id": "release-2024", "verified": true}
#       },
#       "tests": {"passed": true},
#       "approvals": ["lead-sam", "sre-kim"],
#       "change_ticket": "CHG-20417",
#       "rollback": {"previous_version": "4.12.0", "plan": "https://runbooks.example.com/checkout/rollback"}
#     },
#     "break_glass": {                           # optional emergency exception
#       "ticket": "INC-3321", "approved_by": "sre-lead-kim",
#       "issued_at": "2024-11-30T09:00:00Z", "expires_at": "2024-11-30T11:00:00Z"
#     }
#   }
#
# Result: {"allow": bool, "reasons": [sorted objections], "break_glass": bool}
# (break_glass: a valid exception was presented and applied).
#
# Gates, by file:
#   images.rego   the image comes from an allowed registry and repository, is
#                 pinned by digest and signed with a known, current key
#   windows.rego  change freezes (calendar and weekly) and break-glass
#                 exceptions, which expire
#   deploy.rego   per-environment gates (tests, approvals, change ticket) and
#                 the rollback plan
# Each environment's settings are in data.deploy.environments. A valid
# break-glass exception waives freezes, approvals and the change ticket, never
# the supply-chain checks on the image or the rollback plan.
#
# Tests: deploy_test.rego (`policyc test bundles/deploy`).
package deploy

import rego.v1

decision := {
	"allow": allow,
	"reasons": sort(deny),
	"break_glass": break_glass_active,
}

default allow := false

allow if count(deny) == 0

deployment := input.deployment

env := data.deploy.environments[deployment.environment]

# --- request shape -----------------------------------------------------------

deny contains "deployment has no service" if not deployment.service

deny contains "deployment has no requester" if not deployment.requested_by

deny contains "deployment has no environment" if not deployment.environment

deny contains sprintf("unknown environment %s", [deployment.environment]) if {
	deployment.environment
	not env
}

# --- per-environment gates -----------------------------------------------------

deny contains sprintf("tests must pass before deploying to %s", [deployment.environment]) if {
	env.require_tests
	not deployment.tests.passed == true
}

# Approvers other than the requester, each counted once.
approvers := {a | some a in deployment.approvals; a != deployment.requested_by}

default approvals_missing := false

approvals_missing if count(approvers) < env.min_approvals

deny contains sprintf("%s needs %d approvals from people other than the requester, got %d", [deployment.environment, env.min_approvals, count(approvers)]) if {
	approvals_missing
	not break_glass_active
}

deny contains sprintf("%s needs a change ticket (CHG-nnnn)", [deployment.environment]) if {
	env.require_change_ticket
	not valid_change_ticket
	not break_glass_active
}

valid_change_ticket if regex.match(`^CHG-[0-9]{4,}$`, deployment.change_ticket)

# --- rollback plan -------------------------------------------------------------

deny contains "rollback plan needs the version to roll back to" if {
	env.require_rollback_plan
	not deployment.rollback.previous_version
}

deny contains "rollback plan needs a runbook link (https://...)" if {
	env.require_rollback_plan
	not runbook_link
}

runbook_link if startswith(deployment.rollback.plan, "https://")
