package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// paperCSV holds four questionnaires of one new counter in Hải Phòng; by hand, SIPAS
// (E1: 50 and 66.67, E2: 66.67) is 62.5.
const paperCSV = "province,office,counter,channel,submitted_at,E1.1,E1.2,E2.1,field\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-01,5,4,2,land\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-01,3,5,4,land\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-02,4,,5,\n" +
	"31,ubnd-hb,hb-1,paper,2025-08-20,1,2,,civil-status\n"

// sipas runs the command line with args and no environment, returning what it printed.
func sipas(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(""), &out)
	return out.String(), err
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestImportCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sipas.db")
	file := writeFile(t, "paper.csv", paperCSV)

	out, err := sipas(t, "import", "-db", db, file)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := lastLine(out); got != "imported 4 responses" {
		t.Errorf("last line %q\n%s", got, out)
	}
	if !strings.Contains(out, "created 1 offices and 1 counters") {
		t.Errorf("no word of the new counter:\n%s", out)
	}

	out, err = sipas(t, "import", "-db", db, file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, "4 rows were already imported\nimported 0 responses\n") {
		t.Errorf("second import:\n%s", out)
	}

	bad := writeFile(t, "bad.csv", paperCSV+
		"31,ubnd-hb,hb-1,paper,2025-08-21,5,,,\n"+
		"31,ubnd-hb,hb-1,paper,2025-08-21,5,4,,\n"+
		"31,ubnd-hb,hb-1,paper,2025-08-21,5,6,,\n")
	out, err = sipas(t, "import", "-db", db, bad)
	want := `row 8, column E1.2: "6" is not a value from 1 to 5; nothing was imported`
	if err == nil || err.Error() != want {
		t.Errorf("bad file: %v, want %q\n%s", err, want, out)
	}
	if _, err := sipas(t, "import", "-db", db, writeFile(t, "paper.txt", paperCSV)); err == nil || !strings.Contains(err.Error(), ".csv (UTF-8) or .xlsx") {
		t.Errorf("a .txt file: %v", err)
	}
	wide := writeFile(t, "wide.csv", "province,office,counter,channel,submitted_at,E1.1\n31,a,b,paper,2025-08-01,5,,x\n")
	if _, err := sipas(t, "import", "-db", db, wide); err == nil ||
		err.Error() != "row 2, column H: this cell is outside the header's columns; nothing was imported" {
		t.Errorf("a cell beyond the header: %v", err)
	}
	several := writeFile(t, "several.csv", "province,office,counter,channel,submitted_at,E1.1\n31,a,b,fax,2025-08-01,5\n31,a,b,paper,2025-08-01,9\n")
	if _, err := sipas(t, "import", "-db", db, several); err == nil ||
		!strings.Contains(err.Error(), "2 problems in "+several+"; nothing was imported:\n  row 2, column channel:") ||
		!strings.Contains(err.Error(), "\n  row 3, column E1.1:") {
		t.Errorf("two problems: %v", err)
	}

	// Nothing of the refused files was stored: the export still counts four responses.
	out, err = sipas(t, "export", "-db", db, "-year", "2025", "-format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		National struct {
			Responses int64 `json:"responses"`
		} `json:"national"`
		Provinces []struct {
			Code  string   `json:"code"`
			SIPAS *float64 `json:"sipas"`
			Rank  *int     `json:"rank"`
		} `json:"provinces"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.National.Responses != 4 || len(doc.Provinces) != 34 || doc.Provinces[0].Code != "31" ||
		doc.Provinces[0].SIPAS == nil || *doc.Provinces[0].SIPAS != 62.5 || *doc.Provinces[0].Rank != 1 {
		t.Errorf("export: %+v", doc)
	}
}

func TestExportCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sipas.db")
	if out, err := sipas(t, "import", "-db", db, writeFile(t, "paper.csv", paperCSV)); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := sipas(t, "export", "-db", db, "-year", "2025")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != "code,name,responses,sipas,ci95_low,ci95_high,rank" || !strings.HasPrefix(lines[1], "31,Thành phố Hải Phòng,4,62.50,") {
		t.Errorf("CSV:\n%s", out[:min(len(out), 300)])
	}
	out, err = sipas(t, "export", "-db", db, "-year", "2025", "-month", "8", "-level", "criteria")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "province_code,criterion,element,index,answered,satisfied,wilson_low,wilson_high\n31,E1.1,E1,50.00,4,2,") {
		t.Errorf("criteria CSV:\n%s", out[:min(len(out), 300)])
	}
	out, err = sipas(t, "export", "-db", db, "-year", "2025", "-format", "xlsx")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(strings.NewReader(out))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), ","); got != "provinces,elements,criteria" {
		t.Errorf("sheets %s", got)
	}
	if v, _ := f.GetCellValue("provinces", "D2"); v != "62.50" {
		t.Errorf("provinces!D2 shows %q", v)
	}
	for _, args := range [][]string{
		{"-format", "pdf"}, {"-level", "offices"}, {"-year", "1990"}, {"-units", "all"}, {"-quarter", "2", "-month", "5"}, {"extra"},
	} {
		if _, err := sipas(t, append([]string{"export", "-db", db}, args...)...); err == nil {
			t.Errorf("export %v: no error", args)
		}
	}
}
