// Package templates embeds the files `tradeoff scaffold` renders. The tree
// under shortener/ is split into layers (base, db/<choice>, cache/<choice>,
// queue/<choice>, lb/<choice>, ...) that the scaffold package stacks on top
// of each other; files ending in .tmpl go through text/template.
//
// Go sources carry a .go.tmpl suffix so that this module's own go build and
// go vet never see them.
package templates

import (
	"embed"
	"io/fs"
)

//go:embed all:shortener
var files embed.FS

// Shortener returns the URL-shortener template tree.
func Shortener() fs.FS {
	sub, err := fs.Sub(files, "shortener")
	if err != nil {
		panic(err) // the directory is embedded above; this cannot happen
	}
	return sub
}
