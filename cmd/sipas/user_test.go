package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"sipas/models"
	"sipas/survey"
)

// sipasIn runs the command with stdin and the environment env.
func sipasIn(t *testing.T, stdin string, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out)
	return out.String(), err
}

func TestUserCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "u.db")
	pw := "a-long-enough-password-1\n"
	// an office for the office-scoped official
	store, err := openStore(context.Background(), db, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	units, _ := store.Units(context.Background())
	hp, _ := survey.UnitAt(units, "31", "2026-01-01")
	if _, err := store.EnsureOffice(context.Background(), hp.ID, "ubnd-hb", "UBND Hồng Bàng"); err != nil {
		t.Fatal(err)
	}
	store.Close()

	for _, tt := range []struct {
		name  string
		stdin string
		env   map[string]string
		args  []string
		err   string // "" success; else a piece of the error
		out   string
	}{
		{"admin", pw, nil, []string{"user", "add", "-db", db, "-name", "Root", "-role", "admin"}, "", "created root (admin)"},
		{"same name", pw, nil, []string{"user", "add", "-db", db, "-name", "root", "-role", "admin"}, "already an account root", ""},
		{"db from the environment", pw, map[string]string{"SIPAS_DB": db}, []string{"user", "add", "-name", "lan", "-role", "official", "-province", "31", "-office", "ubnd-hb"}, "", "created lan (official)"},
		{"province admin", pw, nil, []string{"user", "add", "-db", db, "-name", "dn", "-role", "province_admin", "-province", "48"}, "", "created dn"},
		{"short password", "short\n", nil, []string{"user", "add", "-db", db, "-name", "x1", "-role", "admin"}, "password: The password must have 12 to 256 characters", ""},
		{"no password", "", nil, []string{"user", "add", "-db", db, "-name", "x2", "-role", "admin"}, "standard input", ""},
		{"unknown role", pw, nil, []string{"user", "add", "-db", db, "-name", "x3", "-role", "root"}, "root is not a role", ""},
		{"official without province", pw, nil, []string{"user", "add", "-db", db, "-name", "x4", "-role", "official"}, "province", ""},
		{"admin with province", pw, nil, []string{"user", "add", "-db", db, "-name", "x5", "-role", "admin", "-province", "31"}, "sees every province", ""},
		{"former province", pw, nil, []string{"user", "add", "-db", db, "-name", "x6", "-role", "official", "-province", "30"}, "no current province", ""},
		{"unknown office", pw, nil, []string{"user", "add", "-db", db, "-name", "x7", "-role", "official", "-province", "48", "-office", "ubnd-hb"}, "no office", ""},
		{"bad name", pw, nil, []string{"user", "add", "-db", db, "-name", "a b", "-role", "admin"}, "name:", ""},
		{"passwd", "another-long-password\n", nil, []string{"user", "passwd", "lan", "-db", db}, "", "set the password of lan"},
		{"passwd unknown", pw, nil, []string{"user", "passwd", "-db", db, "nobody"}, "no account nobody", ""},
		{"disable", "", nil, []string{"user", "disable", "-db", db, "dn"}, "", "disabled dn"},
		{"disable the last admin", "", nil, []string{"user", "disable", "-db", db, "root"}, "last enabled administrator", ""},
		{"no verb", "", nil, []string{"user"}, "add, list, passwd, disable", ""},
	} {
		out, err := sipasIn(t, tt.stdin, tt.env, tt.args...)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s: %v\n%s", tt.name, err, out)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s: error %v, want one with %q", tt.name, err, tt.err)
		case !strings.Contains(out, tt.out):
			t.Errorf("%s: output %q, want %q", tt.name, out, tt.out)
		}
	}

	out, err := sipasIn(t, "", nil, "user", "list", "-db", db)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"dn    province_admin  48        -        disabled", "lan   official        31        ubnd-hb  active", "root  admin           -         -        active"} {
		if !strings.Contains(out, line) {
			t.Errorf("user list lacks %q:\n%s", line, out)
		}
	}
	if strings.Count(out, "\n") != 4 {
		t.Errorf("user list has refused accounts:\n%s", out)
	}

	// the new password works, the hash is argon2id, and every change is audited as the command line's
	store, err = models.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	lan, err := store.UserByName(context.Background(), "lan")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := survey.VerifyPassword(lan.PasswordHash, "another-long-password"); !ok || err != nil || !strings.HasPrefix(lan.PasswordHash, "$argon2id$") {
		t.Errorf("lan's password after passwd: %t %v %s", ok, err, lan.PasswordHash[:12])
	}
	evs, total, err := store.AuditEvents(context.Background(), models.AuditFilter{}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range evs {
		kinds = append(kinds, ev.Kind+":"+ev.Target)
		if ev.ClientAddr != "command line" {
			t.Errorf("%s from %q", ev.Kind, ev.ClientAddr)
		}
	}
	if total != 5 || strings.Join(kinds, " ") != "user.disable:dn user.password:lan user.create:dn user.create:lan user.create:root" {
		t.Errorf("audit log: %v", kinds)
	}
}
