package models

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"
)

// gormStatements records the SQL of every statement GORM runs on s, which are the ones
// that do not go through the write path's prepared statements.
type gormStatements struct {
	mu  sync.Mutex
	sql []string
}

func recordGormStatements(t *testing.T, s *Store) *gormStatements {
	t.Helper()
	rec := &gormStatements{}
	note := func(db *gorm.DB) {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		rec.sql = append(rec.sql, db.Statement.SQL.String())
	}
	cb := s.db.Callback()
	for name, err := range map[string]error{
		"create": cb.Create().After("*").Register("test:record", note),
		"query":  cb.Query().After("*").Register("test:record", note),
		"update": cb.Update().After("*").Register("test:record", note),
		"delete": cb.Delete().After("*").Register("test:record", note),
		"row":    cb.Row().After("*").Register("test:record", note),
		"raw":    cb.Raw().After("*").Register("test:record", note),
	} {
		if err != nil {
			t.Fatalf("register %s callback: %v", name, err)
		}
	}
	return rec
}

// take returns the statements recorded since the last call.
func (r *gormStatements) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sql
	r.sql = nil
	return out
}

// TestWritePathStatementsAreCached stores batches of the sizes around the write path's
// chunk sizes, a batch repeating stored UUIDs and an import, and checks on SQLite that
// each of them ran only statements from the cache prepared when the store opened: no
// lookup missed the cache, and GORM ran no statement of its own on the responses or the
// counts (a statement built by GORM is compiled again in every transaction).
func TestWritePathStatementsAreCached(t *testing.T) {
	s := newTestStore(t)
	f := newFixture(t, s)
	gormSQL := recordGormStatements(t, s)
	misses := func() int64 { return s.stmts.misses.Load() }
	if misses() != 0 || len(s.stmts.m) == 0 {
		t.Fatalf("a fresh store: %d misses, %d statements prepared", misses(), len(s.stmts.m))
	}

	r := rand.New(rand.NewPCG(3, 5))
	profile := f.q.NewSynthetic(r)
	counters := []Counter{f.a1, f.a2, f.b1}
	fields := []string{"", "land", "civil-status"}
	next := 0
	batchOf := func(n int) []NewResponse {
		batch := make([]NewResponse, n)
		for i := range batch {
			sub := f.q.Synthesize(r, profile, 0)
			sub.Field = fields[next%len(fields)]
			c := counters[next%len(counters)]
			at := vn(2026, 1, 1, 9, 0).Add(time.Duration(next) * 7 * time.Hour) // many days: many count rows
			batch[i] = NewResponse{UUID: fmt.Sprintf("cache-%d", next), Counter: c, ProvinceID: c.ProvinceID,
				QuestionnaireID: f.qrow.ID, Channel: ChannelKiosk, SubmittedAt: at, Submission: sub, Tally: f.q.Tally(sub)}
			next++
		}
		return batch
	}
	check := func(label string, wantStored int, batch []NewResponse) {
		t.Helper()
		gormSQL.take()
		out := f.submit(t, batch...)
		stored := 0
		for _, o := range out {
			if o == Stored {
				stored++
			}
		}
		if stored != wantStored {
			t.Errorf("%s: %d stored, want %d", label, stored, wantStored)
		}
		if m := misses(); m != 0 {
			t.Errorf("%s: %d statements prepared outside the cache", label, m)
		}
		for _, sql := range gormSQL.take() {
			t.Errorf("%s: GORM ran a statement outside the cache: %.90s…", label, sql)
		}
	}
	var earlier []NewResponse
	for _, n := range []int{1, 2, 99, 100, 101, 250} {
		batch := batchOf(n)
		check(fmt.Sprintf("batch of %d", n), n, batch)
		earlier = append(earlier, batch...)
	}
	check("repeated UUIDs", 0, earlier[:150])
	check("repeated and new UUIDs", 120, append(batchOf(120), earlier[200:330]...))

	// An import finds and creates its offices and counters through GORM, once per file;
	// its responses and counts go through the cache.
	gormSQL.take()
	res, err := importCSV(t, s, string(paperFile(t, 400, 9, year2025, 40)))
	if err != nil || res.Stored != 400 {
		t.Fatalf("import: %+v, %v", res, err)
	}
	if m := misses(); m != 0 {
		t.Errorf("import: %d statements prepared outside the cache", m)
	}
	for _, sql := range gormSQL.take() {
		if strings.Contains(sql, "responses") || strings.Contains(sql, "tallies") {
			t.Errorf("import: GORM ran a statement on responses or counts: %.90s…", sql)
		}
	}
}
