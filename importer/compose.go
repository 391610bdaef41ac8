package importer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
	"go.yaml.in/yaml/v3"
)

const composeHint = "give a Compose file (docker-compose.yml, compose.yaml) as `docker compose config` reads it"

// ComposeOptions are what `docker compose` would be told.
type ComposeOptions struct {
	Profiles []string
	// Env is the environment interpolation reads (NAME=value); the
	// project's .env file is read as docker compose reads it.
	Env []string
}

// Compose reads a Compose project with the Compose specification's own
// loader (profiles, extends, interpolation as `docker compose config`
// does) and returns its skeleton. files are as the user named them.
func Compose(ctx context.Context, files []string, o ComposeOptions) (*Skeleton, error) {
	if len(files) == 0 {
		return nil, &Error{File: "-", Msg: "no Compose file given", Hint: composeHint}
	}
	trees := map[string]*yaml.Node{} // each file's top node, for positions
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, &Error{File: f, Msg: "cannot read it: " + strings.TrimPrefix(err.Error(), "open "+f+": "), Hint: composeHint}
		}
		ds, err := docs(f, data, composeHint)
		if err != nil {
			return nil, err
		}
		if len(ds) > 0 {
			if k, _ := key(ds[0], "kind"); k != nil {
				return nil, &Error{File: f, Line: k.Line, Col: k.Column, Msg: "not a Compose file: it has a kind, like a Kubernetes manifest", Hint: "read manifests with `tradeoff import kubernetes " + f + "`"}
			}
		}
		if len(ds) != 1 || ds[0].Kind != yaml.MappingNode {
			return nil, &Error{File: f, Line: 1, Msg: "not a Compose file: want one YAML mapping with a services section", Hint: composeHint}
		}
		if k, _ := key(ds[0], "services"); k == nil {
			return nil, &Error{File: f, Line: 1, Msg: "not a Compose file: it has no services section", Hint: composeHint}
		}
		trees[f] = ds[0]
	}
	opts, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(filepath.Dir(files[0])),
		cli.WithEnv(o.Env),
		cli.WithDotEnv,
		cli.WithProfiles(o.Profiles),
		cli.WithResolvedPaths(false),
	)
	if err != nil {
		return nil, &Error{File: files[0], Msg: err.Error(), Hint: composeHint}
	}
	project, err := opts.LoadProject(ctx)
	if err != nil {
		return nil, composeError(files, trees, err)
	}
	s := newSkeleton(componentName(project.Name), "compose", files)
	pos := func(svc string, path ...string) Source {
		// The last file that says it wins, as Compose merges them.
		var src Source
		for _, f := range files {
			if n := at(trees[f], append([]string{"services", svc}, path...)...); n != nil {
				src = Source{f, n.Line}
			} else if src.Line == 0 {
				if n := at(trees[f], "services", svc); n != nil {
					src = Source{f, n.Line}
				}
			}
		}
		if src.File == "" {
			src.File = files[0]
		}
		return src
	}
	envPos := func(svc, name string) Source {
		for i := len(files) - 1; i >= 0; i-- {
			if l := envLine(node(trees[files[i]], "services", svc, "environment"), name); l > 0 {
				return Source{files[i], l}
			}
		}
		return pos(svc, "environment")
	}

	names := make([]string, 0, len(project.Services))
	for n := range project.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	hosts := map[string]string{}
	var skipped []string
	for _, n := range names {
		svc := project.Services[n]
		c, ok, err := composeComponent(s, n, svc, pos)
		if err != nil {
			return nil, err
		}
		if !ok {
			skipped = append(skipped, n)
			continue
		}
		if _, dup := s.Components[c.Name]; dup {
			return nil, &Error{File: pos(n).File, Line: pos(n).Line, Msg: fmt.Sprintf("services %s and another both become component %s", n, c.Name), Hint: "rename one of them"}
		}
		s.Components[c.Name] = c
		for _, h := range append([]string{n, svc.Hostname, svc.ContainerName}, aliases(svc)...) {
			if h != "" {
				hosts[strings.ToLower(h)] = c.Name
			}
		}
	}
	for _, n := range names {
		svc := project.Services[n]
		from, ok := hosts[strings.ToLower(n)]
		if !ok || slices.Contains(skipped, n) {
			continue
		}
		vars := make([]string, 0, len(svc.Environment))
		for v := range svc.Environment {
			vars = append(vars, v)
		}
		sort.Strings(vars)
		for _, v := range vars {
			val := svc.Environment[v]
			if val == nil {
				continue
			}
			s.readEnv(from, v, *val, envPos(n, v), hosts)
		}
		deps := make([]string, 0, len(svc.DependsOn))
		for d := range svc.DependsOn {
			deps = append(deps, d)
		}
		for _, l := range svc.Links {
			d, _, _ := strings.Cut(l, ":")
			deps = append(deps, d)
		}
		sort.Strings(deps)
		for _, d := range deps {
			to, ok := hosts[strings.ToLower(d)]
			if !ok || to == from || s.Calls[Call{from, to}] {
				continue
			}
			s.call(from, to)
			s.guess(pos(n, "depends_on"), "%s depends on %s → %s calls %s", n, d, from, to)
		}
	}
	s.finish()
	return s, nil
}

// composeComponent is one Compose service as a component; false for an
// image that is not on a request's path.
func composeComponent(s *Skeleton, name string, svc types.ServiceConfig, pos func(string, ...string) Source) (*Component, bool, error) {
	c := &Component{Name: componentName(name), At: pos(name)}
	switch {
	case svc.Image != "":
		kind, skip, err := s.imageKind(name, svc.Image, pos(name, "image"))
		if err != nil || skip {
			return nil, false, err
		}
		c.Kind = kind
	case svc.Build != nil:
		c.Kind = "service"
		s.guess(pos(name, "build"), "%s: built from source → kind service", name)
	default:
		c.Kind = "service"
	}
	c.Instances = 1
	if svc.Deploy != nil && svc.Deploy.Replicas != nil {
		c.Instances = *svc.Deploy.Replicas
	} else if c.Kind == "service" {
		s.guess(c.At, "%s: no deploy.replicas → 1 instance, as Compose runs", name)
	}
	var cpus float64
	var mem int64
	if svc.Deploy != nil {
		r := svc.Deploy.Resources.Limits
		if r == nil {
			r = svc.Deploy.Resources.Reservations
		}
		if r != nil {
			cpus, mem = float64(r.NanoCPUs), int64(r.MemoryBytes)
		}
	}
	s.resources(c, cpus, mem, "", "memory limit", pos(name, "deploy", "resources"), svc.Command, pos(name, "command"))
	if len(svc.Ports) > 0 && (c.Kind == "service" || isBalancer(c.Kind)) {
		c.Entry = true
		s.guess(pos(name, "ports"), "%s publishes a port → an entry point: an operation starts here", name)
	}
	return c, true, nil
}

func aliases(svc types.ServiceConfig) []string {
	var out []string
	for _, n := range svc.Networks {
		if n != nil {
			out = append(out, n.Aliases...)
		}
	}
	sort.Strings(out)
	return out
}

var maxMemoryArg = regexp.MustCompile(`(?i)^(\d+)(b|kb|mb|gb|k|m|g)?$`)

// maxMemory reads redis-server's --maxmemory from a command, in the
// schema's units (Redis's mb is 1024², its m 1000²).
func maxMemory(cmd types.ShellCommand) string {
	for i, a := range cmd {
		v, ok := strings.CutPrefix(a, "--maxmemory=")
		if !ok && a == "--maxmemory" && i+1 < len(cmd) {
			v, ok = cmd[i+1], true
		}
		if !ok {
			continue
		}
		m := maxMemoryArg.FindStringSubmatch(v)
		if m == nil {
			return ""
		}
		unit := map[string]string{"": "B", "b": "B", "kb": "KiB", "mb": "MiB", "gb": "GiB", "k": "KB", "m": "MB", "g": "GB"}[strings.ToLower(m[2])]
		return m[1] + unit
	}
	return ""
}

// readEnv turns one environment variable into calls (and external APIs),
// and lists the guess by the variable's name only.
func (s *Skeleton) readEnv(from, name, value string, at Source, hosts map[string]string) {
	found, outside := connections(name, value, hosts)
	for _, to := range found {
		if to == from {
			continue
		}
		s.call(from, to)
		s.guess(at, "%s → %s calls %s", name, from, to)
	}
	for _, h := range outside {
		ext := externalName(h)
		if c, ok := s.Components[ext]; ok && (c.Kind != "external" || c.Host != h) {
			ext = componentName(strings.ReplaceAll(h, ".", "-"))
		}
		if _, ok := s.Components[ext]; !ok {
			s.Components[ext] = &Component{Name: ext, Kind: "external", Host: h, At: at}
			hosts[h] = ext
		}
		s.call(from, ext)
		s.guess(at, "%s → %s calls %s, an external API at %s", name, from, ext, h)
	}
}

var composeFieldMsg = regexp.MustCompile(`^(services(?:\.[\w.-]+?)?)\.([\w-]+) (false schema|.*)$`)

// composeError says what compose-go refused, at the field it names when
// that field is in one of the files.
func composeError(files []string, trees map[string]*yaml.Node, err error) error {
	msg := err.Error()
	file := files[0]
	for _, f := range files {
		if strings.Contains(msg, f) || strings.Contains(msg, filepath.Base(f)) {
			file = f
		}
	}
	msg = strings.TrimPrefix(msg, "validating "+file+": ")
	e := &Error{File: file, Msg: "Compose refuses it: " + msg, Hint: composeHint}
	if m := composeFieldMsg.FindStringSubmatch(msg); m != nil {
		path := append(strings.Split(m[1], "."), m[2])
		if n := at(trees[file], path...); n != nil {
			e.Line, e.Col = n.Line, n.Column
		}
		if m[3] == "false schema" {
			e.Msg = fmt.Sprintf("%s.%s: not a field Compose knows", m[1], m[2])
			e.Hint = "check its spelling against the Compose specification (compose-spec.io)"
		}
	}
	return e
}
