package sheets

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"sipas/survey"
)

// csvReader reads RFC 4180 CSV as encoding/csv does (quoted cells with doubled quotes and
// line breaks, CR LF or LF, empty lines skipped and not counted), but a cell at a time
// through a window of fixed size: a cell is held up to Limits.CellBytes, and the cells
// of a row beyond its limit are checked and dropped as they are read, so that no line,
// however long, is held whole.
type csvReader struct {
	window
	t       *table
	sep     byte
	row     int      // records read, blank ones included: the row number of the last one
	cell    []byte   // the cell being read
	scratch []string // the cells of the record being read
	// The bytes that end a run of an unquoted cell, and of a quoted one.
	plain, quoted [256]bool
}

func newCSV(r io.Reader, t *table) (*csvReader, error) {
	c := &csvReader{window: newWindow(r, 64<<10), t: t, sep: ','}
	if err := c.need(3 + 4096); err != nil {
		return nil, err
	}
	if bytes.HasPrefix(c.buf[c.r:c.w], []byte("\xEF\xBB\xBF")) {
		c.r += 3
	}
	// The header, or as much of it as tells its separator.
	head := c.buf[c.r:min(c.w, c.r+4096)]
	if line, _, _ := bytes.Cut(head, []byte("\n")); !bytes.ContainsRune(line, ',') && bytes.ContainsRune(line, ';') {
		c.sep = ';'
	}
	for _, b := range []byte{c.sep, '\n', '\r', '"'} {
		c.plain[b] = true
	}
	c.quoted['"'], c.quoted['\r'] = true, true
	return c, nil
}

// peek is the next byte, without reading it; ok is false at the end of the file.
func (c *csvReader) peek() (b byte, ok bool, err error) {
	if err := c.need(1); err != nil {
		return 0, false, err
	}
	if c.r == c.w {
		return 0, false, nil
	}
	return c.buf[c.r], true, nil
}

func (c *csvReader) next() (int, []string, error) {
	for {
		cells, eof, err := c.record()
		switch {
		case err != nil:
			return 0, nil, err
		case eof:
			return 0, nil, io.EOF
		case len(cells) > 0:
			c.t.done(cells)
			return c.row, cells, nil
		}
	}
}

// record reads one record and returns its cells up to the last non-empty one: none for a
// blank record or an empty line; eof at the end of the file.
func (c *csvReader) record() (cells []string, eof bool, err error) {
	b, ok, err := c.peek()
	switch {
	case err != nil:
		return nil, false, err
	case !ok:
		return nil, true, nil
	case b == '\n':
		c.r++
		return nil, false, nil
	case b == '\r':
		if err := c.need(2); err != nil {
			return nil, false, err
		}
		if c.w-c.r == 1 || c.buf[c.r+1] == '\n' { // CR LF, or CR at the end of the file
			c.r += min(2, c.w-c.r)
			return nil, false, nil
		}
	}
	c.row++
	cells = c.scratch[:0]
	limit := c.t.limit()
	for col := 0; ; col++ {
		last, err := c.readCell(col)
		if err != nil {
			return nil, false, err
		}
		if !utf8.Valid(c.cell) {
			return nil, false, cellError(c.row, col, survey.Msg("sheets.csv_not_utf8"))
		}
		if v := c.cell; len(bytes.TrimSpace(v)) > 0 {
			if len(cells) == 0 {
				if err := c.t.begin(c.row); err != nil {
					return nil, false, err
				}
			}
			if col >= limit {
				return nil, false, c.t.outside(c.row, col)
			}
			for len(cells) < col {
				cells = append(cells, "")
			}
			cells = append(cells, string(v))
		} else if col < limit && len(cells) > 0 {
			cells = append(cells, string(v)) // a space may matter; trailing ones are dropped below
		}
		if last {
			break
		}
	}
	c.scratch = cells
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return slices.Clone(cells), false, nil
}

// lineEndAfterCR tells whether a CR just read ends the line (CR LF, or CR at the end of
// the file), reading the LF; otherwise the CR is part of the cell.
func (c *csvReader) lineEndAfterCR() (bool, error) {
	b, ok, err := c.peek()
	if err != nil {
		return false, err
	}
	if !ok {
		return true, nil
	}
	if b == '\n' {
		c.r++
		return true, nil
	}
	return false, nil
}

// readCell reads the cell at column col into c.cell and says whether it ends the record.
func (c *csvReader) readCell(col int) (last bool, err error) {
	c.cell = c.cell[:0]
	if b, ok, err := c.peek(); err != nil || !ok {
		return true, err
	} else if b == '"' {
		c.r++
		return c.readQuoted(col)
	}
	for {
		b, ok, err := c.run(col, &c.plain)
		if err != nil || !ok {
			return true, err
		}
		switch b {
		case c.sep:
			return false, nil
		case '\n':
			return true, nil
		case '"':
			return false, cellError(c.row, col, survey.Msg("sheets.csv_bare_quote"))
		case '\r':
			if end, err := c.lineEndAfterCR(); end || err != nil {
				return end, err
			}
			if err := c.add(col, []byte{'\r'}); err != nil {
				return false, err
			}
		}
	}
}

// readQuoted reads a quoted cell after its opening quote.
func (c *csvReader) readQuoted(col int) (last bool, err error) {
	for {
		b, ok, err := c.run(col, &c.quoted)
		if err != nil {
			return false, err
		}
		if !ok {
			return false, cellError(c.row, col, survey.Msg("sheets.csv_unclosed_quote"))
		}
		if b == '\r' {
			// CR LF in a quoted cell is LF, as encoding/csv reads it.
			if end, err := c.lineEndAfterCR(); err != nil {
				return false, err
			} else if end {
				b = '\n'
			}
			if err := c.add(col, []byte{b}); err != nil {
				return false, err
			}
			continue
		}
		// A quote: doubled, it is one quote; else it ends the cell.
		b, ok, err = c.peek()
		if err != nil || !ok {
			return true, err
		}
		c.r++
		switch b {
		case '"':
			if err := c.add(col, []byte{'"'}); err != nil {
				return false, err
			}
		case c.sep:
			return false, nil
		case '\n':
			return true, nil
		case '\r':
			if end, err := c.lineEndAfterCR(); end || err != nil {
				return end, err
			}
			return false, cellError(c.row, col, survey.Msg("sheets.csv_quote"))
		default:
			return false, cellError(c.row, col, survey.Msg("sheets.csv_quote"))
		}
	}
}

// run adds to the cell the bytes up to the next one that stop marks, then reads that
// byte and returns it; ok is false at the end of the file.
func (c *csvReader) run(col int, stop *[256]bool) (b byte, ok bool, err error) {
	for {
		i := c.r
		for i < c.w && !stop[c.buf[i]] {
			i++
		}
		if err := c.add(col, c.buf[c.r:i]); err != nil {
			return 0, false, err
		}
		if i < c.w {
			c.r = i + 1
			return c.buf[i], true, nil
		}
		c.r = i
		if err := c.fill(); err == io.EOF {
			return 0, false, nil
		} else if err != nil {
			return 0, false, err
		}
	}
}

// add appends bytes to the cell, within Limits.CellBytes.
func (c *csvReader) add(col int, b []byte) error {
	if len(c.cell)+len(b) > c.t.lim.CellBytes {
		return cellError(c.row, col, survey.Msg("sheets.cell_too_long", c.t.lim.CellBytes))
	}
	c.cell = append(c.cell, b...)
	return nil
}
