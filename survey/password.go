package survey

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the costs of an argon2id password hash. They are written into every
// hash (PHC string format), so that they can be raised later: an old hash keeps verifying
// with its own costs and is replaced at the next sign-in (NeedsRehash).
type Argon2Params struct {
	Time      uint32 // passes over the memory
	MemoryKiB uint32
	Threads   uint8
	KeyLen    uint32
}

// DefaultArgon2 are the costs of new hashes: OWASP's argon2id minimum (19 MiB, two passes,
// one lane), about 30 ms on a small server, so that a stolen table is slow to attack while
// sign-ins stay quick.
func DefaultArgon2() Argon2Params {
	return Argon2Params{Time: 2, MemoryKiB: 19 * 1024, Threads: 1, KeyLen: 32}
}

// Password length bounds, in characters. The upper one keeps hashing a pasted novel cheap.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 256
)

const saltLen = 16

// ErrBadHash is a stored password hash that cannot be read.
var ErrBadHash = errors.New("password hash: not an argon2id PHC string")

// HashPassword hashes password with a fresh random salt, as
// $argon2id$v=19$m=…,t=…,p=…$salt$hash (unpadded base64).
func HashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword tells whether password matches encoded, comparing in constant time.
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash tells whether encoded was made with other costs than p.
func NeedsRehash(encoded string, p Argon2Params) bool {
	got, _, _, err := parseHash(encoded)
	return err != nil || got != p
}

func parseHash(encoded string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, ErrBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, ErrBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil ||
		p.Time == 0 || p.Threads == 0 || p.MemoryKiB < 8*uint32(p.Threads) {
		return p, nil, nil, ErrBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) == 0 {
		return p, nil, nil, ErrBadHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, ErrBadHash
	}
	p.KeyLen = uint32(len(key))
	return p, salt, key, nil
}
