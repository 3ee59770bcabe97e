package views

import (
	"fmt"
	"html/template"
	"math"
	"reflect"
	"strings"
)

// Points writes a change in percent points with its sign (+1,23 or −0,50 in Vietnamese;
// +1.23 or −0.50 in English); nil shows a dash.
func Points(l Locale, v any) string {
	x, ok := number(v)
	if !ok {
		return "–"
	}
	s := l.decimals(math.Abs(x), 2)
	switch {
	case s == l.decimals(0, 2):
		return "±" + s
	case x < 0:
		return "−" + s
	}
	return "+" + s
}

// Range writes a 95 % interval [low, high] in percent (86,12–90,05 % or 86.12–90.05%);
// a nil pointer shows a dash.
func Range(l Locale, v any) string {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "–"
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Array || rv.Len() != 2 || !rv.Index(0).CanFloat() {
		return "–"
	}
	lo, hi := rv.Index(0).Float(), rv.Index(1).Float()
	return l.percent(l.decimals(lo, 2) + "–" + l.decimals(hi, 2))
}

// Segment is one value's part of a distribution bar.
type Segment struct {
	Value int     // the scale value, 1-based
	N     int64   // answers of that value
	X     float64 // where the segment starts, percent of the bar
	Width float64 // its width, percent of the bar
}

// Segments splits a distribution of answers (counts of 1, 2, …) into the parts of a
// stacked bar 100 wide; nil when there is no answer.
func Segments(v any) []Segment {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Array && rv.Kind() != reflect.Slice {
		return nil
	}
	total := int64(0)
	for i := 0; i < rv.Len(); i++ {
		total += rv.Index(i).Int()
	}
	if total == 0 {
		return nil
	}
	var out []Segment
	x := 0.0
	for i := 0; i < rv.Len(); i++ {
		n := rv.Index(i).Int()
		w := 100 * float64(n) / float64(total)
		out = append(out, Segment{Value: i + 1, N: n, X: math.Round(x*100) / 100, Width: math.Round(w*100) / 100})
		x += w
	}
	return out
}

// Decimal writes a number with two decimals the way the language does (0,53 or 0.53);
// nil shows a dash.
func Decimal(l Locale, v any) string {
	x, ok := number(v)
	if !ok {
		return "–"
	}
	return strings.Replace(l.decimals(x, 2), "-", "−", 1)
}

// DistBar draws a distribution of answers (counts of 1, 2, …) as a small stacked bar, an
// inline SVG (no style attribute: the pages' CSP forbids inline styles) with the counts
// as its accessible name and in a line of text under it; a dash when there is no answer.
// It is built here in one call rather than in the template, where a table of 22 bars
// cost more than the rest of the page.
func DistBar(l Locale, values any) template.HTML {
	segs := Segments(values)
	if segs == nil {
		return "–"
	}
	var label, numbers, rects strings.Builder
	for i, s := range segs {
		n := Number(l, s.N) // digits and separators only
		if i > 0 {
			label.WriteString(", ")
			numbers.WriteString(" · ")
		}
		fmt.Fprintf(&label, "%d: %s", s.Value, n)
		numbers.WriteString(n)
		fmt.Fprintf(&rects, `<rect class="v%d" x="%g" y="0" width="%g" height="10"><title>%d: %s</title></rect>`, s.Value, s.X, s.Width, s.Value, n)
	}
	return template.HTML(`<svg class="dist-bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="` +
		label.String() + `">` + rects.String() + `</svg><span class="dist-numbers">` + numbers.String() + `</span>`)
}
