package importer

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Source is where in the user's files something was read.
type Source struct {
	File string
	Line int
}

func (s Source) String() string {
	if s.Line == 0 {
		return s.File
	}
	return fmt.Sprintf("%s:%d", s.File, s.Line)
}

// Component is one component as a deployment shows it.
type Component struct {
	Name string
	Kind string
	// Instances is what the deployment runs (0: not written, for the
	// kinds whose count the schema does not take).
	Instances int
	// MaxInstances is an autoscaler's ceiling, when there is one.
	MaxInstances int
	Size         string // one of the schema's sizes, "" for its default
	Memory       string // a cache's memory, "" to ask
	Consumes     string // a worker's queue
	// ZoneSpread: the pods are spread over zones, but how many zones the
	// cluster has is not in the manifests.
	ZoneSpread bool
	// Entry: clients reach it from outside (a published port, a
	// LoadBalancer Service, a balancer image).
	Entry bool
	At    Source
	// Host is an external API's host name, for the question.
	Host string
}

// Call is a call one component makes to another.
type Call struct {
	From, To string
}

// Guess is one inference the user should check, with where it came from.
type Guess struct {
	At   Source
	Text string
}

// Skeleton is what an importer read: the components, their calls and the
// guesses behind them.
type Skeleton struct {
	Name       string   // the system's name
	From       string   // "compose" or "kubernetes"
	Inputs     []string // the files read, as the user named them
	Components map[string]*Component
	Calls      map[Call]bool
	Guesses    []Guess
}

func newSkeleton(name, from string, inputs []string) *Skeleton {
	return &Skeleton{Name: name, From: from, Inputs: inputs, Components: map[string]*Component{}, Calls: map[Call]bool{}}
}

func (s *Skeleton) guess(at Source, format string, args ...any) {
	s.Guesses = append(s.Guesses, Guess{At: at, Text: fmt.Sprintf(format, args...)})
}

func (s *Skeleton) call(from, to string) {
	if from != to {
		s.Calls[Call{from, to}] = true
	}
}

func (s *Skeleton) names() []string {
	names := make([]string, 0, len(s.Components))
	for n := range s.Components {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// callees returns what name calls, sorted.
func (s *Skeleton) callees(name string) []string {
	var out []string
	for c := range s.Calls {
		if c.From == name {
			out = append(out, c.To)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Skeleton) called(name string) bool {
	for c := range s.Calls {
		if c.To == name {
			return true
		}
	}
	return false
}

// resources applies what a deployment's limits (and a cache's command)
// say of a component: the schema size that holds cpus and memory, or a
// cache's memory, where --maxmemory in cmd wins over the memory limit.
// limit names the limit in the guesses ("" for Compose's deploy.resources,
// "limits " or "requests " for a container), memLimit the memory one.
func (s *Skeleton) resources(c *Component, cpus float64, mem int64, limit, memLimit string, resAt Source, cmd []string, cmdAt Source) {
	if size, note := sizeFor(cpus, mem); size != "" && isSized(c.Kind) {
		c.Size = size
		s.guess(resAt, "%s: %s%s", c.Name, limit, note)
	}
	if !isCache(c.Kind) {
		return
	}
	if m := maxMemory(cmd); m != "" {
		c.Memory = m
		s.guess(cmdAt, "%s: --maxmemory in its command → memory %s", c.Name, m)
	} else if mem > 0 {
		c.Memory = bytesText(mem)
		s.guess(resAt, "%s: its %s → memory %s (Redis uses at most what maxmemory allows)", c.Name, memLimit, c.Memory)
	}
}

// finish turns what was read into a graph the schema accepts: a service
// nobody calls that only talks to a queue is that queue's worker, and an
// operation starts at each entry point.
func (s *Skeleton) finish() {
	for _, n := range s.names() {
		c := s.Components[n]
		if c.Kind != "service" || c.Entry || s.called(n) {
			continue
		}
		for _, to := range s.callees(n) {
			if isQueue(s.Components[to].Kind) {
				c.Kind, c.Consumes = "worker", to
				s.guess(c.At, "%s: a service nobody calls that uses queue %s → a worker consuming %s", n, to, to)
				break
			}
		}
	}
	// A worker is reached through its queue, not called.
	for c := range s.Calls {
		if s.Components[c.To].Kind == "worker" {
			delete(s.Calls, c)
		}
	}
	entries := 0
	for _, n := range s.names() {
		if s.Components[n].Entry {
			entries++
		}
	}
	if entries > 0 {
		return
	}
	// Nothing published: every service nobody calls is where requests come in.
	for _, n := range s.names() {
		c := s.Components[n]
		if (c.Kind == "service" || isBalancer(c.Kind)) && !s.called(n) {
			c.Entry = true
			s.guess(c.At, "%s: nothing publishes a port and nothing calls it → an entry point", n)
		}
	}
}

// operations returns the entry points, each the root of one operation.
func (s *Skeleton) operations() []string {
	var out []string
	for _, n := range s.names() {
		if s.Components[n].Entry {
			out = append(out, n)
		}
	}
	return out
}

// step writes the call tree under name: sync calls in name order, a queue
// as an asynchronous step whose consumers run behind it.
func (s *Skeleton) step(b *strings.Builder, name string, path []string, indent string) {
	c := s.Components[name]
	var kids []string
	for _, to := range s.callees(name) {
		if !slices.Contains(path, to) {
			kids = append(kids, to)
		}
	}
	var consumers []string
	if isQueue(c.Kind) {
		for _, n := range s.names() {
			if w := s.Components[n]; w.Kind == "worker" && w.Consumes == name && !slices.Contains(path, n) {
				consumers = append(consumers, n)
			}
		}
	}
	fields := []string{"to: " + quote(name)}
	if isQueue(c.Kind) && len(path) > 0 {
		fields = append(fields, "async: true")
	}
	if len(kids) == 0 && len(consumers) == 0 {
		if len(fields) == 1 {
			b.WriteString(indent + quote(name) + ",\n")
		} else {
			b.WriteString(indent + "{" + strings.Join(fields, ", ") + "},\n")
		}
		return
	}
	b.WriteString(indent + "{" + strings.Join(fields, ", ") + ", calls: [\n")
	next := append(slices.Clone(path), name)
	for _, k := range append(consumers, kids...) {
		s.step(b, k, next, indent+"\t")
	}
	b.WriteString(indent + "]},\n")
}

// The kinds' families are schema's (one table of kinds for the project).
func isQueue(kind string) bool    { return schema.Family(kind) == schema.FamilyQueue }
func isBalancer(kind string) bool { return schema.Family(kind) == schema.FamilyLB }
func isDatabase(kind string) bool { return schema.Family(kind) == schema.FamilyDatabase }
func isCache(kind string) bool    { return schema.Family(kind) == schema.FamilyCache }

// isSized: the kinds whose instances have a schema size.
func isSized(kind string) bool {
	f := schema.Family(kind)
	return f == schema.FamilyService || f == schema.FamilyDatabase || f == schema.FamilySearch
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
