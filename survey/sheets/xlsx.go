package sheets

import (
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"sipas/survey"
)

// Relationship types end with these names, in both the transitional and the strict
// namespaces of Office Open XML.
const (
	relOfficeDocument = "/officeDocument"
	relWorksheet      = "/worksheet"
	relSharedStrings  = "/sharedStrings"
	relStyles         = "/styles"
)

// Bounds on what the small parts may list; beyond them the rest is not kept.
const (
	maxRelationships = 1024
	maxSheets        = 1024
	maxStyles        = 65536 // Excel's own limit is 64,000 cell formats
)

// openXLSX opens the first worksheet of a workbook: its shared strings and the styles
// that tell dates are read first, then the sheet is read row by row.
func openXLSX(r io.ReaderAt, size int64, t *table) (*sheetReader, error) {
	wb, err := openZip(r, size, t.lim)
	if err != nil {
		return nil, err
	}
	book := "xl/workbook.xml"
	if wb.has("_rels/.rels") {
		rels, err := wb.relationships("_rels/.rels", "")
		if err != nil {
			return nil, err
		}
		for _, rel := range rels {
			if strings.HasSuffix(rel.typ, relOfficeDocument) {
				book = rel.target
				break
			}
		}
	}
	if !wb.has(book) {
		return nil, fileError(survey.Msg("sheets.xlsx_not_workbook"))
	}
	date1904, sheetIDs, err := wb.book(book)
	if err != nil {
		return nil, err
	}
	var rels []relationship
	if wb.has(relsOf(book)) {
		if rels, err = wb.relationships(relsOf(book), book); err != nil {
			return nil, err
		}
	}
	sheet, sst, styles := "", "", ""
	for _, id := range sheetIDs {
		for _, rel := range rels {
			if rel.id == id && strings.HasSuffix(rel.typ, relWorksheet) && wb.has(rel.target) {
				sheet = rel.target
				break
			}
		}
		if sheet != "" {
			break
		}
	}
	for _, rel := range rels {
		switch {
		case strings.HasSuffix(rel.typ, relSharedStrings) && sst == "":
			sst = rel.target
		case strings.HasSuffix(rel.typ, relStyles) && styles == "":
			styles = rel.target
		}
	}
	if sheet == "" {
		return nil, fileError(survey.Msg("sheets.xlsx_no_sheet"))
	}
	s := &sheetReader{t: t, date1904: date1904}
	if styles != "" && wb.has(styles) {
		if s.dateStyles, err = wb.dateStyles(styles); err != nil {
			return nil, err
		}
	}
	if sst != "" && wb.has(sst) {
		if s.strings, err = wb.sharedStrings(sst); err != nil {
			return nil, err
		}
	}
	if s.sc, s.part, err = wb.open(sheet, t.lim.CellBytes); err != nil {
		return nil, err
	}
	return s, nil
}

type relationship struct {
	id, typ, target string
}

// relationships reads a .rels part; targets are resolved against from.
func (wb *workbook) relationships(name, from string) ([]relationship, error) {
	var rels []relationship
	err := wb.walk(name, func(tok tokenKind, sc *xmlScanner) {
		if tok != tokStart || string(sc.name) != "Relationship" || len(rels) == maxRelationships ||
			string(sc.attr("TargetMode")) == "External" {
			return
		}
		rels = append(rels, relationship{id: string(sc.attr("Id")), typ: string(sc.attr("Type")),
			target: resolve(from, string(sc.attr("Target")))})
	})
	return rels, err
}

// book reads the workbook part: its date system and its sheets' relationship ids, in
// the order of the workbook's tabs.
func (wb *workbook) book(name string) (date1904 bool, ids []string, err error) {
	err = wb.walk(name, func(tok tokenKind, sc *xmlScanner) {
		if tok != tokStart {
			return
		}
		switch string(sc.name) {
		case "workbookPr":
			v := string(sc.attr("date1904"))
			date1904 = v == "1" || v == "true"
		case "sheet":
			if len(ids) < maxSheets {
				ids = append(ids, string(sc.attr("id"))) // r:id
			}
		}
	})
	return date1904, ids, err
}

// dateStyles reads which cell formats (the s of a cell) show a number as a date.
func (wb *workbook) dateStyles(name string) ([]bool, error) {
	custom := map[int]bool{} // custom number format id → it is a date's
	var dates []bool
	xfs := -1 // depth of <cellXfs>, while in it
	err := wb.walk(name, func(tok tokenKind, sc *xmlScanner) {
		switch name := string(sc.name); {
		case tok == tokEnd:
			if name == "cellXfs" {
				xfs = -1
			}
		case name == "numFmt":
			id, err := strconv.Atoi(string(sc.attr("numFmtId")))
			if _, known := custom[id]; err == nil && (known || len(custom) < maxStyles) {
				custom[id] = dateFormat(string(sc.attr("formatCode")))
			}
		case name == "cellXfs":
			xfs = sc.depth()
		case name == "xf" && xfs >= 0 && sc.depth() == xfs+1 && len(dates) < maxStyles:
			id, err := strconv.Atoi(string(sc.attr("numFmtId")))
			dates = append(dates, err == nil && numberFormatIsDate(id, custom))
		}
	})
	return dates, err
}

// walk reads a small part and calls visit at each start and end tag.
func (wb *workbook) walk(name string, visit func(tokenKind, *xmlScanner)) error {
	sc, p, err := wb.open(name, 0)
	if err != nil {
		return err
	}
	defer p.close()
	for {
		tok, err := sc.next()
		if err != nil {
			return p.xmlError(err)
		}
		if tok == tokEOF {
			return nil
		}
		visit(tok, sc)
	}
}

// sharedStrings reads the workbook's table of texts, which cells of type s point into.
// The text of an item is that of its runs, without the phonetic guides (rPh). A text
// longer than a cell may be is kept as tooLong, so that only a cell that uses it is refused.
func (wb *workbook) sharedStrings(name string) ([]string, error) {
	sc, p, err := wb.open(name, wb.lim.CellBytes)
	if err != nil {
		return nil, err
	}
	defer p.close()
	var (
		list  []string
		total int64
		text  []byte
		inSI  bool
		over  bool
		rph   int // depth inside phonetic guides
	)
	for {
		tok, err := sc.next()
		if err != nil {
			return nil, p.xmlError(err)
		}
		switch tok {
		case tokEOF:
			return list, nil
		case tokStart:
			switch string(sc.name) {
			case "sst":
				// Sized once from the count it declares, within the limit, rather than
				// grown by copies.
				if n, err := strconv.Atoi(string(sc.attr("uniqueCount"))); err == nil && n > 0 {
					list = make([]string, 0, min(n, wb.lim.Strings))
				}
			case "si":
				inSI, over, text = true, false, text[:0]
			case "rPh":
				rph++
			case "t":
				sc.keepText = inSI && rph == 0
			}
		case tokText:
			if !over {
				text = append(text, sc.text...)
				over = sc.overflow || len(text) > wb.lim.CellBytes
			}
		case tokEnd:
			switch string(sc.name) {
			case "t":
				sc.keepText = false
			case "rPh":
				rph--
			case "si":
				if !inSI {
					break
				}
				inSI = false
				if len(list) == wb.lim.Strings {
					return nil, fileError(survey.Msg("sheets.xlsx_strings", wb.lim.Strings))
				}
				s := tooLong
				if !over {
					s = unescapeXString(text)
					if !utf8.ValidString(s) {
						return nil, fileError(survey.Msg("sheets.xlsx_corrupt", name))
					}
				}
				if total += int64(len(s)); total > wb.lim.StringBytes {
					return nil, fileError(survey.Msg("sheets.xlsx_string_bytes", megabytes(wb.lim.StringBytes)))
				}
				list = append(list, s)
			}
		}
	}
}

// tooLong stands for a shared string longer than a cell may be: it is not UTF-8, and the
// workbook's texts are, so that none equals it.
const tooLong = "\xff"

// unescapeXString decodes the _xHHHH_ escapes with which Office writes characters that
// XML cannot hold (_x000D_ for CR; _x005F_ for an underscore that would start one), as
// excelize reads them; an escape of a lone surrogate is dropped.
func unescapeXString(b []byte) string {
	s := string(b)
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	for {
		i := strings.Index(s, "_x")
		if i < 0 || len(s) < i+7 {
			out.WriteString(s)
			return out.String()
		}
		out.WriteString(s[:i])
		code, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
		if err != nil || s[i+6] != '_' {
			out.WriteString("_x")
			s = s[i+2:]
			continue
		}
		if r := rune(code); !(r >= 0xD800 && r <= 0xDFFF) {
			out.WriteRune(r)
		}
		s = s[i+7:]
	}
}
