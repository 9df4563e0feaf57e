package authz.extra

flag := true
