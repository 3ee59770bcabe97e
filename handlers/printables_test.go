package handlers

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"

	"sipas/survey"
	"sipas/survey/sheets"
)

// The paper form's boxes are the import file's columns one to one: every column code is
// printed beside its box, and the import template of the same version has exactly those
// columns, with the counter's codes filled in; its CSV and XLSX read back the same.
func TestPaperFormAndTemplatesMatchTheImport(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	q := survey.Official()
	columns := survey.PaperHeader(q)

	page := ta.do("GET", "/admin/questionnaires/versions/1/paper?lang=vi&counter=demo-31", nil, nil)
	body := page.Body.String()
	if page.Code != http.StatusOK {
		t.Fatalf("paper form: %d", page.Code)
	}
	for _, col := range columns {
		if !strings.Contains(body, `<span class="col">`+col+`</span>`) && !strings.Contains(body, `<td class="col">`+col+`</td>`) {
			t.Errorf("the paper form has no box for column %s", col)
		}
	}
	for _, want := range []string{`lang="en"`, "The civil servant was polite", "Công chức có thái độ giao tiếp lịch sự", "demo-31", `<span class="value">35-49</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("the paper form lacks %q", want)
		}
	}
	if n := strings.Count(body, `<td class="v"><span class="box"`); n != 22*5 {
		t.Errorf("%d criterion boxes, want 110", n)
	}
	if one := ta.do("GET", "/admin/questionnaires/versions/1/paper?lang=en&second=none", nil, nil).Body.String(); strings.Contains(one, `class="second"`) {
		t.Error("a one-language paper form prints a second language")
	}

	for _, format := range []string{"csv", "xlsx"} {
		rec := ta.do("GET", "/admin/questionnaires/versions/1/template."+format+"?counter=demo-31", nil, nil)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Disposition"), "sipas-counter-v1-template-demo-31."+format) {
			t.Fatalf("%s template: %d %v", format, rec.Code, rec.Header())
		}
		records, err := sheets.ReadAll("t."+format, bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()), sheets.DefaultLimits())
		if err != nil {
			t.Fatalf("%s template: %v", format, err)
		}
		if len(records) != 2 || !slices.Equal(records[0], columns) || !slices.Equal(records[1][:4], []string{"31", "demo-31", "demo-31", "paper"}) {
			t.Errorf("%s template: %v", format, records)
		}
	}
	// an office's template has a row per open counter
	rec := ta.do("GET", "/admin/questionnaires/versions/1/template.csv?office=demo-31&province=31", nil, nil)
	if lines := strings.Count(rec.Body.String(), "\n"); rec.Code != http.StatusOK || lines != 2 {
		t.Errorf("office template: %d, %d lines", rec.Code, lines)
	}
	// the version's JSON is what sipas questionnaire export writes
	rec = ta.do("GET", "/admin/questionnaires/versions/1/questionnaire.json", nil, nil)
	if got, err := survey.ParseQuestionnaire(rec.Body.Bytes()); err != nil || !got.SameDesign(q) {
		t.Errorf("JSON export: %v", err)
	}
}

// The counter's A6 card carries the phone link as a QR code drawn in the page, and the
// instruction in every language of the interface.
func TestCounterCard(t *testing.T) {
	ta := newTestApp(t, DefaultConfig())
	rec := ta.do("GET", "/admin/provinces/31/counters/demo-31/card", nil, nil)
	body := rec.Body.String()
	for _, want := range []string{`<svg class="qr"`, "http://example.com/q/demo-31", "Bộ phận Một cửa Hải Phòng", "Quầy 1",
		`<p class="instruction" lang="vi">`, `<p class="instruction" lang="en">`, "Scan the QR code"} {
		if !strings.Contains(body, want) {
			t.Errorf("the card lacks %q", want)
		}
	}
	if rec.Code != http.StatusOK || strings.Contains(body, "<img") {
		t.Errorf("card: %d", rec.Code)
	}
}
