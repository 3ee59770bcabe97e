package survey

// Index is the SIPAS of one scope (country, province, office, counter) over one period,
// computed from its kept counts as METHOD.md says. Pointers are nil where a value is
// undefined (nobody answered).
type Index struct {
	Responses int64
	SIPAS     *float64 // percent
	CI95      Interval
	SE        float64 // standard error of SIPAS in percent points, from the response scores
	Elements  []ElementIndex
	Criteria  []CriterionIndex
}

// ElementIndex is the mean of an element's defined criterion indices.
type ElementIndex struct {
	Code     string
	Name     Text
	Index    *float64
	Answered int64 // answers given to the element's criteria
}

// CriterionIndex is the share of satisfied answers of one criterion.
type CriterionIndex struct {
	Code       string
	Element    string
	Text       Text
	Index      *float64
	Answered   int64
	Satisfied  int64
	Wilson     Interval
	Mean       *float64 // mean answer on the scale
	Importance *float64 // correlation with the mean of the response's other criteria
	Values     [MaxScale]int64
}

// Compute derives every index of t: criterion → element → SIPAS, the margin of error
// from the response scores, Wilson intervals and importances.
func (q *Questionnaire) Compute(t *Tally) Index {
	if t == nil {
		t = NewTally()
	}
	n := 0
	for _, e := range q.Elements {
		n += len(e.Criteria)
	}
	// A national table computes this for every province, and its cold requests spent
	// most of their garbage here: the results and the values they point to are
	// allocated once a call rather than once a criterion.
	ix := Index{Responses: t.Responses, CI95: Interval{0, 100},
		Elements: make([]ElementIndex, 0, len(q.Elements)), Criteria: make([]CriterionIndex, 0, n)}
	values := make(floats, 0, 3*n+len(q.Elements)+1)
	elementValues := make([]*float64, 0, len(q.Elements))
	criterionValues := make([]*float64, 0, n)
	for _, e := range q.Elements {
		ei := ElementIndex{Code: e.Code, Name: e.Name}
		criterionValues = criterionValues[:0]
		for _, c := range e.Criteria {
			ci := q.criterionIndex(e, c, t.Criteria[c.Code], &values)
			ei.Answered += ci.Answered
			criterionValues = append(criterionValues, ci.Index)
			ix.Criteria = append(ix.Criteria, ci)
		}
		if m, ok := mean(criterionValues); ok {
			ei.Index = values.ptr(m)
		}
		elementValues = append(elementValues, ei.Index)
		ix.Elements = append(ix.Elements, ei)
	}
	if m, ok := mean(elementValues); ok {
		ix.SIPAS = values.ptr(m)
	}
	if ix.SIPAS != nil {
		ix.SE = StandardError(t.Responses, t.SumScore, t.SumScore2)
		ix.CI95 = CI(*ix.SIPAS, ix.SE)
	}
	return ix
}

// floats hands out pointers to values kept in one backing array. Growing it past its
// capacity leaves the pointers handed out before valid: they keep the old array.
type floats []float64

func (f *floats) ptr(v float64) *float64 {
	*f = append(*f, v)
	return &(*f)[len(*f)-1]
}

func (q *Questionnaire) criterionIndex(e Element, c Criterion, ct *CriterionTally, values *floats) CriterionIndex {
	ci := CriterionIndex{Code: c.Code, Element: e.Code, Text: c.Text, Wilson: Interval{0, 100}}
	if ct == nil {
		return ci
	}
	ci.Values = ct.Values
	ci.Answered = ct.Answered()
	if ci.Answered == 0 {
		return ci
	}
	ci.Satisfied = ct.SatisfiedCount(q.Scale.SatisfiedMin)
	ci.Index = values.ptr(100 * float64(ci.Satisfied) / float64(ci.Answered))
	ci.Wilson = Wilson(ci.Satisfied, ci.Answered)
	sum := 0.0
	for i, n := range ct.Values {
		sum += float64(i+1) * float64(n)
	}
	ci.Mean = values.ptr(sum / float64(ci.Answered))
	if r, ok := Correlation(ct.PairN, ct.SumX, ct.SumX2, ct.SumO, ct.SumO2, ct.SumXO); ok {
		ci.Importance = values.ptr(r)
	}
	return ci
}

// Reliable reports whether n responses reach the minimum sample below which an index is
// shown greyed as "not enough responses".
func Reliable(n int64, minSample int) bool { return n >= int64(minSample) }
