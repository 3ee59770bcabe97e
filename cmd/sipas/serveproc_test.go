package main

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"sipas/survey"
)

// buildSipas builds this command into the test's directory, for tests that run it as
// a process of its own (to kill it, as a crash or a power cut would).
func buildSipas(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH to build sipas with")
	}
	bin := filepath.Join(t.TempDir(), "sipas")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProc is a running `sipas serve`.
type serveProc struct {
	cmd    *exec.Cmd
	base   string        // http://127.0.0.1:port
	exited chan struct{} // closed once the process has ended
	err    error         // how it ended, once exited is closed
	stderr *lockedBuffer // what it logged
}

// lockedBuffer is a process's standard error, readable while the process writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listening = regexp.MustCompile(`sipas is listening on (http://\S+)`)

// startServe starts `bin serve` on a free port over db, without a rate limit, and waits
// until it says where it listens.
func startServe(t *testing.T, bin, db string, extra ...string) *serveProc {
	t.Helper()
	args := append([]string{"serve", "-addr", "127.0.0.1:0", "-db", db}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "SIPAS_RATE_LIMIT=0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: cmd, exited: make(chan struct{}), stderr: stderr}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		io.Copy(io.Discard, stdout)
		close(found)
		p.err = cmd.Wait()
		close(p.exited)
	}()
	select {
	case base, ok := <-found:
		if !ok {
			<-p.exited
			t.Fatalf("serve stopped before it listened: %v\n%s", p.err, stderr.String())
		}
		p.base = base
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("serve did not listen within a minute\n%s", stderr.String())
	}
	t.Cleanup(func() { p.kill() })
	return p
}

// kill ends serve with SIGKILL, as a crash or a power cut would, and waits for it.
func (p *serveProc) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	p.cmd.Process.Kill()
	<-p.exited
}

// kioskClient posts kiosk forms as a browser without JavaScript does: the 303 to the
// thank-you page is the acknowledgement, not followed.
func kioskClient() *http.Client {
	return &http.Client{
		Timeout:       30 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// kioskAnswer is a response a kiosk client sends: its UUID, counter and form.
type kioskAnswer struct {
	id, counter string
	form        url.Values
}

// randomAnswer answers a random subset of the official criteria (at least one).
func randomAnswer(r *rand.Rand, counters []string) kioskAnswer {
	form := url.Values{}
	codes := survey.Official().CriterionCodes()
	for _, code := range codes {
		if r.IntN(4) > 0 {
			form.Set(code, fmt.Sprint(1+r.IntN(5)))
		}
	}
	if len(form) == 0 {
		form.Set(codes[0], "5")
	}
	id := uuid.NewString()
	form.Set("response_id", id)
	return kioskAnswer{id: id, counter: counters[r.IntN(len(counters))], form: form}
}

// post sends the answer; the status, or an error when no answer came (serve was killed).
func (k kioskAnswer) post(cl *http.Client, base string) (int, error) {
	res, err := cl.PostForm(base+"/kiosk/"+k.counter, k.form)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}
