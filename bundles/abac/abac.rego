# Attribute-based access control for the platform's data API.
#
# Every read, update, delete or export of a tenant's records asks
#
#   data.abac.decision
#
# with the request as input:
#
#   {
#     "subject":  {"id": "u-17", "tenant": "acme", "roles": ["support_agent"], "mfa": true},
#     "action":   "read",                      # read | update | delete | export
#     "resource": {"type": "customer_record", "id": "cr-9", "tenant": "acme",
#                  "fields": ["name", "email", "plan"]},
#     "purpose":  "customer_support"           # the declared purpose of use
#   }
#
# and gets back one object:
#
#   {"allow": true, "reasons": [], "mask": ["email"]}
#
#   allow    true when no check below objects
#   reasons  every objection, sorted (empty when allowed)
#   mask     requested fields the caller must mask before returning the
#            record (pii.rego); meaningful when allow is true
#
# The checks are independent, each adding to `deny`:
#   tenant isolation  a subject works inside its own, active tenant; platform
#                     operators may cross tenants only to read, only for
#                     incident response and only with MFA
#   purpose of use    the purpose is registered and covers the resource type
#                     and the action
#   role              one of the subject's roles grants the action on the
#                     resource type ("*" grants every type)
#   PII               pii.rego: masking, and refusing to export or update
#                     fields the caller may not see
#
# Data (data.json, under data.abac): tenants, platform_operators, roles,
# purposes, pii (field classes per resource type), sensitive_classes.
# Tests: abac_test.rego (`policyc test bundles/abac`).
package abac

import rego.v1

decision := {
	"allow": allow,
	"reasons": sort(deny),
	"mask": sort(mask),
}

default allow := false

allow if count(deny) == 0

# --- request shape -----------------------------------------------------------
# The reasons below quote these attributes; a request lacking one must still
# be denied, so each absence is a reason of its own.

deny contains "request has no subject id" if not input.subject.id

deny contains "request has no action" if not input.action

deny contains "request has no resource type" if not input.resource.type

# --- tenant isolation --------------------------------------------------------

subject_tenant := data.abac.tenants[input.subject.tenant]

is_platform_operator if input.subject.id in data.abac.platform_operators

cross_tenant if input.subject.tenant != input.resource.tenant

# Operators investigate incidents in any tenant, read-only and with MFA.
operator_incident_access if {
	is_platform_operator
	input.purpose == "incident_response"
	input.action == "read"
	input.subject.mfa == true
}

deny contains "subject has no known tenant" if not subject_tenant

deny contains "resource has no tenant" if not input.resource.tenant

deny contains sprintf("tenant %s is %s", [input.subject.tenant, subject_tenant.status]) if {
	subject_tenant.status != "active"
}

deny contains sprintf("cross-tenant access to %s is not allowed", [input.resource.tenant]) if {
	cross_tenant
	not operator_incident_access
}

# --- purpose of use ----------------------------------------------------------

purpose := data.abac.purposes[input.purpose]

deny contains "no purpose of use declared" if not input.purpose

deny contains sprintf("purpose %q is not registered", [input.purpose]) if {
	input.purpose
	not purpose
}

deny contains sprintf("purpose %s does not cover %s resources", [input.purpose, input.resource.type]) if {
	purpose
	not input.resource.type in purpose.resource_types
}

deny contains sprintf("purpose %s does not permit %s", [input.purpose, input.action]) if {
	purpose
	not input.action in purpose.actions
}

# --- role --------------------------------------------------------------------

role_permits if {
	some role in input.subject.roles
	some grant in data.abac.roles[role].grants
	grant.type in {input.resource.type, "*"}
	input.action in grant.actions
}

deny contains sprintf("no role of %s permits %s on %s", [input.subject.id, input.action, input.resource.type]) if {
	not role_permits
}
