// Command sipas runs the SIPAS satisfaction survey web app and its administration
// commands. See README.md for the subcommands and their flags.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "sipas:", err)
		os.Exit(1)
	}
}

// command is one subcommand: its name, one line of help and what it does.
type command struct {
	name, help string
	run        func(ctx context.Context, env cmdEnv, args []string) error
}

// cmdEnv is what every subcommand may use: the environment and standard streams.
type cmdEnv struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
}

func commands() []command {
	return []command{
		{"serve", "run the web app (default)", serve},
		{"demo", "create demo offices and counters and N synthetic responses", demo},
		{"import", "import paper questionnaires from FILE.csv or FILE.xlsx, all or nothing", importPaper},
		{"export", "write the index table of a period to stdout (csv, xlsx or json)", exportIndex},
		{"counts", "print the kept counts of a counter, office or province in a period", counts},
		{"verify", "recompute every kept count from the raw responses; exit 1 on a difference", verify},
		{"backup", "write a consistent copy of the SQLite database to OUT while serve runs", backup},
		{"restore", "put a copy made by backup in place of the database (serve stopped)", restore},
		{"user", "accounts: add, list, passwd, disable (passwords from standard input)", user},
		{"questionnaire", "questionnaire versions: list, export, publish, assign", questionnaire},
	}
}

// run dispatches to the subcommand named by args[0]; without one it serves.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	env := cmdEnv{getenv: getenv, stdin: stdin, stdout: stdout}
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, env, args)
		}
	}
	usage(stdout)
	return fmt.Errorf("unknown command %q", name)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: sipas [command] [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.help)
	}
	fmt.Fprintln(w, "\nEvery flag also reads SIPAS_<FLAG> from the environment; run 'sipas <command> -h' for its flags.")
}
