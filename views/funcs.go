package views

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"
)

func baseFuncs(c Catalog, assets func(string) string) template.FuncMap {
	return template.FuncMap{
		"t":     c.T,
		"asset": assets,
		"pct":   Percent,
		"num":   Number,
		"date":  Date,
		"tr":    func(t map[string]string, lang string) string { return text(t, lang) },
		"json":  func(v any) (template.JS, error) { b, err := json.Marshal(v); return template.JS(b), err },
		"jsonattr": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"seq": func(from, to int) []int {
			var s []int
			for i := from; i <= to; i++ {
				s = append(s, i)
			}
			return s
		},
		"add": func(a, b int) int { return a + b },
		"deref": func(p *float64) float64 {
			if p == nil {
				return math.NaN()
			}
			return *p
		},
		"points":  Points,
		"ci":      Range,
		"dec":     Decimal,
		"distbar": DistBar,
	}
}

func text(t map[string]string, lang string) string {
	if s, ok := t[lang]; ok && s != "" {
		return s
	}
	return t["vi"]
}

// Percent writes a percentage with two decimals the way the language does (88,09 % in
// Vietnamese, 88.09% in English); nil or NaN shows a dash.
func Percent(lang string, v any) string {
	x, ok := number(v)
	if !ok {
		return "–"
	}
	if lang == "vi" {
		return strings.Replace(fmt.Sprintf("%.2f", x), ".", ",", 1) + " %"
	}
	return fmt.Sprintf("%.2f%%", x)
}

// Number writes an integer with thousands separators (1.234.567 in Vietnamese, 1,234,567 in English).
func Number(lang string, v any) string {
	x, ok := number(v)
	if !ok {
		return "–"
	}
	sep := ","
	if lang == "vi" {
		sep = "."
	}
	s := fmt.Sprintf("%d", int64(math.Round(math.Abs(x))))
	var b strings.Builder
	if x < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Date writes a day as 31/12/2026 in Vietnamese and 2026-12-31 in English.
func Date(lang string, t time.Time) string {
	if lang == "vi" {
		return t.Format("02/01/2006")
	}
	return t.Format("2006-01-02")
}

func number(v any) (float64, bool) {
	var x float64
	switch n := v.(type) {
	case float64:
		x = n
	case *float64:
		if n == nil {
			return 0, false
		}
		x = *n
	case int:
		x = float64(n)
	case int64:
		x = float64(n)
	default:
		return 0, false
	}
	return x, !math.IsNaN(x)
}
