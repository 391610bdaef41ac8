package shortid

import (
	"math"
	"math/big"
	"strings"
	"testing"
)

// reference decodes code with math/big, independently of Decode: a code is
// valid when it is non-empty, uses only the alphabet, has no leading zero
// (but "0" itself) and stands for a number below 2^64.
func reference(code string) (uint64, bool) {
	if code == "" || (len(code) > 1 && code[0] == '0') {
		return 0, false
	}
	n := new(big.Int)
	for _, c := range []byte(code) {
		d := strings.IndexByte(alphabet, c)
		if d < 0 {
			return 0, false
		}
		n.Mul(n, big.NewInt(62))
		n.Add(n, big.NewInt(int64(d)))
	}
	if !n.IsUint64() {
		return 0, false
	}
	return n.Uint64(), true
}

var seeds = []string{
	"", "0", "1", "9", "A", "Z", "a", "z", "10", "zz", "00", "01", "0z",
	"15ftgG", "LygHa16AHYF", "LygHa16AHYG", "zzzzzzzzzzz", "100000000000", "123456789012",
	"a-b", "a_b", "a b", "../x", "%2e", "é", "\x00", "'; DROP TABLE links;--", "javascript:x",
}

// FuzzRoundTrip: whatever a code is, Decode agrees with the big-number
// reference, and a code it accepts is exactly what Encode gives back.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		id, ok := Decode(code)
		rid, rok := reference(code)
		if ok != rok || id != rid {
			t.Fatalf("Decode(%q) = %d, %v; reference says %d, %v", code, id, ok, rid, rok)
		}
		if !ok {
			return
		}
		if back := Encode(id); back != code {
			t.Fatalf("Decode(%q) = %d, but Encode(%d) = %q", code, id, id, back)
		}
	})
}

// FuzzEncode: every id has a short, URL-safe code that decodes back to it.
func FuzzEncode(f *testing.F) {
	for _, id := range []uint64{0, 1, 61, 62, 3843, 3844, 1 << 32, math.MaxInt64, math.MaxUint64 - 1, math.MaxUint64} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id uint64) {
		code := Encode(id)
		if code == "" || len(code) > MaxLen {
			t.Fatalf("Encode(%d) = %q: length %d outside 1..%d", id, code, len(code), MaxLen)
		}
		if i := strings.IndexFunc(code, func(r rune) bool { return !strings.ContainsRune(alphabet, r) }); i >= 0 {
			t.Fatalf("Encode(%d) = %q: %q is not base62", id, code, code[i])
		}
		if back, ok := Decode(code); !ok || back != id {
			t.Fatalf("Decode(Encode(%d) = %q) = %d, %v", id, code, back, ok)
		}
		if rid, ok := reference(code); !ok || rid != id {
			t.Fatalf("reference(Encode(%d) = %q) = %d, %v", id, code, rid, ok)
		}
	})
}

func TestEncodeKnownCodes(t *testing.T) {
	for _, tt := range []struct {
		id   uint64
		code string
	}{
		{0, "0"}, {61, "z"}, {62, "10"}, {1_000_000_000, "15ftgG"}, {math.MaxUint64, "LygHa16AHYF"},
	} {
		if got := Encode(tt.id); got != tt.code {
			t.Errorf("Encode(%d) = %q, want %q", tt.id, got, tt.code)
		}
	}
}
