package models

import (
	"fmt"

	"gorm.io/gorm"
)

// Migration 10 adds the settings version beside the counts version: a number that grows
// whenever what a kiosk's look-up reads may change (counters, offices, questionnaires,
// their assignments, kiosk devices; not a device's last contact, written once a minute).
// Triggers bump it, so that every writer, in this process or another, is seen; a kiosk's
// look-up is kept while the version stays (kioskcache.go).
func migrateV10(tx *gorm.DB) error {
	steps := []string{"ALTER TABLE counts_version ADD COLUMN settings BIGINT NOT NULL DEFAULT 0"}
	if tx.Dialector.Name() == "postgres" {
		steps = append(steps, `CREATE OR REPLACE FUNCTION bump_settings_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE counts_version SET settings = settings + 1 WHERE id = 1;
	RETURN NULL;
END $$`)
		for _, t := range v10Triggers {
			steps = append(steps, fmt.Sprintf("DROP TRIGGER IF EXISTS %s ON %s", t.name, t.table),
				fmt.Sprintf("CREATE TRIGGER %s AFTER %s ON %s FOR EACH STATEMENT EXECUTE FUNCTION bump_settings_version()",
					t.name, t.event, t.table))
		}
	} else {
		for _, t := range v10Triggers {
			steps = append(steps, fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS %s AFTER %s ON %s FOR EACH ROW BEGIN "+
				"UPDATE counts_version SET settings = settings + 1 WHERE id = 1; END", t.name, t.event, t.table))
		}
	}
	for _, s := range steps {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("settings version: %w", err)
		}
	}
	return nil
}

// v10Triggers are the changes that may change a kiosk's look-up (kioskQuery).
var v10Triggers = func() []struct{ name, event, table string } {
	var out []struct{ name, event, table string }
	for _, table := range []string{"counters", "offices", "questionnaires", "questionnaire_assignments"} {
		for _, event := range []string{"INSERT", "UPDATE", "DELETE"} {
			out = append(out, struct{ name, event, table string }{"settings_version_" + table + "_" + event, event, table})
		}
	}
	return append(out,
		struct{ name, event, table string }{"settings_version_kiosk_devices_INSERT", "INSERT", "kiosk_devices"},
		struct{ name, event, table string }{"settings_version_kiosk_devices_UPDATE", "UPDATE OF counter_id, token_hash, revoked_at", "kiosk_devices"},
		struct{ name, event, table string }{"settings_version_kiosk_devices_DELETE", "DELETE", "kiosk_devices"})
}()
