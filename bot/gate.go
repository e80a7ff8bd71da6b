package bot

// Gate caps the callbacks whose bodies are being read and checked in one
// process, across its endpoints (a signed message gives its slot back once
// decoded, before it waits on the engine):
// a callback beyond the cap is answered 503 at once, before its body is
// read, so a flood of large bodies cannot hold more than the cap's worth of
// memory (WeCom retries a 503). A nil *Gate lets everything through.
type Gate struct{ slots chan struct{} }

// NewGate makes a gate of n slots.
func NewGate(n int) *Gate { return &Gate{slots: make(chan struct{}, n)} }

// enter takes a slot, or reports false at once when none is free.
func (g *Gate) enter() bool {
	if g == nil {
		return true
	}
	select {
	case g.slots <- struct{}{}:
		return true
	default:
		return false
	}
}

// leave gives the slot back.
func (g *Gate) leave() {
	if g != nil {
		<-g.slots
	}
}

// full reports whether every slot is taken.
func (g *Gate) full() bool { return len(g.slots) == cap(g.slots) }
