# Tests for data.deploy.decision: `policyc test bundles/deploy`.
#
# `release` is a production deployment that passes every gate on a quiet
# Tuesday morning; each test changes one thing. Tests that leave out
# input.now mock the clock with `with time.now_ns as ...`.
package deploy

import rego.v1

digest := "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

release := {
	"now": "2024-11-12T10:30:00Z",
	"deployment": {
		"service": "checkout",
		"environment": "production",
		"requested_by": "dev-amir",
		"image": {
			"ref": concat("@", ["registry.platform.example.com/payments/checkout:4.13.0", digest]),
			"signature": {"key_id": "release-2024", "verified": true},
		},
		"tests": {"passed": true},
		"approvals": ["lead-sam", "sre-kim"],
		"change_ticket": "CHG-20417",
		"rollback": {"previous_version": "4.12.0", "plan": "https://runbooks.example.com/checkout/rollback"},
	},
}

# A valid exception during the Black Friday freeze (Friday 2024-11-29).
incident := {
	"ticket": "INC-3321",
	"approved_by": "sre-lead-kim",
	"issued_at": "2024-11-29T09:00:00Z",
	"expires_at": "2024-11-29T12:00:00Z",
}

with_deployment(patch) := object.union(release, {"deployment": patch})

at(now) := object.union(release, {"now": now})

reasons_for(request) := reasons if {
	reasons := decision.reasons with input as request
}

# --- the happy path and the clock --------------------------------------------

test_production_release_passes_every_gate if {
	d := decision with input as release
	d == {"allow": true, "reasons": [], "break_glass": false}
}

test_dev_needs_no_approvals_or_signature if {
	request := object.union(release, {"deployment": {
		"environment": "dev",
		"approvals": [],
		"image": {"ref": "registry.platform.example.com/payments/checkout:dev-42", "signature": null},
		"tests": {"passed": false},
		"rollback": null,
		"change_ticket": null,
	}})
	d := decision with input as request
	d.allow
}

test_clock_is_used_when_input_has_no_time if {
	request := json.remove(release, ["now"])
	saturday := time.parse_rfc3339_ns("2024-11-16T09:00:00Z")
	tuesday := time.parse_rfc3339_ns("2024-11-12T10:30:00Z")
	decision.allow with input as request with time.now_ns as tuesday
	reasons := decision.reasons with input as request with time.now_ns as saturday
	reasons == ["production is frozen (weekend)"]
}

test_malformed_time_is_denied if {
	d := decision with input as at("next tuesday")
	d.allow == false
	"now next tuesday is not an RFC 3339 time" in d.reasons
}

# --- image -------------------------------------------------------------------

test_unknown_registry_is_denied if {
	request := with_deployment({"image": {"ref": concat("@", ["docker.io/payments/checkout", digest])}})
	reasons_for(request) == ["registry docker.io is not allowed"]
}

test_mirror_only_serves_base_images if {
	base := with_deployment({"image": {"ref": concat("@", ["mirror.platform.example.com/base/debian", digest])}})
	reasons_for(base) == []
	app := with_deployment({"image": {"ref": concat("@", ["mirror.platform.example.com/payments/checkout", digest])}})
	reasons_for(app) == ["repository payments/checkout is not allowed on mirror.platform.example.com"]
}

test_repository_glob_does_not_cross_path_segments if {
	request := with_deployment({"image": {"ref": concat("@", ["registry.platform.example.com/payments/checkout/debug", digest])}})
	reasons_for(request) == ["repository payments/checkout/debug is not allowed on registry.platform.example.com"]
}

test_production_requires_digest if {
	request := with_deployment({"image": {"ref": "registry.platform.example.com/payments/checkout:4.13.0"}})
	reasons_for(request) == ["production requires the image pinned by digest (@sha256:...)"]
}

test_missing_image_is_denied if {
	request := json.remove(release, ["deployment/image"])
	reasons := reasons_for(request)
	"deployment has no image reference" in reasons
	"image signature is missing or not verified" in reasons
}

test_unverified_signature_is_denied if {
	request := with_deployment({"image": {"signature": {"verified": false}}})
	reasons_for(request) == ["image signature is missing or not verified"]
}

test_unknown_signing_key_is_denied if {
	request := with_deployment({"image": {"signature": {"key_id": "laptop-key"}}})
	reasons_for(request) == ["image is signed with unknown key laptop-key"]
}

test_revoked_signing_key_is_denied if {
	request := with_deployment({"image": {"signature": {"key_id": "ci-legacy"}}})
	reasons_for(request) == ["signing key ci-legacy is revoked"]
}

test_expired_signing_key_is_denied if {
	request := with_deployment({"image": {"signature": {"key_id": "release-2023"}}})
	reasons_for(request) == ["signing key release-2023 expired on 2024-03-31T00:00:00Z"]
}

test_signing_key_expires_with_time if {
	# release-2024 is good until 2025-03-31; a replay after that date fails.
	reasons_for(at("2025-04-02T10:00:00Z")) == ["signing key release-2024 expired on 2025-03-31T00:00:00Z"]
}

# --- environments ------------------------------------------------------------

test_unknown_environment_is_denied if {
	reasons_for(with_deployment({"environment": "qa"})) == ["unknown environment qa"]
}

test_incomplete_deployment_is_denied if {
	reasons := reasons_for({"now": "2024-11-12T10:30:00Z", "deployment": {}})
	every r in {"deployment has no service", "deployment has no requester", "deployment has no environment", "deployment has no image reference"} {
		r in reasons
	}
}

test_failed_tests_block_staging_and_production if {
	failing := {"tests": {"passed": false}}
	reasons_for(with_deployment(failing)) == ["tests must pass before deploying to production"]
	staging := with_deployment(object.union(failing, {"environment": "staging"}))
	reasons_for(staging) == ["tests must pass before deploying to staging"]
}

test_requester_cannot_approve_own_release if {
	request := with_deployment({"approvals": ["dev-amir", "lead-sam", "lead-sam"]})
	reasons_for(request) == ["production needs 2 approvals from people other than the requester, got 1"]
}

test_staging_needs_one_approval if {
	staging := with_deployment({"environment": "staging", "approvals": ["lead-sam"]})
	reasons_for(staging) == []
	unapproved := with_deployment({"environment": "staging", "approvals": []})
	reasons_for(unapproved) == ["staging needs 1 approvals from people other than the requester, got 0"]
}

test_production_needs_change_ticket if {
	reasons_for(with_deployment({"change_ticket": "fix it"})) == ["production needs a change ticket (CHG-nnnn)"]
	reasons_for(json.remove(release, ["deployment/change_ticket"])) == ["production needs a change ticket (CHG-nnnn)"]
}

# --- rollback plan -----------------------------------------------------------

test_production_needs_rollback_plan if {
	reasons := reasons_for(json.remove(release, ["deployment/rollback"]))
	reasons == [
		"rollback plan needs a runbook link (https://...)",
		"rollback plan needs the version to roll back to",
	]
}

test_rollback_runbook_must_be_a_link if {
	request := with_deployment({"rollback": {"plan": "ask in #checkout"}})
	reasons_for(request) == ["rollback plan needs a runbook link (https://...)"]
}

test_staging_needs_no_rollback_plan if {
	request := json.remove(with_deployment({"environment": "staging"}), ["deployment/rollback"])
	reasons_for(request) == []
}

# --- freezes -----------------------------------------------------------------

test_friday_afternoon_freezes_production_only if {
	reasons_for(at("2024-11-15T16:00:00Z")) == ["production is frozen (friday-afternoon)"]
	reasons_for(at("2024-11-15T14:59:59Z")) == []
	staging := object.union(at("2024-11-15T16:00:00Z"), {"deployment": {"environment": "staging"}})
	reasons_for(staging) == []
}

test_calendar_freeze_names_every_active_window if {
	reasons_for(at("2024-11-29T16:30:00Z")) == ["production is frozen (black-friday, friday-afternoon)"]
}

test_calendar_freeze_end_is_exclusive if {
	reasons_for(at("2024-12-03T00:00:00Z")) == []
	reasons_for(at("2024-12-02T23:59:59Z")) == ["production is frozen (black-friday)"]
}

test_year_end_freeze_covers_staging if {
	staging := object.union(at("2024-12-23T10:00:00Z"), {"deployment": {"environment": "staging"}})
	reasons_for(staging) == ["staging is frozen (year-end)"]
}

test_dev_is_never_frozen if {
	request := object.union(at("2024-12-28T10:00:00Z"), {"deployment": {"environment": "dev"}})
	reasons_for(request) == []
}

# --- break glass -------------------------------------------------------------

frozen_fix := object.union(at("2024-11-29T10:00:00Z"), {"deployment": {"approvals": []}, "break_glass": incident})

test_break_glass_passes_freeze_and_approvals if {
	reasons_for(json.remove(frozen_fix, ["break_glass"])) == [
		"production is frozen (black-friday)",
		"production needs 2 approvals from people other than the requester, got 0",
	]
	d := decision with input as frozen_fix
	d == {"allow": true, "reasons": [], "break_glass": true}
}

test_break_glass_waives_change_ticket if {
	request := json.remove(frozen_fix, ["deployment/change_ticket"])
	decision.allow with input as request
}

test_break_glass_never_waives_image_checks if {
	request := object.union(frozen_fix, {"deployment": {"image": {"signature": {"verified": false}}}})
	reasons_for(request) == ["image signature is missing or not verified"]
}

test_break_glass_never_waives_rollback_plan if {
	request := json.remove(frozen_fix, ["deployment/rollback/plan"])
	reasons_for(request) == ["rollback plan needs a runbook link (https://...)"]
}

test_break_glass_expires if {
	late := object.union(frozen_fix, {"now": "2024-11-29T12:00:00Z"})
	d := decision with input as late
	d.break_glass == false
	d.reasons == [
		"break-glass expired at 2024-11-29T12:00:00Z",
		"production is frozen (black-friday)",
		"production needs 2 approvals from people other than the requester, got 0",
	]
}

test_break_glass_expiry_follows_the_clock if {
	request := json.remove(frozen_fix, ["now"])
	during := time.parse_rfc3339_ns("2024-11-29T11:59:59Z")
	after := time.parse_rfc3339_ns("2024-11-29T12:00:01Z")
	decision.break_glass with input as request with time.now_ns as during
	not decision.break_glass with input as request with time.now_ns as after
}

test_break_glass_not_valid_before_issue if {
	early := object.union(frozen_fix, {"now": "2024-11-29T08:59:00Z"})
	"break-glass is not valid yet" in reasons_for(early)
}

test_break_glass_window_is_capped if {
	request := object.union(frozen_fix, {"break_glass": {"expires_at": "2024-11-29T18:00:00Z"}})
	"break-glass may last at most 4 hours" in reasons_for(request)
}

test_break_glass_needs_allowed_approver if {
	request := object.union(frozen_fix, {"break_glass": {"approved_by": "lead-sam"}})
	"break-glass approver lead-sam is not allowed to approve" in reasons_for(request)
	anonymous := json.remove(frozen_fix, ["break_glass/approved_by"])
	"break-glass needs an approver" in reasons_for(anonymous)
}

test_break_glass_cannot_be_self_approved if {
	request := object.union(frozen_fix, {"deployment": {"requested_by": "sre-lead-kim"}})
	"break-glass cannot be approved by the person deploying" in reasons_for(request)
}

test_break_glass_needs_incident_ticket if {
	request := object.union(frozen_fix, {"break_glass": {"ticket": "please"}})
	d := decision with input as request
	d.break_glass == false
	"break-glass needs an incident ticket (INC-nnnn)" in d.reasons
}

test_break_glass_needs_a_window if {
	request := json.remove(frozen_fix, ["break_glass/expires_at"])
	"break-glass needs issued_at and expires_at (RFC 3339)" in reasons_for(request)
}

test_break_glass_needs_a_valid_time if {
	request := object.union(frozen_fix, {"now": "during the incident"})
	d := decision with input as request
	d.break_glass == false
	"break-glass cannot be checked without a valid time" in d.reasons
}
