package sheets

import (
	"strings"
)

// normal is records as ParsePaper reads them: a blank cell (white space) is "", trailing
// blank cells and rows are dropped and a blank row is nil, so that readers that differ only
// in these compare equal.
func normal(records [][]string) [][]string {
	var out [][]string
	for _, rec := range records {
		var cells []string
		for i, v := range rec {
			if strings.TrimSpace(v) != "" {
				for len(cells) < i {
					cells = append(cells, "")
				}
				cells = append(cells, v)
			}
		}
		out = append(out, cells)
	}
	for len(out) > 0 && out[len(out)-1] == nil {
		out = out[:len(out)-1]
	}
	return out
}
