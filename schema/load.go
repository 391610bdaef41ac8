// Package schema is the design vocabulary: the embedded CUE schema, the
// loader that checks a design file against it, and the typed Go model the
// rest of the pipeline reads. It knows nothing of estimates or rules.
package schema

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/encoding/json"
	"cuelang.org/go/encoding/yaml"
)

//go:embed design.cue
var schemaSource []byte

// schemaFile names the embedded schema in positions, so they can be told
// apart from the user's.
const schemaFile = "tradeoff/schema/design.cue"

// MaxFileSize bounds what the loader reads: a design is a page or two, and a
// file of many megabytes is a mistake, not a design.
const MaxFileSize = 8 << 20

// Text returns the embedded CUE schema.
func Text() []byte { return bytes.Clone(schemaSource) }

// EvalTimeout bounds how long one design may take to load. A design is
// small, and CUE evaluates a real one in milliseconds; a file that takes
// seconds is a runaway comprehension or a fuzzer's invention, and the user
// is better served by an error than by a hang. The limit is on CPU time
// where the system reports it, so a valid design on a machine busy with
// other work is slow, not refused; wall time is bounded at
// evalWallFactor times the limit whatever happens.
var EvalTimeout = 10 * time.Second

// evalWallFactor bounds the wall time a load may take, as a multiple of
// EvalTimeout, when the process gets little of the CPU.
const evalWallFactor = 6

// bounded runs load, giving up after EvalTimeout with a positioned error.
// CUE evaluation cannot be cancelled, so a runaway evaluation is left to
// finish in the background; the CLI exits right after.
func bounded(name string, load func() (*Design, error)) (*Design, error) {
	type result struct {
		d   *Design
		err error
	}
	done := make(chan result, 1)
	go func() {
		// A panic in CUE on some input must not take the process down
		// (this goroutine is not the caller's, so the caller could not
		// recover it): it is reported as an error at the top of the file.
		defer func() {
			if p := recover(); p != nil {
				done <- result{nil, Errors{{Pos: Position{File: name, Line: 1, Col: 1}, Msg: fmt.Sprintf("internal error: the CUE evaluator failed on this design (%v); please report it with the file", p)}}}
			}
		}()
		d, err := load()
		done <- result{d, err}
	}()
	cpu0, measured := processCPU()
	wallLimit := time.Now().Add(evalWallFactor * EvalTimeout)
	timer := time.NewTimer(EvalTimeout)
	defer timer.Stop()
	for {
		select {
		case r := <-done:
			return r.d, r.err
		case <-timer.C:
		}
		// The timer measures wall time; the limit is on the CPU the load
		// used. Wait for the rest of it unless the wall-time bound is up.
		used := EvalTimeout
		if cpu, ok := processCPU(); measured && ok {
			used = cpu - cpu0
		}
		left := EvalTimeout - used
		if left <= 0 || !time.Now().Before(wallLimit) {
			return nil, Errors{{Pos: Position{File: name, Line: 1, Col: 1}, Msg: fmt.Sprintf("the design took more than %s to evaluate: simplify its expressions (a design is plain data and needs no computation)", EvalTimeout)}}
		}
		timer.Reset(left)
	}
}

// StdinName is the name standard input goes by in positions.
const StdinName = "<stdin>"

type loader struct {
	ctx    *cue.Context
	schema cue.Value
	def    cue.Value
	// loads and loaded count what this loader has built: its context keeps
	// every file it builds (see loaders).
	loads, loaded int
	// kinds are the kinds of the components of the design being checked:
	// which fields a component allows depends on its kind.
	kinds map[string]string
}

func newLoader() (*loader, error) {
	ctx := cuecontext.New()
	text, err := loaderSchema()
	if err != nil {
		return nil, err
	}
	s := ctx.CompileBytes(text, cue.Filename(schemaFile))
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("internal error: the embedded schema does not compile: %v", err)
	}
	hintsOnce.Do(func() { initPatternHints(s) })
	return &loader{ctx: ctx, schema: s, def: s.LookupPath(cue.ParsePath("#Design"))}, nil
}

var hintsOnce sync.Once

// loaders keeps compiled schemas for reuse: compiling the schema costs more
// than loading most designs, and a process that loads many (a fuzzer, a
// diff, a test suite) should pay for it once, not per load.
//
// The values of one cue.Context are not safe for concurrent use, so a
// loader serves one load at a time: it is taken from the pool and put back
// only when its load has finished (a runaway evaluation that bounded gave
// up on keeps its loader until it ends). A context also keeps every file
// built with it, so a loader is retired after maxLoaderLoads loads or
// maxLoaderBytes bytes of input, which bounds what the pool holds on to.
// A loaded Design keeps no CUE value that is evaluated after Load returns.
var loaders struct {
	sync.Mutex
	free []*loader
}

const (
	maxLoaderLoads = 64
	maxLoaderBytes = 1 << 20
	maxFreeLoaders = 4
)

func getLoader() (*loader, error) {
	loaders.Lock()
	if n := len(loaders.free); n > 0 {
		l := loaders.free[n-1]
		loaders.free = loaders.free[:n-1]
		loaders.Unlock()
		return l, nil
	}
	loaders.Unlock()
	return newLoader()
}

// putLoader returns l to the pool after a load of size bytes.
func putLoader(l *loader, size int) {
	l.loads++
	l.loaded += size
	if l.loads >= maxLoaderLoads || l.loaded >= maxLoaderBytes {
		return
	}
	loaders.Lock()
	defer loaders.Unlock()
	if len(loaders.free) < maxFreeLoaders {
		loaders.free = append(loaders.free, l)
	}
}

// Load reads and checks the design at path: a .cue, .yaml, .yml or .json
// file, a directory holding one CUE package, or "-" for standard input. A
// design with problems returns Errors listing every one of them.
func Load(path string, stdin io.Reader) (*Design, error) {
	if path == "-" {
		data, err := readLimited(stdin, StdinName)
		if err != nil {
			return nil, err
		}
		format := sniff(data)
		return loadBytes(StdinName, data, format)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if fi.IsDir() {
		return bounded(path, func() (*Design, error) {
			l, err := getLoader()
			if err != nil {
				return nil, err
			}
			// A directory may hold up to MaxFileSize of files: retire the
			// loader rather than keep what they built.
			defer putLoader(l, maxLoaderBytes)
			return l.loadDir(path)
		})
	}
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".cue", ".yaml", ".yml", ".json":
	default:
		return nil, Errors{{Pos: Position{File: path}, Msg: fmt.Sprintf("unsupported file type %q: a design is a .cue, .yaml, .yml or .json file, or a directory of .cue files", ext)}}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	data, err := readLimited(f, path)
	if err != nil {
		return nil, err
	}
	return loadBytes(path, data, strings.TrimPrefix(ext, "."))
}

// LoadBytes checks a design held in memory; format is "cue", "yaml" or
// "json".
func LoadBytes(name string, data []byte, format string) (*Design, error) {
	return loadBytes(name, data, format)
}

func loadBytes(name string, data []byte, format string) (*Design, error) {
	return bounded(name, func() (*Design, error) {
		l, err := getLoader()
		if err != nil {
			return nil, err
		}
		defer putLoader(l, len(data))
		return l.loadBytes(name, data, format)
	})
}

func fileError(path string, err error) error {
	msg := err.Error()
	switch {
	case errors.Is(err, os.ErrNotExist):
		msg = "no such file or directory"
	case errors.Is(err, os.ErrPermission):
		msg = "permission denied"
	}
	return Errors{{Pos: Position{File: path}, Msg: msg}}
}

func readLimited(r io.Reader, name string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, Errors{{Pos: Position{File: name}, Msg: "cannot read: " + err.Error()}}
	}
	if len(data) > MaxFileSize {
		return nil, Errors{{Pos: Position{File: name, Line: 1, Col: 1}, Msg: fmt.Sprintf("file is larger than %d MiB: a design is a page or two, not a data dump", MaxFileSize>>20)}}
	}
	return data, nil
}

// sniff guesses the format of standard input: JSON starts with "{", CUE
// parses as CUE, YAML parses as YAML; text that is neither is reported
// as CUE, the native format.
func sniff(data []byte) string {
	t := bytes.TrimSpace(data)
	if len(t) > 0 && t[0] == '{' {
		return "json"
	}
	// A YAML list or document marker also parses as CUE arithmetic.
	if bytes.HasPrefix(t, []byte("- ")) || bytes.HasPrefix(t, []byte("---")) {
		return "yaml"
	}
	if _, err := parser.ParseFile(StdinName, data); err == nil {
		return "cue"
	}
	if _, err := yaml.Extract(StdinName, data); err == nil {
		return "yaml"
	}
	return "cue"
}

func (l *loader) loadBytes(name string, data []byte, format string) (*Design, error) {
	if err := checkText(name, data); err != nil {
		return nil, err
	}
	var v cue.Value
	switch format {
	case "yml", "yaml":
		if i := loneCR(data); i >= 0 {
			line := 1 + bytes.Count(data[:i], []byte("\n"))
			col := 1 + utf8.RuneCount(data[bytes.LastIndexByte(data[:i], '\n')+1:i])
			return nil, Errors{{Pos: Position{File: name, Line: line, Col: col}, Msg: `YAML syntax error: a carriage return without a line feed (an old Mac line ending): save the file with "\n" or "\r\n" line endings`}}
		}
		f, err := yaml.Extract(name, data)
		if err != nil {
			return nil, yamlError(name, err)
		}
		if f != nil && len(f.Decls) == 1 {
			if emb, ok := f.Decls[0].(*ast.EmbedDecl); ok {
				if _, isList := emb.Expr.(*ast.ListLit); isList && bytes.Contains(data, []byte("\n---")) {
					return nil, Errors{{Pos: Position{File: name, Line: 1, Col: 1}, Msg: "file holds several YAML documents: put one design in each file"}}
				}
			}
		}
		v = l.ctx.BuildFile(f)
	case "json":
		expr, err := json.Extract(name, data)
		if err != nil {
			return nil, l.syntaxError(name, err)
		}
		v = l.ctx.BuildExpr(expr)
	default:
		f, err := parser.ParseFile(name, data, parser.ParseComments)
		if err != nil {
			return nil, l.syntaxError(name, err)
		}
		es := append(checkComprehensions(f), importErrors(f)...)
		if len(es) == 0 {
			es = checkExpansion(f)
		}
		if len(es) > 0 {
			return nil, es
		}
		v = l.ctx.BuildFile(f)
	}
	return l.check(v, []string{name})
}

// loneCR returns the offset of the first carriage return not followed by
// a line feed, or -1. YAML counts one as a line break and CUE's YAML
// decoder does not, which makes it index past its table of lines and panic
// (cuelang.org/go v0.17.1, internal/encoding/yaml yamlOffset; the YAML
// fuzzer found it).
func loneCR(data []byte) int {
	for i, c := range data {
		if c == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			return i
		}
	}
	return -1
}

func checkText(name string, data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return Errors{{Pos: Position{File: name, Line: 1, Col: 1}, Msg: "design is empty: start from examples/shortener.cue or run `tradeoff init`"}}
	}
	if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
		return Errors{{Pos: Position{File: name, Line: 1, Col: 1}, Msg: "not a text file: a design is CUE, YAML or JSON text"}}
	}
	return nil
}

func (l *loader) loadDir(dir string) (*Design, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fileError(dir, err)
	}
	pkg, err := dirPackage(dir)
	if err != nil {
		return nil, err
	}
	insts := load.Instances([]string{"."}, &load.Config{Dir: abs, Package: pkg})
	if len(insts) != 1 {
		return nil, Errors{{Pos: Position{File: dir}, Msg: fmt.Sprintf("found %d CUE packages: a directory must hold one design", len(insts))}}
	}
	inst := insts[0]
	if inst.Err != nil {
		es := l.syntaxError(dir, inst.Err)
		fixFiles(es, dir, abs)
		return nil, es
	}
	var files []string
	for _, f := range inst.Files {
		files = append(files, relTo(dir, abs, f.Filename))
	}
	var limits Errors
	for _, f := range inst.Files {
		limits = append(limits, checkComprehensions(f)...)
		limits = append(limits, importErrors(f)...)
	}
	if len(limits) == 0 {
		limits = checkExpansion(inst.Files...)
	}
	if len(limits) > 0 {
		limits.sort()
		fixFiles(limits, dir, abs)
		return nil, limits
	}
	v := l.ctx.BuildInstance(inst)
	d, err := l.check(v, files)
	fixFiles(err, dir, abs)
	return d, err
}

// dirPackage reads the package clause of every .cue file in dir (as the cue
// tool does, skipping names that start with "." or "_") and returns the one
// package they share: "_" when none has a package clause. Files of two
// packages, or a mix of packaged and unpackaged files, are an error at the
// clause that differs.
func dirPackage(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", fileError(dir, err)
	}
	var first, firstFile string
	seen := false
	total := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || filepath.Ext(name) != ".cue" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		file := filepath.Join(dir, name)
		f, err := os.Open(file)
		if err != nil {
			return "", fileError(file, err)
		}
		data, err := readLimited(f, file)
		f.Close()
		if err != nil {
			return "", err
		}
		total += len(data)
		if total > MaxFileSize {
			return "", Errors{{Pos: Position{File: file, Line: 1, Col: 1}, Msg: fmt.Sprintf("the directory's .cue files add up to more than %d MiB: a design is a page or two, not a data dump", MaxFileSize>>20)}}
		}
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return "", Errors{{Pos: Position{File: file, Line: 1, Col: 1}, Msg: "not a text file: a design is CUE, YAML or JSON text"}}
		}
		af, err := parser.ParseFile(file, data, parser.PackageClauseOnly)
		if err != nil {
			return "", syntaxErrors(file, err)
		}
		pkg, pos := "", Position{File: file, Line: 1, Col: 1}
		if af.PackageName() != "" {
			pkg = af.PackageName()
			for _, d := range af.Decls {
				if p, ok := d.(*ast.Package); ok {
					pos = fromToken(p.Name.Pos())
				}
			}
		}
		if !seen {
			first, firstFile, seen = pkg, file, true
			continue
		}
		if pkg != first {
			return "", Errors{{Pos: pos, Msg: fmt.Sprintf("%s is %s but %s is %s: a directory holds one design, in one CUE package", file, pkgWords(pkg), firstFile, pkgWords(first))}}
		}
	}
	if !seen {
		return "", Errors{{Pos: Position{File: dir}, Msg: "no .cue files in the directory: a design directory holds the .cue files of one package"}}
	}
	if first == "" {
		return "_", nil
	}
	return first, nil
}

func pkgWords(pkg string) string {
	if pkg == "" {
		return "in no package"
	}
	return fmt.Sprintf("package %q", pkg)
}

// importErrors refuses imports: a design is data and stands alone, and the
// standard library would let a few characters (list.Range) ask for more
// work than any design needs.
func importErrors(f *ast.File) Errors {
	var es Errors
	for imp := range f.ImportSpecs() {
		es = append(es, &Error{Pos: fromToken(imp.Path.Pos()), Msg: fmt.Sprintf("import %s is not supported: a design is data and stands alone (to split it across files, make it a directory of files in one package)", imp.Path.Value)})
	}
	return es
}

// fixFiles rewrites absolute file names in errors as the user named the
// directory.
func fixFiles(err error, dir, abs string) {
	var es Errors
	if errors.As(err, &es) {
		for _, e := range es {
			e.Pos.File = relTo(dir, abs, e.Pos.File)
		}
	}
}

// relTo shows a file of a directory the way the user named the directory.
func relTo(dir, abs, file string) string {
	if rel, err := filepath.Rel(abs, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.Join(dir, rel)
	}
	return file
}

var yamlLine = regexp.MustCompile(`(?:line |:)(\d+)(?::(\d+))?: (.*)`)

// yamlError gives YAML syntax errors a position: the YAML decoder reports
// only a line, in the message text.
func yamlError(name string, err error) error {
	msg := err.Error()
	pos := Position{File: name, Line: 1, Col: 1}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		if m[2] != "" {
			pos.Col, _ = strconv.Atoi(m[2])
		}
		msg = m[3]
	}
	return Errors{{Pos: pos, Msg: "YAML syntax error: " + strings.TrimPrefix(msg, "yaml: ")}}
}

func (l *loader) syntaxError(name string, err error) error {
	return syntaxErrors(name, err)
}

// syntaxErrors reports a file that does not parse, at each error's
// position.
func syntaxErrors(name string, err error) Errors {
	var out Errors
	for _, e := range cueerrors.Errors(err) {
		pos := Position{File: name, Line: 1, Col: 1}
		if p := e.Position(); p.IsValid() {
			pos = fromToken(p)
		}
		msg := cueerrors.StringWithConfig(e, &cueerrors.Config{OmitPath: true})
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		out = append(out, &Error{Pos: pos, Msg: "syntax error: " + msg})
	}
	if len(out) == 0 {
		out = Errors{{Pos: Position{File: name, Line: 1, Col: 1}, Msg: err.Error()}}
	}
	out.sort()
	return out
}

// check unifies the user's value with #Design, reports every error, and
// decodes the result into the Go model.
func (l *loader) check(user cue.Value, files []string) (*Design, error) {
	src := newSource(files, user)
	if err := user.Err(); err != nil {
		es := l.convertErrors(err, src)
		es.sort()
		return nil, es
	}
	if user.IncompleteKind() != cue.StructKind {
		return nil, Errors{{Pos: src.Pos(""), Msg: "a design is a struct of fields (system, traffic, slo, ...), not " + kindWords(user.IncompleteKind().String())}}
	}
	l.kinds = componentKinds(user)
	u := user.Unify(l.def)
	es := l.validate(u, src)
	if len(es) > 0 {
		// A part in error hides its stray fields from CUE; a design
		// without an error has none, the schema being closed.
		es = append(es, l.unknownFields(user, src)...)
	}
	stepErrs := l.checkSteps(user, src)
	es = append(es, stepErrs...)
	es = append(es, referenceErrors(user, src)...)
	var d *Design
	var broken map[string]bool
	var decodeErrs Errors
	ok := false
	if len(es) == 0 {
		d, broken, ok = l.decodeWhole(u, src)
	}
	if !ok {
		d, broken, decodeErrs = l.decodeParts(u, src)
	}
	// An operation whose call tree is wrong does not decode either; the
	// step's own error says why.
	decodeErrs = slices.DeleteFunc(decodeErrs, func(e *Error) bool {
		return slices.ContainsFunc(stepErrs, func(s *Error) bool {
			op, _, _ := strings.Cut(strings.TrimPrefix(s.Path, "traffic."), ".calls")
			return e.Path == "traffic."+op || strings.HasPrefix(e.Path, "traffic."+op+".calls")
		})
	})
	es = append(es, decodeErrs...)
	es = append(es, checkDesign(d, broken)...)
	if len(es) > 0 {
		es = dedupe(refine(es, user.LookupPath(cue.MakePath(cue.Str("components"))).Exists()))
		if len(es) == 0 {
			return d, nil
		}
		es.sort()
		return nil, es
	}
	return d, nil
}

// refine drops errors that say less than another one, or that are not
// true of the design's form. A component in error makes CUE's
// `components == _|_` hold, so the shorthand's sections and paths come out
// as missing in a design that has components: they are not. A step that
// fails inside (a misspelled field) also fails as a whole, against both
// forms a step may take; the error inside says what is wrong.
func refine(es Errors, components bool) Errors {
	var out Errors
	for _, e := range es {
		missing := strings.HasPrefix(e.Msg, "missing required field")
		if components && missing && (e.Path == "services" || e.Path == "database" || strings.HasPrefix(e.Path, "traffic.") && (strings.HasSuffix(e.Path, ".path") || strings.HasSuffix(e.Path, ".calls") && !strings.Contains(e.Msg, "say what"))) {
			// checkGraph reports a missing calls itself, whether or not
			// CUE saw the components.
			continue
		}
		if strings.HasPrefix(e.Msg, "the value is not allowed") && strings.Contains(e.Path, ".calls[") && slices.ContainsFunc(es, func(o *Error) bool {
			return strings.HasPrefix(o.Path, e.Path+".")
		}) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// validate reports every error. CUE stops descending into a value once it
// has found an error in it (and drops missing-field errors when there are
// others), so each top-level field and each of its fields is validated on
// its own as well, and the results are merged.
func (l *loader) validate(u cue.Value, src *Source) Errors {
	var all Errors
	add := func(v cue.Value) {
		if err := v.Validate(cue.Concrete(true)); err != nil {
			all = append(all, l.convertErrors(err, src)...)
		}
	}
	add(u)
	if len(all) == 0 {
		return nil
	}
	it, err := u.Fields()
	if err == nil {
		for it.Next() {
			add(it.Value())
			if sub, err := it.Value().Fields(); err == nil {
				for sub.Next() {
					add(sub.Value())
				}
			}
		}
	}
	return all
}

// unknownFields reports the misspelled fields of a part that failed for
// another reason: once a value is in error (a kind outside its choices),
// CUE reports nothing else in it, so a stray field next to a bad value
// would wait for the next run. The user's own fields are checked against
// the names the schema allows there; where CUE reports the same field, the
// two identical errors are merged by dedupe.
func (l *loader) unknownFields(user cue.Value, src *Source) Errors {
	var out Errors
	var walk func(uv cue.Value, path string, depth int)
	walk = func(uv cue.Value, path string, depth int) {
		it, err := uv.Fields()
		if err != nil {
			return
		}
		allowed := l.schemaFields(path)
		for it.Next() {
			name := it.Selector().Unquoted()
			p := joinField(path, name)
			if path != "" && len(allowed) > 0 && !slices.Contains(allowed, name) {
				out = append(out, &Error{Pos: src.Pos(p), Path: p, Msg: l.notAllowed(p)})
				continue
			}
			if depth < 2 {
				walk(it.Value(), p, depth+1)
			}
		}
	}
	walk(user, "", 0)
	return out
}

// componentKinds reads the kind each component of a design states.
func componentKinds(user cue.Value) map[string]string {
	out := map[string]string{}
	it, err := user.LookupPath(cue.MakePath(cue.Str("components"))).Fields()
	if err != nil {
		return out
	}
	for it.Next() {
		if k, err := it.Value().LookupPath(cue.MakePath(cue.Str("kind"))).String(); err == nil {
			out[it.Selector().Unquoted()] = k
		}
	}
	return out
}

func dedupe(es Errors) Errors {
	seen := map[string]bool{}
	var out Errors
	for _, e := range es {
		if k := e.Error(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

func (l *loader) decodeErrors(err error, src *Source) Errors {
	var out Errors
	for _, e := range cueerrors.Errors(err) {
		path := joinPath(e.Path())
		pos := src.Pos(path)
		msg := cueerrors.StringWithConfig(e, &cueerrors.Config{OmitPath: true})
		var pe *posError
		if errors.As(e, &pe) {
			msg = pe.err.Error()
			if p := fromToken(pe.pos); p.IsValid() {
				pos = p
			}
		}
		out = append(out, &Error{Pos: pos, Path: path, Msg: msg})
	}
	if len(out) == 0 {
		out = Errors{{Pos: src.Pos(""), Msg: err.Error()}}
	}
	out.sort()
	return out
}
