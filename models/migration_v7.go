package models

import (
	"fmt"

	"gorm.io/gorm"
)

// Migration 7 adds the counts version (countsversion.go): one row whose number grows with
// every change of what the reports read. The writers of kept counts bump it in their
// transaction (tallySet.save); triggers bump it when an import is published or removed
// (imports.hidden changes), when an administrative change is audited, and when an alert
// opens, changes or closes: those change pages without changing the counts.
func migrateV7(tx *gorm.DB) error {
	steps := []string{
		"CREATE TABLE IF NOT EXISTS counts_version (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)",
		"INSERT INTO counts_version (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING",
	}
	if tx.Dialector.Name() == "postgres" {
		steps = append(steps, `CREATE OR REPLACE FUNCTION bump_counts_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE counts_version SET n = n + 1 WHERE id = 1;
	RETURN NULL;
END $$`)
		for _, t := range v7Triggers {
			steps = append(steps, fmt.Sprintf("DROP TRIGGER IF EXISTS %s ON %s", t.name, t.table),
				fmt.Sprintf("CREATE TRIGGER %s AFTER %s ON %s FOR EACH ROW %s EXECUTE FUNCTION bump_counts_version()",
					t.name, t.event, t.table, t.when))
		}
	} else {
		for _, t := range v7Triggers {
			steps = append(steps, fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS %s AFTER %s ON %s FOR EACH ROW %s BEGIN "+
				"UPDATE counts_version SET n = n + 1 WHERE id = 1; END", t.name, t.event, t.table, t.when))
		}
	}
	for _, s := range steps {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("counts version: %w", err)
		}
	}
	return nil
}

// v7Triggers are the changes outside kept counts that change what a report page shows.
var v7Triggers = []struct{ name, event, table, when string }{
	{"counts_version_imports", "UPDATE OF hidden", "imports", "WHEN (OLD.hidden <> NEW.hidden)"},
	{"counts_version_audit", "INSERT", "audit_log", ""},
	{"counts_version_alerts_new", "INSERT", "alerts", ""},
	{"counts_version_alerts", "UPDATE", "alerts", ""},
	{"counts_version_alerts_gone", "DELETE", "alerts", ""},
}
