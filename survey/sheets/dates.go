package sheets

import (
	"strconv"
	"strings"
	"time"

	"sipas/survey"
)

// numberFormatIsDate tells whether a number format shows a number as a date or time: a
// built-in date format, or a custom one (custom: id → dateFormat of its code) with y, m,
// d, h or s outside quoted text and brackets. A built-in id keeps its meaning even when
// the workbook defines it again, as excelize reads it.
func numberFormatIsDate(id int, custom map[int]bool) bool {
	switch {
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58, id >= 71 && id <= 81:
		return true
	case id >= 0 && id <= 4, id >= 9 && id <= 13, id >= 37 && id <= 49, id >= 59 && id <= 62, id >= 67 && id <= 70:
		return false // built-in, not a date
	}
	return custom[id]
}

// dateFormat tells whether a custom number format code shows a date or time.
func dateFormat(code string) bool {
	quoted, bracket := false, false
	for _, r := range strings.ToLower(code) {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case bracket:
		case strings.ContainsRune("ymdhs", r):
			return true
		}
	}
	return false
}

// Excel's day 0 in its two date systems.
var (
	epoch1900 = time.Date(1899, time.December, 30, 0, 0, 0, 0, time.UTC)
	epoch1904 = time.Date(1904, time.January, 1, 0, 0, 0, 0, time.UTC)
)

// lastSerial is 31/12/9999, Excel's last date.
const lastSerial = 2958465

// dateText is a number of a date-formatted cell as a date, YYYY-MM-DD, or RFC 3339 in
// Vietnam time when it has a time of day; other text is returned as it is. Only numbers
// of 1000 and more can be dates of this century; answers and codes are smaller.
func dateText(v string, date1904 bool) string {
	if len(v) < 4 || v[0] < '0' || v[0] > '9' {
		return v
	}
	serial, err := strconv.ParseFloat(v, 64)
	if err != nil || serial < 1000 || serial > lastSerial {
		return v
	}
	t := serialTime(serial, date1904)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	// Excel keeps wall-clock time without a zone: it is Vietnam time.
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, survey.VietnamTime()).Format(time.RFC3339)
}

// serialTime is a date serial number (days since the epoch, the fraction the time of day)
// to the second, rounded as excelize rounds it, so that files read as they always have.
func serialTime(serial float64, date1904 bool) time.Time {
	epoch := epoch1900
	if date1904 {
		epoch = epoch1904
	}
	days := int(serial)
	fraction := serial - float64(days) + 1e-9
	t := epoch.AddDate(0, 0, days).Add(time.Duration(24 * float64(time.Hour) * fraction))
	if t.Nanosecond()/1e6 > 500 {
		return t.Round(time.Second)
	}
	return t.Truncate(time.Second)
}
