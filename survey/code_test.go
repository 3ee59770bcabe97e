package survey

import (
	"strings"
	"testing"
)

func TestCheckCode(t *testing.T) {
	tests := []struct {
		code string
		want string // the catalogue key of the problem, "" when the code is good
	}{
		{"hb-quay-1", ""},
		{"UBND.Hong_Bang", ""},
		{"7", ""},
		{"E1.1", ""},
		{strings.Repeat("a", MaxCodeLen), ""},
		{"", "paper.code.empty"},
		{strings.Repeat("a", MaxCodeLen+1), "paper.code.too_long"},
		{"quầy-1", "paper.code.characters"}, // letters outside ASCII: the code is in a URL and a column name
		{"quay 1", "paper.code.characters"},
		{"quay/1", "paper.code.characters"},
		{"60+", "paper.code.characters"},
		{"-quay", "paper.code.start"},
		{".hidden", "paper.code.start"},
		{"_x", "paper.code.start"},
	}
	for _, tt := range tests {
		m, ok := CheckCode(tt.code)
		if ok != (tt.want == "") || m.Key != tt.want {
			t.Errorf("CheckCode(%q) = %v, %t; want %q", tt.code, m, ok, tt.want)
		}
	}
}
