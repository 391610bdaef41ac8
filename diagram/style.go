package diagram

// The palette is shared by the DOT and Mermaid renderers so both pictures
// read the same. Fills are pale so black text stays readable on them;
// strong colours are kept for what needs attention: findings and failures.

type nodeLook struct {
	fill  string
	shape string // DOT shape
}

var kindLooks = map[Kind]nodeLook{
	KindClients:   {"#f1f3f4", "box"},
	KindProbe:     {"#f1f3f4", "box"},
	KindCDN:       {"#e3f2fd", "box"},
	KindLB:        {"#e3f2fd", "box"},
	KindApp:       {"#e8f5e9", "box"},
	KindWorkers:   {"#e8f5e9", "box"},
	KindCache:     {"#fff8e1", "box"},
	KindPrimary:   {"#fff3e0", "cylinder"},
	KindReplicas:  {"#fff3e0", "cylinder"},
	KindQueue:     {"#f3e5f5", "box"},
	KindCollector: {"#f1f3f4", "box"},
	KindObject:    {"#fff3e0", "folder"},
	KindSearch:    {"#fce4ec", "box3d"},
	KindExternal:  {"#eceff1", "hexagon"},
}

const (
	colorText      = "#212121"
	colorSubtle    = "#555555"
	colorBorder    = "#78909c"
	colorDown      = "#c62828"
	colorDownFill  = "#ffebee"
	colorDegraded  = "#a15c00"
	colorDegrFill  = "#fff3cd"
	colorWaived    = "#757575"
	colorLostEdge  = "#c62828"
	fontName       = "Arial"
	titleFontSize  = "20"
	nodeFontSize   = "13"
	detailFontSize = "11"
	edgeFontSize   = "11"
)

// severityColors are badge backgrounds; each has a text colour that passes
// WCAG AA contrast on it.
var severityColors = map[Severity][2]string{
	SevCritical: {"#8e0000", "#ffffff"},
	SevHigh:     {"#c62828", "#ffffff"},
	SevMedium:   {"#e65100", "#ffffff"},
	SevLow:      {"#fbc02d", "#212121"},
	SevInfo:     {"#1565c0", "#ffffff"},
}

type edgeLook struct {
	color, style, width, label string
	// constraint false keeps side traffic (telemetry, the probe) from
	// pulling the request path out of shape.
	constraint bool
}

var styleLooks = map[Style]edgeLook{
	StyleRequest:     {"#37474f", "solid", "1.6", "request", true},
	StyleHit:         {"#2e7d32", "bold", "2.4", "cache lookup (hits served from memory)", true},
	StyleMiss:        {"#d84315", "dashed", "1.6", "cache miss, served by the tier behind the cache", true},
	StyleAsync:       {"#6a1b9a", "dashed", "1.6", "asynchronous message", true},
	StyleReplication: {"#1565c0", "dotted", "1.8", "replication", true},
	StyleTelemetry:   {"#9e9e9e", "dotted", "1.2", "metrics, logs, traces", false},
	StyleProbe:       {"#757575", "dashed", "1.2", "external uptime check", false},
}
