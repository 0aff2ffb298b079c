package main

import (
	"encoding/binary"
	"syscall"
	"testing"
	"unsafe"
)

// A dump of one default route (via 172.18.0.1 on ifindex 7) and one link route, as the kernel
// writes them, must yield exactly the default route, and its delete request must carry the same
// header and attributes.
func TestDefaultRouteIsFoundAndDeleteRequestMirrorsIt(t *testing.T) {
	gw := []byte{172, 18, 0, 1}
	oif := make([]byte, 4)
	binary.NativeEndian.PutUint32(oif, 7)
	dst := []byte{172, 18, 0, 0}
	dump := append(
		routeMessage(syscall.RtMsg{Family: syscall.AF_INET, Table: syscall.RT_TABLE_MAIN, Type: syscall.RTN_UNICAST},
			attr(syscall.RTA_GATEWAY, gw), attr(syscall.RTA_OIF, oif)),
		routeMessage(syscall.RtMsg{Family: syscall.AF_INET, Dst_len: 16, Table: syscall.RT_TABLE_MAIN, Type: syscall.RTN_UNICAST},
			attr(syscall.RTA_DST, dst), attr(syscall.RTA_OIF, oif))...)
	routes, err := parseRoutes(dump)
	if err != nil {
		t.Fatal(err)
	}
	if len(routes) != 2 {
		t.Fatalf("want 2 routes, got %d", len(routes))
	}
	var defaults []route
	for _, r := range routes {
		if r.isDefault() {
			defaults = append(defaults, r)
		}
	}
	if len(defaults) != 1 {
		t.Fatalf("want 1 default route, got %d", len(defaults))
	}
	req := deleteRequest(defaults[0], 9)
	msgs, err := syscall.ParseNetlinkMessage(req)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("delete request does not parse: %v (%d messages)", err, len(msgs))
	}
	m := msgs[0]
	if m.Header.Type != syscall.RTM_DELROUTE || m.Header.Seq != 9 || m.Header.Flags&syscall.NLM_F_ACK == 0 {
		t.Fatalf("bad header %+v", m.Header)
	}
	got := *(*syscall.RtMsg)(unsafe.Pointer(&m.Data[0]))
	if got != defaults[0].msg {
		t.Fatalf("rtmsg %+v, want %+v", got, defaults[0].msg)
	}
	attrs, err := syscall.ParseNetlinkRouteAttr(&m)
	if err != nil || len(attrs) != 2 || string(attrs[0].Value) != string(gw) || attrs[1].Attr.Type != syscall.RTA_OIF {
		t.Fatalf("attributes not carried over: %v %+v", err, attrs)
	}
}

func attr(typ uint16, v []byte) []byte {
	n := syscall.SizeofRtAttr + len(v)
	b := make([]byte, (n+3)&^3)
	binary.NativeEndian.PutUint16(b[0:2], uint16(n))
	binary.NativeEndian.PutUint16(b[2:4], typ)
	copy(b[4:], v)
	return b
}

func routeMessage(rt syscall.RtMsg, attrs ...[]byte) []byte {
	body := make([]byte, syscall.SizeofRtMsg)
	*(*syscall.RtMsg)(unsafe.Pointer(&body[0])) = rt
	for _, a := range attrs {
		body = append(body, a...)
	}
	hdr := make([]byte, syscall.SizeofNlMsghdr)
	binary.NativeEndian.PutUint32(hdr[0:4], uint32(syscall.SizeofNlMsghdr+len(body)))
	binary.NativeEndian.PutUint16(hdr[4:6], syscall.RTM_NEWROUTE)
	return append(hdr, body...)
}
