package views

import "sipas/survey"

// Message puts a survey.Message into words in lang: the arguments that are Messages
// themselves first, then the message's own text with them.
func (c Catalog) Message(lang string, m survey.Message) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if inner, ok := a.(survey.Message); ok {
			args[i] = c.Message(lang, inner)
		} else {
			args[i] = a
		}
	}
	return c.T(lang, m.Key, args...)
}
