package survey

// OptionShare is how many respondents chose one option of a question, and their share
// of those who answered it.
type OptionShare struct {
	Value string
	Label Text
	N     int64
	Share *float64 // percent of Answered; nil when nobody answered
	CI95  Interval // Wilson
}

// QuestionShares is the tabulation of one question outside the index from its option counts.
type QuestionShares struct {
	Code     string
	Text     Text
	Answered int64
	Options  []OptionShare
	// Headline is the share a report puts first and HeadlineText what it means; nil
	// when the question names none.
	Headline     *OptionShare
	HeadlineText Text
}

// Shares tabulates question x from a tally's option counts, in the question's option order.
// Values no longer among the options are left out.
func (x Question) Shares(t *Tally) QuestionShares {
	qs := QuestionShares{Code: x.Code, Text: x.Text}
	var counts map[string]int64
	if t != nil {
		counts = t.Options[x.Code]
	}
	for _, o := range x.Options {
		qs.Answered += counts[o.Value]
	}
	for _, o := range x.Options {
		s := OptionShare{Value: o.Value, Label: o.Label, N: counts[o.Value], CI95: Wilson(counts[o.Value], qs.Answered)}
		if qs.Answered > 0 {
			share := 100 * float64(s.N) / float64(qs.Answered)
			s.Share = &share
		}
		qs.Options = append(qs.Options, s)
	}
	if x.Report != nil && x.Report.Headline != nil {
		h := qs.Option(x.Report.Headline.Option)
		qs.Headline, qs.HeadlineText = &h, x.Report.Headline.Text
	}
	return qs
}

// Option returns the share of value, or a zero OptionShare.
func (qs QuestionShares) Option(value string) OptionShare {
	for _, o := range qs.Options {
		if o.Value == value {
			return o
		}
	}
	return OptionShare{Value: value}
}
