package survey

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// paperNow is the moment of the imports in these tests.
var paperNow = time.Date(2026, 3, 10, 15, 0, 0, 0, VietnamTime())

const paperHeaderLine = "province,office,counter,channel,submitted_at,E1.1,E1.2,E2.3,E5.4,field,P2"

// records splits CSV-like lines (no quoting needed here) into records.
func records(lines ...string) [][]string {
	out := make([][]string, len(lines))
	for i, l := range lines {
		out[i] = strings.Split(l, ",")
	}
	return out
}

func TestParsePaper(t *testing.T) {
	all := stored()
	rows, err := ParsePaper(official, all, records(
		paperHeaderLine,
		"31,ubnd-hb,hb-1,paper,2025-08-01,5,4,,3,land,no",
		",,,,,,,,,,", // blank rows are skipped, but keep their number
		"1,ubnd-hn,hn-1,,2024-03-15T09:30:00+07:00,2,,,,,",
		"30,ubnd-hd,hd-1,kiosk,15/03/2025,,,5,,civil-status,yes",
	), paperNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rows))
	}
	r := rows[0]
	if r.Row != 2 || r.Unit.Code != "31" || r.Unit.ValidFrom != "2025-07-01" || r.OfficeUnit.ID != r.Unit.ID ||
		r.OfficeCode != "ubnd-hb" || r.CounterCode != "hb-1" || r.Channel != "paper" {
		t.Errorf("row 2 = %+v", r)
	}
	if want := time.Date(2025, 8, 1, 12, 0, 0, 0, VietnamTime()); !r.SubmittedAt.Equal(want) {
		t.Errorf("a day is noon in Vietnam: got %v", r.SubmittedAt)
	}
	wantSub := Submission{Field: "land", Criteria: map[string]int{"E1.1": 5, "E1.2": 4, "E5.4": 3}, Answers: map[string]string{"P2": "no"}}
	if !reflect.DeepEqual(r.Submission, wantSub) {
		t.Errorf("submission %+v, want %+v", r.Submission, wantSub)
	}
	// "1" is Hà Nội's 01; before the merger the office lives on under today's unit 01.
	hn := rows[1]
	if hn.Row != 4 || hn.Unit.Code != "01" || hn.Unit.ValidUntil != "2025-06-30" || hn.OfficeUnit.Code != "01" || hn.OfficeUnit.ValidFrom != "2025-07-01" {
		t.Errorf("row 4 unit %+v, office unit %+v", hn.Unit, hn.OfficeUnit)
	}
	if hn.Channel != "paper" || hn.SubmittedAt.UTC().Hour() != 2 || hn.SubmittedAt.Minute() != 30 {
		t.Errorf("row 4 channel %q at %v", hn.Channel, hn.SubmittedAt.UTC())
	}
	// Hải Dương (30) before 1 July 2025: the response is Hải Dương's, the office Hải Phòng's.
	hd := rows[2]
	if hd.Unit.Code != "30" || hd.OfficeUnit.Code != "31" || hd.OfficeUnit.ValidFrom != "2025-07-01" || hd.Channel != "kiosk" {
		t.Errorf("row 5 unit %s, office unit %s from %s", hd.Unit.Code, hd.OfficeUnit.Code, hd.OfficeUnit.ValidFrom)
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if len(r.UUID) != 36 || r.UUID[14] != '5' || seen[r.UUID] {
			t.Errorf("UUID %q not a fresh version-5 UUID", r.UUID)
		}
		seen[r.UUID] = true
	}
}

func TestParsePaperUUIDs(t *testing.T) {
	all := stored()
	parse := func(lines ...string) []PaperRow {
		t.Helper()
		rows, err := ParsePaper(official, all, records(lines...), paperNow)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	a := "31,o,c,paper,2025-08-01,5,,,,,"
	b := "31,o,c,paper,2025-08-01,4,,,,,"
	first := parse(paperHeaderLine, a, a, b)
	if first[0].UUID == first[1].UUID {
		t.Error("two equal rows of a file are two responses: they need two UUIDs")
	}
	// The same content gives the same UUIDs: with blank rows, trailing empty cells, spaces.
	again := parse(paperHeaderLine+",", ",,,", " "+a, a+",,", "", b)
	for i := range first {
		if first[i].UUID != again[i].UUID {
			t.Errorf("row %d: UUID %s then %s", i, first[i].UUID, again[i].UUID)
		}
	}
	// Another file (one more row) is another file.
	other := parse(paperHeaderLine, a, a, b, b)
	if other[0].UUID == first[0].UUID {
		t.Error("a different file gave the same UUID")
	}
}

// A file imported again must be "already imported": the UUIDs derived from a file's
// content may never change. These are the ones the first release gave this file.
func TestParsePaperUUIDsArePinned(t *testing.T) {
	rows, err := ParsePaper(official, stored(), records(paperHeaderLine,
		"31,o,c,paper,2025-08-01,5,,,,,",
		"",
		"31,o,c,paper,2025-08-01,4,,,,land,yes",
		"30,o,c,kiosk,15/03/2025,1,2,3,4,,no",
	), paperNow)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		row  int
		uuid string
	}{
		{2, "e5990c0a-a4c2-531e-a4ec-a66886bbb5bd"},
		{4, "fe00fcf1-49cb-534f-8def-b4ba9aeda55a"},
		{5, "eeda6346-e2a0-59c7-ac1d-18dbcb0580df"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(rows), len(want))
	}
	for i, w := range want {
		if rows[i].Row != w.row || rows[i].UUID != w.uuid {
			t.Errorf("row %d: %s, want row %d: %s", rows[i].Row, rows[i].UUID, w.row, w.uuid)
		}
	}
}

func TestParsePaperErrors(t *testing.T) {
	all := stored()
	ok := "31,o,c,paper,2025-08-01,5,4,,,,"
	tests := []struct {
		name   string
		lines  []string
		row    int
		column string
		key    string // the message's catalogue key
	}{
		{"empty file", nil, 0, "", "paper.problem.empty"},
		{"header only", []string{paperHeaderLine}, 0, "", "paper.problem.header_only"},
		{"unknown column", []string{"province,office,counter,channel,submitted_at,E1.1,E9.9", ok}, 1, "E9.9", "paper.problem.unknown_column"},
		{"case matters", []string{"Province,office,counter,channel,submitted_at,E1.1", ok}, 1, "Province", "paper.problem.unknown_column"},
		{"duplicate column", []string{"province,office,counter,channel,submitted_at,E1.1,E1.1", ok}, 1, "E1.1", "paper.problem.column_twice"},
		{"missing fixed column", []string{"province,office,counter,submitted_at,E1.1", "31,o,c,2025-08-01,5"}, 1, "channel", "paper.problem.column_missing"},
		{"no criterion column", []string{"province,office,counter,channel,submitted_at,field", "31,o,c,paper,2025-08-01,land"}, 1, "", "paper.problem.no_criterion_column"},
		{"bad province", []string{paperHeaderLine, ok, "99,o,c,paper,2025-08-01,5,,,,,"}, 3, "province", "paper.problem.province_unknown"},
		{"empty province", []string{paperHeaderLine, ",o,c,paper,2025-08-01,5,,,,,"}, 2, "province", "paper.problem.province_empty"},
		{"province not in force", []string{paperHeaderLine, "30,o,c,paper,2025-08-01,5,,,,,"}, 2, "province", "paper.problem.province_taken_over"},
		{"bad channel", []string{paperHeaderLine, "31,o,c,fax,2025-08-01,5,,,,,"}, 2, "channel", "paper.problem.channel"},
		{"bad date", []string{paperHeaderLine, "31,o,c,paper,2025-13-01,5,,,,,"}, 2, "submitted_at", "paper.problem.date"},
		{"US date", []string{paperHeaderLine, "31,o,c,paper,08/31/2025,5,,,,,"}, 2, "submitted_at", "paper.problem.date"},
		{"empty date", []string{paperHeaderLine, "31,o,c,paper,,5,,,,,"}, 2, "submitted_at", "paper.problem.date_empty"},
		{"future date", []string{paperHeaderLine, "31,o,c,paper,2026-03-11,5,,,,,"}, 2, "submitted_at", "paper.problem.date_future"},
		{"future moment", []string{paperHeaderLine, "31,o,c,paper,2026-03-10T16:00:00+07:00,5,,,,,"}, 2, "submitted_at", "paper.problem.date_future"},
		{"value 6", []string{paperHeaderLine, ok, ok, ok, ok, ok, "31,o,c,paper,2025-08-01,5,4,6,,,"}, 7, "E2.3", "paper.problem.value"},
		{"value 0", []string{paperHeaderLine, "31,o,c,paper,2025-08-01,0,,,,,"}, 2, "E1.1", "paper.problem.value"},
		{"value 4.5", []string{paperHeaderLine, "31,o,c,paper,2025-08-01,4.5,,,,,"}, 2, "E1.1", "paper.problem.value"},
		{"wrong field", []string{paperHeaderLine, "31,o,c,paper,2025-08-01,5,,,,space,"}, 2, "field", "paper.problem.field"},
		{"wrong option", []string{paperHeaderLine, "31,o,c,paper,2025-08-01,5,,,,,maybe"}, 2, "P2", "paper.problem.option"},
		{"nothing answered", []string{paperHeaderLine, "31,o,c,paper,2025-08-01,,,,,land,"}, 2, "", "paper.problem.nothing_answered"},
		{"empty office", []string{paperHeaderLine, "31,,c,paper,2025-08-01,5,,,,,"}, 2, "office", "paper.problem.office_code"},
		{"bad counter code", []string{paperHeaderLine, "31,o,quầy 1/2,paper,2025-08-01,5,,,,,"}, 2, "counter", "paper.problem.counter_code"},
		{"short row", []string{paperHeaderLine, "31,o"}, 2, "counter", "paper.problem.code_needed"},
		{"cell beyond header", []string{paperHeaderLine, ok + ",extra"}, 2, "L", "paper.problem.outside_header"},
		{"data under blank header", []string{paperHeaderLine + ",", ok + ",x"}, 2, "L", "paper.problem.unnamed_column"},
		{"numbering counts blank rows", []string{paperHeaderLine, ok, ",,,", "", "31,o,c,paper,2025-08-01,7,,,,,"}, 5, "E1.1", "paper.problem.value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recs [][]string
			if tt.lines != nil {
				recs = records(tt.lines...)
			}
			rows, err := ParsePaper(official, all, recs, paperNow)
			if err == nil {
				t.Fatalf("no error; %d rows", len(rows))
			}
			if rows != nil {
				t.Error("rows returned with an error")
			}
			var list PaperErrors
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T %v, want PaperErrors", err, err)
			}
			e := list[0]
			if e.Row != tt.row || e.Column != tt.column || e.Msg.Key != tt.key {
				t.Errorf("got row %d column %q %s; want row %d column %q %s", e.Row, e.Column, e.Msg, tt.row, tt.column, tt.key)
			}
		})
	}
}

func TestParsePaperReportsSeveralProblems(t *testing.T) {
	lines := []string{paperHeaderLine}
	for i := 0; i < 30; i++ {
		lines = append(lines, "31,o,c,paper,2025-08-01,9,,,,,")
	}
	_, err := ParsePaper(official, stored(), records(lines...), paperNow)
	var list PaperErrors
	if !errors.As(err, &list) || len(list) != MaxPaperErrors {
		t.Fatalf("got %v, want %d problems", err, MaxPaperErrors)
	}
	if list[0].Row != 2 || list[9].Row != 11 {
		t.Errorf("rows %d … %d, want 2 … 11", list[0].Row, list[9].Row)
	}
	// Two problems in one row are both told.
	_, err = ParsePaper(official, stored(), records(paperHeaderLine, "31,o,c,fax,2025-08-01,9,,,,,"), paperNow)
	if !errors.As(err, &list) || len(list) != 2 || list[0].Column != "channel" || list[1].Column != "E1.1" {
		t.Errorf("got %v", err)
	}
	want := Msg("paper.at.row_column", 2, "channel", Msg("paper.problem.channel", "fax"))
	if got := list[0].Describe(); got.String() != want.String() {
		t.Errorf("Describe() = %s, want %s", got, want)
	}
}

func TestParsePaperToday(t *testing.T) {
	// A questionnaire of today, imported in the morning, is not in the future.
	morning := time.Date(2026, 3, 10, 8, 0, 0, 0, VietnamTime())
	rows, err := ParsePaper(official, stored(), records(paperHeaderLine, "31,o,c,paper,2026-03-10,5,,,,,"), morning)
	if err != nil {
		t.Fatal(err)
	}
	if !rows[0].SubmittedAt.Equal(morning) || DayKey(rows[0].SubmittedAt) != 20260310 {
		t.Errorf("submitted at %v", rows[0].SubmittedAt)
	}
}

func TestColumnLetter(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := ColumnLetter(i); got != want {
			t.Errorf("ColumnLetter(%d) = %q, want %q", i, got, want)
		}
	}
}
