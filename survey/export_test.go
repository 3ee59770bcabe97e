package survey

import (
	"reflect"
	"testing"
)

func exportReport(t *testing.T) Report {
	t.Helper()
	all := stored()
	day := "2025-12-31"
	id := func(code string) uint { return unitOn(t, all, code, day).ID }
	counts := map[uint]*Tally{
		id("31"): tallyOf(allCriteria(4), allCriteria(2)),                                       // 50
		id("01"): tallyOf(allCriteria(5)),                                                       // 100
		id("79"): tallyOf(sub(map[string]int{"E1.1": 5, "E1.2": 2, "E2.1": 4}), allCriteria(4)), // ranked second
	}
	return official.NationalReport(all, counts, YearPeriod(2025), mustDay(t, day))
}

func TestReportTables(t *testing.T) {
	r := exportReport(t)
	tables := r.Tables("en")
	var names []string
	for _, tb := range tables {
		names = append(names, tb.Name)
		for i, row := range tb.Rows {
			if len(row) != len(tb.Columns) {
				t.Fatalf("%s row %d has %d cells for %d columns", tb.Name, i, len(row), len(tb.Columns))
			}
			for j, v := range row {
				kind := tb.Columns[j].Kind
				ok := v == nil
				switch v.(type) {
				case string:
					ok = kind == TextColumn
				case int64:
					ok = kind == CountColumn
				case float64:
					ok = kind == IndexColumn
				}
				if !ok {
					t.Errorf("%s row %d column %s: %T for kind %d", tb.Name, i, tb.Columns[j].Name, v, kind)
				}
			}
		}
	}
	if !reflect.DeepEqual(names, ExportLevels()) {
		t.Errorf("tables %v", names)
	}
	provinces, _ := TableOf(tables, LevelProvinces)
	if len(provinces.Rows) != 34 {
		t.Fatalf("%d provinces", len(provinces.Rows))
	}
	first := provinces.Rows[0]
	if first[0] != "01" || first[2] != int64(1) || first[3] != 100.0 || first[6] != int64(1) {
		t.Errorf("first row %v", first)
	}
	hp := provinces.Rows[2]
	if hp[0] != "31" || hp[2] != int64(2) || hp[3] != 50.0 || hp[6] != int64(3) {
		t.Errorf("third row %v", hp)
	}
	last := provinces.Rows[33]
	if last[2] != int64(0) || last[3] != nil || last[4] != nil || last[6] != nil {
		t.Errorf("a province without responses: %v", last)
	}
	elements, _ := TableOf(tables, LevelElements)
	criteria, _ := TableOf(tables, LevelCriteria)
	if len(elements.Rows) != 34*5 || len(criteria.Rows) != 34*22 {
		t.Errorf("%d element rows, %d criterion rows", len(elements.Rows), len(criteria.Rows))
	}
	if e := elements.Rows[0]; e[0] != "01" || e[2] != "E1" || e[3] != official.Elements[0].Name["en"] || e[4] != 100.0 {
		t.Errorf("first element row %v", e)
	}
	if c := criteria.Rows[0]; c[0] != "01" || c[1] != "E1.1" || c[2] != "E1" || c[3] != 100.0 || c[4] != int64(1) || c[5] != int64(1) {
		t.Errorf("first criterion row %v", c)
	}
	if _, err := TableOf(tables, "offices"); err == nil {
		t.Error("unknown level accepted")
	}
	if got := len(Report{}.Tables("vi")); got != 3 {
		t.Errorf("an empty report has %d tables", got)
	}
}
