package survey

import "strconv"

// OpenTable is a province's open data as one table, for CSV: its figure of the period,
// its years and months, and the period's elements and criteria, one row each. The column
// "table" says which: province, year, month, element or criterion.
func OpenTable(r ProvinceReport, h History, lang string) Table {
	t := Table{Name: "open-data", Columns: []Column{
		{"table", TextColumn}, {"period", TextColumn}, {"code", TextColumn}, {"name", TextColumn},
		{"responses", CountColumn}, {"index", IndexColumn}, {"ci95_low", IndexColumn}, {"ci95_high", IndexColumn},
	}}
	row := func(table, period, code, name string, n int64, index *float64, ci Interval) {
		cells := []any{table, period, code, name, n, nil, nil, nil}
		if index != nil {
			cells[5], cells[6], cells[7] = *index, ci[0], ci[1]
		}
		t.Rows = append(t.Rows, cells)
	}
	period := r.Period.String()
	row("province", period, r.Unit.Code, r.Unit.Name, r.Index.Responses, r.Index.SIPAS, r.Index.CI95)
	for _, y := range h.Years {
		row("year", strconv.Itoa(y.Year), r.Unit.Code, r.Unit.Name, y.Index.Responses, y.Index.SIPAS, y.Index.CI95)
	}
	for _, m := range h.Months {
		row("month", MonthString(m.Month), r.Unit.Code, r.Unit.Name, m.Index.Responses, m.Index.SIPAS, m.Index.CI95)
	}
	for _, e := range r.Index.Elements {
		row("element", period, e.Code, e.Name.In(lang), e.Answered, e.Index, Interval{})
		t.Rows[len(t.Rows)-1][6], t.Rows[len(t.Rows)-1][7] = nil, nil // an element has no interval of its own
	}
	for _, c := range r.Index.Criteria {
		row("criterion", period, c.Code, c.Text.In(lang), c.Answered, c.Index, c.Wilson)
	}
	return t
}
