package sheets

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sipas/models"
)

var update = flag.Bool("update", false, "write testdata/corpus.json from models.ReadRecords")

// The new reader reads the corpus to the records the reader it replaces read.
func TestSameRecordsAsModels(t *testing.T) {
	golden := map[string][][]string{}
	for _, f := range corpus(t) {
		old, oldErr := models.ReadRecords(f.name, bytes.NewReader(f.data))
		got, err := ReadAll(f.name, bytes.NewReader(f.data), int64(len(f.data)), DefaultLimits())
		if (oldErr != nil) != (err != nil) {
			t.Errorf("%s: error %v, the old reader's %v", f.name, err, oldErr)
			continue
		}
		if !reflect.DeepEqual(normal(got), normal(old)) {
			t.Errorf("%s:\n got %q\nwant %q", f.name, normal(got), normal(old))
		}
		golden[f.name] = normal(old)
	}
	if *update {
		if err := os.WriteFile("testdata/corpus.json", goldenJSON(golden), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Random workbooks and CSV files read the same as with the old reader.
func TestRandomFilesAsModels(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	texts := []string{"a", "Bộ phận", " x ", "_x0041_", "a&b<c>", "\"q\"", "1,5", "x;y", "line\nbreak", "0012", "=1+1", "\t", "tab\tbed", "ẞ", "😀", "_x005F_"}
	formats := []string{"dd/mm/yyyy", "0.00", "yyyy-mm-dd hh:mm:ss", `"h"0`, "[Red]0", "m/d", "@"}
	for n := 0; n < 150; n++ {
		f := excelize.NewFile()
		cols := 1 + rng.IntN(8)
		var styles []int
		for _, code := range formats {
			id, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
			styles = append(styles, id)
		}
		for _, id := range []int{14, 22, 2, 49, 46} {
			s, _ := f.NewStyle(&excelize.Style{NumFmt: id})
			styles = append(styles, s)
		}
		for c := 1; c <= cols; c++ {
			cell, _ := excelize.CoordinatesToCellName(c, 1)
			f.SetCellValue("Sheet1", cell, fmt.Sprintf("h%d", c))
		}
		var csvText strings.Builder
		for r := 2; r < 2+rng.IntN(30); r++ {
			if rng.IntN(5) == 0 {
				continue
			}
			for c := 1; c <= cols; c++ {
				if rng.IntN(3) == 0 {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c, r)
				var v any
				switch rng.IntN(6) {
				case 0:
					v = rng.IntN(6)
				case 1:
					v = rng.Float64() * 60000
				case 2:
					v = texts[rng.IntN(len(texts))]
				case 3:
					v = time.Date(2020+rng.IntN(6), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), 0, time.UTC)
				case 4:
					v = rng.IntN(2) == 0
				case 5:
					v = 1000 + rng.IntN(60000)
				}
				f.SetCellValue("Sheet1", cell, v)
				if rng.IntN(2) == 0 {
					f.SetCellStyle("Sheet1", cell, cell, styles[rng.IntN(len(styles))])
				}
				if c > 1 {
					csvText.WriteByte(',')
				}
				if s, ok := v.(string); ok && rng.IntN(2) == 0 {
					csvText.WriteString(`"` + strings.ReplaceAll(s, `"`, `""`) + `"`)
				} else if ok && !strings.ContainsAny(s, "\",\n") {
					csvText.WriteString(s)
				}
			}
			csvText.WriteString([]string{"\n", "\r\n"}[rng.IntN(2)])
		}
		var buf bytes.Buffer
		must(t, f.Write(&buf))
		for _, file := range []corpusFile{{"random.xlsx", buf.Bytes()}, {"random.csv", []byte("h1,h2,h3,h4,h5,h6,h7,h8\n" + csvText.String())}} {
			old, oldErr := models.ReadRecords(file.name, bytes.NewReader(file.data))
			got, err := ReadAll(file.name, bytes.NewReader(file.data), int64(len(file.data)), DefaultLimits())
			if (oldErr != nil) != (err != nil) {
				t.Fatalf("%d %s: error %v, the old reader's %v", n, file.name, err, oldErr)
			}
			if !reflect.DeepEqual(normal(got), normal(old)) {
				t.Fatalf("%d %s:\n got %q\nwant %q", n, file.name, normal(got), normal(old))
			}
		}
	}
}

// goldenJSON writes records a row per line, so that a change shows as a row in a diff.
func goldenJSON(files map[string][][]string) []byte {
	var b bytes.Buffer
	b.WriteString("{")
	for i, name := range slices.Sorted(maps.Keys(files)) {
		if i > 0 {
			b.WriteString(",")
		}
		k, _ := json.Marshal(name)
		fmt.Fprintf(&b, "\n %s: [", k)
		for j, rec := range files[name] {
			if j > 0 {
				b.WriteString(",")
			}
			v, _ := json.Marshal(rec)
			fmt.Fprintf(&b, "\n  %s", v)
		}
		b.WriteString("\n ]")
	}
	b.WriteString("\n}\n")
	return b.Bytes()
}
