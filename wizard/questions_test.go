package wizard

import (
	"strings"
	"testing"
)

func TestAnswersAreCheckedAsTyped(t *testing.T) {
	tests := []struct {
		key, value string
		wantErr    string // "" means valid
	}{
		{KeyName, "links", ""},
		{KeyName, "Links", "lowercase letter"},
		{KeyName, "a" + strings.Repeat("b", 62), ""},
		{KeyName, "a" + strings.Repeat("b", 63), "up to 63"},
		{KeyName, "my links", "lowercase letter"},
		{KeyReadRate, "1200/s", ""},
		{KeyReadRate, "2M/day", ""},
		{KeyReadRate, "3B/month", ""},
		{KeyReadRate, "1200", "count per period"},
		{KeyReadRate, "fast", "count per period"},
		{KeyReadRate, "0/s", "greater than zero"},
		{KeyReadRate, "5T/s", "count per period"},
		{KeyReadRate, "1T/year", "count per period"}, // ParseRate takes T; the schema does not
		{KeyReadRate, ".5/s", "count per period"},
		{KeyReadRate, "2000M/s", "beyond any real system"},
		{KeyPeakFactor, "3", ""},
		{KeyPeakFactor, "0.5", "from 1 to 1000"},
		{KeyPeakFactor, "NaN", "from 1 to 1000"},
		{KeyPeakFactor, "1e3", "from 1 to 1000"},
		{KeyGrowth, "100", ""},
		{KeyGrowth, "0", "above 0"},
		{KeyReadP99, "50ms", ""},
		{KeyReadP99, "1.5s", ""},
		{KeyReadP99, "50", "duration"},
		{KeyReadP99, "forever", "duration"},
		{KeyReadP99, "0ms", "cannot be met"},
		{KeyReadP99, ".5s", "duration"},
		{KeyAvailability, "99.9%", ""},
		{KeyAvailability, "100%", "below 100%"},
		{KeyAvailability, "0%", "above 0%"},
		{KeyAvailability, "0.999", "percentage"},
		{KeyAvailability, "101%", "percentage"},
		{KeyAvailability, "099.9%", "percentage"},
		{KeyBudget, "6000", ""},
		{KeyBudget, "none", ""},
		{KeyBudget, "-5", "monthly amount"},
		{KeyBudget, "$6000", "monthly amount"},
		{KeyInstances, "4", ""},
		{KeyInstances, "0", "from 1"},
		{KeyInstances, "+4", "whole number"},
		{KeyInstances, "2.5", "whole number"},
		{KeyDBReplicas, "0", ""},
		{KeyCacheMemory, "13GiB", ""},
		{KeyCacheMemory, "13", "size"},
		{KeyCacheMemory, "0GiB", "greater than zero"},
		{KeyHitRatio, "90%", ""},
		{KeyHitRatio, "0%", "never hits"},
		{KeyHitRatio, "0.9", "percentage"},
		{KeyCloud, "aws", ""},
		{KeyCloud, "oracle", "one of aws, gcp, azure"},
		{KeyObserve, "metrics,traces", ""},
		{KeyObserve, "", ""},
		{KeyObserve, "metrics,dashboards", "one of metrics"},
		{KeyBackground, "maybe", "true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			err := Lookup(tt.key).Validate(NewAnswers(), tt.value)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("rejected: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("accepted, want an error about %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("error %q does not say %q", err, tt.wantErr)
			}
		})
	}
}

func TestAWSOnlyChoicesNeedAWS(t *testing.T) {
	a := NewAnswers()
	a.Set(KeyCloud, "gcp")
	for _, key := range []string{KeyQueue, KeyDB} {
		for _, o := range Lookup(key).OptionsFor(a) {
			if o.AWSOnly {
				t.Errorf("%s offers %s on gcp", key, o.Value)
			}
		}
	}
	if err := Lookup(KeyQueue).Validate(a, "sqs"); err == nil || !strings.Contains(err.Error(), "AWS-only") {
		t.Errorf("sqs on gcp: %v, want an AWS-only error", err)
	}
	a.Set(KeyCloud, "aws")
	if err := Lookup(KeyQueue).Validate(a, "sqs"); err != nil {
		t.Errorf("sqs on aws: %v", err)
	}
}

func TestCheckNamesTheFlagAndRefusesAnswersThatDoNotApply(t *testing.T) {
	tests := []struct {
		name    string
		set     map[string]string
		wantErr string
	}{
		{"the examples are a valid design", nil, ""},
		{"a queue without background work", map[string]string{KeyBackground: "false", KeyQueue: "kafka"}, "--queue does not apply: there is no background work"},
		{"instances on a single node", map[string]string{KeyFootprint: "single-node", KeyInstances: "3"}, "--instances does not apply: a single-node footprint runs one instance"},
		{"a reason for a managed balancer", map[string]string{KeyLBNeed: "cost"}, "--lb-need does not apply"},
		{"two operations with one name", map[string]string{KeyReadOp: "get", KeyWriteOp: "get"}, `--write-op "get": "get" already names another operation`},
		{"the background name may repeat when there is none", map[string]string{KeyBackground: "false", KeyReadOp: "click"}, ""},
		{"DynamoDB on Azure", map[string]string{KeyCloud: "azure", KeyDB: "dynamodb"}, "--db \"dynamodb\": dynamodb is AWS-only, but the cloud is azure"},
		{"SQS on AWS", map[string]string{KeyQueue: "sqs"}, ""},
		{"the default queue is not SQS-only, so GCP is fine", map[string]string{KeyCloud: "gcp"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAnswers()
			for k, v := range tt.set {
				a.Set(k, v)
			}
			err := a.Check()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestEveryQuestionIsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, q := range Questions() {
		if seen[q.Key] {
			t.Errorf("%s: asked twice", q.Key)
		}
		seen[q.Key] = true
		if q.Title == "" || q.Hint == "" || q.Usage == "" || q.Group == "" {
			t.Errorf("%s: needs a title, a hint, a group and a flag usage", q.Key)
		}
		if q.Form < 1 || q.Form > Screens {
			t.Errorf("%s: on screen %d of %d", q.Key, q.Form, Screens)
		}
		if (q.When == nil) != (q.Unless == "") {
			t.Errorf("%s: a condition needs the reason it may not apply, and only a condition", q.Key)
		}
		if q.Example != "" {
			if err := q.Validate(NewAnswers(), q.Example); err != nil {
				t.Errorf("%s: its example %q is not a valid answer: %v", q.Key, q.Example, err)
			}
		}
		if (q.Kind == Choice || q.Kind == Several) && len(q.Options) == 0 && q.OptionsFunc == nil {
			t.Errorf("%s: a choice without options", q.Key)
		}
	}
	// Every building-block choice carries the talk's "how to choose".
	for _, key := range []string{KeyCloud, KeyLB, KeyCache, KeyQueue} {
		if !strings.HasPrefix(Lookup(key).Hint, "How to choose:") {
			t.Errorf("%s: the hint is not the talk's how to choose: %q", key, Lookup(key).Hint)
		}
	}
	if !strings.HasPrefix(Lookup(KeyDB).Hint, "Rule of thumb: start relational") {
		t.Errorf("db: the hint is not the talk's rule of thumb")
	}
}
