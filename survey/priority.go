package survey

import "sort"

// Quadrant names where a criterion falls in the importance × performance matrix.
type Quadrant string

// The four quadrants of the importance × performance matrix.
const (
	FixFirst   Quadrant = "fix-first"  // important, below-average index: what to fix first
	KeepUp     Quadrant = "keep-up"    // important, above-average index
	Secondary  Quadrant = "secondary"  // less important, below average
	Overserved Quadrant = "overserved" // less important, above average (possible overkill)
)

// Label names the quadrant.
func (q Quadrant) Label() Message {
	switch q {
	case FixFirst:
		return Msg("quadrant.fix_first")
	case KeepUp:
		return Msg("quadrant.keep_up")
	case Secondary:
		return Msg("quadrant.secondary")
	}
	return Msg("quadrant.overserved")
}

// Help says what the quadrant means for the criteria in it.
func (q Quadrant) Help() Message {
	switch q {
	case FixFirst:
		return Msg("dash.quadrant.fix-first")
	case KeepUp:
		return Msg("dash.quadrant.keep-up")
	case Secondary:
		return Msg("dash.quadrant.secondary")
	}
	return Msg("dash.quadrant.overserved")
}

// Quadrants lists the quadrants in the order a legend shows them, what to fix first first.
func Quadrants() []Quadrant { return []Quadrant{FixFirst, KeepUp, Secondary, Overserved} }

// PriorityPoint is one criterion in the importance × performance matrix.
type PriorityPoint struct {
	Code       string
	Element    string
	Text       Text
	Index      float64 // percent satisfied
	Importance float64 // correlation with the mean of the response's other criteria
	Answered   int64
	Quadrant   Quadrant
}

// Priority is the importance × performance matrix of one scope and period.
type Priority struct {
	Points         []PriorityPoint
	MeanIndex      float64 // the vertical dividing line
	MeanImportance float64 // the horizontal dividing line
}

// priorityEps absorbs the rounding of a mean, so that a value equal to every other one
// sits on the line rather than a hair below or above it.
const priorityEps = 1e-9

// Priorities places every criterion of ix with both an index and an importance in the matrix; the
// dividing lines are the means over those criteria; criteria answered fewer than minAnswered
// times are left out. Points are ordered fix-first first, then by ascending index.
//
// A criterion on a dividing line counts as important (when importances cannot be told apart,
// every criterion is treated as important) and as not below average (an index equal to the
// mean is not flagged).
func Priorities(ix Index, minAnswered int64) Priority {
	var p Priority
	for _, c := range ix.Criteria {
		if c.Index == nil || c.Importance == nil || c.Answered < minAnswered {
			continue
		}
		p.Points = append(p.Points, PriorityPoint{
			Code: c.Code, Element: c.Element, Text: c.Text,
			Index: *c.Index, Importance: *c.Importance, Answered: c.Answered,
		})
	}
	if len(p.Points) == 0 {
		return p
	}
	for _, pt := range p.Points {
		p.MeanIndex += pt.Index
		p.MeanImportance += pt.Importance
	}
	p.MeanIndex /= float64(len(p.Points))
	p.MeanImportance /= float64(len(p.Points))
	for i := range p.Points {
		pt := &p.Points[i]
		important := pt.Importance >= p.MeanImportance-priorityEps
		below := pt.Index < p.MeanIndex-priorityEps
		switch {
		case important && below:
			pt.Quadrant = FixFirst
		case important:
			pt.Quadrant = KeepUp
		case below:
			pt.Quadrant = Secondary
		default:
			pt.Quadrant = Overserved
		}
	}
	sort.SliceStable(p.Points, func(i, j int) bool {
		a, b := p.Points[i], p.Points[j]
		if (a.Quadrant == FixFirst) != (b.Quadrant == FixFirst) {
			return a.Quadrant == FixFirst
		}
		return a.Index < b.Index
	})
	return p
}
