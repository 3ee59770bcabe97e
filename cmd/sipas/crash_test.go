package main

import (
	"database/sql"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// crashRounds is how many times the crash test kills serve, unless SIPAS_CRASH_ROUNDS
// says otherwise.
const crashRounds = 20

// crashClients is how many kiosks submit at once while serve is killed.
const crashClients = 8

// TestCrashLosesNothing kills `sipas serve` with SIGKILL at a random moment while kiosks
// submit, restarts it, and checks after every kill that each response answered 303 is
// stored exactly once, that nothing is stored twice or that was never sent, and that
// `sipas verify` finds the kept counts equal to the raw responses. Kiosks retry as the
// kiosk script does: an answer that got no reply (serve died) is sent again, with the
// same UUID, once serve is back; one in eight acknowledged answers is sent again at once.
// It runs when SIPAS_CRASH_TEST=1 (.ci/run sets it).
func TestCrashLosesNothing(t *testing.T) {
	if os.Getenv("SIPAS_CRASH_TEST") != "1" {
		t.Skip("SIPAS_CRASH_TEST=1 runs the crash test (serve killed with SIGKILL under kiosk load; .ci/run sets it)")
	}
	rounds := crashRounds
	if n, err := strconv.Atoi(os.Getenv("SIPAS_CRASH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	bin := buildSipas(t)
	db := filepath.Join(t.TempDir(), "sipas.db")
	if out, err := exec.Command(bin, "demo", "-db", db, "-responses", "0").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 0))
	counters := []string{"demo-31", "demo-01", "demo-79", "demo-48"}

	var (
		mu            sync.Mutex
		sent          = map[string]bool{} // every UUID posted
		acked         = map[string]bool{} // answered 303
		unknown       []kioskAnswer       // posted, no answer: serve died meanwhile
		againAtOnce   int                 // acknowledged answers sent again at once
		afterCrash    int                 // answers sent again after a restart
		slowestReplay time.Duration
	)
	record := func(k kioskAnswer, status int, err error) {
		mu.Lock()
		defer mu.Unlock()
		sent[k.id] = true
		switch {
		case err != nil:
			if !acked[k.id] {
				unknown = append(unknown, k)
			}
		case status == http.StatusSeeOther:
			acked[k.id] = true
		default:
			t.Errorf("response %s: %d, want 303", k.id, status)
		}
	}
	began := time.Now()
	for round := 1; round <= rounds+1; round++ {
		p := startServe(t, bin, db)
		cl := kioskClient()
		replay := unknown
		unknown = nil
		start := time.Now()
		for _, k := range replay {
			status, err := k.post(cl, p.base)
			if err != nil || status != http.StatusSeeOther {
				t.Fatalf("round %d: sending %s again after the restart: %d %v", round, k.id, status, err)
			}
			record(k, status, err)
			afterCrash++
		}
		slowestReplay = max(slowestReplay, time.Since(start))
		if round > rounds { // the last start only delivers what the last crash left unanswered
			p.kill()
			break
		}
		var wg sync.WaitGroup
		for c := range crashClients {
			rc := rand.New(rand.NewPCG(r.Uint64(), uint64(c)))
			wg.Go(func() {
				for {
					k := randomAnswer(rc, counters)
					status, err := k.post(cl, p.base)
					record(k, status, err)
					if err == nil && status == http.StatusSeeOther && rc.IntN(8) == 0 {
						status, err = k.post(cl, p.base)
						record(k, status, err)
						mu.Lock()
						againAtOnce++
						mu.Unlock()
					}
					if err != nil {
						return // serve is gone
					}
				}
			})
		}
		time.Sleep(time.Duration(50+r.IntN(650)) * time.Millisecond)
		p.kill()
		wg.Wait()
		checkStored(t, bin, db, round, acked, sent)
	}
	lost := checkStored(t, bin, db, rounds+1, acked, sent)
	if len(acked) != len(sent) {
		t.Errorf("%d responses sent, %d acknowledged in the end", len(sent), len(acked))
	}
	t.Logf("crash test: %d rounds, %d kills with SIGKILL, %d responses acknowledged (%d sent again at once, %d again after a crash left them unanswered), lost %d, stored twice 0; %.1f s (slowest replay after a restart %.2f s)",
		rounds, rounds, len(acked), againAtOnce, afterCrash, lost, time.Since(began).Seconds(), slowestReplay.Seconds())
}

// checkStored checks the database serve left behind: every acknowledged response is
// stored exactly once, nothing is stored that was not sent, and `sipas verify` finds no
// difference between the kept counts and the responses. It returns how many acknowledged
// responses are missing.
func checkStored(t *testing.T, bin, db string, round int, acked, sent map[string]bool) int {
	t.Helper()
	raw, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("SELECT uuid, COUNT(*) FROM responses GROUP BY uuid")
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		stored[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	lost := 0
	for id := range acked {
		if stored[id] == 0 {
			lost++
			t.Errorf("round %d: response %s was acknowledged but is not stored", round, id)
		}
	}
	for id, n := range stored {
		if n > 1 {
			t.Errorf("round %d: response %s is stored %d times", round, id, n)
		}
		if !sent[id] {
			t.Errorf("round %d: response %s is stored but was never sent", round, id)
		}
	}
	out, err := exec.Command(bin, "verify", "-db", db).CombinedOutput()
	if err != nil || !strings.Contains(string(out), ": 0 differences") {
		t.Errorf("round %d: verify: %v\n%s", round, err, out)
	}
	if t.Failed() {
		t.FailNow()
	}
	return lost
}

// The counts the crash test reads come from its own SQL: make sure the column it reads
// is the one responses keep their UUID in.
func TestCrashTestReadsTheUUIDColumn(t *testing.T) {
	db := demoDB(t, 3)
	var n int
	if err := rawSQL(t, db).QueryRow("SELECT COUNT(DISTINCT uuid) FROM responses").Scan(&n); err != nil || n != 3 {
		t.Fatalf("%d distinct UUIDs, %v; want 3", n, err)
	}
}
