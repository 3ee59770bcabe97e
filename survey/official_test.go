package survey

import (
	"errors"
	"testing"
)

func TestParseOfficial(t *testing.T) {
	all := stored()
	tests := []struct {
		form  OfficialForm
		want  OfficialResult
		field string // the field in error, "" when valid
	}{
		{OfficialForm{"2023", "31", "88,09"}, OfficialResult{2023, "31", 88.09}, ""},
		{OfficialForm{" 2024 ", "30", "90.1"}, OfficialResult{2024, "30", 90.1}, ""}, // Hải Dương, in force in 2024
		{OfficialForm{"2025", "national", "84"}, OfficialResult{2025, NationalCode, 84}, ""},
		{OfficialForm{"2025", "30", "88"}, OfficialResult{}, "code"}, // merged into Hải Phòng on 1 July 2025
		{OfficialForm{"2025", "99", "88"}, OfficialResult{}, "code"},
		{OfficialForm{"2027", "31", "88"}, OfficialResult{}, "year"},
		{OfficialForm{"1999", "31", "88"}, OfficialResult{}, "year"},
		{OfficialForm{"năm", "31", "88"}, OfficialResult{}, "year"},
		{OfficialForm{"2023", "31", "101"}, OfficialResult{}, "sipas"},
		{OfficialForm{"2023", "31", "-1"}, OfficialResult{}, "sipas"},
		{OfficialForm{"2023", "31", "88,0,9"}, OfficialResult{}, "sipas"},
	}
	for _, tt := range tests {
		got, err := ParseOfficial(all, tt.form, 2026)
		var ie *InputError
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%+v: %v", tt.form, err)
		case tt.field == "" && got != tt.want:
			t.Errorf("%+v = %+v, want %+v", tt.form, got, tt.want)
		case tt.field != "" && (!errors.As(err, &ie) || ie.Name != tt.field):
			t.Errorf("%+v: error %v, want one on %s", tt.form, err, tt.field)
		}
	}
}
