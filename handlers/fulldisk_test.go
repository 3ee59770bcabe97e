package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"sipas/models"
	"sipas/static"
	"sipas/survey"
)

// needRoot skips a test that mounts file systems when it cannot (CI runs as root).
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root (.ci/run runs as root): not tested here")
	}
}

// mount mounts a file system on a new directory, unmounted when the test ends; it skips
// the test when the machine does not allow it (a container without the capability).
func mount(t *testing.T, args ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "mnt")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mount", append(args, dir)...).CombinedOutput(); err != nil {
		t.Skipf("mount %s: %v %s: not tested here", strings.Join(args, " "), err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fillDisk writes a file into dir until the file system has no room left.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	for _, size := range []int{4096, 512, 1} { // the last partial blocks
		for {
			if _, err := f.Write(chunk[:size]); err != nil {
				break
			}
		}
	}
	return path
}

// kioskSubmission is a kiosk response posted as a browser without JavaScript does, or as
// the kiosk script does (JSON).
type kioskSubmission struct {
	form url.Values
	json bool
}

// holdNothing turns the kiosk's checks against gaming off (held responses are stored but
// not counted, which is not what a test of storage looks at).
func holdNothing(t testing.TB, store *models.Store) {
	t.Helper()
	r := survey.DefaultHoldRules()
	r.Enabled = false
	if err := store.SetHoldRules(context.Background(), r, models.Actor{Addr: "test", Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

func newKioskSubmission() kioskSubmission {
	form := allCriteria("4")
	form.Set("response_id", uuid.NewString())
	form.Set("field", "land")
	return kioskSubmission{form: form}
}

func (k kioskSubmission) post(h http.Handler) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/kiosk/demo-31", strings.NewReader(k.form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if k.json {
		req.Header.Set("Accept", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// checkUnavailable checks a 503 that asks to try again later, as a page or as JSON.
func checkUnavailable(t *testing.T, what string, rec *httptest.ResponseRecorder, asJSON bool) {
	t.Helper()
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("%s: %d, Retry-After %q, want 503 with Retry-After\n%.800s", what, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if asJSON {
		var doc struct{ Error string }
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || doc.Error == "" {
			t.Errorf("%s: not a JSON error: %v %s", what, err, rec.Body)
		}
	}
}

// checkCounts checks that the database holds exactly want responses and that its kept
// counts are those of its responses: nothing was stored half.
func checkCounts(t *testing.T, store *models.Store, want int, when string) {
	t.Helper()
	ctx := context.Background()
	n, err := store.CountResponses(ctx)
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	if n != int64(want) {
		t.Errorf("%s: %d responses stored, want the %d acknowledged", when, n, want)
	}
	sum, err := store.VerifyCounts(ctx, func(d models.CountDifference) error {
		t.Errorf("%s: kept counts differ: %+v", when, d)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: verify: %v", when, err)
	}
	if sum.Responses != int64(want) {
		t.Errorf("%s: verify read %d responses, want %d", when, sum.Responses, want)
	}
}

// When the disk is full, the kiosk answers 503 with Retry-After (as a page and as JSON),
// stores nothing half, dashboards still read, and once there is room again the same
// response is stored once and new ones go on.
func TestKioskFullDisk(t *testing.T) {
	needRoot(t)
	dir := mount(t, "-t", "tmpfs", "-o", "size=24m", "tmpfs")
	disk := newBareAppAt(t, Config{MinSample: 30, Questionnaire: "sipas-counter"}, filepath.Join(dir, "sipas.db"))
	holdNothing(t, disk.store) // this is about storing: a run of identical answers must count
	acked := 0
	for range 3 {
		if rec := newKioskSubmission().post(disk.router); rec.Code != http.StatusSeeOther {
			t.Fatalf("before the disk is full: %d", rec.Code)
		}
		acked++
	}
	// An empty write-ahead log, so that the next commit needs new room on the disk.
	if _, err := disk.rawDB(t).Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	filler := fillDisk(t, dir)
	var refused kioskSubmission
	for i := 0; ; i++ {
		k := newKioskSubmission()
		rec := k.post(disk.router)
		if rec.Code == http.StatusSeeOther && i < 1000 {
			acked++ // a page of the log had room left
			continue
		}
		checkUnavailable(t, "a page's submission on a full disk", rec, false)
		refused = k
		t.Logf("the disk was full after %d more submissions", i)
		break
	}
	js := newKioskSubmission()
	js.json = true
	checkUnavailable(t, "the kiosk script's submission on a full disk", js.post(disk.router), true)
	if rec := disk.do("GET", "/kiosk/demo-31", nil, nil); rec.Code != http.StatusOK {
		t.Errorf("the kiosk form on a full disk: %d", rec.Code)
	}
	if rec := disk.do("GET", "/api/v1/sipas?year=2026", nil, nil); rec.Code != http.StatusOK {
		t.Errorf("the API on a full disk: %d", rec.Code)
	}
	checkCounts(t, disk.store, acked, "on a full disk")

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for _, k := range []kioskSubmission{refused, js, refused, newKioskSubmission()} {
		if rec := k.post(disk.router); rec.Code != http.StatusSeeOther && rec.Code != http.StatusOK {
			t.Fatalf("once there is room again: %d %.500s", rec.Code, rec.Body)
		}
	}
	checkCounts(t, disk.store, acked+3, "once there is room again")
}

// When the file system turns read-only under serve (the kernel does so after a disk
// error: ext4's errors=remount-ro), the kiosk answers 503 with Retry-After and stores
// nothing half; once the file system is repaired and serve restarted, the same response
// is stored once.
func TestKioskReadOnlyFileSystem(t *testing.T) {
	needRoot(t)
	for _, tool := range []string{"mkfs.ext4", "e2fsck", "findmnt"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: not tested here", tool)
		}
	}
	image := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(image, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(image, 32<<20); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("mkfs.ext4", "-q", "-F", image).CombinedOutput(); err != nil {
		t.Fatalf("mkfs.ext4: %v %s", err, out)
	}
	dir := mount(t, "-o", "loop,errors=remount-ro", image)
	src, err := exec.Command("findmnt", "-n", "-o", "SOURCE", dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	trigger := filepath.Join("/sys/fs/ext4", filepath.Base(strings.TrimSpace(string(src))), "trigger_fs_error")
	if _, err := os.Stat(trigger); err != nil {
		t.Skipf("this kernel cannot make an ext4 file system fail (%v): not tested here", err)
	}
	dbPath := filepath.Join(dir, "sipas.db")
	disk := newBareAppAt(t, Config{MinSample: 30, Questionnaire: "sipas-counter"}, dbPath)
	acked := 0
	for range 3 {
		if rec := newKioskSubmission().post(disk.router); rec.Code != http.StatusSeeOther {
			t.Fatalf("before the file system turns read-only: %d", rec.Code)
		}
		acked++
	}
	if err := os.WriteFile(trigger, []byte("sipas read-only test\n"), 0); err != nil {
		t.Fatalf("making the file system fail: %v", err)
	}
	refused := newKioskSubmission()
	checkUnavailable(t, "a page's submission on a read-only file system", refused.post(disk.router), false)
	js := newKioskSubmission()
	js.json = true
	checkUnavailable(t, "the kiosk script's submission on a read-only file system", js.post(disk.router), true)
	if rec := disk.do("GET", "/api/v1/sipas?year=2026", nil, nil); rec.Code != http.StatusOK && rec.Code != http.StatusServiceUnavailable {
		t.Errorf("the API on a read-only file system: %d, want 200 or 503", rec.Code)
	}

	// The operator repairs the file system and starts serve again.
	disk.app.Close()
	disk.store.Close()
	if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
		t.Fatalf("umount: %v %s", err, out)
	}
	if out, err := exec.Command("e2fsck", "-fy", image).CombinedOutput(); err != nil {
		if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() > 2 { // 1, 2: errors corrected
			t.Fatalf("e2fsck: %v %s", err, out)
		}
	}
	if out, err := exec.Command("mount", "-o", "loop", image, dir).CombinedOutput(); err != nil {
		t.Fatalf("mount again: %v %s", err, out)
	}
	store, err := models.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	checkCounts(t, store, acked, "after the repair")
	app, err := New(store, static.FS(), Config{MinSample: 30, Questionnaire: "sipas-counter"}, disk.clock.now)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	router := app.Handler()
	for _, k := range []kioskSubmission{refused, js, refused} {
		if rec := k.post(router); rec.Code != http.StatusSeeOther && rec.Code != http.StatusOK {
			t.Fatalf("after the repair: %d %.500s", rec.Code, rec.Body)
		}
	}
	checkCounts(t, store, acked+2, "after the repair, the refused responses sent again")
}
