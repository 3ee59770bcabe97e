package models

import (
	"context"
	"testing"
)

// The counts version grows with every write another process's caches must notice: a
// kiosk batch, a published import, an audited change; and a second store on the same
// database (another serve process) sees it and reads the new counts, not its cached ones.
func TestCountsVersionSeenByAnotherStore(t *testing.T) {
	eachDB(t, func(t *testing.T, db testDB) {
		ctx := context.Background()
		dsn := db.fresh(t)
		writer := openTestStore(t, dsn, true)
		reader := openTestStore(t, dsn, false)
		f := newFixture(t, writer)
		version := func() int64 {
			t.Helper()
			v, err := reader.CountsVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		grew := func(what string, before int64) int64 {
			t.Helper()
			v := version()
			if v <= before {
				t.Errorf("%s: the counts version stayed at %d", what, before)
			}
			return v
		}
		v := version()
		if n := nationalResponses(t, reader); n != 0 {
			t.Fatalf("%d responses in a new database", n)
		}
		f.submit(t, f.response("00000000-0000-4000-8000-000000000001", f.a1, vn(2025, 9, 1, 9, 0), "land", nil, "E1.1", 5))
		v = grew("a kiosk response", v)
		if n := nationalResponses(t, reader); n != 1 {
			t.Errorf("the other store reads %d responses after the write, want 1", n)
		}
		file := string(paperFile(t, 50, 3, year2025, 30))
		importFile(t, testImporter(writer), "version.csv", file)
		v = grew("a published import", v)
		if n := nationalResponses(t, reader); n != 51 {
			t.Errorf("the other store reads %d responses after the import, want 51", n)
		}
		if err := writer.Audit(ctx, Actor{Name: "root"}, "test.change", "x", nil, map[string]string{"a": "b"}); err != nil {
			t.Fatal(err)
		}
		v = grew("an audited change", v)
		if n := nationalResponses(t, reader); n != 51 || version() != v {
			t.Errorf("reading changed the version or the counts: %d responses", n)
		}
	})
}
