// This file is a copy of templates/shortener/base/internal/shortid/base62.go.tmpl
// as tradeoff scaffold renders it, kept here so that the codec every generated
// service uses can be fuzzed with a committed corpus. copy_test.go fails when
// the two differ: to update it, copy the rendered file's body below this comment.

// Package shortid turns 64-bit link ids into short codes and back.
//
// Codes are the base62 spelling of the id: short (a billion links need six
// characters), URL-safe, and free to compute, because the id is already
// unique. The trade-off: sequential ids give guessable codes, so a code is
// an address, never a secret.
package shortid

import "math/bits"

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// MaxLen is the length of the longest code: 2^64-1 in base62.
const MaxLen = 11

// Encode returns the base62 code of id.
func Encode(id uint64) string {
	if id == 0 {
		return "0"
	}
	var buf [MaxLen]byte
	i := len(buf)
	for id > 0 {
		i--
		buf[i] = alphabet[id%62]
		id /= 62
	}
	return string(buf[i:])
}

// Decode returns the id a code stands for. It accepts only what Encode
// produces (no leading zeros, no characters outside base62, no overflow), so
// every id has exactly one code and junk never reaches the database.
func Decode(code string) (uint64, bool) {
	if len(code) == 0 || len(code) > MaxLen || (len(code) > 1 && code[0] == '0') {
		return 0, false
	}
	var id uint64
	for i := 0; i < len(code); i++ {
		d, ok := digit(code[i])
		if !ok {
			return 0, false
		}
		hi, lo := bits.Mul64(id, 62)
		sum, carry := bits.Add64(lo, d, 0)
		if hi != 0 || carry != 0 {
			return 0, false
		}
		id = sum
	}
	return id, true
}

func digit(c byte) (uint64, bool) {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0'), true
	case c >= 'A' && c <= 'Z':
		return uint64(c-'A') + 10, true
	case c >= 'a' && c <= 'z':
		return uint64(c-'a') + 36, true
	}
	return 0, false
}
