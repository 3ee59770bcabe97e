package handlers

import (
	"bytes"
	"compress/flate"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"sipas/survey"
)

// The national figures, a province's and their dashboards change only when what they
// are computed from changes, which the counts version says (models/countsversion.go: a
// number in the database that every writer of counts, every published import, audited
// change and alert bumps, whichever process made it). So the encoded answers are kept
// per request (path and query, language, the day in Vietnam, the reader's role and
// scope) with the version they were made at, compressed once, and answered again while
// the version is unchanged: one primary-key read a request. Clients that have an answer
// get 304 through its ETag.
//
// A dashboard page is the same for every reader of a role and scope but for its
// navigation (the user's name, the sign-out form's CSRF token), which is rendered again
// for every request and put between the kept parts before and after it. Compressed, the
// kept parts are deflate streams of their own, the first flushed to a byte boundary, the
// navigation goes between them as a stored block, so that nothing is compressed again.

// readCacheBytes bounds the memory of the kept answers (their plain and compressed bytes).
const readCacheBytes = 12 << 20

// readCache is an LRU of encoded answers; the zero value is ready to use.
type readCache struct {
	mu       sync.Mutex
	entries  map[string]*list.Element
	order    list.List // front: most recently used
	size     int
	building map[string]chan struct{} // closed when the answer of the key is made
	// deflaters are compressors to use again: each is 600 KB of tables, which a cold
	// read allocated (and the collector swept) for every answer it kept.
	deflaters spares[*flate.Writer]
	// buffers are the bytes.Buffers answers are encoded and compressed into, to use
	// again: a document of 100 KB grew its own through a dozen sizes, 250 KB in all,
	// and the kept answer held the last of them, a quarter unused.
	buffers spares[*bytes.Buffer]
}

// spares keeps a few values to use again. Unlike a sync.Pool it is not emptied by the
// garbage collector, which serve runs every few cold reads: the pool was then empty
// when a cold read came, and a new compressor's tables are 150 pages never touched,
// 2 ms of page faults on the virtual machines we measure on.
type spares[T any] struct {
	mu   sync.Mutex
	kept []T
}

// sparesKept bounds what a spares keeps: the cold reads made at once.
const sparesKept = 4

func (s *spares[T]) get() (v T, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.kept); n > 0 {
		v, s.kept = s.kept[n-1], s.kept[:n-1]
		return v, true
	}
	return v, false
}

func (s *spares[T]) put(v T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.kept) < sparesKept {
		s.kept = append(s.kept, v)
	}
}

// keptBufferMax is the largest buffer kept to use again: an export of megabytes is not
// held for the next small document.
const keptBufferMax = 1 << 20

// buffer is an empty buffer, one used before if there is one; give it back with release.
func (rc *readCache) buffer() *bytes.Buffer {
	if b, ok := rc.buffers.get(); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

func (rc *readCache) release(b *bytes.Buffer) {
	if b.Cap() <= keptBufferMax {
		rc.buffers.put(b)
	}
}

// keptLevel is the compression of kept answers: the fastest, since a reader waits for
// it on the first request (a date range's 100 KB document took 5 ms at the default
// level, 29 KB; about 1.5 ms at this one, 34 KB).
const keptLevel = flate.BestSpeed

// deflated compresses b as deflate blocks of their own: the last final, or (not last)
// flushed so that the stream ends at a byte boundary and other blocks may follow.
func (rc *readCache) deflated(b []byte, last bool) ([]byte, error) {
	out := rc.buffer()
	defer rc.release(out)
	if err := rc.deflate(out, b, last); err != nil {
		return nil, err
	}
	return bytes.Clone(out.Bytes()), nil
}

// deflate appends b to out as deflated's blocks.
func (rc *readCache) deflate(out *bytes.Buffer, b []byte, last bool) error {
	w, ok := rc.deflaters.get()
	if !ok {
		var err error
		if w, err = flate.NewWriter(out, keptLevel); err != nil {
			return err
		}
	} else {
		w.Reset(out)
	}
	defer rc.deflaters.put(w)
	if _, err := w.Write(b); err != nil {
		return err
	}
	if last {
		return w.Close()
	}
	return w.Flush()
}

// gzipped is b as a whole gzip stream (header, final deflate blocks, trailer).
func (rc *readCache) gzipped(b []byte) ([]byte, error) {
	out := rc.buffer()
	defer rc.release(out)
	out.Write(gzipHeader)
	if err := rc.deflate(out, b, true); err != nil {
		return nil, err
	}
	z := make([]byte, 0, out.Len()+8)
	z = append(z, out.Bytes()...)
	z = binary.LittleEndian.AppendUint32(z, crc32.ChecksumIEEE(b))
	return binary.LittleEndian.AppendUint32(z, uint32(len(b))), nil
}

// zipped is a kept document gzipped, made the first time a client asks for it, so that
// one that does not (a script, a portal's server) is not kept waiting for 1.5 ms of
// compression of a 100 KB document. nil if it could not be made: the plain bytes then.
// The cache counts its bytes from then on, as long as it keeps the document.
func (rc *readCache) zipped(e *cachedRead) []byte {
	e.zip.Do(func() {
		z, err := rc.gzipped(e.head)
		if err != nil {
			slog.Error("gzip a kept document", "err", err)
			return
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		e.headZ = z
		if el, ok := rc.entries[e.key]; ok && el.Value.(*cachedRead) == e {
			rc.size += len(z)
			rc.evictLocked()
		}
	})
	return e.headZ
}

// gzipHeader starts a gzip stream: deflate, no name, no time, unknown OS.
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// lead makes the caller the one request that makes the answer of key, unless another
// is making it: then it waits for that one and returns nil (the caller looks in the
// cache again). So a page that many readers open at once is made once, not by each of
// them beside the others (which costs their memory at once, and everybody's time).
// release must be called once the answer is kept, or was not made.
func (rc *readCache) lead(ctx context.Context, key string) (release func()) {
	rc.mu.Lock()
	if wait, busy := rc.building[key]; busy {
		rc.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
		}
		return nil
	}
	if rc.building == nil {
		rc.building = map[string]chan struct{}{}
	}
	done := make(chan struct{})
	rc.building[key] = done
	rc.mu.Unlock()
	return func() {
		rc.mu.Lock()
		delete(rc.building, key)
		rc.mu.Unlock()
		close(done)
	}
}

// hit is the kept answer of key at version, waiting for a request that is making it;
// release is non-nil when the caller is to make it (and release it after).
func (rc *readCache) hit(ctx context.Context, key string, version int64) (e *cachedRead, release func()) {
	if e, ok := rc.get(key, version); ok {
		return e, nil
	}
	if release = rc.lead(ctx, key); release != nil {
		return nil, release
	}
	if e, ok := rc.get(key, version); ok {
		return e, nil
	}
	return nil, nil // the other request kept nothing: make it without leading
}

// cachedRead is a kept answer: a whole document, or a page around its navigation.
type cachedRead struct {
	key     string
	version int64
	ctype   string
	etag    string // of the kept bytes; a page's adds its navigation's hash
	head    []byte // the document, or the page up to its navigation
	headZ   []byte // a document: gzipped (once asked for, see zipped); a page: head deflated and flushed
	zip     sync.Once
	tail    []byte // a page: what follows its navigation
	tailZ   []byte // a page: tail deflated, the stream's final block
	headCRC uint32 // a page: CRC-32 of head
	frame   *dashFrame
}

func (e *cachedRead) bytes() int {
	return len(e.key) + len(e.head) + len(e.headZ) + len(e.tail) + len(e.tailZ)
}

func (rc *readCache) get(key string, version int64) (*cachedRead, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	el, ok := rc.entries[key]
	if !ok {
		return nil, false
	}
	e := el.Value.(*cachedRead)
	if e.version != version {
		rc.remove(el)
		return nil, false
	}
	rc.order.MoveToFront(el)
	return e, true
}

func (rc *readCache) put(e *cachedRead) {
	if e.bytes() > readCacheBytes/8 {
		return // one answer may not push out most of the others
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.entries == nil {
		rc.entries = map[string]*list.Element{}
	}
	if el, ok := rc.entries[e.key]; ok {
		if el.Value.(*cachedRead).version > e.version {
			return // a slower request made it from older figures
		}
		rc.remove(el)
	}
	rc.entries[e.key] = rc.order.PushFront(e)
	rc.size += e.bytes()
	rc.evictLocked()
}

// evictLocked drops the least recently used answers while the kept ones are over
// readCacheBytes, keeping the newest at least. rc.mu is held.
func (rc *readCache) evictLocked() {
	for rc.size > readCacheBytes && rc.order.Len() > 1 {
		rc.remove(rc.order.Back())
	}
}

func (rc *readCache) remove(el *list.Element) {
	e := el.Value.(*cachedRead)
	rc.order.Remove(el)
	delete(rc.entries, e.key)
	rc.size -= e.bytes()
}

// readKey names what a read request's answer depends on besides the counts version; ok
// is false when it must not be kept (?pretty, which echo answers indented).
func (a *App) readKey(c echo.Context, kind string) (string, bool) {
	req := c.Request()
	if _, pretty := c.QueryParams()["pretty"]; pretty {
		return "", false
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s|%s|%s|%s|", kind, req.URL.Path, req.URL.RawQuery, a.lang(c))
	b.WriteString(a.now().In(survey.VietnamTime()).Format("2006-01-02"))
	v, err := a.viewer(c)
	if err != nil {
		return "", false
	}
	if v.user != nil {
		fmt.Fprintf(&b, "|%s", v.user.Role)
	}
	fmt.Fprintf(&b, "|%v|%v|%t", v.scope.ProvinceIDs, v.scope.OfficeIDs, v.scope.ProvinceIDs == nil)
	return b.String(), true
}

// countsVersion is the counts version, or false when it cannot be read (then nothing is kept).
func (a *App) countsVersion(c echo.Context) (int64, bool) {
	v, err := a.store.CountsVersion(c.Request().Context())
	if err != nil {
		slog.Error("reading the counts version", "err", err)
		return 0, false
	}
	return v, true
}

// cachedJSON answers a JSON document that build makes, kept while the counts version
// stays. build's error is answered as it would be without the cache.
func (a *App) cachedJSON(c echo.Context, build func() (any, error)) error {
	key, keep := a.readKey(c, "json")
	version, known := a.countsVersion(c)
	keep = keep && known
	if keep {
		e, release := a.reads.hit(c.Request().Context(), key, version)
		if e != nil {
			return a.sendRead(c, e, nil)
		}
		if release != nil {
			defer release()
		}
	}
	doc, err := build()
	if err != nil {
		return err
	}
	if !keep {
		return c.JSON(http.StatusOK, doc)
	}
	body := a.reads.buffer()
	defer a.reads.release(body)
	if err := json.NewEncoder(body).Encode(doc); err != nil { // as c.JSON writes it
		return err
	}
	head := bytes.Clone(body.Bytes())
	e := &cachedRead{key: key, version: version, ctype: echo.MIMEApplicationJSON, head: head, etag: etagOf(head)}
	a.reads.put(e)
	return a.sendRead(c, e, nil)
}

// cachedPage answers a dashboard page that build makes (its data and frame), kept
// around its navigation while the counts version stays.
func (a *App) cachedPage(c echo.Context, name string, build func() (any, dashFrame, error)) error {
	key, keep := a.readKey(c, "page|"+name)
	version, known := a.countsVersion(c)
	keep = keep && known
	if keep {
		e, release := a.reads.hit(c.Request().Context(), key, version)
		if release != nil {
			defer release()
		}
		if e != nil {
			f := *e.frame
			f.Nav = a.navBar(c)
			var nav bytes.Buffer
			if err := a.views.RenderPart(&nav, name, "nav", f); err != nil {
				return err
			}
			return a.sendRead(c, e, nav.Bytes())
		}
	}
	data, f, err := build()
	if err != nil {
		return err
	}
	page := a.reads.buffer()
	defer a.reads.release(page)
	var nav bytes.Buffer
	if err := a.views.Render(page, name, data); err != nil {
		return err
	}
	if !keep {
		return c.HTMLBlob(http.StatusOK, page.Bytes())
	}
	if err := a.views.RenderPart(&nav, name, "nav", f); err != nil {
		return err
	}
	head, tail, found := bytes.Cut(page.Bytes(), nav.Bytes())
	if !found || nav.Len() == 0 || bytes.Contains(tail, nav.Bytes()) {
		return c.HTMLBlob(http.StatusOK, page.Bytes()) // not where it can be cut out: not kept
	}
	f.Nav = navBar{}
	head, tail = bytes.Clone(head), bytes.Clone(tail) // the page's buffer goes back to the pool
	e := &cachedRead{key: key, version: version, ctype: echo.MIMETextHTMLCharsetUTF8, head: head, tail: tail,
		headCRC: crc32.ChecksumIEEE(head), frame: &f}
	e.etag = etagOf(append(append([]byte{}, head...), tail...))
	if e.headZ, err = a.reads.deflated(head, false); err != nil {
		return err
	}
	if e.tailZ, err = a.reads.deflated(tail, true); err != nil {
		return err
	}
	a.reads.put(e)
	return a.sendRead(c, e, nav.Bytes())
}

// sendRead answers a kept answer: 304 when the client has it, gzipped when it accepts
// that. nav is a page's navigation (nil for a document).
func (a *App) sendRead(c echo.Context, e *cachedRead, nav []byte) error {
	h := c.Response().Header()
	etag := e.etag
	if e.tail != nil {
		sum := fnv.New64a()
		sum.Write(nav)
		etag = fmt.Sprintf(`W/"%s-%x"`, strings.Trim(strings.TrimPrefix(e.etag, "W/"), `"`), sum.Sum64())
		h.Set("Cache-Control", "private, no-cache")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", etag)
	h.Add("Vary", "Accept-Encoding")
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	gz := acceptsGzip(c.Request())
	if e.tail == nil {
		if gz {
			if z := a.reads.zipped(e); z != nil {
				h.Set("Content-Encoding", "gzip")
				return c.Blob(http.StatusOK, e.ctype, z)
			}
		}
		return c.Blob(http.StatusOK, e.ctype, e.head)
	}
	if gz {
		h.Set("Content-Encoding", "gzip")
	}
	// A page is written in its pieces, without putting them together in memory first.
	var parts [][]byte
	if gz {
		parts = e.gzipAround(nav)
	} else {
		parts = [][]byte{e.head, nav, e.tail}
	}
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	h.Set(echo.HeaderContentType, e.ctype)
	h.Set(echo.HeaderContentLength, strconv.Itoa(n))
	c.Response().WriteHeader(http.StatusOK)
	for _, p := range parts {
		if _, err := c.Response().Write(p); err != nil {
			return nil // the client went away
		}
	}
	return nil
}

// gzipAround is the page's gzip stream with nav between its kept parts, in pieces: the
// gzip header, the head's flushed deflate blocks, nav as stored blocks, the tail's deflate
// blocks (the last one final), and the trailer (CRC-32 and length of the whole).
func (e *cachedRead) gzipAround(nav []byte) [][]byte {
	stored := make([]byte, 0, len(nav)+5*(len(nav)/0xffff+1))
	for rest := nav; len(rest) > 0; {
		n := min(len(rest), 0xffff)
		stored = append(stored, 0) // not final, stored; the stream is at a byte boundary
		stored = binary.LittleEndian.AppendUint16(stored, uint16(n))
		stored = binary.LittleEndian.AppendUint16(stored, ^uint16(n))
		stored = append(stored, rest[:n]...)
		rest = rest[n:]
	}
	crc := crc32.Update(crc32.Update(e.headCRC, crc32.IEEETable, nav), crc32.IEEETable, e.tail)
	trailer := binary.LittleEndian.AppendUint32(make([]byte, 0, 8), crc)
	trailer = binary.LittleEndian.AppendUint32(trailer, uint32(len(e.head)+len(nav)+len(e.tail)))
	return [][]byte{gzipHeader, e.headZ, stored, e.tailZ, trailer}
}

// etagOf is a weak entity tag of the bytes (weak: the same for their gzipped form).
func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `W/"` + hex.EncodeToString(sum[:12]) + `"`
}

// etagMatches is If-None-Match's weak comparison with etag.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// acceptsGzip tells whether the client takes a gzipped answer (Accept-Encoding names
// gzip without q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
