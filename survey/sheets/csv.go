package sheets

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unicode/utf8"
)

// csvReader reads RFC 4180 CSV as encoding/csv does (quoted cells with doubled quotes and
// line breaks, CR LF or LF, empty lines skipped and not counted), but a cell at a time:
// a cell is held up to Limits.CellBytes, and the cells of a row beyond its limit are
// checked and dropped as they are read, so that no line, however long, is held whole.
type csvReader struct {
	t     *table
	br    *bufio.Reader
	sep   byte
	row   int    // records read, blank ones included: the row number of the last one
	cell  []byte // the cell being read
	atEOF bool
}

func newCSV(r io.Reader, t *table) (*csvReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	first, err := br.Peek(4096) // the header, or as much of it as tells its separator
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	c := &csvReader{t: t, br: br, sep: ','}
	if line, _, _ := bytes.Cut(first, []byte("\n")); !bytes.ContainsRune(line, ',') && bytes.ContainsRune(line, ';') {
		c.sep = ';'
	}
	return c, nil
}

func (c *csvReader) next() (int, []string, error) {
	for !c.atEOF {
		cells, err := c.record()
		if err != nil {
			return 0, nil, err
		}
		if len(cells) > 0 {
			c.t.done(cells)
			return c.row, cells, nil
		}
	}
	return 0, nil, io.EOF
}

// record reads one record and returns its cells up to the last non-empty one; none for
// a blank record, an empty line or the end of the file.
func (c *csvReader) record() ([]string, error) {
	if skipped, err := c.skipEmptyLine(); skipped || err != nil {
		return nil, err
	}
	c.row++
	var cells []string
	limit := c.t.limit()
	for col := 0; ; col++ {
		last, err := c.readCell(col)
		if err != nil {
			return nil, err
		}
		if !utf8.Valid(c.cell) {
			return nil, cellError(c.row, col, "sheets.csv_not_utf8")
		}
		if v := c.cell; len(bytes.TrimSpace(v)) > 0 {
			if len(cells) == 0 {
				if err := c.t.begin(c.row); err != nil {
					return nil, err
				}
			}
			if col >= limit {
				return nil, c.t.outside(c.row, col)
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
	for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
		cells = cells[:len(cells)-1]
	}
	return cells, nil
}

// skipEmptyLine reads a line that is empty (LF, CR LF, or CR at the end of the file), or
// the end of the file, and says so.
func (c *csvReader) skipEmptyLine() (bool, error) {
	b, err := c.br.Peek(2)
	switch {
	case len(b) == 0 && err == io.EOF:
		c.atEOF = true
		return true, nil
	case len(b) == 0:
		return false, err
	case b[0] == '\n':
		c.br.Discard(1)
		return true, nil
	case b[0] == '\r' && (len(b) == 1 || b[1] == '\n'):
		c.br.Discard(len(b))
		return true, nil
	}
	return false, nil
}

// lineEndAfterCR tells whether a CR just read ends the line (CR LF, or CR at the end of
// the file), reading the LF; otherwise the CR is part of the cell.
func (c *csvReader) lineEndAfterCR() (bool, error) {
	b, err := c.br.Peek(1)
	switch {
	case len(b) == 0 && err == io.EOF:
		c.atEOF = true
		return true, nil
	case len(b) == 0:
		return false, err
	case b[0] == '\n':
		c.br.Discard(1)
		return true, nil
	}
	return false, nil
}

// readCell reads the cell at column col into c.cell and says whether it ends the record.
func (c *csvReader) readCell(col int) (last bool, err error) {
	c.cell = c.cell[:0]
	b, err := c.br.ReadByte()
	if err == io.EOF {
		c.atEOF = true
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if b == '"' {
		return c.readQuoted(col)
	}
	for {
		switch b {
		case c.sep:
			return false, nil
		case '\n':
			return true, nil
		case '"':
			return false, cellError(c.row, col, "sheets.csv_bare_quote")
		case '\r':
			if end, err := c.lineEndAfterCR(); end || err != nil {
				return end, err
			}
		}
		if err := c.add(col, b); err != nil {
			return false, err
		}
		if b, err = c.br.ReadByte(); err == io.EOF {
			c.atEOF = true
			return true, nil
		} else if err != nil {
			return false, err
		}
	}
}

// readQuoted reads a quoted cell after its opening quote.
func (c *csvReader) readQuoted(col int) (last bool, err error) {
	for {
		b, err := c.br.ReadByte()
		if err == io.EOF {
			c.atEOF = true
			return false, cellError(c.row, col, "sheets.csv_unclosed_quote")
		}
		if err != nil {
			return false, err
		}
		switch b {
		case '"':
			b, err := c.br.ReadByte()
			if err == io.EOF {
				c.atEOF = true
				return true, nil
			}
			if err != nil {
				return false, err
			}
			switch b {
			case '"':
			case c.sep:
				return false, nil
			case '\n':
				return true, nil
			case '\r':
				if end, err := c.lineEndAfterCR(); end || err != nil {
					return end, err
				}
				fallthrough
			default:
				return false, cellError(c.row, col, "sheets.csv_quote")
			}
		case '\r':
			// CR LF in a quoted cell is LF, as encoding/csv reads it.
			if end, err := c.lineEndAfterCR(); err != nil {
				return false, err
			} else if end && !c.atEOF {
				b = '\n'
			}
		}
		if err := c.add(col, b); err != nil {
			return false, err
		}
	}
}

// add appends a byte to the cell, within Limits.CellBytes.
func (c *csvReader) add(col int, b byte) error {
	if len(c.cell) == c.t.lim.CellBytes {
		return cellError(c.row, col, "sheets.cell_too_long", c.t.lim.CellBytes)
	}
	c.cell = append(c.cell, b)
	return nil
}
