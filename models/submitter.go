package models

import (
	"context"
	"errors"
	"sync"
	"time"

	"gorm.io/gorm"
)

// Submitter stores kiosk responses with group commit: submissions that arrive while a
// transaction is being written wait and are written together in the next one. Each
// caller still returns only after its response is committed (synchronous=FULL), so an
// acknowledged response is never lost; a lone submission is written at once.
//
// It is the one writer of serve: an import's slices are written by it too (runTx), one
// slice, then the kiosk submissions that came meanwhile, then the next slice, so that a
// submission waits for at most about one slice. One that waits longer than the bound
// given to NewSubmitter is answered ErrBusy (the kiosk keeps it and sends it again).
type Submitter struct {
	store    *Store
	maxBatch int
	wait     time.Duration
	queue    chan submitRequest
	jobs     chan writeJob
	wg       sync.WaitGroup
	mu       sync.RWMutex // held for reading while queueing, for writing to close
	closing  bool
	closed   chan struct{}
}

// writeJob is a transaction the writer runs between kiosk batches (an import's slice),
// on db (nil: any connection).
type writeJob struct {
	ctx  context.Context
	db   *gorm.DB
	fn   func(writeTx) error
	done chan error
}

// DefaultSubmitWait is how long a kiosk submission waits for the writer before it is
// answered ErrBusy, when NewSubmitter is given no bound.
const DefaultSubmitWait = 5 * time.Second

// ErrBusy is returned by Submit when the writer has not stored the response within the
// submitter's bound. The response may still be stored later: a retry with the same UUID
// is then acknowledged as a repeat, never stored twice.
var ErrBusy = errors.New("the database is busy")

type submitRequest struct {
	response NewResponse
	reply    chan submitResult
}

type submitResult struct {
	outcome Outcome
	err     error
}

// ErrClosed is returned by a Submitter that has been closed.
var ErrClosed = errors.New("submitter closed")

// NewSubmitter starts a submitter writing up to maxBatch responses a transaction, whose
// Submit waits at most wait for the writer (DefaultSubmitWait when 0 or less).
func (s *Store) NewSubmitter(maxBatch int, wait time.Duration) *Submitter {
	if maxBatch < 1 {
		maxBatch = 1
	}
	if wait <= 0 {
		wait = DefaultSubmitWait
	}
	b := &Submitter{store: s, maxBatch: maxBatch, wait: wait, queue: make(chan submitRequest, 4*maxBatch),
		jobs: make(chan writeJob), closed: make(chan struct{})}
	b.wg.Add(1)
	go b.loop()
	return b
}

// Submit stores r and reports what happened to it, once it is committed; ErrBusy when
// that takes longer than the submitter's bound.
func (b *Submitter) Submit(ctx context.Context, r NewResponse) (Outcome, error) {
	req := submitRequest{response: r, reply: make(chan submitResult, 1)}
	bound := time.NewTimer(b.wait)
	defer bound.Stop()
	b.mu.RLock()
	if b.closing {
		b.mu.RUnlock()
		return 0, ErrClosed
	}
	select {
	case b.queue <- req:
		b.mu.RUnlock()
	case <-bound.C:
		b.mu.RUnlock()
		return 0, ErrBusy
	case <-ctx.Done():
		b.mu.RUnlock()
		return 0, ctx.Err()
	}
	// Once queued, the response is written even if the client gave up or the bound
	// passes: the outcome is what the next retry sees, and the loop never blocks on a
	// reply.
	select {
	case res := <-req.reply:
		return res.outcome, res.err
	case <-bound.C:
		return 0, ErrBusy
	}
}

// runTx runs fn in a write transaction of the writer, between two kiosk batches.
func (b *Submitter) runTx(ctx context.Context, fn func(writeTx) error) error {
	return b.runTxOn(ctx, nil, fn)
}

// runTxOn is runTx on db, a session on a connection of its own (nil: any connection).
func (b *Submitter) runTxOn(ctx context.Context, db *gorm.DB, fn func(writeTx) error) error {
	job := writeJob{ctx: ctx, db: db, fn: fn, done: make(chan error, 1)}
	b.mu.RLock()
	if b.closing {
		b.mu.RUnlock()
		return ErrClosed
	}
	select {
	case b.jobs <- job:
		b.mu.RUnlock()
	case <-ctx.Done():
		b.mu.RUnlock()
		return ctx.Err()
	}
	return <-job.done
}

// Close writes what is queued and stops the submitter.
func (b *Submitter) Close() {
	b.mu.Lock()
	if !b.closing {
		b.closing = true
		close(b.closed)
	}
	b.mu.Unlock()
	b.wg.Wait()
}

func (b *Submitter) loop() {
	defer b.wg.Done()
	for {
		select {
		case first := <-b.queue:
			b.writeQueued(first)
		case job := <-b.jobs:
			job.done <- b.store.runTxOn(job.ctx, job.db, job.fn)
			// The submissions that came meanwhile go before the next job.
			select {
			case first := <-b.queue:
				b.writeQueued(first)
			default:
			}
		case <-b.closed:
			b.drain()
			return
		}
	}
}

// writeQueued writes first and the submissions queued behind it, up to maxBatch.
func (b *Submitter) writeQueued(first submitRequest) {
	batch := []submitRequest{first}
	for len(batch) < b.maxBatch {
		select {
		case req := <-b.queue:
			batch = append(batch, req)
		default:
			b.write(batch)
			return
		}
	}
	b.write(batch)
}

// drain writes whatever was queued before Close; jobs are refused.
func (b *Submitter) drain() {
	for {
		select {
		case req := <-b.queue:
			b.write([]submitRequest{req})
		case job := <-b.jobs:
			job.done <- ErrClosed
		default:
			return
		}
	}
}

// write commits a batch; if the batch fails as a whole, each response is tried alone so
// that one response's failure is not everyone's.
func (b *Submitter) write(batch []submitRequest) {
	responses := make([]NewResponse, len(batch))
	for i, req := range batch {
		responses[i] = req.response
	}
	outcomes, err := b.store.SubmitResponses(context.Background(), responses)
	if err != nil && len(batch) > 1 {
		for _, req := range batch {
			b.write([]submitRequest{req})
		}
		return
	}
	for i, req := range batch {
		if err != nil {
			req.reply <- submitResult{err: err}
			continue
		}
		req.reply <- submitResult{outcome: outcomes[i]}
	}
}
