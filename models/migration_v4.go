package models

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Migration 4: imports are jobs, written in slices that readers do not see until the
// job publishes them. The kept counts get a last key column, batch: 0 for the responses
// of kiosks and links, an import's ID for the rows that import writes, so that an import
// adds rows of its own instead of changing shared ones, and readers leave out the
// batches of imports that are not published (imports.hidden). Responses get import_id
// the same way, so that a failed import's rows can be found and removed.

// v4Import is the frozen imports table: one uploaded (or command-line) file of paper
// questionnaires and its job.
type v4Import struct {
	ID              uint   `gorm:"primaryKey"`
	State           string `gorm:"not null;index"`
	Active          bool   `gorm:"not null;default:false"`
	Hidden          bool   `gorm:"not null;default:false"`
	Source          string `gorm:"not null"`
	FileName        string `gorm:"not null"`
	FileSize        int64  `gorm:"not null;default:0"`
	SHA256          string `gorm:"column:sha256;not null;default:''"`
	Questionnaire   string `gorm:"not null"`
	QuestionnaireID uint   `gorm:"not null;default:0"`
	Scope           string `gorm:"not null;default:''"`
	ActorID         *uint
	ActorName       string    `gorm:"not null;default:''"`
	ActorAddr       string    `gorm:"not null;default:''"`
	CreatedAt       time.Time `gorm:"not null"`
	StartedAt       *time.Time
	FinishedAt      *time.Time
	HeartbeatAt     *time.Time
	Worker          string `gorm:"not null;default:''"`
	Phase           string `gorm:"not null;default:''"`
	RowsRead        int64  `gorm:"not null;default:0"`
	RowsChecked     int64  `gorm:"not null;default:0"`
	RowsStored      int64  `gorm:"not null;default:0"`
	RowsTotal       int64  `gorm:"not null;default:0"`
	Stored          int64  `gorm:"not null;default:0"`
	Repeated        int64  `gorm:"not null;default:0"`
	Offices         int64  `gorm:"not null;default:0"`
	Counters        int64  `gorm:"not null;default:0"`
	Failure         string `gorm:"not null;default:''"`
	Problems        string `gorm:"not null;default:''"`
	MoreProblems    bool   `gorm:"not null;default:false"`
	Error           string `gorm:"not null;default:''"`
	CreatedOffices  string `gorm:"not null;default:''"`
	CreatedCounters string `gorm:"not null;default:''"`
}

func (v4Import) TableName() string { return "imports" }

// v4ImportChunk is a piece of an uploaded file, kept in the database so that any serve
// process on the same database can run the job.
type v4ImportChunk struct {
	ImportID uint   `gorm:"primaryKey;autoIncrement:false"`
	Seq      int    `gorm:"primaryKey;autoIncrement:false"`
	Data     []byte `gorm:"not null"`
}

func (v4ImportChunk) TableName() string { return "import_chunks" }

func migrateV4(tx *gorm.DB) error {
	for _, model := range []any{&v4Import{}, &v4ImportChunk{}} {
		if err := tx.Migrator().CreateTable(model); err != nil {
			return fmt.Errorf("create %T: %w", model, err)
		}
	}
	pg := tx.Dialector.Name() == "postgres"
	steps := []string{
		// At most one import holds the slot: one runs (or removes a failed one's rows) at a
		// time per database, whichever process runs it.
		"CREATE UNIQUE INDEX imports_active ON imports (active) WHERE active",
		"ALTER TABLE responses ADD COLUMN import_id BIGINT NOT NULL DEFAULT 0",
		// Only imported rows are in these indexes: kiosks pay nothing for them.
		"CREATE INDEX responses_import ON responses (import_id) WHERE import_id <> 0",
	}
	if pg {
		steps = append(steps,
			"ALTER TABLE tallies ADD COLUMN batch BIGINT NOT NULL DEFAULT 0",
			"ALTER TABLE tallies DROP CONSTRAINT tallies_pkey",
			"ALTER TABLE tallies ADD PRIMARY KEY ("+v4TallyKey+")")
	} else {
		// SQLite cannot change a primary key: a new table, filled in key order.
		steps = append(steps,
			"CREATE TABLE tallies_v4 (grain TEXT NOT NULL, period INTEGER NOT NULL, province_id BIGINT NOT NULL, "+
				"office_id BIGINT NOT NULL, counter_id BIGINT NOT NULL, questionnaire_id BIGINT NOT NULL, field TEXT NOT NULL, "+
				"responses BIGINT NOT NULL, sum_score DOUBLE PRECISION NOT NULL, sum_score2 DOUBLE PRECISION NOT NULL, "+
				"counts BLOB NOT NULL, batch BIGINT NOT NULL DEFAULT 0, PRIMARY KEY ("+v4TallyKey+"))",
			"INSERT INTO tallies_v4 ("+v4TallyColumns+", batch) SELECT "+v4TallyColumns+", 0 FROM tallies ORDER BY "+v3Key,
			"DROP TABLE tallies",
			"ALTER TABLE tallies_v4 RENAME TO tallies")
	}
	steps = append(steps, "CREATE INDEX tallies_batch ON tallies (batch) WHERE batch <> 0")
	for _, sql := range steps {
		if err := tx.Exec(sql).Error; err != nil {
			return fmt.Errorf("%.60s…: %w", sql, err)
		}
	}
	return nil
}

// v4TallyKey is the kept counts' primary key from migration 4 on.
const v4TallyKey = v3Key + ", batch"

// v4TallyColumns are the kept counts' columns before migration 4.
const v4TallyColumns = v3Key + ", responses, sum_score, sum_score2, counts"
