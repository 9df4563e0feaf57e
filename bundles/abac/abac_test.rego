# Tests for data.abac.decision: `policyc test bundles/abac`.
#
# Each test starts from a well-formed request (one per persona below) and
# changes the attribute under test, so a failure points at one check.
package abac

import rego.v1

support_read := {
	"subject": {"id": "u-1", "tenant": "acme", "roles": ["support_agent"], "mfa": false},
	"action": "read",
	"resource": {"type": "customer_record", "id": "cr-1", "tenant": "acme", "fields": ["name", "email", "plan"]},
	"purpose": "customer_support",
}

operator_read := {
	"subject": {"id": "op-ana", "tenant": "acme", "roles": ["sre"], "mfa": true},
	"action": "read",
	"resource": {"type": "customer_record", "id": "cr-77", "tenant": "globex", "fields": ["name", "email", "plan"]},
	"purpose": "incident_response",
}

analyst_export := {
	"subject": {"id": "u-9", "tenant": "globex", "roles": ["data_analyst"], "mfa": true},
	"action": "export",
	"resource": {"type": "customer_record", "id": "cr-3", "tenant": "globex", "fields": ["plan", "signup_date"]},
	"purpose": "analytics",
}

with_resource(request, patch) := object.union(request, {"resource": patch})

with_subject(request, patch) := object.union(request, {"subject": patch})

# --- allowed requests ----------------------------------------------------------

test_support_agent_reads_record_in_own_tenant if {
	d := decision with input as support_read
	d == {"allow": true, "reasons": [], "mask": []}
}

test_support_agent_updates_ticket if {
	request := object.union(support_read, {
		"action": "update",
		"resource": {"type": "ticket", "fields": ["status", "reporter_email"]},
	})
	d := decision with input as request
	d == {"allow": true, "reasons": [], "mask": []}
}

test_wildcard_grant_lets_tenant_admin_delete if {
	request := {
		"subject": {"id": "u-2", "tenant": "acme", "roles": ["tenant_admin"]},
		"action": "delete",
		"resource": {"type": "ticket", "id": "t-5", "tenant": "acme", "fields": []},
		"purpose": "administration",
	}
	d := decision with input as request
	d.allow
	d.reasons == []
}

test_export_without_pii_is_allowed if {
	d := decision with input as analyst_export
	d == {"allow": true, "reasons": [], "mask": []}
}

test_default_is_deny_without_input if {
	not allow
	decision.allow == false
	"request has no action" in decision.reasons
}

# --- tenant isolation ------------------------------------------------------------

test_cross_tenant_read_is_denied if {
	d := decision with input as with_resource(support_read, {"tenant": "globex"})
	d.allow == false
	d.reasons == ["cross-tenant access to globex is not allowed"]
}

test_operator_reads_other_tenant_for_incident if {
	d := decision with input as operator_read
	d.allow
	# Incident response sees no PII in clear.
	d.mask == ["email", "name"]
}

test_operator_needs_mfa_across_tenants if {
	d := decision with input as with_subject(operator_read, {"mfa": false})
	d.reasons == ["cross-tenant access to globex is not allowed"]
}

test_operator_crosses_tenants_only_for_incidents if {
	request := object.union(operator_read, {"purpose": "customer_support"})
	d := decision with input as request
	d.allow == false
	"cross-tenant access to globex is not allowed" in d.reasons
}

test_operator_cannot_write_across_tenants if {
	request := object.union(operator_read, {"action": "update"})
	d := decision with input as request
	d.reasons == [
		"cross-tenant access to globex is not allowed",
		"no role of op-ana permits update on customer_record",
		"purpose incident_response does not permit update",
		"update of masked PII field email is not allowed",
		"update of masked PII field name is not allowed",
	]
}

test_non_operator_cannot_claim_incident_access if {
	request := object.union(operator_read, {"subject": {"id": "u-1", "roles": ["sre"]}})
	d := decision with input as request
	d.reasons == ["cross-tenant access to globex is not allowed"]
}

test_suspended_tenant_is_denied if {
	request := object.union(support_read, {"subject": {"tenant": "initech"}, "resource": {"tenant": "initech"}})
	d := decision with input as request
	d.reasons == ["tenant initech is suspended"]
}

test_unknown_tenant_is_denied if {
	request := object.union(support_read, {"subject": {"tenant": "hooli"}, "resource": {"tenant": "hooli"}})
	d := decision with input as request
	d.reasons == ["subject has no known tenant"]
}

test_resource_without_tenant_is_denied if {
	request := json.remove(support_read, ["resource/tenant"])
	d := decision with input as request
	d.reasons == ["resource has no tenant"]
}

# --- purpose of use ----------------------------------------------------------------

test_missing_purpose_is_denied if {
	d := decision with input as json.remove(support_read, ["purpose"])
	d.reasons == ["no purpose of use declared"]
}

test_unregistered_purpose_is_denied if {
	d := decision with input as object.union(support_read, {"purpose": "marketing"})
	d.reasons == [`purpose "marketing" is not registered`]
}

test_purpose_must_cover_resource_type if {
	request := with_resource(support_read, {"type": "invoice", "fields": ["total"]})
	d := decision with input as request
	d.reasons == [
		"no role of u-1 permits read on invoice",
		"purpose customer_support does not cover invoice resources",
	]
}

test_purpose_must_permit_action if {
	request := object.union(support_read, {"subject": {"roles": ["data_analyst"]}, "action": "export"})
	d := decision with input as request
	d.reasons == ["purpose customer_support does not permit export"]
}

# --- role ------------------------------------------------------------------------

test_subject_without_roles_is_denied if {
	d := decision with input as with_subject(support_read, {"roles": []})
	d.reasons == ["no role of u-1 permits read on customer_record"]
}

test_unknown_role_grants_nothing if {
	d := decision with input as with_subject(support_read, {"roles": ["superuser"]})
	d.reasons == ["no role of u-1 permits read on customer_record"]
}

test_any_role_may_grant if {
	d := decision with input as with_subject(support_read, {"roles": ["superuser", "support_agent"]})
	d.allow
}

# --- PII -------------------------------------------------------------------------

test_support_sees_contact_but_not_sensitive_fields if {
	request := with_resource(support_read, {"fields": ["name", "phone", "tax_id", "card_last4"]})
	d := decision with input as request
	d.allow
	d.mask == ["card_last4", "tax_id"]
}

test_analytics_masks_every_pii_field if {
	request := object.union(analyst_export, {"action": "read", "resource": {"fields": ["name", "email", "plan"]}})
	d := decision with input as request
	d.allow
	d.mask == ["email", "name"]
}

test_billing_clerk_sees_financial_fields if {
	request := {
		"subject": {"id": "u-4", "tenant": "acme", "roles": ["billing_clerk"]},
		"action": "read",
		"resource": {"type": "invoice", "id": "inv-1", "tenant": "acme", "fields": ["customer_name", "iban", "total"]},
		"purpose": "billing",
	}
	d := decision with input as request
	d == {"allow": true, "reasons": [], "mask": []}
}

test_financial_class_needs_clearance if {
	# Same purpose and fields, a role without the financial clearance.
	request := {
		"subject": {"id": "u-5", "tenant": "acme", "roles": ["sre"]},
		"action": "read",
		"resource": {"type": "invoice", "id": "inv-1", "tenant": "acme", "fields": ["customer_name", "iban"]},
		"purpose": "billing",
	}
	d := decision with input as request
	d.allow
	d.mask == ["iban"]
}

test_clearance_does_not_widen_the_purpose if {
	# Cleared for government ids, but customer support does not need them.
	request := with_subject(support_read, {"roles": ["compliance_officer"]})
	d := decision with input as with_resource(request, {"fields": ["name", "tax_id"]})
	d.allow
	d.mask == ["tax_id"]
}

test_legal_hold_export_by_compliance_officer if {
	request := {
		"subject": {"id": "u-6", "tenant": "globex", "roles": ["compliance_officer"]},
		"action": "export",
		"resource": {"type": "customer_record", "id": "cr-3", "tenant": "globex", "fields": ["name", "tax_id", "card_last4"]},
		"purpose": "legal_hold",
	}
	d := decision with input as request
	d == {"allow": true, "reasons": [], "mask": []}
}

test_export_of_masked_field_is_denied if {
	d := decision with input as with_resource(analyst_export, {"fields": ["plan", "email"]})
	d.allow == false
	d.reasons == ["export of masked PII field email is not allowed"]
	d.mask == ["email"]
}

test_update_of_masked_field_is_denied if {
	request := {
		"subject": {"id": "u-2", "tenant": "acme", "roles": ["tenant_admin"]},
		"action": "update",
		"resource": {"type": "customer_record", "id": "cr-1", "tenant": "acme", "fields": ["name", "email"]},
		"purpose": "administration",
	}
	d := decision with input as request
	d.reasons == ["update of masked PII field email is not allowed"]
}

# --- request shape ---------------------------------------------------------------

test_incomplete_request_is_denied_with_every_reason if {
	d := decision with input as {"subject": {"tenant": "acme"}, "resource": {"tenant": "acme"}, "purpose": "billing"}
	d.allow == false
	every reason in {"request has no subject id", "request has no action", "request has no resource type"} {
		reason in d.reasons
	}
}
