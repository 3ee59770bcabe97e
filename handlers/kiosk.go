package handlers

import (
	"errors"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// kioskPage is what the questionnaire form shows: at a kiosk, on a citizen's phone, or
// as the designer's preview of a draft.
type kioskPage struct {
	Lang, OtherLang, SwitchURL  string
	CounterCode, CounterName    string
	OfficeName                  string
	Q                           *survey.Questionnaire
	VersionID                   uint // the version the form was made from (0 in a preview)
	Mode                        string
	Action                      string // where the form posts
	PingURL                     string // where the kiosk script reports its queue ("" none)
	AppVersion                  string // the kiosk script's version, which it reports
	AskField                    bool
	ResponseID                  string
	Selected                    map[string]string
	Error, ErrorName            string
	ResetSeconds, ThanksSeconds int
}

// The modes of the questionnaire form.
const (
	modeKiosk   = "kiosk"   // a tablet at the counter: resets itself, queues offline, may need a registered device
	modePhone   = "phone"   // a citizen's own phone, from the counter's short link: channel online
	modePreview = "preview" // the designer's preview of a draft: posts nothing
)

// kioskContext is the counter and questionnaire a kiosk request is about, and the
// device it comes from.
type kioskContext struct {
	models.Kiosk
	mode string
}

// deviceCookie is the cookie that carries a registered kiosk device's token, on the
// kiosk's paths only.
const deviceCookie = "sipas_device"

// Headers the kiosk script reports its state in (no personal data): the version of the
// script and the number of answers waiting in its offline queue.
const (
	headerKioskVersion = "X-Sipas-Kiosk-Version"
	headerKioskQueue   = "X-Sipas-Queue"
)

// loadKiosk looks the request's counter up; kept allows a kept look-up without reading
// the settings version, for a submission, whose transaction checks it (models.KeptKiosk).
func (a *App) loadKiosk(c echo.Context, mode string, kept bool) (kioskContext, error) {
	lookup := models.KioskLookup{Counter: c.Param("counter"), Questionnaire: a.cfg.Questionnaire, Now: a.now()}
	if mode == modeKiosk {
		if ck, err := c.Cookie(deviceCookie); err == nil && ck.Value != "" {
			lookup.DeviceToken = hashToken(ck.Value)
		}
	}
	look := a.store.Kiosk
	if kept {
		look = a.store.KeptKiosk
	}
	k, err := look(c.Request().Context(), lookup)
	if errors.Is(err, models.ErrNotFound) {
		return kioskContext{}, a.fail(c, http.StatusNotFound, a.t(c, "error.counter_not_found", c.Param("counter")))
	}
	if err != nil {
		return kioskContext{}, err
	}
	return kioskContext{Kiosk: k, mode: mode}, nil
}

// device is the request's registered device at this counter, or nil.
func (k kioskContext) device() *models.KioskDevice {
	if d := k.Device; d != nil && !d.Revoked && d.CounterID == k.Counter.ID {
		return d
	}
	return nil
}

// deviceID is the ID of the request's registered device, 0 for none: a response it
// stores is counted in the device's day.
func (k kioskContext) deviceID() uint {
	if d := k.device(); d != nil {
		return d.ID
	}
	return 0
}

// refusal says why a kiosk may not take answers now: the counter is closed (410), or it
// needs a registered device that the request does not come from (403). code names the
// reason for the kiosk script; "" when it may.
func (a *App) refusal(c echo.Context, k kioskContext) (status int, code, msg string) {
	switch {
	case k.Closed:
		return http.StatusGone, "closed", a.t(c, "kiosk.closed")
	case k.mode != modeKiosk || !k.Counter.RequiresDevice || k.device() != nil:
		return 0, "", ""
	case k.Device != nil && k.Device.Revoked:
		return http.StatusForbidden, "device_revoked", a.t(c, "kiosk.device.revoked")
	case k.Device != nil:
		return http.StatusForbidden, "device_elsewhere", a.t(c, "kiosk.device.elsewhere")
	}
	return http.StatusForbidden, "device_unregistered", a.t(c, "kiosk.device.unregistered")
}

// kioskNotice is the page a kiosk shows instead of the form: closed, or a device to register.
type kioskNotice struct {
	Lang, OtherLang, SwitchURL string
	Title, Message             string
	CounterName, OfficeName    string
	NeedsDevice                bool
	PhoneURL                   string
}

func (a *App) kioskPage(c echo.Context, k kioskContext, responseID string, selected map[string]string) kioskPage {
	lang := a.lang(c)
	other := a.views.Catalog.Next(lang)
	base := "/kiosk/"
	if k.mode == modePhone {
		base = "/q/"
	}
	p := kioskPage{
		Lang: lang, OtherLang: other, SwitchURL: "?lang=" + other, Mode: k.mode,
		CounterCode: k.Counter.Code, CounterName: k.Counter.Name, OfficeName: k.Office.Name,
		Q: k.Q, VersionID: k.Questionnaire.ID, Action: base + url.PathEscape(k.Counter.Code),
		AskField: k.Counter.Field == "", ResponseID: responseID, Selected: selected,
		ResetSeconds: a.cfg.KioskResetSeconds, ThanksSeconds: a.cfg.ThanksSeconds,
	}
	if k.mode == modeKiosk {
		p.PingURL = p.Action + "/ping"
		p.AppVersion, _ = a.assets.Version("js/kiosk.js")
	}
	return p
}

// kioskForm shows a fresh questionnaire with a new response UUID, or why the kiosk takes
// no answers.
func (a *App) kioskForm(mode string) echo.HandlerFunc {
	return func(c echo.Context) error {
		k, err := a.loadKiosk(c, mode, false)
		if err != nil {
			return err
		}
		a.touchDevice(c, k)
		c.Response().Header().Set("Cache-Control", "no-store")
		if status, _, msg := a.refusal(c, k); status != 0 {
			lang := a.lang(c)
			other := a.views.Catalog.Next(lang)
			n := kioskNotice{Lang: lang, OtherLang: other, SwitchURL: "?lang=" + other, Message: msg,
				CounterName: k.Counter.Name, OfficeName: k.Office.Name, Title: a.t(c, "kiosk.closed.title")}
			if status == http.StatusForbidden {
				n.Title, n.NeedsDevice = a.t(c, "kiosk.device.title"), true
				n.PhoneURL = "/q/" + url.PathEscape(k.Counter.Code) + "?lang=" + lang
			}
			return c.Render(status, "kiosk_notice", n)
		}
		return c.Render(http.StatusOK, "kiosk", a.kioskPage(c, k, uuid.NewString(), map[string]string{}))
	}
}

// kioskSubmit stores a response: validate, store with its counts, then 303 to the
// thank-you page (or JSON for the kiosk script). A repeated UUID with the same answers
// is acknowledged again and stored once; with other answers it is a 409. A closed counter
// answers 410, a counter that needs a registered device 403 to any other.
func (a *App) kioskSubmit(mode string) echo.HandlerFunc {
	channel := models.ChannelKiosk
	if mode == modePhone {
		channel = models.ChannelOnline
	}
	return func(c echo.Context) error {
		k, err := a.loadKiosk(c, mode, true)
		if err != nil {
			return err
		}
		if status, _, _ := a.refusal(c, k); status != 0 { // a kept look-up refuses only once read again
			if k, err = a.loadKiosk(c, mode, false); err != nil {
				return err
			}
		}
		if status, code, msg := a.refusal(c, k); status != 0 {
			return a.refuse(c, k, status, code, msg)
		}
		answers, err := submittedForm(c)
		if tooLarge(err) { // a chunked body found too large while read (BodyLimit)
			return echo.ErrStatusRequestEntityTooLarge
		}
		if err != nil {
			return a.fail(c, http.StatusBadRequest, a.t(c, "error.bad_form"))
		}
		// the version the form was made from, when it is still one of this questionnaire's
		version, _ := strconv.ParseUint(answers.Get(survey.KioskVersionField), 10, 64)
		rawID, ids := answers.Get("response_id"), len(answers["response_id"])
		for _, name := range []string{"response_id", "lang", survey.KioskVersionField} {
			delete(answers, name) // what is left are the answers
		}
		ctx, now := c.Request().Context(), a.now()
		field, fieldSent := answers[survey.FieldName]
		var (
			reasons []survey.HoldReason
			earlier []string
			checked bool
			outcome = models.Stale
		)
		// The response is checked against the look-up, kept or read, and its transaction
		// answers Stale when the settings moved since: it is then checked again against
		// them, read afresh (at most twice, then the kiosk retries later).
		for attempt := 0; outcome == models.Stale; attempt++ {
			if attempt == 3 {
				return a.kioskBusy(c, k, rawID, answers, errSettingsMoving)
			}
			if attempt > 0 {
				if k, err = a.loadKiosk(c, mode, false); err != nil {
					return err
				}
				if status, code, msg := a.refusal(c, k); status != 0 {
					return a.refuse(c, k, status, code, msg)
				}
			}
			k.Questionnaire, k.Q, _ = a.store.AnsweredVersion(ctx, k.Kiosk, uint(version))
			switch {
			case k.Counter.Field != "": // the counter's link presets the procedure field
				answers.Set(survey.FieldName, k.Counter.Field)
			case fieldSent: // as sent, should an earlier attempt have preset it
				answers[survey.FieldName] = field
			default:
				delete(answers, survey.FieldName)
			}
			id, err := uuid.Parse(rawID)
			if err != nil || ids != 1 {
				return a.rejectKiosk(c, k, "", a.t(c, "error.bad_id"), answers)
			}
			sub, err := k.Q.Validate(answers)
			var inputErr *survey.InputError
			if errors.As(err, &inputErr) {
				return a.rejectKiosk(c, k, id.String(), a.msg(c, inputErr.Describe()), answers, inputErr.Name)
			}
			if err != nil {
				return err
			}
			// A kiosk's bursts, runs of identical answers and (when turned on) answers outside
			// opening hours are stored but held for review (holds.go). A citizen's own phone is
			// not checked: answering later, at home, in the evening, is what that link is for.
			if mode == modeKiosk && !checked {
				rules := a.holdRules(ctx)
				open := !rules.OutsideHours || a.openAt(ctx, k.Counter.ProvinceID, now)
				reasons, earlier = a.holds.Check(rules, k.Counter.ID, id.String(), now, sub.Pattern(), open)
				checked = true
			}
			outcome, err = a.submitter.Submit(ctx, models.NewResponse{
				UUID: id.String(), Counter: k.Counter, ProvinceID: k.Counter.ProvinceID,
				QuestionnaireID: k.Questionnaire.ID, Channel: channel,
				SubmittedAt: now, Submission: sub, Tally: k.Q.Tally(sub), Answers: sub.Encode(), Held: reasonStrings(reasons),
				DeviceID: k.deviceID(), Settings: k.Settings,
			})
			if errors.Is(err, models.ErrBusy) || models.IsUnavailable(err) {
				return a.kioskBusy(c, k, id.String(), answers, err)
			}
			if err != nil {
				return err
			}
		}
		a.holdEarlier(ctx, earlier, reasons)
		if outcome == models.Conflict {
			return a.fail(c, http.StatusConflict, a.t(c, "error.conflict"))
		}
		a.touchDevice(c, k)
		thanks := k.thanksURL(a.lang(c))
		if wantsJSON(c) {
			return c.JSON(http.StatusOK, map[string]any{"ok": true, "thanks_url": thanks})
		}
		return c.Redirect(http.StatusSeeOther, thanks)
	}
}

// errSettingsMoving is why a submission is answered busy when the settings changed under
// it three times in a row.
var errSettingsMoving = errors.New("the counter's settings changed while the response was stored")

// refuse answers a submission that the counter may not take now (App.refusal).
func (a *App) refuse(c echo.Context, k kioskContext, status int, code, msg string) error {
	a.touchDevice(c, k)
	if wantsJSON(c) {
		return c.JSON(status, map[string]string{"error": msg, "code": code})
	}
	return a.fail(c, status, msg)
}

func (k kioskContext) thanksURL(lang string) string {
	base := "/kiosk/"
	if k.mode == modePhone {
		base = "/q/"
	}
	return base + url.PathEscape(k.Counter.Code) + "/thanks?lang=" + lang
}

// touchDevice records the request's registered device's last contact, script version and
// queue, written at most once a minute (the responses it stores are counted with them,
// models.NewResponse.DeviceID). A failure is logged, never the citizen's problem.
func (a *App) touchDevice(c echo.Context, k kioskContext) {
	d := k.device()
	if d == nil {
		return
	}
	now := a.now()
	contact := models.DeviceContact{DeviceID: d.ID, At: now, Touch: now.Sub(d.LastSeen) >= lastSeenEvery,
		Version: shorten(c.Request().Header.Get(headerKioskVersion), 40), Queue: -1}
	if n, err := strconv.Atoi(c.Request().Header.Get(headerKioskQueue)); err == nil && n >= 0 {
		contact.Queue = min(n, 1_000_000)
	}
	if err := a.store.RecordContact(c.Request().Context(), contact); err != nil {
		slog.Error("recording a kiosk device's contact", "device", d.ID, "err", err)
	}
	if ck, err := c.Cookie(deviceCookie); err == nil && contact.Touch {
		a.setDeviceCookie(c, ck.Value) // a device in use keeps its registration
	}
}

// kioskPing is the kiosk script's report while it is online: its version and queue
// length, in headers. It answers 204, or why the kiosk may not take answers.
func (a *App) kioskPing(c echo.Context) error {
	k, err := a.loadKiosk(c, modeKiosk, false)
	if err != nil {
		return err
	}
	a.touchDevice(c, k)
	if status, code, msg := a.refusal(c, k); status != 0 {
		return c.JSON(status, map[string]string{"error": msg, "code": code})
	}
	return c.NoContent(http.StatusNoContent)
}

// kioskBusy answers 503 with Retry-After when a valid response could not be stored now:
// the writer busy beyond the bound, or the database unavailable (disk full, read-only,
// locked: models.IsUnavailable). The kiosk script keeps the response in its queue and sends it again; the
// page without script shows the form again with the answers and the same response id,
// so that pressing Submit again stores it once.
func (a *App) kioskBusy(c echo.Context, k kioskContext, responseID string, answers url.Values, err error) error {
	slog.Warn("kiosk submission not stored: answered 503", "counter", k.Counter.Code, "err", err)
	c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	return a.kioskAgain(c, http.StatusServiceUnavailable, k, responseID, a.t(c, "kiosk.busy"), answers)
}

// rejectKiosk answers 400: the form again with the message and the answers kept, or JSON.
func (a *App) rejectKiosk(c echo.Context, k kioskContext, responseID, msg string, answers url.Values, name ...string) error {
	return a.kioskAgain(c, http.StatusBadRequest, k, responseID, msg, answers, name...)
}

// kioskAgain answers status with msg: the form again with the answers kept, or JSON.
func (a *App) kioskAgain(c echo.Context, status int, k kioskContext, responseID, msg string, answers url.Values, name ...string) error {
	if wantsJSON(c) {
		return c.JSON(status, map[string]string{"error": msg})
	}
	if responseID == "" {
		responseID = uuid.NewString()
	}
	selected := map[string]string{}
	for n, v := range answers {
		if len(v) > 0 {
			selected[n] = v[0]
		}
	}
	page := a.kioskPage(c, k, responseID, selected)
	page.Error = msg
	if len(name) > 0 {
		page.ErrorName = name[0]
	}
	return c.Render(status, "kiosk", page)
}

type thanksPage struct {
	Lang      string
	ReturnURL string
	Seconds   int
	Phone     bool // a citizen's phone: no new form for the next person
}

func (a *App) kioskThanks(mode string) echo.HandlerFunc {
	return func(c echo.Context) error {
		k, err := a.loadKiosk(c, mode, false)
		if err != nil {
			return err
		}
		lang := a.lang(c)
		base := "/kiosk/"
		if mode == modePhone {
			base = "/q/"
		}
		return c.Render(http.StatusOK, "thanks", thanksPage{
			Lang: lang, Seconds: a.cfg.ThanksSeconds, Phone: mode == modePhone,
			ReturnURL: base + url.PathEscape(k.Counter.Code) + "?lang=" + lang,
		})
	}
}

// submittedForm is a submission's fields, in a map the handler may change. The form and
// the kiosk script send an urlencoded body: it is parsed into that one map, as
// Request.ParseForm would not (it copies the body's fields into a second map merged with
// the URL's query: with the handler's own copy, a fifth of what a submission allocated).
// The request's form is then the body's lang alone, which is all that is read from it
// afterwards (App.lang). A form parsed already, or any other body, goes through echo, and
// its fields are those of the body and of the URL, as before.
func submittedForm(c echo.Context) (url.Values, error) {
	r := c.Request()
	if r.PostForm != nil || !strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEApplicationForm) {
		form, err := c.FormParams()
		return maps.Clone(form), err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	r.PostForm = url.Values{}
	if lang, ok := form["lang"]; ok {
		r.PostForm["lang"] = lang
	}
	r.Form = r.PostForm
	return form, err
}
