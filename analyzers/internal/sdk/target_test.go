package sdk

import (
	"go/token"
	"go/types"
	"testing"
)

func TestCompare(t *testing.T) {
	a := types.NewVar(token.NoPos, nil, "a", types.Typ[types.String])
	b := types.NewVar(token.NoPos, nil, "b", types.Typ[types.String])
	i := types.NewVar(token.NoPos, nil, "i", types.Typ[types.Int])
	j := types.NewVar(token.NoPos, nil, "j", types.Typ[types.Int])
	path := func(root types.Object, steps ...step) Target {
		return Target{kind: pathTarget, root: root, chain: steps}
	}
	field := func(n string) step { return step{kind: fieldStep, name: n} }
	idx := func(n string) step { return step{kind: constIndex, name: n} }
	vidx := func(v types.Object) step { return step{kind: varIndex, obj: v} }
	cst := func(s string) Target { return Target{kind: constTarget, val: s} }
	tests := []struct {
		name string
		x, y Target
		want relation
	}{
		{"same var", path(a), path(a), same},
		{"other var", path(a), path(b), different},
		{"same field", path(a, field("ID")), path(a, field("ID")), same},
		{"other field", path(a, field("Web")), path(a, field("DB")), different},
		{"field of other var", path(a, field("ID")), path(b, field("ID")), different},
		{"prefix", path(a), path(a, field("ID")), maybeSame},
		{"same const index", path(a, idx("0"), field("ID")), path(a, idx("0"), field("ID")), same},
		{"other const index", path(a, idx("0")), path(a, idx("1")), different},
		{"same var index", path(a, vidx(i)), path(a, vidx(i)), same},
		{"other var index", path(a, vidx(i)), path(a, vidx(j)), maybeSame},
		{"var against const index", path(a, vidx(i)), path(a, idx("0")), maybeSame},
		{"unknown index", path(a, step{kind: unknownIndex}), path(a, step{kind: unknownIndex}), maybeSame},
		{"unknown index, other field", path(a, step{kind: unknownIndex}, field("ID")), path(a, step{kind: unknownIndex}, field("Name")), different},
		{"same const", cst("db"), cst("db"), same},
		{"other const", cst("db"), cst("web"), different},
		{"const against var", cst("db"), path(a), maybeSame},
		{"unknown", Target{}, path(a), maybeSame},
		{"both unknown", Target{}, Target{}, maybeSame},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compare(tt.x, tt.y); got != tt.want {
				t.Errorf("compare = %d, want %d", got, tt.want)
			}
			if got := compare(tt.y, tt.x); got != tt.want {
				t.Errorf("compare reversed = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTargetWith(t *testing.T) {
	a := types.NewVar(token.NoPos, nil, "a", types.Typ[types.String])
	base := Target{kind: pathTarget, root: a}
	x := base.Field("Container")
	y := x.Field("ID")
	z := x.Field("Name")
	if compare(y, z) != different || len(x.chain) != 1 {
		t.Fatalf("Field shares or loses steps: %v %v", y.key(), z.key())
	}
	deep := base
	for range maxChain + 1 {
		deep = deep.Field("next")
	}
	if deep.Known() {
		t.Errorf("a chain longer than %d should be unknown", maxChain)
	}
	if (Target{kind: constTarget, val: "db"}).Field("ID").Known() {
		t.Error("a field of a constant should be unknown")
	}
}
