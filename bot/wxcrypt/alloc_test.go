//go:build !race

// The race detector makes sync.Pool drop objects at random, so allocation
// counts only hold without it.

package wxcrypt

import "testing"

// The acceptance criterion for a 1 KB callback: verify and decrypt
// in at most 3 allocations (they are 2: the decode buffer and the CBC
// decrypter). Bytes are checked by BenchmarkVerifyDecrypt1K.
func TestOpenAllocations(t *testing.T) {
	c, err := New("QDG6eK", benchKey, "")
	if err != nil {
		t.Fatal(err)
	}
	encrypt, err := c.Encrypt(message1K)
	if err != nil {
		t.Fatal(err)
	}
	const ts, nonce = "1409659813", "1372623149"
	sig := Sign("QDG6eK", ts, nonce, encrypt)
	if n := testing.AllocsPerRun(100, func() {
		if _, err := c.Open(sig, ts, nonce, encrypt); err != nil {
			t.Fatal(err)
		}
	}); n > 3 {
		t.Errorf("Open of 1 KB allocates %v times, want at most 3", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		if err := c.Verify(sig, ts, nonce, encrypt); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Verify allocates %v times, want 0", n)
	}
}
