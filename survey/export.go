package survey

import "fmt"

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

// CheckLevel says whether level is one of ExportLevels; the error is an *InputError.
func CheckLevel(level string) error {
	for _, l := range ExportLevels() {
		if l == level {
			return nil
		}
	}
	return inputError("level", Msg("export.error.level", level))
}

// TableOf picks the table of level among tables.
func TableOf(tables []Table, level string) (Table, error) {
	for _, t := range tables {
		if t.Name == level {
			return t, nil
		}
	}
	if err := CheckLevel(level); err != nil {
		return Table{}, err
	}
	return Table{}, fmt.Errorf("no table of level %s", level)
}

// value is a defined index as a float64, an undefined one as nil.
func value(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
