package sheets

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner reads the elements and text of one XML part of a workbook through a window
// of fixed size, several times faster than encoding/xml and with every size bounded: a
// tag must fit in the window, elements nest at most maxDepth deep, and text is kept only
// while the caller asks for it, up to its limit. It reads the XML that spreadsheets write:
// elements and attributes (namespace prefixes dropped), the five named entities and
// character references, CDATA, comments and processing instructions. A DOCTYPE is refused,
// so that no entity can be declared.
type xmlScanner struct {
	window
	// The names of the open elements, to match end tags: names holds them one after the
	// other, ends where each ends.
	names []byte
	ends  []int

	// The current token: tokStart and tokEnd have name (and a start its attributes),
	// valid until the next call; tokText has text.
	name      []byte
	attrs     []xmlAttr
	vals      []byte // decoded attribute values
	text      []byte
	selfClose bool // the start tag was <name/>: its end comes next

	// keepText asks for the text of the elements being read (tokText); without it text is
	// skipped. maxText bounds a text token; overflow says the text went beyond it (and the
	// rest of it was skipped).
	keepText bool
	maxText  int
	overflow bool
}

type tokenKind int

const (
	tokEOF tokenKind = iota
	tokStart
	tokEnd
	tokText
)

type xmlAttr struct {
	name       []byte // local name
	start, end int    // value in vals
}

const (
	xmlWindow = 64 << 10
	maxDepth  = 64
)

// errXML is XML that is not well-formed or that spreadsheets do not write.
var errXML = errors.New("malformed XML")

func newXMLScanner(src io.Reader, maxText int) *xmlScanner {
	return &xmlScanner{window: newWindow(src, xmlWindow), maxText: maxText}
}

// depth is the number of open elements.
func (s *xmlScanner) depth() int { return len(s.ends) }

// attr is the value of the attribute with local name name, nil when there is none.
func (s *xmlScanner) attr(name string) []byte {
	for _, a := range s.attrs {
		if string(a.name) == name {
			return s.vals[a.start:a.end]
		}
	}
	return nil
}

// next reads the next token; tokEOF at the end of a well-formed part.
func (s *xmlScanner) next() (tokenKind, error) {
	if s.selfClose {
		s.selfClose = false
		s.pop()
		return tokEnd, nil
	}
	for {
		if s.r == s.w {
			if err := s.fill(); err == io.EOF {
				if len(s.ends) > 0 {
					return 0, errXML
				}
				return tokEOF, nil
			} else if err != nil {
				return 0, err
			}
			continue
		}
		if s.buf[s.r] != '<' {
			if s.keepText {
				return s.readText()
			}
			if i := bytes.IndexByte(s.buf[s.r:s.w], '<'); i >= 0 {
				s.r += i
			} else {
				s.r = s.w
			}
			continue
		}
		if err := s.need(9); err != nil {
			return 0, err
		}
		rest := s.buf[s.r:s.w]
		if len(rest) < 2 {
			return 0, errXML
		}
		switch rest[1] {
		case '?':
			if err := s.skipPast("?>"); err != nil {
				return 0, err
			}
		case '!':
			switch {
			case bytes.HasPrefix(rest, []byte("<!--")):
				if err := s.skipPast("-->"); err != nil {
					return 0, err
				}
			case bytes.HasPrefix(rest, []byte("<![CDATA[")):
				s.r += len("<![CDATA[")
				if s.keepText {
					return s.readCDATA()
				}
				if err := s.skipPast("]]>"); err != nil {
					return 0, err
				}
			default:
				return 0, errXML // DOCTYPE and declarations
			}
		case '/':
			return s.endTag()
		default:
			return s.startTag()
		}
	}
}

// skipPast drops everything up to and including end.
func (s *xmlScanner) skipPast(end string) error {
	for {
		if i := bytes.Index(s.buf[s.r:s.w], []byte(end)); i >= 0 {
			s.r += i + len(end)
			return nil
		}
		s.r = max(s.r, s.w-len(end)+1)
		if err := s.fill(); err == io.EOF {
			return errXML
		} else if err != nil {
			return err
		}
	}
}

// tagEnd is the index in buf of the '>' that ends the tag at r, read into the window.
func (s *xmlScanner) tagEnd() (int, error) {
	var quote byte
	i := s.r + 1
	for {
		for ; i < s.w; i++ {
			c := s.buf[i]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
				continue
			}
			switch c {
			case '"', '\'':
				quote = c
			case '>':
				return i, nil
			case '<':
				return 0, errXML
			}
		}
		i -= s.r
		if err := s.fill(); err == io.EOF {
			return 0, errXML
		} else if err != nil {
			return 0, err
		}
		i += s.r
	}
}

func (s *xmlScanner) endTag() (tokenKind, error) {
	end := -1 // an end tag has no attributes: its first '>' ends it
	for {
		if i := bytes.IndexByte(s.buf[s.r:s.w], '>'); i >= 0 {
			end = s.r + i
			break
		}
		if err := s.fill(); err == io.EOF {
			return 0, errXML
		} else if err != nil {
			return 0, err
		}
	}
	name := s.buf[s.r+2 : end]
	for len(name) > 0 && isSpace(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	s.r = end + 1
	if len(s.ends) == 0 || !bytes.Equal(name, s.names[s.top():]) {
		return 0, errXML
	}
	s.pop()
	s.name = localName(name)
	return tokEnd, nil
}

func (s *xmlScanner) startTag() (tokenKind, error) {
	end, err := s.tagEnd()
	if err != nil {
		return 0, err
	}
	tag := s.buf[s.r+1 : end]
	s.r = end + 1
	if n := len(tag); n > 0 && tag[n-1] == '/' {
		tag, s.selfClose = tag[:n-1], true
	}
	n := 0
	for n < len(tag) && !isSpace(tag[n]) {
		switch tag[n] {
		case '=', '"', '\'', '/':
			return 0, errXML
		}
		n++
	}
	if n == 0 || len(s.ends) == maxDepth {
		return 0, errXML
	}
	if err := s.parseAttrs(tag[n:]); err != nil {
		return 0, err
	}
	s.names = append(s.names, tag[:n]...)
	s.ends = append(s.ends, len(s.names))
	s.name = localName(tag[:n])
	return tokStart, nil
}

// top is where the innermost open element's name starts in names.
func (s *xmlScanner) top() int {
	if len(s.ends) < 2 {
		return 0
	}
	return s.ends[len(s.ends)-2]
}

func (s *xmlScanner) pop() {
	s.names = s.names[:s.top()]
	s.ends = s.ends[:len(s.ends)-1]
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimSpace drops white space at both ends.
func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// parseAttrs reads name="value" pairs, decoding the values into vals.
func (s *xmlScanner) parseAttrs(b []byte) error {
	s.attrs, s.vals = s.attrs[:0], s.vals[:0]
	for {
		b = trimSpace(b)
		if len(b) == 0 {
			return nil
		}
		eq := bytes.IndexByte(b, '=')
		if eq <= 0 {
			return errXML
		}
		name := trimSpace(b[:eq])
		b = trimSpace(b[eq+1:])
		if len(name) == 0 || len(b) == 0 || (b[0] != '"' && b[0] != '\'') {
			return errXML
		}
		q := bytes.IndexByte(b[1:], b[0])
		if q < 0 {
			return errXML
		}
		start := len(s.vals)
		if v := b[1 : 1+q]; bytes.IndexByte(v, '&') < 0 && bytes.IndexByte(v, '\r') < 0 {
			s.vals = append(s.vals, v...)
		} else {
			var err error
			if s.vals, err = decodeXML(s.vals, v); err != nil {
				return err
			}
		}
		s.attrs = append(s.attrs, xmlAttr{name: localName(name), start: start, end: len(s.vals)})
		b = b[1+q+1:]
	}
}

// readText reads the text up to the next tag into text, at most maxText bytes of it.
func (s *xmlScanner) readText() (tokenKind, error) {
	s.text, s.overflow = s.text[:0], false
	for {
		chunk := s.buf[s.r:s.w]
		lt := bytes.IndexByte(chunk, '<')
		if lt >= 0 {
			chunk = chunk[:lt]
		} else if s.err == nil {
			// An entity or a CR LF cut by the end of the window waits for the next read.
			if amp := bytes.LastIndexByte(chunk, '&'); amp >= 0 && bytes.IndexByte(chunk[amp:], ';') < 0 {
				if len(chunk)-amp > 12 {
					return 0, errXML
				}
				chunk = chunk[:amp]
			} else if n := len(chunk); n > 0 && chunk[n-1] == '\r' {
				chunk = chunk[:n-1]
			}
		}
		if err := s.keep(chunk, true); err != nil {
			return 0, err
		}
		s.r += len(chunk)
		if lt >= 0 {
			return tokText, nil
		}
		if err := s.fill(); err == io.EOF {
			if s.r < s.w {
				return 0, errXML
			}
			return tokText, nil
		} else if err != nil {
			return 0, err
		}
	}
}

// readCDATA reads a CDATA section's content into text, at most maxText bytes of it.
func (s *xmlScanner) readCDATA() (tokenKind, error) {
	s.text, s.overflow = s.text[:0], false
	for {
		if i := bytes.Index(s.buf[s.r:s.w], []byte("]]>")); i >= 0 {
			err := s.keep(s.buf[s.r:s.r+i], false)
			s.r += i + 3
			return tokText, err
		}
		n := max(0, s.w-s.r-2)
		if err := s.keep(s.buf[s.r:s.r+n], false); err != nil {
			return 0, err
		}
		s.r += n
		if err := s.fill(); err == io.EOF {
			return 0, errXML
		} else if err != nil {
			return 0, err
		}
	}
}

// keep adds raw text to text, decoding it when it is not CDATA, up to maxText bytes.
// Decoding never lengthens text, and raw is at most a window, so that text never holds
// more than maxText plus a window.
func (s *xmlScanner) keep(raw []byte, decode bool) error {
	if s.overflow {
		return nil
	}
	var err error
	if decode {
		s.text, err = decodeXML(s.text, raw)
	} else {
		s.text = append(s.text, raw...)
	}
	if len(s.text) > s.maxText {
		s.text, s.overflow = s.text[:s.maxText], true
	}
	return err
}

// decodeXML appends raw with its entities and character references decoded and its line
// ends normalised (CR LF and CR are LF, as XML reads them).
func decodeXML(dst, raw []byte) ([]byte, error) {
	for len(raw) > 0 {
		i := bytes.IndexAny(raw, "&\r")
		if i < 0 {
			return append(dst, raw...), nil
		}
		dst = append(dst, raw[:i]...)
		if raw[i] == '\r' {
			dst = append(dst, '\n')
			raw = raw[i+1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
			continue
		}
		semi := bytes.IndexByte(raw[i:], ';')
		if semi < 0 {
			return dst, errXML
		}
		ent := raw[i+1 : i+semi]
		raw = raw[i+semi+1:]
		switch string(ent) {
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "amp":
			dst = append(dst, '&')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			r, ok := charRef(ent)
			if !ok {
				return dst, errXML
			}
			dst = utf8.AppendRune(dst, r)
		}
	}
	return dst, nil
}

// charRef reads #123 or #x7B, a character XML allows.
func charRef(ent []byte) (rune, bool) {
	if len(ent) < 2 || ent[0] != '#' || len(ent) > 10 {
		return 0, false
	}
	base, digits := 10, ent[1:]
	if digits[0] == 'x' {
		base, digits = 16, digits[1:]
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil {
		return 0, false
	}
	r := rune(n)
	ok := r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
	return r, ok
}

// localName drops a namespace prefix.
func localName(name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}
