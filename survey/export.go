package survey

import "fmt"

// National is the JSON of GET /api/v1/sipas (SPEC §5) and of `sipas export -format json`:
// plain numbers at full precision, null where a value is undefined.
type National struct {
	Year          int             `json:"year"`
	Period        string          `json:"period"`
	From          string          `json:"from"`
	To            string          `json:"to"`
	Units         string          `json:"units"`
	Questionnaire string          `json:"questionnaire"`
	National      NationalSummary `json:"national"`
	Provinces     []NationalUnit  `json:"provinces"`
}

// NationalSummary is the national line of the JSON.
type NationalSummary struct {
	Responses int64          `json:"responses"`
	SIPAS     *float64       `json:"sipas"` // the unweighted mean of the provinces, as MoHA reports it
	CI95      Interval       `json:"ci95"`
	Provinces int            `json:"provinces_with_responses"`
	Pooled    NationalPooled `json:"pooled"`
}

// NationalPooled is the index over every response of the country together.
type NationalPooled struct {
	SIPAS *float64 `json:"sipas"`
	CI95  Interval `json:"ci95"`
}

// NationalUnit is one province of the JSON.
type NationalUnit struct {
	Code      string              `json:"code"`
	Name      string              `json:"name"`
	Responses int64               `json:"responses"`
	SIPAS     *float64            `json:"sipas"`
	CI95      *Interval           `json:"ci95"`
	Rank      *int                `json:"rank"`
	Elements  []NationalElement   `json:"elements"`
	Criteria  []NationalCriterion `json:"criteria"`
}

// NationalElement is one element index of a province in the JSON.
type NationalElement struct {
	Code  string   `json:"code"`
	Name  string   `json:"name"`
	Index *float64 `json:"index"`
}

// NationalCriterion is one criterion index of a province in the JSON; ci95 is its
// Wilson interval.
type NationalCriterion struct {
	Code     string   `json:"code"`
	Index    *float64 `json:"index"`
	Answered int64    `json:"answered"`
	Wilson   Interval `json:"ci95"`
}

// JSON is the report as the API and the JSON export give it, element names in lang.
// current says whether the units are today's (units=current) or the period's.
func (r Report) JSON(q *Questionnaire, current bool, lang string) National {
	units := "period"
	if current {
		units = "current"
	}
	out := National{
		Year: r.Period.Year, Period: r.Period.String(), Units: units,
		From: r.Period.From.Format("2006-01-02"), To: r.Period.To.Format("2006-01-02"), Questionnaire: q.Code,
		National: NationalSummary{Responses: r.Pooled.Responses, SIPAS: r.Average, CI95: r.AverageCI,
			Pooled: NationalPooled{SIPAS: r.Pooled.SIPAS, CI95: r.Pooled.CI95}},
		Provinces: make([]NationalUnit, 0, len(r.Units)),
	}
	for _, u := range r.Units {
		p := NationalUnit{Code: u.Unit.Code, Name: u.Unit.Name, Responses: u.Index.Responses, SIPAS: u.Index.SIPAS}
		if u.Index.SIPAS != nil {
			ci, rank := u.Index.CI95, u.Rank
			p.CI95, p.Rank = &ci, &rank
			out.National.Provinces++
		}
		for _, e := range u.Index.Elements {
			p.Elements = append(p.Elements, NationalElement{Code: e.Code, Name: e.Name.In(lang), Index: e.Index})
		}
		for _, cr := range u.Index.Criteria {
			p.Criteria = append(p.Criteria, NationalCriterion{Code: cr.Code, Index: cr.Index, Answered: cr.Answered, Wilson: cr.Wilson})
		}
		out.Provinces = append(out.Provinces, p)
	}
	return out
}

// ColumnKind says how an export writes a column's values.
type ColumnKind int

// The kinds of export columns.
const (
	TextColumn  ColumnKind = iota // string
	CountColumn                   // int64 (or int)
	IndexColumn                   // float64 percent: two decimals in CSV, format 0.00 in XLSX
)

// Column is one column of an export table.
type Column struct {
	Name string
	Kind ColumnKind
}

// Table is one level of an export. A cell is a string, an int64, a float64 (unrounded)
// or nil where the value is undefined (no answer, no rank).
type Table struct {
	Name    string
	Columns []Column
	Rows    [][]any
}

// The export levels, each a table: the provinces, their elements, their criteria.
const (
	LevelProvinces = "provinces"
	LevelElements  = "elements"
	LevelCriteria  = "criteria"
)

// ExportLevels lists the tables of an export, in the order of the workbook's sheets.
func ExportLevels() []string { return []string{LevelProvinces, LevelElements, LevelCriteria} }

// Tables turns the report into its export tables, names of elements in lang, provinces in
// the report's order (ranked first).
func (r Report) Tables(lang string) []Table {
	provinces := Table{Name: LevelProvinces, Columns: []Column{
		{"code", TextColumn}, {"name", TextColumn}, {"responses", CountColumn}, {"sipas", IndexColumn},
		{"ci95_low", IndexColumn}, {"ci95_high", IndexColumn}, {"rank", CountColumn},
	}}
	elements := Table{Name: LevelElements, Columns: []Column{
		{"province_code", TextColumn}, {"province_name", TextColumn}, {"element", TextColumn},
		{"element_name", TextColumn}, {"index", IndexColumn},
	}}
	criteria := Table{Name: LevelCriteria, Columns: []Column{
		{"province_code", TextColumn}, {"criterion", TextColumn}, {"element", TextColumn}, {"index", IndexColumn},
		{"answered", CountColumn}, {"satisfied", CountColumn}, {"wilson_low", IndexColumn}, {"wilson_high", IndexColumn},
	}}
	for _, u := range r.Units {
		ix := u.Index
		row := []any{u.Unit.Code, u.Unit.Name, ix.Responses, nil, nil, nil, nil}
		if ix.SIPAS != nil {
			row[3], row[4], row[5], row[6] = *ix.SIPAS, ix.CI95[0], ix.CI95[1], int64(u.Rank)
		}
		provinces.Rows = append(provinces.Rows, row)
		for _, e := range ix.Elements {
			elements.Rows = append(elements.Rows, []any{u.Unit.Code, u.Unit.Name, e.Code, e.Name.In(lang), value(e.Index)})
		}
		for _, c := range ix.Criteria {
			row := []any{u.Unit.Code, c.Code, c.Element, value(c.Index), c.Answered, c.Satisfied, nil, nil}
			if c.Index != nil {
				row[6], row[7] = c.Wilson[0], c.Wilson[1]
			}
			criteria.Rows = append(criteria.Rows, row)
		}
	}
	return []Table{provinces, elements, criteria}
}

// TableOf picks the table of level among tables.
func TableOf(tables []Table, level string) (Table, error) {
	for _, t := range tables {
		if t.Name == level {
			return t, nil
		}
	}
	return Table{}, fmt.Errorf("level %q is not one of provinces, elements, criteria", level)
}

// value is a defined index as a float64, an undefined one as nil.
func value(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
