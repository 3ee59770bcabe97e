package models

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// Removing what a failed import wrote, in slices, while it holds the import slot and is
// hidden from readers: its responses, its count rows (its batch), then the offices and
// counters it created that nothing else uses. Then it gives the slot up.

// removeSlice is how many rows one transaction removes.
const removeSlice = 5000

// remove removes what import id wrote and gives up the slot this process holds for it.
func (im *Importer) remove(ctx context.Context, id uint) error {
	var row importRow
	if err := im.s.db.WithContext(ctx).Take(&row, id).Error; err != nil {
		return fmt.Errorf("read import %d: %w", id, err)
	}
	if err := im.removeRows(ctx, id); err != nil {
		return err
	}
	im.removePlaces(ctx, row)
	err := im.w.runTx(ctx, func(tx writeTx) error {
		return tx.Model(&importRow{}).Where("id = ? AND worker = ?", id, im.s.worker).
			Updates(map[string]any{"active": false, "hidden": false, "phase": "", "heartbeat_at": time.Now().UTC()}).Error
	})
	if err != nil {
		return fmt.Errorf("import %d: give the slot up: %w", id, err)
	}
	return nil
}

// removeRows removes the responses and count rows of import id, a slice at a time.
func (im *Importer) removeRows(ctx context.Context, id uint) error {
	rowid := "rowid"
	if im.s.postgres {
		rowid = "ctid"
	}
	for _, del := range []string{
		"DELETE FROM responses WHERE id IN (SELECT id FROM responses WHERE import_id = ? LIMIT ?)",
		"DELETE FROM tallies WHERE " + rowid + " IN (SELECT " + rowid + " FROM tallies WHERE batch = ? LIMIT ?)",
	} {
		for {
			var n int64
			err := im.w.runTx(ctx, func(tx writeTx) error {
				res := tx.Exec(del, id, removeSlice)
				n = res.RowsAffected
				if res.Error != nil {
					return res.Error
				}
				return tx.Model(&importRow{}).Where("id = ? AND worker = ?", id, im.s.worker).
					Update("heartbeat_at", time.Now().UTC()).Error
			})
			if err != nil {
				return fmt.Errorf("remove the rows of import %d: %w", id, err)
			}
			if n < removeSlice {
				break
			}
		}
	}
	return nil
}

// removePlaces removes the counters and offices a failed import created, unless
// something else came to use them meanwhile (a kiosk's responses, an account, a
// device). Leaving one is harmless, so a failure is only logged.
func (im *Importer) removePlaces(ctx context.Context, row importRow) {
	for _, step := range []struct {
		what, sql string
		ids       []uint
	}{
		{"counters", "DELETE FROM counters WHERE id = ? AND NOT EXISTS (SELECT 1 FROM responses WHERE responses.counter_id = counters.id)",
			parseIDs(row.CreatedCounters)},
		{"offices", "DELETE FROM offices WHERE id = ? AND NOT EXISTS (SELECT 1 FROM counters WHERE counters.office_id = offices.id)",
			parseIDs(row.CreatedOffices)},
	} {
		for _, id := range step.ids {
			if err := im.w.runTx(ctx, func(tx writeTx) error { return tx.Exec(step.sql, id).Error }); err != nil {
				slog.Warn("an office or counter a failed import created is left", "import", row.ID, "what", step.what, "id", id, "err", err)
			}
		}
	}
}

// removeLeftovers removes, before import id runs, what failed imports left: while it
// runs, no other can fail, and a file imported again must not find the rows of its
// failed try.
func (im *Importer) removeLeftovers(ctx context.Context, id uint) error {
	var failed []importRow
	if err := im.s.db.WithContext(ctx).Where("state = ? AND hidden AND id <> ?", ImportFailed, id).Find(&failed).Error; err != nil {
		return fmt.Errorf("find failed imports: %w", err)
	}
	for _, r := range failed {
		if err := im.removeRows(ctx, r.ID); err != nil {
			return err
		}
		im.removePlaces(ctx, r)
		if err := im.w.runTx(ctx, func(tx writeTx) error {
			return tx.Model(&importRow{}).Where("id = ?", r.ID).Update("hidden", false).Error
		}); err != nil {
			return fmt.Errorf("import %d: %w", r.ID, err)
		}
	}
	return nil
}
