package models

import "time"

// Questionnaire statuses: a draft can change; a published version never does.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Channels through which a response arrives.
const (
	ChannelKiosk  = "kiosk"
	ChannelPaper  = "paper"
	ChannelOnline = "online"
)

// Province is a provincial unit with its validity dates; see survey.Unit.
type Province struct {
	ID             uint `gorm:"primaryKey"`
	Code           string
	Name           string
	ValidFrom      string
	ValidUntil     string
	MergedFrom     string // comma-separated former codes
	AnnualDossiers int64  // dossiers handled a year, for sample adequacy; 0 unknown
}

// Questionnaire is one published version of a questionnaire definition
// (survey.Questionnaire JSON). It never changes once stored: the database refuses to
// (migration 5's triggers). Drafts are kept apart, in questionnaire_drafts.
type Questionnaire struct {
	ID          uint `gorm:"primaryKey"`
	Code        string
	Version     int
	Status      string
	Definition  string
	CreatedAt   time.Time
	PublishedAt *time.Time
	BasedOnID   *uint  // the version it was drafted from
	PublishedBy string // the account, or "command line"
	Note        string // what changed, in the publisher's words
}

// Office is an agency or One-Stop-Shop in a province.
type Office struct {
	ID             uint `gorm:"primaryKey"`
	ProvinceID     uint
	Code           string
	Name           string
	AnnualDossiers int64
	CreatedAt      time.Time
	ClosedAt       *time.Time // closed offices keep their history; their counters are closed too
}

// Counter is a desk, kiosk or tablet where responses are given; its code is in the kiosk URL.
type Counter struct {
	ID             uint `gorm:"primaryKey"`
	OfficeID       uint
	ProvinceID     uint
	Code           string
	Name           string
	Field          string // procedure field preset for every response, "" to ask
	RequiresDevice bool   // only registered kiosk devices may submit here (devices.go)
	AnnualDossiers int64
	CreatedAt      time.Time
	ClosedAt       *time.Time // a closed counter's kiosk accepts nothing; its history stays
}

// Response is one anonymous answered questionnaire: no name, phone, IP address or device
// is kept. ProvinceID is the unit in force when it was given.
type Response struct {
	ID              uint `gorm:"primaryKey"`
	UUID            string
	CounterID       uint
	OfficeID        uint
	ProvinceID      uint
	QuestionnaireID uint
	Channel         string
	Field           string
	SubmittedAt     time.Time
	Day             int    // YYYYMMDD in Vietnam time
	Answers         string // survey.Submission.Encode()
	ImportID        uint   // the import that stored it; 0 for a kiosk's or link's
}
