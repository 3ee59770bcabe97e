package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"sipas/models"
	"sipas/survey"
)

// usersPage lists the accounts the caller manages, with a form to create one: every
// account for an administrator, those of its province for a province admin (who may
// create and change officials only).
type usersPage struct {
	basePage
	Users     []userRow
	Form      userForm
	Errors    formErrors
	Roles     []option
	Provinces []option
}

type userRow struct {
	models.UserRow
	RoleName, Place string
	Editable        bool
}

// userForm is an account's role and place as typed: the province's and office's codes.
type userForm struct {
	Name, Role, Province, Office string
}

type option struct {
	Value, Label string
}

// userPage changes one account.
type userPage struct {
	basePage
	Target    userRow
	Form      userForm
	Errors    formErrors
	Roles     []option
	Provinces []option
}

// manager is the signed-in user who manages accounts, with their scope.
func (a *App) manager(c echo.Context) (*viewer, survey.Account, error) {
	v, err := a.viewer(c)
	if err != nil {
		return nil, survey.Account{}, err
	}
	return v, v.user.Account(), nil
}

func (a *App) usersPage(c echo.Context) error {
	return a.renderUsers(c, http.StatusOK, userForm{Role: string(survey.RoleOfficial)}, formErrors{})
}

func (a *App) renderUsers(c echo.Context, status int, form userForm, errs formErrors) error {
	v, me, err := a.manager(c)
	if err != nil {
		return err
	}
	p, err := a.newPage(c, "/admin/users")
	if err != nil {
		return err
	}
	up := usersPage{basePage: p, Form: form, Errors: errs, Roles: a.roleOptions(c, me)}
	if up.Provinces, err = a.provinceOptions(c, me); err != nil {
		return err
	}
	rows, err := a.store.Users(c.Request().Context(), v.scope.ProvinceIDs)
	if err != nil {
		return err
	}
	for _, r := range rows {
		up.Users = append(up.Users, a.userRow(c, me, v.user.ID, r))
	}
	return c.Render(status, "users", up)
}

func (a *App) userRow(c echo.Context, me survey.Account, myID uint, r models.UserRow) userRow {
	return userRow{UserRow: r, RoleName: a.msg(c, survey.Role(r.Role).Name()), Place: a.placeOf(c, r),
		Editable: r.ID != myID && me.CanManage(r.Account())}
}

func (a *App) roleOptions(c echo.Context, me survey.Account) []option {
	var out []option
	for _, r := range me.AssignableRoles() {
		out = append(out, option{Value: string(r), Label: a.msg(c, r.Name())})
	}
	return out
}

// provinceOptions are the current provinces an account may be given: every one for an
// administrator, its own for a province admin.
func (a *App) provinceOptions(c echo.Context, me survey.Account) ([]option, error) {
	units, err := a.store.Units(c.Request().Context())
	if err != nil {
		return nil, err
	}
	var out []option
	for _, u := range survey.UnitsOn(units, a.today()) {
		if me.Role == survey.RoleAdmin || u.ID == me.ProvinceID {
			out = append(out, option{Value: u.Code, Label: u.Code + " – " + u.Name})
		}
	}
	return out, nil
}

// today is the date in Vietnam, YYYY-MM-DD.
func (a *App) today() string { return a.now().In(survey.VietnamTime()).Format("2006-01-02") }

// readUserForm reads an account's role and place from the form.
func readUserForm(c echo.Context) userForm {
	return userForm{Name: survey.NormalizeName(c.FormValue("name")), Role: c.FormValue("role"),
		Province: strings.TrimSpace(c.FormValue("province")), Office: strings.TrimSpace(c.FormValue("office"))}
}

// account resolves the form's codes: the province is the current unit with that code, the
// office one of the offices of its territory (former units merged into it included).
func (a *App) account(c echo.Context, f userForm, errs formErrors) (survey.Account, error) {
	acc := survey.Account{Name: f.Name, Role: survey.Role(f.Role)}
	if f.Province == "" {
		return acc, nil
	}
	ctx := c.Request().Context()
	units, err := a.store.Units(ctx)
	if err != nil {
		return acc, err
	}
	unit, ok := survey.UnitAt(units, f.Province, a.today())
	if !ok {
		errs["province"] = a.t(c, "users.error.province", f.Province)
		return acc, nil
	}
	acc.ProvinceID = unit.ID
	if f.Office == "" {
		return acc, nil
	}
	office, err := a.store.OfficeIn(ctx, survey.UnitIDs(survey.UnitsInto(units, unit)), f.Office)
	if errors.Is(err, models.ErrNotFound) {
		errs["office"] = a.t(c, "users.error.office", f.Office, unit.Name)
		return acc, nil
	}
	acc.OfficeID = office.ID
	return acc, err
}

// userCreate creates an account within the caller's rights.
func (a *App) userCreate(c echo.Context) error {
	_, me, err := a.manager(c)
	if err != nil {
		return err
	}
	form := readUserForm(c)
	if me.Role == survey.RoleProvinceAdmin && form.Province == "" {
		form.Province = a.provinceCode(c, me.ProvinceID)
	}
	errs := formErrors{}
	acc, err := a.account(c, form, errs)
	if err != nil {
		return err
	}
	if len(errs) == 0 && acc.Validate() == nil && !me.CanManage(acc) {
		return a.forbidden(c)
	}
	u, err := a.newUser(c, acc, c.FormValue("password"), c.FormValue("password_confirm"), errs)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		err = a.store.CreateUser(c.Request().Context(), &u, a.actor(c))
		if errors.Is(err, models.ErrNameTaken) {
			errs["name"] = a.t(c, "users.error.name_taken", u.Name)
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return a.renderUsers(c, http.StatusBadRequest, form, errs)
	}
	return a.redirectWith(c, "/admin/users?lang="+a.lang(c), noticeOf(survey.Msg("users.created", u.Name)))
}

func (a *App) provinceCode(c echo.Context, id uint) string {
	units, err := a.store.Units(c.Request().Context())
	if err != nil {
		return ""
	}
	for _, u := range units {
		if u.ID == id {
			return u.Code
		}
	}
	return ""
}

// target loads the account of the path's :id that the caller may manage (403 otherwise,
// and for the caller's own account, which /account changes).
func (a *App) target(c echo.Context) (userRow, survey.Account, error) {
	v, me, err := a.manager(c)
	if err != nil {
		return userRow{}, me, err
	}
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		return userRow{}, me, a.fail(c, http.StatusNotFound, a.t(c, "error.not_found"))
	}
	r, err := a.store.UserRowByID(c.Request().Context(), uint(id))
	if errors.Is(err, models.ErrNotFound) {
		return userRow{}, me, a.fail(c, http.StatusNotFound, a.t(c, "error.not_found"))
	}
	if err != nil {
		return userRow{}, me, err
	}
	row := a.userRow(c, me, v.user.ID, r)
	if !row.Editable {
		return row, me, a.forbidden(c)
	}
	return row, me, nil
}

func (a *App) userPage(c echo.Context) error {
	row, _, err := a.target(c)
	if err != nil {
		return err
	}
	return a.renderUser(c, http.StatusOK, row, userForm{Role: row.Role, Province: row.ProvinceCode, Office: row.OfficeCode}, formErrors{})
}

func (a *App) renderUser(c echo.Context, status int, row userRow, form userForm, errs formErrors) error {
	_, me, err := a.manager(c)
	if err != nil {
		return err
	}
	path := "/admin/users/" + strconv.FormatUint(uint64(row.ID), 10)
	p, err := a.newPage(c, path)
	if err != nil {
		return err
	}
	up := userPage{basePage: p, Target: row, Form: form, Errors: errs, Roles: a.roleOptions(c, me)}
	if up.Provinces, err = a.provinceOptions(c, me); err != nil {
		return err
	}
	return c.Render(status, "user", up)
}

// userUpdate changes an account's role and place.
func (a *App) userUpdate(c echo.Context) error {
	row, me, err := a.target(c)
	if err != nil {
		return err
	}
	form := readUserForm(c)
	form.Name = row.Name
	errs := formErrors{}
	acc, err := a.account(c, form, errs)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		if err := errs.add(a, c, acc.Validate()); err != nil {
			return err
		}
	}
	if len(errs) == 0 && !me.CanManage(acc) {
		return a.forbidden(c)
	}
	if len(errs) == 0 {
		_, err = a.store.UpdateUser(c.Request().Context(), row.ID, "user.update", a.actor(c), 0,
			func(u *models.User) error { u.SetAccount(acc); return nil })
		if errors.Is(err, models.ErrLastAdmin) {
			errs["role"] = a.t(c, "users.error.last_admin")
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return a.renderUser(c, http.StatusBadRequest, row, form, errs)
	}
	return a.redirectWith(c, "/admin/users?lang="+a.lang(c), noticeOf(survey.Msg("users.updated", row.Name)))
}

// userPassword sets a new password for an account; its sessions end.
func (a *App) userPassword(c echo.Context) error {
	row, _, err := a.target(c)
	if err != nil {
		return err
	}
	errs := formErrors{}
	hash, err := a.hashNewPassword(c, c.FormValue("password"), c.FormValue("password_confirm"), errs)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return a.renderUser(c, http.StatusBadRequest, row, userForm{Role: row.Role, Province: row.ProvinceCode, Office: row.OfficeCode}, errs)
	}
	if _, err := a.store.UpdateUser(c.Request().Context(), row.ID, "user.password", a.actor(c), 0,
		func(u *models.User) error { u.PasswordHash = hash; return nil }); err != nil {
		return err
	}
	return a.redirectWith(c, "/admin/users?lang="+a.lang(c), noticeOf(survey.Msg("users.password_set", row.Name)))
}

// userEnable enables or disables an account; disabling ends its sessions at once.
func (a *App) userEnable(enable bool) echo.HandlerFunc {
	kind := "user.disable"
	if enable {
		kind = "user.enable"
	}
	return func(c echo.Context) error {
		row, _, err := a.target(c)
		if err != nil {
			return err
		}
		_, err = a.store.UpdateUser(c.Request().Context(), row.ID, kind, a.actor(c), 0,
			func(u *models.User) error { u.Disabled = !enable; return nil })
		if errors.Is(err, models.ErrLastAdmin) {
			return a.redirectWith(c, "/admin/users?lang="+a.lang(c), errorNotice(survey.Msg("users.error.last_admin")))
		}
		if err != nil {
			return err
		}
		done := survey.Msg("users.disabled", row.Name)
		if enable {
			done = survey.Msg("users.enabled", row.Name)
		}
		return a.redirectWith(c, "/admin/users?lang="+a.lang(c), noticeOf(done))
	}
}
