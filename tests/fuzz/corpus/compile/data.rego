package fuzz.data

users := data.users

admins contains name if {
	some name, u in data.users
	u.role == "admin"
}

deep := data.a.b.c

#--
{"users":{"alice":{"role":"admin"},"bob":{"role":"dev"}},"a":{"b":{"c":[1,{"d":2}]}}}
