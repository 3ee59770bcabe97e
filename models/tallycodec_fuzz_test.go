package models

import (
	"bytes"
	"encoding/binary"
	"testing"

	"sipas/survey"
)

// FuzzCountsDecoder feeds the decoders damaged input. Any bytes: an error or counts, never
// a panic. A layout 2 value of known counts (the pinned cases) changed by the fuzzer's
// edits: an error, or exactly the counts it held; never other counts.
//
//	go test ./models -run '^$' -fuzz '^FuzzCountsDecoder$' -fuzztime 60s
func FuzzCountsDecoder(f *testing.F) {
	cases := make([]*survey.Tally, len(goldenNames))
	for i, name := range goldenNames {
		cases[i] = readGolden(f, name)
	}
	for i := range cases {
		f.Add(uint8(i), []byte{})                                // unchanged
		f.Add(uint8(i), []byte{0, 0, 1, 0x01})                   // version byte flipped to 1…
		f.Add(uint8(i), []byte{0, 0, 1, 0x03, 4, 0xff, 0xff, 0}) // …and the checksum cut off
		f.Add(uint8(i), []byte{0, 0, 20, 0x10, 1, 0, 7, 0x41})   // a count changed, a byte set
		f.Add(uint8(i), []byte{2, 0, 9, 0x05, 3, 0, 12, 0})      // a byte inserted, one deleted
		f.Add(uint8(i), readBin(f, "v1", goldenNames[i]))        // layout 1 bytes as edits
	}
	f.Fuzz(func(t *testing.T, which uint8, edits []byte) {
		// The edits read as a value themselves: anything goes, nothing panics.
		addCounts(survey.NewTally(), edits, true)
		addLegacyCounts(survey.NewTally(), edits, true)

		want := cases[int(which)%len(cases)]
		orig := encodeCounts(want)
		data := applyEdits(orig, edits)
		got := survey.NewTally()
		err := addCounts(got, data, true)
		if bytes.Equal(data, orig) && err != nil {
			t.Fatalf("the unchanged value does not read: %v", err)
		}
		if err == nil {
			if diff := sameCounts(got, want); diff != "" {
				t.Fatalf("a damaged value read as other counts (%s)\norig %x\ndata %x", diff, orig, data)
			}
		}
	})
}

// applyEdits changes a copy of data by edits, four bytes each: an operation, a position
// (two bytes, modulo the length) and a value. Operations: xor the byte with the value
// (at least 1), set it, insert the value before it, delete it, cut the data there.
func applyEdits(data, edits []byte) []byte {
	out := bytes.Clone(data)
	for ; len(edits) >= 4; edits = edits[4:] {
		op, pos, v := edits[0]%5, int(binary.BigEndian.Uint16(edits[1:3])), edits[3]
		if len(out) == 0 {
			if op == 2 {
				out = append(out, v)
			}
			continue
		}
		pos %= len(out)
		switch op {
		case 0:
			out[pos] ^= max(v, 1)
		case 1:
			out[pos] = v
		case 2:
			out = append(out[:pos], append([]byte{v}, out[pos:]...)...)
		case 3:
			out = append(out[:pos], out[pos+1:]...)
		case 4:
			out = out[:pos]
		}
	}
	return out
}
