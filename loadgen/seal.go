package main

// The network-namespace holder of an entry (`loadgen seal-netns`). The entry's container joins the
// namespace of a small container that runs this command: it deletes every IPv4 default route of
// the namespace (Docker gives even internal networks one), then waits for a signal. The entry has
// no NET_ADMIN, so it cannot put a route back; and because the namespace outlives the entry's own
// container, a crash or restart of the entry keeps its address and its missing route.

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"unsafe"
)

// route is one IPv4 route of the main table, as the kernel listed it.
type route struct {
	msg   syscall.RtMsg
	attrs []syscall.NetlinkRouteAttr
}

// isDefault reports whether r is a default route (destination prefix length 0) of the main table.
func (r route) isDefault() bool {
	return r.msg.Family == syscall.AF_INET && r.msg.Dst_len == 0 && r.msg.Table == syscall.RT_TABLE_MAIN
}

// parseRoutes decodes an RTM_GETROUTE dump.
func parseRoutes(dump []byte) ([]route, error) {
	msgs, err := syscall.ParseNetlinkMessage(dump)
	if err != nil {
		return nil, fmt.Errorf("parsing the route dump: %w", err)
	}
	var out []route
	for _, m := range msgs {
		if m.Header.Type != syscall.RTM_NEWROUTE || len(m.Data) < syscall.SizeofRtMsg {
			continue
		}
		rt := *(*syscall.RtMsg)(unsafe.Pointer(&m.Data[0]))
		attrs, err := syscall.ParseNetlinkRouteAttr(&m)
		if err != nil {
			return nil, fmt.Errorf("parsing a route: %w", err)
		}
		out = append(out, route{msg: rt, attrs: attrs})
	}
	return out, nil
}

// deleteRequest is the RTM_DELROUTE message that removes r (same header fields and attributes).
func deleteRequest(r route, seq uint32) []byte {
	body := make([]byte, syscall.SizeofRtMsg)
	*(*syscall.RtMsg)(unsafe.Pointer(&body[0])) = r.msg
	for _, a := range r.attrs {
		n := syscall.SizeofRtAttr + len(a.Value)
		attr := make([]byte, (n+3)&^3)
		binary.NativeEndian.PutUint16(attr[0:2], uint16(n))
		binary.NativeEndian.PutUint16(attr[2:4], a.Attr.Type)
		copy(attr[syscall.SizeofRtAttr:], a.Value)
		body = append(body, attr...)
	}
	hdr := make([]byte, syscall.SizeofNlMsghdr)
	binary.NativeEndian.PutUint32(hdr[0:4], uint32(syscall.SizeofNlMsghdr+len(body)))
	binary.NativeEndian.PutUint16(hdr[4:6], syscall.RTM_DELROUTE)
	binary.NativeEndian.PutUint16(hdr[6:8], syscall.NLM_F_REQUEST|syscall.NLM_F_ACK)
	binary.NativeEndian.PutUint32(hdr[8:12], seq)
	return append(hdr, body...)
}

// defaultRoutes lists the namespace's IPv4 default routes.
func defaultRoutes() ([]route, error) {
	dump, err := syscall.NetlinkRIB(syscall.RTM_GETROUTE, syscall.AF_INET)
	if err != nil {
		return nil, fmt.Errorf("listing routes: %w", err)
	}
	all, err := parseRoutes(dump)
	if err != nil {
		return nil, err
	}
	var out []route
	for _, r := range all {
		if r.isDefault() {
			out = append(out, r)
		}
	}
	return out, nil
}

// deleteRoute sends one RTM_DELROUTE and waits for the kernel's answer.
func deleteRoute(r route, seq uint32) error {
	fd, err := syscall.Socket(syscall.AF_NETLINK, syscall.SOCK_RAW|syscall.SOCK_CLOEXEC, syscall.NETLINK_ROUTE)
	if err != nil {
		return err
	}
	defer syscall.Close(fd)
	if err := syscall.Sendto(fd, deleteRequest(r, seq), 0, &syscall.SockaddrNetlink{Family: syscall.AF_NETLINK}); err != nil {
		return err
	}
	buf := make([]byte, 4096)
	n, _, err := syscall.Recvfrom(fd, buf, 0)
	if err != nil {
		return err
	}
	msgs, err := syscall.ParseNetlinkMessage(buf[:n])
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if m.Header.Type == syscall.NLMSG_ERROR && len(m.Data) >= 4 {
			if code := int32(binary.NativeEndian.Uint32(m.Data[0:4])); code != 0 {
				return syscall.Errno(-code)
			}
		}
	}
	return nil
}

// sealNetns deletes every default route, checks that none is left, then blocks until SIGTERM/SIGINT.
func sealNetns() error {
	routes, err := defaultRoutes()
	if err != nil {
		return err
	}
	for i, r := range routes {
		if err := deleteRoute(r, uint32(i+1)); err != nil {
			return fmt.Errorf("deleting a default route: %w", err)
		}
	}
	if err := checkSealed(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "seal-netns: %d default route(s) deleted; this namespace has no route out\n", len(routes))
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	<-sig
	return nil
}

// checkSealed fails while the namespace still has a default route (the holder's healthcheck).
func checkSealed() error {
	routes, err := defaultRoutes()
	if err != nil {
		return err
	}
	if len(routes) > 0 {
		return fmt.Errorf("%d default route(s) left", len(routes))
	}
	return nil
}
