package handlers

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A kiosk submission that the database cannot take within the bound (another process
// holds SQLite's write lock) is answered 503 with Retry-After: JSON for the kiosk
// script, which keeps it in its queue; the form again, with the answers and the same
// response id, for a browser without script. The response is stored when the writer
// gets its turn, and the retry with the same id is acknowledged and stored once.
func TestKioskBusyAnswers503(t *testing.T) {
	cfg := DefaultConfig()
	cfg.RateLimit = 0
	cfg.SubmitWait = 200 * time.Millisecond
	ta := newTestApp(t, cfg)
	ctx := context.Background()
	db := ta.rawDB(t)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	held := true
	release := func() {
		if held {
			conn.ExecContext(ctx, "ROLLBACK")
			held = false
		}
	}
	defer release()

	const id = "6f1c1b0e-2a4d-4f0b-9c61-3f8d1d9e7a21"
	form := allCriteria("4")
	form.Set("response_id", id)
	form.Set("field", "land")
	began := time.Now()
	rec := ta.do("POST", "/kiosk/demo-31", form, map[string]string{"Accept": "application/json"})
	var doc struct {
		Error string `json:"error"`
	}
	json.Unmarshal(rec.Body.Bytes(), &doc)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "5" || !strings.Contains(doc.Error, "đang bận") {
		t.Fatalf("JSON while the writer is held: %d Retry-After %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if waited := time.Since(began); waited > 5*time.Second {
		t.Errorf("the kiosk was answered after %s, far beyond its bound", waited)
	}
	form.Set("lang", "en")
	page := ta.do("POST", "/kiosk/demo-31", form, nil)
	body := page.Body.String()
	if page.Code != http.StatusServiceUnavailable || page.Header().Get("Retry-After") != "5" ||
		!strings.Contains(body, "Please press Submit again in a moment.") || !strings.Contains(body, `value="`+id+`"`) ||
		!strings.Contains(body, `name="E1.1" value="4" checked`) {
		t.Fatalf("the form while the writer is held: %d\n%s", page.Code, body)
	}
	release()

	// The queued submissions are written once the lock is free; the retry is a repeat.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := db.QueryRow("SELECT COUNT(*) FROM responses WHERE uuid = ?", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the response held back is not stored (%d)", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	delete(form, "lang")
	if rec := ta.do("POST", "/kiosk/demo-31", form, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("the retry: %d\n%s", rec.Code, rec.Body)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM responses WHERE uuid = ?", id).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d responses of one id after three posts (%v)", n, err)
	}
}
