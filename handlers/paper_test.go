package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// paperCSV holds four questionnaires of a new counter in Hải Phòng (SIPAS 62.5 by hand:
// E1 = (50 + 66.67) / 2, E2 = 66.67).
const paperCSV = "province,office,counter,channel,submitted_at,E1.1,E1.2,E2.1,field\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-01,5,4,2,land\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-01,3,5,4,land\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-02,4,,5,\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-20,1,2,,civil-status\n"

// upload posts a file to /admin/import as a browser's form does, runs the job it queues
// (as serve's runner does in the background) and follows the redirect to its page.
func (ta *testApp) upload(name string, content []byte, fields map[string]string) *httptest.ResponseRecorder {
	rec := ta.postFile(name, content, fields)
	if rec.Code != http.StatusSeeOther {
		return rec
	}
	if err := ta.app.imports.RunPending(context.Background()); err != nil {
		panic(err)
	}
	return ta.follow(rec)
}

// follow gets the page a 303 sends to, with the session cookie it was given.
func (ta *testApp) follow(rec *httptest.ResponseRecorder) *httptest.ResponseRecorder {
	next := httptest.NewRequest("GET", rec.Header().Get("Location"), nil)
	for _, c := range rec.Result().Cookies() {
		next.AddCookie(c)
	}
	out := httptest.NewRecorder()
	ta.handler.ServeHTTP(out, next)
	return out
}

// postFile posts a file to /admin/import as a browser's form does.
func (ta *testApp) postFile(name string, content []byte, fields map[string]string) *httptest.ResponseRecorder {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if name != "" {
		fw, _ := w.CreateFormFile("file", name)
		fw.Write(content)
	}
	w.Close()
	req := httptest.NewRequest("POST", "/admin/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	rec := httptest.NewRecorder()
	ta.handler.ServeHTTP(rec, req)
	return rec
}

// responses2025 is the national number of responses of 2025 from the API.
func (ta *testApp) responses2025(t *testing.T) int64 {
	t.Helper()
	rec := ta.do("GET", "/api/v1/sipas?year=2025", nil, nil)
	var doc struct {
		National struct {
			Responses int64 `json:"responses"`
		} `json:"national"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("API: %v %s", err, rec.Body)
	}
	return doc.National.Responses
}

func TestImportPage(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	rec := ta.do("GET", "/admin/import", nil, nil)
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `enctype="multipart/form-data"`) || !strings.Contains(body, "province, office, counter, channel, submitted_at, E1.1") ||
		!strings.Contains(body, "Nhập phiếu khảo sát giấy") || !strings.Contains(body, `href="/admin/import?lang=en"`) {
		t.Errorf("GET /admin/import: %d\n%s", rec.Code, body)
	}
	if rec := ta.do("GET", "/admin/import?lang=en", nil, nil); !strings.Contains(rec.Body.String(), "Import paper questionnaires") {
		t.Error("no English page")
	}
	rec = ta.do("GET", "/admin/import/template.csv", nil, nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "province,office,counter,channel,submitted_at,E1.1,") ||
		!strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") {
		t.Errorf("template: %d %q", rec.Code, rec.Body.String())
	}
	// The template is a valid file: it imports.
	if rec := ta.upload("template.csv", rec.Body.Bytes(), nil); rec.Code != 200 {
		t.Errorf("template import: %d\n%s", rec.Code, rec.Body)
	}
}

func TestImportUpload(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	rec := ta.upload("phieu-giay.csv", []byte(paperCSV), map[string]string{"lang": "en"})
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "phieu-giay.csv was imported") || !strings.Contains(body, "4 new responses stored") ||
		!strings.Contains(body, "1 offices and 1 counters created") || !strings.Contains(body, `href="/dashboard?lang=en"`) {
		t.Fatalf("upload: %d\n%s", rec.Code, body)
	}
	if n := ta.responses2025(t); n != 4 {
		t.Errorf("%d responses after the upload", n)
	}
	// The same file again: nothing more.
	rec = ta.upload("phieu-giay.csv", []byte(paperCSV), nil)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "Đã lưu 0 phiếu mới") || !strings.Contains(rec.Body.String(), "4 dòng đã được nhập trước đây") {
		t.Errorf("second upload: %d\n%s", rec.Code, rec.Body)
	}
	// The same rows as a workbook are the same questionnaires.
	rec = ta.upload("phieu-giay.xlsx", xlsxOf(t, paperCSV), map[string]string{"lang": "en"})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "0 new responses stored") {
		t.Errorf("the same rows as XLSX: %d\n%s", rec.Code, rec.Body)
	}
	if n := ta.responses2025(t); n != 4 {
		t.Errorf("%d responses after three uploads of one file", n)
	}
}

func TestImportUploadRefused(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	bad := paperCSV + "31,ubnd-hb,hb-1,paper,2025-08-21,5,6,,\n"
	// An upload that cannot be taken is the form again (400); a file whose rows are wrong
	// is a job that ends refused, its problems on its page.
	const header = "province,office,counter,channel,submitted_at,E1.1\n"
	tests := []struct {
		name     string
		file     string
		content  string
		lang     string
		status   int
		contains []string
	}{
		{"bad row", "bad.csv", bad, "vi", 200, []string{`dòng 6, cột E1.2: &#34;6&#34; không phải là giá trị từ 1 đến 5.`, "Tệp bad.csv không được nhập"}},
		{"bad row in English", "bad.csv", bad, "en", 200, []string{`row 6, column E1.2: &#34;6&#34; is not a value from 1 to 5.`, "bad.csv was not imported"}},
		{"several", "x.csv", header + "31,a,b,fax,2025-08-01,5\n99,a,b,paper,2025-08-01,5\n", "en",
			200, []string{"row 2, column channel:", "row 3, column province:"}},
		{"not a table", "notes.txt", "hello", "en", 400, []string{"must be .csv (UTF-8) or .xlsx"}},
		{"no file", "", "", "en", 400, []string{"Choose a .csv or .xlsx file"}},
		{"empty file", "empty.csv", "", "en", 200, []string{"The file is empty"}},
		{"broken workbook", "broken.xlsx", "PK not really", "en", 200, []string{"cannot be opened"}},
		{"a header without the columns", "narrow.csv", "province,office\n31,a\n", "en", 200,
			[]string{"row 1, column counter: the column counter is missing"}},
		{"a cell beyond the header", "wide.csv", header + "31,a,b,paper,2025-08-01,5,,x\n", "vi", 200,
			[]string{"dòng 2, cột H: ô này nằm ngoài các cột của dòng tiêu đề."}},
		{"a cell in column XFD", "xfd.xlsx", string(xlsxCells(t, map[string]string{"A1": "province", "B1": "office", "C1": "counter",
			"D1": "channel", "E1": "submitted_at", "F1": "E1.1", "XFD2": "x"})), "en", 200,
			[]string{"row 2, column XFD: this cell is outside the header&#39;s columns."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := ta.upload(tt.file, []byte(tt.content), map[string]string{"lang": tt.lang})
			body := rec.Body.String()
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d\n%s", rec.Code, tt.status, body)
			}
			for _, want := range tt.contains {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q\n%s", want, body)
				}
			}
			if tt.status == 400 && !strings.Contains(body, `enctype="multipart/form-data"`) {
				t.Error("the form is not shown again")
			}
			if tt.status == 200 && (!strings.Contains(body, `class="error-box"`) || strings.Contains(body, `http-equiv="refresh"`)) {
				t.Error("the job's page does not show it refused")
			}
		})
	}
	if n := ta.responses2025(t); n != 0 {
		t.Errorf("refused files stored %d responses", n)
	}
	// An oversized body is refused before it is read.
	req := httptest.NewRequest("POST", "/admin/import", strings.NewReader("x"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.ContentLength = (maxImportMB + 1) << 20
	rec := httptest.NewRecorder()
	ta.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized upload: %d", rec.Code)
	}
	// So is one sent without a length (chunked), once it is read beyond the limit.
	body, w := io.Pipe()
	mw := multipart.NewWriter(w)
	go func() {
		fw, _ := mw.CreateFormFile("file", "big.csv")
		chunk := bytes.Repeat([]byte("31,a,b,paper,2025-08-01,5\n"), 40_000)
		for written := 0; written <= (maxImportMB+1)<<20; written += len(chunk) {
			if _, err := fw.Write(chunk); err != nil {
				break
			}
		}
		mw.Close()
		w.Close()
	}()
	req = httptest.NewRequest("POST", "/admin/import", body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.ContentLength = -1
	rec = httptest.NewRecorder()
	ta.handler.ServeHTTP(rec, req)
	body.CloseWithError(io.ErrClosedPipe)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized chunked upload: %d", rec.Code)
	}
}

// A large upload is read from a temporary file, which is gone once it is answered.
func TestImportUploadLeavesNoFile(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	big := paperCSV + strings.Repeat("31,ubnd-hb,hb-1,paper,2025-08-01,5,4,2,land\n", 30_000) // 1.3 MB
	if rec := ta.upload("big.csv", []byte(big), map[string]string{"lang": "en"}); rec.Code != 200 ||
		!strings.Contains(rec.Body.String(), "30,004 new responses stored") {
		t.Fatalf("upload: %d\n%.2000s", rec.Code, rec.Body)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("%d temporary files left, such as %s", len(left), left[0].Name())
	}
}

func xlsxOf(t *testing.T, csv string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for r, line := range strings.Split(strings.TrimSpace(csv), "\n") {
		for c, v := range strings.Split(line, ",") {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if v != "" {
				f.SetCellStr("Sheet1", cell, v)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// xlsxCells is a workbook with text in the given cells.
func xlsxCells(t *testing.T, cells map[string]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	for cell, v := range cells {
		if err := f.SetCellStr("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestExports(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	if rec := ta.upload("p.csv", []byte(paperCSV), nil); rec.Code != 200 {
		t.Fatalf("upload: %d", rec.Code)
	}
	rec := ta.do("GET", "/export.xlsx?year=2025", nil, nil)
	if rec.Code != 200 || rec.Header().Get("Content-Type") != mimeXLSX ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="sipas-2025.xlsx"` {
		t.Fatalf("xlsx: %d %v", rec.Code, rec.Header())
	}
	f, err := excelize.OpenReader(rec.Body)
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "provinces,elements,criteria" {
		t.Errorf("sheets %s", got)
	}
	if v, _ := f.GetCellValue("provinces", "A2"); v != "31" {
		t.Errorf("first province %q", v)
	}
	if v, _ := f.GetCellValue("provinces", "D2"); v != "62.50" {
		t.Errorf("Hải Phòng's SIPAS shows as %q", v)
	}

	rec = ta.do("GET", "/export.csv?year=2025&level=elements&lang=en", nil, nil)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="sipas-2025-elements.csv"` ||
		!strings.HasPrefix(rec.Body.String(), "province_code,province_name,element,element_name,index\n31,Thành phố Hải Phòng,E1,") {
		t.Errorf("csv: %d %v\n%.300s", rec.Code, rec.Header(), rec.Body)
	}

	// The JSON export is the API's document.
	api := ta.do("GET", "/api/v1/sipas?year=2025&quarter=3&units=current", nil, nil)
	rec = ta.do("GET", "/export.json?year=2025&quarter=3&units=current", nil, nil)
	if rec.Code != 200 || rec.Body.String() != api.Body.String() ||
		rec.Header().Get("Content-Disposition") != `attachment; filename="sipas-2025-Q3-current.json"` {
		t.Errorf("json: %d %v\n%.300s\nAPI:\n%.300s", rec.Code, rec.Header(), rec.Body, api.Body)
	}
	rec = ta.do("GET", "/export.csv?from=2025-08-01&to=2025-08-15", nil, nil)
	if rec.Code != 200 || rec.Header().Get("Content-Disposition") != `attachment; filename="sipas-2025-08-01_2025-08-15-provinces.csv"` ||
		!strings.Contains(rec.Body.String(), "\n31,Thành phố Hải Phòng,3,") {
		t.Errorf("range csv: %d %v\n%.300s", rec.Code, rec.Header(), rec.Body)
	}
	for _, target := range []string{"/export.csv?level=offices", "/export.xlsx?year=abc", "/export.json?units=all", "/export.csv?quarter=5"} {
		if rec := ta.do("GET", target, nil, nil); rec.Code != 400 {
			t.Errorf("%s: %d", target, rec.Code)
		}
	}
}

// An upload answers at once with its job's page, which refreshes itself while the job
// waits or runs and shows its progress; once the job has run, the same page shows the
// result, and the recent jobs list it.
func TestImportJobPage(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	rec := ta.postFile("job.csv", []byte(paperCSV), map[string]string{"lang": "en"})
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/imports/") || !strings.HasSuffix(loc, "?lang=en") {
		t.Fatalf("upload: %d, Location %q", rec.Code, loc)
	}
	waiting := ta.follow(rec)
	body := waiting.Body.String()
	if waiting.Code != 200 || !strings.Contains(body, `<meta http-equiv="refresh" content="2">`) ||
		!strings.Contains(body, "Waiting for its turn…") || !strings.Contains(body, "<progress") ||
		!strings.Contains(body, "Import of job.csv") || waiting.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("a queued job's page: %d\n%s", waiting.Code, body)
	}
	if err := ta.app.imports.RunPending(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"en", "vi"} {
		done := ta.do("GET", strings.Replace(loc, "lang=en", "lang="+lang, 1), nil, nil)
		body = done.Body.String()
		want := map[string][]string{
			"en": {"job.csv was imported.", "4 new responses stored.", "1 offices and 1 counters created.", "4 of 4 questionnaires stored"},
			"vi": {"Đã nhập tệp job.csv.", "Đã lưu 4 phiếu mới.", "Đã tạo 1 cơ quan và 1 quầy."},
		}[lang]
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the finished job's page lacks %q\n%s", lang, w, body)
			}
		}
		if strings.Contains(body, "http-equiv=\"refresh\"") {
			t.Errorf("%s: a finished job's page still refreshes itself", lang)
		}
	}
	// A job being written, as another process shows it in the database: its bar.
	if _, err := ta.rawDB(t).Exec("UPDATE imports SET state = 'running', phase = 'writing', rows_read = 120, rows_checked = 100, " +
		"rows_total = 100, rows_stored = 40 WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	running := ta.do("GET", loc, nil, nil).Body.String()
	for _, w := range []string{`<meta http-equiv="refresh" content="2">`, "Storing the questionnaires…",
		`<progress id="import-progress" max="100" value="40"`, "120 rows read, 100 good; 40 of 100 questionnaires stored."} {
		if !strings.Contains(running, w) {
			t.Errorf("a running job's page lacks %q\n%s", w, running)
		}
	}
	if _, err := ta.rawDB(t).Exec("UPDATE imports SET phase = 'checking' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	checking := ta.do("GET", loc, nil, nil).Body.String()
	if !strings.Contains(checking, "Reading and checking every row…") || !strings.Contains(checking, "120 rows read, 100 good.") ||
		!strings.Contains(checking, `<progress id="import-progress" aria-describedby="progress-text"></progress>`) {
		t.Errorf("a job being checked:\n%s", checking)
	}
	if _, err := ta.rawDB(t).Exec("UPDATE imports SET state = 'done', phase = '' WHERE id = 1"); err != nil {
		t.Fatal(err)
	}
	list := ta.do("GET", "/admin/imports?lang=en", nil, nil)
	if list.Code != 200 || !strings.Contains(list.Body.String(), `<a href="`+loc+`">job.csv</a>`) ||
		!strings.Contains(list.Body.String(), "4 new responses stored.") {
		t.Errorf("the list: %d\n%s", list.Code, list.Body)
	}
	for _, target := range []string{"/admin/imports/999", "/admin/imports/x", "/admin/imports/-1"} {
		if rec := ta.do("GET", target, nil, nil); rec.Code != 404 {
			t.Errorf("%s: %d, want 404", target, rec.Code)
		}
	}
}
