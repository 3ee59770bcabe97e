package handlers

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"sipas/models"
)

// hostileRequest is one request a hostile client sends, as raw HTTP/1.1 over TCP so that
// nothing is cleaned up on the way (paths, escapes, bytes, headers), and the status it
// must get. The body is built once the client's CSRF token is known.
type hostileRequest struct {
	name     string
	as       string // "" nobody; "root" the administrator's browser; "visitor" a browser that opened /login
	method   string
	target   string // sent as it is in the request line
	ctype    string
	header   map[string]string
	body     func(csrf string) []byte
	want     int
	says     string // what the answer must say, if anything: the reason, so that the request reached the code under test
	noLength bool   // chunked, without Content-Length
}

// send writes the request over a new connection and reads the answer.
func (h hostileRequest) send(t *testing.T, srv *httptest.Server, cl *client) (int, string) {
	t.Helper()
	var body []byte
	token := ""
	if cl != nil {
		token = cl.csrf
	}
	if h.body != nil {
		body = h.body(token)
	}
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", h.method, h.target, srv.Listener.Addr())
	if h.ctype != "" {
		fmt.Fprintf(&head, "Content-Type: %s\r\n", h.ctype)
	}
	if cl != nil {
		for _, c := range cl.cookies {
			fmt.Fprintf(&head, "Cookie: %s=%s\r\n", c.Name, c.Value)
		}
	}
	for k, v := range h.header {
		fmt.Fprintf(&head, "%s: %s\r\n", k, v)
	}
	switch _, lies := h.header["Content-Length"]; {
	case h.noLength:
		head.WriteString("Transfer-Encoding: chunked\r\n")
	case !lies && (body != nil || h.method == "POST"):
		fmt.Fprintf(&head, "Content-Length: %d\r\n", len(body))
	}
	return rawExchange(t, srv, head.String(), bytes.NewReader(body), h.noLength)
}

// form is a body of form fields as written, in order, repeated names and bad escapes
// included; "{csrf}" is replaced by the client's token.
func form(raw string) func(string) []byte {
	return func(csrf string) []byte { return []byte(strings.ReplaceAll(raw, "{csrf}", url.QueryEscape(csrf))) }
}

// kioskForm is a valid kiosk response with extra appended as written.
func kioskBody(extra string) func(string) []byte {
	f := allCriteria("4")
	f.Set("response_id", uuid.NewString())
	return form(f.Encode() + extra)
}

// kioskWith is a kiosk response whose fields are exactly raw (no response_id unless given).
func kioskWith(raw string) func(string) []byte {
	return form(strings.ReplaceAll(raw, "{id}", uuid.NewString()))
}

// upload is a multipart paper upload of content named name, with the CSRF token.
func upload(name string, content []byte) func(string) []byte {
	return func(csrf string) []byte {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.SetBoundary("hostileboundary")
		w.WriteField(csrfField, csrf)
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(content)
		w.Close()
		return buf.Bytes()
	}
}

const multipartType = "multipart/form-data; boundary=hostileboundary"

// paperFile is a CSV paper file with one row of the given office and counter codes.
func paperFile(office, counter string) []byte {
	return []byte("province,office,counter,channel,submitted_at,E1.1\n31," + office + "," + counter + ",paper,2025-08-01,5\n")
}

// sheetXML is a worksheet part holding rows.
func sheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		rows + `</sheetData></worksheet>`
}

// tinyWorkbook is the smallest workbook the reader takes, its sheet as given, packed as
// tightly as an attacker would.
func tinyWorkbook(t *testing.T, sheet string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestCompression) })
	rel := `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/`
	for _, part := range [][2]string{
		{"[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>`},
		{"_rels/.rels", rel + `officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", rel + `worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", sheet},
	} {
		f, err := zw.Create(part[0])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, part[1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xfdWorkbook is issue 9's 12 KB workbook that took 0.9 GB: a header, then rows that each
// hold one cell in column XFD, the last.
func xfdWorkbook(t *testing.T) []byte {
	t.Helper()
	var rows strings.Builder
	rows.WriteString(`<row r="1">`)
	for i, h := range []string{"province", "office", "counter", "channel", "submitted_at", "E1.1"} {
		fmt.Fprintf(&rows, `<c r="%c1" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, h)
	}
	rows.WriteString(`</row>`)
	for r := 2; r <= 2600; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, r, r)
	}
	return tinyWorkbook(t, sheetXML(rows.String()))
}

// hostileRequests are the requests of TestHostileRequests: every class of issue 9 and
// more, against the kiosk, the paper upload, the API, the dashboards, the exports and the
// sign-in and administration forms, each with the status it must get.
// headerRow is a worksheet's row 1 with a valid header (province … E1.1), so that a
// workbook's rows after it are read: a header with a column missing is refused first.
const headerRow = `<row r="1"><c r="A1" t="inlineStr"><is><t>province</t></is></c><c r="B1" t="inlineStr"><is><t>office</t></is></c>` +
	`<c r="C1" t="inlineStr"><is><t>counter</t></is></c><c r="D1" t="inlineStr"><is><t>channel</t></is></c>` +
	`<c r="E1" t="inlineStr"><is><t>submitted_at</t></is></c><c r="F1" t="inlineStr"><is><t>E1.1</t></is></c></row>`

func hostileRequests(t *testing.T) []hostileRequest {
	const urlencoded = "application/x-www-form-urlencoded"
	kiosk := func(name, body string, want int) hostileRequest {
		return hostileRequest{name: "kiosk: " + name, method: "POST", target: "/kiosk/demo-31", ctype: urlencoded, body: kioskWith(body), want: want}
	}
	get := func(name, target string, want int, says ...string) hostileRequest {
		return hostileRequest{name: name, as: "root", method: "GET", target: target, want: want, says: strings.Join(says, "")}
	}
	paper := func(name, file string, content []byte, says string) hostileRequest {
		return hostileRequest{name: "upload: " + name, as: "root", method: "POST", target: "/admin/import?lang=en", ctype: multipartType,
			body: upload(file, content), want: http.StatusBadRequest, says: says}
	}
	manyFields := strings.Repeat("x=1&", 12_000)
	manyParams := strings.Repeat("&x=1", 12_000)
	return []hostileRequest{
		// the kiosk: values, fields, encodings, content types, sizes
		kiosk("a value off the scale", "response_id={id}&E1.1=6", 400),
		kiosk("a zero", "response_id={id}&E1.1=0", 400),
		kiosk("a negative value", "response_id={id}&E1.1=-1", 400),
		kiosk("a decimal value", "response_id={id}&E1.1=4.5", 400),
		kiosk("an exponent", "response_id={id}&E1.1=1e0", 400),
		kiosk("a number beyond int64", "response_id={id}&E1.1=99999999999999999999999", 400),
		kiosk("a criterion given twice", "response_id={id}&E1.1=4&E1.1=5", 400),
		kiosk("two response ids", "response_id={id}&response_id={id}&E1.1=4", 400),
		kiosk("no response id", "E1.1=4", 400),
		kiosk("a response id that is a path", "response_id=..%2F..%2Fetc%2Fpasswd&E1.1=4", 400),
		kiosk("an unknown criterion", "response_id={id}&E9.9=4", 400),
		kiosk("no criterion answered", "response_id={id}&E1.1=", 400),
		kiosk("an unknown procedure field", "response_id={id}&E1.1=4&field=%3Cscript%3E", 400),
		kiosk("an unknown option", "response_id={id}&E1.1=4&P1=zzz", 400),
		kiosk("invalid UTF-8 in a value", "response_id={id}&E1.1=%FF%FE", 400),
		kiosk("invalid UTF-8 in a name", "response_id={id}&E1.1=4&%FF%FE=4", 400),
		kiosk("a NUL byte", "response_id={id}&E1.1=4%00", 400),
		kiosk("a bad escape", "response_id={id}&E1.1=%ZZ", 400),
		kiosk("a formula as a value", "response_id={id}&E1.1=%3Dcmd%7C'+%2FC+calc'!A0", 400),
		kiosk("12,000 fields", "response_id={id}&E1.1=4&"+manyFields, 400),
		{name: "kiosk: JSON instead of a form", method: "POST", target: "/kiosk/demo-31", ctype: "application/json",
			body: form(`{"response_id":"0b6f3c8e-3f57-4f6c-9d55-1d2c0b4c9a11","E1.1":4}`), want: 400},
		{name: "kiosk: plain text", method: "POST", target: "/kiosk/demo-31", ctype: "text/plain", body: kioskBody(""), want: 400},
		{name: "kiosk: multipart without a boundary", method: "POST", target: "/kiosk/demo-31", ctype: "multipart/form-data", body: kioskBody(""), want: 400},
		{name: "kiosk: a body beyond 64 KB", method: "POST", target: "/kiosk/demo-31", ctype: urlencoded,
			body: kioskBody("&pad=" + strings.Repeat("x", 70<<10)), want: 413},
		{name: "kiosk: a chunked body beyond 64 KB", method: "POST", target: "/kiosk/demo-31", ctype: urlencoded, noLength: true,
			body: kioskBody("&pad=" + strings.Repeat("x", 70<<10)), want: 413},
		{name: "kiosk: a Content-Length that lies", method: "POST", target: "/kiosk/demo-31", ctype: urlencoded,
			header: map[string]string{"Content-Length": "999999999"}, body: kioskBody(""), want: 413},
		{name: "kiosk: DELETE", method: "DELETE", target: "/kiosk/demo-31", want: 405},

		// paths
		{name: "path: an unknown counter", method: "POST", target: "/kiosk/nope", ctype: urlencoded, body: kioskBody(""), want: 404},
		{name: "path: ..%2f.. out of the kiosk", method: "POST", target: "/kiosk/..%2f..%2fadmin%2fusers", ctype: urlencoded, body: kioskBody(""), want: 404},
		{name: "path: %2e%2e", method: "GET", target: "/kiosk/%2e%2e", want: 404},
		{name: "path: an encoded slash", method: "GET", target: "/kiosk/demo-31%2fthanks", want: 404},
		{name: "path: a NUL", method: "GET", target: "/kiosk/demo-31%00", want: 404},
		{name: "path: invalid UTF-8", method: "GET", target: "/kiosk/%FF%FE", want: 404},
		{name: "path: 16 KB long", method: "GET", target: "/kiosk/" + strings.Repeat("a", 16<<10), want: 404},
		{name: "path: a province that is a path", method: "GET", target: "/api/v1/sipas/provinces/..%2f..%2fsipas", as: "root", want: 404},
		{name: "path: a province that is markup", method: "GET", target: "/dashboard/province/%3Cscript%3E", as: "root", want: 404},
		{name: "path: a bad escape", method: "GET", target: "/dashboard/province/%ZZ", want: 400},

		// the API, the dashboards and the exports: bad periods, repeated, undecodable or too many parameters
		get("API: a year that is no number", "/api/v1/sipas?year=abc", 400, `year \"abc\"`),
		get("API: a year beyond int64", "/api/v1/sipas?year=99999999999999999999", 400),
		get("API: month 13", "/api/v1/sipas?year=2025&month=13", 400),
		get("API: quarter 5", "/api/v1/sipas?year=2025&quarter=5", 400),
		get("API: 30 February", "/api/v1/sipas?from=2025-02-30&to=2025-03-01", 400),
		get("API: from after to", "/api/v1/sipas?from=2025-03-01&to=2025-02-01", 400),
		get("API: unknown units", "/api/v1/sipas?year=2025&units=all", 400),
		get("API: a year given twice", "/api/v1/sipas?year=2024&year=2025", 400, "year is given more than once"),
		get("API: invalid UTF-8", "/api/v1/sipas?year=%FF%FE", 400),
		get("API: a bad escape", "/api/v1/sipas?year=%ZZ", 400, "cannot be read"),
		get("API: a semicolon", "/api/v1/sipas?year=2025;month=1", 400, "cannot be read"),
		get("API: 12,000 parameters", "/api/v1/sipas?year=2024"+manyParams, 400, "cannot be read"),
		get("province API: a bad period", "/api/v1/sipas/provinces/31?quarter=0&year=2025", 400),
		get("province API: an unknown province", "/api/v1/sipas/provinces/99?year=2025", 404),
		get("dashboard: a bad year", "/dashboard?year=-1", 400),
		get("dashboard: a month given twice", "/dashboard?year=2025&month=1&month=2&lang=en", 400, "month is given more than once"),
		get("province dashboard: a bad range", "/dashboard/province/31?from=2025-01-01&to=tomorrow", 400),
		get("export: an unknown level", "/export.csv?year=2025&level=offices", 400),
		get("export: a formula as a level", "/export.csv?year=2025&level=%3DHYPERLINK(1)", 400),
		get("export: a bad year", "/export.xlsx?year=20x5", 400),
		get("audit export: a bad day", "/admin/audit.csv?from=2025-13-01", 400),
		{name: "headers: a 2 MB cookie", method: "GET", target: "/dashboard", header: map[string]string{"Cookie": "a=" + strings.Repeat("x", 2<<20)}, want: 431},

		// the paper upload: issue 9's files, small where the same limit stops them
		paper("a cell in column XFD on every row", "xfd.xlsx", xfdWorkbook(t), "column XFD: this cell is outside"),
		paper("a line of a million commas", "commas.csv", []byte("province,office,counter,channel,submitted_at,E1.1\n"+strings.Repeat(",", 1_000_000)+"\n"), "no questionnaire"),
		paper("a 100 KB cell", "cell.csv", []byte("province,office,counter,channel,submitted_at,E1.1\n31,"+strings.Repeat("a", 100<<10)+",q,paper,2025-08-01,5\n"), "4096 bytes"),
		paper("a sheet that unpacks to 1,000 times its size", "bomb.xlsx",
			tinyWorkbook(t, sheetXML(headerRow+strings.Repeat("<row/>", 1_000_000))), "100 times"),
		paper("a row of 300,000 empty inline cells", "inline.xlsx",
			tinyWorkbook(t, sheetXML(headerRow+`<row r="2">`+strings.Repeat(`<c t="inlineStr"><is><t></t></is></c>`, 300_000)+`</row>`)), "100 times"),
		paper("a DOCTYPE with entities", "doctype.xlsx", tinyWorkbook(t, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet><sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>`), "damaged"),
		paper("a quote never closed", "quote.csv", []byte("province,office,counter,channel,submitted_at,E1.1\n31,\"ubnd,q,paper,2025-08-01,5\n"), "never closed"),
		paper("bytes that are no UTF-8", "garbage.csv", []byte("\xff\xfeprovince\x00,\x81\n"), "UTF-8"),
		paper("a CSV named .xlsx", "paper.xlsx", paperFile("ubnd-hb", "hb-1"), "not an Excel workbook"),
		paper("a name without a known extension", "../../etc/passwd", paperFile("ubnd-hb", "hb-1"), ".csv"),
		paper("a column given twice", "twice.csv", []byte("province,office,counter,channel,submitted_at,E1.1,E1.1\n31,o,c,paper,2025-08-01,5,4\n"), "twice"),
		paper("an office code ..", "dots.csv", paperFile("..", "hb-1"), "start with a letter or a digit"),
		paper("a counter code .", "dot.csv", paperFile("ubnd-hb", "."), "start with a letter or a digit"),
		paper("a counter code -A1", "dash.csv", paperFile("ubnd-hb", "-A1"), "start with a letter or a digit"),
		paper("full-width letters", "fullwidth.csv", paperFile("ＵＢＮＤ", "hb-1"), "ASCII"),
		paper("Arabic-Indic digits", "arabic.csv", paperFile("ubnd-hb", "١٢٣"), "ASCII"),
		paper("a formula as an office code", "formula.csv", paperFile("=cmd|' /C calc'!A0", "hb-1"), "ASCII"),
		paper("a formula as a counter code", "formula2.csv", paperFile("ubnd-hb", "@SUM(1+1)"), "ASCII"),
		paper("a value off the scale", "value.csv", []byte("province,office,counter,channel,submitted_at,E1.1\n31,o,c,paper,2025-08-01,9\n"), "not a value from 1 to 5"),
		paper("a day in the future", "future.csv", []byte("province,office,counter,channel,submitted_at,E1.1\n31,o,c,paper,2099-01-01,5\n"), "future"),
		{name: "upload: no file", as: "root", method: "POST", target: "/admin/import", ctype: urlencoded, body: form(csrfField + "={csrf}"), want: 400},
		{name: "upload: a body beyond 50 MB announced", as: "root", method: "POST", target: "/admin/import", ctype: multipartType,
			header: map[string]string{"Content-Length": fmt.Sprint(51 << 20)}, body: upload("x.csv", nil), want: 413},
		{name: "upload: without the CSRF token", as: "root", method: "POST", target: "/admin/import", ctype: multipartType,
			body: func(string) []byte { return upload("paper.csv", paperFile("ubnd-hb", "hb-1"))("") }, want: 403},
		{name: "upload: the token in the query string only", as: "root", method: "POST", target: "/admin/import?csrf_token=x", ctype: multipartType,
			body: func(string) []byte { return upload("paper.csv", paperFile("ubnd-hb", "hb-1"))("") }, want: 403},
		{name: "upload: from another site", as: "root", method: "POST", target: "/admin/import", ctype: multipartType,
			header: map[string]string{"Origin": "http://evil.example"}, body: upload("paper.csv", paperFile("ubnd-hb", "hb-1")), want: 403},
		{name: "upload: nobody signed in (sent to sign in)", method: "POST", target: "/admin/import", ctype: multipartType,
			body: upload("paper.csv", paperFile("ubnd-hb", "hb-1")), want: 303},

		// the sign-in and administration forms
		{name: "sign-in: no CSRF token", as: "visitor", method: "POST", target: "/login", ctype: urlencoded, body: form("name=root&password=x"), want: 403},
		{name: "sign-in: invalid UTF-8 and a NUL in the name", as: "visitor", method: "POST", target: "/login", ctype: urlencoded,
			body: form(csrfField + "={csrf}&name=%FF%00root&password=correct+horse+battery"), want: 401},
		{name: "sign-in: the name given twice", as: "visitor", method: "POST", target: "/login", ctype: urlencoded,
			body: form(csrfField + "={csrf}&name=nobody&name=root&password=correct+horse+battery"), want: 401},
		{name: "sign-in: a 60 KB password", as: "visitor", method: "POST", target: "/login", ctype: urlencoded,
			body: form(csrfField + "={csrf}&name=root&password=" + strings.Repeat("x", 60<<10)), want: 401},
		{name: "sign-in: a body beyond 64 KB", as: "visitor", method: "POST", target: "/login", ctype: urlencoded,
			body: form(csrfField + "={csrf}&name=root&password=" + strings.Repeat("x", 70<<10)), want: 413},
		{name: "sign-in: JSON", as: "visitor", method: "POST", target: "/login", ctype: "application/json",
			body: form(`{"name":"root","password":"correct horse battery"}`), want: 403},
		{name: "new account: an unknown role", as: "root", method: "POST", target: "/admin/users", ctype: urlencoded,
			body: form(csrfField + "={csrf}&name=mai&role=superuser&password=correct+horse+battery"), want: 400},
		{name: "new account: a name of markup and invalid UTF-8", as: "root", method: "POST", target: "/admin/users", ctype: urlencoded,
			body: form(csrfField + "={csrf}&name=%3Cscript%3E%FF&role=admin&password=correct+horse+battery"), want: 400},
		{name: "new account: a formula as its name", as: "root", method: "POST", target: "/admin/users", ctype: urlencoded,
			body: form(csrfField + "={csrf}&name=%3Dcmd%7Ccalc&role=admin&password=correct+horse+battery"), want: 400},
		{name: "new account: an unknown province", as: "root", method: "POST", target: "/admin/users", ctype: urlencoded,
			body: form(csrfField + "={csrf}&name=mai&role=official&province=99&password=correct+horse+battery"), want: 400},
		{name: "account: an id that is no number", as: "root", method: "POST", target: "/admin/users/abc/disable", ctype: urlencoded,
			body: form(csrfField + "={csrf}"), want: 404},
		{name: "account: an id that does not exist", as: "root", method: "POST", target: "/admin/users/999999/disable", ctype: urlencoded,
			body: form(csrfField + "={csrf}"), want: 404},
		{name: "account: an id beyond uint64", as: "root", method: "POST", target: "/admin/users/99999999999999999999999/enable", ctype: urlencoded,
			body: form(csrfField + "={csrf}"), want: 404},
		{name: "password: a wrong CSRF token", as: "root", method: "POST", target: "/account/password", ctype: urlencoded,
			body: form(csrfField + "=forged&current=x&password=y"), want: 403},
		{name: "setup: a forged link", method: "POST", target: "/setup/forged", ctype: urlencoded, as: "visitor",
			body: form(csrfField + "={csrf}&name=evil&password=correct+horse+battery"), want: 404},
	}
}

// importOutcome runs the import job an upload queued and reads its page: an upload is a
// job whose rows are checked in the background, so a refused file is answered 303 and its
// problems are on the job's page. A refused job counts as the table's 400.
func (ta *testApp) importOutcome(t *testing.T, cl *client) (int, string) {
	t.Helper()
	ctx := context.Background()
	if err := ta.app.imports.RunPending(ctx); err != nil {
		t.Fatal(err)
	}
	jobs, err := ta.store.ImportJobs(ctx, models.AllProvinces(), 1)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("the upload queued no job: %v", err)
	}
	page := cl.do("GET", fmt.Sprintf("/admin/imports/%d?lang=en", jobs[0].ID), nil, nil)
	if jobs[0].Failure == models.FailureRefused {
		return http.StatusBadRequest, page.Body.String()
	}
	return http.StatusSeeOther, page.Body.String()
}

// TestHostileRequests sends every hostile request: each must get its 4xx, never a 5xx
// (a panic is one: echo's Recover answers 500), and leave nothing stored.
func TestHostileRequests(t *testing.T) {
	ta := newTestApp(t, Config{MinSample: 30, Questionnaire: "sipas-counter"})
	srv := httptest.NewServer(ta.router)
	defer srv.Close()
	browsers := map[string]*client{"root": signIn(t, ta.router, "root"), "visitor": newClient(t, ta.router)}
	browsers["visitor"].do("GET", "/login", nil, nil)
	requests := hostileRequests(t)
	if len(requests) < 40 {
		t.Fatalf("%d hostile requests, want at least 40", len(requests))
	}
	serverErrors := 0
	for _, h := range requests {
		before := ta.countRows(t)
		began := time.Now()
		status, body := h.send(t, srv, browsers[h.as])
		if status == http.StatusSeeOther && strings.HasPrefix(h.target, "/admin/import") && browsers[h.as] != nil {
			status, body = ta.importOutcome(t, browsers[h.as])
		}
		if d := time.Since(began); d > 500*time.Millisecond {
			t.Logf("%s: %.1f s", h.name, d.Seconds())
		}
		if status >= 500 {
			serverErrors++
		}
		if status != h.want || !strings.Contains(body, h.says) {
			t.Errorf("%s: %d, want %d saying %q\n%.3000s", h.name, status, h.want, h.says, body)
		}
		if after := ta.countRows(t); after != before {
			t.Errorf("%s: rows before %+v, after %+v", h.name, before, after)
		}
	}
	t.Logf("%d hostile requests, %d answered 5xx", len(requests), serverErrors)
	// The valid request each hostile kiosk request was made from is stored.
	if status, body := (hostileRequest{name: "kiosk: valid", method: "POST", target: "/kiosk/demo-31",
		ctype: "application/x-www-form-urlencoded", body: kioskBody("")}).send(t, srv, nil); status != http.StatusSeeOther {
		t.Errorf("a valid kiosk response: %d\n%.300s", status, body)
	}
	if status, body := (hostileRequest{name: "upload: valid", as: "root", method: "POST", target: "/admin/import", ctype: multipartType,
		body: upload("paper.csv", paperFile("ubnd-hb", "hb-1"))}).send(t, srv, browsers["root"]); status != http.StatusSeeOther {
		t.Errorf("a valid upload: %d\n%.300s", status, body)
	}
}
