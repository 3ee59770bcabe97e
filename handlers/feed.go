package handlers

import (
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"sipas/handlers/apijson"
	"sipas/models"
	"sipas/survey"
	"sipas/views"
)

// A feed reader has no session: each user may make a secret feed link, /feeds/alerts/<token>,
// which reads the alerts within that user's scope (as the user's account says at each
// read) until the user makes a new one or revokes it, or the account is disabled.

// feedState reads the viewer's feed link; url is the link just made, if any.
func (a *App) feedState(c echo.Context, url string) (feedState, error) {
	v, err := a.viewer(c)
	if err != nil || v.user == nil {
		return feedState{}, err
	}
	created, ok, err := a.store.ActiveFeed(c.Request().Context(), v.user.ID)
	if err != nil || !ok {
		return feedState{}, err
	}
	return feedState{Active: true, Created: when(a.lang(c), created), URL: url}, nil
}

// feedCreate makes a new feed link for the signed-in user (revoking the earlier one) and
// shows it once: only its hash is kept.
func (a *App) feedCreate(c echo.Context) error {
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	token := randomToken()
	if err := a.store.NewFeedToken(c.Request().Context(), *v.user, hashToken(token), a.actor(c)); err != nil {
		return err
	}
	return a.renderAlerts(c, http.StatusOK, formErrors{}, 0, absoluteURL(c, "/feeds/alerts/"+token))
}

// feedRevoke revokes the signed-in user's feed link.
func (a *App) feedRevoke(c echo.Context) error {
	v, err := a.viewer(c)
	if err != nil {
		return err
	}
	if err := a.store.RevokeFeedTokens(c.Request().Context(), *v.user, a.actor(c)); err != nil {
		return err
	}
	return a.redirectWith(c, "/alerts?lang="+a.lang(c), noticeOf(survey.Msg("alerts.feed.revoked")))
}

// absoluteURL is path on the server the request came to.
func absoluteURL(c echo.Context, path string) string {
	return c.Scheme() + "://" + c.Request().Host + path
}

// atomFeed is an Atom 1.0 feed (RFC 4287).
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID        string   `xml:"id"`
	Title     string   `xml:"title"`
	Updated   string   `xml:"updated"`
	Published string   `xml:"published"`
	Link      atomLink `xml:"link"`
	Summary   string   `xml:"summary"`
}

// feedRecentDays is how long a resolved alert stays in the feed.
const feedRecentDays = 30

// alertsFeed answers the Atom feed of a feed link: the open alerts within its user's
// scope and those resolved in the last 30 days. An unknown or revoked link is a 404.
func (a *App) alertsFeed(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := a.store.FeedUser(ctx, hashToken(c.Param("token")))
	if errors.Is(err, models.ErrNotFound) {
		return a.fail(c, http.StatusNotFound, a.t(c, "alerts.feed.unknown"))
	}
	if err != nil {
		return err
	}
	scope, err := a.scopeOf(c, u)
	if err != nil {
		return err
	}
	today := survey.DayOf(a.now())
	recent := survey.Period{From: today.AddDate(0, 0, -feedRecentDays), To: today}
	rows, err := a.store.Alerts(ctx, models.AlertFilter{Scope: scope, Period: &recent, Limit: 200})
	if err != nil {
		return err
	}
	_, q, err := a.store.PublishedQuestionnaire(ctx, a.cfg.Questionnaire)
	if err != nil {
		return err
	}
	lang := a.lang(c)
	feed := atomFeed{Lang: lang, ID: "tag:sipas," + fmt.Sprint(u.CreatedAt.Year()) + ":alerts/user/" + fmt.Sprint(u.ID),
		Title: a.t(c, "alerts.feed.title", u.Name), Updated: a.now().UTC().Format(time.RFC3339),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: absoluteURL(c, c.Request().URL.Path)}, {Rel: "alternate", Type: "text/html", Href: absoluteURL(c, "/alerts?lang="+lang)}},
		Author: atomAuthor{Name: "sipas"}}
	for _, r := range rows {
		feed.Entries = append(feed.Entries, a.atomEntry(c, r, q))
		if t := r.CheckedAt.UTC().Format(time.RFC3339); len(feed.Entries) == 1 {
			feed.Updated = t
		}
	}
	out, err := xml.MarshalIndent(feed, "", "  ")
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "private, no-cache")
	c.Response().Header().Set("X-Robots-Tag", "noindex")
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", append([]byte(xml.Header), out...))
}

// atomEntry is one alert as a feed entry: its title names the unit and the drop, its
// summary the figures before and after and the criteria that fell most.
func (a *App) atomEntry(c echo.Context, r models.AlertRow, q *survey.Questionnaire) atomEntry {
	lang := a.lang(c)
	doc := apijson.AlertDoc(r, q, lang)
	l := a.views.Catalog.Locale(lang)
	title := a.t(c, "alerts.feed.entry", r.Name, r.ProvinceName, views.Points(l, -r.Drop))
	if r.ResolvedAt != nil {
		title = a.t(c, "alerts.feed.entry_resolved", title)
	}
	since, _ := survey.ParseDate(doc.Since)
	summary := a.t(c, "alerts.feed.summary", a.date(c, since), views.Percent(l, r.BeforeSIPAS), views.Percent(l, r.AfterSIPAS),
		r.AfterResponses)
	for _, cr := range doc.Criteria {
		summary += "\n" + cr.Code + " " + cr.Text + ": " + views.Percent(l, cr.Before) + " → " + views.Percent(l, cr.After)
	}
	updated := r.CheckedAt
	if r.ResolvedAt != nil {
		updated = *r.ResolvedAt
	}
	return atomEntry{ID: fmt.Sprintf("tag:sipas,%d:alert/%d", r.DetectedAt.Year(), r.ID), Title: title,
		Updated: updated.UTC().Format(time.RFC3339), Published: r.DetectedAt.UTC().Format(time.RFC3339),
		Link: atomLink{Href: absoluteURL(c, fmt.Sprintf("/alerts?lang=%s#alert-%d", lang, r.ID))}, Summary: summary}
}
