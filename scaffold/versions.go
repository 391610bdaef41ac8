package scaffold

import "sort"

// Module versions the generated go.mod pins. Each was fetched and built with
// `go mod tidy` on Go 1.26 (November 2026); `go mod tidy` may raise one when
// another dependency requires a newer one, never lower it.
var moduleVersions = map[string]string{
	"github.com/prometheus/client_golang":                             "v1.25.0",
	"go.opentelemetry.io/otel":                                        "v1.47.0",
	"go.opentelemetry.io/otel/sdk":                                    "v1.47.0",
	"go.opentelemetry.io/otel/trace":                                  "v1.47.0",
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp": "v1.47.0",
	"golang.org/x/sync":                                               "v0.25.0",
	"github.com/jackc/pgx/v5":                                         "v5.12.0",
	"github.com/go-sql-driver/mysql":                                  "v1.10.1",
	"github.com/redis/go-redis/v9":                                    "v9.23.0",
	"github.com/bradfitz/gomemcache":                                  "v0.0.0-20260422231931-4d751bb6e37c",
	"github.com/twmb/franz-go":                                        "v1.22.3",
	"github.com/twmb/franz-go/pkg/kfake":                              "v0.0.0-20260918054303-01f206a7e32c",
	"github.com/rabbitmq/amqp091-go":                                  "v1.16.0",
	"github.com/nats-io/nats.go":                                      "v1.55.0",
	"github.com/aws/aws-sdk-go-v2":                                    "v1.48.0",
	"github.com/aws/aws-sdk-go-v2/config":                             "v1.33.18",
	"github.com/aws/aws-sdk-go-v2/service/sqs":                        "v1.53.0",
}

// Require is one line of the generated go.mod's require block.
type Require struct {
	Path    string
	Version string
}

// Requires lists the modules the generated project imports directly: the
// common ones plus only those of the chosen stack.
func (p Params) Requires() []Require {
	paths := []string{
		"github.com/prometheus/client_golang",
		"go.opentelemetry.io/otel",
		"go.opentelemetry.io/otel/sdk",
		"go.opentelemetry.io/otel/trace",
		"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp",
		"golang.org/x/sync",
	}
	switch p.DB {
	case DBPostgres:
		paths = append(paths, "github.com/jackc/pgx/v5")
	case DBMySQL:
		paths = append(paths, "github.com/go-sql-driver/mysql")
	}
	switch p.Cache {
	case CacheRedis:
		paths = append(paths, "github.com/redis/go-redis/v9")
	case CacheMemcached:
		paths = append(paths, "github.com/bradfitz/gomemcache")
	}
	switch p.Queue {
	case QueueKafka:
		paths = append(paths, "github.com/twmb/franz-go", "github.com/twmb/franz-go/pkg/kfake")
	case QueueRabbitMQ:
		paths = append(paths, "github.com/rabbitmq/amqp091-go")
	case QueueNATS:
		paths = append(paths, "github.com/nats-io/nats.go")
	case QueueSQS:
		paths = append(paths, "github.com/aws/aws-sdk-go-v2", "github.com/aws/aws-sdk-go-v2/config",
			"github.com/aws/aws-sdk-go-v2/service/sqs")
	}
	sort.Strings(paths)
	out := make([]Require, len(paths))
	for i, path := range paths {
		out[i] = Require{Path: path, Version: moduleVersions[path]}
	}
	return out
}
