package reliability

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/scaffold"
)

// renderStacks together render every template: both databases, both cache
// servers and none, all four queues, shards, replicas and each stampede
// defence that has code of its own.
var renderStacks = []struct {
	id   string
	edit func(*scaffold.Params)
}{
	{"postgres+redis+nats", func(p *scaffold.Params) {}},
	{"mysql+memcached+kafka, 2 replicas, lock", func(p *scaffold.Params) {
		p.DB, p.Cache, p.Queue, p.ReadReplicas, p.Stampede = scaffold.DBMySQL, scaffold.CacheMemcached, scaffold.QueueKafka, 2, scaffold.StampedeLock
	}},
	{"postgres+redis+rabbitmq, 3 shards with a replica each, early refresh", func(p *scaffold.Params) {
		p.Queue, p.Shards, p.ReadReplicas, p.Stampede = scaffold.QueueRabbitMQ, 3, 1, scaffold.StampedeEarlyRefresh
	}},
	{"postgres+none+sqs", func(p *scaffold.Params) { p.Cache, p.Queue = scaffold.CacheNone, scaffold.QueueSQS }},
}

var (
	nosecRE     = regexp.MustCompile(`#nosec\b.*`)
	justifiedRE = regexp.MustCompile(`^#nosec(\s+G\d{3})+\s+--\s+\S`)
)

// TestNosecJustified: gosec runs on every stack of the scaffold's matrix in
// CI (scaffold/projects_test.go) and must report nothing; what it is told to
// ignore is marked #nosec in the templates. Each such mark must name the
// rules it silences and say why after "--" (issue 9: "clean, or each
// exception justified in a comment"). A bare #nosec would silence every
// rule on the line, including ones added to gosec later.
func TestNosecJustified(t *testing.T) {
	total := 0
	seen := map[string]bool{}
	for _, st := range renderStacks {
		p := faultStack()
		st.edit(&p)
		dir := filepath.Join(t.TempDir(), "svc")
		if _, err := scaffold.Generate(context.Background(), p, dir, scaffold.Options{Offline: true}); err != nil {
			t.Fatalf("%s: %v", st.id, err)
		}
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			for n, line := range strings.Split(string(data), "\n") {
				mark := nosecRE.FindString(line)
				if mark == "" {
					continue
				}
				key := filepath.ToSlash(rel) + ":" + strings.TrimSpace(line)
				if !seen[key] {
					seen[key] = true
					total++
				}
				if !justifiedRE.MatchString(mark) {
					t.Errorf("%s: %s:%d: %q does not name its rules and give a reason (write `#nosec G404 -- why`)", st.id, rel, n+1, mark)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if total == 0 {
		t.Fatal("no #nosec found in any generated stack: the check looked in the wrong place")
	}
	figure(t, "#nosec marks in the generated code of %d stacks: %d, each naming its rules and its reason", len(renderStacks), total)
}
