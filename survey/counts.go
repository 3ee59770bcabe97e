package survey

import (
	"fmt"
	"slices"
)

// Counts is a Tally in flat form, for adding up many responses at little cost (an
// import of a million): criteria and options are numbered by a CountsLayout instead of
// being looked up in maps. Adding a submission to Counts adds the same numbers, in the
// same order, as adding its Tally to a Tally, so that both give the same sums.
type Counts struct {
	Responses int64
	SumScore  float64
	SumScore2 float64
	Criteria  []CriterionTally // by the layout's Criteria
	Options   []int64          // by the layout's options, question by question
}

// CountsLayout numbers a questionnaire's criteria and the options of its questions (the
// procedure field among them under FieldName), each list sorted by code: the order in
// which kept counts are written.
type CountsLayout struct {
	q         *Questionnaire
	Criteria  []string   // sorted
	Questions []string   // sorted
	Values    [][]string // Values[i]: the option values of Questions[i], sorted
	First     []int      // First[i]: the index in Counts.Options of Values[i][0]
	criterion map[string]int
	element   []int // element[i]: the element of Criteria[i], by its place in q.Elements
	option    map[string]map[string]int
	options   int
}

// Layout numbers the questionnaire's criteria and options.
func (q *Questionnaire) Layout() *CountsLayout {
	l := &CountsLayout{q: q, Criteria: q.CriterionCodes(), criterion: map[string]int{}, option: map[string]map[string]int{}}
	slices.Sort(l.Criteria)
	l.element = make([]int, len(l.Criteria))
	for i, code := range l.Criteria {
		l.criterion[code] = i
		for e, el := range q.Elements {
			for _, c := range el.Criteria {
				if c.Code == code {
					l.element[i] = e
				}
			}
		}
	}
	values := map[string][]Option{}
	for _, x := range q.Questions {
		values[x.Code] = x.Options
	}
	if len(q.Fields.Options) > 0 {
		values[FieldName] = q.Fields.Options
	}
	l.Questions = SortedKeys(values)
	for _, question := range l.Questions {
		var vs []string
		for _, o := range values[question] {
			vs = append(vs, o.Value)
		}
		slices.Sort(vs)
		vs = slices.Compact(vs)
		l.First = append(l.First, l.options)
		l.Values = append(l.Values, vs)
		l.option[question] = map[string]int{}
		for _, v := range vs {
			l.option[question][v] = l.options
			l.options++
		}
	}
	return l
}

// New returns empty counts of the layout.
func (l *CountsLayout) New() *Counts {
	return &Counts{Criteria: make([]CriterionTally, len(l.Criteria)), Options: make([]int64, l.options)}
}

// Contribution is what one submission adds to the kept counts (what q.Tally(s) holds),
// numbered by a layout, to be added to several Counts at little cost.
type Contribution struct {
	score    float64
	scored   bool
	criteria []contributed
	options  []int // indexes into Counts.Options
}

type contributed struct {
	i      int // the criterion's index
	x      int // its value
	paired bool
	fx, o  float64
}

// Contribution works out what a submission adds to the kept counts. A submission must be
// valid for the questionnaire: an answer it does not know is an error.
func (l *CountsLayout) Contribution(s Submission) (Contribution, error) {
	var c Contribution
	total := 0
	c.criteria = make([]contributed, 0, len(s.Criteria))
	for code, x := range s.Criteria {
		i, ok := l.criterion[code]
		if !ok || x < 1 || x > MaxScale {
			return c, fmt.Errorf("criterion %s = %d is not of questionnaire %s", code, x, l.q.Code)
		}
		total += x
		c.criteria = append(c.criteria, contributed{i: i, x: x})
	}
	c.score, c.scored = l.score(c.criteria)
	if others := len(s.Criteria) - 1; others > 0 {
		for k := range c.criteria {
			cc := &c.criteria[k]
			cc.paired, cc.fx, cc.o = true, float64(cc.x), float64(total-cc.x)/float64(others)
		}
	}
	c.options = make([]int, 0, len(s.Answers)+1)
	for question, v := range s.Answers {
		i, ok := l.option[question][v]
		if !ok {
			return c, fmt.Errorf("%s = %q is not an option of questionnaire %s", question, v, l.q.Code)
		}
		c.options = append(c.options, i)
	}
	if s.Field != "" {
		i, ok := l.option[FieldName][s.Field]
		if !ok {
			return c, fmt.Errorf("field %q is not one of questionnaire %s", s.Field, l.q.Code)
		}
		c.options = append(c.options, i)
	}
	return c, nil
}

// score is q.Score of the answers given, computed from their indexes: the same sums in
// the same order (element by element), so the same number.
func (l *CountsLayout) score(answers []contributed) (float64, bool) {
	answered := make([]int, len(l.q.Elements))
	satisfied := make([]int, len(l.q.Elements))
	for _, a := range answers {
		e := l.element[a.i]
		answered[e]++
		if l.q.Satisfied(a.x) {
			satisfied[e]++
		}
	}
	sum, elements := 0.0, 0
	for e := range answered {
		if answered[e] > 0 {
			sum += float64(satisfied[e]) / float64(answered[e])
			elements++
		}
	}
	if elements == 0 {
		return 0, false
	}
	return sum / float64(elements), true
}

// Add adds a submission's contribution to c: the same numbers, in the same order, as
// adding its Tally to a Tally.
func (c *Counts) Add(x *Contribution) {
	c.Responses++
	if x.scored {
		c.SumScore += x.score
		c.SumScore2 += x.score * x.score
	}
	for _, cc := range x.criteria {
		ct := &c.Criteria[cc.i]
		ct.Values[cc.x-1]++
		if cc.paired {
			ct.PairN++
			ct.SumX += cc.fx
			ct.SumX2 += cc.fx * cc.fx
			ct.SumO += cc.o
			ct.SumO2 += cc.o * cc.o
			ct.SumXO += cc.fx * cc.o
		}
	}
	for _, i := range x.options {
		c.Options[i]++
	}
}

// Reset empties c, to be used again for other counts of its layout.
func (c *Counts) Reset() {
	c.Responses, c.SumScore, c.SumScore2 = 0, 0, 0
	clear(c.Criteria)
	clear(c.Options)
}

// AddCounts adds o, of the same layout, to c.
func (c *Counts) AddCounts(o *Counts) {
	c.Responses += o.Responses
	c.SumScore += o.SumScore
	c.SumScore2 += o.SumScore2
	for i := range c.Criteria {
		c.Criteria[i].Add(&o.Criteria[i])
	}
	for i, n := range o.Options {
		c.Options[i] += n
	}
}

// Tally is c as a Tally: the criteria answered and the options counted, by code.
func (l *CountsLayout) Tally(c *Counts) *Tally {
	t := NewTally()
	t.Responses, t.SumScore, t.SumScore2 = c.Responses, c.SumScore, c.SumScore2
	for i, code := range l.Criteria {
		if c.Criteria[i].Answered() > 0 {
			ct := c.Criteria[i]
			t.Criteria[code] = &ct
		}
	}
	for i, question := range l.Questions {
		for j, v := range l.Values[i] {
			if n := c.Options[l.First[i]+j]; n != 0 {
				t.AddOption(question, v, n)
			}
		}
	}
	return t
}
