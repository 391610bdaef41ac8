package diagram

import (
	"fmt"
	"strings"
)

// View selects which part of the system a diagram shows.
type View string

// The views: the whole system, one path through it, or what one zone down
// leaves standing.
const (
	Overview View = "overview"
	Read     View = "read"
	Write    View = "write"
	Async    View = "async"
	Failure  View = "failure"
)

// Views lists every view in the order help texts show them.
var Views = []View{Overview, Read, Write, Async, Failure}

// ParseView checks a --view value.
func ParseView(s string) (View, error) {
	for _, v := range Views {
		if string(v) == s {
			return v, nil
		}
	}
	names := make([]string, len(Views))
	for i, v := range Views {
		names[i] = string(v)
	}
	return "", fmt.Errorf("unknown view %q: use one of %s", s, strings.Join(names, ", "))
}

// Kind is what a node stands for; renderers pick shape and fill from it.
type Kind string

// Node kinds, one per tier of the talk's picture.
const (
	KindClients   Kind = "clients"
	KindProbe     Kind = "probe"
	KindCDN       Kind = "cdn"
	KindLB        Kind = "lb"
	KindApp       Kind = "app"
	KindCache     Kind = "cache"
	KindPrimary   Kind = "primary"
	KindReplicas  Kind = "replicas"
	KindQueue     Kind = "queue"
	KindWorkers   Kind = "workers"
	KindCollector Kind = "collector"
	// Kinds only a design written with components has.
	KindObject   Kind = "object-store"
	KindSearch   Kind = "search"
	KindExternal Kind = "external"
)

// Status is how a node fares in the failure view.
type Status int

// Statuses, from unharmed to gone.
const (
	StatusUp       Status = iota
	StatusDegraded        // still serving, with less capacity or a failover
	StatusDown            // not serving
)

// Style is what an edge carries; renderers pick line and colour from it.
type Style string

// Edge styles.
const (
	StyleRequest     Style = "request"     // a synchronous request
	StyleHit         Style = "hit"         // a cache lookup that the read view shows as a hit
	StyleMiss        Style = "miss"        // a cache miss falling through to the database
	StyleAsync       Style = "async"       // a message through the queue
	StyleReplication Style = "replication" // primary to replicas
	StyleTelemetry   Style = "telemetry"   // metrics, logs, traces to the collector
	StyleProbe       Style = "probe"       // the external uptime check
)

// edgeStyles lists every edge style, in the order legends and models list
// them.
var edgeStyles = []Style{StyleRequest, StyleHit, StyleMiss, StyleAsync, StyleReplication, StyleTelemetry, StyleProbe}

// Graph is a drawn design, independent of the output format. Nodes and
// edges are in a fixed order so that every renderer is deterministic.
type Graph struct {
	Title    string
	Subtitle string
	Nodes    []*Node
	Edges    []*Edge
	// Notes are sentences shown under the picture: assumptions the view
	// makes and what it leaves out.
	Notes  []string
	Legend Legend
	// Groups box nodes together (by kind or region); empty draws none.
	Groups []Group
}

// Group is a box around some nodes, with its label.
type Group struct {
	ID, Label string
	Nodes     []string
}

// Node is one component (or one group of identical instances).
type Node struct {
	ID    string
	Kind  Kind
	Title string
	// Lines describe the component: technology, counts, settings.
	Lines []string
	// Numbers are the estimator's figures (utilisation, cost); empty when
	// the diagram was drawn without an estimate.
	Numbers []string
	// Missing marks a tier the design lacks, drawn because a finding is
	// about its absence.
	Missing bool
	// Overloaded marks a tier busier than its capacity at peak.
	Overloaded bool
	Status     Status
	// StatusText says what the failure view did to the node.
	StatusText string
	Badge      *Badge
	// Component is the schema's name for the tier ("services", "cache"),
	// which findings refer to.
	Component string
	// Tech is the component's kind ("postgres", "kafka") where the design
	// names one, for the model exports.
	Tech string
}

// Edge is traffic from one node to another.
type Edge struct {
	From, To string
	Style    Style
	// Label lines: the peak rate first, then bytes or the operations.
	Label []string
	// Lost marks an edge the failure view cut or rerouted.
	Lost bool
}

// Legend says which styles and severities the picture uses, so that it
// only explains what is drawn.
type Legend struct {
	Styles     []Style
	Severities []Severity
	Waived     bool
	Failure    bool
	// Statuses are the failure view's statuses other than up that the
	// picture shows, worst first.
	Statuses []Status
}

func (g *Graph) node(id string) *Node {
	for _, n := range g.Nodes {
		if n.ID == id {
			return n
		}
	}
	return nil
}
