package survey

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The fixed columns of a paper-questionnaire file (SPEC §4). The other columns are
// criterion codes, the procedure field and the codes of the other questions.
const (
	ColProvince    = "province"
	ColOffice      = "office"
	ColCounter     = "counter"
	ColChannel     = "channel"
	ColSubmittedAt = "submitted_at"
)

// PaperColumns lists the fixed columns, in the order of the file's header.
func PaperColumns() []string {
	return []string{ColProvince, ColOffice, ColCounter, ColChannel, ColSubmittedAt}
}

// Channels a response may arrive through; an empty channel cell of a paper file is "paper".
var paperChannels = []string{"kiosk", "paper", "online"}

// vietnam is VietnamTime made once: a file has a date on every row.
var vietnam = VietnamTime()

// MaxPaperErrors is the number of problems ParsePaper reports before it stops looking.
const MaxPaperErrors = 10

// PaperRow is one validated row of a paper-questionnaire file.
type PaperRow struct {
	Row  int    // the row number as a spreadsheet shows it (the header is row 1)
	UUID string // derived from the file's content and Ordinal; "" until the file's hash is known
	// Ordinal is the row's place among the file's questionnaires, from 0, blank rows not
	// counted: with the file's hash, what its UUID is derived from.
	Ordinal int
	// Unit is the provincial unit the response belongs to: the one with the row's code
	// in force on the day it was given.
	Unit Unit
	// OfficeUnit is where the office and counter live: the unit in force on the import
	// day that took over Unit's territory (Unit itself while it is in force).
	OfficeUnit  Unit
	OfficeCode  string
	CounterCode string
	Channel     string
	SubmittedAt time.Time
	Submission  Submission
}

// PaperError is a problem in a paper-questionnaire file, located the way a spreadsheet
// shows it. Row 0 is the whole file; Column "" the whole row.
type PaperError struct {
	Row    int
	Column string
	Msg    Message
}

// Describe is the problem prefixed with where it is: "row 7, column E2.3: …".
func (e *PaperError) Describe() Message {
	switch {
	case e.Row > 0 && e.Column != "":
		return Msg("paper.at.row_column", e.Row, e.Column, e.Msg)
	case e.Row > 0:
		return Msg("paper.at.row", e.Row, e.Msg)
	case e.Column != "":
		return Msg("paper.at.column", e.Column, e.Msg)
	}
	return e.Msg
}

func (e *PaperError) Error() string { return "paper file: " + e.Describe().String() }

// PaperErrors are the problems found in a file, at most MaxPaperErrors, in file order.
type PaperErrors []*PaperError

// Unwrap lets errors.As find the first problem.
func (e PaperErrors) Unwrap() []error {
	out := make([]error, len(e))
	for i, pe := range e {
		out[i] = pe
	}
	return out
}

func (e PaperErrors) Error() string {
	lines := make([]string, len(e))
	for i, pe := range e {
		lines[i] = pe.Error()
	}
	return strings.Join(lines, "\n")
}

func paperError(row int, column string, m Message) *PaperError {
	return &PaperError{Row: row, Column: column, Msg: m}
}

// column kinds of a paper file
const (
	kindProvince = iota
	kindOffice
	kindCounter
	kindChannel
	kindSubmittedAt
	kindCriterion
	kindField
	kindQuestion
	kindBlank // a column without a header; its cells must be empty
)

type paperColumn struct {
	name     string // the header, or the column's letter when it has none
	kind     int
	question Question
}

// ParsePaper reads a paper-questionnaire file held in memory (records[0] the header of
// SPEC §4, one record a row) and validates every row before any is returned: the result
// is either every row or the problems, at most MaxPaperErrors of them (PaperErrors). It
// reads the file as PaperFile does, row by row, and gives the rows the UUIDs a second
// pass of PaperFile gives them.
//
// Columns are found by their header (case-sensitive, any order): the five fixed ones and
// at least one criterion are required; a criterion without a column is not answered by
// any row. Blank rows are skipped. now is the moment of the import: a response cannot
// be given after it, and the units in force on its day own new offices and counters.
func ParsePaper(q *Questionnaire, units []Unit, records [][]string, now time.Time) ([]PaperRow, error) {
	if len(records) == 0 || blankRecord(records[0]) {
		return nil, PaperErrors{paperError(0, "", Msg("paper.problem.empty"))}
	}
	f := NewPaperFile(q, units, now)
	f.answers = true // one pass: the rows with their submissions, their UUIDs once it is read
	if err := f.Header(records[0]); err != nil {
		return nil, PaperErrors{err}
	}
	var (
		rows   = make([]PaperRow, 0, len(records)-1)
		errs   PaperErrors
		places = NewPaperPlaces()
	)
	for i := 1; i < len(records) && len(errs) < MaxPaperErrors; i++ {
		row, rowErrs, ok := f.Row(i+1, records[i])
		switch {
		case !ok:
		case len(rowErrs) > 0:
			errs = append(errs, rowErrs...)
		default:
			if err := places.Add(row); err != nil {
				errs = append(errs, err)
				continue
			}
			rows = append(rows, row)
		}
	}
	if err := f.End(errs); err != nil {
		return nil, err
	}
	sum := f.Sum()
	for i := range rows {
		rows[i].UUID = paperUUID(sum, rows[i].Ordinal)
	}
	return rows, nil
}

func paperHeader(q *Questionnaire, header []string) ([]paperColumn, *PaperError) {
	cols := make([]paperColumn, len(header))
	seen := map[string]bool{}
	criteria := 0
	for i, h := range header {
		name := strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		col := paperColumn{name: name}
		switch {
		case name == "":
			col.name, col.kind = ColumnLetter(i), kindBlank
		case name == ColProvince:
			col.kind = kindProvince
		case name == ColOffice:
			col.kind = kindOffice
		case name == ColCounter:
			col.kind = kindCounter
		case name == ColChannel:
			col.kind = kindChannel
		case name == ColSubmittedAt:
			col.kind = kindSubmittedAt
		case name == FieldName:
			col.kind = kindField
		default:
			if _, _, ok := q.Criterion(name); ok {
				col.kind = kindCriterion
				criteria++
			} else if x, ok := q.Question(name); ok {
				col.kind, col.question = kindQuestion, x
			} else {
				return nil, paperError(1, name, Msg("paper.problem.unknown_column", name, q.Code))
			}
		}
		if col.kind != kindBlank {
			if seen[name] {
				return nil, paperError(1, name, Msg("paper.problem.column_twice", name))
			}
			seen[name] = true
		}
		cols[i] = col
	}
	for _, fixed := range PaperColumns() {
		if !seen[fixed] {
			return nil, paperError(1, fixed, Msg("paper.problem.column_missing", fixed))
		}
	}
	if criteria == 0 {
		return nil, paperError(1, "", Msg("paper.problem.no_criterion_column"))
	}
	return cols, nil
}

// parsePaperRow validates one record; n is its row number. Without answers, the row's
// Submission is left empty (a first pass, which only checks, needs none of it).
func parsePaperRow(q *Questionnaire, units, current []Unit, cols []paperColumn, rec []string, n int, now time.Time, answers bool) (PaperRow, PaperErrors) {
	row := PaperRow{Row: n, Channel: "paper"}
	if answers {
		criteria, questions := 0, 0
		for _, c := range cols {
			switch c.kind {
			case kindCriterion:
				criteria++
			case kindQuestion:
				questions++
			}
		}
		row.Submission = Submission{Criteria: make(map[string]int, criteria), Answers: make(map[string]string, questions)}
	}
	answered := 0
	var errs PaperErrors
	bad := func(col string, m Message) { errs = append(errs, paperError(n, col, m)) }
	var province, provinceCol string
	dated := false
	for i, raw := range rec {
		v := strings.TrimSpace(raw)
		if i >= len(cols) {
			if v != "" {
				bad(ColumnLetter(i), Msg("paper.problem.outside_header"))
			}
			continue
		}
		col := cols[i]
		switch col.kind {
		case kindBlank:
			if v != "" {
				bad(col.name, Msg("paper.problem.unnamed_column"))
			}
		case kindProvince:
			province, provinceCol = normalizeProvince(v), col.name
		case kindOffice, kindCounter:
			if col.kind == kindOffice {
				if reason, ok := CheckCode(v); !ok {
					bad(col.name, Msg("paper.problem.office_code", reason))
				}
				row.OfficeCode = v
			} else {
				if reason, ok := CheckCode(v); !ok {
					bad(col.name, Msg("paper.problem.counter_code", reason))
				}
				row.CounterCode = v
			}
		case kindChannel:
			if v == "" {
				break
			}
			c := strings.ToLower(v)
			if !contains(paperChannels, c) {
				bad(col.name, Msg("paper.problem.channel", v))
			}
			row.Channel = c
		case kindSubmittedAt:
			t, problem, ok := parseSubmittedAt(v, now)
			if !ok {
				bad(col.name, problem)
				break
			}
			row.SubmittedAt, dated = t, true
		case kindCriterion:
			if v == "" {
				break
			}
			x, err := strconv.Atoi(v)
			if err != nil || x < q.Scale.Min || x > q.Scale.Max {
				bad(col.name, Msg("paper.problem.value", v, q.Scale.Min, q.Scale.Max))
				break
			}
			answered++
			if answers {
				row.Submission.Criteria[col.name] = x
			}
		case kindField:
			if v != "" && !q.HasField(v) {
				bad(col.name, Msg("paper.problem.field", v, optionList(q.Fields.Options)))
			}
			row.Submission.Field = v
		case kindQuestion:
			if v == "" {
				break
			}
			if !hasOption(col.question.Options, v) {
				bad(col.name, Msg("paper.problem.option", v, col.name, optionList(col.question.Options)))
				break
			}
			if answers {
				row.Submission.Answers[col.name] = v
			}
		}
	}
	for _, c := range cols[min(len(rec), len(cols)):] { // a short record: its missing cells are empty
		switch c.kind {
		case kindProvince:
			provinceCol = c.name
		case kindOffice, kindCounter:
			bad(c.name, Msg("paper.problem.code_needed"))
		case kindSubmittedAt:
			bad(c.name, Msg("paper.problem.date_empty"))
		}
	}
	if provinceCol == "" {
		provinceCol = ColProvince
	}
	switch {
	case province == "":
		bad(provinceCol, Msg("paper.problem.province_empty"))
	case dated:
		day := dayString(row.SubmittedAt)
		u, ok := UnitAt(units, province, day)
		if !ok {
			bad(provinceCol, provinceProblem(units, province, row.SubmittedAt))
			break
		}
		row.Unit, row.OfficeUnit = u, u
		if succ, ok := Successor(u, current); ok {
			row.OfficeUnit = succ
		}
	}
	if len(errs) == 0 && answered == 0 {
		bad("", Msg("paper.problem.nothing_answered"))
	}
	return row, errs
}

// provinceProblem says why code names no unit on the day of moment at: it never did, or
// not on that day (then, for a former province, which unit took its territory over).
func provinceProblem(units []Unit, code string, at time.Time) Message {
	day, date := dayString(at), DayOf(at)
	var spans []string
	for _, u := range units {
		if u.Code == code {
			until := u.ValidUntil
			if until == "" {
				until = "…"
			}
			spans = append(spans, u.ValidFrom+" – "+until)
		}
	}
	if len(spans) == 0 {
		return Msg("paper.problem.province_unknown", code)
	}
	for _, u := range units {
		if u.Code != code || u.ValidUntil == "" || u.ValidUntil >= day {
			continue
		}
		if succ, ok := Successor(u, UnitsOn(units, day)); ok {
			return Msg("paper.problem.province_taken_over", code, date, strings.Join(spans, ", "), succ.ValidFrom, succ.Code, succ.Name)
		}
	}
	return Msg("paper.problem.province_not_in_force", code, date, strings.Join(spans, ", "))
}

// normalizeProvince writes a one-digit code as the official two digits ("1" → "01"), as
// spreadsheets drop the leading zero of numbers.
func normalizeProvince(v string) string {
	if len(v) == 1 && v[0] >= '0' && v[0] <= '9' {
		return "0" + v
	}
	return v
}

// parseSubmittedAt reads RFC 3339, or a day (YYYY-MM-DD or DD/MM/YYYY, Vietnam time, taken
// as noon so that the day is never in doubt), or YYYY-MM-DD HH:MM[:SS] in Vietnam time.
// It may not be later than now; when ok is false, problem says why.
func parseSubmittedAt(v string, now time.Time) (t time.Time, problem Message, ok bool) {
	if v == "" {
		return time.Time{}, Msg("paper.problem.date_empty"), false
	}
	vn := vietnam
	var (
		err     error
		dayOnly bool
	)
	switch {
	case len(v) == len("02/01/2006") && strings.Count(v, "/") == 2:
		t, err = time.ParseInLocation("02/01/2006", v, vn)
		dayOnly = true
	case len(v) == len("2006-01-02"):
		t, err = time.ParseInLocation("2006-01-02", v, vn)
		dayOnly = true
	default:
		t, err = time.Parse(time.RFC3339, v)
		for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04"} {
			if err == nil {
				break
			}
			t, err = time.ParseInLocation(layout, v, vn)
		}
	}
	if err != nil {
		return time.Time{}, Msg("paper.problem.date", v), false
	}
	if dayOnly {
		t = t.Add(12 * time.Hour)
		if DayKey(t) == DayKey(now) && t.After(now) {
			t = now // today: noon has not come yet
		}
	}
	if t.After(now) {
		return time.Time{}, Msg("paper.problem.date_future", v), false
	}
	return t, Message{}, true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func optionList(opts []Option) string {
	values := make([]string, len(opts))
	for i, o := range opts {
		values[i] = o.Value
	}
	return strings.Join(values, ", ")
}

func blankRecord(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// hashRecord adds a non-blank record to the hash that identifies a file by its cells,
// not its bytes: the same rows read from a CSV or from an XLSX, with or without blank
// rows and trailing empty cells, hash the same.
func hashRecord(h hash.Hash, buf []byte, rec []string) []byte {
	end := len(rec)
	for end > 0 && strings.TrimSpace(rec[end-1]) == "" {
		end--
	}
	// One Write per record: the hash costs far less in one piece than cell by cell.
	buf = binary.AppendUvarint(buf[:0], uint64(end))
	for _, v := range rec[:end] {
		v = strings.TrimSpace(v)
		buf = binary.AppendUvarint(buf, uint64(len(v)))
		buf = append(buf, v...)
	}
	h.Write(buf)
	return buf
}

// paperUUID is the response UUID of the i-th questionnaire (0-based, blank rows not
// counted) of the file with content hash: a name-based UUID (version 5), so that
// importing the same file again stores nothing twice. The name is "sipas-paper/", the
// hash and i; its first 16 bytes serve as uuid.NewSHA1's namespace, which hashes them
// before the rest: the SHA-1 of the whole name, as the first release computed it by hand
// (the UUIDs of imported files must never change).
func paperUUID(hash [sha256.Size]byte, i int) string {
	name := make([]byte, 0, len("sipas-paper/")+len(hash)+8)
	name = append(name, "sipas-paper/"...)
	name = append(name, hash[:]...)
	name = binary.BigEndian.AppendUint64(name, uint64(i))
	var space uuid.UUID
	copy(space[:], name)
	return uuid.NewSHA1(space, name[len(space):]).String()
}

// ColumnLetter is the spreadsheet name of the i-th column (0 → A, 26 → AA).
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
