package safewrite

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestFile(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(t *testing.T, dir string) // makes what is at dir/out
		overwrite bool
		// want is the content at out afterwards ("" for: not a file).
		want    string
		wantErr func(error) bool
	}{
		{
			name: "a new file is written",
			want: "new",
		},
		{
			name:    "an existing file is kept without overwrite",
			setup:   func(t *testing.T, dir string) { write(t, filepath.Join(dir, "out"), "mine") },
			want:    "mine",
			wantErr: isExists,
		},
		{
			name:      "an existing file is replaced with overwrite",
			setup:     func(t *testing.T, dir string) { write(t, filepath.Join(dir, "out"), "mine") },
			overwrite: true,
			want:      "new",
		},
		{
			name: "a symbolic link is kept without overwrite, and so is its target",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "victim"), "victim")
				symlink(t, "victim", filepath.Join(dir, "out"))
			},
			want:    "",
			wantErr: isExists,
		},
		{
			name: "a symbolic link is replaced with overwrite, and its target is not",
			setup: func(t *testing.T, dir string) {
				write(t, filepath.Join(dir, "victim"), "victim")
				symlink(t, "victim", filepath.Join(dir, "out"))
			},
			overwrite: true,
			want:      "new",
		},
		{
			name: "a dangling symbolic link counts as there",
			setup: func(t *testing.T, dir string) {
				symlink(t, "nowhere", filepath.Join(dir, "out"))
			},
			want:    "",
			wantErr: isExists,
		},
		{
			name: "a directory is never replaced, even with overwrite",
			setup: func(t *testing.T, dir string) {
				if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
					t.Fatal(err)
				}
				write(t, filepath.Join(dir, "out", "keep"), "keep")
			},
			overwrite: true,
			want:      "",
			wantErr:   isWriteError,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			before := entries(t, dir)
			out := filepath.Join(dir, "out")
			err := File(out, []byte("new"), tc.overwrite)
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != nil && !tc.wantErr(err):
				t.Fatalf("error %v (%T) is not the one expected", err, err)
			}
			if fi, err := os.Lstat(out); tc.want != "" && (err != nil || !fi.Mode().IsRegular()) {
				t.Fatalf("out is not a regular file: %v", err)
			}
			if tc.want != "" {
				if got := read(t, out); got != tc.want {
					t.Errorf("out holds %q, want %q", got, tc.want)
				}
			}
			if b, err := os.ReadFile(filepath.Join(dir, "victim")); err == nil && string(b) != "victim" {
				t.Errorf("the link's target was changed: %q", b)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "out", "keep")); err == nil && string(b) != "keep" {
				t.Errorf("the directory's file was changed: %q", b)
			}
			// Nothing but what the write means to leave: no temporary file.
			after := entries(t, dir)
			want := before
			if !strings.Contains(before, "out") {
				want = strings.TrimSpace(before + " out")
			}
			if after != want {
				t.Errorf("directory holds %q, want %q", after, want)
			}
		})
	}
}

func TestFileModeIsReadableByAll(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if err := File(out, []byte("x"), false); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
}

func TestFileErrorNamesThePathNotTheTemporaryFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "nowhere", "out.md")
	err := File(out, []byte("x"), false)
	var we *WriteError
	if !errors.As(err, &we) {
		t.Fatalf("err = %v (%T), want a WriteError", err, err)
	}
	if !errors.Is(err, syscall.ENOENT) {
		t.Errorf("the cause is lost: %v", err)
	}
	if want := "cannot write " + out + ": no such file or directory"; err.Error() != want {
		t.Errorf("message %q, want %q", err, want)
	}
}

func TestRel(t *testing.T) {
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"main.go", true},
		{"cmd/server/main.go", true},
		{".github/workflows/ci.yml", true},
		{"", false},
		{"/etc/passwd", false},
		{"C:/evil", false},
		{"../evil", false},
		{"a/../../evil", false},
		{"a/../b", false},
		{"a/./b", false},
		{"a//b", false},
		{"a/", false},
		{`..\evil`, false},
		{"a\x00b", false},
	} {
		_, err := Rel(tc.path)
		var pe *PathError
		switch {
		case tc.ok && err != nil:
			t.Errorf("%q refused: %v", tc.path, err)
		case !tc.ok && !errors.As(err, &pe):
			t.Errorf("%q: err = %v, want a PathError", tc.path, err)
		}
	}
}

func TestNoSymlinkParents(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "real", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	symlink(t, t.TempDir(), filepath.Join(dir, "link"))
	symlink(t, "elsewhere", filepath.Join(dir, "real", "file"))
	for _, tc := range []struct {
		rel string
		ok  bool
	}{
		{"new/file", true},
		{"real/sub/file", true},
		{"real/new", true},
		{"link/file", false},
		{"link", false},
		{"real/file", false},
	} {
		err := NoSymlinkParents(dir, tc.rel)
		var pe *PathError
		switch {
		case tc.ok && err != nil:
			t.Errorf("%q refused: %v", tc.rel, err)
		case !tc.ok && !errors.As(err, &pe):
			t.Errorf("%q: err = %v, want a PathError", tc.rel, err)
		}
	}
}

func TestStage(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dest string)
		empty bool
		// want lists dest's files afterwards; wantErr a refused commit.
		want    string
		wantErr bool
	}{
		{name: "into a missing directory", empty: true, want: "a.txt sub/b.txt"},
		{
			name:  "into an empty directory",
			setup: func(t *testing.T, dest string) { os.Mkdir(dest, 0o755) },
			empty: true,
			want:  "a.txt sub/b.txt",
		},
		{
			name: "into a directory with files: others stay, staged ones replace theirs",
			setup: func(t *testing.T, dest string) {
				os.MkdirAll(filepath.Join(dest, "sub"), 0o755)
				write(t, filepath.Join(dest, "mine.txt"), "mine")
				write(t, filepath.Join(dest, "a.txt"), "old")
			},
			want: "a.txt mine.txt sub/b.txt",
		},
		{
			name: "never through a symbolic link in the directory",
			setup: func(t *testing.T, dest string) {
				os.Mkdir(dest, 0o755)
				write(t, filepath.Join(dest, "mine.txt"), "mine")
				symlink(t, t.TempDir(), filepath.Join(dest, "sub"))
			},
			want:    "mine.txt sub",
			wantErr: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent := t.TempDir()
			dest := filepath.Join(parent, "out")
			if tc.setup != nil {
				tc.setup(t, dest)
			}
			s, err := NewStage(dest)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Discard()
			if err := s.WriteFile("a.txt", []byte("a"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := s.WriteFile("sub/b.txt", []byte("b"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := s.WriteFile("../escape", []byte("x"), 0o644); err == nil {
				t.Fatal("a path out of the stage was written")
			}
			err = s.Commit(tc.empty)
			if (err != nil) != tc.wantErr {
				t.Fatalf("commit: %v", err)
			}
			s.Discard()
			got, _ := List(dest)
			if strings.Join(got, " ") != tc.want {
				t.Errorf("dest holds %q, want %q", strings.Join(got, " "), tc.want)
			}
			if !tc.wantErr && read(t, filepath.Join(dest, "a.txt")) != "a" {
				t.Error("a.txt was not replaced")
			}
			if e := entries(t, parent); e != "out" {
				t.Errorf("beside dest: %q, want only out", e)
			}
		})
	}
}

func isExists(err error) bool {
	var ee *ExistsError
	return errors.As(err, &ee) && errors.Is(err, fs.ErrExist)
}

func isWriteError(err error) bool {
	var we *WriteError
	return errors.As(err, &we)
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Skip("no symbolic links here:", err)
	}
}

func entries(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return strings.Join(names, " ")
}
