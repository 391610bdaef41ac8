package scaffold

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

func loadExample(t *testing.T, name string) (*schema.Design, *estimator.Result) {
	t.Helper()
	d, err := schema.Load(filepath.Join("..", "examples", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	est, err := estimator.Estimate(d, estimator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return d, est
}

func TestFromDesignShortener(t *testing.T) {
	d, est := loadExample(t, "shortener.cue")
	p, m, err := FromDesign(d, est)
	if err != nil {
		t.Fatal(err)
	}
	want := Params{
		DesignName: "shortener", DB: DBPostgres, Cache: CacheRedis, Queue: QueueKafka, LB: LBManaged,
		LBAlgorithm: AlgLeastConn, Instances: 4, RedirectStatus: 302,
		CacheTTL: 24 * time.Hour, CacheTTLJitter: 144 * time.Minute, Stampede: StampedeCoalesce,
		LocalCacheSize: 100_000, DBPoolSize: 10, CachePoolSize: 16,
		// The example's queue.batchSize and queue.batchWait.
		ClickBatch: 512, ClickFlush: 50 * time.Millisecond,
	}
	// The example is tuned by the rules work: follow its shards and replicas.
	want.Shards = max(1, d.Database.Shards)
	if d.Database.ReadFromReplicas {
		want.ReadReplicas = d.Database.Replicas
	}
	got := p
	got.DesignHash, got.SLOs, got.PeakReadRPS, got.PeakWriteRPS = "", nil, 0, 0
	if got.Module != "" || !equalParams(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if !strings.HasPrefix(p.DesignHash, "sha256:") || p.DesignHash != DesignHash(d) {
		t.Errorf("hash %q", p.DesignHash)
	}
	avail := float64(d.SLO.Availability)
	wantSLOs := []SLO{
		{Name: "redirect", Route: RouteRedirect, P99: time.Duration(d.SLO.P99["redirect"]), Availability: avail},
		{Name: "create", Route: RouteCreate, P99: time.Duration(d.SLO.P99["create"]), Availability: avail},
	}
	if len(p.SLOs) != 2 || p.SLOs[0] != wantSLOs[0] || p.SLOs[1] != wantSLOs[1] {
		t.Errorf("SLOs = %+v", p.SLOs)
	}
	// Peak rates come from the estimate: 3B/month x 3 and 30M/month x 3.
	if p.PeakReadRPS < 3000 || p.PeakReadRPS > 4000 || p.PeakWriteRPS < 30 || p.PeakWriteRPS > 40 {
		t.Errorf("peak rates %v / %v", p.PeakReadRPS, p.PeakWriteRPS)
	}
	if len(m.Notes) == 0 {
		t.Error("no notes on what was assumed")
	}
	if err := p.Defaults().Validate(); err != nil {
		t.Fatal(err)
	}
}

func equalParams(a, b Params) bool {
	a.SLOs, b.SLOs = nil, nil
	return a.DesignName == b.DesignName && a.DB == b.DB && a.Cache == b.Cache && a.Queue == b.Queue && a.LB == b.LB &&
		a.LBAlgorithm == b.LBAlgorithm && a.Instances == b.Instances && a.RedirectStatus == b.RedirectStatus &&
		a.CacheTTL == b.CacheTTL && a.CacheTTLJitter == b.CacheTTLJitter && a.Stampede == b.Stampede &&
		a.LocalCacheSize == b.LocalCacheSize && a.DBPoolSize == b.DBPoolSize && a.CachePoolSize == b.CachePoolSize &&
		a.ReadReplicas == b.ReadReplicas && a.Shards == b.Shards && a.ClickBatch == b.ClickBatch && a.ClickFlush == b.ClickFlush
}

// TestClickBatchingFollowsTheQueue: the service batches clicks as the
// design's queue says, so the estimate's per-batch costs hold.
func TestClickBatchingFollowsTheQueue(t *testing.T) {
	wait := func(d time.Duration) *schema.Duration { v := schema.Duration(d); return &v }
	tests := []struct {
		name      string
		queue     schema.Queue
		wantBatch int
		wantFlush time.Duration
		wantNote  string
	}{
		{"no queue", schema.Queue{Kind: "none"}, 512, 50 * time.Millisecond, "assumption: the design has no queue"},
		{"batch and wait", schema.Queue{Kind: "kafka", BatchSize: 100, BatchWait: wait(time.Second)}, 100, time.Second, "queue.batchSize, queue.batchWait"},
		{"batch without wait", schema.Queue{Kind: "nats", BatchSize: 64}, 64, 50 * time.Millisecond, "sets no queue.batchWait"},
		{"one a message", schema.Queue{Kind: "rabbitmq", BatchSize: 1}, 1, 50 * time.Millisecond, "one click a message"},
		{"beyond the buffer", schema.Queue{Kind: "sqs", BatchSize: 1_000_000}, 65536, 50 * time.Millisecond, "click buffer holds 65536"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &Mapping{}
			batch, flush := clickBatching(tt.queue.Kind, tt.queue.BatchSize, tt.queue.BatchWait, m)
			if batch != tt.wantBatch || flush != tt.wantFlush {
				t.Errorf("got %d, %s; want %d, %s", batch, flush, tt.wantBatch, tt.wantFlush)
			}
			if !strings.Contains(strings.Join(m.Notes, "\n"), tt.wantNote) {
				t.Errorf("notes %q do not say %q", m.Notes, tt.wantNote)
			}
		})
	}
}

func TestDesignHashIsStable(t *testing.T) {
	a, _ := loadExample(t, "shortener.cue")
	b, _ := loadExample(t, "shortener.cue")
	if DesignHash(a) != DesignHash(b) {
		t.Fatal("the same design hashed differently")
	}
	b.Cache.Stampede = "lock"
	if DesignHash(a) == DesignHash(b) {
		t.Fatal("a changed design kept its hash")
	}
}

func TestMutableDataTurnsTheLocalCacheOff(t *testing.T) {
	d, est := loadExample(t, "shortener.cue")
	d.Cache.Invalidation = "delete-on-write"
	p, _, err := FromDesign(d, est)
	if err != nil {
		t.Fatal(err)
	}
	if p.LocalCacheSize != 0 {
		t.Fatalf("LocalCacheSize = %d for mutable data; a local copy could go stale", p.LocalCacheSize)
	}
}

func TestUnsupportedDatabases(t *testing.T) {
	d, est := loadExample(t, "shortener.cue")
	for _, kind := range []string{"dynamodb", "cassandra", "mongodb"} {
		d.Database.Kind = kind
		_, _, err := FromDesign(d, est)
		var ue *UnsupportedError
		if !errors.As(err, &ue) || ue.Path != "database.kind" || ue.Hint == "" {
			t.Errorf("%s: err = %v, want an UnsupportedError on database.kind with a hint", kind, err)
		}
	}
}

// Every example either scaffolds into a project that renders, or is
// refused with a reason.
func TestEveryExampleScaffoldsOrSaysWhy(t *testing.T) {
	matches, _ := filepath.Glob(filepath.Join("..", "examples", "*.cue"))
	for _, path := range matches {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			d, err := schema.Load(path, nil)
			if err != nil {
				t.Skip("not a valid design:", err) // the flawed examples are for review
			}
			est, err := estimator.Estimate(d, estimator.Options{})
			if err != nil {
				t.Fatal(err)
			}
			p, _, err := FromDesign(d, est)
			var ue *UnsupportedError
			if errors.As(err, &ue) {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := render(templatesFS(), p.Defaults()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
