package survey

import (
	"fmt"
	"strings"
)

// Message is a user-facing text not yet put into words: a key of the interface
// catalogues (views/i18n/<lang>.json) and the values its text takes. The domain says what
// happened; the views say it in the reader's language, so that a translator finds every
// sentence in one file per language and the domain holds none.
//
// An argument may itself be a Message (a reason inside a sentence); the catalogue puts it
// into words first.
type Message struct {
	Key  string
	Args []any
}

// Msg makes a Message.
func Msg(key string, args ...any) Message { return Message{Key: key, Args: args} }

// String shows the key and its arguments, for logs and test failures; people read the
// catalogue's text instead.
func (m Message) String() string {
	if len(m.Args) == 0 {
		return m.Key
	}
	parts := make([]string, len(m.Args))
	for i, a := range m.Args {
		parts[i] = fmt.Sprint(a)
	}
	return m.Key + "(" + strings.Join(parts, ", ") + ")"
}

// Described is an error that says what went wrong as a Message, for people to read in
// their language (PeriodError, InputError, PaperError); its Error() is for logs.
type Described interface {
	error
	Describe() Message
}
