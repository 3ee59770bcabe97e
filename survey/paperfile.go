package survey

import (
	"cmp"
	"crypto/sha256"
	"hash"
	"slices"
	"time"
)

// PaperFile checks a paper-questionnaire file (SPEC §4) row by row, as it is read: its
// header, then each row. What it keeps is small (the columns, the file's hash so far,
// the number of questionnaires), so that a file of any length is checked in the same
// memory. A file is read twice: the first pass checks every row and hashes the file
// (Sum); the second (Again) checks the rows again and gives each its UUID, which is
// derived from the hash of the whole file and the row's place in it.
type PaperFile struct {
	q              *Questionnaire
	units, current []Unit
	now            time.Time
	cols           []paperColumn
	hash           hash.Hash          // the first pass's
	record         []byte             // a record's bytes as hashed, kept for the next
	sum            *[sha256.Size]byte // the second pass's: the first pass's Sum
	rows           int                // questionnaires so far, blank rows not counted
	answers        bool               // rows come with their submissions
}

// NewPaperFile starts the first pass over a file, which checks its rows: they come
// without their submissions, which only the second pass needs. now is the moment of the
// import: a response cannot be given after it, and the units in force on its day own
// new offices and counters.
func NewPaperFile(q *Questionnaire, units []Unit, now time.Time) *PaperFile {
	return &PaperFile{q: q, units: units, current: UnitsOn(units, dayString(now)), now: now, hash: sha256.New()}
}

// Again starts the second pass over the same file, whose first pass gave sum: its rows
// come with their submissions and UUIDs.
func (f *PaperFile) Again(sum [sha256.Size]byte) *PaperFile {
	return &PaperFile{q: f.q, units: f.units, current: f.current, now: f.now, sum: &sum, answers: true}
}

// Header reads the file's first row, which names the columns.
func (f *PaperFile) Header(cells []string) *PaperError {
	if blankRecord(cells) {
		return paperError(0, "", Msg("paper.problem.empty"))
	}
	cols, err := paperHeader(f.q, cells)
	if err != nil {
		return err
	}
	f.cols = cols
	f.hashRecord(cells)
	return nil
}

// Row checks the row numbered n (as a spreadsheet shows it) and returns it, or its
// problems; ok is false for a blank row, which is skipped. On the second pass a good row
// has its UUID.
func (f *PaperFile) Row(n int, cells []string) (row PaperRow, problems PaperErrors, ok bool) {
	if blankRecord(cells) {
		return PaperRow{}, nil, false
	}
	f.hashRecord(cells)
	row, problems = parsePaperRow(f.q, f.units, f.current, f.cols, cells, n, f.now, f.answers)
	row.Ordinal = f.rows
	f.rows++
	if len(problems) == 0 && f.sum != nil {
		row.UUID = paperUUID(*f.sum, row.Ordinal)
	}
	return row, problems, true
}

func (f *PaperFile) hashRecord(cells []string) {
	if f.hash != nil {
		f.record = hashRecord(f.hash, f.record, cells)
	}
}

// End says what is wrong with the file once every row is read, given the problems its
// rows had: those problems (at most MaxPaperErrors), or that it holds no questionnaire;
// nil for a good file.
func (f *PaperFile) End(problems PaperErrors) error {
	if len(problems) > MaxPaperErrors {
		problems = problems[:MaxPaperErrors]
	}
	if len(problems) > 0 {
		return problems
	}
	if f.rows == 0 {
		return PaperErrors{paperError(0, "", Msg("paper.problem.header_only"))}
	}
	return nil
}

// Rows is the number of questionnaires read so far (blank rows not counted).
func (f *PaperFile) Rows() int { return f.rows }

// Sum is the hash of the file's content read so far, on the first pass; at the end of
// it, what the second pass derives the UUIDs from.
func (f *PaperFile) Sum() [sha256.Size]byte {
	var sum [sha256.Size]byte
	if f.hash != nil {
		copy(sum[:], f.hash.Sum(nil))
	}
	return sum
}

// MaxPaperCounters bounds the counters one file may name, so that checking a file holds
// little whatever its length: a national file names a few thousand.
const MaxPaperCounters = 20_000

// PaperOffice is an office as a file names it: its code, under the unit it lives in.
type PaperOffice struct {
	UnitID uint
	Code   string
}

// PaperCounter is a counter as a file names it: its office and the first row naming it.
type PaperCounter struct {
	Office   PaperOffice
	UnitName string // the office's unit, for messages
	Row      int
}

// PaperPlaces gathers the offices and counters a file names and checks that the file
// puts each counter at one office (a counter belongs to one office).
type PaperPlaces struct {
	Counters map[string]PaperCounter // by code, unique in the country
}

// NewPaperPlaces starts gathering the places of a file.
func NewPaperPlaces() *PaperPlaces { return &PaperPlaces{Counters: map[string]PaperCounter{}} }

// Add notes the office and counter of a good row; a problem when the file named the
// counter at another office before, or names too many counters.
func (p *PaperPlaces) Add(r PaperRow) *PaperError {
	office := PaperOffice{r.OfficeUnit.ID, r.OfficeCode}
	c, ok := p.Counters[r.CounterCode]
	switch {
	case !ok && len(p.Counters) >= MaxPaperCounters:
		return paperError(r.Row, ColCounter, Msg("paper.problem.too_many_counters", MaxPaperCounters))
	case !ok:
		p.Counters[r.CounterCode] = PaperCounter{Office: office, UnitName: r.OfficeUnit.Name, Row: r.Row}
	case c.Office != office:
		return paperError(r.Row, ColCounter, Msg("paper.problem.counter_two_offices",
			r.CounterCode, c.Office.Code, c.UnitName, c.Row, r.OfficeCode, r.OfficeUnit.Name))
	}
	return nil
}

// Offices lists the offices of the counters gathered, each once.
func (p *PaperPlaces) Offices() []PaperOffice {
	seen := map[PaperOffice]bool{}
	var out []PaperOffice
	for _, c := range p.Counters {
		if !seen[c.Office] {
			seen[c.Office] = true
			out = append(out, c.Office)
		}
	}
	slices.SortFunc(out, func(a, b PaperOffice) int {
		return cmp.Or(cmp.Compare(a.UnitID, b.UnitID), cmp.Compare(a.Code, b.Code))
	})
	return out
}
