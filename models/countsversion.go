package models

import (
	"context"
	"fmt"
)

// The counts version is a number that grows whenever what the reports read changes: kept
// counts (kiosk batches, held responses included, migrations that rewrite counts), an
// import published or removed, an audited administrative change, an alert. It lives in
// the database, so every process sees every other one's writes; reading it is one
// primary-key lookup, which makes it the cheap fingerprint of the read caches (the
// handlers' encoded pages and documents, the month fingerprints below).

// CountsVersion reads the counts version.
func (s *Store) CountsVersion(ctx context.Context) (int64, error) {
	var n int64
	if err := s.short(ctx).Raw("SELECT n FROM counts_version WHERE id = 1").Scan(&n).Error; err != nil {
		return 0, fmt.Errorf("read the counts version: %w", err)
	}
	return n, nil
}

// bumpCountsSQL bumps the counts version and gives the new one; on SQLite it is one of
// the write path's prepared statements (stmts.go).
const bumpCountsSQL = "UPDATE counts_version SET n = n + 1 WHERE id = 1 RETURNING n"

// bumpCountsVersion makes the transaction's changes of kept counts visible to the caches:
// every writer of shared (batch 0) count rows calls it, once a transaction. It returns
// the version the transaction makes, which recentCounts relies on.
func bumpCountsVersion(tx writeTx) (int64, error) {
	n, err := tx.queryInt(bumpCountsSQL)
	if err != nil {
		return 0, fmt.Errorf("bump the counts version: %w", err)
	}
	return n, nil
}

// queryInt runs one of the write path's statements that answers one number.
func (tx writeTx) queryInt(query string) (int64, error) {
	var n int64
	stmt, err := tx.stmt(query)
	if err == nil {
		err = stmt.QueryRowContext(tx.Statement.Context).Scan(&n)
		stmt.Close()
	}
	return n, err
}
