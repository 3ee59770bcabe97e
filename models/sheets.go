package models

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"sipas/survey"
)

// maxSheetRows bounds the rows ReadRecords reads, header included (a variable for tests).
var maxSheetRows = 1_000_000

// maxUnzipped bounds what an XLSX file may expand to in memory.
const maxUnzipped = 1 << 30

// ErrSheetFormat is a file that is neither .csv nor .xlsx.
var ErrSheetFormat = errors.New("the file must be .csv (UTF-8) or .xlsx")

// ReadRecords reads the rows of a tabular file, every cell as text: a CSV file (UTF-8,
// with or without a byte order mark, separated by commas, or by semicolons when the
// header has no comma, as Excel writes it in some locales) or the first sheet of an XLSX
// workbook, where a cell holding a date is written YYYY-MM-DD, or RFC 3339 in Vietnam
// time when it has a time of day. The format is told by name's extension. Problems are
// *survey.PaperError, located by row.
func ReadRecords(name string, r io.Reader) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return readCSV(r)
	case ".xlsx":
		return readXLSX(r)
	}
	return nil, ErrSheetFormat
}

func sheetError(row int, m survey.Message) error {
	return &survey.PaperError{Row: row, Msg: m}
}

func tooManyRows() error {
	return sheetError(0, survey.Msg("paper.problem.too_many_rows", maxSheetRows))
}

func readCSV(r io.Reader) ([][]string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1     // short rows are empty at the end; ParsePaper checks the rest
	first, err := br.Peek(4096) // the header, or as much of it as tells its separator
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	if line, _, _ := bytes.Cut(first, []byte("\n")); !bytes.ContainsRune(line, ',') && bytes.ContainsRune(line, ';') {
		cr.Comma = ';'
	}
	var records [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return records, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, sheetError(pe.StartLine, survey.Msg("paper.problem.csv_unreadable", pe.Err.Error()))
		}
		if err != nil {
			return nil, err
		}
		if len(records) == maxSheetRows {
			return nil, tooManyRows()
		}
		for _, v := range rec {
			if !utf8.ValidString(v) {
				return nil, sheetError(len(records)+1, survey.Msg("paper.problem.not_utf8"))
			}
		}
		records = append(records, rec)
	}
}

func readXLSX(r io.Reader) ([][]string, error) {
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return nil, sheetError(0, survey.Msg("paper.problem.xlsx_unopenable", err.Error()))
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil
	}
	sheet := sheets[0]
	date1904 := false
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		date1904 = *props.Date1904
	}
	dates := xlsxDates{f: f, sheet: sheet, date1904: date1904, styles: map[int]bool{}}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var records [][]string
	for rows.Next() {
		if len(records) == maxSheetRows {
			return nil, tooManyRows()
		}
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, sheetError(len(records)+1, survey.Msg("paper.problem.row_unreadable", err.Error()))
		}
		for i, v := range rec {
			rec[i] = dates.text(i, len(records)+1, v)
		}
		records = append(records, rec)
	}
	if err := rows.Error(); err != nil {
		return nil, err
	}
	return records, nil
}

// xlsxDates turns the cells that Excel keeps as date serial numbers back into dates.
type xlsxDates struct {
	f        *excelize.File
	sheet    string
	date1904 bool
	styles   map[int]bool // style index → it formats a date
}

// text is the cell at column col (0-based) and row (1-based) as ParsePaper reads it. Only
// numbers of 1000 and more can be dates of this century; answers and codes are smaller,
// so that the style of most cells is never looked up.
func (d xlsxDates) text(col, row int, v string) string {
	if len(v) < 4 || v[0] < '0' || v[0] > '9' {
		return v
	}
	serial, err := strconv.ParseFloat(v, 64)
	if err != nil || serial < 1000 {
		return v
	}
	cell, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return v
	}
	idx, err := d.f.GetCellStyle(d.sheet, cell)
	if err != nil {
		return v
	}
	isDate, ok := d.styles[idx]
	if !ok {
		style, err := d.f.GetStyle(idx)
		isDate = err == nil && dateFormat(style)
		d.styles[idx] = isDate
	}
	if !isDate {
		return v
	}
	t, err := excelize.ExcelDateToTime(serial, d.date1904)
	if err != nil {
		return v
	}
	t = t.Round(time.Second)
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2006-01-02")
	}
	// Excel keeps wall-clock time without a zone: it is Vietnam time.
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, survey.VietnamTime()).Format(time.RFC3339)
}

// dateFormat tells whether a cell style shows a number as a date or time: a built-in
// date format, or a custom one with y, m, d, h or s outside quoted text and brackets.
func dateFormat(s *excelize.Style) bool {
	if s == nil {
		return false
	}
	switch id := s.NumFmt; {
	case id >= 14 && id <= 22, id >= 27 && id <= 36, id >= 45 && id <= 47, id >= 50 && id <= 58, id >= 71 && id <= 81:
		return true
	}
	if s.CustomNumFmt == nil {
		return false
	}
	quoted, bracket := false, false
	for _, r := range strings.ToLower(*s.CustomNumFmt) {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[':
			bracket = true
		case r == ']':
			bracket = false
		case bracket:
		case strings.ContainsRune("ymdhs", r):
			return true
		}
	}
	return false
}

// WriteCSV writes a table as UTF-8 CSV with a header row: text as is, counts as integers,
// indices with two decimals and a dot, undefined values as empty cells.
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
		return x
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
			if err := f.SetCellStr(sheet, cell, c.Name); err != nil {
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
		return f.SetCellStr(sheet, cell, x)
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
