package survey

import (
	"fmt"
	"strings"
	"testing"
)

// Reading a file row by row in two passes gives the rows, numbers and UUIDs that
// ParsePaper gives reading it whole; the first pass alone gives none of the UUIDs.
func TestPaperFileTwoPasses(t *testing.T) {
	lines := []string{paperHeaderLine,
		"31,o,c,paper,2025-08-01,5,,,,,",
		",,,,,,,,,,",
		"31,o,c,paper,2025-08-01,4,,,,land,yes",
		"",
		"30,o,c,kiosk,15/03/2025,1,2,3,4,,no",
	}
	want, err := ParsePaper(official, stored(), records(lines...), paperNow)
	if err != nil {
		t.Fatal(err)
	}
	first := NewPaperFile(official, stored(), paperNow)
	pass := func(f *PaperFile) []PaperRow {
		t.Helper()
		if err := f.Header(strings.Split(lines[0], ",")); err != nil {
			t.Fatal(err)
		}
		var out []PaperRow
		for i, line := range lines[1:] {
			row, problems, ok := f.Row(i+2, strings.Split(line, ","))
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			if ok {
				out = append(out, row)
			}
		}
		return out
	}
	one := pass(first)
	for _, r := range one {
		if r.UUID != "" {
			t.Errorf("row %d has a UUID on the first pass", r.Row)
		}
	}
	if first.Rows() != 3 || first.End(nil) != nil {
		t.Errorf("%d rows, end %v", first.Rows(), first.End(nil))
	}
	two := pass(first.Again(first.Sum()))
	if len(two) != len(want) {
		t.Fatalf("%d rows, want %d", len(two), len(want))
	}
	for i := range want {
		if two[i].Row != want[i].Row || two[i].UUID != want[i].UUID || two[i].Ordinal != i {
			t.Errorf("row %d: %d %s #%d, want %d %s", i, two[i].Row, two[i].UUID, two[i].Ordinal, want[i].Row, want[i].UUID)
		}
	}
}

func TestPaperFileEnd(t *testing.T) {
	f := NewPaperFile(official, stored(), paperNow)
	if err := f.Header(strings.Split(",,", ",")); err == nil || err.Msg.Key != "paper.problem.empty" {
		t.Errorf("a blank header: %v", err)
	}
	if err := f.Header(strings.Split(paperHeaderLine, ",")); err != nil {
		t.Fatal(err)
	}
	if err := f.End(nil); err == nil || !strings.Contains(err.Error(), "paper.problem.header_only") {
		t.Errorf("no row: %v", err)
	}
	var many PaperErrors
	for i := range 12 {
		many = append(many, &PaperError{Row: i + 2, Msg: Msg("paper.problem.nothing_answered")})
	}
	if err, ok := f.End(many).(PaperErrors); !ok || len(err) != MaxPaperErrors {
		t.Errorf("twelve problems end as %v", f.End(many))
	}
}

// A file puts each counter at one office, and names a bounded number of them.
func TestPaperPlaces(t *testing.T) {
	hp, _ := UnitAt(stored(), "31", "2025-08-01")
	row := func(n int, office, counter string) PaperRow {
		return PaperRow{Row: n, OfficeUnit: hp, Unit: hp, OfficeCode: office, CounterCode: counter}
	}
	p := NewPaperPlaces()
	for _, r := range []PaperRow{row(2, "a", "c1"), row(3, "a", "c1"), row(4, "b", "c2")} {
		if err := p.Add(r); err != nil {
			t.Fatalf("row %d: %v", r.Row, err)
		}
	}
	err := p.Add(row(5, "b", "c1"))
	if err == nil || err.Row != 5 || err.Column != ColCounter ||
		err.Msg.String() != fmt.Sprintf("paper.problem.counter_two_offices(c1, a, %s, 2, b, %s)", hp.Name, hp.Name) {
		t.Errorf("a counter at two offices: %v", err)
	}
	if got := p.Offices(); len(got) != 2 || got[0].Code != "a" || got[1].Code != "b" {
		t.Errorf("offices %v", got)
	}
	for i := len(p.Counters); i < MaxPaperCounters; i++ {
		if err := p.Add(row(i+10, "a", fmt.Sprintf("k%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Add(row(99, "a", "one-too-many")); err == nil || err.Msg.Key != "paper.problem.too_many_counters" {
		t.Errorf("counter %d: %v", MaxPaperCounters+1, err)
	}
	if err := p.Add(row(100, "a", "c1")); err != nil {
		t.Errorf("a counter named before is still fine: %v", err)
	}
}

// The UUIDs of a file's rows never change from release to release: importing a file
// again after an upgrade must find its rows stored, not store them twice. These were
// computed by the releases before the hash was fed a record at a time (cell by cell).
func TestPaperFileUUIDsPinned(t *testing.T) {
	lines := []string{paperHeaderLine,
		" 31,o,c,paper,2025-08-01,5,,,,, ",
		",,,,,,,,,,",
		"31,o,c,paper,2025-08-01,4,,,,land,yes",
		"30,o,c,kiosk,15/03/2025,1,2,3,4,,no,,,",
	}
	f := NewPaperFile(official, stored(), paperNow)
	for i, line := range lines {
		if i == 0 {
			if err := f.Header(strings.Split(line, ",")); err != nil {
				t.Fatal(err)
			}
			continue
		}
		f.Row(i+1, strings.Split(line, ","))
	}
	sum := f.Sum()
	want := map[string]string{
		"sum": "6fa4e8b3a9cc5d52725abc33d7ce5c51b00d891ddf4d957439f9ff6900252156",
		"0":   "e5990c0a-a4c2-531e-a4ec-a66886bbb5bd",
		"2":   "eeda6346-e2a0-59c7-ac1d-18dbcb0580df",
	}
	got := map[string]string{"sum": fmt.Sprintf("%x", sum), "0": paperUUID(sum, 0), "2": paperUUID(sum, 2)}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %s, want %s", k, got[k], v)
		}
	}
}
