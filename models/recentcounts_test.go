package models

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"sipas/survey"
)

// What recentCounts hands over depends only on the versions: rows are current for the
// transaction whose bump follows the version they are as of, and for no other.
func TestRecentCountsVersions(t *testing.T) {
	key := func(d int) tallyKey { return tallyKey{Grain: "D", Period: d, ProvinceID: 1, CounterID: 1} }
	set := func(days ...int) tallySet {
		s := tallySet{}
		for _, d := range days {
			tl := survey.NewTally()
			tl.Responses = int64(d)
			s[key(d)] = tallyEntry{t: tl, own: true}
		}
		return s
	}
	type step struct {
		op      string // put, take, forget
		version int64
		days    []int
		want    []int // take: the days handed over
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"the next transaction finds its rows", []step{
			{op: "put", version: 5, days: []int{1, 2}},
			{op: "take", version: 6, days: []int{1, 3}, want: []int{1}},
		}},
		{"a row handed over is not handed over again", []step{
			{op: "put", version: 5, days: []int{1}},
			{op: "take", version: 6, days: []int{1}, want: []int{1}},
			{op: "take", version: 6, days: []int{1}, want: nil},
		}},
		{"another writer between: nothing", []step{
			{op: "put", version: 5, days: []int{1, 2}},
			{op: "take", version: 7, days: []int{1, 2}, want: nil},
			{op: "put", version: 7, days: []int{3}},
			{op: "take", version: 8, days: []int{1, 2, 3}, want: []int{3}}, // 1 and 2 were forgotten at 7
		}},
		{"a rolled-back version given again", []step{
			{op: "put", version: 5, days: []int{1, 2}},
			{op: "take", version: 6, days: []int{1}, want: []int{1}},
			{op: "forget"}, // that transaction failed
			{op: "take", version: 6, days: []int{1, 2}, want: nil},
		}},
		{"rows put after newer ones are dropped", []step{
			{op: "put", version: 9, days: []int{1}},
			{op: "put", version: 8, days: []int{2}},
			{op: "take", version: 10, days: []int{1, 2}, want: []int{1}},
		}},
		{"a put after a gap starts afresh", []step{
			{op: "put", version: 5, days: []int{1}},
			{op: "put", version: 8, days: []int{2}},
			{op: "take", version: 9, days: []int{1, 2}, want: []int{2}},
		}},
		{"a put that follows keeps the others", []step{
			{op: "put", version: 5, days: []int{1}},
			{op: "put", version: 6, days: []int{2}},
			{op: "take", version: 7, days: []int{1, 2}, want: []int{1, 2}},
		}},
		{"nothing remembered at first", []step{
			{op: "take", version: 1, days: []int{1}, want: nil},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecentCounts()
			for i, st := range tt.steps {
				switch st.op {
				case "put":
					r.put(st.version, set(st.days...))
				case "forget":
					r.forget()
				case "take":
					var keys []tallyKey
					for _, d := range st.days {
						keys = append(keys, key(d))
					}
					handed := r.take(st.version, keys)
					var got []int
					for _, d := range st.days {
						if tl, ok := handed[key(d)]; ok {
							if tl.Responses != int64(d) {
								t.Errorf("step %d: day %d handed over as %d", i, d, tl.Responses)
							}
							got = append(got, d)
						}
					}
					if !reflect.DeepEqual(got, st.want) {
						t.Errorf("step %d: take(%d, %v) handed over %v, want %v", i, st.version, st.days, got, st.want)
					}
				}
			}
		})
	}
}

// The kiosk writer adds to the rows it remembers only while no one else changed any
// count: another process's kiosk batch, held responses taken out, an import and a failed
// transaction in between all leave the kept counts equal to the raw responses.
func TestRecentCountsStayExact(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "recent.db")
	open := func() *Store {
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	s := open()
	if _, err := s.EnsureReferenceData(ctx, survey.OfficialUnits(), survey.OfficialQuestionnaireJSON()); err != nil {
		t.Fatal(err)
	}
	other := open() // a second process on the same file
	f := newFixture(t, s)
	g := &fixture{s: other, qrow: f.qrow, q: f.q, a1: f.a1, a2: f.a2, b1: f.b1}
	at := vn(2026, 3, 2, 9, 0)
	n := 0
	next := func(c Counter, v int) NewResponse {
		n++
		return f.response(uuidOf(n), c, at, "land", nil, "E1.1", v, "E2.1", 5-v%3)
	}
	f.submit(t, next(f.a1, 4), next(f.a1, 5))
	version, err := s.CountsVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.recent.version != version || len(s.recent.rows) != 5 {
		t.Fatalf("after a batch: %d rows remembered as of %d, want 5 as of %d", len(s.recent.rows), s.recent.version, version)
	}
	f.submit(t, next(f.a1, 3))                // adds to what it remembers
	g.submit(t, next(f.a1, 2), next(f.a2, 1)) // another process, same rows
	f.submit(t, next(f.a1, 5))
	held := next(f.a1, 1)
	f.submit(t, held, next(f.a1, 4))
	if _, err := s.HoldStored(ctx, []string{held.UUID}, []string{"burst"}); err != nil {
		t.Fatal(err)
	}
	f.submit(t, next(f.a1, 2))
	if _, err := importCSV(t, s, string(paperFile(t, 50, 1, year2025, 30))); err != nil {
		t.Fatal(err)
	}
	f.submit(t, next(f.a1, 3))
	// a failed transaction after it took the rows
	if err := s.db.Exec("CREATE TRIGGER fail_m BEFORE INSERT ON tallies WHEN NEW.grain = 'M' BEGIN SELECT RAISE(ABORT, 'injected'); END").Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitResponses(ctx, []NewResponse{next(f.a1, 5)}); err == nil {
		t.Fatal("a batch whose count write fails was stored")
	}
	if err := s.db.Exec("DROP TRIGGER fail_m").Error; err != nil {
		t.Fatal(err)
	}
	f.submit(t, next(f.a1, 4), next(f.b1, 2))
	f.submit(t, next(f.a1, 1))
	if sum, diffs := verifyAll(t, s); len(diffs) > 0 || sum.Rows == 0 {
		t.Errorf("%d of %d rows differ from the raw responses: %v", len(diffs), sum.Rows, diffs)
	}
}

// The writer does add to the rows it remembers rather than read them again: a change
// made behind the counts version's back (which no sipas writer makes) is not seen.
func TestRecentCountsAreUsed(t *testing.T) {
	s := newTestStore(t)
	f := newFixture(t, s)
	at := vn(2026, 3, 2, 9, 0)
	f.submit(t, f.response(uuidOf(1), f.a1, at, "land", nil, "E1.1", 4))
	if err := s.db.Exec("UPDATE tallies SET responses = responses + 100 WHERE grain = 'D'").Error; err != nil {
		t.Fatal(err)
	}
	f.submit(t, f.response(uuidOf(2), f.a1, at, "land", nil, "E1.1", 5))
	var responses int64
	if err := s.db.Raw("SELECT responses FROM tallies WHERE grain = 'D'").Scan(&responses).Error; err != nil {
		t.Fatal(err)
	}
	if responses != 2 {
		t.Errorf("the day's row has %d responses, want 2 (the remembered 1, plus 1)", responses)
	}
}

func uuidOf(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
