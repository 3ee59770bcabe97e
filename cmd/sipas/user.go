package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"sipas/models"
	"sipas/survey"
	"sipas/views"
)

// user manages accounts from the command line: add, list, passwd, disable. Passwords are
// read from standard input (one line), never from the command line, where other users of
// the machine and the shell's history would see them. Every change is audited as made
// from the command line.
func user(ctx context.Context, env cmdEnv, args []string) error {
	verbs := map[string]func(context.Context, cmdEnv, []string) error{
		"add": userAdd, "list": userList, "passwd": userPasswd, "disable": userDisable,
	}
	if len(args) == 0 || verbs[args[0]] == nil {
		fmt.Fprintln(env.stdout, "usage: sipas user add -name NAME -role admin|province_admin|official [-province CODE] [-office CODE] < password\n"+
			"       sipas user list\n       sipas user passwd NAME < password\n       sipas user disable NAME\n(each also takes -db)")
		return errors.New("user needs one of add, list, passwd, disable")
	}
	return verbs[args[0]](ctx, env, args[1:])
}

// parseWithName parses flags around one positional NAME (before or after the flags).
func parseWithName(fs *flag.FlagSet, env cmdEnv, args []string) (string, error) {
	name, err := parseWithArg(fs, env, args, "the account's name")
	return survey.NormalizeName(name), err
}

// cliActor is who the audit log names for a change made from the command line.
func cliActor() models.Actor { return models.Actor{Addr: "command line", Now: time.Now()} }

// readPassword reads one line from r and checks it against the password rule.
func readPassword(r io.Reader, catalog *views.Catalog) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("give the password on standard input, one line")
	}
	pw := strings.TrimRight(line, "\r\n")
	if err := survey.CheckPassword(pw); err != nil {
		return "", inEnglish(catalog, err)
	}
	return pw, nil
}

// inEnglish puts an account error into words for the terminal.
func inEnglish(catalog *views.Catalog, err error) error {
	var ae *survey.AccountError
	if errors.As(err, &ae) {
		return fmt.Errorf("%s: %s", ae.Field, catalog.Message("en", ae.Msg))
	}
	return err
}

func userAdd(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("user add", env)
	dsn := dbFlag(fs)
	name := fs.String("name", "", "the account's name: 2–64 lower-case letters, digits, '.', '_', '-', '@'")
	role := fs.String("role", "", "admin, province_admin or official")
	province := fs.String("province", "", "the current province's code (province_admin, official), e.g. 31")
	office := fs.String("office", "", "the office's code, for an official who sees one office only")
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	catalog, err := views.LoadCatalog()
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *dsn, io.Discard)
	if err != nil {
		return err
	}
	defer store.Close()
	acc := survey.Account{Name: survey.NormalizeName(*name), Role: survey.Role(*role)}
	if *province != "" {
		units, err := store.Units(ctx)
		if err != nil {
			return err
		}
		unit, ok := survey.UnitAt(units, *province, time.Now().In(survey.VietnamTime()).Format("2006-01-02"))
		if !ok {
			return fmt.Errorf("-province: no current province has the code %q", *province)
		}
		acc.ProvinceID = unit.ID
		if *office != "" {
			o, err := store.OfficeIn(ctx, survey.UnitIDs(survey.UnitsInto(units, unit)), *office)
			if errors.Is(err, models.ErrNotFound) {
				return fmt.Errorf("-office: there is no office %q in %s", *office, unit.Name)
			}
			if err != nil {
				return err
			}
			acc.OfficeID = o.ID
		}
	} else if *office != "" {
		return errors.New("-office needs -province")
	}
	if err := acc.Validate(); err != nil {
		return inEnglish(catalog, err)
	}
	pw, err := readPassword(env.stdin, catalog)
	if err != nil {
		return err
	}
	hash, err := survey.HashPassword(pw, survey.DefaultArgon2())
	if err != nil {
		return err
	}
	u := models.User{PasswordHash: hash}
	u.SetAccount(acc)
	if err := store.CreateUser(ctx, &u, cliActor()); err != nil {
		if errors.Is(err, models.ErrNameTaken) {
			return fmt.Errorf("-name: there is already an account %s", acc.Name)
		}
		return err
	}
	fmt.Fprintf(env.stdout, "created %s (%s)\n", u.Name, u.Role)
	return nil
}

func userList(ctx context.Context, env cmdEnv, args []string) error {
	fs := newFlags("user list", env)
	dsn := dbFlag(fs)
	if err := parseFlags(fs, env, args); err != nil {
		return err
	}
	store, err := openStore(ctx, *dsn, io.Discard)
	if err != nil {
		return err
	}
	defer store.Close()
	rows, err := store.Users(ctx, nil)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tROLE\tPROVINCE\tOFFICE\tSTATUS\tCREATED")
	for _, r := range rows {
		status := "active"
		if r.Disabled {
			status = "disabled"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Role, dash(r.ProvinceCode), dash(r.OfficeCode), status,
			r.CreatedAt.In(survey.VietnamTime()).Format("2006-01-02 15:04"))
	}
	return w.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func userPasswd(ctx context.Context, env cmdEnv, args []string) error {
	return changeUser(ctx, env, "user passwd", args, func(store *models.Store, catalog *views.Catalog) (string, func(*models.User) error, error) {
		pw, err := readPassword(env.stdin, catalog)
		if err != nil {
			return "", nil, err
		}
		hash, err := survey.HashPassword(pw, survey.DefaultArgon2())
		return "user.password", func(u *models.User) error { u.PasswordHash = hash; return nil }, err
	}, "set the password of %s; its sessions were signed out\n")
}

func userDisable(ctx context.Context, env cmdEnv, args []string) error {
	return changeUser(ctx, env, "user disable", args, func(*models.Store, *views.Catalog) (string, func(*models.User) error, error) {
		return "user.disable", func(u *models.User) error { u.Disabled = true; return nil }, nil
	}, "disabled %s; its sessions were signed out\n")
}

// changeUser applies the change that prepare returns to the account named in args.
func changeUser(ctx context.Context, env cmdEnv, verb string, args []string,
	prepare func(*models.Store, *views.Catalog) (string, func(*models.User) error, error), done string) error {
	fs := newFlags(verb, env)
	dsn := dbFlag(fs)
	name, err := parseWithName(fs, env, args)
	if err != nil {
		return fmt.Errorf("usage: sipas %s [-db …] NAME: %w", verb, err)
	}
	catalog, err := views.LoadCatalog()
	if err != nil {
		return err
	}
	store, err := openStore(ctx, *dsn, io.Discard)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.UserByName(ctx, name)
	if errors.Is(err, models.ErrNotFound) {
		return fmt.Errorf("there is no account %s", name)
	}
	if err != nil {
		return err
	}
	kind, change, err := prepare(store, catalog)
	if err != nil {
		return err
	}
	if _, err := store.UpdateUser(ctx, u.ID, kind, cliActor(), 0, change); err != nil {
		if errors.Is(err, models.ErrLastAdmin) {
			return errors.New(catalog.T("en", "users.error.last_admin"))
		}
		return err
	}
	fmt.Fprintf(env.stdout, done, name)
	return nil
}
