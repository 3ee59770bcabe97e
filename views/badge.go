package views

import (
	"fmt"
	"html"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// badgeFontSize is the size of a badge's text, in pixels.
const badgeFontSize = 11

// TextWidth is how wide s is in DejaVu Sans at size pixels. Vietnamese letters count as
// one character each, whatever their tone marks and however they are encoded (precomposed,
// or a base letter and combining marks: those add no width); a character outside the
// table counts as the em's 0.62, about the width of a letter.
func TextWidth(s string, size float64) float64 {
	units := 0
	for _, r := range norm.NFC.String(s) {
		if w, ok := badgeWidth(r); ok {
			units += w
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		units += badgeUnitsPerEm * 62 / 100
	}
	return float64(units) * size / badgeUnitsPerEm
}

// BadgeColor picks the colour of a badge's value from the index: green from 90 %, blue
// from 80 %, brown from 70 %, red below, grey without one. Each has at least 4.5:1
// contrast with the white text.
func BadgeColor(index *float64) string {
	switch {
	case index == nil:
		return "#5b6673"
	case *index >= 90:
		return "#1d6b35"
	case *index >= 80:
		return "#0b4f8a"
	case *index >= 70:
		return "#7a4b00"
	}
	return "#b3261e"
}

// Badge draws a two-part badge, label on grey and value on color, as a standalone SVG
// that a province's portal can embed with <img>. The text boxes are sized from the font's
// widths, and textLength holds the text to them whatever font the viewer has.
func Badge(label, value, color string) []byte {
	lw, vw := TextWidth(label, badgeFontSize), TextWidth(value, badgeFontSize)
	left, right := lw+12, vw+12
	total := left + right
	esc := html.EscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.1f" height="20" role="img" aria-label="%s: %s">`, total, esc(label), esc(value))
	fmt.Fprintf(&b, `<title>%s: %s</title>`, esc(label), esc(value))
	b.WriteString(`<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>`)
	fmt.Fprintf(&b, `<clipPath id="r"><rect width="%.1f" height="20" rx="3" fill="#fff"/></clipPath>`, total)
	fmt.Fprintf(&b, `<g clip-path="url(#r)"><rect width="%.1f" height="20" fill="#444"/><rect x="%.1f" width="%.1f" height="20" fill="%s"/><rect width="%.1f" height="20" fill="url(#s)"/></g>`,
		left, left, right, esc(color), total)
	b.WriteString(`<g fill="#fff" text-anchor="middle" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size="11">`)
	for _, t := range []struct {
		x, w float64
		s    string
	}{{left / 2, lw, label}, {left + right/2, vw, value}} {
		fmt.Fprintf(&b, `<text x="%.1f" y="15" fill="#010101" fill-opacity=".3" textLength="%.1f" lengthAdjust="spacingAndGlyphs" aria-hidden="true">%s</text>`, t.x, t.w, esc(t.s))
		fmt.Fprintf(&b, `<text x="%.1f" y="14" textLength="%.1f" lengthAdjust="spacingAndGlyphs">%s</text>`, t.x, t.w, esc(t.s))
	}
	b.WriteString(`</g></svg>`)
	return []byte(b.String())
}
