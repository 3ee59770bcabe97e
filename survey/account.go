package survey

import (
	"strings"
	"unicode/utf8"
)

// Role is what an account may do. Every account has one; see README's roles table.
type Role string

// The roles, from the widest.
const (
	// RoleAdmin may do everything in every province, including accounts and the audit log.
	RoleAdmin Role = "admin"
	// RoleProvinceAdmin configures its province and manages the officials in it.
	RoleProvinceAdmin Role = "province_admin"
	// RoleOfficial reads the figures below province level of its province, or of one office.
	RoleOfficial Role = "official"
)

// Name is the role's name for people.
func (r Role) Name() Message {
	switch r {
	case RoleAdmin:
		return Msg("auth.role.admin")
	case RoleProvinceAdmin:
		return Msg("auth.role.province_admin")
	}
	return Msg("auth.role.official")
}

// Roles lists every role, the widest first.
func Roles() []Role { return []Role{RoleAdmin, RoleProvinceAdmin, RoleOfficial} }

// AccountError is a refused account or password, with the form field it is about.
type AccountError struct {
	Field string // "name", "role", "province", "office", "password"
	Msg   Message
}

func (e *AccountError) Error() string { return e.Field + ": " + e.Msg.String() }

func accountError(field string, m Message) *AccountError {
	return &AccountError{Field: field, Msg: m}
}

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", accountError("role", Msg("account.error.role", s))
}

// Account is what decides an account's rights: its role and its place. ProvinceID is the
// current provincial unit of a province admin or official (0 for an admin); OfficeID, for
// an official, narrows it to one office (0: the whole province).
type Account struct {
	Name       string
	Role       Role
	ProvinceID uint
	OfficeID   uint
}

// NormalizeName is the form in which account names are stored and compared: trimmed and
// lower case, so that "Lan" and "lan " are one account.
func NormalizeName(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// CheckName accepts 2–64 ASCII letters, digits, '.', '_', '-' and '@', beginning with a
// letter or a digit: names appear in URLs, logs and CSV files.
func CheckName(name string) error {
	if len(name) < 2 || len(name) > 64 {
		return accountError("name", Msg("account.error.name"))
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || i > 0 && strings.ContainsRune("._-@", r)
		if !ok {
			return accountError("name", Msg("account.error.name"))
		}
	}
	return nil
}

// CheckPassword applies the password rule: MinPasswordLen to MaxPasswordLen characters,
// valid UTF-8, no control characters (a pasted line break is a mistake, not a secret).
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	if !utf8.ValidString(pw) || strings.ContainsFunc(pw, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return accountError("password", Msg("account.error.password_chars"))
	}
	if n < MinPasswordLen || n > MaxPasswordLen {
		return accountError("password", Msg("account.error.password_length", MinPasswordLen, MaxPasswordLen))
	}
	return nil
}

// Validate checks that an account's role and place fit: an admin has no province, a
// province admin has one, an official has one and perhaps an office in it.
func (a Account) Validate() error {
	if err := CheckName(a.Name); err != nil {
		return err
	}
	if _, err := ParseRole(string(a.Role)); err != nil {
		return err
	}
	switch {
	case a.Role == RoleAdmin && (a.ProvinceID != 0 || a.OfficeID != 0):
		return accountError("province", Msg("account.error.admin_scope"))
	case a.Role != RoleAdmin && a.ProvinceID == 0:
		return accountError("province", Msg("account.error.province_required"))
	case a.Role == RoleProvinceAdmin && a.OfficeID != 0:
		return accountError("office", Msg("account.error.office_official_only"))
	}
	return nil
}

// Manages tells whether a manages accounts at all (the users page).
func (a Account) Manages() bool { return a.Role == RoleAdmin || a.Role == RoleProvinceAdmin }

// CanManage tells whether a may create target, or change an account into target: an
// admin any account, a province admin the officials of its own province only.
func (a Account) CanManage(target Account) bool {
	switch a.Role {
	case RoleAdmin:
		return true
	case RoleProvinceAdmin:
		return target.Role == RoleOfficial && target.ProvinceID == a.ProvinceID
	}
	return false
}

// AssignableRoles are the roles a may give.
func (a Account) AssignableRoles() []Role {
	switch a.Role {
	case RoleAdmin:
		return Roles()
	case RoleProvinceAdmin:
		return []Role{RoleOfficial}
	}
	return nil
}
