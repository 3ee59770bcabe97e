package models

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"sipas/survey"
)

// Errors of account changes that the user can act on.
var (
	// ErrNameTaken is a new account whose name another account has.
	ErrNameTaken = errors.New("an account with this name exists")
	// ErrLastAdmin is a change that would leave no enabled administrator.
	ErrLastAdmin = errors.New("the last enabled administrator cannot be disabled or given another role")
)

// User is an account that signs in: an administrator, a province admin or an official.
// Accounts are never deleted, only disabled, so that the audit log keeps naming them.
type User struct {
	ID                uint `gorm:"primaryKey"`
	Name              string
	Role              string // a survey.Role
	ProvinceID        *uint  // the current provincial unit; nil for an admin
	OfficeID          *uint  // an official narrowed to one office
	Disabled          bool
	PasswordHash      string // argon2id, PHC string (survey.HashPassword)
	PasswordChangedAt time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// Account is what decides the user's rights.
func (u User) Account() survey.Account {
	return survey.Account{Name: u.Name, Role: survey.Role(u.Role), ProvinceID: deref(u.ProvinceID), OfficeID: deref(u.OfficeID)}
}

// SetAccount sets the user's role and place from a.
func (u *User) SetAccount(a survey.Account) {
	u.Name, u.Role, u.ProvinceID, u.OfficeID = a.Name, string(a.Role), idPtr(a.ProvinceID), idPtr(a.OfficeID)
}

func deref(p *uint) uint {
	if p == nil {
		return 0
	}
	return *p
}

func idPtr(id uint) *uint {
	if id == 0 {
		return nil
	}
	return &id
}

// UserRow is an account with the names of its province and office, for lists.
type UserRow struct {
	User         `gorm:"embedded"`
	ProvinceCode string
	ProvinceName string
	OfficeCode   string
	OfficeName   string
}

// Actor is who makes a change and when, as the audit log records it: a signed-in user,
// or the command line (ID 0).
type Actor struct {
	ID   uint
	Name string
	Addr string // the client address, or "command line"
	Now  time.Time
}

// UserByName finds an account by its (normalized) name.
func (s *Store) UserByName(ctx context.Context, name string) (User, error) {
	return s.userWhere(ctx, "name = ?", name)
}

// UserByID finds an account.
func (s *Store) UserByID(ctx context.Context, id uint) (User, error) {
	return s.userWhere(ctx, "id = ?", id)
}

func (s *Store) userWhere(ctx context.Context, cond string, arg any) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Where(cond, arg).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return u, ErrNotFound
	}
	if err != nil {
		return u, fmt.Errorf("read account %v: %w", arg, err)
	}
	return u, nil
}

// Users lists the accounts of the given provinces (nil: every account), by name.
func (s *Store) Users(ctx context.Context, provinceIDs []uint) ([]UserRow, error) {
	q := s.userRows(ctx)
	if provinceIDs != nil {
		q = q.Where("users.province_id IN ?", append([]uint{0}, provinceIDs...))
	}
	var rows []UserRow
	if err := q.Order("users.name").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	return rows, nil
}

// UserRowByID finds an account with the names of its province and office.
func (s *Store) UserRowByID(ctx context.Context, id uint) (UserRow, error) {
	var rows []UserRow
	if err := s.userRows(ctx).Where("users.id = ?", id).Scan(&rows).Error; err != nil {
		return UserRow{}, fmt.Errorf("read account %d: %w", id, err)
	}
	if len(rows) == 0 {
		return UserRow{}, ErrNotFound
	}
	return rows[0], nil
}

func (s *Store) userRows(ctx context.Context) *gorm.DB {
	return s.db.WithContext(ctx).Table("users").
		Select("users.*, COALESCE(provinces.code, '') AS province_code, COALESCE(provinces.name, '') AS province_name, " +
			"COALESCE(offices.code, '') AS office_code, COALESCE(offices.name, '') AS office_name").
		Joins("LEFT JOIN provinces ON provinces.id = users.province_id").
		Joins("LEFT JOIN offices ON offices.id = users.office_id")
}

// HasAdmin tells whether an enabled administrator exists.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	n, err := enabledAdmins(s.db.WithContext(ctx))
	return n > 0, err
}

func enabledAdmins(db *gorm.DB) (int64, error) {
	var n int64
	err := db.Model(&User{}).Where("role = ? AND disabled = ?", string(survey.RoleAdmin), false).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count administrators: %w", err)
	}
	return n, nil
}

// OfficeIn finds the office with code among the offices of the given provinces.
func (s *Store) OfficeIn(ctx context.Context, provinceIDs []uint, code string) (Office, error) {
	var o Office
	err := s.db.WithContext(ctx).Where("province_id IN ? AND code = ?", append([]uint{0}, provinceIDs...), code).
		Order("id").Take(&o).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return o, ErrNotFound
	}
	return o, err
}

// OfficeByID finds an office.
func (s *Store) OfficeByID(ctx context.Context, id uint) (Office, error) {
	var o Office
	err := s.db.WithContext(ctx).Take(&o, id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return o, ErrNotFound
	}
	return o, err
}

// CreateUser stores a new account and audits it, in one transaction.
func (s *Store) CreateUser(ctx context.Context, u *User, by Actor) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return createUser(tx, u, "user.create", by)
	})
}

func createUser(tx *gorm.DB, u *User, kind string, by Actor) error {
	var n int64
	if err := tx.Model(&User{}).Where("name = ?", u.Name).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return ErrNameTaken
	}
	u.PasswordChangedAt, u.CreatedAt, u.UpdatedAt = by.Now, by.Now, by.Now
	if err := tx.Create(u).Error; err != nil {
		return fmt.Errorf("create account %s: %w", u.Name, err)
	}
	after, err := userSnapshot(tx, *u)
	if err != nil {
		return err
	}
	return appendAudit(tx, by, kind, u.Name, nil, after)
}

// UpdateUser changes an account with change and audits it as kind, in one transaction.
// Disabling an account or changing its password ends its sessions (but keep, the session
// of a user changing their own password); the last enabled administrator stays one.
func (s *Store) UpdateUser(ctx context.Context, id uint, kind string, by Actor, keep uint, change func(*User) error) (User, error) {
	var u User
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Take(&u, id).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return ErrNotFound
			}
			return err
		}
		old := u
		before, err := userSnapshot(tx, old)
		if err != nil {
			return err
		}
		if err := change(&u); err != nil {
			return err
		}
		u.ID, u.Name, u.CreatedAt = old.ID, old.Name, old.CreatedAt
		passwordChanged := u.PasswordHash != old.PasswordHash
		if passwordChanged {
			u.PasswordChangedAt = by.Now
		}
		u.UpdatedAt = by.Now
		if err := tx.Save(&u).Error; err != nil {
			return fmt.Errorf("update account %s: %w", u.Name, err)
		}
		if old.Role == string(survey.RoleAdmin) && !old.Disabled && (u.Role != old.Role || u.Disabled) {
			if n, err := enabledAdmins(tx); err != nil {
				return err
			} else if n == 0 {
				return ErrLastAdmin
			}
		}
		if u.Disabled || passwordChanged {
			if err := tx.Where("user_id = ? AND id <> ?", u.ID, keep).Delete(&Session{}).Error; err != nil {
				return fmt.Errorf("end sessions of %s: %w", u.Name, err)
			}
		}
		after, err := userSnapshot(tx, u)
		if err != nil {
			return err
		}
		if passwordChanged {
			after["password"] = "changed"
		}
		return appendAudit(tx, by, kind, u.Name, before, after)
	})
	return u, err
}

// userSnapshot is what the audit log keeps of an account: never its password hash.
func userSnapshot(tx *gorm.DB, u User) (map[string]any, error) {
	m := map[string]any{"name": u.Name, "role": u.Role, "disabled": u.Disabled}
	if u.ProvinceID != nil {
		var p Province
		if err := tx.Select("code").Take(&p, *u.ProvinceID).Error; err != nil {
			return nil, fmt.Errorf("province of %s: %w", u.Name, err)
		}
		m["province"] = p.Code
	}
	if u.OfficeID != nil {
		var o Office
		if err := tx.Select("code").Take(&o, *u.OfficeID).Error; err != nil {
			return nil, fmt.Errorf("office of %s: %w", u.Name, err)
		}
		m["office"] = o.Code
	}
	return m, nil
}
