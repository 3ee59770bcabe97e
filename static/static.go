// Package static embeds the stylesheets, scripts, fonts and vendored libraries served
// under /static/. Nothing is loaded from a CDN: kiosks may be offline.
package static

import (
	"embed"
	"io/fs"
)

//go:embed css js vendor
var files embed.FS

// FS returns the embedded static files.
func FS() fs.FS { return files }
