package survey

import "testing"

func TestMessageString(t *testing.T) {
	for _, c := range []struct {
		m    Message
		want string
	}{
		{Msg("paper.empty"), "paper.empty"},
		{Msg("paper.not_a_value", "6", 1, 5), "paper.not_a_value(6, 1, 5)"},
		{Msg("paper.where", 7, Msg("paper.empty")), "paper.where(7, paper.empty)"},
	} {
		if got := c.m.String(); got != c.want {
			t.Errorf("%#v: %q, want %q", c.m, got, c.want)
		}
	}
}
