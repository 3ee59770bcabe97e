package survey

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// OpeningHours are when a province's counters are open, in Vietnam time: a device silent
// then is worth a look, one silent at night is not.
type OpeningHours struct {
	Open, Close int     // minutes after midnight
	Days        [7]bool // indexed by time.Weekday
}

// DefaultOpeningHours are a One-Stop-Shop's usual hours: 07:30–17:00, Monday to Friday.
func DefaultOpeningHours() OpeningHours {
	return OpeningHours{Open: 7*60 + 30, Close: 17 * 60,
		Days: [7]bool{time.Monday: true, time.Tuesday: true, time.Wednesday: true, time.Thursday: true, time.Friday: true}}
}

var weekdayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseOpeningHours reads "HH:MM-HH:MM day,day,…" (days sun…sat), as String writes it.
func ParseOpeningHours(s string) (OpeningHours, error) {
	span, days, _ := strings.Cut(strings.TrimSpace(s), " ")
	from, to, ok := strings.Cut(span, "-")
	if !ok {
		return OpeningHours{}, fmt.Errorf("opening hours %q: want HH:MM-HH:MM days", s)
	}
	var h OpeningHours
	var err error
	if h.Open, err = ParseClock(from); err != nil {
		return OpeningHours{}, err
	}
	if h.Close, err = ParseClock(to); err != nil {
		return OpeningHours{}, err
	}
	for _, d := range strings.Split(days, ",") {
		i := indexOf(weekdayNames[:], strings.TrimSpace(d))
		if i < 0 {
			return OpeningHours{}, fmt.Errorf("opening hours %q: unknown day %q", s, d)
		}
		h.Days[i] = true
	}
	return h, h.Check()
}

// ParseClock reads HH:MM as minutes after midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// Clock writes minutes after midnight as HH:MM.
func Clock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// Check says what is wrong with the hours, as a Message (an *InputError naming the form field).
func (h OpeningHours) Check() error {
	if h.Open >= h.Close {
		return inputError("close", Msg("fleet.hours.error.order"))
	}
	for _, open := range h.Days {
		if open {
			return nil
		}
	}
	return inputError("days", Msg("fleet.hours.error.days"))
}

// String writes the hours as ParseOpeningHours reads them.
func (h OpeningHours) String() string {
	var days []string
	for i, open := range h.Days {
		if open {
			days = append(days, weekdayNames[i])
		}
	}
	return Clock(h.Open) + "-" + Clock(h.Close) + " " + strings.Join(days, ",")
}

// Weekdays lists the days open, as time.Weekday numbers from Monday.
func (h OpeningHours) Weekdays() []time.Weekday {
	var out []time.Weekday
	for _, d := range []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday} {
		if h.Days[d] {
			out = append(out, d)
		}
	}
	return out
}

// OpenAt tells whether the moment at falls within opening hours, in Vietnam time.
func (h OpeningHours) OpenAt(at time.Time) bool {
	at = at.In(VietnamTime())
	m := at.Hour()*60 + at.Minute()
	return h.Days[at.Weekday()] && m >= h.Open && m < h.Close
}

// OpenBetween is how much of the time from from to to fell within opening hours.
func (h OpeningHours) OpenBetween(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	vn := VietnamTime()
	from, to = from.In(vn), to.In(vn)
	var total time.Duration
	for day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, vn); day.Before(to); day = day.AddDate(0, 0, 1) {
		if !h.Days[day.Weekday()] {
			continue
		}
		open, close := day.Add(time.Duration(h.Open)*time.Minute), day.Add(time.Duration(h.Close)*time.Minute)
		start, end := latest(open, from), earliest(close, to)
		if end.After(start) {
			total += end.Sub(start)
		}
	}
	return total
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// SilentAfter is how much opening time without contact makes a device silent.
const SilentAfter = 30 * time.Minute

// QueueStuckAfter is how long a device may report answers waiting before its queue is
// flagged: a device in contact sends them within a minute or two.
const QueueStuckAfter = 15 * time.Minute

// DeviceState is what is known of a registered kiosk device from its contacts.
type DeviceState struct {
	Registered time.Time
	LastSeen   time.Time // zero: never since registering
	Revoked    bool
	Queue      int       // answers waiting in its offline queue at its last report
	QueuePrev  int       // at the report before
	QueueSince time.Time // since when its queue has not been empty; zero when empty
	Version    string    // the version of the kiosk script it runs
}

// DeviceHealth is what the fleet page flags about a device.
type DeviceHealth struct {
	Silent       bool          // no contact for SilentAfter of opening time
	SilentFor    time.Duration // opening time since its last contact
	QueueGrowing bool          // its queue grew, or has not emptied for QueueStuckAfter
	Outdated     bool          // it runs another kiosk script than the server's
	Severity     int           // 3 silent, 2 queue, 1 outdated, 0 fine, -1 revoked
}

// Health judges a device at moment now, against the kiosk script version the server has.
func (h OpeningHours) Health(d DeviceState, current string, now time.Time) DeviceHealth {
	if d.Revoked {
		return DeviceHealth{Severity: -1}
	}
	seen := d.LastSeen
	if seen.IsZero() {
		seen = d.Registered
	}
	var out DeviceHealth
	out.SilentFor = h.OpenBetween(seen, now)
	out.Silent = out.SilentFor >= SilentAfter
	out.QueueGrowing = d.Queue > d.QueuePrev || d.Queue > 0 && !d.QueueSince.IsZero() && now.Sub(d.QueueSince) >= QueueStuckAfter
	out.Outdated = d.Version != "" && current != "" && d.Version != current
	switch {
	case out.Silent:
		out.Severity = 3
	case out.QueueGrowing:
		out.Severity = 2
	case out.Outdated:
		out.Severity = 1
	}
	return out
}

// SortWorstFirst orders devices by their health: silent ones first (the longest silent
// first), then growing queues (the longest first), outdated scripts, the fine ones, and
// revoked devices last; name breaks ties.
func SortWorstFirst[T any](list []T, health func(T) DeviceHealth, queue func(T) int, name func(T) string) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := health(list[i]), health(list[j])
		switch {
		case a.Severity != b.Severity:
			return a.Severity > b.Severity
		case a.SilentFor != b.SilentFor && a.Severity == 3:
			return a.SilentFor > b.SilentFor
		case queue(list[i]) != queue(list[j]):
			return queue(list[i]) > queue(list[j])
		}
		return name(list[i]) < name(list[j])
	})
}

func indexOf(list []string, v string) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return -1
}
