package sheets

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus.json with what the reader reads now")

// read reads a file held in memory.
func read(name string, data []byte, lim Limits) ([][]string, error) {
	return ReadAll(name, bytes.NewReader(data), int64(len(data)), lim)
}

// testdata/corpus.json holds the records the reader that came before this package
// (models.ReadRecords, on encoding/csv and excelize) read from the corpus; this one must
// read the same, up to blank cells and rows (see normal). Rewrite it with -update only for
// a change meant to alter what files read to.
func TestCorpus(t *testing.T) {
	data, err := os.ReadFile("testdata/corpus.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][][]string
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatal(err)
	}
	got := map[string][][]string{}
	for _, f := range corpus(t) {
		records, err := read(f.name, f.data, DefaultLimits())
		if err != nil {
			t.Errorf("%s: %v", f.name, err)
			continue
		}
		got[f.name] = normal(records)
		if w, ok := want[f.name]; !ok {
			t.Errorf("%s is not in testdata/corpus.json", f.name)
		} else if len(w) == 0 && len(got[f.name]) == 0 {
			continue
		} else if !reflect.DeepEqual(got[f.name], w) {
			t.Errorf("%s:\n got %q\nwant %q", f.name, got[f.name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files read, %d in testdata/corpus.json", len(got), len(want))
	}
	if *update {
		if err := os.WriteFile("testdata/corpus.json", goldenJSON(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goldenJSON writes records a row per line, so that a change shows as a row in a diff.
func goldenJSON(files map[string][][]string) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	for i, name := range slices.Sorted(maps.Keys(files)) {
		if i > 0 {
			b.WriteString(",")
		}
		k, _ := json.Marshal(name)
		fmt.Fprintf(&b, "\n %s: [", k)
		for j, rec := range files[name] {
			if j > 0 {
				b.WriteString(",")
			}
			v, _ := json.Marshal(rec)
			fmt.Fprintf(&b, "\n  %s", v)
		}
		b.WriteString("\n ]")
	}
	b.WriteString("\n}\n")
	return b.Bytes()
}

// normal is records as ParsePaper reads them: a blank cell (white space) is "", trailing
// blank cells and rows are dropped and a blank row is nil, so that readers that differ only
// in these compare equal.
func normal(records [][]string) [][]string {
	var out [][]string
	for _, rec := range records {
		var cells []string
		for i, v := range rec {
			if strings.TrimSpace(v) != "" {
				for len(cells) < i {
					cells = append(cells, "")
				}
				cells = append(cells, v)
			}
		}
		out = append(out, cells)
	}
	for len(out) > 0 && out[len(out)-1] == nil {
		out = out[:len(out)-1]
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

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
		{"empty lines are skipped, not counted", "\na,b\n\n1,2\r\n\r\n", [][]string{{"a", "b"}, {"1", "2"}}},
		{"a row of separators is a blank row", "a,b\n,\n1,2\n", [][]string{{"a", "b"}, nil, {"1", "2"}}},
		{"empty cells beyond the header are dropped", "a,b\n1,2,,,,\n", [][]string{{"a", "b"}, {"1", "2"}}},
		{"trailing blank header cells", "a,b,,\n1,2\n", [][]string{{"a", "b"}, {"1", "2"}}},
		{"a blank column in the header", "a,,c\n1,,3\n", [][]string{{"a", "", "c"}, {"1", "", "3"}}},
		{"spaces are kept within the row", "a,b,c\n1, ,3\n", [][]string{{"a", "b", "c"}, {"1", " ", "3"}}},
		{"no final line break", "a,b\n1,\"2\"", [][]string{{"a", "b"}, {"1", "2"}}},
		{"CR inside a cell", "a,b\n1\r2,\"3\r\n4\"\r\n", [][]string{{"a", "b"}, {"1\r2", "3\n4"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := read("x.CSV", []byte(tt.data), DefaultLimits())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// small are limits small enough to reach in a test.
func small() Limits {
	lim := DefaultLimits()
	lim.Rows, lim.Columns, lim.CellBytes = 3, 4, 8
	return lim
}

func TestReadRefuses(t *testing.T) {
	tests := []struct {
		name, file, data string
		lim              Limits
		row              int
		col, key         string
	}{
		{"unclosed quote", "x.csv", "a,b\n1,\"2\n", DefaultLimits(), 2, "B", "sheets.csv_unclosed_quote"},
		{"quote inside a cell", "x.csv", "a,b\n1,2\"\n", DefaultLimits(), 2, "B", "sheets.csv_bare_quote"},
		{"text after a closing quote", "x.csv", "a,b\n\"1\"x,2\n", DefaultLimits(), 2, "A", "sheets.csv_quote"},
		{"Windows-1258", "x.csv", "a,b\n1,Qu\xe1y\n", DefaultLimits(), 2, "B", "sheets.csv_not_utf8"},
		{"an .xls file", "x.xls", "", DefaultLimits(), 0, "", "sheets.format"},
		{"no extension", "x", "a\n", DefaultLimits(), 0, "", "sheets.format"},
		{"not a zip", "x.xlsx", "not a zip", DefaultLimits(), 0, "", "sheets.xlsx_not_zip"},
		{"too many rows", "x.csv", "a\n1\n2\n3\n4\n", small(), 0, "", "sheets.too_many_rows"},
		{"a cell beyond the header", "x.csv", "a,b\n1,2,3\n", small(), 2, "C", "sheets.outside_header"},
		{"too many header columns", "x.csv", "a,b,c,d,e\n", small(), 1, "E", "sheets.too_many_columns"},
		{"a long cell", "x.csv", "a,b\n1,123456789\n", small(), 2, "B", "sheets.cell_too_long"},
		{"a long quoted cell", "x.csv", "a,b\n1,\"1234\n56789\"\n", small(), 2, "B", "sheets.cell_too_long"},
		{"a blank first row", "x.csv", ",,\na,b\n", DefaultLimits(), 2, "", "sheets.no_header"},
		{"a file too big", "x.csv", "a,b\n", Limits{FileBytes: 3}, 0, "", "sheets.file_too_big"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := read(tt.file, []byte(tt.data), tt.lim)
			var e *Error
			if !errors.As(err, &e) || e.Row != tt.row || e.Column != tt.col || e.Msg.Key != tt.key {
				t.Errorf("got %v, want row %d, column %q: %s", err, tt.row, tt.col, tt.key)
			}
		})
	}
	// The limits themselves are allowed.
	if _, err := read("x.csv", []byte("a,b,c,d\n1\n2\n12345678,2\n"), small()); err != nil {
		t.Errorf("at the limits: %v", err)
	}
}

// A workbook as an office would fill it in Excel: numbers as numbers, dates as dates, a
// leading zero lost, an empty row, a second sheet.
func TestReadXLSX(t *testing.T) {
	f := excelize.NewFile()
	officeWorkbook(f)
	var buf bytes.Buffer
	must(t, f.Write(&buf))
	got, err := read("paper.xlsx", buf.Bytes(), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"province", "office", "counter", "channel", "submitted_at", "E1.1", "E1.2", "field"},
		{"31", "ubnd-hb", "hb-1", "paper", "2025-08-01", "5", "4", "land"},
		nil,
		{"1", "ubnd-hn", "hn-1", "", "2025-08-02T09:30:00+07:00", "2"},
		{"31", "", "", "", "45870"}, // a plain number that is not a date stays a number
		{"", "", "", "", "2025-08-02"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// Cells are read as Excel shows them: a number written as text in a date-formatted cell
// is text, a boolean 0 or 1, and dates follow the workbook's date system.
func TestReadXLSXCells(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		f := excelize.NewFile()
		must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}))
		for i, h := range []string{"text", "bool", "date", "time", "rich", "inline"} {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			set(t, f, cell, h)
		}
		code := "dd/mm/yyyy hh:mm"
		style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		must(t, f.SetCellStr("Sheet1", "A2", "45870"))
		must(t, f.SetCellBool("Sheet1", "B2", true))
		set(t, f, "C2", time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC))
		set(t, f, "D2", time.Date(2025, 8, 1, 7, 5, 9, 0, time.UTC))
		must(t, f.SetCellStyle("Sheet1", "A2", "D2", style))
		must(t, f.SetCellRichText("Sheet1", "E2", []excelize.RichTextRun{{Text: "Một "}, {Text: "cửa", Font: &excelize.Font{Italic: true}}}))
		var buf bytes.Buffer
		must(t, f.Write(&buf))
		got, err := read("x.xlsx", buf.Bytes(), DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"45870", "1", "2025-08-01", "2025-08-01T07:05:09+07:00", "Một cửa"}
		if len(got) != 2 || !reflect.DeepEqual(got[1], want) {
			t.Errorf("1904 %v: got %q, want %q", date1904, got, want)
		}
	}
}

// The reader converts date serial numbers exactly as excelize does, to the second.
func TestSerialTime(t *testing.T) {
	for _, date1904 := range []bool{false, true} {
		for serial := 1000.0; serial < lastSerial; serial = serial*1.0137 + 0.0000123 {
			want, err := excelize.ExcelDateToTime(serial, date1904)
			if err != nil {
				t.Fatal(err)
			}
			if got := serialTime(serial, date1904); !got.Equal(want.Round(time.Second)) {
				t.Fatalf("%v (1904 %v): %v, want %v", serial, date1904, got, want)
			}
		}
	}
}

func TestDateFormat(t *testing.T) {
	for code, want := range map[string]bool{
		"dd/mm/yyyy": true, "yyyy-mm-dd hh:mm": true, "[h]:mm": true, "mmm-yy": true,
		`"day "0`: false, "0.00;[Red]-0.00": false, `#,##0 "đ"`: false, "@": false, "[$-42A]dd/mm/yyyy": true,
		`[$$-409]#,##0.00`: false, "General": false,
	} {
		if got := dateFormat(code); got != want {
			t.Errorf("dateFormat(%q) = %v", code, got)
		}
	}
	custom := map[int]bool{164: true, 165: false, 14: false}
	for id, want := range map[int]bool{14: true, 22: true, 2: false, 49: false, 164: true, 165: false, 200: false} {
		if got := numberFormatIsDate(id, custom); got != want {
			t.Errorf("numberFormatIsDate(%d) = %v", id, got)
		}
	}
}

func TestUnescapeXString(t *testing.T) {
	for in, want := range map[string]string{
		"a_x0041_b": "aAb", "_x005F_x0041_": "_x0041_", "_x000D__x000A_": "\r\n", "_x00": "_x00",
		"_xZZZZ_": "_xZZZZ_", "_x_x0041_": "_xA", "x_xD800_y": "xy", "plain": "plain",
	} {
		if got := unescapeXString([]byte(in)); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
