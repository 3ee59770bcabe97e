package apijson

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"sipas/survey"
)

// report is the national table of 2025 with three provinces that have responses.
func report(t *testing.T) survey.Report {
	t.Helper()
	q, err := survey.ParseQuestionnaire(survey.OfficialQuestionnaireJSON())
	if err != nil {
		t.Fatal(err)
	}
	units := survey.OfficialUnits()
	for i := range units {
		units[i].ID = uint(i + 1)
	}
	p := survey.YearPeriod(2025)
	counts := map[uint]*survey.Tally{}
	for _, code := range []string{"31", "01", "79"} {
		u, _ := survey.UnitAt(units, code, "2025-12-31")
		s := survey.Submission{Criteria: map[string]int{"E1.1": 5, "E2.1": 4}}
		counts[u.ID] = q.Tally(s)
	}
	return q.NationalReport(units, counts, p, p.To)
}

func keys(m map[string]any) string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	sort.Strings(k)
	return strings.Join(k, ",")
}

// The JSON keeps the field names of SPEC §5.
func TestNationalDocFields(t *testing.T) {
	b, err := json.Marshal(NationalDoc(report(t), false, "vi"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if got := keys(doc); got != "from,national,period,provinces,questionnaire,to,units,year" {
		t.Errorf("top keys %s", got)
	}
	national := doc["national"].(map[string]any)
	if got := keys(national); got != "ci95,held,pooled,provinces_with_responses,responses,sipas" {
		t.Errorf("national keys %s", got)
	}
	provinces := doc["provinces"].([]any)
	p := provinces[0].(map[string]any)
	if got := keys(p); got != "ci95,code,criteria,elements,held,name,rank,responses,sipas" {
		t.Errorf("province keys %s", got)
	}
	if got := keys(p["elements"].([]any)[0].(map[string]any)); got != "code,index,name" {
		t.Errorf("element keys %s", got)
	}
	if got := keys(p["criteria"].([]any)[0].(map[string]any)); got != "answered,ci95,code,index" {
		t.Errorf("criterion keys %s", got)
	}
	if doc["year"] != 2025.0 || doc["period"] != "2025" || doc["units"] != "period" || doc["questionnaire"] != "sipas-counter" ||
		doc["from"] != "2025-01-01" || doc["to"] != "2025-12-31" || national["provinces_with_responses"] != 3.0 {
		t.Errorf("doc %v", doc)
	}
	empty := provinces[33].(map[string]any)
	if empty["sipas"] != nil || empty["rank"] != nil || empty["ci95"] != nil || empty["responses"] != 0.0 {
		t.Errorf("a province without responses: %v", empty)
	}
	if got := NationalDoc(report(t), true, "en").Units; got != "current" {
		t.Errorf("units %q", got)
	}
}

// A province without responses has empty lists, never null, and nulls where values are undefined.
func TestProvinceDocEmpty(t *testing.T) {
	r := report(t)
	q := r.Questionnaire
	hp := r.Units[0].Unit
	in := survey.ProvinceInput{Questionnaire: q, Units: nil, Unit: hp, Period: r.Period, Day: r.Day}
	pr, err := in.Report(r.Day, 30)
	if err != nil {
		t.Fatal(err)
	}
	words := func(m survey.Message) string { return m.Key }
	b, err := json.Marshal(ProvinceDoc(pr, false, "en", words))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"includes":[]`, `"sipas":null`, `"rank":null`, `"offices":[]`, `"counters":[]`, `"fields":[]`,
		`"priority":{"mean_index":null,"mean_importance":null,"points":[]}`, `"trend":[{"month":"2025-01","responses":0,"sipas":null,"ci95":null}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
}
