package models

import (
	"context"
	"path/filepath"
	"testing"

	"sipas/survey"
)

// newTestStore opens a fresh SQLite file in the test's temporary directory, with the
// reference data, the way serve does.
func newTestStore(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(filepath.Join(tb.TempDir(), "test.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.EnsureReferenceData(context.Background(), survey.OfficialUnits(), survey.OfficialQuestionnaireJSON()); err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sipas.db", "sipas.db"},
		{"postgres://sipas:s3cret@db:5432/sipas?sslmode=disable", "postgres://sipas:xxxxx@db:5432/sipas?sslmode=disable"},
		{"postgres://db/sipas", "postgres://db/sipas"},
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
