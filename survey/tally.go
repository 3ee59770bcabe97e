package survey

// MaxScale is the highest scale value a tally can hold (counts are kept per value 1..5).
const MaxScale = 5

// CriterionTally holds the kept counts of one criterion over a set of responses: how
// many gave each value, and the sums that yield the correlation of the criterion with
// the mean of the response's other answered criteria (its importance), without a pass
// over raw answers.
type CriterionTally struct {
	Values [MaxScale]int64 // Values[v-1] answers of value v
	PairN  int64           // responses that answered this and at least one other criterion
	SumX   float64         // over those responses: Σx, Σx², Σo, Σo², Σx·o
	SumX2  float64         // where x is this criterion's value
	SumO   float64         // and o the mean of the response's other criteria
	SumO2  float64
	SumXO  float64
}

// Answered is the number of answers given.
func (c *CriterionTally) Answered() int64 {
	var n int64
	for _, v := range c.Values {
		n += v
	}
	return n
}

// SatisfiedCount is the number of answers at or above satisfiedMin.
func (c *CriterionTally) SatisfiedCount(satisfiedMin int) int64 {
	var n int64
	for v := satisfiedMin; v <= MaxScale; v++ {
		n += c.Values[v-1]
	}
	return n
}

// Add adds o's counts to c.
func (c *CriterionTally) Add(o *CriterionTally) {
	for i := range c.Values {
		c.Values[i] += o.Values[i]
	}
	c.PairN += o.PairN
	c.SumX += o.SumX
	c.SumX2 += o.SumX2
	c.SumO += o.SumO
	c.SumO2 += o.SumO2
	c.SumXO += o.SumXO
}

// Tally is everything kept about a set of responses: the number of responses, the sums of
// their scores (for the margin of error), the criterion counts and the option counts of
// the other questions (the procedure field under FieldName).
type Tally struct {
	Responses int64
	SumScore  float64 // Σ s_r, s_r in [0, 1]
	SumScore2 float64 // Σ s_r²
	Criteria  map[string]*CriterionTally
	Options   map[string]map[string]int64
}

// NewTally returns an empty tally.
func NewTally() *Tally {
	return &Tally{Criteria: map[string]*CriterionTally{}, Options: map[string]map[string]int64{}}
}

// Criterion returns the counts of code, creating them if needed.
func (t *Tally) Criterion(code string) *CriterionTally {
	c := t.Criteria[code]
	if c == nil {
		c = &CriterionTally{}
		t.Criteria[code] = c
	}
	return c
}

// AddOption counts n answers of value to question.
func (t *Tally) AddOption(question, value string, n int64) {
	m := t.Options[question]
	if m == nil {
		m = map[string]int64{}
		t.Options[question] = m
	}
	m[value] += n
}

// Add adds o's counts to t.
func (t *Tally) Add(o *Tally) {
	t.Responses += o.Responses
	t.SumScore += o.SumScore
	t.SumScore2 += o.SumScore2
	if len(t.Criteria) == 0 {
		t.copyCriteria(o.Criteria)
	} else {
		for code, c := range o.Criteria {
			t.Criterion(code).Add(c)
		}
	}
	for question, m := range o.Options {
		for value, n := range m {
			t.AddOption(question, value, n)
		}
	}
}

// copyCriteria gives a tally without criteria a copy of these, its map made at its size
// and the counts in one piece: the sums of a cold read are made by the thousand, and a
// piece each was most of their garbage.
func (t *Tally) copyCriteria(from map[string]*CriterionTally) {
	if len(from) == 0 {
		return
	}
	criteria := make([]CriterionTally, 0, len(from))
	t.Criteria = make(map[string]*CriterionTally, len(from))
	for code, c := range from {
		criteria = append(criteria, *c)
		t.Criteria[code] = &criteria[len(criteria)-1]
	}
}

// Tally is the contribution of one submission to the kept counts. Every kiosk submission
// makes one, so its maps are made at their size and its criteria's counts in one piece.
func (q *Questionnaire) Tally(s Submission) *Tally {
	t := &Tally{Responses: 1, Criteria: make(map[string]*CriterionTally, len(s.Criteria)),
		Options: make(map[string]map[string]int64, len(s.Answers)+1)}
	if score, ok := q.Score(s); ok {
		t.SumScore, t.SumScore2 = score, score*score
	}
	total := 0
	for _, v := range s.Criteria {
		total += v
	}
	criteria := make([]CriterionTally, len(s.Criteria))
	for code, x := range s.Criteria {
		c := &criteria[0]
		criteria = criteria[1:]
		t.Criteria[code] = c
		c.Values[x-1]++
		if others := len(s.Criteria) - 1; others > 0 {
			fx, o := float64(x), float64(total-x)/float64(others)
			c.PairN++
			c.SumX, c.SumX2 = fx, fx*fx
			c.SumO, c.SumO2, c.SumXO = o, o*o, fx*o
		}
	}
	for question, v := range s.Answers {
		t.AddOption(question, v, 1)
	}
	if s.Field != "" {
		t.AddOption(FieldName, s.Field, 1)
	}
	return t
}
