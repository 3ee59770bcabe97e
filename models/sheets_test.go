package models

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sipas/survey"
)

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name string
		data string
		want [][]string
	}{
		{"plain", "province,office\n31,a\n", [][]string{{"province", "office"}, {"31", "a"}}},
		{"byte order mark", "\xEF\xBB\xBFprovince,office\r\n31,a\r\n", [][]string{{"province", "office"}, {"31", "a"}}},
		{"semicolons", "province;office;E1.1\n31;\"a;b\";5\n", [][]string{{"province", "office", "E1.1"}, {"31", "a;b", "5"}}},
		{"short and quoted rows", "a,b,c\n1\n\"x,\"\"y\"\"\nz\",2,3\n", [][]string{{"a", "b", "c"}, {"1"}, {"x,\"y\"\nz", "2", "3"}}},
		{"Vietnamese", "province,office\n31,Bộ phận Một cửa\n", [][]string{{"province", "office"}, {"31", "Bộ phận Một cửa"}}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadRecords("x.CSV", strings.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadRecordsRefuses(t *testing.T) {
	var pe *survey.PaperError
	if _, err := ReadRecords("x.csv", strings.NewReader("a,b\n1,\"2\n")); !errors.As(err, &pe) || pe.Row != 2 {
		t.Errorf("unclosed quote: %v", err)
	}
	if _, err := ReadRecords("x.csv", strings.NewReader("a,b\n1,Qu\xe1y\n")); !errors.As(err, &pe) || pe.Row != 2 || pe.Msg.Key != "paper.problem.not_utf8" {
		t.Errorf("Windows-1258 file: %v", err)
	}
	if _, err := ReadRecords("x.xls", strings.NewReader("")); !errors.Is(err, ErrSheetFormat) {
		t.Errorf("an .xls file: %v", err)
	}
	if _, err := ReadRecords("x.xlsx", strings.NewReader("not a zip")); !errors.As(err, &pe) || pe.Msg.Key != "paper.problem.xlsx_unopenable" {
		t.Errorf("a broken .xlsx: %v", err)
	}
	defer func(n int) { maxSheetRows = n }(maxSheetRows)
	maxSheetRows = 3
	if _, err := ReadRecords("x.csv", strings.NewReader("a\n1\n2\n")); err != nil {
		t.Errorf("3 rows: %v", err)
	}
	if _, err := ReadRecords("x.csv", strings.NewReader("a\n1\n2\n3\n")); !errors.As(err, &pe) || pe.Msg.String() != "paper.problem.too_many_rows(3)" {
		t.Errorf("4 rows: %v", err)
	}
}

// A workbook as an office would fill it in Excel: numbers as numbers, dates as dates, a
// leading zero lost, an empty row, a second sheet.
func TestReadXLSX(t *testing.T) {
	f := excelize.NewFile()
	set := func(cell string, v any) {
		t.Helper()
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{"province", "office", "counter", "channel", "submitted_at", "E1.1", "E1.2", "field"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(cell, h)
	}
	set("A2", 31)
	set("B2", "ubnd-hb")
	set("C2", "hb-1")
	set("D2", "paper")
	set("E2", time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC)) // a date cell
	set("F2", 5)
	set("G2", 4)
	set("H2", "land")
	// row 3 left empty
	set("A4", 1) // Hà Nội typed as a number
	set("B4", "ubnd-hn")
	set("C4", "hn-1")
	set("E4", time.Date(2025, 8, 2, 9, 30, 0, 0, time.UTC)) // a date and time cell
	set("F4", 2)
	set("E5", 45870) // a plain number that is not a date stays a number
	set("A5", 31)
	style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: strPtr("dd/mm/yyyy")})
	set("E6", 45871)
	f.SetCellStyle("Sheet1", "E6", "E6", style)
	f.NewSheet("notes")
	f.SetCellValue("notes", "A1", "ignored")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRecords("paper.xlsx", &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"province", "office", "counter", "channel", "submitted_at", "E1.1", "E1.2", "field"},
		{"31", "ubnd-hb", "hb-1", "paper", "2025-08-01", "5", "4", "land"},
		nil,
		{"1", "ubnd-hn", "hn-1", "", "2025-08-02T09:30:00+07:00", "2"},
		{"31", "", "", "", "45870"},
		{"", "", "", "", "2025-08-02"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d rows: %q", len(got), got)
	}
	for i := range want {
		if len(want[i]) == 0 && len(got[i]) == 0 {
			continue
		}
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, got[i], want[i])
		}
	}
	// And the first rows are a valid paper file.
	rows, err := survey.ParsePaper(survey.Official(), survey.OfficialUnits(), got[:4], benchNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1].Row != 4 || rows[1].Unit.Code != "01" {
		t.Errorf("parsed %+v", rows)
	}
}

func strPtr(s string) *string { return &s }

// exportTables is a small report: Hải Phòng with the answers of handFile, Hà Nội none.
func exportTables(t *testing.T) []survey.Table {
	t.Helper()
	q := survey.Official()
	units := survey.OfficialUnits()
	for i := range units {
		units[i].ID = uint(i + 1)
	}
	hp, _ := survey.UnitAt(units, "31", "2025-12-31")
	tally := survey.NewTally()
	for _, c := range []map[string]int{{"E1.1": 5, "E1.2": 4, "E2.1": 2}, {"E1.1": 3, "E1.2": 5, "E2.1": 4}, {"E1.1": 4, "E2.1": 5}, {"E1.1": 1, "E1.2": 2}} {
		tally.Add(q.Tally(survey.Submission{Criteria: c}))
	}
	r := q.NationalReport(units, map[uint]*survey.Tally{hp.ID: tally}, survey.YearPeriod(2025), survey.YearPeriod(2025).To)
	return r.Tables("vi")
}

func TestWriteCSV(t *testing.T) {
	tables := exportTables(t)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tables[0]); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(buf.String(), "\n")
	if lines[0] != "code,name,responses,sipas,ci95_low,ci95_high,rank" {
		t.Errorf("header %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "31,Thành phố Hải Phòng,4,62.50,") || !strings.HasSuffix(lines[1], ",1") {
		t.Errorf("Hải Phòng %q", lines[1])
	}
	if lines[2] != "01,Thành phố Hà Nội,0,,,," {
		t.Errorf("a province without responses %q", lines[2])
	}
	if len(lines) != 34+2 || lines[35] != "" {
		t.Errorf("%d lines", len(lines))
	}
	buf.Reset()
	if err := WriteCSV(&buf, tables[2]); err != nil {
		t.Fatal(err)
	}
	if want := "31,E1.2,E1,66.67,3,2,"; !strings.Contains(buf.String(), want) {
		t.Errorf("criteria CSV has no %q:\n%s", want, buf.String()[:300])
	}
}

// The workbook opens, has a sheet per level with a bold frozen header, and its figures
// are numbers shown with two decimals, not text.
func TestWriteXLSX(t *testing.T) {
	tables := exportTables(t)
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tables...); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"provinces", "elements", "criteria"}) {
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
	// provinces!D2 is Hải Phòng's SIPAS, 62.5: a number cell, full precision, format 0.00.
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
	checkNumber("provinces", "G2", 1, 1)
	if shown, _ := f.GetCellValue("provinces", "D2"); shown != "62.50" {
		t.Errorf("62.5 is shown as %q", shown)
	}
	checkNumber("criteria", "D3", 200.0/3, 2) // E1.2, kept to Excel's 15 digits
	if shown, _ := f.GetCellValue("criteria", "D3"); shown != "66.67" {
		t.Errorf("E1.2 is shown as %q", shown)
	}
	if v, _ := f.GetCellValue("provinces", "D3"); v != "" {
		t.Errorf("Hà Nội's SIPAS is %q, want an empty cell", v)
	}
	if v, _ := f.GetCellValue("elements", "D2"); v != survey.Official().Elements[0].Name["vi"] {
		t.Errorf("element name %q", v)
	}
	if w, _ := f.GetColWidth("provinces", "B"); w < 20 {
		t.Errorf("the name column is %v wide", w)
	}
}
