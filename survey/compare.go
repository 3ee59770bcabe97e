package survey

// UnitsInto lists the stored units whose counts belong to target's territory: target
// itself and, through merged_from, every former unit it took over (and theirs, were a
// territory merged twice). Query counts with their IDs to see a province across the
// 1 July 2025 merger, as NationalReport does.
func UnitsInto(all []Unit, target Unit) []Unit {
	out := []Unit{target}
	for i := 0; i < len(out); i++ {
		for _, u := range all {
			if s, ok := Successor(u, out[i:i+1]); ok && s.ID == out[i].ID && !containsUnit(out, u) {
				out = append(out, u)
			}
		}
	}
	return out
}

func containsUnit(units []Unit, u Unit) bool {
	for _, x := range units {
		if x.ID == u.ID && x.Code == u.Code && x.ValidFrom == u.ValidFrom {
			return true
		}
	}
	return false
}

// UnitIDs returns the store identifiers of units.
func UnitIDs(units []Unit) []uint {
	ids := make([]uint, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	return ids
}

// Change is now − before in percent points, nil when either is undefined.
func Change(now, before *float64) *float64 {
	if now == nil || before == nil {
		return nil
	}
	d := *now - *before
	return &d
}

// AdjacentOverlaps tells, for each interval of a list ordered by rank, whether it overlaps
// the next one: then the order of the two units is not certain. The last is always false.
func AdjacentOverlaps(cis []Interval) []bool {
	out := make([]bool, len(cis))
	for i := 0; i+1 < len(cis); i++ {
		out[i] = cis[i].Overlaps(cis[i+1])
	}
	return out
}

// Published is a national figure the Ministry of Home Affairs published.
type Published struct {
	Year    int
	Average float64 // the national average of the provinces' SIPAS, percent
}

// PublishedAverages are MoHA's national SIPAS averages (METHOD.md), the reference lines
// of the national dashboard.
func PublishedAverages() []Published {
	return []Published{{2022, 80.08}, {2023, 82.66}, {2024, 83.94}}
}
