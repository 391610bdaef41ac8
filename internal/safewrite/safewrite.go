// Package safewrite writes what tradeoff's commands produce the way they
// promise to: a failure never leaves half a file, a file already there is
// replaced only when the caller says so, and no generated path lands
// outside the directory it is meant for.
//
// It knows nothing of commands or flags: it returns typed errors
// (*ExistsError, *WriteError, *PathError) and each command words its own
// message.
package safewrite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ExistsError says that the path is already there and the caller did not
// ask to replace it. errors.Is(err, fs.ErrExist) holds.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string        { return e.Path + " already exists" }
func (e *ExistsError) Is(target error) bool { return target == fs.ErrExist }

// WriteError says that writing the path failed. Err is the cause without
// the temporary file's name: the user named the file, not the temporary
// one.
type WriteError struct {
	Path string
	Err  error
}

func (e *WriteError) Error() string { return fmt.Sprintf("cannot write %s: %v", e.Path, e.Err) }
func (e *WriteError) Unwrap() error { return e.Err }

// PathError reports a relative path that would land outside its directory
// (or is otherwise unusable as a file name).
type PathError struct {
	Path string
	Msg  string
}

func (e *PathError) Error() string { return fmt.Sprintf("path %q %s", e.Path, e.Msg) }

// File writes data to path (mode 0644) through a temporary file in the
// same directory, so that an interrupted write leaves nothing
// half-written. Without overwrite it links the temporary file into place
// rather than renaming it, which fails if path appeared meanwhile instead
// of replacing it; where the file system has no hard links it checks, then
// renames. With overwrite it renames, which replaces a file or a symbolic
// link at path (never what the link points to) but not a directory.
func File(path string, data []byte, overwrite bool) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return &WriteError{Path: path, Err: cause(err)}
	}
	name := tmp.Name()
	defer func() {
		if rmErr := os.Remove(name); err == nil && rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			err = &WriteError{Path: path, Err: cause(rmErr)}
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return &WriteError{Path: path, Err: cause(err)}
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return &WriteError{Path: path, Err: cause(err)}
	}
	if err := tmp.Close(); err != nil {
		return &WriteError{Path: path, Err: cause(err)}
	}
	if overwrite {
		if err := os.Rename(name, path); err != nil {
			return &WriteError{Path: path, Err: cause(err)}
		}
		return nil
	}
	if err := os.Link(name, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return &ExistsError{Path: path}
		}
		// Some file systems have no hard links: check, then rename.
		if _, statErr := os.Lstat(path); statErr == nil {
			return &ExistsError{Path: path}
		}
		if err := os.Rename(name, path); err != nil {
			return &WriteError{Path: path, Err: cause(err)}
		}
	}
	return nil
}

// cause drops the path from an error of the os package, which names the
// temporary file.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// Rel checks that a slash-separated path stays inside the directory it is
// relative to: not absolute, no "..", no empty or dot segments, no
// backslashes or NULs (which mean something else on other systems). It
// returns the path unchanged.
func Rel(p string) (string, error) {
	switch {
	case p == "":
		return "", &PathError{Path: p, Msg: "is empty"}
	case strings.HasPrefix(p, "/") || (len(p) > 1 && p[1] == ':'):
		return "", &PathError{Path: p, Msg: "is absolute; every file must stay inside the output directory"}
	case strings.ContainsAny(p, "\\\x00"):
		return "", &PathError{Path: p, Msg: "contains a backslash or NUL"}
	case !fs.ValidPath(p):
		return "", &PathError{Path: p, Msg: "escapes the output directory or has empty segments"}
	}
	return p, nil
}

// NoSymlinkParents refuses to write rel (slash-separated) under dir
// through a symbolic link that is already there: it could point anywhere.
func NoSymlinkParents(dir, rel string) error {
	cur := dir
	for _, part := range strings.Split(rel, "/") {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return &PathError{Path: rel, Msg: "would be written through the symbolic link " + cur}
		}
	}
	return nil
}

// Stage is a directory of files written next to their destination and
// moved into place only once every one of them is whole.
type Stage struct {
	// Dir is the staging directory, a hidden sibling of the destination.
	Dir  string
	dest string
	done bool
}

// NewStage makes a staging directory beside dest (creating dest's parent
// if need be).
func NewStage(dest string) (*Stage, error) {
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, "."+filepath.Base(dest)+".stage-*")
	if err != nil {
		return nil, err
	}
	return &Stage{Dir: dir, dest: dest}, nil
}

// WriteFile writes one file of the stage; rel must pass Rel.
func (s *Stage) WriteFile(rel string, data []byte, perm fs.FileMode) error {
	if _, err := Rel(rel); err != nil {
		return err
	}
	full := filepath.Join(s.Dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	return os.WriteFile(full, data, perm)
}

// Files lists the stage's files, slash-separated and sorted.
func (s *Stage) Files() ([]string, error) { return List(s.Dir) }

// List lists the files under dir, slash-separated, relative to dir and
// sorted.
func List(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, name)
		if err != nil {
			return err
		}
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	return out, err
}

// Commit moves the staged files into place. A missing or empty
// destination is replaced in one rename. Into a non-empty one each file
// goes by rename, so each file is whole; files the stage does not hold
// stay, and no file is written through a symbolic link already there.
func (s *Stage) Commit(destEmpty bool) error {
	if destEmpty {
		if err := os.Remove(s.dest); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if err := os.Rename(s.Dir, s.dest); err != nil {
			return err
		}
		s.done = true
		return nil
	}
	files, err := s.Files()
	if err != nil {
		return err
	}
	for _, rel := range files {
		if err := NoSymlinkParents(s.dest, rel); err != nil {
			return err
		}
	}
	for _, rel := range files {
		dst := filepath.Join(s.dest, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(filepath.Join(s.Dir, filepath.FromSlash(rel)), dst); err != nil {
			return err
		}
	}
	s.done = true
	return os.RemoveAll(s.Dir)
}

// Discard removes the staging directory unless it was committed.
func (s *Stage) Discard() {
	if !s.done {
		os.RemoveAll(s.Dir)
	}
}
