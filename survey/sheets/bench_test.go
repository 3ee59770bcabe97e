package sheets

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
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
	if err := validRows(bw, rows, 22); err != nil {
		b.Fatal(err)
	}
	bw.Flush()
	var xlsxFile bytes.Buffer
	if err := excelLike(&xlsxFile, false, bytes.NewReader(csvFile.Bytes())); err != nil {
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

// excelLike writes the rows of a CSV file as Excel writes a workbook: text in shared
// strings, numbers as numbers, every cell with its reference.
func excelLike(w io.Writer, full bool, csv io.Reader) error {
	index := map[string]int{}
	var texts []string
	return writeXLSX(w, full, func(w io.Writer) error {
		fmt.Fprintf(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(texts), len(texts))
		for _, t := range texts {
			fmt.Fprintf(w, `<si><t>%s</t></si>`, t)
		}
		_, err := fmt.Fprint(w, `</sst>`)
		return err
	}, sheetOf(func(w io.Writer) error {
		lines := bufio.NewScanner(csv)
		for r := 1; lines.Scan(); r++ {
			fmt.Fprintf(w, `<row r="%d" spans="1:33">`, r)
			for c, v := range strings.Split(lines.Text(), ",") {
				ref := survey.ColumnLetter(c) + strconv.Itoa(r)
				switch {
				case v == "":
				case len(v) == 1 && v[0] >= '0' && v[0] <= '9':
					fmt.Fprintf(w, `<c r="%s"><v>%s</v></c>`, ref, v)
				default:
					i, ok := index[v]
					if !ok {
						i = len(texts)
						index[v] = i
						texts = append(texts, v)
					}
					fmt.Fprintf(w, `<c r="%s" t="s"><v>%d</v></c>`, ref, i)
				}
			}
			io.WriteString(w, `</row>`)
		}
		return lines.Err()
	}))
}
