package sheets

import (
	"archive/zip"
	"errors"
	"io"
	"path"
	"strings"

	"sipas/survey"
)

// zipDirectoryBytes bounds what reading a zip's central directory may read, and so the
// entries it lists: an XLSX workbook has a few dozen, each about 100 bytes.
const zipDirectoryBytes = 1 << 20

// ratioSlack is what any part may unpack to before Limits.Ratio applies, so that small
// parts, which compress well, are never refused.
const ratioSlack = 1 << 20

// source is the file under the zip reader: it tells the file's own read errors (the
// server's) from a broken archive (the user's), and bounds the reading of the directory.
type source struct {
	r      io.ReaderAt
	err    error // the first read error other than io.EOF
	budget int64 // bytes that may still be read; < 0: no bound
}

func (s *source) ReadAt(p []byte, off int64) (int, error) {
	if s.budget >= 0 {
		if int64(len(p)) > s.budget {
			return 0, errZipDirectory
		}
		s.budget -= int64(len(p))
	}
	n, err := s.r.ReadAt(p, off)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

var errZipDirectory = errors.New("zip directory too large")

// workbook is an XLSX file opened as a zip archive, its parts found by name.
type workbook struct {
	src     *source
	parts   map[string]*zip.File // by lower-case name: part names ignore case
	lim     Limits
	xmlLeft int64 // XML that may still be unpacked
}

func openZip(r io.ReaderAt, size int64, lim Limits) (*workbook, error) {
	src := &source{r: r, budget: zipDirectoryBytes + 1<<16 + 22}
	zr, err := zip.NewReader(src, size)
	if src.err != nil {
		return nil, src.err
	}
	if errors.Is(err, errZipDirectory) {
		return nil, fileError(survey.Msg("sheets.xlsx_parts"))
	}
	if err != nil && err != zip.ErrInsecurePath {
		return nil, fileError(survey.Msg("sheets.xlsx_not_zip"))
	}
	src.budget = -1
	wb := &workbook{src: src, parts: map[string]*zip.File{}, lim: lim, xmlLeft: lim.XMLBytes}
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		if _, dup := wb.parts[name]; !dup && !strings.HasSuffix(name, "/") {
			wb.parts[name] = f
		}
	}
	return wb, nil
}

// has tells whether the archive holds a part.
func (wb *workbook) has(name string) bool {
	_, ok := wb.parts[strings.ToLower(name)]
	return ok
}

// open reads a part as XML, within the workbook's XML budget and Limits.Ratio.
func (wb *workbook) open(name string, maxText int) (*xmlScanner, *part, error) {
	f, ok := wb.parts[strings.ToLower(name)]
	if !ok {
		return nil, nil, fileError(survey.Msg("sheets.xlsx_corrupt", name))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, wb.broken(name)
	}
	p := &part{wb: wb, name: name, rc: rc, stop: wb.xmlLeft}
	if byRatio := wb.lim.Ratio*int64(max(f.CompressedSize64, 1)) + ratioSlack; byRatio < p.stop {
		p.stop, p.byRatio = byRatio, true
	}
	return newXMLScanner(p, wb.lim.CellBytes), p, nil
}

// broken is the error of a part that cannot be unpacked: the server's read error, or a
// damaged file.
func (wb *workbook) broken(name string) error {
	if wb.src.err != nil {
		return wb.src.err
	}
	return fileError(survey.Msg("sheets.xlsx_corrupt", name))
}

// part is a zip entry being unpacked, counted against the limits.
type part struct {
	wb      *workbook
	name    string
	rc      io.ReadCloser
	n       int64 // bytes unpacked
	stop    int64 // the most that may be unpacked
	byRatio bool  // stop is the ratio's
}

func (p *part) Read(b []byte) (int, error) {
	if p.n > p.stop {
		return 0, p.over()
	}
	if room := p.stop + 1 - p.n; int64(len(b)) > room {
		b = b[:room]
	}
	k, err := p.rc.Read(b)
	p.n += int64(k)
	if p.n > p.stop {
		return 0, p.over()
	}
	if err != nil && err != io.EOF {
		err = p.wb.broken(p.name)
	}
	return k, err
}

func (p *part) over() error {
	if p.byRatio {
		return fileError(survey.Msg("sheets.xlsx_ratio", p.name, p.wb.lim.Ratio))
	}
	return fileError(survey.Msg("sheets.xlsx_too_big", megabytes(p.wb.lim.XMLBytes)))
}

// close counts what the part unpacked against the workbook's budget.
func (p *part) close() {
	p.rc.Close()
	p.wb.xmlLeft -= min(p.n, p.stop)
}

// xmlError turns a scanner's error on a part into the file's problem: XML that is not
// well-formed, or a tag longer than the scanner's window.
func (p *part) xmlError(err error) error {
	if errors.Is(err, errXML) || errors.Is(err, errWindowFull) {
		return fileError(survey.Msg("sheets.xlsx_corrupt", p.name))
	}
	return err
}

// relsOf is the name of the relationships part of a part.
func relsOf(name string) string {
	return path.Join(path.Dir(name), "_rels", path.Base(name)+".rels")
}

// resolve is the part a relationship of part from points to.
func resolve(from, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return strings.TrimPrefix(path.Clean(path.Join(path.Dir(from), target)), "/")
}
