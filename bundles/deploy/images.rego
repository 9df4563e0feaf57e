# Supply-chain gates on the deployed image (see deploy.rego for the input).
#
# An image reference is `host/repository[:tag][@sha256:digest]`. The host must
# be one of data.deploy.registries and the repository must match one of that
# registry's glob patterns ("*" matches one path segment). Environments with
# require_digest need the reference pinned by digest (tags move); those with
# require_signature need a verified signature by a key that is listed in
# data.deploy.signing_keys, not revoked and not expired at the time of the
# deployment. Break-glass exceptions never waive these checks.
package deploy

import rego.v1

image_ref := deployment.image.ref

registry_host := split(image_ref, "/")[0]

# The repository path: after the host, before the tag or digest.
repository := trim_prefix(regex.replace(image_ref, `(@sha256:.*|:[^/]*)$`, ""), concat("", [registry_host, "/"]))

registry := r if {
	some r in data.deploy.registries
	r.host == registry_host
}

deny contains "deployment has no image reference" if not image_ref

deny contains sprintf("registry %s is not allowed", [registry_host]) if {
	image_ref
	not registry
}

deny contains sprintf("repository %s is not allowed on %s", [repository, registry_host]) if {
	registry
	not repository_allowed
}

repository_allowed if {
	some pattern in registry.repositories
	glob.match(pattern, ["/"], repository)
}

pinned_by_digest if regex.match(`@sha256:[a-f0-9]{64}$`, image_ref)

deny contains sprintf("%s requires the image pinned by digest (@sha256:...)", [deployment.environment]) if {
	env.require_digest
	image_ref
	not pinned_by_digest
}

signature := deployment.image.signature

signing_key := data.deploy.signing_keys[signature.key_id]

deny contains "image signature is missing or not verified" if {
	env.require_signature
	not signature.verified == true
}

deny contains sprintf("image is signed with unknown key %s", [signature.key_id]) if {
	env.require_signature
	signature.verified == true
	not signing_key
}

deny contains sprintf("signing key %s is revoked", [signature.key_id]) if {
	env.require_signature
	signing_key.revoked == true
}

deny contains sprintf("signing key %s expired on %s", [signature.key_id, signing_key.expires]) if {
	env.require_signature
	time.parse_rfc3339_ns(signing_key.expires) <= now_ns
}
