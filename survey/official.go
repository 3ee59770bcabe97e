package survey

import (
	"strconv"
	"strings"
)

// OfficialForm is an official figure as an administrator typed it.
type OfficialForm struct {
	Year, Code, SIPAS string
}

// ParseOfficial checks an official figure: a year from 2000 to thisYear, the code of a
// province in force at the end of that year (as the Ministry ranked them) or
// NationalCode, and a percentage from 0 to 100 written with a dot or a comma.
func ParseOfficial(units []Unit, f OfficialForm, thisYear int) (OfficialResult, error) {
	year, err := strconv.Atoi(strings.TrimSpace(f.Year))
	if err != nil || year < 2000 || year > thisYear {
		return OfficialResult{}, inputError("year", Msg("official.error.year", f.Year, thisYear))
	}
	code := strings.TrimSpace(f.Code)
	if code != NationalCode {
		if _, ok := UnitAt(units, code, dayString(YearPeriod(year).To)); !ok {
			return OfficialResult{}, inputError("code", Msg("official.error.code", code, year))
		}
	}
	v, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(f.SIPAS), ",", ".", 1), 64)
	if err != nil || v < 0 || v > 100 {
		return OfficialResult{}, inputError("sipas", Msg("official.error.sipas", f.SIPAS))
	}
	return OfficialResult{Year: year, Code: code, SIPAS: v}, nil
}
