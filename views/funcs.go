package views

import (
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"

	"sipas/survey"
)

func baseFuncs(c *Catalog, assets func(string) string) template.FuncMap {
	locale := c.Locale
	return template.FuncMap{
		"t":     c.T,
		"langs": c.Choices,
		"msg":   c.Message,
		"asset": assets,
		"pct":   func(lang string, v any) string { return Percent(locale(lang), v) },
		"num":   func(lang string, v any) string { return Number(locale(lang), v) },
		"date":  func(lang string, t time.Time) string { return Date(locale(lang), t) },
		// a moment in Vietnam time, as the language writes dates, and the hour
		"moment": func(lang string, t time.Time) string {
			return t.In(survey.VietnamTime()).Format(locale(lang).Date + " 15:04")
		},
		"jsonattr": func(v any) (string, error) {
			b, err := json.Marshal(v)
			return string(b), err
		},
		"points":  func(lang string, v any) string { return Points(locale(lang), v) },
		"dict":    dict,
		"ci":      func(lang string, v any) string { return Range(locale(lang), v) },
		"dec":     func(lang string, v any) string { return Decimal(locale(lang), v) },
		"distbar": func(lang string, v any) template.HTML { return DistBar(locale(lang), v) },
	}
}

// Percent writes a percentage with two decimals the way the locale does (88,09 % in
// Vietnamese, 88.09% in English); nil or NaN shows a dash.
func Percent(l Locale, v any) string {
	x, ok := number(v)
	if !ok {
		return "–"
	}
	return l.percent(l.decimals(x, 2))
}

// Percent1 writes a percentage with one decimal the way the locale does (88,1 % in
// Vietnamese, 88.1% in English), as a badge shows it.
func Percent1(l Locale, x float64) string { return l.percent(l.decimals(x, 1)) }

// Number writes an integer with thousands separators (1.234.567 in Vietnamese, 1,234,567 in English).
func Number(l Locale, v any) string {
	x, ok := number(v)
	if !ok {
		return "–"
	}
	s := fmt.Sprintf("%d", int64(math.Round(math.Abs(x))))
	var b strings.Builder
	if x < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(l.Thousands)
		}
		b.WriteRune(r)
	}
	return b.String()
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

// dict makes a map of key-value pairs, to hand a partial template more than one value.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict needs pairs, got %d values", len(kv))
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
