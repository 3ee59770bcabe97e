package models

import "testing"

// TestMigrationV9 removes the grain W rows of a database written by kiosks and an import,
// as a database made before migration 9 has none, and opens it again: the migration adds
// up the P rows into W rows equal to those the writers keep, running it again (with a
// small batch, so that it reads the P rows in many) changes nothing, and the counts verify.
func TestMigrationV9(t *testing.T) { checkBackfill(t, 9, "P", "W", backfillProvinceWeeks) }
