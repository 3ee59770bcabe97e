package handlers

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
)

// rawExchange sends a request over a new TCP connection exactly as written: head (the
// request line and header lines, without the blank line that ends them), then body,
// framed as chunks when chunked. The body is written from a goroutine, since the server
// may answer and close before it has read it all; the answer's status and body are
// returned.
func rawExchange(t *testing.T, srv *httptest.Server, head string, body io.Reader, chunked bool) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	go func() { // write errors are expected once the server has answered
		w := bufio.NewWriter(conn)
		w.WriteString(head + "\r\n")
		if !chunked {
			io.Copy(w, body)
			w.Flush()
			return
		}
		buf := make([]byte, 32<<10)
		for {
			n, err := io.ReadFull(body, buf)
			if n > 0 {
				fmt.Fprintf(w, "%x\r\n%s\r\n", n, buf[:n])
				if w.Flush() != nil {
					return
				}
			}
			if err != nil {
				break
			}
		}
		w.WriteString("0\r\n\r\n")
		w.Flush()
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: no answer: %v", strings.SplitN(head, "\r\n", 2)[0], err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// chunkedPost sends a POST with Transfer-Encoding: chunked (no Content-Length, so that no
// limit can be checked up front): head, then filler bytes up to size bytes of body, then
// tail.
func chunkedPost(t *testing.T, srv *httptest.Server, path, contentType string, header http.Header, head string, size int, tail string) (int, string) {
	t.Helper()
	var req strings.Builder
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n", path, srv.Listener.Addr(), contentType)
	for k, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&req, "%s: %s\r\n", k, v)
		}
	}
	filler := io.LimitReader(repeatByte('x'), int64(max(size-len(head), 0)))
	return rawExchange(t, srv, req.String(), io.MultiReader(strings.NewReader(head), filler, strings.NewReader(tail)), true)
}

// repeatByte reads as an endless run of b.
type repeatByte byte

func (r repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

// A body beyond its route's limit is 413, also when it is sent chunked and so only found
// too large while it is read: the kiosk, the sign-in form, forms whose token comes in the
// body or in the X-CSRF-Token header, and the paper upload. Nothing is stored.
func TestChunkedBodiesOverTheLimitAre413(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	srv := httptest.NewServer(ta.router)
	defer srv.Close()
	root := signIn(t, ta.router, "root")
	cookies := func(cl *client) http.Header {
		h := http.Header{}
		for _, c := range cl.cookies {
			h.Add("Cookie", c.Name+"="+c.Value)
		}
		return h
	}
	withToken := func(h http.Header, token string) http.Header {
		h = h.Clone()
		h.Set("X-CSRF-Token", token)
		return h
	}
	anon := newClient(t, ta.router)
	anon.do("GET", "/login", nil, nil)

	kiosk := allCriteria("4")
	kiosk.Set("response_id", uuid.NewString())
	const form = "application/x-www-form-urlencoded"
	const boundary = "sipasboundary"
	multipartHead := "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + csrfField + "\"\r\n\r\n" + root.csrf +
		"\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\nContent-Type: text/csv\r\n\r\n" +
		"province,office,counter,channel,submitted_at,E1.1\n"
	multipartTail := "\r\n--" + boundary + "--\r\n"
	tests := []struct {
		name, path, contentType string
		header                  http.Header
		head                    string
		size                    int
	}{
		{"kiosk", "/kiosk/demo-31", form, nil, kiosk.Encode() + "&pad=", 65 << 10},
		{"kiosk, far beyond", "/kiosk/demo-31", form, nil, kiosk.Encode() + "&pad=", 8 << 20},
		{"kiosk as multipart", "/kiosk/demo-31", "multipart/form-data; boundary=" + boundary, nil,
			"--" + boundary + "\r\nContent-Disposition: form-data; name=\"pad\"\r\n\r\n", 1 << 20},
		{"sign-in, token in the body", "/login", form, cookies(anon),
			url.Values{csrfField: {anon.csrf}, "name": {"root"}, "password": {testPassword}}.Encode() + "&pad=", 65 << 10},
		{"new account, token in the body", "/admin/users", form, cookies(root),
			url.Values{csrfField: {root.csrf}, "name": {"mai"}, "role": {"admin"}}.Encode() + "&pad=", 65 << 10},
		{"new account, token in the header", "/admin/users", form, withToken(cookies(root), root.csrf),
			url.Values{"name": {"mai"}, "role": {"admin"}}.Encode() + "&pad=", 65 << 10},
		{"password, token in the header", "/account/password", form, withToken(cookies(root), root.csrf),
			"current=x&pad=", 65 << 10},
		{"paper upload, token in the body", "/admin/import", "multipart/form-data; boundary=" + boundary, cookies(root),
			multipartHead, (maxImportMB << 20) + 1},
		{"paper upload, token in the header", "/admin/import", "multipart/form-data; boundary=" + boundary,
			withToken(cookies(root), root.csrf), multipartHead, (maxImportMB << 20) + 1},
	}
	before := ta.countRows(t)
	for _, tt := range tests {
		tail := ""
		if strings.HasPrefix(tt.contentType, "multipart/") {
			tail = multipartTail
		}
		status, body := chunkedPost(t, srv, tt.path, tt.contentType, tt.header, tt.head, tt.size, tail)
		if status != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %d, want 413\n%.500s", tt.name, status, body)
		}
	}
	if after := ta.countRows(t); after != before {
		t.Errorf("rows before %v, after %v", before, after)
	}
	// Under the limit, the same requests are read and answered as usual.
	if status, body := chunkedPost(t, srv, "/kiosk/demo-31", form, nil, kiosk.Encode(), 0, ""); status != http.StatusSeeOther {
		t.Errorf("a chunked kiosk response under the limit: %d\n%.500s", status, body)
	}
}

// rowCounts are the rows a refused request must not have added to.
type rowCounts struct {
	Responses, Tallies, Offices, Counters, Users, Sessions int64
}

// countRows counts the rows of the tables a request could write to (but the audit log,
// which records refusals).
func (ta *testApp) countRows(t *testing.T) rowCounts {
	t.Helper()
	db := ta.rawDB(t)
	var n rowCounts
	for table, dst := range map[string]*int64{"responses": &n.Responses, "tallies": &n.Tallies, "offices": &n.Offices,
		"counters": &n.Counters, "users": &n.Users, "sessions": &n.Sessions} {
		if err := db.QueryRow("SELECT COUNT(*) FROM " + table).Scan(dst); err != nil {
			t.Fatalf("count %s: %v", table, err)
		}
	}
	return n
}
