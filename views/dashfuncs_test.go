package views

import (
	"reflect"
	"strings"
	"testing"
)

type interval [2]float64

func TestDashboardFormats(t *testing.T) {
	vi, en := testLocales(t)
	up, down, zero := 2.345, -0.5, 0.001
	iv := interval{86.123, 90.049}
	tests := []struct{ got, want string }{
		{Points(vi, &up), "+2,35"},
		{Points(en, up), "+2.35"},
		{Points(vi, down), "−0,50"},
		{Points(en, zero), "±0.00"},
		{Points(vi, (*float64)(nil)), "–"},
		{Range(vi, iv), "86,12–90,05 %"},
		{Range(en, &iv), "86.12–90.05%"},
		{Range(en, (*interval)(nil)), "–"},
		{Range(en, "nonsense"), "–"},
		{Decimal(vi, 0.534), "0,53"},
		{Decimal(en, -0.25), "−0.25"},
		{Decimal(en, (*float64)(nil)), "–"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestSegments(t *testing.T) {
	got := Segments([5]int64{1, 0, 1, 0, 2})
	want := []Segment{{1, 1, 0, 25}, {2, 0, 25, 0}, {3, 1, 25, 25}, {4, 0, 50, 0}, {5, 2, 50, 50}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("segments %v, want %v", got, want)
	}
	if Segments([5]int64{}) != nil || Segments(3) != nil {
		t.Error("no answers, no bar")
	}
}

func TestDistBar(t *testing.T) {
	vi, en := testLocales(t)
	got := string(DistBar(vi, [5]int64{1000, 0, 0, 0, 3000}))
	for _, want := range []string{`aria-label="1: 1.000, 2: 0, 3: 0, 4: 0, 5: 3.000"`, `<rect class="v1" x="0" y="0" width="25" height="10">`,
		`<rect class="v5" x="25" y="0" width="75" height="10"><title>5: 3.000</title>`, `<span class="dist-numbers">1.000 · 0 · 0 · 0 · 3.000</span>`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s lacks %s", got, want)
		}
	}
	if DistBar(en, [5]int64{}) != "–" {
		t.Error("no answers: a dash")
	}
}
