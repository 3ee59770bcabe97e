package models

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"sipas/survey"
)

// The kept counts are the only copy of the aggregates, so the layouts they are written
// in are pinned by files made once by the encoder of their day: testdata/counts-v1-*.bin
// (before migration 3) and counts-v2-*.bin, each beside counts-<name>.json, the counts
// it holds. These files never change; a new layout gets a new version byte, new files
// and a migration.

// goldenCounts is the JSON form of the expected counts: a criterion's five sums are, in
// order, Σx, Σx², Σo, Σo², Σx·o.
type goldenCounts struct {
	Criteria map[string]struct {
		Values [survey.MaxScale]int64 `json:"values"`
		PairN  int64                  `json:"pair_n"`
		Sums   [5]float64             `json:"sums"`
	} `json:"criteria"`
	Options map[string]map[string]int64 `json:"options"`
}

// goldenNames lists the pinned cases.
var goldenNames = []string{"empty", "one-response", "synthetic-300", "extremes"}

func readGolden(t testing.TB, name string) *survey.Tally {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "counts-"+name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var g goldenCounts
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want := survey.NewTally()
	for code, c := range g.Criteria {
		want.Criteria[code] = &survey.CriterionTally{Values: c.Values, PairN: c.PairN,
			SumX: c.Sums[0], SumX2: c.Sums[1], SumO: c.Sums[2], SumO2: c.Sums[3], SumXO: c.Sums[4]}
	}
	for q, values := range g.Options {
		for v, n := range values {
			want.AddOption(q, v, n)
		}
	}
	return want
}

func readBin(t testing.TB, version, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "counts-"+version+"-"+name+".bin"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// sameCounts reports the first difference between the criterion and option counts of
// two tallies, comparing sums bit for bit; "" when they are the same.
func sameCounts(got, want *survey.Tally) string {
	if len(got.Criteria) != len(want.Criteria) {
		return "number of criteria differs"
	}
	for code, w := range want.Criteria {
		g, ok := got.Criteria[code]
		if !ok {
			return "criterion " + code + " missing"
		}
		if g.Values != w.Values || g.PairN != w.PairN {
			return "criterion " + code + ": counts differ"
		}
		gs := [...]float64{g.SumX, g.SumX2, g.SumO, g.SumO2, g.SumXO}
		ws := [...]float64{w.SumX, w.SumX2, w.SumO, w.SumO2, w.SumXO}
		for i := range gs {
			if math.Float64bits(gs[i]) != math.Float64bits(ws[i]) {
				return "criterion " + code + ": sums differ"
			}
		}
	}
	if len(got.Options) != len(want.Options) {
		return "number of questions differs"
	}
	for q, w := range want.Options {
		g := got.Options[q]
		if len(g) != len(w) {
			return "question " + q + ": values differ"
		}
		for v, n := range w {
			if c, ok := g[v]; !ok || c != n {
				return "question " + q + " value " + v + ": count differs"
			}
		}
	}
	return ""
}

func TestGoldenCountsV1(t *testing.T) {
	for _, name := range goldenNames {
		got := survey.NewTally()
		if err := addLegacyCounts(got, readBin(t, "v1", name), true); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := sameCounts(got, readGolden(t, name)); diff != "" {
			t.Errorf("%s: layout 1 no longer reads as it did: %s", name, diff)
		}
		// The read path refuses layout 1: it has no checksum.
		if err := addCounts(survey.NewTally(), readBin(t, "v1", name), true); err == nil {
			t.Errorf("%s: addCounts accepted layout 1", name)
		}
	}
}

func TestGoldenCountsV2(t *testing.T) {
	for _, name := range goldenNames {
		data, want := readBin(t, "v2", name), readGolden(t, name)
		got := survey.NewTally()
		if err := addCounts(got, data, true); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := sameCounts(got, want); diff != "" {
			t.Errorf("%s: layout 2 no longer reads as it did: %s", name, diff)
		}
		// The encoder still writes layout 2 byte for byte: a change of layout is a new version.
		if enc := encodeCounts(want); !bytes.Equal(enc, data) {
			t.Errorf("%s: the encoder's output changed; give the new layout a new version byte and a migration", name)
		}
		// Lean reads leave the option counts out and nothing else.
		lean := survey.NewTally()
		if err := addCounts(lean, data, false); err != nil {
			t.Fatal(err)
		}
		if len(lean.Options) != 0 || sameCounts(lean, &survey.Tally{Criteria: want.Criteria}) != "" {
			t.Errorf("%s: lean read differs", name)
		}
	}
}

// TestUpgradeCountsV1 holds migration 3's conversion to the pinned files: each layout 1
// value becomes exactly the layout 2 value of the same counts.
func TestUpgradeCountsV1(t *testing.T) {
	for _, name := range goldenNames {
		got, err := upgradeCountsV1(readBin(t, "v1", name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, readBin(t, "v2", name)) {
			t.Errorf("%s: upgraded value differs from counts-v2-%s.bin", name, name)
		}
	}
	v1 := readBin(t, "v1", "one-response")
	for _, bad := range [][]byte{nil, {countsV1}, v1[:len(v1)-1], readBin(t, "v2", "one-response")} {
		if _, err := upgradeCountsV1(bad); err == nil {
			t.Errorf("%x: upgraded", bad)
		}
	}
}
