package survey

import (
	"math"
	"testing"
)

func TestStandardError(t *testing.T) {
	cases := []struct {
		name      string
		n         int64
		sum, sum2 float64
		want      float64
	}{
		{"no scores", 0, 0, 0, 50},
		{"negative n", -3, 0, 0, 50},
		{"one score: sd 0.5 assumed", 1, 0.8, 0.64, 50},
		{"one score of 0", 1, 0, 0, 50},
		{"two identical", 2, 1.4, 0.98, 0},
		{"identical scores", 3, 2.1, 1.47, 0},
		{"hundred identical", 100, 70, 49, 0},
		// 0, 0.5, 0.5, 1: variance (1.5 − 4/4)/3 = 1/6, SE = 100·√(1/6)/2
		{"hand computed", 4, 2, 1.5, 100 * math.Sqrt(1.0/6) / 2},
		// 1 and 0: variance 0.5, SE = 100·√0.5/√2 = 50
		{"one satisfied one not", 2, 1, 1, 50},
		// 0.75, 0.25: variance 0.125, SE 25
		{"two responses", 2, 1, 0.625, 25},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := StandardError(c.n, c.sum, c.sum2); !near(got, c.want, 1e-6) {
				t.Errorf("StandardError(%d, %v, %v) = %v, want %v", c.n, c.sum, c.sum2, got, c.want)
			}
		})
	}
	// Rounding never makes the variance negative.
	for n := int64(2); n < 200; n++ {
		s := 0.1 * float64(n)
		if se := StandardError(n, s, 0.01*float64(n)); math.IsNaN(se) || se < 0 || se > 1e-5 {
			t.Fatalf("identical scores n=%d: SE %v", n, se)
		}
	}
}

func TestCI(t *testing.T) {
	cases := []struct {
		name       string
		centre, se float64
		want       Interval
	}{
		{"zero width", 80, 0, Interval{80, 80}},
		{"hand computed", 80, 5, Interval{80 - 1.959963984540054*5, 80 + 1.959963984540054*5}},
		{"about ±9.8", 50, 5, Interval{40.2, 59.8}},
		{"clipped at 100", 95, 10, Interval{95 - z95*10, 100}},
		{"clipped at 0", 3, 5, Interval{0, 3 + z95*5}},
		{"clipped both", 50, 50, Interval{0, 100}},
		{"exactly 100", 100, 0, Interval{100, 100}},
		{"exactly 0", 0, 0, Interval{0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := CI(c.centre, c.se)
			if !near(got[0], c.want[0], 0.01) || !near(got[1], c.want[1], 0.01) {
				t.Errorf("CI(%v, %v) = %v, want %v", c.centre, c.se, got, c.want)
			}
		})
	}
}

func TestAverageCI(t *testing.T) {
	cases := []struct {
		name string
		avg  float64
		ses  []float64
		want Interval
	}{
		{"none", 80, nil, Interval{0, 100}},
		{"one", 80, []float64{5}, CI(80, 5)},
		// √(3² + 4²)/2 = 2.5
		{"two", 80, []float64{3, 4}, CI(80, 2.5)},
		// √(4·4)/4 = 1: k equal errors shrink by √k
		{"four equal", 60, []float64{2, 2, 2, 2}, CI(60, 1)},
		{"precise", 70, []float64{0, 0}, Interval{70, 70}},
		{"clipped", 99, []float64{10}, Interval{99 - z95*10, 100}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := AverageCI(c.avg, c.ses)
			if !near(got[0], c.want[0], 1e-9) || !near(got[1], c.want[1], 1e-9) {
				t.Errorf("AverageCI = %v, want %v", got, c.want)
			}
		})
	}
}

func TestWilson(t *testing.T) {
	cases := []struct {
		name string
		k, n int64
		want Interval
		eps  float64
	}{
		{"8 of 10", 8, 10, Interval{49.02, 94.33}, 0.01},
		{"0 of 10", 0, 10, Interval{0, 27.75}, 0.01},
		{"10 of 10", 10, 10, Interval{72.25, 100}, 0.01},
		{"5 of 10", 5, 10, Interval{23.66, 76.34}, 0.01},
		{"1 of 2", 1, 2, Interval{9.45, 90.55}, 0.01},
		{"no trials", 0, 0, Interval{0, 100}, 0},
		{"negative trials", 0, -1, Interval{0, 100}, 0},
		{"50 of 100", 50, 100, Interval{40.38, 59.62}, 0.01},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Wilson(c.k, c.n)
			if !near(got[0], c.want[0], c.eps) || !near(got[1], c.want[1], c.eps) {
				t.Errorf("Wilson(%d, %d) = %v, want %v", c.k, c.n, got, c.want)
			}
			if got[0] < 0 || got[1] > 100 || got[0] > got[1] {
				t.Errorf("Wilson(%d, %d) = %v out of order or range", c.k, c.n, got)
			}
		})
	}
	if w := Wilson(0, 10); w[0] > 1e-9 {
		t.Errorf("Wilson(0, 10) lower = %v, want 0", w[0])
	}
	// The interval always holds the observed share.
	for n := int64(1); n <= 40; n++ {
		for k := int64(0); k <= n; k++ {
			w, p := Wilson(k, n), 100*float64(k)/float64(n)
			if w[0] > p+1e-9 || w[1] < p-1e-9 {
				t.Fatalf("Wilson(%d, %d) = %v does not hold %v", k, n, w, p)
			}
		}
	}
}

func TestIntervalOverlaps(t *testing.T) {
	cases := []struct {
		a, b Interval
		want bool
	}{
		{Interval{10, 20}, Interval{15, 25}, true},
		{Interval{10, 20}, Interval{20, 30}, true}, // touching
		{Interval{10, 20}, Interval{20.0001, 30}, false},
		{Interval{30, 40}, Interval{10, 20}, false},
		{Interval{0, 100}, Interval{40, 41}, true}, // containing
		{Interval{40, 41}, Interval{0, 100}, true},
	}
	for _, c := range cases {
		if got := c.a.Overlaps(c.b); got != c.want {
			t.Errorf("%v.Overlaps(%v) = %v", c.a, c.b, got)
		}
		if got := c.b.Overlaps(c.a); got != c.want {
			t.Errorf("not symmetric: %v.Overlaps(%v) = %v", c.b, c.a, got)
		}
	}
}

// sums of the pairs (x, y), as kept in a tally.
func sums(xs, ys []float64) (n int64, sx, sx2, sy, sy2, sxy float64) {
	for i := range xs {
		sx += xs[i]
		sx2 += xs[i] * xs[i]
		sy += ys[i]
		sy2 += ys[i] * ys[i]
		sxy += xs[i] * ys[i]
	}
	return int64(len(xs)), sx, sx2, sy, sy2, sxy
}

func TestCorrelation(t *testing.T) {
	cases := []struct {
		name   string
		xs, ys []float64
		want   float64
		ok     bool
	}{
		{"perfect +1", []float64{1, 2, 3}, []float64{2, 4, 6}, 1, true},
		{"perfect −1", []float64{1, 2, 3}, []float64{6, 4, 2}, -1, true},
		{"hand computed 0.8", []float64{1, 2, 3, 4}, []float64{1, 3, 2, 4}, 0.8, true},
		{"zero", []float64{1, 2, 3, 4}, []float64{1, 2, 2, 1}, 0, true},
		{"x constant", []float64{4, 4, 4}, []float64{1, 2, 5}, 0, false},
		{"y constant", []float64{1, 2, 3}, []float64{5, 5, 5}, 0, false},
		{"two pairs", []float64{1, 2}, []float64{1, 2}, 0, false},
		{"one pair", []float64{1}, []float64{2}, 0, false},
		{"none", nil, nil, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, ok := Correlation(sums(c.xs, c.ys))
			if ok != c.ok || !near(r, c.want, 1e-9) {
				t.Errorf("Correlation = %v, %v; want %v, %v", r, ok, c.want, c.ok)
			}
		})
	}
	// Large perfectly correlated samples stay within [−1, 1].
	var xs, ys []float64
	for i := 0; i < 100000; i++ {
		v := float64(1 + i%5)
		xs, ys = append(xs, v), append(ys, v)
	}
	if r, ok := Correlation(sums(xs, ys)); !ok || r > 1 || !near(r, 1, 1e-9) {
		t.Errorf("large perfect correlation = %v, %v", r, ok)
	}
}

func TestYamaneSample(t *testing.T) {
	cases := []struct{ dossiers, want int64 }{
		{-5, 0}, {0, 0}, {1, 1}, {100, 80}, {1000, 286}, {10000, 385}, {1000000, 400},
	}
	for _, c := range cases {
		if got := YamaneSample(c.dossiers); got != c.want {
			t.Errorf("YamaneSample(%d) = %d, want %d", c.dossiers, got, c.want)
		}
	}
}

func TestRank(t *testing.T) {
	cases := []struct {
		name   string
		values []*float64
		want   []int
	}{
		{"ties and nil", []*float64{fp(90), fp(80), fp(80), fp(70), nil}, []int{1, 2, 2, 4, 0}},
		{"unordered input", []*float64{nil, fp(70), fp(80), fp(90), fp(80)}, []int{0, 4, 2, 1, 2}},
		{"exact comparison", []*float64{fp(80), fp(80.0000001)}, []int{2, 1}},
		{"rounds equal but are not", []*float64{fp(88.094), fp(88.091), fp(88.09)}, []int{1, 2, 3}},
		{"all equal", []*float64{fp(50), fp(50), fp(50)}, []int{1, 1, 1}},
		{"all nil", []*float64{nil, nil}, []int{0, 0}},
		{"zero is ranked", []*float64{fp(0), nil, fp(10)}, []int{2, 0, 1}},
		{"empty", nil, []int{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Rank(c.values)
			if len(got) != len(c.want) {
				t.Fatalf("Rank = %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("Rank = %v, want %v", got, c.want)
				}
			}
		})
	}
}

func TestMean(t *testing.T) {
	cases := []struct {
		name   string
		values []*float64
		want   *float64
	}{
		{"plain", []*float64{fp(1), fp(2), fp(6)}, fp(3)},
		{"nils skipped", []*float64{fp(90), nil, fp(70), nil}, fp(80)},
		{"zero counts", []*float64{fp(0), fp(100)}, fp(50)},
		{"all nil", []*float64{nil, nil}, nil},
		{"empty", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assertPtr(t, "Mean", Mean(c.values), c.want)
		})
	}
}

// A constant side stays undefined however many pairs are summed: the rounding remainder
// of n·Σy² − (Σy)² is not a spread (it made a noise "importance" of ~1e-7 at n = 100,000).
func TestCorrelationConstantSideManyPairs(t *testing.T) {
	tl := NewTally()
	for i := 0; i < 100000; i++ {
		// the other criteria always average 10/3, not exact in binary
		tl.Add(official.Tally(sub(map[string]int{"E1.1": 1 + i%5, "E1.2": 3, "E1.3": 3, "E1.4": 4})))
	}
	c := tl.Criteria["E1.1"]
	if r, ok := Correlation(c.PairN, c.SumX, c.SumX2, c.SumO, c.SumO2, c.SumXO); ok {
		t.Errorf("constant side over %d pairs: r = %v, want undefined", c.PairN, r)
	}
	if ix := official.Compute(tl); criterionByCode(t, ix, "E1.1").Importance != nil {
		t.Error("E1.1 has an importance though the others never vary")
	}
	// A single different pair among a million is a real spread.
	n := int64(1000000)
	sx, sx2 := 4*float64(n)+1, 16*float64(n)+9 // all 4 but one 5
	sy, sy2 := sx, sx2
	if r, ok := Correlation(n, sx, sx2, sy, sy2, sx2); !ok || !near(r, 1, 1e-9) {
		t.Errorf("one differing pair in a million: %v, %v", r, ok)
	}
}
