package models

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"sipas/survey"
)

// verifyAll runs VerifyCounts and returns its summary and differences.
func verifyAll(t *testing.T, s *Store) (VerifySummary, []CountDifference) {
	t.Helper()
	var found []CountDifference
	sum, err := s.VerifyCounts(context.Background(), func(d CountDifference) error {
		found = append(found, d)
		return nil
	})
	if err != nil {
		t.Fatalf("VerifyCounts: %v", err)
	}
	if sum.Differences != int64(len(found)) {
		t.Errorf("summary says %d differences, %d reported", sum.Differences, len(found))
	}
	return sum, found
}

// keyCond selects the row of a key, with the key's values() as arguments.
const keyCond = "grain = ? AND period = ? AND province_id = ? AND office_id = ? AND counter_id = ? AND questionnaire_id = ? AND field = ? AND batch = ?"

// verifyFixture stores synthetic responses over two months at three counters, with
// procedure fields, and an import of paper questionnaires.
func verifyFixture(t *testing.T, s *Store) (*fixture, []NewResponse) {
	t.Helper()
	f := newFixture(t, s)
	r := rand.New(rand.NewPCG(11, 13))
	profile := f.q.NewSynthetic(r)
	counters := []Counter{f.a1, f.a2, f.b1}
	var batch []NewResponse
	for i := range 400 {
		sub := f.q.Synthesize(r, profile, 0)
		c := counters[i%3]
		batch = append(batch, NewResponse{UUID: fmt.Sprintf("verify-%d", i), Counter: c, ProvinceID: c.ProvinceID,
			QuestionnaireID: f.qrow.ID, Channel: ChannelKiosk, SubmittedAt: vn(2026, 1, 20, 8, 0).Add(time.Duration(i) * 3 * time.Hour),
			Submission: sub, Tally: f.q.Tally(sub)})
	}
	// in several transactions, so that rows are added to as the kiosks add to them
	for start := 0; start < len(batch); start += 150 {
		f.submit(t, batch[start:min(start+150, len(batch))]...)
	}
	if _, err := importCSV(t, s, string(paperFile(t, 300, 4, year2025, 30))); err != nil {
		t.Fatal(err)
	}
	return f, batch
}

// savedRow is a kept row's figures, to put it back after a test damaged it.
type savedRow struct {
	Responses           int64
	SumScore, SumScore2 float64
	Counts              []byte
}

func saveRow(t *testing.T, s *Store, k tallyKey) savedRow {
	t.Helper()
	var r savedRow
	if err := s.db.Raw("SELECT responses, sum_score, sum_score2, counts FROM tallies WHERE "+keyCond, k.values()...).Scan(&r).Error; err != nil || r.Responses == 0 {
		t.Fatalf("row %+v: %+v, %v", k, r, err)
	}
	return r
}

func putRow(t *testing.T, s *Store, k tallyKey, r savedRow) {
	t.Helper()
	exec(t, s, "DELETE FROM tallies WHERE "+keyCond, k.values()...)
	exec(t, s, "INSERT INTO tallies ("+strings.Join(tallyColumns, ", ")+") VALUES ("+strings.Repeat("?, ", len(tallyColumns)-1)+"?)",
		append(k.values(), r.Responses, r.SumScore, r.SumScore2, r.Counts)...)
}

func exec(t *testing.T, s *Store, sql string, args ...any) {
	t.Helper()
	if err := s.db.Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// TestVerifyCounts checks that a database written by the write path verifies clean, and
// that each kind of damage is found and named by its row; each is undone before the next.
func TestVerifyCounts(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		f, batch := verifyFixture(t, s)
		responses, rows := f.count(t, "responses"), f.count(t, "tallies")
		sum, found := verifyAll(t, s)
		if len(found) != 0 {
			t.Fatalf("a fresh database has %d differences, first %+v", len(found), found[0])
		}
		if sum.Responses != responses || sum.Rows != rows || sum.Months < 3 {
			t.Errorf("summary %+v; want %d responses, %d rows, at least 3 months", sum, responses, rows)
		}
		names, err := loadKeyNames(s.db)
		if err != nil {
			t.Fatal(err)
		}
		r := batch[7] // at counter a2 of office oa in Hải Phòng
		keys := keysOf(r)
		day, month, province := keys[0], keys[1], keys[3]
		dayKey := CountKey{Grain: "D", Period: day.Period, ProvinceCode: "31", ProvinceName: f.provA.Name, OfficeCode: "oa",
			CounterCode: "a2", Questionnaire: "sipas-counter", QuestionnaireVersion: 1, Field: r.Submission.Field}
		if names.name(day) != dayKey {
			t.Fatalf("the day row is named %+v, want %+v", names.name(day), dayKey)
		}
		saved := map[tallyKey]savedRow{}
		for _, k := range keys {
			saved[k] = saveRow(t, s, k)
		}
		restore := func() {
			for k, row := range saved {
				putRow(t, s, k, row)
			}
		}
		kept := saved[day]
		altered := survey.NewTally()
		if err := addCounts(altered, kept.Counts, true); err != nil {
			t.Fatal(err)
		}
		e11 := altered.Criteria["E1.1"].Values
		altered.Criteria["E1.1"].Values[0]++
		var response Response
		if err := s.db.Where("uuid = ?", r.UUID).Take(&response).Error; err != nil {
			t.Fatal(err)
		}
		// The rows of r when r is not counted: one response too many, or kept for none.
		withoutR := func() []wantDiff {
			var out []wantDiff
			for _, k := range keys {
				kind := Different
				if saved[k].Responses == 1 {
					kind = Extra
				}
				out = append(out, wantDiff{kind, k, nil})
			}
			return out
		}
		noResponse := tallyKey{"D", 20260101, f.provB.ID, f.officeB.ID, f.b1.ID, f.qrow.ID, "x", 0}
		noDay := tallyKey{"D", 20261399, f.provA.ID, f.officeA.ID, f.a1.ID, f.qrow.ID, "", 0}
		for _, c := range []struct {
			name         string
			damage, undo func()
			want         []wantDiff
			badResponse  bool
		}{{
			name:   "a count altered by hand",
			damage: func() { exec(t, s, "UPDATE tallies SET responses = responses + 1 WHERE "+keyCond, day.values()...) },
			undo:   restore,
			want: []wantDiff{{Different, day, []TallyDifference{{Part: DiffResponses,
				Kept: []float64{float64(kept.Responses + 1)}, Recomputed: []float64{float64(kept.Responses)}}}}},
		}, {
			name: "a province's day row (grain P) altered by hand",
			damage: func() {
				exec(t, s, "UPDATE tallies SET responses = responses + 1 WHERE "+keyCond, province.values()...)
			},
			undo: restore,
			want: []wantDiff{{Different, province, []TallyDifference{{Part: DiffResponses,
				Kept: []float64{float64(saved[province].Responses + 1)}, Recomputed: []float64{float64(saved[province].Responses)}}}}},
		}, {
			name: "an answer count changed inside validly packed counts",
			damage: func() {
				exec(t, s, "UPDATE tallies SET counts = ? WHERE "+keyCond, append([]any{encodeCounts(altered)}, day.values()...)...)
			},
			undo: restore,
			want: []wantDiff{{Different, day, []TallyDifference{{Part: DiffAnswers, Code: "E1.1",
				Kept:       []float64{float64(e11[0] + 1), float64(e11[1]), float64(e11[2]), float64(e11[3]), float64(e11[4])},
				Recomputed: []float64{float64(e11[0]), float64(e11[1]), float64(e11[2]), float64(e11[3]), float64(e11[4])}}}}},
		}, {
			name: "damaged packed counts",
			damage: func() {
				bad := bytes.Clone(kept.Counts)
				bad[len(bad)/2] ^= 0x10
				exec(t, s, "UPDATE tallies SET counts = ? WHERE "+keyCond, append([]any{bad}, day.values()...)...)
			},
			undo: restore,
			want: []wantDiff{{Unreadable, day, nil}},
		}, {
			name:   "a kept row deleted",
			damage: func() { exec(t, s, "DELETE FROM tallies WHERE "+keyCond, month.values()...) },
			undo:   restore,
			want:   []wantDiff{{Missing, month, nil}},
		}, {
			name:   "a row that no response gives",
			damage: func() { putRow(t, s, noResponse, kept) },
			undo:   func() { exec(t, s, "DELETE FROM tallies WHERE "+keyCond, noResponse.values()...) },
			want:   []wantDiff{{Extra, noResponse, nil}},
		}, {
			name:   "a row of no day",
			damage: func() { putRow(t, s, noDay, kept) },
			undo:   func() { exec(t, s, "DELETE FROM tallies WHERE "+keyCond, noDay.values()...) },
			want:   []wantDiff{{Extra, noDay, nil}},
		}, {
			name:   "a response deleted without its counts",
			damage: func() { exec(t, s, "DELETE FROM responses WHERE uuid = ?", r.UUID) },
			undo: func() {
				if err := s.db.Create(&response).Error; err != nil {
					t.Fatal(err)
				}
			},
			want: withoutR(),
		}, {
			name: "answers that cannot be counted",
			damage: func() {
				exec(t, s, "UPDATE responses SET answers = ? WHERE uuid = ?", `{"criteria":{"E1.1":9}}`, r.UUID)
			},
			undo:        func() { exec(t, s, "UPDATE responses SET answers = ? WHERE uuid = ?", response.Answers, r.UUID) },
			want:        withoutR(),
			badResponse: true,
		}} {
			c.damage()
			_, found := verifyAll(t, s)
			if c.badResponse {
				if len(found) == 0 || found[0].Kind != BadResponse || found[0].Response != r.UUID || found[0].Err == nil {
					t.Errorf("%s: %+v, want the response named first", c.name, found)
				} else {
					found = found[1:]
				}
			}
			checkDifferences(t, c.name, names, found, c.want)
			c.undo()
			if _, found := verifyAll(t, s); len(found) != 0 {
				t.Fatalf("%s, undone: %+v", c.name, found)
			}
		}
	})
}

// wantDiff is a difference a test expects: its kind, its row and, when not nil, its parts.
type wantDiff struct {
	kind  DifferenceKind
	key   tallyKey
	parts []TallyDifference
}

func checkDifferences(t *testing.T, label string, names *keyNames, found []CountDifference, wants []wantDiff) {
	t.Helper()
	if len(found) != len(wants) {
		t.Errorf("%s: %d differences, want %d: %+v", label, len(found), len(wants), found)
		return
	}
	byKey := map[CountKey]CountDifference{}
	for _, d := range found {
		byKey[d.Key] = d
	}
	for _, w := range wants {
		d, ok := byKey[names.name(w.key)]
		switch {
		case !ok:
			t.Errorf("%s: row %+v not named; found %+v", label, names.name(w.key), found)
		case d.Kind != w.kind:
			t.Errorf("%s: row %+v is %v, want %v", label, d.Key, d.Kind, w.kind)
		case w.parts != nil && !reflect.DeepEqual(d.Parts, w.parts):
			t.Errorf("%s: row %+v differs in %+v, want %+v", label, d.Key, d.Parts, w.parts)
		case (d.Kind == Missing) != (d.Kept == nil) || (d.Kind == Unreadable) != (d.Err != nil):
			t.Errorf("%s: row %+v: kept %v, err %v", label, d.Key, d.Kept, d.Err)
		}
	}
}
