package reliability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/scaffold"
)

// gosecStacks together render every template: both databases, both cache
// servers and none, all four queues, shards, replicas and each stampede
// defence that has code of its own.
var gosecStacks = []struct {
	id   string
	edit func(*scaffold.Params)
}{
	{"postgres+redis+nats", func(p *scaffold.Params) {}},
	{"mysql+memcached+kafka, 2 replicas, lock", func(p *scaffold.Params) {
		p.DB, p.Cache, p.Queue, p.ReadReplicas, p.Stampede = scaffold.DBMySQL, scaffold.CacheMemcached, scaffold.QueueKafka, 2, scaffold.StampedeLock
	}},
	{"postgres+redis+rabbitmq, 3 shards, early refresh", func(p *scaffold.Params) {
		p.Queue, p.Shards, p.Stampede = scaffold.QueueRabbitMQ, 3, scaffold.StampedeEarlyRefresh
	}},
	{"postgres+none+sqs", func(p *scaffold.Params) { p.Cache, p.Queue = scaffold.CacheNone, scaffold.QueueSQS }},
}

// gosecException is a finding judged harmless, and why. It matches by rule,
// file and a piece of the flagged line, not by line number, so it survives
// edits elsewhere in the file and a new finding never hides behind it.
type gosecException struct {
	rule, file, code, why string
}

var gosecExceptions = []gosecException{
	// G104: errors not checked. Each is a close, write or clean-up whose
	// failure leaves nothing to do, or an error that is already being
	// returned for a better reason.
	{"G104", "internal/httpapi/server.go", "enc.Encode(v)", "after WriteHeader the status is sent; a failed body write means the client has gone"},
	{"G104", "cmd/worker/main.go", `rw.Write([]byte("ok\n"))`, "health answer; a failed write means the prober has gone"},
	{"G104", "cmd/worker/main.go", `rw.Write([]byte("ready\n"))`, "health answer; a failed write means the prober has gone"},
	{"G104", "cmd/worker/main.go", "srv.Shutdown(shutdownCtx)", "the metrics listener at exit; the worker's own error decides the exit status"},
	{"G104", "cmd/server/main.go", "a.Close(context.Background())", "the listener already failed and that error is returned; closing is best effort"},
	{"G104", "internal/app/app.go", "a.Close(context.Background())", "start-up already failed and that error is returned; closing is best effort"},
	{"G104", "internal/app/worker.go", "w.consumer.Close()", "at exit; the consumer holds nothing a failed close could lose"},
	{"G104", "internal/clicks/nats.go", "msg.Nak()", "a lost NAK only delays redelivery until AckWait; batches are applied idempotently"},
	{"G104", "internal/clicks/rabbitmq.go", "conn.Close()", "dropping a connection that already failed or at exit"},
	{"G104", "internal/store/mysql.go", "tx.Rollback()", "the transaction's own error is returned; an unfinished transaction is rolled back by the server anyway"},
	{"G104", "internal/store/mysql.go", "m.primary.Close()", "closing pools at exit"},
	{"G104", "internal/store/mysql.go", "r.Close()", "closing replica pools at exit"},
	{"G104", "internal/links/links.go", "s.shared.Delete(context.WithoutCancel(ctx), lockKey)", "the stampede lock has a TTL (LockTTL), so a failed delete only makes others wait it out"},
	{"G104", "internal/links/links.go", `s.group.Do("refresh:"+code`, "early refresh is best effort: on failure the entry expires and the next reader loads it"},
	{"G104", "cmd/loadtest/main.go", "io.Copy(io.Discard, resp.Body)", "draining a body so the connection is reused; the status is already read"},
	{"G104", "cmd/loadtest/main.go", "resp.Body.Close()", "closing a drained body"},
	{"G104", "cmd/loadtest/main.go", "json.NewDecoder(resp.Body).Decode(&out)", "load-test tool only: a 201 it cannot decode leaves an empty code, whose redirects then fail and are counted (reported to the scaffold: better to fail the create)"},

	// G115: integer conversions that could overflow in general, but not
	// with the values that reach them.
	{"G115", "internal/store/postgres.go", "cfg.MaxConns = int32(maxConns)", "DB_MAX_CONNS is validated to 1..1000 by config.Load"},
	{"G115", "internal/store/postgres.go", "return uint64(id), nil", "an identity column counts up from 1: never negative"},
	{"G115", "internal/store/mysql.go", "return uint64(id), nil", "an AUTO_INCREMENT id counts up from 1: never negative"},
	{"G115", "internal/cache/shared.go", "threshold: int32(threshold)", "the breaker threshold is a small constant (5) from the generated code"},
	{"G115", "internal/clicks/nats.go", "int64(info.NumPending) + int64(info.NumAckPending)", "message counts of one stream, far below 2^63"},
	{"G115", "internal/shortid/timeid.go", "uint64(ms)<<(nodeBits+seqBits)", "ms is never below lastMS, which starts at 0, so it is never negative"},
	{"G115", "internal/store/sharded.go", "return int(z % uint64(n))", "n is the shard count (1..1024) and the result is below it"},
	{"G115", "cmd/devkafka/main.go", "kfake.SeedTopics(int32(*partitions)", "development-only broker; the flag is the developer's own (kfake refuses a bad count)"},
	{"G115", "cmd/loadtest/main.go", "uint64(i)", "a non-negative loop index used as a seed"},

	// G404: math/rand where nothing needs to be unpredictable.
	{"G404", "internal/links/links.go", "rand.N(s.cfg.Jitter)", "TTL jitter only spreads expiries; an attacker predicting it gains nothing"},
	{"G404", "internal/links/links.go", "rand.Float64() > float64(left)/float64(window)", "early-refresh draw only spreads reloads"},
	{"G404", "cmd/loadtest/main.go", "rand.New(rand.NewPCG(", "load-test tool: seeded on purpose, so a run can be repeated"},

	// G118: a goroutine that does not inherit the request context.
	{"G118", "cmd/loadtest/main.go", "go func() {", "load-test tool: each request gets its own 5s deadline, so one started as the run ends may finish (commented there)"},
}

type gosecIssue struct {
	Severity   string `json:"severity"`
	Confidence string `json:"confidence"`
	RuleID     string `json:"rule_id"`
	Details    string `json:"details"`
	File       string `json:"file"`
	Code       string `json:"code"`
	Line       string `json:"line"`
}

// flaggedLine is the source of the first line gosec points at.
func (i gosecIssue) flaggedLine() string {
	first, _, _ := strings.Cut(i.Line, "-")
	for _, l := range strings.Split(i.Code, "\n") {
		if n, text, ok := strings.Cut(l, ": "); ok && strings.TrimSpace(n) == first {
			return strings.TrimSpace(text)
		}
	}
	return ""
}

// findGosec looks on PATH, then where `go install` puts binaries.
func findGosec(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("gosec"); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOBIN", "GOPATH").Output()
	if err == nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		dirs := []string{lines[0]}
		if len(lines) > 1 {
			for _, p := range filepath.SplitList(lines[1]) {
				dirs = append(dirs, filepath.Join(p, "bin"))
			}
		}
		for _, d := range dirs {
			if p := filepath.Join(d, "gosec"); d != "" && isFile(p) {
				return p
			}
		}
	}
	t.Fatal("gosec is not installed (go install github.com/securego/gosec/v2/cmd/gosec@v2.30.0; scripts/ci-tools.sh does it in CI)")
	return ""
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

var nosecRE = regexp.MustCompile(`#nosec\b(.*)`)

// TestGosecOnGeneratedCode runs gosec on each stack's generated project.
// Every finding must be one of gosecExceptions (each with its reason), and
// every #nosec in the generated code must say why after "--".
func TestGosecOnGeneratedCode(t *testing.T) {
	requireEnabled(t)
	bin := findGosec(t)
	used := map[int]bool{}
	total, excused := 0, 0
	for _, st := range gosecStacks {
		t.Run(st.id, func(t *testing.T) {
			p := faultStack()
			st.edit(&p)
			g := generate(t, st.id, p)
			start := time.Now()
			cmd := exec.Command(bin, "-quiet", "-fmt=json", "-exclude-generated=false", "./...")
			cmd.Dir = g.dir
			cmd.Env = childEnv()
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var report struct {
				Issues       []gosecIssue     `json:"Issues"`
				GolangErrors map[string][]any `json:"Golang errors"`
				Stats        map[string]any   `json:"Stats"`
			}
			if jerr := json.Unmarshal(stdout.Bytes(), &report); jerr != nil {
				t.Fatalf("gosec: %v (%v)\n%s\n%s", err, jerr, tail(stdout.String(), 20), tail(stderr.String(), 20))
			}
			if len(report.GolangErrors) > 0 {
				t.Fatalf("gosec could not type-check the generated code: %v", report.GolangErrors)
			}
			for _, is := range report.Issues {
				total++
				rel, _ := filepath.Rel(g.dir, is.File)
				line := is.flaggedLine()
				matched := false
				for i, ex := range gosecExceptions {
					if ex.rule == is.RuleID && ex.file == filepath.ToSlash(rel) && strings.Contains(line, ex.code) {
						used[i], matched = true, true
						break
					}
				}
				if matched {
					excused++
					continue
				}
				t.Errorf("gosec %s (%s severity) at %s:%s: %s\n\t%s\n\tfix it in templates/, or add a gosecException with the reason it is harmless",
					is.RuleID, strings.ToLower(is.Severity), rel, is.Line, is.Details, line)
			}
			checkNosecReasons(t, g.dir)
			t.Logf("gosec: %d findings in %v, %s", len(report.Issues), time.Since(start).Round(time.Millisecond), fmt.Sprint(report.Stats))
		})
	}
	for i, ex := range gosecExceptions {
		if !used[i] {
			// Not a failure: the template may have been fixed. Drop it.
			t.Logf("gosec exception no longer needed: %s %s %q", ex.rule, ex.file, ex.code)
		}
	}
	figure(t, "gosec on %d generated stacks: %d findings, %d of them justified exceptions, %d unexplained", len(gosecStacks), total, excused, total-excused)
}

// checkNosecReasons fails for a #nosec in the generated code that does not
// say why ("// #nosec G404 -- jitter needs no secrecy").
func checkNosecReasons(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for n, l := range strings.Split(string(data), "\n") {
			m := nosecRE.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			if _, why, ok := strings.Cut(m[1], "--"); !ok || strings.TrimSpace(why) == "" {
				rel, _ := filepath.Rel(dir, path)
				t.Errorf("%s:%d: #nosec without a reason (write `#nosec RULE -- why`)", rel, n+1)
			}
		}
		return nil
	})
}
