package survey

import (
	"math"
	"math/rand/v2"
)

// Synthetic describes a place whose responses are made up for the demo: its overall
// quality on the answer scale, and how each criterion departs from it there.
type Synthetic struct {
	Quality float64            // typical mood on the scale, about 4.15 to 4.75
	Bias    map[string]float64 // criterion code → shift of its answers
}

// commonBias is how criteria differ everywhere: equipment is seldom modern, processing
// times are often late and complaints are handled worst; politeness is rated well.
func commonBias() map[string]float64 {
	return map[string]float64{
		"E1.1": -0.1, "E1.3": -0.45, "E1.4": -0.2, "E2.3": 0.1, "E2.4": 0.15, "E2.5": -0.35,
		"E3.1": 0.2, "E3.2": 0.1, "E3.4": -0.05, "E3.6": 0.1, "E4.2": -0.15,
		"E5.1": -0.35, "E5.2": -0.3, "E5.3": -0.4, "E5.4": -0.45,
	}
}

// NewSynthetic draws a plausible place: its quality and its own criterion strengths.
func (q *Questionnaire) NewSynthetic(r *rand.Rand) Synthetic {
	s := Synthetic{Quality: 4.15 + 0.6*r.Float64(), Bias: commonBias()}
	for _, code := range q.CriterionCodes() {
		s.Bias[code] += 0.35 * r.NormFloat64()
	}
	return s
}

// Synthesize makes one plausible response: a respondent's mood drawn around the place's
// quality (shifted by drift, e.g. a trend over time), criteria scattered around it, the
// complaint-handling element (the last one) mostly unanswered as few people complained,
// and perception answers that go with the mood.
func (q *Questionnaire) Synthesize(r *rand.Rand, s Synthetic, drift float64) Submission {
	mood := s.Quality + drift + 0.7*r.NormFloat64()
	sub := Submission{Criteria: map[string]int{}, Answers: map[string]string{}}
	last := len(q.Elements) - 1
	for i, e := range q.Elements {
		skip := 0.03
		if i == last {
			skip = 0.65
		}
		for _, c := range e.Criteria {
			if r.Float64() < skip {
				continue
			}
			v := math.Round(mood + s.Bias[c.Code] + 0.55*r.NormFloat64())
			sub.Criteria[c.Code] = int(math.Max(float64(q.Scale.Min), math.Min(float64(q.Scale.Max), v)))
		}
	}
	if len(sub.Criteria) == 0 {
		first := q.Elements[0].Criteria[0].Code
		sub.Criteria[first] = int(math.Max(float64(q.Scale.Min), math.Min(float64(q.Scale.Max), math.Round(mood))))
	}
	if opts := q.Fields.Options; len(opts) > 0 && r.Float64() < 0.9 {
		sub.Field = opts[weightedIndex(r, len(opts))].Value
	}
	unhappy := math.Max(0, 3.6-mood) // how far below content the respondent is
	for _, x := range q.Questions {
		if len(x.Options) == 0 || r.Float64() < 0.1 {
			continue
		}
		i := r.IntN(len(x.Options)) // profile questions: spread evenly
		if x.Report != nil && x.Report.Role == RolePerception {
			// perceptions (trips, harassment, informal payments), their first option the
			// good one: worse when unhappy
			i = 0
			if r.Float64() < 0.05+0.25*unhappy {
				i = 1 + r.IntN(len(x.Options)-1)
			}
		}
		sub.Answers[x.Code] = x.Options[i].Value
	}
	return sub
}

// weightedIndex favours the first options, as real answer distributions do.
func weightedIndex(r *rand.Rand, n int) int {
	total := 0.0
	for i := range n {
		total += 1 / float64(i+2)
	}
	x := r.Float64() * total
	for i := range n {
		x -= 1 / float64(i+2)
		if x <= 0 {
			return i
		}
	}
	return n - 1
}
