// Command kioskbaseline serves the comparison point of scripts/bench's kiosk rows (SPEC
// §7), handlers.BareKiosk, as a process of its own: a bare echo + GORM + SQLite server
// that validates a kiosk form and writes the same rows as sipas, one transaction per
// response, on SQLite's best plain settings (models.Open's: WAL, synchronous=FULL, busy
// timeout, immediate transactions).
//
//	go run ./scripts/kioskbaseline -db demo.db -addr 127.0.0.1:18480 -counter demo-31
package main

import (
	"context"
	"flag"
	"fmt"
	"log"

	"sipas/handlers"
	"sipas/models"
)

func main() {
	dsn := flag.String("db", "baseline.db", "SQLite file (made by sipas demo)")
	addr := flag.String("addr", "127.0.0.1:18480", "address to listen on")
	code := flag.String("counter", "demo-31", "the counter the responses are for")
	flag.Parse()
	if err := run(*dsn, *addr, *code); err != nil {
		log.Fatal(err)
	}
}

func run(dsn, addr, code string) error {
	store, err := models.Open(dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	k, err := store.KioskByCounter(context.Background(), code, "sipas-counter")
	if err != nil {
		return fmt.Errorf("counter %s: %w", code, err)
	}
	return handlers.BareKiosk(store, k).Start(addr)
}
