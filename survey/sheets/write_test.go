package sheets

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sipas/survey"
)

// exportTables are two small export tables: Hải Phòng with answers, Hà Nội without.
func exportTables() []survey.Table {
	return []survey.Table{
		{Name: "provinces", Columns: []survey.Column{
			{Name: "code", Kind: survey.TextColumn}, {Name: "name", Kind: survey.TextColumn},
			{Name: "responses", Kind: survey.CountColumn}, {Name: "sipas", Kind: survey.IndexColumn},
			{Name: "rank", Kind: survey.CountColumn},
		}, Rows: [][]any{
			{"31", "Thành phố Hải Phòng", int64(4), 62.5, int64(1)},
			{"01", "Thành phố Hà Nội", int64(0), nil, nil},
		}},
		{Name: "criteria", Columns: []survey.Column{
			{Name: "criterion", Kind: survey.TextColumn}, {Name: "index", Kind: survey.IndexColumn},
			{Name: "answered", Kind: survey.CountColumn},
		}, Rows: [][]any{
			{"E1.1", 50.0, 4},
			{"E1.2", 200.0 / 3, int64(3)},
			{"E2.1", math.NaN(), 0},
		}},
	}
}

func TestWriteCSV(t *testing.T) {
	tables := exportTables()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tables[0]); err != nil {
		t.Fatal(err)
	}
	want := "code,name,responses,sipas,rank\n31,Thành phố Hải Phòng,4,62.50,1\n01,Thành phố Hà Nội,0,,\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := WriteCSV(&buf, tables[1]); err != nil {
		t.Fatal(err)
	}
	if want := "criterion,index,answered\nE1.1,50.00,4\nE1.2,66.67,3\nE2.1,,0\n"; buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// The workbook opens, has a sheet per table with a bold frozen header, and its figures
// are numbers shown with two decimals, not text.
func TestWriteXLSX(t *testing.T) {
	tables := exportTables()
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tables...); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"provinces", "criteria"}) {
		t.Errorf("sheets %v", got)
	}
	for _, tb := range tables {
		rows, err := f.GetRows(tb.Name)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(tb.Rows)+1 {
			t.Errorf("%s: %d rows, want %d", tb.Name, len(rows), len(tb.Rows)+1)
		}
		for i, c := range tb.Columns {
			if rows[0][i] != c.Name {
				t.Errorf("%s header %d = %q, want %q", tb.Name, i, rows[0][i], c.Name)
			}
		}
		if dim, _ := f.GetSheetDimension(tb.Name); dim != fmt.Sprintf("A1:%s%d", string(rune('A'+len(tb.Columns)-1)), len(tb.Rows)+1) {
			t.Errorf("%s: used range %s", tb.Name, dim)
		}
		panes, err := f.GetPanes(tb.Name)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: header not frozen: %+v %v", tb.Name, panes, err)
		}
		idx, _ := f.GetCellStyle(tb.Name, "A1")
		if style, err := f.GetStyle(idx); err != nil || style.Font == nil || !style.Font.Bold {
			t.Errorf("%s: header not bold", tb.Name)
		}
	}
	checkNumber := func(sheet, cell string, want float64, format int) {
		t.Helper()
		typ, err := f.GetCellType(sheet, cell)
		if err != nil || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
			t.Errorf("%s!%s is of type %v, not a number", sheet, cell, typ)
		}
		raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if v, err := strconv.ParseFloat(raw, 64); err != nil || math.Abs(v-want) > 1e-12*want {
			t.Errorf("%s!%s = %q, want %v", sheet, cell, raw, want)
		}
		idx, _ := f.GetCellStyle(sheet, cell)
		if style, err := f.GetStyle(idx); err != nil || style.NumFmt != format {
			t.Errorf("%s!%s number format %d, want %d", sheet, cell, style.NumFmt, format)
		}
	}
	checkNumber("provinces", "D2", 62.5, 2)
	checkNumber("provinces", "C2", 4, 1)
	checkNumber("provinces", "E2", 1, 1)
	if shown, _ := f.GetCellValue("provinces", "D2"); shown != "62.50" {
		t.Errorf("62.5 is shown as %q", shown)
	}
	checkNumber("criteria", "B3", 200.0/3, 2) // kept to Excel's 15 digits
	if shown, _ := f.GetCellValue("criteria", "B3"); shown != "66.67" {
		t.Errorf("E1.2 is shown as %q", shown)
	}
	for _, cell := range []string{"provinces!D3", "provinces!E3", "criteria!B4"} {
		sheet, ref, _ := strings.Cut(cell, "!")
		if v, _ := f.GetCellValue(sheet, ref); v != "" {
			t.Errorf("%s is %q, want an empty cell", cell, v)
		}
	}
	if w, _ := f.GetColWidth("provinces", "B"); w < 20 {
		t.Errorf("the name column is %v wide", w)
	}
	// And this package reads back what it wrote.
	got, err := read("x.xlsx", buf.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"31", "Thành phố Hải Phòng", "4", "62.5", "1"}; !reflect.DeepEqual(got[1], want) {
		t.Errorf("read back %q, want %q", got[1], want)
	}
}

// Text that a spreadsheet would run as a formula (an office or account named so) is
// written to CSV after an apostrophe, and to XLSX as a string cell, never a formula;
// numbers, negative ones included, stay numbers.
func TestExportsAreSafeFromFormulas(t *testing.T) {
	hostile := []string{"=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=HYPERLINK(\"http://x\")"}
	table := survey.Table{Name: "offices", Columns: []survey.Column{
		{Name: "name", Kind: survey.TextColumn}, {Name: "change", Kind: survey.IndexColumn}}}
	for _, h := range hostile {
		table.Rows = append(table.Rows, []any{h, -1.5})
	}
	table.Rows = append(table.Rows, []any{"Bộ phận Một cửa - Hải Phòng", -0.25})

	var buf bytes.Buffer
	if err := WriteCSV(&buf, table); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hostile {
		if got := records[i+1]; got[0] != "'"+h || got[1] != "-1.50" {
			t.Errorf("CSV row %d: %q, want %q and -1.50", i+1, got, "'"+h)
		}
	}
	if got := records[len(records)-1]; got[0] != "Bộ phận Một cửa - Hải Phòng" || got[1] != "-0.25" {
		t.Errorf("an ordinary name: %q", got)
	}

	buf.Reset()
	if err := WriteXLSX(&buf, table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, h := range hostile {
		cell := fmt.Sprintf("A%d", i+2)
		formula, err := f.GetCellFormula("offices", cell)
		if err != nil || formula != "" {
			t.Errorf("XLSX %s: formula %q %v", cell, formula, err)
		}
		kind, err := f.GetCellType("offices", cell)
		if err != nil || kind != excelize.CellTypeSharedString && kind != excelize.CellTypeInlineString {
			t.Errorf("XLSX %s: cell type %v %v, want a string", cell, kind, err)
		}
		if v, _ := f.GetCellValue("offices", cell); v != h {
			t.Errorf("XLSX %s: %q, want the text %q as it is", cell, v, h)
		}
	}
}

// TestXStringsRoundTrip: text that holds control characters, or looks like Office's
// _xHHHH_ escapes, or both side by side, reads back from a written workbook as it was.
func TestXStringsRoundTrip(t *testing.T) {
	for _, text := range []string{
		"plain", "_x0041_", "a_x0041_b", "\x01", "_x0004\x01", "_x0004\x01_x0005_", "_x00\x01",
		"_x0041", "_x0041\uFFFE", "x_x\x02_", "_x005F_", "Hà Nội_x0041_",
	} {
		if got := unescapeXString([]byte(escapeXString(text))); got != text {
			t.Errorf("%q written as %q reads as %q", text, escapeXString(text), got)
		}
	}
}
