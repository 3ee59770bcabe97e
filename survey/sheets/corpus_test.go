package sheets

import (
	"bytes"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// corpusFile is a file of the reading corpus: files as offices make them, whose records
// are pinned in testdata/corpus.json (read by the reader that came before this package).
type corpusFile struct {
	name string
	data []byte
}

// corpus builds the files: CSV as Excel and editors write it, and XLSX workbooks written
// by excelize as Excel would fill them (numbers, dates in several formats, the 1904 date
// system, rich and inline text, escapes, booleans, gaps, a second sheet).
func corpus(t testing.TB) []corpusFile {
	files := []corpusFile{
		{"plain.csv", []byte("province,office\n31,a\n")},
		{"bom.csv", []byte("\xEF\xBB\xBFprovince,office\r\n31,a\r\n")},
		{"semicolons.csv", []byte("province;office;E1.1\n31;\"a;b\";5\n")},
		{"quoted.csv", []byte("a,b,c\n1\n\"x,\"\"y\"\"\nz\",2,3\n")},
		{"vietnamese.csv", []byte("province,office\n31,Bộ phận Một cửa\n")},
		{"empty.csv", nil},
		{"blank-lines.csv", []byte("\n\na,b\r\n\r\n1,2\n\n,,\n3,4\n")},
		{"trailing-commas.csv", []byte("a,b,,\n1,2,,\n3,,,\n,,,\n")},
		{"spaces.csv", []byte("a,b,c\n ,x, \n1, 2 ,\t\n")},
		{"no-final-newline.csv", []byte("a,b\n1,\"2\"")},
		{"cr-in-cell.csv", []byte("a,b\n1\r2,\"3\r\n4\"\r\n")},
		{"cr-at-end.csv", []byte("a,b\n1,2\r")},
		{"quoted-empty.csv", []byte("a,b\n\"\",\"\"\n\"x\",\n")},
		{"semicolon-with-comma-later.csv", []byte("a;b\n1,5;2\n")},
		{"header-only.csv", []byte("province,office,counter\n")},
	}
	for _, w := range []struct {
		name  string
		build func(f *excelize.File)
	}{
		{"office.xlsx", officeWorkbook},
		{"1904.xlsx", func(f *excelize.File) {
			date1904 := true
			must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &date1904}))
			officeWorkbook(f)
		}},
		{"formats.xlsx", func(f *excelize.File) {
			for i, h := range []string{"date", "date and time", "almost midnight", "small", "too small", "last"} {
				cell, _ := excelize.CoordinatesToCellName(i+1, 1)
				set(t, f, cell, h)
			}
			for i, format := range []struct {
				numFmt int
				custom string
			}{
				{14, ""}, {15, ""}, {20, ""}, {22, ""}, {2, ""}, {4, ""}, {10, ""}, {45, ""}, {47, ""},
				{0, "yyyy-mm-dd hh:mm"}, {0, `"day "0`}, {0, "[h]:mm"}, {0, `[$-42A]dd/mm/yyyy`},
				{0, "0.00;[Red]-0.00"}, {0, `#,##0 "đ"`}, {0, "mmm-yy"}, {0, "hh:mm:ss AM/PM"},
			} {
				row := i + 2
				style := &excelize.Style{NumFmt: format.numFmt}
				if format.custom != "" {
					style.CustomNumFmt = &format.custom
				}
				id, err := f.NewStyle(style)
				must(t, err)
				for col, v := range []any{45870.0, 45870.75, 45870.999994, 1234.5, 999.0, 2958465.0} {
					cell, _ := excelize.CoordinatesToCellName(col+1, row)
					set(t, f, cell, v)
					must(t, f.SetCellStyle("Sheet1", cell, cell, id))
				}
			}
		}},
		{"text.xlsx", func(f *excelize.File) {
			set(t, f, "A1", "kind")
			set(t, f, "B1", "value")
			set(t, f, "A2", "rich")
			must(t, f.SetCellRichText("Sheet1", "B2", []excelize.RichTextRun{
				{Text: "Bộ phận "}, {Text: "Một cửa", Font: &excelize.Font{Bold: true}}}))
			set(t, f, "A3", "escapes")
			set(t, f, "B3", "a_x0041_b _x005F_x0041_ c\r\nd\te")
			set(t, f, "A4", "bool")
			must(t, f.SetCellBool("Sheet1", "B4", true))
			set(t, f, "A5", "spaces")
			set(t, f, "B5", "  padded  ")
			set(t, f, "A6", "markup")
			set(t, f, "B6", `<b>&amp;"quoted"</b> ' >`)
			set(t, f, "A7", "number as text")
			must(t, f.SetCellStr("Sheet1", "B7", "45870"))
			set(t, f, "A9", "after a gap")
			set(t, f, "C9", "")
			set(t, f, "A10", 3.14159)
			set(t, f, "B10", -2)
			set(t, f, "A11", "formula")
			must(t, f.SetCellFormula("Sheet1", "B11", "1+1"))
		}},
		{"stream.xlsx", func(f *excelize.File) {
			sw, err := f.NewStreamWriter("Sheet1")
			must(t, err)
			must(t, sw.SetRow("A1", []any{"province", "office", "counter", "channel", "submitted_at", "E1.1"}))
			must(t, sw.SetRow("A2", []any{31, "ubnd-hb", "hb-1", "paper", "2025-08-01", 5}))
			must(t, sw.SetRow("A4", []any{"01", "ubnd hn", nil, "kiosk", time.Date(2025, 8, 2, 0, 0, 0, 0, time.UTC), 4}))
			must(t, sw.Flush())
		}},
	} {
		f := excelize.NewFile()
		w.build(f)
		var buf bytes.Buffer
		must(t, f.Write(&buf))
		f.Close()
		files = append(files, corpusFile{w.name, buf.Bytes()})
	}
	return files
}

// officeWorkbook is a paper file as an office fills it in Excel: numbers as numbers, dates
// as dates, a leading zero lost, an empty row, a second sheet.
func officeWorkbook(f *excelize.File) {
	for i, h := range []string{"province", "office", "counter", "channel", "submitted_at", "E1.1", "E1.2", "field"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", cell, h)
	}
	for cell, v := range map[string]any{
		"A2": 31, "B2": "ubnd-hb", "C2": "hb-1", "D2": "paper", "E2": time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC),
		"F2": 5, "G2": 4, "H2": "land",
		"A4": 1, "B4": "ubnd-hn", "C4": "hn-1", "E4": time.Date(2025, 8, 2, 9, 30, 0, 0, time.UTC), "F4": 2,
		"A5": 31, "E5": 45870,
		"E6": 45871,
	} {
		f.SetCellValue("Sheet1", cell, v)
	}
	code := "dd/mm/yyyy"
	style, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	f.SetCellStyle("Sheet1", "E6", "E6", style)
	f.NewSheet("notes")
	f.SetCellValue("notes", "A1", "ignored")
}

func set(t testing.TB, f *excelize.File, cell string, v any) {
	t.Helper()
	must(t, f.SetCellValue("Sheet1", cell, v))
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
