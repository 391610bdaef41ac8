package rules

import (
	"fmt"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// The queue family: a queue lets you accept the work now and do it soon,
// trading immediacy for decoupling — if it is sized and made safe.

const talkQueue = `The talk, "Queues": "A queue lets you accept the work now and do it soon."`

func init() {
	register(queueSlowInline, queueKafkaTrickle, queueNoReplay, queueNoDeadLetter, queueNotIdempotent,
		queueTooFewConsumers, queueIdlePartitions, queueAtMostOnceLossless)
}

var queueSlowInline = &Rule{
	ID:       "QUEUE001",
	Category: CategoryQueue,
	Severity: High,
	Title:    "Slow work done inline in the request path",
	Why: `Sending email, encoding video or charging a card inside the request ties up the user for the slowest ` +
		`step and couples two services' uptime: when the mail provider is slow, so is the request. A queue accepts the ` +
		`work now and does it soon.`,
	Detection:      `A synchronous operation (async: false) that lists slowWork.`,
	FalsePositives: `A payment the user must see succeed before the response can stay inline; waive it with that reason, and keep its timeout short.`,
	Remediation:    `Publish the slow work to a queue and return; let workers do it (async: true, with "queue" and "workers" in the path).`,
	References:     []string{talkQueue, `The talk: "doing it inline ties up the user and couples two services' uptime."`},
	Bad: Example{Overlay: `
		traffic: create: slowWork: ["email"]
	`},
	Good: Example{Overlay: `
		traffic: click: slowWork: ["email"]
	`},
	Check: func(c *Context) []Finding {
		var out []Finding
		for _, op := range c.Design.Operations() {
			if op.Async || len(op.SlowWork) == 0 {
				continue
			}
			out = append(out, at(op.Name, opPath(op, "slowWork"),
				"%s does %s inline%s at %s peak: the request waits for it and fails when that dependency does",
				op.Name, strings.Join(op.SlowWork, ", "), underP99(c, op), rps(peakRPS(op))))
		}
		return out
	},
}

var queueKafkaTrickle = &Rule{
	ID:       "QUEUE002",
	Category: CategoryQueue,
	Severity: Low,
	Title:    "Kafka for a trickle of background jobs",
	Why: `Kafka buys enormous throughput and a replayable history at the price of being heavier to run and reason ` +
		`about. For plain background jobs — one consumer, no replay, a few messages a second — a managed queue or ` +
		`RabbitMQ is the least work.`,
	Detection: `queue.kind is "kafka", queue.replay is false, queue.consumerGroups is 1 and the peak message rate of the ` +
		`carried operations (a batch is one message) is below queue.kafka_trickle (100 messages/s, an assumption in rules/data/thresholds.yaml).`,
	FalsePositives: `A team already operating Kafka for other systems pays little extra; waive it with that reason.`,
	Remediation:    `Use SQS (on AWS) or RabbitMQ for background jobs; keep Kafka for firehoses, several consumers or replay.`,
	References:     []string{talkQueue, `The talk, "Kafka": "heavier to run and reason about; overkill for a handful of simple background jobs."`},
	Bad: Example{Overlay: `
		traffic: click: rate: "20/s"
		queue: {replay: false, consumerGroups: 1}
	`},
	Good: Example{Overlay: `
		traffic: click: rate: "20/s"
		queue: {kind: "sqs", partitions: 1, replay: false, consumerGroups: 1}
	`},
	Check: func(c *Context) []Finding {
		q := c.Design.Queue
		if q.Kind != "kafka" || q.Replay || q.ConsumerGroups > 1 {
			return nil
		}
		rate := queueRate(c)
		if limit := th("queue.kafka_trickle"); rate >= limit {
			return nil
		}
		return []Finding{at("queue", "queue.kind",
			"Kafka carries %s at peak for one consumer group and no replay: a managed queue or RabbitMQ does this with far less to run",
			perTime(rate, "msg"))}
	},
}

var queueNoReplay = &Rule{
	ID:       "QUEUE003",
	Category: CategoryQueue,
	Severity: High,
	Title:    "Replay or several independent consumers on a broker that cannot provide them",
	Why: `A classic broker deletes a message once it is acknowledged: there is no history to re-read. A durable, ` +
		`append-only log (Kafka) lets new consumers replay old events from the start and lets several independent ` +
		`consumers read the same stream.`,
	Detection: `queue.replay is true and queue.kind is "rabbitmq" or "sqs", or queue.consumerGroups > 1 and queue.kind is ` +
		`"sqs" (a message goes to one consumer; fan-out needs SNS or one queue per consumer).`,
	FalsePositives: `RabbitMQ streams (a newer feature) can replay; model that broker as kafka-like if you use them.`,
	Remediation:    `Use Kafka (or NATS JetStream) when consumers must replay or read independently; otherwise drop the requirement.`,
	References:     []string{talkQueue, `The talk, "SQS": "AWS-only and no replay." "Kafka: a replayable history — new consumers can re-read old events from the start."`},
	Bad: Example{Overlay: `
		queue: {kind: "rabbitmq", partitions: 1, replay: true}
	`},
	Good: Example{Overlay: `
		queue: {kind: "rabbitmq", partitions: 1, replay: false, consumerGroups: 2}
	`},
	Check: func(c *Context) []Finding {
		q := c.Design.Queue
		switch {
		case q.Replay && (q.Kind == "rabbitmq" || q.Kind == "sqs"):
			return []Finding{at("queue", "queue.replay",
				"queue.replay is true but %s deletes messages once they are acknowledged: there is no history for a consumer to re-read", q.Kind)}
		case q.ConsumerGroups > 1 && q.Kind == "sqs":
			return []Finding{at("queue", "queue.consumerGroups",
				"%d independent consumer groups need every message, but SQS delivers each message to one consumer", q.ConsumerGroups)}
		}
		return nil
	},
}

var queueNoDeadLetter = &Rule{
	ID:       "QUEUE004",
	Category: CategoryQueue,
	Severity: Medium,
	Title:    "No dead-letter queue",
	Why: `A message that always fails (a malformed payload, a bug) is retried forever, blocking its partition or ` +
		`burning consumers. A dead-letter queue sets it aside after a few attempts so the rest of the work flows and ` +
		`someone can look at it.`,
	Detection:      `queue.kind is not "none" and queue.deadLetter is false.`,
	FalsePositives: `Consumers that log and drop poison messages on purpose; waive with that reason.`,
	Remediation:    `Configure a dead-letter queue (queue.deadLetter: true) with a retry limit, and alert on its depth.`,
	References:     []string{talkQueue},
	Bad: Example{Overlay: `
		queue: deadLetter: false
	`},
	Good: Example{Overlay: `
		queue: deadLetter: true
	`},
	Check: func(c *Context) []Finding {
		q := c.Design.Queue
		if !q.Enabled() || q.DeadLetter {
			return nil
		}
		return []Finding{at("queue", "queue.deadLetter",
			"no dead-letter queue: a message that always fails is retried forever, holding up %s", strings.Join(q.Carries, ", "))}
	},
}

var queueNotIdempotent = &Rule{
	ID:       "QUEUE005",
	Category: CategoryQueue,
	Severity: High,
	Title:    "At-least-once delivery without idempotent consumers",
	Why: `At-least-once delivery means a message can arrive twice: after a consumer crashes between doing the work ` +
		`and acknowledging it, or after a redelivery timeout. A consumer that is not idempotent then sends the email ` +
		`twice, counts the click twice, or charges the card twice.`,
	Detection:      `queue.delivery is "at-least-once" and queue.idempotentConsumers is false.`,
	FalsePositives: `Work where a duplicate is harmless (recomputing a thumbnail); waive with that reason.`,
	Remediation:    `Make consumers idempotent (a dedupe key per message, upserts, conditional writes) and set queue.idempotentConsumers: true.`,
	References:     []string{talkQueue},
	Bad: Example{Overlay: `
		queue: idempotentConsumers: false
	`},
	Good: Example{Overlay: `
		queue: idempotentConsumers: true
	`},
	Check: func(c *Context) []Finding {
		q := c.Design.Queue
		if !q.Enabled() || q.Delivery != "at-least-once" || q.IdempotentConsumers {
			return nil
		}
		what := strings.Join(q.Carries, ", ")
		for _, name := range q.Carries {
			if op := c.Design.Traffic[name]; op != nil && (contains(op.Needs, "money") || contains(op.SlowWork, "payment")) {
				what += " (which moves money: a duplicate is a double charge)"
				break
			}
		}
		return []Finding{at("queue", "queue.idempotentConsumers",
			"at-least-once delivery redelivers messages after a crash or timeout, and consumers are not idempotent: %s can be applied twice", what)}
	},
}

var queueTooFewConsumers = &Rule{
	ID:       "QUEUE006",
	Category: CategoryQueue,
	Severity: High,
	Title:    "Consumers too few for the arrival rate",
	Why: `A queue absorbs spikes: during a peak the backlog grows and afterwards the consumers drain it. That ` +
		`works only if the consumers are faster than the work arrives on average. When they are not, the backlog ` +
		`grows without bound, and "soon" becomes "hours from now" — then never.`,
	Detection: `The average arrival rate of the carried operations' messages (their rates, summed, each divided by ` +
		`its batch when queue.batchSize groups them) is above what the consumers can drain: queue.consumers ÷ ` +
		`queue.workTime (Little's law).`,
	FalsePositives: `Consumers that batch many messages per unit of work; state the per-message work time.`,
	Remediation:    `Add consumers (and, on Kafka, partitions to match), or make each message cheaper to process.`,
	References:     []string{talkQueue, `The talk: "Add workers to drain the queue faster; the queue absorbs spikes so producers never block."`},
	Bad: Example{Overlay: `
		queue: {consumers: 1, workTime: "5ms"}
	`},
	Good: Example{Overlay: `
		queue: {consumers: 4, workTime: "2ms"}
	`},
	Check: func(c *Context) []Finding {
		q := c.Design.Queue
		if !q.Enabled() || q.WorkTime == nil || q.Consumers == 0 {
			return nil
		}
		lambda := 0.0
		for _, name := range q.Carries {
			if op := c.Design.Traffic[name]; op != nil {
				r := op.Rate.PerSecond()
				lambda += r / estimator.MessageBatch(c.Design, op, r)
			}
		}
		capacity := float64(q.Consumers) / q.WorkTime.Seconds()
		growth := estimator.BacklogGrowth(lambda, capacity)
		if growth <= 0 {
			return nil
		}
		need := estimator.ConsumersFor(lambda, q.WorkTime.Seconds(), 1)
		return []Finding{at("queue", "queue.consumers",
			"%d consumers at %s per message drain %s messages/s but %s arrive on average: the backlog grows without bound by %s messages/s (%s an hour); at least %d consumers keep up with the average",
			q.Consumers, q.WorkTime, num(capacity), num(lambda), num(growth), num(growth*schema.SecondsPerHour), need)}
	},
}

var queueIdlePartitions = &Rule{
	ID:       "QUEUE007",
	Category: CategoryQueue,
	Severity: Medium,
	Title:    "More Kafka consumers than partitions",
	Why: `Kafka's parallelism is its partitions: within a consumer group each partition is read by one consumer. ` +
		`Consumers beyond the partition count sit idle, so adding workers stops draining the queue any faster.`,
	Detection:      `queue.kind is "kafka" and queue.consumers (per group) is greater than queue.partitions.`,
	FalsePositives: `Idle consumers kept as warm spares for a rebalance; waive with that reason.`,
	Remediation:    `Raise queue.partitions to at least the consumer count (partitions are hard to add later, so leave room for growth).`,
	References:     []string{talkQueue, `The talk, "Kafka": "heavier to run and reason about."`},
	Bad: Example{Overlay: `
		queue: {partitions: 4, consumers: 6}
	`},
	Good: Example{Overlay: `
		queue: {partitions: 12, consumers: 6}
	`},
	Check: func(c *Context) []Finding {
		q := c.Design.Queue
		if q.Kind != "kafka" || q.Consumers <= q.Partitions {
			return nil
		}
		return []Finding{at("queue", "queue.partitions",
			"%d consumers share %d partitions: %d of them sit idle, so the group drains no faster than %d consumers",
			q.Consumers, q.Partitions, q.Consumers-q.Partitions, q.Partitions)}
	},
}

var queueAtMostOnceLossless = &Rule{
	ID:       "QUEUE008",
	Category: CategoryQueue,
	Severity: High,
	Title:    "At-most-once delivery under a lossless durability promise",
	Why: `At-most-once delivery acknowledges a message before the work is done: a consumer crash loses it. That is a ` +
		`fair trade for metrics samples, not for work the design promises never to lose.`,
	Detection:      `queue.delivery is "at-most-once", slo.durability is "lossless" and a carried operation is a write.`,
	FalsePositives: `Carried writes that are best-effort by nature (sampled analytics) under a design-wide lossless promise; waive with that reason.`,
	Remediation:    `Use at-least-once delivery with idempotent consumers.`,
	References:     []string{talkQueue, `The talk: "must never lose a mapping."`},
	Bad: Example{Overlay: `
		queue: delivery: "at-most-once"
	`},
	Good: Example{Overlay: `
		queue: delivery: "at-least-once"
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if !d.Queue.Enabled() || d.Queue.Delivery != "at-most-once" || d.SLO.Durability != "lossless" {
			return nil
		}
		for _, name := range d.Queue.Carries {
			if op := d.Traffic[name]; op != nil && !op.IsRead() {
				return []Finding{at("queue", "queue.delivery",
					"at-most-once delivery drops %s messages when a consumer crashes mid-work, but slo.durability is lossless", name)}
			}
		}
		return nil
	},
}

// queueRate is the peak message rate of the operations the queue carries.
func queueRate(c *Context) float64 {
	total := 0.0
	for _, name := range c.Design.Queue.Carries {
		if op := c.Design.Traffic[name]; op != nil {
			r := peakRPS(op)
			total += r / estimator.MessageBatch(c.Design, op, r)
		}
	}
	return total
}

// underP99 is " under a 200ms p99" when the operation has a p99 SLO.
func underP99(c *Context, op *schema.Operation) string {
	if v, ok := c.Design.SLO.P99[op.Name]; ok {
		return fmt.Sprintf(" under a %s p99", v)
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
