package authz

default allow := false

# Admins may do anything.
allow if input.user in data.roles.admins

# Writers may write.
allow if {
	some role in data.roles.bindings[input.user]
	role == "writer"
	input.action == "write"
}

roles contains role if some role in data.roles.bindings[input.user]
