package survey

import "time"

// A month's weeks, as kept counts group days: days 1-7, 8-14, 15-21, 22-28 and 29 to the
// end of the month. They never cross a month, so that a partly covered month is some
// whole weeks and at most six days on either side of them; a week is named by the
// YYYYMMDD key of its first day.

// WeekStart is the key of the week of the month that holds day (YYYYMMDD).
func WeekStart(day int) int {
	d := day % 100
	return day - d + (d-1)/7*7 + 1
}

// weekEnd is the last day of the week of the month that starts at start.
func weekEnd(start int) int {
	last := start + 6
	if start%100 == 29 {
		last = start - 29 + monthDays(start/100)
	}
	return last
}

// monthDays is the number of days of the YYYYMM month.
func monthDays(month int) int {
	return time.Date(month/100, time.Month(month%100)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// WeekSpans splits the days from..to (YYYYMMDD keys, to not before from) into runs of
// whole weeks of the month (each run as the keys of its first and last week) and the runs
// of days left around them, in order. Days and weeks together cover from..to exactly once.
func WeekSpans(from, to int) (days, weeks [][2]int) {
	for m := from / 100; m <= to/100; m = NextMonth(m) {
		first, last := max(from, m*100+1), min(to, m*100+monthDays(m))
		firstWeek := WeekStart(first)
		if firstWeek < first {
			firstWeek = weekEnd(firstWeek) + 1
		}
		lastWeek := WeekStart(last)
		if weekEnd(lastWeek) > last {
			lastWeek -= 7
		}
		if firstWeek > lastWeek || firstWeek > last {
			days = append(days, [2]int{first, last})
			continue
		}
		if first < firstWeek {
			days = append(days, [2]int{first, firstWeek - 1})
		}
		weeks = append(weeks, [2]int{firstWeek, lastWeek})
		if end := weekEnd(lastWeek); end < last {
			days = append(days, [2]int{end + 1, last})
		}
	}
	return days, weeks
}
