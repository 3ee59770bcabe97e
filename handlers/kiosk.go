package handlers

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// kioskPage is what the questionnaire form shows.
type kioskPage struct {
	Lang, OtherLang             string
	CounterCode, CounterName    string
	OfficeName                  string
	Q                           *survey.Questionnaire
	AskField                    bool
	ResponseID                  string
	Selected                    map[string]string
	Error, ErrorName            string
	ResetSeconds, ThanksSeconds int
}

// kioskContext is the counter and questionnaire a kiosk request is about.
type kioskContext struct {
	counter       models.Counter
	office        models.Office
	questionnaire models.Questionnaire
	q             *survey.Questionnaire
}

func (a *App) loadKiosk(c echo.Context) (kioskContext, error) {
	k, err := a.store.KioskByCounter(c.Request().Context(), c.Param("counter"), a.cfg.Questionnaire)
	if errors.Is(err, models.ErrNotFound) {
		return kioskContext{}, a.fail(c, http.StatusNotFound, a.t(c, "error.counter_not_found", c.Param("counter")))
	}
	if err != nil {
		return kioskContext{}, err
	}
	return kioskContext{counter: k.Counter, office: k.Office, questionnaire: k.Questionnaire, q: k.Q}, nil
}

func (a *App) kioskPage(c echo.Context, k kioskContext, responseID string, selected map[string]string) kioskPage {
	lang := a.lang(c)
	other := a.views.Catalog.Next(lang)
	return kioskPage{
		Lang: lang, OtherLang: other,
		CounterCode: k.counter.Code, CounterName: k.counter.Name, OfficeName: k.office.Name,
		Q: k.q, AskField: k.counter.Field == "", ResponseID: responseID, Selected: selected,
		ResetSeconds: a.cfg.KioskResetSeconds, ThanksSeconds: a.cfg.ThanksSeconds,
	}
}

// kioskForm shows a fresh questionnaire with a new response UUID.
func (a *App) kioskForm(c echo.Context) error {
	k, err := a.loadKiosk(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Render(http.StatusOK, "kiosk", a.kioskPage(c, k, uuid.NewString(), map[string]string{}))
}

// kioskSubmit stores a response: validate, store with its counts, then 303 to the
// thank-you page (or JSON for the kiosk script). A repeated UUID with the same answers
// is acknowledged again and stored once; with other answers it is a 409.
func (a *App) kioskSubmit(c echo.Context) error {
	k, err := a.loadKiosk(c)
	if err != nil {
		return err
	}
	form, err := c.FormParams()
	if err != nil {
		return a.fail(c, http.StatusBadRequest, a.t(c, "error.bad_form"))
	}
	answers := url.Values{}
	for name, values := range form {
		if name != "response_id" && name != "lang" {
			answers[name] = values
		}
	}
	if k.counter.Field != "" { // the counter's link presets the procedure field
		answers.Set(survey.FieldName, k.counter.Field)
	}
	id, err := uuid.Parse(form.Get("response_id"))
	if err != nil || len(form["response_id"]) != 1 {
		return a.rejectKiosk(c, k, "", a.t(c, "error.bad_id"), answers)
	}
	sub, err := k.q.Validate(answers)
	var inputErr *survey.InputError
	if errors.As(err, &inputErr) {
		return a.rejectKiosk(c, k, id.String(), a.msg(c, inputErr.Describe()), answers, inputErr.Name)
	}
	if err != nil {
		return err
	}
	outcome, err := a.submitter.Submit(c.Request().Context(), models.NewResponse{
		UUID: id.String(), Counter: k.counter, ProvinceID: k.counter.ProvinceID,
		QuestionnaireID: k.questionnaire.ID, Channel: models.ChannelKiosk,
		SubmittedAt: a.now(), Submission: sub, Tally: k.q.Tally(sub),
	})
	if err != nil {
		return a.kioskBusy(c, k, id.String(), answers, err)
	}
	if outcome == models.Conflict {
		return a.fail(c, http.StatusConflict, a.t(c, "error.conflict"))
	}
	thanks := "/kiosk/" + url.PathEscape(k.counter.Code) + "/thanks?lang=" + a.lang(c)
	if wantsJSON(c) {
		return c.JSON(http.StatusOK, map[string]any{"ok": true, "thanks_url": thanks})
	}
	return c.Redirect(http.StatusSeeOther, thanks)
}

// kioskRetryAfter is the Retry-After of a submission the database could not take.
const kioskRetryAfter = 5

// kioskBusy answers 503 with Retry-After when a valid response could not be stored now:
// the writer busy beyond the bound, or the database failing (disk full, read-only,
// locked). The kiosk script keeps the response in its queue and sends it again; the
// page without script shows the form again with the answers and the same response id,
// so that pressing Submit again stores it once.
func (a *App) kioskBusy(c echo.Context, k kioskContext, responseID string, answers url.Values, err error) error {
	log := slog.Error
	if errors.Is(err, models.ErrBusy) {
		log = slog.Warn
	}
	log("kiosk submission not stored: answered 503", "counter", k.counter.Code, "err", err)
	c.Response().Header().Set("Retry-After", strconv.Itoa(kioskRetryAfter))
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
}

func (a *App) kioskThanks(c echo.Context) error {
	k, err := a.loadKiosk(c)
	if err != nil {
		return err
	}
	lang := a.lang(c)
	return c.Render(http.StatusOK, "thanks", thanksPage{
		Lang: lang, Seconds: a.cfg.ThanksSeconds,
		ReturnURL: "/kiosk/" + url.PathEscape(k.counter.Code) + "?lang=" + lang,
	})
}
