package sheets

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"sipas/survey"
)

// WriteCSV writes a table as UTF-8 CSV with a header row: text as is (but see SafeText),
// counts as integers, indices with two decimals and a dot, undefined values as empty cells.
func WriteCSV(w io.Writer, t survey.Table) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for _, row := range t.Rows {
		for i, v := range row {
			rec[i] = csvCell(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return SafeText(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		if math.IsNaN(x) {
			return ""
		}
		return strconv.FormatFloat(x, 'f', 2, 64)
	}
	return fmt.Sprint(v)
}

// SafeText keeps a spreadsheet from running a text cell of a CSV file as a formula (CSV
// or formula injection): text that begins with =, +, -, @, a tab or a carriage return,
// such as an office named "=HYPERLINK(…)" or "@SUM(…)", is written after an apostrophe,
// which Excel and LibreOffice take as "this is text" and do not show. Numbers are
// written as numbers and never pass through here. An XLSX text cell needs no such
// prefix: it is typed as a string, which no spreadsheet evaluates.
func SafeText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteXLSX writes the tables as a workbook, one sheet each, named after the table: a
// bold header row that stays in view, column widths that fit, counts as whole numbers
// and indices as numbers shown with two decimals (format 0.00), not as text.
func WriteXLSX(w io.Writer, tables ...survey.Table) error {
	f := excelize.NewFile()
	defer f.Close()
	header, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8EEF7"}},
		Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return err
	}
	count, err := f.NewStyle(&excelize.Style{NumFmt: 1}) // 0
	if err != nil {
		return err
	}
	decimal, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return err
	}
	for n, t := range tables {
		sheet := t.Name
		if n == 0 {
			if err := f.SetSheetName("Sheet1", sheet); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		widths := make([]float64, len(t.Columns))
		for i, c := range t.Columns {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			if err := f.SetCellStr(sheet, cell, escapeXString(c.Name)); err != nil {
				return err
			}
			widths[i] = float64(len(c.Name)) + 2
		}
		for r, row := range t.Rows {
			for i, v := range row {
				cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
				if err := xlsxCell(f, sheet, cell, v); err != nil {
					return err
				}
				if s, ok := v.(string); ok {
					widths[i] = max(widths[i], float64(utf8.RuneCountInString(s))+2)
				}
			}
		}
		last, _ := excelize.CoordinatesToCellName(len(t.Columns), 1)
		if err := f.SetCellStyle(sheet, "A1", last, header); err != nil {
			return err
		}
		for i, c := range t.Columns {
			col, _ := excelize.ColumnNumberToName(i + 1)
			if err := f.SetColWidth(sheet, col, col, min(max(widths[i], 8), 60)); err != nil {
				return err
			}
			style := map[survey.ColumnKind]int{survey.CountColumn: count, survey.IndexColumn: decimal}[c.Kind]
			if style != 0 && len(t.Rows) > 0 {
				if err := f.SetCellStyle(sheet, col+"2", fmt.Sprintf("%s%d", col, len(t.Rows)+1), style); err != nil {
					return err
				}
			}
		}
		if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
			return err
		}
		if len(t.Columns) > 0 { // the used range, which some readers size the sheet by
			end, _ := excelize.CoordinatesToCellName(len(t.Columns), len(t.Rows)+1)
			if err := f.SetSheetDimension(sheet, "A1:"+end); err != nil {
				return err
			}
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func xlsxCell(f *excelize.File, sheet, cell string, v any) error {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		return f.SetCellStr(sheet, cell, escapeXString(x))
	case int64:
		return f.SetCellInt(sheet, cell, x)
	case int:
		return f.SetCellInt(sheet, cell, int64(x))
	case float64:
		if math.IsNaN(x) {
			return nil
		}
		return f.SetCellFloat(sheet, cell, x, -1, 64) // full precision; the format shows two decimals
	}
	return f.SetCellValue(sheet, cell, v)
}

// escapeXString writes text as Excel does where XML cannot carry it: a control character
// as _xHHHH_, and text that would read as such an escape (see unescapeXString) with its
// underscore escaped, _x005F_xHHHH_. excelize leaves shared strings as they are.
func escapeXString(s string) string {
	if !strings.Contains(s, "_x") && !strings.ContainsFunc(s, notXMLChar) {
		return s
	}
	var out strings.Builder
	for i, r := range s {
		switch {
		case notXMLChar(r):
			fmt.Fprintf(&out, "_x%04X_", r)
		case r == '_' && readsAsEscape(s[i:]):
			out.WriteString("_x005F_")
		default:
			out.WriteRune(r)
		}
	}
	return out.String()
}

// readsAsEscape tells whether text starting with s, once escaped, starts with _xHHHH_:
// s is _x and four hex digits, then an underscore, or a character escaped as _xHHHH_
// ("_x0004" then U+0001 is written _x0004_x0001_, whose start reads as U+0004).
func readsAsEscape(s string) bool {
	if len(s) < 7 || !strings.HasPrefix(s, "_x") || !isHex(s[2:6]) {
		return false
	}
	next, _ := utf8.DecodeRuneInString(s[6:])
	return next == '_' || notXMLChar(next)
}

// notXMLChar tells a character that XML 1.0 cannot hold.
func notXMLChar(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0xFFFE || r == 0xFFFF
}

func isHex(s string) bool {
	_, err := strconv.ParseUint(s, 16, 16)
	return err == nil
}
