package cdp

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// Page is one tab, driven through its own session.
type Page struct {
	b         *Browser
	SessionID string
	TargetID  string
}

// NewPage opens a blank tab and turns on the events a test reads: console
// messages, uncaught exceptions, browser log entries (failed loads,
// content-security-policy violations) and page lifecycle.
func (b *Browser) NewPage(ctx context.Context) (*Page, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.Call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	p := &Page{b: b, SessionID: att.SessionID, TargetID: target.TargetID}
	for _, domain := range []string{"Runtime.enable", "Log.enable", "Page.enable"} {
		if err := p.Call(ctx, domain, nil, nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Call sends a command to this page.
func (p *Page) Call(ctx context.Context, method string, params, result any) error {
	return p.b.Call(ctx, p.SessionID, method, params, result)
}

// Viewport sets the page's size; mobile also turns on the phone's
// viewport handling (the meta viewport tag, overlay scrollbars).
func (p *Page) Viewport(ctx context.Context, width, height int, scale float64, mobile bool) error {
	return p.Call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile,
	}, nil)
}

// Navigate loads url and waits for its load event.
func (p *Page) Navigate(ctx context.Context, url string) error {
	var nav struct {
		LoaderID  string `json:"loaderId"`
		ErrorText string `json:"errorText"`
	}
	mark := p.b.Mark()
	if err := p.Call(ctx, "Page.navigate", map[string]any{"url": url}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("loading %s: %s", url, nav.ErrorText)
	}
	_, err := p.b.Wait(ctx, mark, func(e Event) bool {
		return e.SessionID == p.SessionID && e.Method == "Page.loadEventFired"
	})
	return err
}

// Eval evaluates a JavaScript expression in the page and decodes its
// value (returned by value, so it must be JSON-serialisable).
func (p *Page) Eval(ctx context.Context, expr string, v any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := p.Call(ctx, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &r); err != nil {
		return err
	}
	if r.ExceptionDetails != nil {
		return fmt.Errorf("evaluating %q: %s", expr, r.ExceptionDetails.Text)
	}
	return json.Unmarshal(r.Result.Value, v)
}

// Screenshot captures the viewport, or the whole page when full is set,
// as PNG.
func (p *Page) Screenshot(ctx context.Context, full bool) ([]byte, error) {
	var r struct {
		Data string `json:"data"`
	}
	params := map[string]any{"format": "png", "captureBeyondViewport": full}
	if err := p.Call(ctx, "Page.captureScreenshot", params, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

// PrintPDF prints the page as the browser's print dialog would.
func (p *Page) PrintPDF(ctx context.Context) ([]byte, error) {
	var r struct {
		Data string `json:"data"`
	}
	if err := p.Call(ctx, "Page.printToPDF", map[string]any{"printBackground": true, "preferCSSPageSize": true}, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

// Problems lists the console errors and warnings, uncaught exceptions and
// browser log errors this page has produced, one line each.
func (p *Page) Problems() []string {
	var out []string
	for _, e := range p.b.Events() {
		if e.SessionID != p.SessionID {
			continue
		}
		switch e.Method {
		case "Runtime.consoleAPICalled":
			var c struct {
				Type string `json:"type"`
				Args []struct {
					Value       any    `json:"value"`
					Description string `json:"description"`
				} `json:"args"`
			}
			json.Unmarshal(e.Params, &c)
			if c.Type == "error" || c.Type == "warning" || c.Type == "assert" {
				var parts []string
				for _, a := range c.Args {
					parts = append(parts, fmt.Sprint(a.Value)+a.Description)
				}
				out = append(out, "console."+c.Type+": "+strings.Join(parts, " "))
			}
		case "Runtime.exceptionThrown":
			var x struct {
				ExceptionDetails struct {
					Text string `json:"text"`
				} `json:"exceptionDetails"`
			}
			json.Unmarshal(e.Params, &x)
			out = append(out, "exception: "+x.ExceptionDetails.Text)
		case "Log.entryAdded":
			var l struct {
				Entry struct {
					Level  string `json:"level"`
					Source string `json:"source"`
					Text   string `json:"text"`
					URL    string `json:"url"`
				} `json:"entry"`
			}
			json.Unmarshal(e.Params, &l)
			if l.Entry.Level == "error" || l.Entry.Level == "warning" {
				out = append(out, fmt.Sprintf("log %s (%s): %s %s", l.Entry.Level, l.Entry.Source, l.Entry.Text, l.Entry.URL))
			}
		}
	}
	return out
}
