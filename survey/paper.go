package survey

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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

// maxCodeLen bounds office and counter codes.
const maxCodeLen = 64

// PaperRow is one validated row of a paper-questionnaire file.
type PaperRow struct {
	Row  int    // the row number as a spreadsheet shows it (the header is row 1)
	UUID string // derived from the file's content and the row's place in it
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
	Msg    Text
}

// Message is the problem in lang, prefixed with where it is.
func (e *PaperError) Message(lang string) string {
	row, col := "row", "column"
	if lang == "vi" {
		row, col = "dòng", "cột"
	}
	var where []string
	if e.Row > 0 {
		where = append(where, fmt.Sprintf("%s %d", row, e.Row))
	}
	if e.Column != "" {
		where = append(where, col+" "+e.Column)
	}
	if len(where) == 0 {
		return e.Msg.In(lang)
	}
	return strings.Join(where, ", ") + ": " + e.Msg.In(lang)
}

func (e *PaperError) Error() string { return e.Message("en") }

// PaperErrors are the problems found in a file, at most MaxPaperErrors, in file order.
type PaperErrors []*PaperError

func (e PaperErrors) Error() string {
	lines := make([]string, len(e))
	for i, pe := range e {
		lines[i] = pe.Error()
	}
	return strings.Join(lines, "\n")
}

func paperError(row int, column, vi, en string) *PaperError {
	return &PaperError{Row: row, Column: column, Msg: Text{"vi": vi, "en": en}}
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

// ParsePaper reads a paper-questionnaire file (records[0] the header of SPEC §4, one
// record a row) and validates every row before any is returned: the result is either
// every row or the problems, at most MaxPaperErrors of them (PaperErrors).
//
// Columns are found by their header (case-sensitive, any order): the five fixed ones and
// at least one criterion are required; a criterion without a column is not answered by
// any row. Blank rows are skipped. now is the moment of the import: a response cannot
// be given after it, and the units in force on its day own new offices and counters.
func ParsePaper(q *Questionnaire, units []Unit, records [][]string, now time.Time) ([]PaperRow, error) {
	if len(records) == 0 || blankRecord(records[0]) {
		return nil, PaperErrors{paperError(0, "",
			"Tệp trống: dòng đầu phải là dòng tiêu đề (province,office,counter,channel,submitted_at,E1.1,…).",
			"The file is empty: its first row must be the header (province,office,counter,channel,submitted_at,E1.1,…).")}
	}
	cols, err := paperHeader(q, records[0])
	if err != nil {
		return nil, PaperErrors{err}
	}
	today := now.In(VietnamTime()).Format("2006-01-02")
	current := UnitsOn(units, today)
	hash := paperHash(records)
	var (
		rows    = make([]PaperRow, 0, len(records)-1)
		errs    PaperErrors
		ordinal int // questionnaires before this one, blank rows not counted
	)
	for i := 1; i < len(records) && len(errs) < MaxPaperErrors; i++ {
		rec := records[i]
		if blankRecord(rec) {
			continue
		}
		row, rowErrs := parsePaperRow(q, units, current, cols, rec, i+1, now)
		ordinal++
		if len(rowErrs) > 0 {
			errs = append(errs, rowErrs...)
			continue
		}
		row.UUID = paperUUID(hash, ordinal-1)
		rows = append(rows, row)
	}
	if len(errs) > MaxPaperErrors {
		errs = errs[:MaxPaperErrors]
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(rows) == 0 {
		return nil, PaperErrors{paperError(0, "",
			"Tệp không có phiếu nào: chỉ có dòng tiêu đề.",
			"The file holds no questionnaire: it has only the header row.")}
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
				return nil, paperError(1, name,
					fmt.Sprintf("cột %q không có trong phiếu %s (tên cột phân biệt chữ hoa, chữ thường).", name, q.Code),
					fmt.Sprintf("%q is not a column of questionnaire %s (names are case-sensitive).", name, q.Code))
			}
		}
		if col.kind != kindBlank {
			if seen[name] {
				return nil, paperError(1, name,
					fmt.Sprintf("cột %s xuất hiện hai lần.", name),
					fmt.Sprintf("column %s appears twice.", name))
			}
			seen[name] = true
		}
		cols[i] = col
	}
	for _, fixed := range PaperColumns() {
		if !seen[fixed] {
			return nil, paperError(1, fixed,
				fmt.Sprintf("thiếu cột %s; dòng tiêu đề phải có province,office,counter,channel,submitted_at và các mã tiêu chí.", fixed),
				fmt.Sprintf("the column %s is missing; the header needs province,office,counter,channel,submitted_at and criterion codes.", fixed))
		}
	}
	if criteria == 0 {
		return nil, paperError(1, "",
			"dòng tiêu đề không có cột tiêu chí nào (E1.1, E1.2, …).",
			"the header has no criterion column (E1.1, E1.2, …).")
	}
	return cols, nil
}

// parsePaperRow validates one record; n is its row number.
func parsePaperRow(q *Questionnaire, units, current []Unit, cols []paperColumn, rec []string, n int, now time.Time) (PaperRow, PaperErrors) {
	row := PaperRow{Row: n, Channel: "paper", Submission: Submission{Criteria: map[string]int{}, Answers: map[string]string{}}}
	var errs PaperErrors
	bad := func(col, vi, en string) { errs = append(errs, paperError(n, col, vi, en)) }
	var province, provinceCol string
	dated := false
	for i, raw := range rec {
		v := strings.TrimSpace(raw)
		if i >= len(cols) {
			if v != "" {
				bad(ColumnLetter(i), "ô này nằm ngoài các cột của dòng tiêu đề.", "this cell is outside the header's columns.")
			}
			continue
		}
		col := cols[i]
		switch col.kind {
		case kindBlank:
			if v != "" {
				bad(col.name, "cột này không có tên ở dòng tiêu đề nhưng có dữ liệu.", "this column has data but no name in the header.")
			}
		case kindProvince:
			province, provinceCol = normalizeProvince(v), col.name
		case kindOffice, kindCounter:
			what := [2]string{"cơ quan", "office"}
			if col.kind == kindCounter {
				what = [2]string{"quầy", "counter"}
			}
			if msg := checkCode(v); msg != nil {
				bad(col.name, fmt.Sprintf("mã %s %s", what[0], msg["vi"]), fmt.Sprintf("the %s code %s", what[1], msg["en"]))
			}
			if col.kind == kindOffice {
				row.OfficeCode = v
			} else {
				row.CounterCode = v
			}
		case kindChannel:
			if v == "" {
				break
			}
			c := strings.ToLower(v)
			if !contains(paperChannels, c) {
				bad(col.name, fmt.Sprintf("kênh %q không hợp lệ; dùng kiosk, paper hoặc online.", v),
					fmt.Sprintf("%q is not a channel; use kiosk, paper or online.", v))
			}
			row.Channel = c
		case kindSubmittedAt:
			t, pe := parseSubmittedAt(v, now)
			if pe != nil {
				bad(col.name, pe["vi"], pe["en"])
				break
			}
			row.SubmittedAt, dated = t, true
		case kindCriterion:
			if v == "" {
				break
			}
			x, err := strconv.Atoi(v)
			if err != nil || x < q.Scale.Min || x > q.Scale.Max {
				bad(col.name, fmt.Sprintf("%q không phải là giá trị từ %d đến %d.", v, q.Scale.Min, q.Scale.Max),
					fmt.Sprintf("%q is not a value from %d to %d.", v, q.Scale.Min, q.Scale.Max))
				break
			}
			row.Submission.Criteria[col.name] = x
		case kindField:
			if v != "" && !q.HasField(v) {
				bad(col.name, fmt.Sprintf("lĩnh vực %q không có trong phiếu; dùng một trong: %s.", v, optionList(q.Fields.Options)),
					fmt.Sprintf("%q is not a procedure field; use one of: %s.", v, optionList(q.Fields.Options)))
			}
			row.Submission.Field = v
		case kindQuestion:
			if v == "" {
				break
			}
			if !hasOption(col.question.Options, v) {
				bad(col.name, fmt.Sprintf("%q không phải là một lựa chọn của câu %s; dùng một trong: %s.", v, col.name, optionList(col.question.Options)),
					fmt.Sprintf("%q is not an option of question %s; use one of: %s.", v, col.name, optionList(col.question.Options)))
				break
			}
			row.Submission.Answers[col.name] = v
		}
	}
	for _, c := range cols[min(len(rec), len(cols)):] { // a short record: its missing cells are empty
		switch c.kind {
		case kindProvince:
			provinceCol = c.name
		case kindOffice, kindCounter:
			bad(c.name, "ô trống; cần một mã.", "the cell is empty; a code is needed.")
		case kindSubmittedAt:
			_, pe := parseSubmittedAt("", now)
			bad(c.name, pe["vi"], pe["en"])
		}
	}
	if provinceCol == "" {
		provinceCol = ColProvince
	}
	switch {
	case province == "":
		bad(provinceCol, "ô trống; cần mã tỉnh, thành phố (ví dụ 31).", "the cell is empty; a province code is needed (e.g. 31).")
	case dated:
		day := row.SubmittedAt.In(vietnam).Format("2006-01-02")
		u, ok := UnitAt(units, province, day)
		if !ok {
			vi, en := provinceProblem(units, province, day)
			bad(provinceCol, vi, en)
			break
		}
		row.Unit, row.OfficeUnit = u, u
		if succ, ok := Successor(u, current); ok {
			row.OfficeUnit = succ
		}
	}
	if len(errs) == 0 && len(row.Submission.Criteria) == 0 {
		bad("", "không có tiêu chí nào được trả lời; một phiếu phải có ít nhất một tiêu chí.",
			"no criterion is answered; a questionnaire needs at least one.")
	}
	return row, errs
}

// provinceProblem says why code names no unit on day: it never did, or not on that day.
func provinceProblem(units []Unit, code, day string) (vi, en string) {
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
		return fmt.Sprintf("%q không phải là mã tỉnh, thành phố.", code),
			fmt.Sprintf("%q is not a province code.", code)
	}
	d, _ := ParseDate(day)
	vi = fmt.Sprintf("mã %s không có hiệu lực vào ngày %s (hiệu lực %s)", code, d.Format("02/01/2006"), strings.Join(spans, ", "))
	en = fmt.Sprintf("province %s was not in force on %s (in force %s)", code, day, strings.Join(spans, ", "))
	// A former province: name the one that took over its territory.
	for _, u := range units {
		if u.Code != code || u.ValidUntil == "" || u.ValidUntil >= day {
			continue
		}
		if succ, ok := Successor(u, UnitsOn(units, day)); ok {
			vi += fmt.Sprintf("; từ %s địa bàn này thuộc %s – %s", succ.ValidFrom, succ.Code, succ.Name)
			en += fmt.Sprintf("; from %s its territory is %s – %s", succ.ValidFrom, succ.Code, succ.Name)
		}
	}
	return vi + ".", en + "."
}

// normalizeProvince writes a one-digit code as the official two digits ("1" → "01"), as
// spreadsheets drop the leading zero of numbers.
func normalizeProvince(v string) string {
	if len(v) == 1 && v[0] >= '0' && v[0] <= '9' {
		return "0" + v
	}
	return v
}

// checkCode tells what is wrong with an office or counter code, nil if nothing: 1 to 64
// letters, digits, '-', '_' or '.', as the code is part of the kiosk's URL.
func checkCode(v string) Text {
	if v == "" {
		return Text{"vi": "trống.", "en": "is empty."}
	}
	if utf8.RuneCountInString(v) > maxCodeLen {
		return Text{"vi": fmt.Sprintf("dài quá %d ký tự.", maxCodeLen), "en": fmt.Sprintf("is longer than %d characters.", maxCodeLen)}
	}
	for _, r := range v {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_' && r != '.' {
			return Text{
				"vi": fmt.Sprintf("%q chỉ được gồm chữ, số và các dấu - _ .", v),
				"en": fmt.Sprintf("%q may hold only letters, digits and - _ .", v),
			}
		}
	}
	return nil
}

// parseSubmittedAt reads RFC 3339, or a day (YYYY-MM-DD or DD/MM/YYYY, Vietnam time, taken
// as noon so that the day is never in doubt), or YYYY-MM-DD HH:MM[:SS] in Vietnam time.
// It may not be later than now.
func parseSubmittedAt(v string, now time.Time) (time.Time, Text) {
	if v == "" {
		return time.Time{}, Text{
			"vi": "ô trống; cần ngày khảo sát (YYYY-MM-DD hoặc RFC 3339).",
			"en": "the cell is empty; the day of the questionnaire is needed (YYYY-MM-DD or RFC 3339).",
		}
	}
	vn := vietnam
	var (
		t       time.Time
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
		return time.Time{}, Text{
			"vi": fmt.Sprintf("%q không phải là ngày hợp lệ; dùng YYYY-MM-DD (ví dụ 2025-08-01) hoặc RFC 3339.", v),
			"en": fmt.Sprintf("%q is not a date; use YYYY-MM-DD (e.g. 2025-08-01) or RFC 3339.", v),
		}
	}
	if dayOnly {
		t = t.Add(12 * time.Hour)
		if DayKey(t) == DayKey(now) && t.After(now) {
			t = now // today: noon has not come yet
		}
	}
	if t.After(now) {
		return time.Time{}, Text{
			"vi": fmt.Sprintf("ngày %s nằm trong tương lai.", v),
			"en": fmt.Sprintf("%s is in the future.", v),
		}
	}
	return t, nil
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

// paperHash identifies a file by its cells, not its bytes: the same rows read from a CSV
// or from an XLSX, with or without blank rows and trailing empty cells, hash the same.
func paperHash(records [][]string) [sha256.Size]byte {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, rec := range records {
		if blankRecord(rec) {
			continue
		}
		end := len(rec)
		for end > 0 && strings.TrimSpace(rec[end-1]) == "" {
			end--
		}
		h.Write(n[:binary.PutUvarint(n[:], uint64(end))])
		for _, v := range rec[:end] {
			v = strings.TrimSpace(v)
			h.Write(n[:binary.PutUvarint(n[:], uint64(len(v)))])
			h.Write([]byte(v))
		}
	}
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
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
