package handlers

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"mime"
	"net/http"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v4"
)

// sessionName is the cookie that carries a browser's session: the token of a signed-in
// session (whose record is in the database), the CSRF token, and the one-time messages
// shown after a redirect (Post/Redirect/Get). It is signed and encrypted.
const sessionName = "sipas"

// Keys of the cookie's values.
const (
	tokenKey = "token" // the signed-in session's token; its SHA-256 is the database's key
	csrfKey  = "csrf"
)

// csrfField is the hidden form field (or the X-CSRF-Token header) with the token.
const csrfField = "csrf_token"

// newSessionStore keeps sessions in signed, encrypted, HTTP-only, SameSite=Lax cookies.
// key is 64 bytes: 32 to sign, 32 to encrypt.
func newSessionStore(key []byte, maxAge int) sessions.Store {
	store := sessions.NewCookieStore(key[:32], key[32:64])
	store.Options = &sessions.Options{Path: "/", MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	return store
}

// cookieSession is the request's cookie session; a missing, forged or old cookie gives
// a new, empty one. It is decoded once a request (decoding is most of what a signed-in
// page costs) and shared by every caller, as gorilla's registry would be.
func (a *App) cookieSession(c echo.Context) *sessions.Session {
	if s, ok := c.Get(cookieSessionKey).(*sessions.Session); ok {
		return s
	}
	s, _ := a.sessions.Get(c.Request(), sessionName)
	c.Set(cookieSessionKey, s)
	return s
}

const cookieSessionKey = "sipas.cookieSession"

// saveCookie writes the cookie session; it is Secure when the request came over TLS or
// serve runs with -secure-cookies.
func (a *App) saveCookie(c echo.Context, s *sessions.Session) error {
	s.Options.Secure = a.cfg.SecureCookies || c.Request().TLS != nil
	return s.Save(c.Request(), c.Response())
}

// sessionToken is the signed-in session's token the cookie carries, if any. A request
// without the cookie (every kiosk) decodes nothing.
func (a *App) sessionToken(c echo.Context) string {
	if _, err := c.Cookie(sessionName); err != nil {
		return ""
	}
	token, _ := a.cookieSession(c).Values[tokenKey].(string)
	return token
}

// randomToken is 32 random bytes, URL-safe.
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // the system has no randomness left: nothing is safe
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is what the database keeps of a token: its SHA-256.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// csrfToken is the token the request's forms carry, created (and the cookie set) on the
// first form a browser gets.
func (a *App) csrfToken(c echo.Context) (string, error) {
	s := a.cookieSession(c)
	if t, ok := s.Values[csrfKey].(string); ok && t != "" {
		return t, nil
	}
	t := randomToken()
	s.Values[csrfKey] = t
	return t, a.saveCookie(c, s)
}

// checkCSRF compares the token sent (form field or X-CSRF-Token header) with the cookie's,
// in constant time. Every state-changing form body is read here under maxBody, whichever
// carries the token, so that a body beyond it is refused (413, also when it comes
// chunked, without a length) before any handler reads a form cut short; a multipart
// form keeps at most uploadMemory in memory and the rest in temporary files, which admit
// removes when the request is answered.
func (a *App) checkCSRF(c echo.Context, maxBody int64) error {
	req := c.Request()
	if req.ContentLength > maxBody {
		return echo.ErrStatusRequestEntityTooLarge
	}
	if req.Body != nil {
		req.Body = http.MaxBytesReader(c.Response().Writer, req.Body, maxBody)
		var err error
		if mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType)); mt == echo.MIMEMultipartForm {
			err = req.ParseMultipartForm(uploadMemory)
		} else {
			err = req.ParseForm()
		}
		if tooLarge(err) {
			return echo.ErrStatusRequestEntityTooLarge
		}
		if err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return a.fail(c, http.StatusBadRequest, a.t(c, "error.bad_form"))
		}
	}
	sent := req.Header.Get("X-CSRF-Token")
	if sent == "" {
		sent = req.PostFormValue(csrfField)
	}
	want, _ := a.cookieSession(c).Values[csrfKey].(string)
	if want == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		return a.fail(c, http.StatusForbidden, a.t(c, "auth.error.csrf"))
	}
	return nil
}

// tooLarge tells whether err comes from reading a body beyond its limit.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || errors.Is(err, echo.ErrStatusRequestEntityTooLarge)
}

// setFlash keeps v (JSON-encoded) for the next page the browser asks for.
func (a *App) setFlash(c echo.Context, v any) error {
	s := a.cookieSession(c)
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.AddFlash(string(data))
	return a.saveCookie(c, s)
}

// takeFlash decodes into v the message kept by setFlash, if there is one, and forgets it.
func (a *App) takeFlash(c echo.Context, v any) bool {
	if _, err := c.Cookie(sessionName); err != nil {
		return false
	}
	s := a.cookieSession(c)
	flashes := s.Flashes()
	if len(flashes) == 0 {
		return false
	}
	if err := a.saveCookie(c, s); err != nil {
		return false
	}
	data, ok := flashes[len(flashes)-1].(string)
	return ok && json.Unmarshal([]byte(data), v) == nil
}
