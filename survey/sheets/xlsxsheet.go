package sheets

import (
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"sipas/survey"
)

// maxRowNumber is Excel's last row.
const maxRowNumber = 1 << 20

// sheetReader reads a worksheet's <sheetData> row by row. Cells are placed by their
// reference (r="C7") or, without one, after the previous cell; only non-empty cells are
// kept, and only within the row's limit, so that a cell in column XFD or a row of millions
// of empty cells costs nothing but the time to read past it.
type sheetReader struct {
	t          *table
	sc         *xmlScanner
	part       *part
	strings    []string // shared strings
	dateStyles []bool   // cell format → it shows a date
	date1904   bool
	inData     bool
	done       bool

	row   int      // the row being read
	cells []string // its non-empty cells so far, placed by column
	col   int      // the column of the last cell read, 1-based

	// the cell being read
	typ   int    // cellNumber, cellShared, …
	style int    // its s attribute
	value []byte // the text of <v>, or of <is> for an inline string
	over  bool   // value went beyond Limits.CellBytes
	inIS  bool
	rph   int // depth inside phonetic guides of an inline string
}

func (s *sheetReader) next() (int, []string, error) {
	for !s.done {
		tok, err := s.sc.next()
		if err != nil {
			return 0, nil, s.part.xmlError(err)
		}
		switch tok {
		case tokEOF:
			s.finish()
		case tokStart:
			if err := s.start(); err != nil {
				return 0, nil, err
			}
		case tokText:
			if !s.over {
				s.value = append(s.value, s.sc.text...)
				s.over = s.sc.overflow || len(s.value) > s.t.lim.CellBytes
			}
		case tokEnd:
			row, cells, err := s.end()
			if err != nil || cells != nil {
				return row, cells, err
			}
		}
	}
	return 0, nil, io.EOF
}

// finish stops reading: what follows <sheetData> is of no use here.
func (s *sheetReader) finish() {
	if !s.done {
		s.done = true
		s.part.close()
	}
}

func (s *sheetReader) start() error {
	if !s.inData {
		s.inData = string(s.sc.name) == "sheetData"
		return nil
	}
	switch string(s.sc.name) {
	case "row":
		s.row++
		if r := s.sc.attr("r"); r != nil {
			n, err := strconv.Atoi(string(r))
			if err != nil || n < s.row || n > maxRowNumber {
				return s.corrupt(-1)
			}
			s.row = n
		}
		s.cells, s.col = s.cells[:0], 0
	case "c":
		s.col++
		if r := s.sc.attr("r"); r != nil {
			col, ok := columnOf(r)
			if !ok {
				return s.corrupt(-1)
			}
			s.col = col
		}
		switch string(s.sc.attr("t")) {
		case "", "n":
			s.typ = cellNumber
		case "s":
			s.typ = cellShared
		case "inlineStr":
			s.typ = cellInline
		default:
			s.typ = cellOther
		}
		s.style = 0 // Excel's default format, as a cell without s has
		if st := s.sc.attr("s"); st != nil {
			if n, err := strconv.Atoi(string(st)); err == nil {
				s.style = n
			}
		}
		s.value, s.over, s.inIS, s.rph = s.value[:0], false, false, 0
	case "v":
		if !s.inIS {
			s.sc.keepText = true
		}
	case "is":
		s.inIS, s.value, s.over = true, s.value[:0], false
	case "rPh":
		s.rph++
	case "t":
		s.sc.keepText = s.inIS && s.rph == 0
	}
	return nil
}

// Types of cells, from their t attribute.
const (
	cellNumber = iota // "n" or none
	cellShared        // "s": an index into the shared strings
	cellInline        // "inlineStr"
	cellOther         // "str" (a formula's text), "b", "e", "d": the value as written
)

// end handles an end tag; at the end of a row that has a non-empty cell it returns the row.
func (s *sheetReader) end() (int, []string, error) {
	switch string(s.sc.name) {
	case "v", "t":
		s.sc.keepText = false
	case "rPh":
		s.rph--
	case "c":
		if s.inData {
			return 0, nil, s.cell()
		}
	case "row":
		cells := s.cells
		for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
			cells = cells[:len(cells)-1]
		}
		if s.inData && len(cells) > 0 {
			cells = slices.Clone(cells)
			s.t.done(cells)
			return s.row, cells, nil
		}
	case "sheetData":
		s.finish()
	}
	return 0, nil, nil
}

// cell places the cell just read in its row.
func (s *sheetReader) cell() error {
	idx := s.col - 1
	if s.over {
		return cellError(s.row, idx, survey.Msg("sheets.cell_too_long", s.t.lim.CellBytes))
	}
	v, err := s.text()
	if err != nil {
		return err
	}
	if strings.TrimSpace(v) == "" {
		// Blank: kept within the limit after a non-empty cell, as a space may matter;
		// the row's trailing blanks are dropped at its end.
		if v != "" && idx < s.t.limit() && len(s.cells) > 0 {
			s.place(idx, v)
		}
		return nil
	}
	if len(s.cells) == 0 {
		if err := s.t.begin(s.row); err != nil {
			return err
		}
	}
	if idx >= s.t.limit() {
		return s.t.outside(s.row, idx)
	}
	s.place(idx, v)
	return nil
}

func (s *sheetReader) place(idx int, v string) {
	for len(s.cells) <= idx {
		s.cells = append(s.cells, "")
	}
	s.cells[idx] = v
}

// text is the cell's value as text, as excelize gives it raw, with date cells as dates.
func (s *sheetReader) text() (string, error) {
	switch s.typ {
	case cellShared:
		v := strings.TrimSpace(string(s.value))
		if v == "" {
			return "", nil
		}
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 || i >= len(s.strings) {
			return "", s.corrupt(s.col - 1)
		}
		if s.strings[i] == tooLong {
			return "", cellError(s.row, s.col-1, survey.Msg("sheets.cell_too_long", s.t.lim.CellBytes))
		}
		return s.strings[i], nil
	case cellInline:
		v := unescapeXString(s.value)
		if !utf8.ValidString(v) {
			return "", s.corrupt(s.col - 1)
		}
		return v, nil
	}
	if !utf8.Valid(s.value) {
		return "", s.corrupt(s.col - 1)
	}
	v := string(s.value)
	if s.typ == cellNumber && s.style >= 0 && s.style < len(s.dateStyles) && s.dateStyles[s.style] {
		return dateText(v, s.date1904), nil
	}
	return v, nil
}

// corrupt is the error of a damaged sheet at the row being read and column col (0-based;
// -1 for the whole row).
func (s *sheetReader) corrupt(col int) *Error {
	e := &Error{Row: s.row, Msg: survey.Msg("sheets.xlsx_corrupt", s.part.name)}
	if col >= 0 {
		e.Column = survey.ColumnLetter(col)
	}
	return e
}

// columnOf is the column (1-based) of a cell reference such as "C7"; Excel's last is XFD.
func columnOf(ref []byte) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
	}
	return col, i > 0 && i < 4 && col <= 16384 && (i == len(ref) || (ref[i] >= '0' && ref[i] <= '9'))
}
