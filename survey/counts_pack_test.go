package survey

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// A packed contribution adds exactly what the contribution it was packed from adds, sum
// for sum: an import holds a file's contributions packed and adds them in key order.
func TestPackedContributionAddsTheSame(t *testing.T) {
	l := official.Layout()
	r := rand.New(rand.NewPCG(3, 5))
	profile := official.NewSynthetic(r)
	submissions := []Submission{{}, {Criteria: map[string]int{l.Criteria[0]: 4}}, {Field: official.Fields.Options[0].Value}}
	for range 200 {
		submissions = append(submissions, official.Synthesize(r, profile, 0))
	}
	direct, packed := l.New(), l.New()
	var buf []byte
	var x Contribution // reused, as the import does
	for i, s := range submissions {
		want, err := l.Contribution(s)
		if err != nil {
			t.Fatal(err)
		}
		direct.Add(&want)
		buf = want.AppendPacked(buf[:0])
		if err := l.UnpackContribution(buf, &x); err != nil {
			t.Fatalf("submission %d: %v", i, err)
		}
		packed.Add(&x)
	}
	if !reflect.DeepEqual(direct, packed) {
		t.Errorf("packed contributions add up to\n%+v\nwant\n%+v", packed, direct)
	}
}

// A damaged packed contribution is refused, never added out of bounds.
func TestPackedContributionRefusesDamage(t *testing.T) {
	l := official.Layout()
	s := official.Synthesize(rand.New(rand.NewPCG(1, 2)), official.NewSynthetic(rand.New(rand.NewPCG(1, 2))), 0)
	x, err := l.Contribution(s)
	if err != nil {
		t.Fatal(err)
	}
	good := x.AppendPacked(nil)
	cases := map[string][]byte{
		"empty":             {},
		"cut short":         good[:len(good)-1],
		"trailing byte":     append(append([]byte{}, good...), 0),
		"unknown flag":      append([]byte{7}, good[1:]...),
		"criterion too far": {0, 1, byte(len(l.Criteria)), 3, 0},
		"value 0":           {0, 1, 0, 0, 0},
		"value 6":           {0, 1, 0, MaxScale + 1, 0},
		"option too far":    {0, 0, 1, byte(l.options)},
		"too many criteria": {0, byte(len(l.Criteria) + 1)},
	}
	for name, b := range cases {
		var y Contribution
		if err := l.UnpackContribution(b, &y); err == nil {
			t.Errorf("%s: %v read without error", name, b)
		}
	}
}
