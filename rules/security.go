package rules

import (
	"fmt"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The security family: where a performance trade-off leaks one user's data
// to another or risks money.

func init() {
	register(secPrivateAtEdge, secMoneyBestEffort, secNoTLS, secNoRateLimit, secUnencrypted, secPublicDatabase)
}

var secPrivateAtEdge = &Rule{
	ID:       "SEC001",
	Category: CategorySecurity,
	Severity: High,
	Title:    "Private responses routed through a CDN",
	Why: `An edge cache is shared by everyone who reaches that edge. A private response cached there — a user's ` +
		`links, their account page — can be served to the next user who asks for the same URL. The CDN's speed is ` +
		`only for public responses.`,
	Detection:      `An operation whose path includes "cdn" while traffic.<op>.public is false.`,
	FalsePositives: `A CDN configured to pass private responses through uncached (Cache-Control: private on every one); state it by leaving the operation out of the CDN path.`,
	Remediation:    `Route private operations around the CDN, or mark them public only if their responses really are the same for every user.`,
	References:     []string{talkCache, `The talk, "CDN": "Static assets and public responses cached at the edge, near the user." "a CDN only helps for public, cacheable responses."`},
	Bad: Example{Overlay: `
		cdn: {enabled: true, cacheableShare: "50%"}
		traffic: create: path: ["cdn", "loadBalancer", "services", "database"]
	`},
	Good: Example{Overlay: `
		cdn: {enabled: true, cacheableShare: "50%"}
		traffic: redirect: {public: true, path: ["cdn", "loadBalancer", "services", "cache", "replicas"]}
	`},
	Check: func(c *Context) []Finding {
		var out []Finding
		for _, op := range c.opsThrough("cdn") {
			if op.Public {
				continue
			}
			out = append(out, at(op.Name, opPath(op, "public"),
				"%s is private (public: false) but its path goes through the CDN: a cached response for one user can be served to another", op.Name))
		}
		return out
	},
}

var secMoneyBestEffort = &Rule{
	ID:       "SEC002",
	Category: CategorySecurity,
	Severity: Critical,
	Title:    "Money handled under a best-effort durability promise",
	Why: `Best-effort durability trades the last moments of acknowledged writes for speed (asynchronous commits, ` +
		`write-behind). For a click counter that is a fair trade; for money it means a charge the user was told ` +
		`succeeded can vanish.`,
	Detection:      `slo.durability is "best-effort" and an operation needs "money" or does "payment" slow work.`,
	FalsePositives: `None: money needs lossless durability even if the rest of the design does not; split it into its own design if the rest is best-effort.`,
	Remediation:    `Set slo.durability: "lossless" and commit money writes durably before acknowledging them.`,
	References:     []string{`The talk: "Every decision ahead trades one resource for another — there is no free win, only the right trade for your numbers."`},
	Bad: Example{Overlay: `
		slo: durability: "best-effort"
		traffic: create: needs: ["money"]
	`},
	Good: Example{Overlay: `
		slo: durability: "lossless"
		traffic: create: needs: ["money"]
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.SLO.Durability != "best-effort" {
			return nil
		}
		var out []Finding
		for _, op := range d.Operations() {
			switch {
			case contains(op.Needs, "money"):
				out = append(out, at(op.Name, "slo.durability", "%s moves money but slo.durability is best-effort: an acknowledged payment can be lost", op.Name))
			case contains(op.SlowWork, "payment"):
				out = append(out, at(op.Name, "slo.durability", "%s charges a card but slo.durability is best-effort: an acknowledged payment can be lost", op.Name))
			}
		}
		return out
	},
}

var secNoTLS = &Rule{
	ID:       "SEC003",
	Category: CategorySecurity,
	Severity: High,
	Title:    "No TLS: requests travel in plain HTTP",
	Why: `HTTPS spends a little CPU per connection to keep what users send and receive private and unaltered on the ` +
		`way. Terminating it at the load balancer is the cheap, common trade (the talk's nginx "can also handle HTTPS"); ` +
		`not having it at all gives every network on the path the users' data.`,
	Detection:      `security.tls is "none".`,
	FalsePositives: `A service reachable only inside a private network behind another TLS-terminating tier; model that tier.`,
	Remediation:    `Terminate TLS at the load balancer (security.tls: "load-balancer"), or end to end where the network inside is not trusted.`,
	References:     []string{talkLB, `The talk, "nginx": "the same box can also serve static files and handle HTTPS."`},
	Bad: Example{Overlay: `
		security: tls: "none"
	`},
	Good: Example{Overlay: `
		security: tls: "load-balancer"
	`},
	Check: func(c *Context) []Finding {
		if c.Design.Security.TLS != "none" {
			return nil
		}
		return []Finding{at("security", "security.tls",
			"security.tls is none: %s travel in plain HTTP, readable and alterable by every network on the way", opNames(c.Design.Operations()))}
	},
}

var secNoRateLimit = &Rule{
	ID:       "SEC004",
	Category: CategorySecurity,
	Severity: Medium,
	Title:    "Write operations without a per-client rate limit",
	Why: `Capacity costs money, and a write endpoint open to everyone lets one script spend it: each write is ` +
		`stored, replicated and kept for its retention. A per-client rate limit trades a little friction for heavy ` +
		`users against the whole fleet and database being one client's to fill.`,
	Detection: `security.rateLimit is not set and the design has a synchronous write operation. The finding says how ` +
		`fast one client could write at the application tier's estimated capacity.`,
	FalsePositives: `Writes only authenticated, trusted internal clients can make; say so in a waiver.`,
	Remediation:    `Set security.rateLimit to what one client may send to the write operations (e.g. "10/s"), enforced at the balancer or the service.`,
	References:     []string{talkCost},
	Bad: Example{Overlay: `
		security: rateLimit: null
	`},
	Good: Example{Overlay: `
		security: rateLimit: "10/s"
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.Security.RateLimit != nil {
			return nil
		}
		op := firstSyncWrite(d)
		if op == nil {
			return nil
		}
		msg := fmt.Sprintf("%s accepts writes with no per-client limit", op.Name)
		if comp := c.component("services"); comp != nil && comp.CapacityRPS > 0 && op.Data != nil {
			perDay := comp.CapacityRPS * schema.SecondsPerDay
			msg += fmt.Sprintf(": one client at the fleet's %s could store %s objects (%s) a day",
				rps(comp.CapacityRPS), num(perDay), schema.FormatBytes(perDay*float64(op.Data.ObjectSize)))
		}
		return []Finding{at(op.Name, "security", "%s", msg)}
	},
}

// firstSyncWrite is the first write operation whose caller waits for it:
// the one a client without a rate limit can flood.
func firstSyncWrite(d *schema.Design) *schema.Operation {
	for _, op := range d.Operations() {
		if !op.IsRead() && !op.Async {
			return op
		}
	}
	return nil
}

var secUnencrypted = &Rule{
	ID:       "SEC005",
	Category: CategorySecurity,
	Severity: Medium,
	Title:    "Data at rest not encrypted",
	Why: `Disks, snapshots and backups outlive the machines that wrote them. Managed stores encrypt them for little ` +
		`or no cost; without it, a leaked snapshot or a recycled disk is the data.`,
	Detection:      `security.encryptionAtRest is false and the design stores data (an operation with data, or a database or cache with persistence).`,
	FalsePositives: `None for stored user data.`,
	Remediation:    `Turn on encryption at rest for the database, the cache's persistence and backups (security.encryptionAtRest: true).`,
	References:     []string{talkDatabase},
	Bad: Example{Overlay: `
		security: encryptionAtRest: false
	`},
	Good: Example{Overlay: `
		security: encryptionAtRest: true
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.Security.EncryptionAtRest {
			return nil
		}
		objects := 0.0
		for _, op := range d.Operations() {
			if op.Data != nil {
				objects += float64(op.Data.Objects)
			}
		}
		if objects == 0 && d.Cache.Persistence == "none" {
			return nil
		}
		return []Finding{at("security", "security.encryptionAtRest",
			"%s's disks, snapshots and backups are not encrypted (%s stored objects)", d.Database.Kind, num(objects))}
	},
}

var secPublicDatabase = &Rule{
	ID:       "SEC006",
	Category: CategorySecurity,
	Severity: Critical,
	Title:    "Database reachable from the internet",
	Why: `The database holds the state everything else depends on; only the application needs to reach it. Open to ` +
		`the internet, it trades a little convenience for every scanner's attention on the one component whose loss ` +
		`is not recoverable.`,
	Detection:      `security.publicDatabase is true.`,
	FalsePositives: `None.`,
	Remediation:    `Put the database in a private network reachable only from the application tier (security.publicDatabase: false); reach it for administration through a bastion or VPN.`,
	References:     []string{talkDatabase},
	Bad: Example{Overlay: `
		security: publicDatabase: true
	`},
	Good: Example{Overlay: `
		security: publicDatabase: false
	`},
	Check: func(c *Context) []Finding {
		if !c.Design.Security.PublicDatabase {
			return nil
		}
		return []Finding{at("database", "security.publicDatabase",
			"the %s database accepts connections from the internet: only the application tier needs to reach it", c.Design.Database.Kind)}
	},
}
