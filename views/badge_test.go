package views

import (
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestTextWidth(t *testing.T) {
	w := func(s string) float64 { return TextWidth(s, 11) }
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"a tone mark adds no width", "Hải Phòng", "Hai Phong", true},
		{"precomposed or combining, the same", "Ha\u0309i Pho\u0300ng", "Hải Phòng", true},
		{"đ is a letter of its own", "Đà Nẵng", "Da Nang", false},
		{"a wide letter is wider", "W", "i", false},
	}
	for _, tt := range tests {
		a, b := w(tt.a), w(tt.b)
		if (math.Abs(a-b) < 1e-9) != tt.same {
			t.Errorf("%s: %q %.2f, %q %.2f", tt.name, tt.a, a, tt.b, b)
		}
	}
	// "SIPAS Hải Phòng 2026" in DejaVu Sans at 11 px: about 122 px, not the 20 characters
	// × 6.6 px of a monospace count, nor its 24 bytes.
	if got := w("SIPAS Hải Phòng 2026"); got < 115 || got > 130 {
		t.Errorf("width %.1f, want about 122", got)
	}
	if got := w("☃"); math.Abs(got-11*0.62) > 0.01 {
		t.Errorf("a character outside the table: %.2f", got)
	}
}

func TestBadge(t *testing.T) {
	svg := Badge("SIPAS Hải Phòng 2026", "88,1 %", BadgeColor(fp(88.1)))
	var doc struct {
		Width string `xml:"width,attr"`
		Label string `xml:"aria-label,attr"`
		Title string `xml:"title"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, svg)
	}
	if doc.Title != "SIPAS Hải Phòng 2026: 88,1 %" || doc.Label != doc.Title {
		t.Errorf("title %q, label %q", doc.Title, doc.Label)
	}
	if want := fmt.Sprintf("%.1f", TextWidth("SIPAS Hải Phòng 2026", 11)+TextWidth("88,1 %", 11)+24); doc.Width != want {
		t.Errorf("width %s, want %s", doc.Width, want)
	}
	if !strings.Contains(string(svg), `fill="#0b4f8a"`) {
		t.Error("88.1 % is not blue")
	}
	if s := string(Badge(`<x&"y">`, "–", BadgeColor(nil))); strings.Contains(s, `<x&`) || !strings.Contains(s, "&lt;x&amp;&#34;y&#34;&gt;") {
		t.Errorf("not escaped: %s", s)
	}
}

func fp(v float64) *float64 { return &v }
