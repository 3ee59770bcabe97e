package handlers

import (
	"encoding/json"
	"net/http"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

// sessionName is the cookie that carries a browser's session: for now the one-time
// messages shown after a redirect (Post/Redirect/Get); the administration adds the user.
const sessionName = "sipas"

// newSessionStore keeps sessions in signed, encrypted, HTTP-only cookies. key is 64 bytes:
// 32 to sign, 32 to encrypt.
func newSessionStore(key []byte) sessions.Store {
	store := sessions.NewCookieStore(key[:32], key[32:64])
	store.Options = &sessions.Options{Path: "/", MaxAge: 12 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	return store
}

// setFlash keeps v (JSON-encoded) for the next page the browser asks for.
func (a *App) setFlash(c echo.Context, v any) error {
	s, _ := a.sessions.Get(c.Request(), sessionName) // a bad or old cookie gives a new session
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.AddFlash(string(data))
	return s.Save(c.Request(), c.Response())
}

// takeFlash decodes into v the message kept by setFlash, if there is one, and forgets it.
func (a *App) takeFlash(c echo.Context, v any) bool {
	s, err := a.sessions.Get(c.Request(), sessionName)
	if err != nil {
		return false
	}
	flashes := s.Flashes()
	if len(flashes) == 0 {
		return false
	}
	if err := s.Save(c.Request(), c.Response()); err != nil {
		return false
	}
	data, ok := flashes[len(flashes)-1].(string)
	return ok && json.Unmarshal([]byte(data), v) == nil
}
