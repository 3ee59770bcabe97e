package survey

// PaperHeader is every column an import file of questionnaire version q may have, in the
// order of its paper form: the fixed columns, the criteria, the procedure field and the
// other questions.
func PaperHeader(q *Questionnaire) []string {
	h := append(PaperColumns(), q.CriterionCodes()...)
	h = append(h, FieldName)
	return append(h, q.QuestionCodes()...)
}

// PaperTemplate is an import file to fill in for one version: its columns and a row per
// counter with the province, office, counter and channel written, the rest empty.
type PaperTemplate struct {
	Table Table
}

// ImportTemplate starts the import template of version q.
func ImportTemplate(q *Questionnaire) *PaperTemplate {
	t := &PaperTemplate{Table: Table{Name: q.Code}}
	for _, col := range PaperHeader(q) {
		t.Table.Columns = append(t.Table.Columns, Column{Name: col, Kind: TextColumn})
	}
	return t
}

// AddCounter adds a row for a counter, its codes filled in as text (a spreadsheet keeps
// the leading zero of province 01).
func (t *PaperTemplate) AddCounter(province, office, counter string) {
	row := make([]any, len(t.Table.Columns))
	for i := range row {
		row[i] = ""
	}
	copy(row, []any{province, office, counter, "paper"})
	t.Table.Rows = append(t.Table.Rows, row)
}
