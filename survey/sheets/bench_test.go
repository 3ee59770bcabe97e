package sheets

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"sipas/survey"
)

// BenchmarkRead reads 100,000 questionnaires as CSV and as an XLSX workbook written the
// way Excel writes one (shared strings, numbers, cell references), row by row without
// keeping them, and prints MB/s of the file and rows/s.
func BenchmarkRead(b *testing.B) {
	const rows = 100_000
	var csvFile bytes.Buffer
	bw := bufio.NewWriter(&csvFile)
	if err := validRows(bw, rows); err != nil {
		b.Fatal(err)
	}
	bw.Flush()
	var xlsxFile bytes.Buffer
	if err := excelLike(&xlsxFile, csvFile.String()); err != nil {
		b.Fatal(err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{"csv", csvFile.Bytes()}, {"xlsx", xlsxFile.Bytes()}} {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(f.data)))
			for range b.N {
				r, err := Open("x."+f.name, bytes.NewReader(f.data), int64(len(f.data)), DefaultLimits())
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, _, err := r.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != rows+1 {
					b.Fatalf("%d rows", n)
				}
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// excelLike writes a CSV's rows as Excel writes a workbook: text in shared strings,
// numbers as numbers, every cell with its reference.
func excelLike(w io.Writer, csv string) error {
	index := map[string]int{}
	var texts []string
	var sheet strings.Builder
	for r, line := range strings.Split(strings.TrimSuffix(csv, "\n"), "\n") {
		fmt.Fprintf(&sheet, `<row r="%d" spans="1:33">`, r+1)
		for c, v := range strings.Split(line, ",") {
			ref := fmt.Sprintf("%s%d", survey.ColumnLetter(c), r+1)
			switch {
			case v == "":
			case len(v) == 1 && v[0] >= '0' && v[0] <= '9':
				fmt.Fprintf(&sheet, `<c r="%s"><v>%s</v></c>`, ref, v)
			default:
				i, ok := index[v]
				if !ok {
					i = len(texts)
					index[v] = i
					texts = append(texts, v)
				}
				fmt.Fprintf(&sheet, `<c r="%s" t="s"><v>%d</v></c>`, ref, i)
			}
		}
		sheet.WriteString(`</row>`)
	}
	return writeXLSX(w, false, func(w io.Writer) error {
		fmt.Fprintf(w, `<sst count="%d" uniqueCount="%d">`, len(texts), len(texts))
		for _, t := range texts {
			fmt.Fprintf(w, `<si><t>%s</t></si>`, t)
		}
		_, err := fmt.Fprint(w, `</sst>`)
		return err
	}, sheetOf(func(w io.Writer) error {
		_, err := io.WriteString(w, sheet.String())
		return err
	}))
}
