package handlers

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// TrustedProxies are the networks of the reverse proxies whose forwarding headers
// (X-Forwarded-For, X-Real-IP) are believed; empty, none is, and a request comes from
// its direct peer whatever it says.
type TrustedProxies []netip.Prefix

// ParseTrustedProxies reads a comma-separated list of CIDR prefixes (10.0.0.0/8,
// fd00::/8); a bare address is a network of that address alone.
func ParseTrustedProxies(list string) (TrustedProxies, error) {
	var out TrustedProxies
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		addr, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR prefix such as 10.0.0.0/8", item)
		}
		addr = addr.Unmap().WithZone("")
		out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
	}
	return out, nil
}

// String lists the prefixes as ParseTrustedProxies reads them.
func (t TrustedProxies) String() string {
	parts := make([]string, len(t))
	for i, p := range t {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func (t TrustedProxies) trusts(a netip.Addr) bool {
	for _, p := range t {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr is the one answer to "where does this request come from", for the kiosk
// rate limit, the sign-in throttle, sessions and the audit log (echo's IPExtractor, so
// c.RealIP() gives it). It is the direct peer, unless the peer is a trusted proxy: then
// X-Forwarded-For is walked from the right, past the trusted proxies, to the first
// address that is not one (the proxies append what they saw; anything to its left the
// client may have written); without that header, X-Real-IP. A malformed header is not
// believed at all: the answer is then the peer.
func (t TrustedProxies) clientAddr(r *http.Request) string {
	peer, ok := peerAddr(r.RemoteAddr)
	if !ok {
		return r.RemoteAddr
	}
	if !t.trusts(peer) {
		return peer.String()
	}
	if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
		hops := strings.Split(strings.Join(xff, ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, ok := headerAddr(hops[i])
			if !ok {
				return peer.String()
			}
			if !t.trusts(hop) || i == 0 {
				return hop.String()
			}
		}
	}
	if real := r.Header.Get("X-Real-IP"); real != "" {
		if a, ok := headerAddr(real); ok {
			return a.String()
		}
	}
	return peer.String()
}

// peerAddr is the address of a connection's RemoteAddr ("host:port").
func peerAddr(remote string) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

// headerAddr reads one address of a forwarding header: an IPv4 or IPv6 address, the
// latter possibly in brackets; nothing else (no port, no name, no "unknown").
func headerAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
