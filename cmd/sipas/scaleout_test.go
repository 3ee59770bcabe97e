package main

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestTwoServesOnePostgres runs the scale-out of a national deployment: two `sipas serve`
// processes on one PostgreSQL database, as behind a load balancer. Kiosks submit to both
// at once; one answer in four is sent again to the other process with the same UUID
// (a kiosk retrying through the balancer), some to both at the same moment. Every
// acknowledged response must be stored exactly once, nothing that was not sent, and
// `sipas verify` must find the kept counts equal to the raw responses. The national
// figures, which each process keeps in its read cache, must show the other process's
// writes. It runs when SIPAS_SCALEOUT_TEST=1 with SIPAS_TEST_POSTGRES (.ci/run sets both).
func TestTwoServesOnePostgres(t *testing.T) {
	if os.Getenv("SIPAS_SCALEOUT_TEST") != "1" {
		t.Skip("SIPAS_SCALEOUT_TEST=1 with SIPAS_TEST_POSTGRES runs two serve processes on one PostgreSQL (.ci/run sets them)")
	}
	dsn := freshSchema(t)
	bin := buildSipas(t)
	if out, err := exec.Command(bin, "demo", "-db", dsn, "-responses", "0").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	servers := []*serveProc{startServe(t, bin, dsn, "-alerts-every", "0"), startServe(t, bin, dsn, "-alerts-every", "0")}
	year := time.Now().In(time.FixedZone("ICT", 7*3600)).Format("2006")
	before := nationalDoc(t, servers[1].base, year) // kept in the second process's cache

	const clients, perClient = 8, 40
	counters := []string{"demo-31", "demo-01", "demo-79", "demo-48"}
	var (
		mu    sync.Mutex
		sent  = map[string]bool{}
		acked = map[string]bool{}
		wg    sync.WaitGroup
	)
	post := func(cl *http.Client, k kioskAnswer, server *serveProc) {
		mu.Lock()
		sent[k.id] = true
		mu.Unlock()
		status, err := k.post(cl, server.base)
		if err != nil || status != http.StatusSeeOther {
			t.Errorf("response %s to %s: %d %v, want 303", k.id, server.base, status, err)
			return
		}
		mu.Lock()
		acked[k.id] = true
		mu.Unlock()
	}
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			cl := kioskClient()
			for n := range perClient {
				k := randomAnswer(r, counters)
				first, other := servers[(i+n)%2], servers[(i+n+1)%2]
				switch n % 8 {
				case 0: // to both processes at the same moment
					var both sync.WaitGroup
					both.Add(1)
					go func() { defer both.Done(); post(kioskClient(), k, other) }()
					post(cl, k, first)
					both.Wait()
				case 1: // acknowledged, then sent again through the other process
					post(cl, k, first)
					post(cl, k, other)
				default:
					post(cl, k, first)
				}
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		for _, s := range servers {
			t.Logf("%s logged:\n%s", s.base, s.stderr)
		}
		t.FailNow()
	}

	stored := storedUUIDs(t, dsn)
	for id := range acked {
		if stored[id] != 1 {
			t.Errorf("response %s was acknowledged and is stored %d times", id, stored[id])
		}
	}
	for id := range stored {
		if !sent[id] {
			t.Errorf("response %s is stored but was never sent", id)
		}
	}
	if len(acked) != clients*perClient {
		t.Errorf("%d responses acknowledged, want %d", len(acked), clients*perClient)
	}
	out, err := exec.Command(bin, "verify", "-db", dsn).CombinedOutput()
	if err != nil || !strings.Contains(string(out), ": 0 differences") {
		t.Errorf("verify: %v\n%s", err, out)
	}
	// Both processes answer the same figures, with what both stored (held responses,
	// which each process's burst watch holds for review, are stored and not counted).
	first, second := nationalDoc(t, servers[0].base, year), nationalDoc(t, servers[1].base, year)
	if first != second {
		t.Errorf("the two processes answer different national figures:\n%s\n%s", first, second)
	}
	if second == before {
		t.Error("the second process still answers the figures it kept before the other one's writes")
	}
}

// freshSchema is a DSN on a new schema of SIPAS_TEST_POSTGRES's database, dropped when
// the test ends.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := os.Getenv("SIPAS_TEST_POSTGRES")
	if base == "" {
		t.Fatal("SIPAS_SCALEOUT_TEST needs SIPAS_TEST_POSTGRES")
	}
	b := make([]byte, 8)
	crand.Read(b)
	schema := "scaleout_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(context.Background(), base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(context.Background())
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// storedUUIDs counts the stored responses by UUID.
func storedUUIDs(t *testing.T, dsn string) map[string]int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT uuid, COUNT(*) FROM responses GROUP BY uuid")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// nationalDoc is the national figures of year as a process answers them.
func nationalDoc(t *testing.T, base, year string) string {
	t.Helper()
	res, err := http.Get(base + "/api/v1/sipas?year=" + year)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK || !json.Valid(body) {
		t.Fatalf("national figures: %d %v %.200s", res.StatusCode, err, body)
	}
	return string(body)
}
