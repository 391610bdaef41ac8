package wizard

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Kind is how a question is answered.
type Kind int

const (
	Text    Kind = iota // typed text, checked as it is typed
	Choice              // one of a few options
	YesNo               // yes or no
	Several             // any number of options
)

// Option is one answer to a Choice or Several question. Label says what
// the option buys and what it costs, in the talk's words.
type Option struct {
	Value string
	Label string
	// AWSOnly options are offered only when the cloud is AWS.
	AWSOnly bool
}

// Question is one thing tradeoff init asks. Each is also a flag of the same
// name, so a script can answer it without a terminal.
type Question struct {
	Key string
	// Form is the screen (1, 2 or 3) that asks it: later screens depend on
	// earlier answers (the operations' names, the chosen building blocks).
	Form  int
	Group string
	// Title and Hint may name operations as {read}, {write} and
	// {background}.
	Title string
	// Hint is the talk's one-line "how to choose" or what the number means.
	Hint string
	// Example is the talk's URL shortener's value, used when the question
	// is left unanswered and marked "example" in the written file. An empty
	// Example means there is nothing sensible to assume.
	Example string
	Kind    Kind
	Options []Option
	// Check validates a non-empty typed answer (Text questions only).
	Check func(a *Answers, v string) error
	// When says whether the question applies, given earlier answers;
	// Unless says why it does not.
	When   func(a *Answers) bool
	Unless string
	// Usage is the flag's help line.
	Usage string
	// Preselected says what the preselected option of a choice is, when
	// it is not the shortener's choice.
	Preselected string
	// OptionsFunc, when set, gives the options from earlier answers (the
	// operations named so far).
	OptionsFunc func(a *Answers) []Option
	// Required: a question with no example that applies must be answered
	// (a provider's SLA cannot be assumed).
	Required bool
}

// Question keys, which are also the flag names.
const (
	KeyName                  = "name"
	KeyCloud                 = "cloud"
	KeyFootprint             = "footprint"
	KeyReadOp                = "read-op"
	KeyReadRate              = "read-rate"
	KeyWriteOp               = "write-op"
	KeyWriteRate             = "write-rate"
	KeyBackground            = "background"
	KeyPeakFactor            = "peak-factor"
	KeyGrowth                = "growth"
	KeyBackgroundOp          = "background-op"
	KeyBackgroundRate        = "background-rate"
	KeyReadP99               = "read-p99"
	KeyWriteP99              = "write-p99"
	KeyAvailability          = "availability"
	KeyBudget                = "budget"
	KeyLB                    = "lb"
	KeyCache                 = "cache"
	KeyDB                    = "db"
	KeyQueue                 = "queue"
	KeyInstances             = "instances"
	KeyDBReplicas            = "db-replicas"
	KeyLBNeed                = "lb-need"
	KeyCacheMemory           = "cache-memory"
	KeyHitRatio              = "hit-ratio"
	KeyMutable               = "mutable"
	KeyAccessPattern         = "access-pattern"
	KeyReadConsistency       = "read-consistency"
	KeyWriteConsistency      = "write-consistency"
	KeyBackgroundConsistency = "background-consistency"
	KeyObserve               = "observe"
	KeyAlerts                = "alerts"
)

// Questions returns the questions in the order the form asks them.
func Questions() []*Question { return questions }

// Lookup returns the question with the key, or nil.
func Lookup(key string) *Question {
	for _, q := range questions {
		if q.Key == key {
			return q
		}
	}
	return nil
}

// OptionsFor returns the options the question offers given earlier answers
// (SQS and DynamoDB only on AWS).
func (q *Question) OptionsFor(a *Answers) []Option {
	if q.OptionsFunc != nil {
		return q.OptionsFunc(a)
	}
	var opts []Option
	for _, o := range q.Options {
		if o.AWSOnly && a.Get(KeyCloud) != "aws" {
			continue
		}
		opts = append(opts, o)
	}
	return opts
}

// Validate checks an answer: a Text answer with its Check, a Choice against
// the options on offer, a Several answer option by option.
func (q *Question) Validate(a *Answers, v string) error {
	switch q.Kind {
	case Text:
		if v == "" {
			return errors.New("an answer is needed")
		}
		if q.Check != nil {
			return q.Check(a, v)
		}
	case Choice:
		return q.checkOption(a, v)
	case YesNo:
		if _, err := strconv.ParseBool(v); err != nil {
			return errors.New("answer true or false")
		}
	case Several:
		if v == "" {
			return nil
		}
		for _, o := range strings.Split(v, ",") {
			if err := q.checkOption(a, o); err != nil {
				return err
			}
		}
	}
	return nil
}

func (q *Question) checkOption(a *Answers, v string) error {
	var values []string
	for _, o := range q.OptionsFor(a) {
		if o.Value == v {
			return nil
		}
		values = append(values, o.Value)
	}
	for _, o := range q.Options {
		if o.Value == v && o.AWSOnly {
			return fmt.Errorf("%s is AWS-only, but the cloud is %s", v, a.Get(KeyCloud))
		}
	}
	return fmt.Errorf("choose one of %s", strings.Join(values, ", "))
}

// Text returns the question's title or hint with the operations' names
// filled in.
func (a *Answers) Text(s string) string {
	return strings.NewReplacer("{read}", a.Get(KeyReadOp), "{write}", a.Get(KeyWriteOp), "{background}", a.Get(KeyBackgroundOp), "{db}", a.Get(KeyDB)).Replace(s)
}

var nameRE = regexp.MustCompile(`^[a-z][a-zA-Z0-9_-]*$`)

// numberRE is a plain decimal, as it is written into the design: no
// exponents, no "NaN".
var numberRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

func checkName(_ *Answers, v string) error {
	if !nameRE.MatchString(v) || !fitsSchema("#Name", v) {
		return errors.New("up to 63 letters, digits, - or _, starting with a lowercase letter")
	}
	return nil
}

// checkOpName checks an operation's name and that it differs from the
// names asked before it: they become keys of traffic, slo.p99 and
// consistency.
func checkOpName(self string) func(*Answers, string) error {
	return func(a *Answers, v string) error {
		if err := checkName(a, v); err != nil {
			return err
		}
		for _, k := range []string{KeyReadOp, KeyWriteOp} {
			if k == self {
				break
			}
			if a.Get(k) == v {
				return fmt.Errorf("%q already names another operation", v)
			}
		}
		return nil
	}
}

// Rates beyond a billion a second are a typo, as the schema's check says.
const maxRatePerSecond = 1e9

func checkRate(_ *Answers, v string) error {
	r, err := schema.ParseRate(v)
	if err != nil || !fitsSchema("#Rate", v) {
		return errors.New(`write a count per period, such as 1200/s, 2M/day or 3B/month`)
	}
	if r.PerSecond() <= 0 {
		return errors.New("a rate must be greater than zero")
	}
	if r.PerSecond() > maxRatePerSecond {
		return errors.New("beyond any real system: check the unit")
	}
	return nil
}

// checkGrowth checks the multiplier and that no operation's peak after a
// year of growth is beyond the schema's limit, which catches a wrong unit.
func checkGrowth(a *Answers, v string) error {
	if err := checkNumber(0, 10000, true)(a, v); err != nil {
		return err
	}
	growth, _ := strconv.ParseFloat(v, 64)
	return checkPeakAfterGrowth(a, growth, KeyReadRate, KeyWriteRate)
}

// checkBackgroundRate checks the background work's rate as the others
// were checked.
func checkBackgroundRate(a *Answers, v string) error {
	if err := checkRate(a, v); err != nil {
		return err
	}
	growth, _ := strconv.ParseFloat(a.Get(KeyGrowth), 64)
	r, _ := schema.ParseRate(v)
	peak, _ := strconv.ParseFloat(a.Get(KeyPeakFactor), 64)
	if r.PerSecond()*peak*growth > maxPeakAfterGrowth {
		return fmt.Errorf("with peak factor %s and growth %s, that is %.3g per second at peak in a year: check the unit", a.Get(KeyPeakFactor), a.Get(KeyGrowth), r.PerSecond()*peak*growth)
	}
	return nil
}

// maxPeakAfterGrowth is the schema's limit on rate × peak factor × growth.
const maxPeakAfterGrowth = maxRatePerSecond * 100

func checkPeakAfterGrowth(a *Answers, growth float64, rateKeys ...string) error {
	peak, _ := strconv.ParseFloat(a.Get(KeyPeakFactor), 64)
	for _, k := range rateKeys {
		r, err := schema.ParseRate(a.Get(k))
		if err != nil {
			continue
		}
		if p := r.PerSecond() * peak * growth; p > maxPeakAfterGrowth {
			return fmt.Errorf("%s at peak after a year of growth is %.3g requests per second: check the rates, peak factor and growth", a.Text(Lookup(k).Title), p)
		}
	}
	return nil
}

func checkNumber(lo, hi float64, loOpen bool) func(*Answers, string) error {
	return func(_ *Answers, v string) error {
		f, err := strconv.ParseFloat(v, 64)
		if !numberRE.MatchString(v) || err != nil || f > hi || f < lo || (loOpen && f == lo) {
			if loOpen {
				return fmt.Errorf("write a number above %g, at most %g", lo, hi)
			}
			return fmt.Errorf("write a number from %g to %g", lo, hi)
		}
		return nil
	}
}

func checkInt(lo, hi int) func(*Answers, string) error {
	return func(_ *Answers, v string) error {
		n, err := strconv.Atoi(v)
		if !numberRE.MatchString(v) || err != nil || n < lo || n > hi {
			return fmt.Errorf("write a whole number from %d to %d", lo, hi)
		}
		return nil
	}
}

func checkLatency(_ *Answers, v string) error {
	d, err := schema.ParseDuration(v)
	if err != nil || !fitsSchema("#Duration", v) {
		return errors.New(`write a duration such as 50ms or 1.5s`)
	}
	if d <= 0 {
		return errors.New("a p99 of zero cannot be met")
	}
	return nil
}

func checkAvailability(_ *Answers, v string) error {
	r, err := schema.ParseRatio(v)
	if err != nil || !strings.HasSuffix(v, "%") {
		return errors.New(`write a percentage such as 99.9%`)
	}
	if r >= 1 || r <= 0 {
		return errors.New("must be above 0% and below 100%: no machine has 100% uptime")
	}
	if !fitsSchema("#Availability", v) {
		return errors.New(`write a percentage such as 99.9%`)
	}
	return nil
}

func checkBudget(_ *Answers, v string) error {
	if v == "none" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if !numberRE.MatchString(v) || err != nil || f <= 0 {
		return errors.New("write a monthly amount in USD, such as 6000, or none")
	}
	return nil
}

func checkBytes(_ *Answers, v string) error {
	b, err := schema.ParseBytes(v)
	if err != nil || !fitsSchema("#Bytes", v) {
		return errors.New(`write a size such as 512MiB or 13GiB`)
	}
	if b <= 0 {
		return errors.New("must be greater than zero")
	}
	return nil
}

func checkHitRatio(_ *Answers, v string) error {
	r, err := schema.ParseRatio(v)
	if err != nil || !strings.HasSuffix(v, "%") || !fitsSchema("#Ratio", v) {
		return errors.New(`write a percentage such as 90%`)
	}
	if r <= 0 {
		return errors.New("a cache that never hits saves nothing")
	}
	return nil
}

func checkSentence(_ *Answers, v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("an answer is needed")
	}
	if len(v) > 300 {
		return errors.New("keep it to a sentence")
	}
	return nil
}

func background(a *Answers) bool { return a.Bool(KeyBackground) }

func distributed(a *Answers) bool { return a.Get(KeyFootprint) != schema.SingleNode }

// NoSQL reports whether the database is one of the NoSQL stores, which the
// talk says need a specific access pattern to justify them.
func NoSQL(db string) bool { return !slices.Contains([]string{"postgres", "mysql"}, db) }

// SelfRunLB reports whether the team runs the load balancer itself.
func SelfRunLB(kind string) bool { return kind == "nginx" || kind == "haproxy" }

// Consistency options: what a reader needs after a write, with the CAP
// side it takes when the network splits.
var consistencyOptions = []Option{
	{Value: "strong", Label: "strong (CP) — every read sees the latest write; refuses to answer during a partition"},
	{Value: "read-your-writes", Label: "read-your-writes (CP) — a writer sees its own writes; others may lag"},
	{Value: "eventual", Label: "eventual (AP) — always answers, possibly with stale data"},
}

const consistencyHint = "CP refuses to answer when the network splits; AP answers with possibly stale data. Once you distribute, every system is CP or AP: choose per operation."

// dbOptions are the stores the design's database, and an added store, may
// be; queueOptions the queues.
var (
	dbOptions = []Option{
		{Value: "postgres", Label: "PostgreSQL — relational: transactions, joins, ad-hoc queries, strong consistency"},
		{Value: "mysql", Label: "MySQL — relational: transactions, joins, ad-hoc queries, strong consistency"},
		{Value: "dynamodb", Label: "DynamoDB — NoSQL that shards itself; trades joins and ad-hoc queries for scale", AWSOnly: true},
		{Value: "cassandra", Label: "Cassandra — NoSQL for huge write volume; often trades strict consistency"},
		{Value: "mongodb", Label: "MongoDB — NoSQL documents; shards for simple, known access patterns"},
	}
	queueOptions = []Option{
		{Value: "sqs", Label: "SQS — fully managed, zero operations, cheap at low volume; AWS-only, no replay", AWSOnly: true},
		{Value: "rabbitmq", Label: "RabbitMQ — rich routing and per-message acks; you run the broker, lower throughput than Kafka"},
		{Value: "kafka", Label: "Kafka — enormous throughput and replayable history; heavier to run, overkill for a few jobs"},
		{Value: "nats", Label: "NATS JetStream — a lightweight broker with streams; you run it yourself"},
	}
)

// questions is filled in by init: their checks read answers, which look
// questions up.
var questions []*Question

func init() {
	questions = catalogue()
	for i := 1; i <= MaxAdditions; i++ {
		questions = append(questions, additionQuestions(i)...)
	}
}

func catalogue() []*Question {
	return []*Question{
		// Form 1: the system and its traffic.
		{Key: KeyName, Form: 1, Group: "The system", Kind: Text,
			Title:   "Name of the system",
			Hint:    "Lowercase, as it would appear in a dashboard.",
			Example: "shortener", Check: checkName,
			Usage: "name of the system (lowercase letters, digits, - or _)"},
		{Key: KeyCloud, Form: 1, Group: "The system", Kind: Choice,
			Title:   "Cloud",
			Hint:    "How to choose: on the basics they're close to a tie, so pick the one your team already knows. Lean GCP for heavy data/ML work, Azure if you're a Microsoft shop, AWS for the broadest menu and the most hiring options.",
			Example: "aws",
			Options: []Option{
				{Value: "aws", Label: "AWS — the widest catalog and hiring pool; easy to get lost, the bill is hard to predict"},
				{Value: "gcp", Label: "GCP — strong on data, ML and Kubernetes; a smaller catalog"},
				{Value: "azure", Label: "Azure — the easy pick in the Microsoft world; naming can feel inconsistent"},
			},
			Usage: "cloud: aws, gcp or azure"},
		{Key: KeyFootprint, Form: 1, Group: "The system", Kind: Choice,
			Title:   "Footprint",
			Hint:    "No machine has 100% uptime. A bigger machine is simple and has a ceiling; more machines are unbounded but force you to confront distribution.",
			Example: schema.MultiZone,
			Options: []Option{
				{Value: schema.SingleNode, Label: "single node — the simplest; a ceiling, and a single point of failure"},
				{Value: schema.MultiZone, Label: "several zones of one region — survives a failed machine or zone"},
				{Value: schema.MultiRegion, Label: "several regions — survives a lost region; pays in latency and consistency"},
			},
			Usage: "footprint: single-node, multi-zone or multi-region"},

		{Key: KeyReadOp, Form: 1, Group: "Traffic", Kind: Text,
			Title:   "Name the read users do most",
			Hint:    "Reads can be cached and served by replicas. The shortener's is redirect.",
			Example: "redirect", Check: checkOpName(KeyReadOp),
			Usage: "name of the main read operation"},
		{Key: KeyReadRate, Form: 1, Group: "Traffic", Kind: Text,
			Title:   "Average rate of {read}",
			Hint:    "In the unit you think in: 1200/s, 2M/day, 3B/month.",
			Example: "3B/month", Check: checkRate,
			Usage: "average rate of the read: 1200/s, 2M/day, 3B/month"},
		{Key: KeyWriteOp, Form: 1, Group: "Traffic", Kind: Text,
			Title:   "Name the main write",
			Hint:    "Writes go to the primary database. The shortener's is create.",
			Example: "create", Check: checkOpName(KeyWriteOp),
			Usage: "name of the main write operation"},
		{Key: KeyWriteRate, Form: 1, Group: "Traffic", Kind: Text,
			Title:   "Average rate of {write}",
			Hint:    "In the unit you think in: 1200/s, 2M/day, 30M/month.",
			Example: "30M/month", Check: checkRate,
			Usage: "average rate of the write: 1200/s, 2M/day, 30M/month"},

		{Key: KeyBackground, Form: 1, Group: "Shape of the traffic", Kind: YesNo,
			Title:   "Is there slow or follow-up work to do in the background?",
			Hint:    "Like counting a click, sending email or encoding video: a queue accepts it now and does it soon, so the user never waits for it.",
			Example: "true",
			Usage:   "there is background work, done through a queue"},
		{Key: KeyPeakFactor, Form: 1, Group: "Shape of the traffic", Kind: Text,
			Title:   "Peak factor",
			Hint:    "Peak ÷ average: traffic is not flat.",
			Example: "3", Check: checkNumber(1, 1000, false),
			Usage: "peak traffic ÷ average traffic"},
		{Key: KeyGrowth, Form: 1, Group: "Shape of the traffic", Kind: Text,
			Title:   "Growth per year",
			Hint:    "A traffic multiplier: traffic can grow two orders of magnitude (100) in a year, so design to bend, not snap. 1 means no growth.",
			Example: "10", Check: checkGrowth,
			Usage: "traffic multiplier per year (1 means no growth)"},

		// Form 2: background work, promises and the building blocks.
		{Key: KeyBackgroundOp, Form: 2, Group: "Background work", Kind: Text,
			Title:   "Name the background work",
			Hint:    "The shortener counts each redirect as a click, asynchronously.",
			Example: "click", Check: checkOpName(KeyBackgroundOp),
			When: background, Unless: "there is no background work (--background=false)",
			Usage: "name of the background operation"},
		{Key: KeyBackgroundRate, Form: 2, Group: "Background work", Kind: Text,
			Title:   "Average rate of {background}",
			Hint:    "In the unit you think in: 1200/s, 2M/day, 3B/month.",
			Example: "3B/month", Check: checkBackgroundRate,
			When: background, Unless: "there is no background work (--background=false)",
			Usage: "average rate of the background work"},

		{Key: KeyReadP99, Form: 2, Group: "Promises", Kind: Text,
			Title:   "p99 latency for {read}",
			Hint:    "The slowest request in a hundred: the tail, not the average, is what users feel.",
			Example: "50ms", Check: checkLatency,
			Usage: "p99 latency the read must meet, such as 50ms"},
		{Key: KeyWriteP99, Form: 2, Group: "Promises", Kind: Text,
			Title:   "p99 latency for {write}",
			Hint:    "The slowest request in a hundred: the tail, not the average, is what users feel.",
			Example: "200ms", Check: checkLatency,
			Usage: "p99 latency the write must meet, such as 200ms"},
		{Key: KeyAvailability, Form: 2, Group: "Promises", Kind: Text,
			Title:   "Availability",
			Hint:    "No machine has 100% uptime: write what you promise, below 100%.",
			Example: "99.9%", Check: checkAvailability,
			Usage: "availability promised, below 100%, such as 99.9%"},
		{Key: KeyBudget, Form: 2, Group: "Promises", Kind: Text,
			Title:   "Monthly budget in USD",
			Hint:    "The cheapest design that meets the SLO wins. Write none for no budget.",
			Example: "7500", Check: checkBudget,
			Usage: "monthly budget in USD, or none"},

		{Key: KeyLB, Form: 2, Group: "Load balancer", Kind: Choice,
			Title:   "Load balancer",
			Hint:    "How to choose: on a cloud, start with the managed load balancer — it scales itself and you never patch it. Drop down to nginx or HAProxy when you need custom routing rules or want to stay portable across providers.",
			Example: "managed",
			Options: []Option{
				{Value: "managed", Label: "managed (your cloud's) — auto-scales and heals itself; a per-hour and per-GB bill, tied to one cloud"},
				{Value: "nginx", Label: "nginx — fast, also serves static files and HTTPS; the richest routing is in the paid Plus tier"},
				{Value: "haproxy", Label: "HAProxy — the deepest health checks and algorithms; proxying only, a learning curve"},
				{Value: "none", Label: "none — clients reach the service directly (one instance only)"},
			},
			Usage: "load balancer: managed, nginx, haproxy or none"},
		{Key: KeyCache, Form: 2, Group: "Cache", Kind: Choice,
			Title:   "Cache",
			Hint:    "How to choose: reach for Redis by default — its data types and optional persistence pay off the moment you need more than plain lookups. Pick Memcached only for the simplest possible string cache.",
			Example: "redis",
			Options: []Option{
				{Value: "redis", Label: "Redis — lists, sets, counters, optional persistence; one giant instance can become the bottleneck"},
				{Value: "managed-redis", Label: "managed Redis — someone else runs it; a monthly bill and less control"},
				{Value: "memcached", Label: "Memcached — dead simple and multi-threaded; strings only, no persistence or replication"},
				{Value: "none", Label: "none — every read goes to the database"},
			},
			Usage: "cache: redis, managed-redis, memcached or none"},
		{Key: KeyDB, Form: 2, Group: "Database", Kind: Choice,
			Title:   "Database",
			Hint:    "Rule of thumb: start relational. Reach for NoSQL when a specific access pattern at a specific scale demands it — not by default.",
			Example: "postgres",
			Options: dbOptions,
			Usage:   "database: postgres, mysql, dynamodb, cassandra or mongodb"},
		{Key: KeyQueue, Form: 2, Group: "Queue", Kind: Choice,
			Title:   "Queue for {background}",
			Hint:    "How to choose: for plain background jobs, a managed queue (SQS) or RabbitMQ is the least work. Choose Kafka for a firehose of events, several independent consumers, or replay — and only if you can afford to operate it.",
			Example: "kafka",
			Options: queueOptions,
			When:    background, Unless: "there is no background work (--background=false)",
			Usage: "queue: sqs, rabbitmq, kafka or nats"},

		// Form 3: sizing, consistency and observability.
		{Key: KeyInstances, Form: 3, Group: "Fleet", Kind: Text,
			Title:   "Application instances",
			Hint:    "Spread across the zones; the estimate tells whether they carry the peak.",
			Example: "4", Check: checkInt(1, 100000),
			When: distributed, Unless: "a single-node footprint runs one instance",
			Usage: "application instances"},
		{Key: KeyDBReplicas, Form: 3, Group: "Fleet", Kind: Text,
			Title:   "Database replicas",
			Hint:    "Replicas multiply read capacity and stand by for failover; eventual reads may be served by them. 0 means the primary alone.",
			Example: "2", Check: checkInt(0, 100),
			When: distributed, Unless: "a single-node footprint has no replicas",
			Usage: "database read replicas"},
		{Key: KeyLBNeed, Form: 3, Group: "Fleet", Preselected: "Choose the one that is true for you.", Kind: Choice,
			Title: "Why run your own proxy rather than the managed one?",
			Hint:  "Name the trade-off: you take on patching and scaling the proxy for this.",
			Options: []Option{
				{Value: "custom-routing", Label: "custom routing rules"},
				{Value: "portability", Label: "portability across providers"},
				{Value: "static-files", Label: "serving static files from the same box"},
				{Value: "cost", Label: "cost"},
			},
			When:   func(a *Answers) bool { return SelfRunLB(a.Get(KeyLB)) },
			Unless: "only a self-run load balancer (nginx, haproxy) needs a reason",
			Usage:  "why a self-run load balancer: custom-routing, portability, static-files or cost"},
		{Key: KeyCacheMemory, Form: 3, Group: "Cache sizing", Kind: Text,
			Title:   "Cache memory per node",
			Hint:    "Enough for the hot set: more memory buys a higher hit ratio.",
			Example: "13GiB", Check: checkBytes,
			When: hasCache, Unless: "there is no cache (--cache none)",
			Usage: "cache memory per node, such as 13GiB"},
		{Key: KeyHitRatio, Form: 3, Group: "Cache sizing", Kind: Text,
			Title:   "Cache hit ratio",
			Hint:    "The share of reads the cache answers: an assumption until you measure it.",
			Example: "65%", Check: checkHitRatio,
			When: hasCache, Unless: "there is no cache (--cache none)",
			Usage: "share of reads the cache answers, such as 90%"},
		{Key: KeyMutable, Form: 3, Group: "Cache sizing", Kind: YesNo,
			Title:   "Can a stored object change after it is written?",
			Hint:    "If it can, a cached copy becomes a lie: the cache deletes the key on write. If not, cached entries never go stale.",
			Example: "false",
			When:    hasCache, Unless: "there is no cache (--cache none)",
			Usage: "stored objects change after they are written"},
		{Key: KeyAccessPattern, Form: 3, Group: "Why NoSQL", Kind: Text,
			Title: "Which access pattern, at which scale, demands {db}?",
			Hint:  `Say why NoSQL beats a relational database here, e.g. "key lookups by user_id at 50k writes/s".`,
			Check: checkSentence,
			When:  func(a *Answers) bool { return NoSQL(a.Get(KeyDB)) }, Unless: "only a NoSQL database needs its access pattern stated",
			Usage: "the access pattern that justifies a NoSQL database"},

		{Key: KeyReadConsistency, Form: 3, Group: "Consistency", Kind: Choice,
			Title: "{read}: what must a reader see after a write?", Hint: consistencyHint, Example: "eventual", Options: consistencyOptions,
			Usage: "consistency of the read: strong, read-your-writes or eventual"},
		{Key: KeyWriteConsistency, Form: 3, Group: "Consistency", Kind: Choice,
			Title: "{write}: what must a reader see after it?", Hint: consistencyHint, Example: "strong", Options: consistencyOptions,
			Usage: "consistency of the write: strong, read-your-writes or eventual"},
		{Key: KeyBackgroundConsistency, Form: 3, Group: "Consistency", Kind: Choice,
			Title: "{background}: what must a reader see after it?", Hint: consistencyHint, Example: "eventual", Options: consistencyOptions,
			When: background, Unless: "there is no background work (--background=false)",
			Usage: "consistency of the background work: strong, read-your-writes or eventual"},

		{Key: KeyObserve, Form: 3, Group: "Observability", Kind: Several,
			Title:   "What will you see in production?",
			Hint:    "A distributed system fails in pieces, quietly, at 3am: if you can't tell what broke from the outside, every incident is a guessing game.",
			Example: "metrics,percentiles,logs,traces,uptime-probe",
			Options: []Option{
				{Value: "metrics", Label: "metrics — request rate, error %, queue depth (Prometheus + Grafana)"},
				{Value: "percentiles", Label: "latency percentiles — histograms, not averages: p99 is what users feel"},
				{Value: "logs", Label: "structured logs — one searchable line per thing that happened"},
				{Value: "traces", Label: "traces — one request's path, timed per hop (OpenTelemetry)"},
				{Value: "uptime-probe", Label: "uptime probe — checks from outside your network: is it up?"},
			},
			Usage: "comma-separated: metrics, percentiles, logs, traces, uptime-probe (empty for none)"},
		{Key: KeyAlerts, Form: 3, Group: "Observability", Kind: Choice,
			Title:   "Page on",
			Hint:    `Page on symptoms, not causes like "CPU 80%".`,
			Example: "symptoms",
			Options: []Option{
				{Value: "symptoms", Label: "symptoms — errors and latency users feel"},
				{Value: "causes", Label: "causes — CPU, memory, disk (noisy)"},
				{Value: "none", Label: "nothing — no alerts yet"},
			},
			Usage: "what alerts page on: symptoms, causes or none"},
	}
}

func hasCache(a *Answers) bool { return a.Get(KeyCache) != "none" }
