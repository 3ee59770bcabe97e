package survey

import "math"

// z95 is the standard normal quantile of a two-sided 95 % interval.
const z95 = 1.959963984540054

// Interval is a 95 % confidence interval, in percent.
type Interval [2]float64

// Overlaps reports whether two intervals share any value: their units cannot be told apart.
func (a Interval) Overlaps(b Interval) bool { return a[0] <= b[1] && b[0] <= a[1] }

// StandardError is sd/√n, in percent points, of n scores in [0, 1] with sums sum and
// sum2. With fewer than two scores the spread is unknown and the widest possible one
// (sd 0.5) is assumed, so that a single response never looks precise.
func StandardError(n int64, sum, sum2 float64) float64 {
	if n <= 0 {
		return 50
	}
	fn := float64(n)
	sd := 0.5
	if n >= 2 {
		variance := (sum2 - sum*sum/fn) / (fn - 1)
		sd = math.Sqrt(math.Max(variance, 0)) // max: rounding when every score is equal
	}
	return 100 * sd / math.Sqrt(fn)
}

// CI is centre ± 1.96·se, clipped to [0, 100].
func CI(centre, se float64) Interval {
	return Interval{clip(centre - z95*se), clip(centre + z95*se)}
}

// AverageCI is the interval of the unweighted mean of independent unit indices (the
// national average of provinces): its standard error is √(Σ se²) / k.
func AverageCI(average float64, ses []float64) Interval {
	if len(ses) == 0 {
		return Interval{0, 100}
	}
	sum := 0.0
	for _, se := range ses {
		sum += se * se
	}
	return CI(average, math.Sqrt(sum)/float64(len(ses)))
}

// Wilson is the Wilson score interval of k successes in n trials, in percent.
func Wilson(k, n int64) Interval {
	if n <= 0 {
		return Interval{0, 100}
	}
	p, fn, z2 := float64(k)/float64(n), float64(n), z95*z95
	denom := 1 + z2/fn
	centre := (p + z2/(2*fn)) / denom
	half := z95 * math.Sqrt(p*(1-p)/fn+z2/(4*fn*fn)) / denom
	return Interval{clip(100 * (centre - half)), clip(100 * (centre + half))}
}

func clip(x float64) float64 { return math.Min(100, math.Max(0, x)) }

// Correlation is Pearson's r from kept sums; ok is false when it is undefined (fewer than
// three pairs, or one side constant).
func Correlation(n int64, sx, sx2, sy, sy2, sxy float64) (r float64, ok bool) {
	if n < 3 {
		return 0, false
	}
	fn := float64(n)
	vx, vy := fn*sx2-sx*sx, fn*sy2-sy*sy
	// relative: the rounding error of n·Σx² − (Σx)² grows with n·Σx², so a constant side
	// over many pairs leaves a small positive remainder that is noise, not spread.
	if vx <= 1e-10*fn*sx2 || vy <= 1e-10*fn*sy2 {
		return 0, false
	}
	r = (fn*sxy - sx*sy) / math.Sqrt(vx*vy)
	return math.Max(-1, math.Min(1, r)), true
}

// YamaneSample is the sample a unit that handled n dossiers needs for ±5 % at 95 %
// (Yamane: n / (1 + n·e²), e = 0.05), rounded up.
func YamaneSample(dossiers int64) int64 {
	if dossiers <= 0 {
		return 0
	}
	n := float64(dossiers)
	return int64(math.Ceil(n / (1 + n*0.05*0.05)))
}

// Rank ranks values highest first, equal values sharing a rank (1, 2, 2, 4); nil values
// (units without responses) get rank 0, meaning unranked. Values are compared exactly.
func Rank(values []*float64) []int {
	ranks := make([]int, len(values))
	for i, v := range values {
		if v == nil {
			continue
		}
		r := 1
		for _, w := range values {
			if w != nil && *w > *v {
				r++
			}
		}
		ranks[i] = r
	}
	return ranks
}

// Mean is the unweighted mean of the defined values, nil if there are none.
func Mean(values []*float64) *float64 {
	m, ok := mean(values)
	if !ok {
		return nil
	}
	return &m
}

// mean is Mean without the allocation; false when no value is defined.
func mean(values []*float64) (float64, bool) {
	sum, n := 0.0, 0
	for _, v := range values {
		if v != nil {
			sum += *v
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return sum / float64(n), true
}
