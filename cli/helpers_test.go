package cli

import "regexp"

// rePositioned matches an error line that starts with file:line:col.
var rePositioned = regexp.MustCompile(`^[^\s:][^:]*:\d+:\d+: \S`)
