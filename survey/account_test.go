package survey

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"lan", true}, {"nguyen.van-a_1", true}, {"a@hp", true}, {"7x", true},
		{"", false}, {"a", false}, {strings.Repeat("a", 65), false}, {"Lan", false}, // upper case: normalize first
		{".lan", false}, {"-lan", false}, {"lan van", false}, {"lân", false}, {"a/b", false},
	} {
		err := CheckName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("CheckName(%q) = %v, want ok %t", tt.name, err, tt.ok)
		}
	}
	if got := NormalizeName("  Lan.HP "); got != "lan.hp" {
		t.Errorf("NormalizeName = %q", got)
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tt := range []struct {
		pw  string
		key string // "" accepted
	}{
		{"twelve chars", ""},
		{"mật khẩu dài đủ", ""}, // 15 characters, more bytes
		{"eleven char", "account.error.password_length"},
		{"ngắn quá ạ", "account.error.password_length"}, // 10 characters in 15 bytes
		{strings.Repeat("x", MaxPasswordLen), ""},
		{strings.Repeat("x", MaxPasswordLen+1), "account.error.password_length"},
		{"line\nbreak in it", "account.error.password_chars"},
		{"bad utf8 \xff\xfe here", "account.error.password_chars"},
	} {
		err := CheckPassword(tt.pw)
		var ae *AccountError
		switch {
		case tt.key == "" && err != nil:
			t.Errorf("CheckPassword(%q) = %v, want accepted", tt.pw, err)
		case tt.key != "" && (!errors.As(err, &ae) || ae.Msg.Key != tt.key || ae.Field != "password"):
			t.Errorf("CheckPassword(%q) = %v, want %s", tt.pw, err, tt.key)
		}
	}
}

func TestAccountValidate(t *testing.T) {
	for _, tt := range []struct {
		a     Account
		field string // "" valid
	}{
		{Account{Name: "root", Role: RoleAdmin}, ""},
		{Account{Name: "root", Role: RoleAdmin, ProvinceID: 3}, "province"},
		{Account{Name: "dn", Role: RoleProvinceAdmin, ProvinceID: 3}, ""},
		{Account{Name: "dn", Role: RoleProvinceAdmin}, "province"},
		{Account{Name: "dn", Role: RoleProvinceAdmin, ProvinceID: 3, OfficeID: 4}, "office"},
		{Account{Name: "hp", Role: RoleOfficial, ProvinceID: 3}, ""},
		{Account{Name: "hp", Role: RoleOfficial, ProvinceID: 3, OfficeID: 4}, ""},
		{Account{Name: "hp", Role: RoleOfficial, OfficeID: 4}, "province"},
		{Account{Name: "hp", Role: "root", ProvinceID: 3}, "role"},
		{Account{Name: "H P", Role: RoleOfficial, ProvinceID: 3}, "name"},
	} {
		err := tt.a.Validate()
		var ae *AccountError
		if tt.field == "" && err != nil || tt.field != "" && (!errors.As(err, &ae) || ae.Field != tt.field) {
			t.Errorf("%+v: Validate() = %v, want field %q", tt.a, err, tt.field)
		}
	}
}

func TestCanManage(t *testing.T) {
	admin := Account{Role: RoleAdmin}
	dn := Account{Role: RoleProvinceAdmin, ProvinceID: 48}
	official := Account{Role: RoleOfficial, ProvinceID: 48}
	for _, tt := range []struct {
		who, target Account
		want        bool
	}{
		{admin, Account{Role: RoleAdmin}, true},
		{admin, Account{Role: RoleOfficial, ProvinceID: 31}, true},
		{dn, Account{Role: RoleOfficial, ProvinceID: 48, OfficeID: 7}, true},
		{dn, Account{Role: RoleOfficial, ProvinceID: 31}, false},       // another province
		{dn, Account{Role: RoleProvinceAdmin, ProvinceID: 48}, false},  // not an official
		{dn, Account{Role: RoleAdmin}, false},                          // no escalation
		{official, Account{Role: RoleOfficial, ProvinceID: 48}, false}, // officials manage nobody
	} {
		if got := tt.who.CanManage(tt.target); got != tt.want {
			t.Errorf("%+v.CanManage(%+v) = %t, want %t", tt.who, tt.target, got, tt.want)
		}
	}
	if got := dn.AssignableRoles(); len(got) != 1 || got[0] != RoleOfficial {
		t.Errorf("a province admin assigns %v", got)
	}
	if official.Manages() || !dn.Manages() || !admin.Manages() {
		t.Error("Manages")
	}
}

// cheapArgon2 keeps the tests quick; the format and the comparison are the same.
func cheapArgon2() Argon2Params { return Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 32} }

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery", cheapArgon2())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q does not carry its parameters", h)
	}
	h2, _ := HashPassword("correct horse battery", cheapArgon2())
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tt := range []struct {
		pw   string
		want bool
	}{{"correct horse battery", true}, {"correct horse batterY", false}, {"", false}} {
		if ok, err := VerifyPassword(h, tt.pw); err != nil || ok != tt.want {
			t.Errorf("VerifyPassword(%q) = %t, %v; want %t", tt.pw, ok, err, tt.want)
		}
	}
	if NeedsRehash(h, cheapArgon2()) || !NeedsRehash(h, DefaultArgon2()) {
		t.Error("NeedsRehash does not compare the stored costs")
	}
	// A hash made with other costs keeps verifying with its own.
	strong, _ := HashPassword("correct horse battery", Argon2Params{Time: 2, MemoryKiB: 128, Threads: 2, KeyLen: 24})
	if ok, err := VerifyPassword(strong, "correct horse battery"); !ok || err != nil {
		t.Errorf("a hash with other costs: %t %v", ok, err)
	}
	for _, bad := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$c2hvcnQ"} {
		if _, err := VerifyPassword(bad, "x"); !errors.Is(err, ErrBadHash) {
			t.Errorf("VerifyPassword(%q) = %v, want ErrBadHash", bad, err)
		}
	}
}
