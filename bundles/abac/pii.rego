# PII handling for data.abac.decision (see abac.rego for the request).
#
# data.abac.pii classifies the fields of each resource type (identifier,
# contact, financial, government_id). A requested field that has a class is
# returned in clear only when
#   - the purpose of use lists the class in its pii_classes, and
#   - for the sensitive classes (data.abac.sensitive_classes), one of the
#     subject's roles is cleared for the class (roles[r].clearances).
# Every other PII field lands in `mask`: the caller returns the record with
# those fields masked. Masking is not enough when the data leaves the
# platform or is overwritten: an export or update touching a field the
# caller may not see is denied.
package abac

import rego.v1

field_class(field) := data.abac.pii[input.resource.type][field]

is_sensitive(class) if class in data.abac.sensitive_classes

cleared_for(class) if not is_sensitive(class)

cleared_for(class) if {
	is_sensitive(class)
	some role in input.subject.roles
	class in data.abac.roles[role].clearances
}

visible(field) if {
	class := field_class(field)
	class in purpose.pii_classes
	cleared_for(class)
}

mask contains field if {
	some field in input.resource.fields
	field_class(field)
	not visible(field)
}

deny contains sprintf("%s of masked PII field %s is not allowed", [input.action, field]) if {
	input.action in {"export", "update"}
	some field in mask
}
