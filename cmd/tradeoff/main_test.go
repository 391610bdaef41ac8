package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/tradeoff-dev/tradeoff/cli"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"tradeoff": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs every txtar script under testdata/script: the CLI's
// end-to-end behaviour, one readable file per command and topic. Set
// UPDATE_GOLDEN=1 to rewrite the scripts' expected output.
func TestScripts(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: os.Getenv("UPDATE_GOLDEN") != "",
		Setup: func(env *testscript.Env) error {
			// Scripts reach the repository's examples as $ROOT/examples.
			env.Setenv("ROOT", root)
			env.Setenv("NO_COLOR", "1")
			return nil
		},
	})
}
