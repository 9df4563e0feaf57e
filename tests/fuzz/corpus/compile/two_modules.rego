package fuzz.a

import data.fuzz.b

p := b.q + 1

#==
package fuzz.b

q := count([1, 2, 3])

r[x] := y if {
	some x in ["a", "b"]
	y := upper(x)
}
