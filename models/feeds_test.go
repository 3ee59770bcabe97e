package models

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFeedTokens(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		hp := mustUnit(t, s, "31", "2026-01-01")
		lan := User{Name: "lan", Role: "official", ProvinceID: &hp.ID, PasswordHash: testHash(t)}
		if err := s.CreateUser(ctx, &lan, cli(t0)); err != nil {
			t.Fatal(err)
		}
		by := Actor{ID: lan.ID, Name: "lan", Addr: "192.0.2.1", Now: t0.Add(time.Minute)}
		if _, ok, err := s.ActiveFeed(ctx, lan.ID); ok || err != nil {
			t.Fatalf("a feed before any: %v %v", ok, err)
		}
		if err := s.NewFeedToken(ctx, lan, "hash-1", by); err != nil {
			t.Fatal(err)
		}
		if u, err := s.FeedUser(ctx, "hash-1"); err != nil || u.ID != lan.ID {
			t.Fatalf("feed user %+v, %v", u, err)
		}
		if err := s.NewFeedToken(ctx, lan, "hash-2", by); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FeedUser(ctx, "hash-1"); !errors.Is(err, ErrNotFound) {
			t.Errorf("the replaced link still reads: %v", err)
		}
		if _, ok, _ := s.ActiveFeed(ctx, lan.ID); !ok {
			t.Error("no active feed after a new one")
		}
		if _, err := s.UpdateUser(ctx, lan.ID, "user.disable", by, 0, func(u *User) error { u.Disabled = true; return nil }); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FeedUser(ctx, "hash-2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a disabled account's link reads: %v", err)
		}
		if _, err := s.UpdateUser(ctx, lan.ID, "user.enable", by, 0, func(u *User) error { u.Disabled = false; return nil }); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeFeedTokens(ctx, lan, by); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FeedUser(ctx, "hash-2"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a revoked link reads: %v", err)
		}
		if got := len(auditOf(t, s, "feed.create")) + len(auditOf(t, s, "feed.revoke")); got != 3 {
			t.Errorf("%d feed audit events, want 3", got)
		}
	})
}
