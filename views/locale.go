package views

import (
	"fmt"
	"strings"
	"time"
)

// Locale is how a language writes numbers and dates: the locale.* keys of its catalogue.
type Locale struct {
	Decimal   string // the decimal separator: "," in Vietnamese
	Thousands string // the thousands separator: "." in Vietnamese
	Percent   string // the pattern of a percentage around its number: "%s %%" gives 88,09 %
	Date      string // the Go layout of a day: "02/01/2006" gives 31/12/2026
}

// localeOf reads the locale of a catalogue; every one must say all of it.
func localeOf(texts map[string]string) (Locale, error) {
	l := Locale{Decimal: texts["locale.decimal"], Thousands: texts["locale.thousands"],
		Percent: texts["locale.percent"], Date: texts["locale.date"]}
	if l.Decimal == "" || l.Thousands == "" || !strings.Contains(l.Percent, "%s") || l.Date == "" {
		return Locale{}, fmt.Errorf("locale.decimal, locale.thousands, locale.percent (with %%s) and locale.date are needed")
	}
	return l, nil
}

// decimals writes x with n decimals and the locale's decimal separator.
func (l Locale) decimals(x float64, n int) string {
	return strings.Replace(fmt.Sprintf("%.*f", n, x), ".", l.Decimal, 1)
}

// percent wraps a written number in the locale's percentage pattern.
func (l Locale) percent(s string) string { return fmt.Sprintf(l.Percent, s) }

// Date writes a day the way the locale does (31/12/2026 in Vietnamese, 2026-12-31 in English).
func Date(l Locale, t time.Time) string { return t.Format(l.Date) }
