package models

import (
	"encoding/json"
	"fmt"

	"sipas/survey"
)

// Messages of the domain kept in the database (a refused import's problems), to be put
// into words in the reader's language when shown. An argument keeps its kind (text,
// whole number, number, message), which the catalogue's verbs (%s, %d, %q) rely on.

type storedMessage struct {
	Key  string      `json:"key"`
	Args []storedArg `json:"args,omitempty"`
}

type storedArg struct {
	S *string        `json:"s,omitempty"`
	I *int64         `json:"i,omitempty"`
	F *float64       `json:"f,omitempty"`
	M *storedMessage `json:"m,omitempty"`
}

func storeMessage(m survey.Message) storedMessage {
	out := storedMessage{Key: m.Key}
	for _, a := range m.Args {
		var arg storedArg
		switch v := a.(type) {
		case survey.Message:
			sm := storeMessage(v)
			arg.M = &sm
		case string:
			arg.S = &v
		case int:
			i := int64(v)
			arg.I = &i
		case int64:
			arg.I = &v
		case uint:
			i := int64(v)
			arg.I = &i
		case float64:
			arg.F = &v
		default:
			s := fmt.Sprint(v)
			arg.S = &s
		}
		out.Args = append(out.Args, arg)
	}
	return out
}

func (m storedMessage) message() survey.Message {
	out := survey.Message{Key: m.Key}
	for _, a := range m.Args {
		switch {
		case a.M != nil:
			out.Args = append(out.Args, a.M.message())
		case a.I != nil:
			out.Args = append(out.Args, int(*a.I))
		case a.F != nil:
			out.Args = append(out.Args, *a.F)
		case a.S != nil:
			out.Args = append(out.Args, *a.S)
		default:
			out.Args = append(out.Args, "")
		}
	}
	return out
}

// encodeMessages writes messages as JSON for the database.
func encodeMessages(ms []survey.Message) (string, error) {
	stored := make([]storedMessage, len(ms))
	for i, m := range ms {
		stored[i] = storeMessage(m)
	}
	b, err := json.Marshal(stored)
	return string(b), err
}

// decodeMessages reads what encodeMessages wrote.
func decodeMessages(s string) ([]survey.Message, error) {
	var stored []storedMessage
	if err := json.Unmarshal([]byte(s), &stored); err != nil {
		return nil, err
	}
	out := make([]survey.Message, len(stored))
	for i, m := range stored {
		out[i] = m.message()
	}
	return out, nil
}
