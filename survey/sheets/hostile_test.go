package sheets

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sipas/survey"
)

// hostileFile is an upload built to exhaust a reader: the classes of issue 9 (each found
// to take gigabytes or minutes with the reader before this package) and more. want is the
// key of the error it must give, "" when it must read. full is its size as measured by
// scripts/hostile-uploads; tests build some smaller, where the same limit stops them.
type hostileFile struct {
	name  string
	want  string
	build func(w io.Writer, full bool) error
	// small, if given, lowers the limits for the smaller file a test builds, so that the
	// same limit stops it.
	small func(*Limits)
}

// paperHeader is the header of a paper-questionnaire file.
const paperHeader = "province,office,counter,channel,submitted_at,E1.1,E1.2,E1.3,E1.4,E2.1,E2.2,E2.3,E2.4,E2.5," +
	"E3.1,E3.2,E3.3,E3.4,E3.5,E3.6,E4.1,E4.2,E4.3,E5.1,E5.2,E5.3,E5.4,field,P1,P2,P3,P4,P5"

func hostileFiles() []hostileFile {
	return []hostileFile{
		{"xfd-12k.xlsx", "sheets.outside_header", xfdRows(2_600, "x"), nil},
		{"xfd-42k.xlsx", "sheets.outside_header", xfdRows(9_500, "x"), nil},
		{"xfd-5m.xlsx", "sheets.outside_header", xfdRows(1_000_000, "x"), nil},
		{"xfd-5m-empty.xlsx", "", xfdRows(1_000_000, ""), nil},
		{"commas-49m.csv", "", func(w io.Writer, full bool) error {
			bw := bufio.NewWriter(w)
			fmt.Fprintln(bw, paperHeader)
			bw.Write(bytes.Repeat([]byte(","), scale(49_000_000, full, 50)))
			bw.WriteString("\n")
			return bw.Flush()
		}, nil},
		{"bomb-shared-strings.xlsx", "sheets.xlsx_ratio", func(w io.Writer, full bool) error {
			return writeXLSX(w, full, func(w io.Writer) error {
				fmt.Fprint(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`)
				if err := repeat(w, "a", scale(900<<20, full, 100)); err != nil {
					return err
				}
				_, err := fmt.Fprint(w, `</t></si></sst>`)
				return err
			}, sheetOf(func(w io.Writer) error {
				_, err := fmt.Fprint(w, `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`)
				return err
			}))
		}, nil},
		{"bomb-sheet.xlsx", "sheets.xlsx_ratio", func(w io.Writer, full bool) error {
			return writeXLSX(w, full, nil, sheetOf(func(w io.Writer) error {
				fmt.Fprint(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>province</t></is></c></row>`)
				return repeat(w, "<row/>", scale(150<<20, full, 100))
			}))
		}, nil},
		{"inline-2m.xlsx", "sheets.xlsx_ratio", emptyInlineCells, nil},
		{"cell-10m.csv", "sheets.cell_too_long", func(w io.Writer, full bool) error {
			bw := bufio.NewWriter(w)
			fmt.Fprintln(bw, paperHeader)
			bw.WriteString("31,")
			randomText(bw, scale(10<<20, full, 100), 1)
			bw.WriteString("\n")
			return bw.Flush()
		}, nil},
		{"cell-10m-shared.xlsx", "sheets.cell_too_long", func(w io.Writer, full bool) error {
			return writeXLSX(w, full, func(w io.Writer) error {
				fmt.Fprint(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>province</t></si><si><t>`)
				randomText(w, scale(10<<20, full, 100), 2)
				_, err := fmt.Fprint(w, `</t></si></sst>`)
				return err
			}, sheetOf(func(w io.Writer) error {
				_, err := fmt.Fprint(w, `<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row>`)
				return err
			}))
		}, nil},
		{"cell-10m-inline.xlsx", "sheets.cell_too_long", func(w io.Writer, full bool) error {
			return writeXLSX(w, full, nil, sheetOf(func(w io.Writer) error {
				fmt.Fprint(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>province</t></is></c><c t="inlineStr"><is><t>`)
				randomText(w, scale(10<<20, full, 100), 2)
				_, err := fmt.Fprint(w, `</t></is></c></row>`)
				return err
			}))
		}, nil},
		{"strings-2m.xlsx", "sheets.xlsx_strings", func(w io.Writer, full bool) error {
			return writeXLSX(w, full, func(w io.Writer) error {
				fmt.Fprintf(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="%d">`, scale(2_000_000, full, 10))
				for i := range scale(2_000_000, full, 10) {
					fmt.Fprintf(w, `<si><t>%d</t></si>`, i*7919)
				}
				_, err := fmt.Fprint(w, `</sst>`)
				return err
			}, sheetOf(nil))
		}, func(l *Limits) { l.Strings = 100_000 }},
		{"strings-70m.xlsx", "sheets.xlsx_string_bytes", func(w io.Writer, full bool) error {
			return writeXLSX(w, full, func(w io.Writer) error {
				fmt.Fprint(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
				for i := range scale(70<<20, full, 100) / 4000 {
					fmt.Fprint(w, `<si><t>`)
					randomText(w, 4000, uint64(i))
					fmt.Fprint(w, `</t></si>`)
				}
				_, err := fmt.Fprint(w, `</sst>`)
				return err
			}, sheetOf(nil))
		}, func(l *Limits) { l.StringBytes = 600 << 10 }},
		{"lying-size.xlsx", "sheets.xlsx_corrupt", lyingSize(1 << 40), nil},
		{"lying-small.xlsx", "sheets.xlsx_corrupt", lyingSize(10), nil},
		{"truncated.xlsx", "sheets.xlsx_not_zip", func(w io.Writer, full bool) error {
			var buf bytes.Buffer
			writeXLSX(&buf, full, nil, sheetOf(nil))
			_, err := w.Write(buf.Bytes()[:buf.Len()/2])
			return err
		}, nil},
		{"corrupt.xlsx", "sheets.xlsx_corrupt", func(w io.Writer, full bool) error {
			var buf bytes.Buffer
			writeXLSX(&buf, full, nil, sheetOf(func(w io.Writer) error {
				for r := 1; r <= 2000; r++ {
					fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, r, r, r*r)
				}
				return nil
			}))
			data := buf.Bytes()
			at := bytes.Index(data, []byte("xl/worksheets/sheet1.xml")) + 200 // inside its data
			for i := at; i < at+64; i++ {
				data[i] ^= 0x5a
			}
			_, err := w.Write(data)
			return err
		}, nil},
		{"not-a-workbook.xlsx", "sheets.xlsx_not_workbook", func(w io.Writer, full bool) error {
			zw := zip.NewWriter(w)
			f, _ := zw.Create("hello.txt")
			fmt.Fprint(f, "hello")
			return zw.Close()
		}, nil},
		{"many-parts.xlsx", "sheets.xlsx_parts", func(w io.Writer, full bool) error {
			zw := zip.NewWriter(w)
			for i := range 40_000 {
				if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("p/%06d", i), Method: zip.Store}); err != nil {
					return err
				}
			}
			return zw.Close()
		}, nil},
		{"deep.xlsx", "sheets.xlsx_corrupt", func(w io.Writer, full bool) error {
			return writeXLSX(w, full, nil, sheetOf(func(w io.Writer) error {
				fmt.Fprint(w, strings.Repeat("<x>", 100))
				_, err := fmt.Fprint(w, strings.Repeat("</x>", 100))
				return err
			}))
		}, nil},
		{"doctype.xlsx", "sheets.xlsx_corrupt", func(w io.Writer, full bool) error {
			zw := zip.NewWriter(w)
			writeParts(zw, false, false)
			f, _ := zw.Create("xl/worksheets/sheet1.xml")
			fmt.Fprint(f, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet><sheetData><row><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>`)
			return zw.Close()
		}, nil},
		{"unterminated-30m.csv", "sheets.csv_unclosed_quote", func(w io.Writer, full bool) error {
			bw := bufio.NewWriter(w)
			if err := validRows(bw, scale(460_000, full, 100), 22); err != nil {
				return err
			}
			bw.WriteString(`31,"ubnd`)
			return bw.Flush()
		}, nil},
		{"garbage.csv", "sheets.csv_not_utf8", garbage, nil},
		{"garbage.xlsx", "sheets.xlsx_not_zip", garbage, nil},
		{"valid-100k.xlsx", "", func(w io.Writer, full bool) error {
			var rows bytes.Buffer
			bw := bufio.NewWriter(&rows)
			if err := validRows(bw, scale(100_000, full, 100), 22); err != nil {
				return err
			}
			bw.Flush()
			return excelLike(w, full, &rows)
		}, nil},
		{"valid-1m.csv", "", func(w io.Writer, full bool) error {
			bw := bufio.NewWriter(w)
			if err := validRows(bw, scale(1_000_000, full, 100), 3); err != nil {
				return err
			}
			return bw.Flush()
		}, nil},
	}
}

// scale is n for a full-size file, n/by for a test's.
func scale(n int, full bool, by int) int {
	if full {
		return n
	}
	return n / by
}

// xfdRows is a paper header, then rows that each hold one cell in column XFD, the last.
func xfdRows(rows int, value string) func(io.Writer, bool) error {
	return func(w io.Writer, full bool) error {
		return writeXLSX(w, full, nil, sheetOf(func(w io.Writer) error {
			fmt.Fprint(w, `<row r="1">`)
			for i, h := range strings.Split(paperHeader, ",") {
				fmt.Fprintf(w, `<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>`, survey.ColumnLetter(i), h)
			}
			fmt.Fprint(w, `</row>`)
			for r := 2; r <= scale(rows, full, 100)+1; r++ {
				fmt.Fprintf(w, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>%s</t></is></c></row>`, r, r, value)
			}
			return nil
		}))
	}
}

// emptyInlineCells is a header, then a row of 2,000,000 empty inline-string cells.
func emptyInlineCells(w io.Writer, full bool) error {
	return writeXLSX(w, full, nil, sheetOf(func(w io.Writer) error {
		fmt.Fprint(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>province</t></is></c></row><row r="2">`)
		if err := repeat(w, `<c t="inlineStr"><is><t></t></is></c>`, scale(2_000_000, full, 8)); err != nil {
			return err
		}
		_, err := fmt.Fprint(w, `</row>`)
		return err
	}))
}

// lyingSize is a workbook whose sheet's entry claims to unpack to declared bytes.
func lyingSize(declared uint64) func(io.Writer, bool) error {
	return func(w io.Writer, full bool) error {
		var sheet bytes.Buffer
		sheetOf(func(w io.Writer) error {
			for r := 1; r <= 100; r++ {
				fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>%d</v></c></row>`, r, r, r)
			}
			return nil
		})(&sheet)
		var packed bytes.Buffer
		fw, _ := flate.NewWriter(&packed, flate.BestCompression)
		fw.Write(sheet.Bytes())
		fw.Close()
		zw := zip.NewWriter(w)
		writeParts(zw, false, false)
		f, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
			CRC32: crc32.ChecksumIEEE(sheet.Bytes()), CompressedSize64: uint64(packed.Len()), UncompressedSize64: declared})
		if err != nil {
			return err
		}
		f.Write(packed.Bytes())
		return zw.Close()
	}
}

func garbage(w io.Writer, full bool) error {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, 1<<20)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[0], b[1] = 0xff, 0xfe
	_, err := w.Write(b)
	return err
}

// validRows writes a paper header with the first criteria of the 22, and n questionnaires
// of the second half of 2025 at 200 counters of the 34 provinces: about 38 bytes a row
// with 3 criteria, 80 with 22.
func validRows(w *bufio.Writer, n, criteria int) error {
	r := rand.New(rand.NewPCG(3, 4))
	provinces := survey.UnitsOn(survey.OfficialUnits(), "2025-08-01")
	columns := strings.Split(paperHeader, ",")
	fmt.Fprintln(w, strings.Join(columns[:5+criteria], ","))
	day := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		p := provinces[i%200%len(provinces)].Code
		fmt.Fprintf(w, "%s,o-%s-%d,q-%d,paper,%s", p, p, i%200/len(provinces), i%200, day.AddDate(0, 0, r.IntN(180)).Format("2006-01-02"))
		for c := range criteria {
			w.WriteByte(',')
			if c == 0 || r.IntN(10) > 0 {
				w.WriteByte(byte('1' + r.IntN(5)))
			}
		}
		if _, err := w.WriteString("\n"); err != nil {
			return err
		}
	}
	return nil
}

// randomText writes n random letters: text that does not compress much.
func randomText(w io.Writer, n int, seed uint64) {
	r := rand.New(rand.NewPCG(seed, 5))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('a' + r.IntN(26))
	}
	w.Write(b)
}

func repeat(w io.Writer, s string, n int) error {
	chunk := strings.Repeat(s, max(1, (64<<10)/len(s)))
	per := len(chunk) / len(s)
	for n > 0 {
		k := min(n, per)
		if _, err := io.WriteString(w, chunk[:k*len(s)]); err != nil {
			return err
		}
		n -= k
	}
	return nil
}

// sheetOf is a worksheet whose sheetData rows are written by rows.
func sheetOf(rows func(io.Writer) error) func(io.Writer) error {
	return func(w io.Writer) error {
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		if rows != nil {
			if err := rows(w); err != nil {
				return err
			}
		}
		_, err := fmt.Fprint(w, `</sheetData></worksheet>`)
		return err
	}
}

// writeXLSX writes a minimal workbook: a sheet, and shared strings when sst is given,
// each part compressed as it is written, so that parts of any size cost no memory; full
// compresses them best, as an attacker would.
func writeXLSX(w io.Writer, full bool, sst, sheet func(io.Writer) error) error {
	level := flate.BestSpeed // for tests, where time matters more than size
	if full {
		level = flate.BestCompression
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, level)
	})
	writeParts(zw, sst != nil, false)
	// The sheet first: a writer may learn its shared strings while writing it.
	for _, p := range []struct {
		name  string
		write func(io.Writer) error
	}{{"xl/worksheets/sheet1.xml", sheet}, {"xl/sharedStrings.xml", sst}} {
		if p.write == nil {
			continue
		}
		f, err := zw.Create(p.name)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		if err := p.write(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return zw.Close()
}

// writeParts writes the parts that make a zip a workbook with one sheet.
func writeParts(zw *zip.Writer, sst, styles bool) {
	rels := `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>`
	if sst {
		rels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>`
	}
	if styles {
		rels += `<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`
	}
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>`,
		"_rels/.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml": `<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
			`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels + `</Relationships>`,
	} {
		f, _ := zw.Create(name)
		io.WriteString(f, content)
	}
}

// TestHostileUploads reads every hostile file: each gives its error or reads, within the
// limits of an upload.
func TestHostileUploads(t *testing.T) {
	for _, h := range hostileFiles() {
		t.Run(h.name, func(t *testing.T) {
			var buf bytes.Buffer
			began := time.Now()
			if err := h.build(&buf, false); err != nil {
				t.Fatal(err)
			}
			built := time.Since(began)
			lim := DefaultLimits()
			if h.small != nil {
				h.small(&lim)
			}
			records, err := read(h.name, buf.Bytes(), lim)
			t.Logf("%d bytes, built in %v, read in %v", buf.Len(), built, time.Since(began)-built)
			var e *Error
			switch {
			case h.want == "" && err != nil:
				t.Errorf("%d bytes: %v", buf.Len(), err)
			case h.want != "" && (!errors.As(err, &e) || e.Msg.Key != h.want):
				t.Errorf("%d bytes: %v, want %s", buf.Len(), err, h.want)
			}
			for _, rec := range records {
				if len(rec) > len(records[0]) {
					t.Fatalf("a row of %d cells under a header of %d", len(rec), len(records[0]))
				}
			}
		})
	}
	// Without the ratio's safety net, the row of empty cells still reads.
	lim := DefaultLimits()
	lim.Ratio = 1 << 40
	var buf bytes.Buffer
	if err := emptyInlineCells(&buf, false); err != nil {
		t.Fatal(err)
	}
	if records, err := read("x.xlsx", buf.Bytes(), lim); err != nil || len(records) != 1 {
		t.Errorf("a row of empty cells: %q %v", records, err)
	}
}

// TestReadFile reads the file SIPAS_SHEETS_FILE names row by row, as an import job will,
// and prints how many rows it read and how long it took; with SIPAS_SHEETS_ALL=1 it keeps
// them all, as ReadAll does. scripts/hostile-uploads runs it under /usr/bin/time for the
// memory of reading alone.
func TestReadFile(t *testing.T) {
	name := os.Getenv("SIPAS_SHEETS_FILE")
	if name == "" {
		t.Skip("SIPAS_SHEETS_FILE is not set")
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	r, err := Open(name, f, st.Size(), DefaultLimits())
	var kept [][]string
	rows := 0
	for err == nil {
		var cells []string
		if _, cells, err = r.Next(); err == nil {
			rows++
			if os.Getenv("SIPAS_SHEETS_ALL") == "1" {
				kept = append(kept, cells)
			}
		}
	}
	if err == io.EOF {
		err = nil
	}
	fmt.Printf("%d rows in %.2f s, kept %d: %v\n", rows, time.Since(began).Seconds(), len(kept), err)
}

// TestWriteHostileFiles writes the hostile files at full size into the directory that
// SIPAS_HOSTILE_DIR names, for scripts/hostile-uploads.
func TestWriteHostileFiles(t *testing.T) {
	dir := os.Getenv("SIPAS_HOSTILE_DIR")
	if dir == "" {
		t.Skip("SIPAS_HOSTILE_DIR is not set")
	}
	for _, h := range hostileFiles() {
		f, err := os.Create(filepath.Join(dir, h.name))
		if err != nil {
			t.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		if err := h.build(bw, true); err != nil {
			t.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s\t%s\n", h.name, h.want)
	}
}

// A tag longer than the scanner's window is a damaged part, not the server's error.
func TestLongTag(t *testing.T) {
	var buf bytes.Buffer
	err := writeXLSX(&buf, false, nil, sheetOf(func(w io.Writer) error {
		_, err := fmt.Fprintf(w, `<row r="1"><c r="A1" t="inlineStr" x="%s"><is><t>a</t></is></c></row>`, strings.Repeat("x", 100_000))
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	var e *Error
	if _, err := read("x.xlsx", buf.Bytes(), DefaultLimits()); !errors.As(err, &e) || e.Msg.Key != "sheets.xlsx_corrupt" {
		t.Errorf("got %v", err)
	}
}
