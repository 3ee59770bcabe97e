// Package sheets reads and writes the tables of imports and exports, CSV and XLSX, as
// bounded streams; no database, no HTTP.
//
// A file is read row by row, and every limit (file size, rows, columns, the size of a
// cell, what an XLSX workbook unpacks to) is checked while it is read, so that a small
// hostile file cannot make the reader hold or unpack more than the limits allow. An XLSX
// workbook is read straight from its zip entries: no temporary file is ever written.
package sheets

import (
	"io"
	"path/filepath"
	"strings"

	"sipas/survey"
)

// Limits bound what reading a file may cost. DefaultLimits gives those of an upload;
// tests shrink them.
type Limits struct {
	FileBytes   int64 // the file as uploaded
	Rows        int   // rows after the header
	Columns     int   // columns of the header
	CellBytes   int   // the text of one cell
	XMLBytes    int64 // XML unpacked from an XLSX workbook, all parts together
	Ratio       int64 // unpacked size of one XLSX part over its packed size
	Strings     int   // distinct texts of an XLSX workbook (its shared strings)
	StringBytes int64 // their total size
}

// DefaultLimits are the limits of an upload: a 50 MB file of up to 1,000,000 rows of
// up to 256 columns, each cell up to 4 KB.
func DefaultLimits() Limits {
	return Limits{
		FileBytes:   50 << 20,
		Rows:        1_000_000,
		Columns:     256,
		CellBytes:   4 << 10,
		XMLBytes:    1 << 30,
		Ratio:       100,
		Strings:     1_000_000,
		StringBytes: 64 << 20,
	}
}

// Error is a problem of a file, located as a spreadsheet shows it: Row 1 is the header,
// Row 0 the whole file; Column is a column letter, "" the whole row.
type Error struct {
	Row    int
	Column string
	Msg    survey.Message
}

// Error shows where and the message's key, for logs; people read Describe through the
// catalogue.
func (e *Error) Error() string { return "sheet: " + e.Describe().String() }

// Describe is the problem prefixed with where it is, "row 2, column XFD: …" (keys
// sheets.at_row and sheets.at_cell), ready for the catalogue.
func (e *Error) Describe() survey.Message {
	switch {
	case e.Row > 0 && e.Column != "":
		return survey.Msg("sheets.at_cell", e.Row, e.Column, e.Msg)
	case e.Row > 0:
		return survey.Msg("sheets.at_row", e.Row, e.Msg)
	}
	return e.Msg
}

// fileError is a problem of the whole file.
func fileError(m survey.Message) *Error { return &Error{Msg: m} }

// cellError is a problem of the cell at row and column col (0-based).
func cellError(row, col int, m survey.Message) *Error {
	return &Error{Row: row, Column: survey.ColumnLetter(col), Msg: m}
}

// Reader gives the rows of a file one by one.
type Reader struct {
	rows interface {
		next() (int, []string, error)
	}
}

// Open reads a file of size bytes, CSV or XLSX as its name's extension says: a CSV file
// (UTF-8, with or without a byte order mark, separated by commas, or by semicolons when the
// header has no comma, as Excel writes it in some locales) or the first worksheet of an
// XLSX workbook, where a cell holding a date is written YYYY-MM-DD, or RFC 3339 in Vietnam
// time when it has a time of day. Problems of the file are *Error; other errors are
// reading's.
func Open(name string, r io.ReaderAt, size int64, lim Limits) (*Reader, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	ext := strings.ToLower(filepath.Ext(name))
	if size > lim.FileBytes {
		return nil, fileError(survey.Msg("sheets.file_too_big", megabytes(lim.FileBytes)))
	}
	t := &table{lim: lim}
	if ext == ".csv" {
		src, err := newCSV(io.NewSectionReader(r, 0, size), t)
		if err != nil {
			return nil, err
		}
		return &Reader{rows: src}, nil
	}
	src, err := openXLSX(r, size, t)
	if err != nil {
		return nil, err
	}
	return &Reader{rows: src}, nil
}

// CheckName tells whether a file's name says it is a table Open reads (.csv or .xlsx),
// so that an upload of anything else is refused before it is kept.
func CheckName(name string) error {
	if ext := strings.ToLower(filepath.Ext(name)); ext != ".csv" && ext != ".xlsx" {
		return fileError(survey.Msg("sheets.format"))
	}
	return nil
}

// Next returns the next row that has a non-empty cell: its number as a spreadsheet shows
// it (1 is the header) and its cells up to the last non-empty one, which the caller may
// keep. It is io.EOF after the last row. The header is row 1, and a later row has no
// non-empty cell beyond the header's columns.
func (r *Reader) Next() (row int, cells []string, err error) { return r.rows.next() }

// ReadAll reads every row of a file (see Open): records[i] is row i+1, nil when the row
// is blank.
func ReadAll(name string, r io.ReaderAt, size int64, lim Limits) ([][]string, error) {
	rd, err := Open(name, r, size, lim)
	if err != nil {
		return nil, err
	}
	var records [][]string
	for {
		row, cells, err := rd.Next()
		if err == io.EOF {
			return records, nil
		}
		if err != nil {
			return nil, err
		}
		for len(records) < row-1 {
			records = append(records, nil)
		}
		records = append(records, cells)
	}
}

// megabytes is n in whole megabytes, for messages.
func megabytes(n int64) int64 { return (n + 1<<20 - 1) >> 20 }

// table is what both formats check on the rows they read: the header is row 1, its cells
// set the width of the rows after it, and there are at most Limits.Rows of those.
type table struct {
	lim    Limits
	header bool // the header has been read
	width  int  // the header's cells
}

// limit is the number of cells the row being read may have.
func (t *table) limit() int {
	if !t.header {
		return t.lim.Columns
	}
	return t.width
}

// begin checks a row's number when its first non-empty cell is found.
func (t *table) begin(row int) error {
	if !t.header && row != 1 {
		return &Error{Row: row, Msg: survey.Msg("sheets.no_header")}
	}
	if row > t.lim.Rows+1 {
		return fileError(survey.Msg("sheets.too_many_rows", t.lim.Rows))
	}
	return nil
}

// outside is the error of a non-empty cell at column col (0-based) from limit() on.
func (t *table) outside(row, col int) error {
	if !t.header {
		return cellError(row, col, survey.Msg("sheets.too_many_columns", t.lim.Columns))
	}
	return cellError(row, col, survey.Msg("sheets.outside_header"))
}

// done ends a row that has a non-empty cell: the first one is the header.
func (t *table) done(cells []string) {
	if !t.header {
		t.header, t.width = true, len(cells)
	}
}
