package models

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"
)

// An uploaded file is kept in the database, in pieces of importChunkBytes, until its job
// ends: any serve process on the same database can then run the job, and nothing is
// left in a temporary directory. Each piece is written in a transaction of its own
// (through serve's writer, between kiosk batches).

// importChunk is a row of import_chunks.
type importChunk struct {
	ImportID uint `gorm:"primaryKey;autoIncrement:false"`
	Seq      int  `gorm:"primaryKey;autoIncrement:false"`
	Data     []byte
}

func (importChunk) TableName() string { return "import_chunks" }

// Queue keeps an uploaded file of size bytes and queues its job, which a runner (Run)
// takes up. A file beyond MaxImportBytes is ErrImportTooBig.
func (im *Importer) Queue(ctx context.Context, n NewImport, file io.Reader, size int64) (ImportJob, error) {
	if size > MaxImportBytes {
		return ImportJob{}, ErrImportTooBig
	}
	row := im.s.newImportRow(n, SourceUpload, ImportUploading)
	row.FileSize = size
	if err := im.w.runTx(ctx, func(tx writeTx) error { return tx.Create(&row).Error }); err != nil {
		return ImportJob{}, fmt.Errorf("queue import of %s: %w", n.FileName, err)
	}
	sum, stored, err := im.storeChunks(ctx, row.ID, file)
	if err == nil && stored != size {
		err = fmt.Errorf("%d bytes read of %d", stored, size)
	}
	if err == nil {
		err = im.w.runTx(ctx, func(tx writeTx) error {
			return tx.Model(&importRow{}).Where("id = ?", row.ID).
				Updates(map[string]any{"state": ImportQueued, "sha256": sum, "heartbeat_at": time.Now().UTC()}).Error
		})
	}
	if err != nil {
		// Whatever was kept goes; the job says it failed.
		cleanup := context.WithoutCancel(ctx)
		im.dropChunks(cleanup, row.ID)
		im.w.runTx(cleanup, func(tx writeTx) error {
			return tx.Model(&importRow{}).Where("id = ?", row.ID).
				Updates(map[string]any{"state": ImportFailed, "failure": FailureError, "error": err.Error(), "finished_at": time.Now().UTC()}).Error
		})
		return ImportJob{}, fmt.Errorf("keep the file %s: %w", n.FileName, err)
	}
	im.Poke()
	return im.s.ImportJob(ctx, row.ID)
}

// storeChunks writes file in pieces and returns its SHA-256 (hex) and length.
func (im *Importer) storeChunks(ctx context.Context, id uint, file io.Reader) (string, int64, error) {
	h := sha256.New()
	buf := make([]byte, importChunkBytes)
	var total int64
	for seq := 0; ; seq++ {
		n, err := io.ReadFull(file, buf)
		if n > 0 {
			h.Write(buf[:n])
			total += int64(n)
			if total > MaxImportBytes {
				return "", total, ErrImportTooBig
			}
			chunk := importChunk{ImportID: id, Seq: seq, Data: buf[:n]}
			if werr := im.w.runTx(ctx, func(tx writeTx) error { return tx.Create(&chunk).Error }); werr != nil {
				return "", total, werr
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return hex.EncodeToString(h.Sum(nil)), total, nil
		}
		if err != nil {
			return "", total, err
		}
	}
}

// dropChunks removes a job's file, a few pieces a transaction.
func (im *Importer) dropChunks(ctx context.Context, id uint) error {
	for {
		var seqs []int
		if err := im.s.db.WithContext(ctx).Model(&importChunk{}).Where("import_id = ?", id).Order("seq").Limit(8).
			Pluck("seq", &seqs).Error; err != nil {
			return fmt.Errorf("find the pieces of import %d: %w", id, err)
		}
		if len(seqs) == 0 {
			return nil
		}
		err := im.w.runTx(ctx, func(tx writeTx) error {
			return tx.Where("import_id = ? AND seq IN ?", id, seqs).Delete(&importChunk{}).Error
		})
		if err != nil {
			return fmt.Errorf("remove the file of import %d: %w", id, err)
		}
	}
}

// chunkFile reads a job's kept file: an io.ReaderAt over its pieces, which keeps the two
// it read last (a CSV is read straight through; an XLSX workbook from its directory at
// the end, then each part in turn).
type chunkFile struct {
	ctx  context.Context
	s    *Store
	id   uint
	size int64
	last [2]struct {
		seq  int
		data []byte
	}
	next int // which of last to replace
}

func (im *Importer) openChunks(ctx context.Context, id uint, size int64) *chunkFile {
	f := &chunkFile{ctx: ctx, s: im.s, id: id, size: size}
	f.last[0].seq, f.last[1].seq = -1, -1
	return f
}

// ReadAt reads the file as io.ReaderAt says.
func (f *chunkFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	n := 0
	for n < len(p) {
		if off >= f.size {
			return n, io.EOF
		}
		seq := int(off / importChunkBytes)
		data, err := f.chunk(seq)
		if err != nil {
			return n, err
		}
		at := int(off % importChunkBytes)
		if at >= len(data) {
			return n, fmt.Errorf("import %d: piece %d is shorter than the file says", f.id, seq)
		}
		c := copy(p[n:], data[at:])
		n += c
		off += int64(c)
	}
	return n, nil
}

func (f *chunkFile) chunk(seq int) ([]byte, error) {
	for _, l := range f.last {
		if l.seq == seq {
			return l.data, nil
		}
	}
	var c importChunk
	if err := f.s.db.WithContext(f.ctx).Where("import_id = ? AND seq = ?", f.id, seq).Take(&c).Error; err != nil {
		return nil, fmt.Errorf("read piece %d of import %d: %w", seq, f.id, err)
	}
	f.last[f.next].seq, f.last[f.next].data = seq, c.Data
	f.next = 1 - f.next
	return c.Data, nil
}
