package models

import (
	"container/list"
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"sipas/survey"
)

// The dashboards ask for the same periods again and again (this year, this quarter),
// and adding up a year of kept counts costs tens of milliseconds however well indexed.
// So Tallies keeps what it read in memory, with the fingerprint of every month it covers:
// how many monthly count rows the month has and what they add up to. Every stored
// response adds to its month's M row in the same transaction as to its day and field
// rows, so counts read while their months' fingerprints are unchanged are still exact.
// The fingerprints are read from the database again whenever the counts version
// (countsversion.go, one primary-key lookup a call) has changed since they were read, so
// that writes by another process (`sipas import` beside `serve`) are seen at once.
//
// A period is read in a few pieces: its whole months up to the last one with responses,
// that last month apart (the one kiosks are writing to, read again while it changes), or
// each month apart for national and province-level figures (monthByMonth), and the days
// of partly covered months (from P rows when the query needs no detail below
// the province, else D; TallyQuery.dayGrain). A cold read costs about what one statement per
// table over the whole period costs; a warm one, the fingerprints and the open month.

// tallyCacheGroups bounds the memory the cache may hold, in tallies of about 4 kB (a
// national piece holds one per province).
const tallyCacheGroups = 4096

// tallyCache is a small LRU of piece sums; the zero value is ready to use.
type tallyCache struct {
	mu      sync.Mutex
	entries map[string]*list.Element
	order   list.List // front: most recently used
	groups  int
}

type cachedPiece struct {
	key, print string
	counts     map[string]*survey.Tally
}

func (c *tallyCache) get(key, fp string) (map[string]*survey.Tally, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cachedPiece)
	if e.print != fp {
		c.remove(el)
		return nil, false
	}
	c.order.MoveToFront(el)
	return e.counts, true
}

func (c *tallyCache) put(key, fp string, counts map[string]*survey.Tally) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]*list.Element{}
	}
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	c.entries[key] = c.order.PushFront(&cachedPiece{key: key, print: fp, counts: counts})
	c.groups += len(counts)
	for c.groups > tallyCacheGroups && c.order.Len() > 1 {
		c.remove(c.order.Back())
	}
}

func (c *tallyCache) remove(el *list.Element) {
	e := el.Value.(*cachedPiece)
	c.order.Remove(el)
	delete(c.entries, e.key)
	c.groups -= len(e.counts)
}

// tallyPiece is one read of kept counts: grain rows from..to, in months first..last.
type tallyPiece struct {
	grain       string
	from, to    int
	first, last int // YYYYMM
}

// pieces splits the query's period into the reads Tallies caches. prints has the months
// with responses: the whole months are read up to the month before the last of them,
// then that last one alone; each run of days of a partly covered month is a piece, or,
// read from province rows, its whole weeks are one (grain W) and the days around them
// others (P): a third of the rows, on average, that its days alone would need.
func (q TallyQuery) pieces(prints map[int]string) []tallyPiece {
	var out []tallyPiece
	spans := q.Period.Spans()
	grain := q.monthGrain()
	months := func(first, last int) tallyPiece {
		if grain == "D" {
			return tallyPiece{"D", first*100 + 1, last*100 + 31, first, last}
		}
		return tallyPiece{grain, first, last, first, last}
	}
	for _, m := range spans.Months {
		lastWithData := 0
		for month := m[0]; month <= m[1]; month = nextMonth(month) {
			if _, ok := prints[month]; ok {
				lastWithData = month
			}
		}
		if lastWithData == 0 {
			continue
		}
		if q.monthByMonth() {
			for month := m[0]; month <= lastWithData; month = nextMonth(month) {
				if _, ok := prints[month]; ok {
					out = append(out, months(month, month))
				}
			}
			continue
		}
		if lastWithData > m[0] {
			out = append(out, months(m[0], prevMonth(lastWithData)))
		}
		out = append(out, months(lastWithData, lastWithData))
	}
	for _, d := range spans.Days {
		if q.dayGrain() != "P" {
			out = append(out, tallyPiece{q.dayGrain(), d[0], d[1], d[0] / 100, d[1] / 100})
			continue
		}
		days, weeks := survey.WeekSpans(d[0], d[1])
		for _, w := range weeks {
			out = append(out, tallyPiece{"W", w[0], w[1], w[0] / 100, w[1] / 100})
		}
		for _, d := range days {
			out = append(out, tallyPiece{"P", d[0], d[1], d[0] / 100, d[1] / 100})
		}
	}
	return out
}

func nextMonth(m int) int { return survey.NextMonth(m) }

func prevMonth(m int) int { return survey.PrevMonth(m) }

// monthByMonth says whether the query's whole months are pieces of their own: for the
// national and province-level figures (a few dozen groups a month), so that date ranges
// starting in different months share their months in the cache instead of each reading
// its own run of them; finer groupings (hundreds of counters a month) keep one piece a
// run, which crowds the cache less.
func (q TallyQuery) monthByMonth() bool {
	return q.GroupBy == ByNone || q.GroupBy == ByProvince
}

// print is the fingerprint of the piece's months; "" when none has responses.
func (p tallyPiece) print(prints map[int]string) string {
	var b strings.Builder
	for month := p.first; month <= p.last; month = nextMonth(month) {
		if fp, ok := prints[month]; ok {
			fmt.Fprintf(&b, "%d:%s;", month, fp)
		}
	}
	return b.String()
}

// cacheKey names what a piece of this query holds, whatever the period around it.
func (q TallyQuery) cacheKey(p tallyPiece) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%d|%d|%s|%d|%d|%q|%t|", p.grain, p.from, p.to, q.GroupBy, q.OfficeID, q.CounterID, q.Field, q.Lean)
	if q.Scope.ProvinceIDs == nil {
		b.WriteString("all")
	} else {
		ids := slices.Clone(q.Scope.ProvinceIDs)
		slices.Sort(ids)
		for _, id := range slices.Compact(ids) {
			b.WriteString(strconv.FormatUint(uint64(id), 10))
			b.WriteByte(',')
		}
	}
	if q.Scope.OfficeIDs != nil {
		fmt.Fprintf(&b, "|offices %v", q.Scope.OfficeIDs) // an office-scoped user's pieces are their own
	}
	return b.String()
}

type monthPrint struct {
	Period    int
	NRows     int64
	Responses int64
	SumScore  float64
}

// monthPrints reads the fingerprint of every month from first to last (YYYYMM): the
// number of monthly count rows and their sums. A month without rows has none.
func (s *Store) monthPrints(ctx context.Context, first, last int) (map[int]string, error) {
	var rows []monthPrint
	err := s.short(ctx).Table("tallies").
		Select("period, COUNT(*) AS n_rows, SUM(responses) AS responses, SUM(sum_score) AS sum_score").
		Where("grain = 'M' AND period BETWEEN ? AND ? AND "+visibleBatches, first, last).Group("period").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("read month fingerprints: %w", err)
	}
	out := make(map[int]string, len(rows))
	for _, r := range rows {
		out[r.Period] = fmt.Sprintf("%d/%d/%x", r.NRows, r.Responses, r.SumScore)
	}
	return out, nil
}

// printsMemo keeps the month fingerprints read at one counts version, month by month:
// while the version stays, a month's fingerprint is the same whichever range it was read
// with, so a date range inside the months a dashboard's year already read needs no
// statement at all.
type printsMemo struct {
	mu      sync.Mutex
	version int64
	known   map[int]bool   // the months read at version, with responses or not
	prints  map[int]string // those with responses
}

// printsMemoMonths bounds the months remembered (a century of them); beyond it the memo
// starts again.
const printsMemoMonths = 1200

// lookUp returns the fingerprints of the months first..last when all of them were read at
// version.
func (m *printsMemo) lookUp(version int64, first, last int) (map[int]string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.version != version || m.known == nil {
		return nil, false
	}
	out := map[int]string{}
	for month := first; month <= last; month = nextMonth(month) {
		if !m.known[month] {
			return nil, false
		}
		if fp, ok := m.prints[month]; ok {
			out[month] = fp
		}
	}
	return out, true
}

// keep remembers the fingerprints of the months first..last read at version, beside
// those of the same version.
func (m *printsMemo) keep(version int64, first, last int, prints map[int]string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.version != version || m.known == nil || len(m.known) > printsMemoMonths {
		m.version, m.known, m.prints = version, map[int]bool{}, map[int]string{}
	}
	for month := first; month <= last; month = nextMonth(month) {
		m.known[month] = true
		delete(m.prints, month)
	}
	for month, fp := range prints {
		m.prints[month] = fp
	}
}

// printsOf is monthPrints, read again only for months not read at the current counts
// version. The version is read first: fingerprints read after it are at least as new as
// it says.
func (s *Store) printsOf(ctx context.Context, first, last int) (map[int]string, error) {
	v, err := s.CountsVersion(ctx)
	if err != nil {
		return nil, err
	}
	if prints, ok := s.prints.lookUp(v, first, last); ok {
		return prints, nil
	}
	prints, err := s.monthPrints(ctx, first, last)
	if err != nil {
		return nil, err
	}
	s.prints.keep(v, first, last, prints)
	return prints, nil
}

// Tallies adds up the kept counts of the query's period and scope by its grouping. The
// map is keyed by the group's value as text (a province ID, a YYYYMM month, a field; ""
// for ByNone). Whole months are read from monthly rows, other days from daily rows; what
// was read is kept in memory while its months' counts do not change. The returned
// tallies belong to the caller.
func (s *Store) Tallies(ctx context.Context, q TallyQuery) (map[string]*survey.Tally, error) {
	out, err := s.TalliesAll(ctx, q)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// TalliesAll answers several queries (a page's) as Tallies does, reading the months'
// fingerprints once for all of them.
func (s *Store) TalliesAll(ctx context.Context, qs ...TallyQuery) ([]map[string]*survey.Tally, error) {
	if len(qs) == 0 {
		return nil, nil
	}
	first, last := 0, 0
	for i, q := range qs {
		if _, err := q.groupExpr("M"); err != nil {
			return nil, err
		}
		from, to := survey.MonthKey(q.Period.From), survey.MonthKey(q.Period.To)
		if i == 0 || from < first {
			first = from
		}
		last = max(last, to)
	}
	prints, err := s.printsOf(ctx, first, last)
	if err != nil {
		return nil, err
	}
	var reads []*pieceRead
	for i, q := range qs {
		for _, p := range q.pieces(prints) {
			fp := p.print(prints)
			if fp == "" {
				continue // no response in those months
			}
			r := &pieceRead{query: q, piece: p, key: q.cacheKey(p), print: fp, of: i}
			r.counts, _ = s.tallyCache.get(r.key, fp)
			reads = append(reads, r)
		}
	}
	if err := s.readPieces(ctx, reads); err != nil {
		return nil, err
	}
	outs := make([]map[string]*survey.Tally, len(qs))
	for i := range outs {
		outs[i] = map[string]*survey.Tally{}
	}
	for _, r := range reads {
		out := outs[r.of]
		for g, t := range r.counts {
			sum := out[g]
			if sum == nil {
				sum = survey.NewTally()
				out[g] = sum
			}
			sum.Add(t)
		}
	}
	return outs, nil
}

// pieceRead is a piece a call of TalliesAll needs, for its query of, and its counts
// once found in the cache or read.
type pieceRead struct {
	query      TallyQuery
	piece      tallyPiece
	key, print string
	of         int
	counts     map[string]*survey.Tally
}

// pieceReaders is how many pieces missing from the cache are read at once, each on a
// connection of its own: a first request of a date range reads a few (the days of its
// partly covered months, and those of the period before it), and the machine's other
// cores would wait otherwise.
func pieceReaders() int { return min(runtime.GOMAXPROCS(0), 4) }

// readPieces reads the pieces not found in the cache, several at once, and keeps them.
// A piece that two reads need is read once.
func (s *Store) readPieces(ctx context.Context, reads []*pieceRead) error {
	first := map[string]*pieceRead{} // the read of each missing piece
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(pieceReaders())
	db := s.db.WithContext(ctx)
	for _, r := range reads {
		if _, seen := first[r.key]; r.counts != nil || seen {
			continue
		}
		first[r.key] = r
		g.Go(func() error {
			counts := map[string]*survey.Tally{}
			if err := r.query.read(db, counts, r.piece.grain, r.piece.from, r.piece.to); err != nil {
				return err
			}
			r.counts = counts
			s.tallyCache.put(r.key, r.print, counts)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, r := range reads {
		if r.counts == nil {
			r.counts = first[r.key].counts
		}
	}
	return nil
}

// scopedPeriods lists the period keys from..to of a grain (YYYYMM months for M and F,
// YYYYMMDD days for D and P, the first days of weeks for W) when they are few, so that a query narrowed to some provinces can
// look each (period, province) up in the key instead of scanning the whole range; nil
// when there would be too many.
func scopedPeriods(grain string, from, to int) []int {
	var keys []int
	if dailyGrain(grain) {
		for m := from / 100; m <= to/100; m = nextMonth(m) {
			for d := 1; d <= 31; d++ {
				if key := m*100 + d; key >= from && key <= to && (grain != "W" || survey.WeekStart(key) == key) {
					keys = append(keys, key)
				}
			}
			if len(keys) > 400 {
				return nil
			}
		}
		return keys
	}
	for m := from; m <= to; m = nextMonth(m) {
		keys = append(keys, m)
		if len(keys) > 400 {
			return nil
		}
	}
	return keys
}
