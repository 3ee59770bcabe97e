package models

import (
	"context"
	"errors"
	"sync"
)

// Submitter stores kiosk responses with group commit: submissions that arrive while a
// transaction is being written wait and are written together in the next one. Each
// caller still returns only after its response is committed (synchronous=FULL), so an
// acknowledged response is never lost; a lone submission is written at once.
type Submitter struct {
	store    *Store
	maxBatch int
	queue    chan submitRequest
	wg       sync.WaitGroup
	mu       sync.RWMutex // held for reading while queueing, for writing to close
	closing  bool
	closed   chan struct{}
}

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

// NewSubmitter starts a submitter writing up to maxBatch responses a transaction.
func (s *Store) NewSubmitter(maxBatch int) *Submitter {
	if maxBatch < 1 {
		maxBatch = 1
	}
	b := &Submitter{store: s, maxBatch: maxBatch, queue: make(chan submitRequest, 4*maxBatch), closed: make(chan struct{})}
	b.wg.Add(1)
	go b.loop()
	return b
}

// Submit stores r and reports what happened to it, once it is committed.
func (b *Submitter) Submit(ctx context.Context, r NewResponse) (Outcome, error) {
	req := submitRequest{response: r, reply: make(chan submitResult, 1)}
	b.mu.RLock()
	if b.closing {
		b.mu.RUnlock()
		return 0, ErrClosed
	}
	select {
	case b.queue <- req:
		b.mu.RUnlock()
	case <-ctx.Done():
		b.mu.RUnlock()
		return 0, ctx.Err()
	}
	// Once queued, wait for the commit even if the client gave up: the outcome is what
	// the next retry will see, and the loop never blocks on a reply.
	res := <-req.reply
	return res.outcome, res.err
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
		var first submitRequest
		select {
		case first = <-b.queue:
		case <-b.closed:
			b.drain()
			return
		}
		batch := []submitRequest{first}
	collect:
		for len(batch) < b.maxBatch {
			select {
			case req := <-b.queue:
				batch = append(batch, req)
			default:
				break collect
			}
		}
		b.write(batch)
	}
}

// drain writes whatever was queued before Close.
func (b *Submitter) drain() {
	for {
		select {
		case req := <-b.queue:
			b.write([]submitRequest{req})
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
