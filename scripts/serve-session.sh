# Shell functions of the scripts that drive `sipas serve` from outside: start it on a
# database, sign in as an administrator with curl, upload a file to /admin/import and
# follow its job's page until the job ends. Sourced, not run; needs $work, $port, $sipas.

# start_serve DB [ENV…]: serve on DB in the background ($serve is its process ID).
start_serve() {
  local db=$1
  shift
  env "$@" "$sipas" serve -addr "127.0.0.1:$port" -db "$db" >>"$work/serve.log" 2>&1 &
  serve=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "serve did not start; see $work/serve.log" >&2
  exit 1
}

# make_admin DB: the account root on DB, with the password $password.
password='a long pass phrase for the scripts'
make_admin() {
  printf '%s\n' "$password" | "$sipas" user add -db "$1" -name root -role admin >/dev/null 2>&1 || true
}

# form_token URL: the CSRF token of the page's forms, in the cookie jar's session.
form_token() {
  curl -s -b "$work/cookies" -c "$work/cookies" "$1" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -n 1
}

# sign_in: root's session in $work/cookies.
sign_in() {
  rm -f "$work/cookies"
  local token
  token=$(form_token "http://127.0.0.1:$port/login")
  curl -s -o /dev/null -b "$work/cookies" -c "$work/cookies" --data-urlencode "csrf_token=$token" \
    --data-urlencode name=root --data-urlencode "password=$password" "http://127.0.0.1:$port/login"
}

# upload FILE: posts it to /admin/import; prints the HTTP status, the time it took to be
# answered and the job's page (Location).
upload() {
  local token
  token=$(form_token "http://127.0.0.1:$port/admin/import?lang=en")
  curl -s -o /dev/null -D "$work/upload.headers" -b "$work/cookies" -c "$work/cookies" -w '%{http_code} %{time_total}' \
    -F "csrf_token=$token" -F lang=en -F "file=@$1" "http://127.0.0.1:$port/admin/import"
  printf ' %s\n' "$(sed -n 's/^Location: \([^\r]*\).*/\1/ip' "$work/upload.headers")"
}

# follow PATH: polls the job's page until the job ends; prints how it ended.
follow() {
  local page
  while :; do
    page=$(curl -s -b "$work/cookies" "http://127.0.0.1:$port$1")
    if ! grep -q 'http-equiv="refresh"' <<<"$page"; then
      grep -o '<strong>[^<]*</strong>\|<li>[^<]*</li>' <<<"$page" | sed 's/<[^>]*>//g' | head -n 4 | paste -sd ' ' -
      return
    fi
    sleep 0.2
  done
}

# kb FIELD: a line of serve's /proc status, in kB (VmHWM, VmRSS).
kb() { awk -v k="$1" '$1 == k":" {print $2}' "/proc/$serve/status"; }
mb() { echo $(( ($1 + 512) / 1024 )); }
