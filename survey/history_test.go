package survey

import "testing"

func TestHistory(t *testing.T) {
	months := map[int]*Tally{
		202411: shares(10, 8),
		202412: shares(30, 30),
		202601: shares(20, 10),
		202603: shares(40, 36),
	}
	h := official.History(months, 202603, 4, 30)
	if len(h.Years) != 2 || h.Years[0].Year != 2024 || h.Years[1].Year != 2026 {
		t.Fatalf("years %+v", h.Years)
	}
	assertPtr(t, "2024", h.Years[0].Index.SIPAS, fp(95)) // 38 of 40
	assertPtr(t, "2026", h.Years[1].Index.SIPAS, fp(46.0/60*100))
	if !h.Years[0].Reliable || h.Years[0].Index.Responses != 40 {
		t.Errorf("2024: %d responses, reliable %v", h.Years[0].Index.Responses, h.Years[0].Reliable)
	}
	want := []int{202512, 202601, 202602, 202603}
	for i, m := range h.Months {
		if m.Month != want[i] {
			t.Errorf("month %d is %d, want %d", i, m.Month, want[i])
		}
	}
	if len(h.Months) != 4 || h.Months[0].Index.SIPAS != nil || h.Months[1].Reliable || !h.Months[3].Reliable {
		t.Errorf("months %+v", h.Months)
	}
}
