package sheets

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"sipas/survey"
)

// fuzzLimits are small enough for a fuzzer to reach every one of them.
func fuzzLimits() Limits {
	lim := DefaultLimits()
	lim.Rows, lim.Columns, lim.CellBytes = 40, 6, 32
	lim.XMLBytes, lim.Strings, lim.StringBytes = 1<<20, 50, 400
	return lim
}

// checkRecords fails when records break a limit: a header within Columns, no row wider
// than the header, at most Rows rows after it, cells within CellBytes and UTF-8.
func checkRecords(t *testing.T, records [][]string, err error, lim Limits) {
	t.Helper()
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("%T %v: a file's problem is not a *sheets.Error", err, err)
		}
		return
	}
	if len(records) == 0 {
		return
	}
	if len(records[0]) > lim.Columns || len(records) > lim.Rows+1 {
		t.Fatalf("%d header columns, %d rows", len(records[0]), len(records))
	}
	for i, rec := range records {
		if len(rec) > len(records[0]) {
			t.Fatalf("row %d has %d cells, the header %d", i+1, len(rec), len(records[0]))
		}
		for _, v := range rec {
			if len(v) > lim.CellBytes || !utf8.ValidString(v) {
				t.Fatalf("row %d: cell %q", i+1, v)
			}
		}
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, c := range corpus(f) {
		if strings.HasSuffix(c.name, ".csv") {
			f.Add(c.data)
		}
	}
	for _, s := range []string{"a,b\n1,\"2\n", "a,b\n1,2\"\n", "a;b\n\"1\";2\r\n", "\"\"\"\"\r\r\n", "a\n\"x\"\"\"y", ",,\n1\n", "\xEF\xBB\xBF\xEF\xBB\xBFa"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := fuzzLimits()
		got, err := read("f.csv", data, lim)
		checkRecords(t, got, err, lim)

		// The same as encoding/csv, wherever that reads the file within the limits.
		want, stdErr := readStdCSV(data)
		if stdErr != nil {
			if err == nil {
				t.Fatalf("encoding/csv refuses the file (%v), the reader reads %q", stdErr, got)
			}
			return
		}
		if !withinLimits(want, lim) {
			return
		}
		if err != nil {
			t.Fatalf("the reader refuses a file encoding/csv reads within the limits: %v\n%q", err, want)
		}
		if !reflect.DeepEqual(normal(got), normal(want)) {
			t.Fatalf("got %q\nencoding/csv %q", normal(got), normal(want))
		}

		// What it read, written by WriteCSV, reads the same again, but for the apostrophe
		// before a text that a spreadsheet would run as a formula (SafeText).
		if len(got) == 0 || strings.HasPrefix(got[0][0], "\uFEFF") || hasCRLF(got) {
			return // a byte order mark at the start is read as one; CR LF in a cell as LF
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, tableOf(got)); err != nil {
			t.Fatal(err)
		}
		if line, _, _ := bytes.Cut(buf.Bytes(), []byte("\n")); !bytes.ContainsRune(line, ',') && bytes.ContainsRune(line, ';') {
			return // a first line with semicolons and no comma is read as separated by semicolons
		}
		again, err := read("f.csv", buf.Bytes(), DefaultLimits())
		if err != nil || !reflect.DeepEqual(withoutBlankRows(again), safeRows(withoutBlankRows(got))) {
			t.Fatalf("written and read again: %q %v\nwas %q", again, err, got)
		}
	})
}

// safeRows is records as WriteCSV writes them: every cell after the header row through
// SafeText.
func safeRows(records [][]string) [][]string {
	out := make([][]string, len(records))
	for i, rec := range records {
		out[i] = rec
		if i > 0 {
			out[i] = make([]string, len(rec))
			for j, v := range rec {
				out[i][j] = SafeText(v)
			}
		}
	}
	return out
}

func hasCRLF(records [][]string) bool {
	for _, rec := range records {
		for _, v := range rec {
			if strings.Contains(v, "\r\n") {
				return true
			}
		}
	}
	return false
}

// readStdCSV reads a file as the reader before this package did, with encoding/csv.
func readStdCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	head := data[:min(len(data), 4096)]
	if line, _, _ := bytes.Cut(head, []byte("\n")); !bytes.ContainsRune(line, ',') && bytes.ContainsRune(line, ';') {
		r.Comma = ';'
	}
	var records [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return records, nil
		}
		if err != nil {
			return nil, err
		}
		records = append(records, rec)
	}
}

// withinLimits tells whether the reader must read records: the first one is the header
// (or every one is blank), no cell beyond it, within the limits, UTF-8.
func withinLimits(records [][]string, lim Limits) bool {
	for _, rec := range records {
		for _, v := range rec {
			if len(v) > lim.CellBytes || !utf8.ValidString(v) {
				return false
			}
		}
	}
	records = normal(records)
	if len(records) == 0 {
		return true
	}
	header := len(records[0])
	if header == 0 || header > lim.Columns || len(records) > lim.Rows+1 {
		return false
	}
	for _, rec := range records {
		if len(rec) > header {
			return false
		}
	}
	return true
}

// tableOf is records as a table to write: the header's cells name the columns.
func tableOf(records [][]string) survey.Table {
	t := survey.Table{Name: "Sheet1"}
	for _, h := range records[0] {
		t.Columns = append(t.Columns, survey.Column{Name: h})
	}
	for _, rec := range withoutBlankRows(records)[1:] {
		row := make([]any, len(t.Columns))
		for i := range row {
			row[i] = ""
			if i < len(rec) {
				row[i] = rec[i]
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func withoutBlankRows(records [][]string) [][]string {
	var out [][]string
	for _, rec := range normal(records) {
		if rec != nil {
			out = append(out, rec)
		}
	}
	return out
}

func FuzzReadXLSX(f *testing.F) {
	for _, c := range corpus(f) {
		if !strings.HasSuffix(c.name, ".xlsx") {
			continue
		}
		zr, err := zip.NewReader(bytes.NewReader(c.data), int64(len(c.data)))
		if err != nil {
			f.Fatal(err)
		}
		parts := map[string][]byte{}
		for _, p := range zr.File {
			rc, _ := p.Open()
			parts[p.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		f.Add(parts["xl/worksheets/sheet1.xml"], parts["xl/sharedStrings.xml"], parts["xl/styles.xml"], "a\tb\n1\t2")
	}
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a&amp;b</t></is></c></row><row><c t="s"><v>0</v></c><c r="XFD2"/></row></sheetData></worksheet>`),
		[]byte(`<sst><si><r><t>x</t></r><rPh><t>y</t></rPh></si><si><t><![CDATA[<z>]]></t></si></sst>`), []byte(nil), "_x0041_\t \r\n\t\"")
	f.Fuzz(func(t *testing.T, sheet, sst, styles []byte, cells string) {
		lim := fuzzLimits()
		file := stored(t, map[string][]byte{"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": sst, "xl/styles.xml": styles})
		got, err := read("f.xlsx", file, lim)
		checkRecords(t, got, err, lim)

		// Text written by WriteXLSX reads back as it was.
		var records [][]string
		for _, line := range strings.Split(cells, "\n") {
			records = append(records, strings.Split(line, "\t"))
		}
		header := normal(records[:1])
		if !utf8.ValidString(cells) || len(records[0]) > 50 || len(cells) > 4096 || header == nil {
			return
		}
		records[0] = header[0]
		for i, rec := range records {
			records[i] = rec[:min(len(rec), len(header[0]))] // cells beyond the header are not the reader's
		}
		var buf bytes.Buffer
		if err := WriteXLSX(&buf, tableOf(records)); err != nil {
			return // a header excelize refuses, such as a duplicate sheet name
		}
		again, err := read("f.xlsx", buf.Bytes(), DefaultLimits())
		if err != nil {
			t.Fatalf("WriteXLSX's workbook: %v", err)
		}
		// The header's trailing blank cells are no columns once written.
		want := withoutBlankRows(records)
		if !reflect.DeepEqual(withoutBlankRows(again), want) {
			t.Fatalf("written and read again:\n%q\nwas\n%q", withoutBlankRows(again), want)
		}
	})
}

// stored is a workbook of the given parts, stored without compression; a nil part is
// left out.
func stored(t *testing.T, parts map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	writeParts(zw, parts["xl/sharedStrings.xml"] != nil, parts["xl/styles.xml"] != nil)
	for name, data := range parts {
		if data == nil {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
