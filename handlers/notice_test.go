package handlers

import (
	"encoding/json"
	"fmt"
	"testing"

	"sipas/survey"
)

// A notice goes through the session cookie as JSON: its whole numbers come back as
// numbers that both %d and %s write in decimal, its texts as texts.
func TestNoticeKeepsItsArguments(t *testing.T) {
	for _, tt := range []struct {
		format string
		args   []any
		want   string
	}{
		{"Included %d responses.", []any{40}, "Included 40 responses."},
		{"Published %s version %s.", []any{"sipas-counter", 2}, "Published sipas-counter version 2."},
		{"%s of %d", []any{"31", uint(2025)}, "31 of 2025"},
		{"%5d|%-3s|", []any{int64(7), 8}, "    7|8  |"},
	} {
		data, err := json.Marshal(noticeOf(survey.Msg("k", tt.args...)))
		if err != nil {
			t.Fatal(err)
		}
		var n notice
		if err := json.Unmarshal(data, &n); err != nil {
			t.Fatal(err)
		}
		args := make([]any, len(n.Args))
		for i, a := range n.Args {
			args[i] = a.value()
		}
		if got := fmt.Sprintf(tt.format, args...); got != tt.want {
			t.Errorf("%q with %v: %q, want %q", tt.format, tt.args, got, tt.want)
		}
	}
}
