// Command loadgen is the platform's open-model load generator: a daemon driven over HTTP
// that sends k6-style arrival-rate load, checks every response and exposes Prometheus metrics.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// version is reported by `loadgen version`, /version and the loadgen_info metric.
const version = "0.1.0"

func usage() {
	fmt.Fprintf(os.Stderr, "usage: loadgen serve [--listen :9464] | loadgen sink [--listen :8080] | loadgen seal-netns | loadgen netns-sealed | loadgen version\n")
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC | log.Lmicroseconds)
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	switch os.Args[1] {
	case "version", "--version", "-v":
		fmt.Println(version)
	case "serve", "sink":
		// serve: the daemon; sink: the load path's null app (sink.go).
		run, listenDefault := serve, ":9464"
		if os.Args[1] == "sink" {
			run, listenDefault = serveSink, ":8080"
		}
		fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
		listen := fs.String("listen", listenDefault, "address to listen on")
		_ = fs.Parse(os.Args[2:])
		if err := run(*listen); err != nil {
			log.Printf("%s: %v", os.Args[1], err)
			os.Exit(1)
		}
	case "seal-netns":
		if err := sealNetns(); err != nil {
			log.Printf("seal-netns: %v", err)
			os.Exit(1)
		}
	case "netns-sealed":
		if err := checkSealed(); err != nil {
			fmt.Fprintf(os.Stderr, "netns-sealed: %v\n", err)
			os.Exit(1)
		}
	default:
		usage()
		os.Exit(2)
	}
}

// serve runs the daemon until SIGTERM/SIGINT, then aborts any run and shuts down.
func serve(addr string) error {
	d := &daemon{}
	srv := &http.Server{Addr: addr, Handler: d.handler(), ReadHeaderTimeout: 10 * time.Second}
	return untilSignal(srv, "loadgen", func() {
		if r := d.current(); r != nil {
			r.stop()
		}
	})
}

// untilSignal serves srv until it fails or SIGTERM/SIGINT arrives; then it calls stop (if any)
// and shuts srv down within 3 s.
func untilSignal(srv *http.Server, name string, stop func()) error {
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Printf("%s %s listening on %s", name, version, srv.Addr)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Printf("%s: signal received, shutting down", name)
	if stop != nil {
		stop()
	}
	sctx, done := context.WithTimeout(context.Background(), 3*time.Second)
	defer done()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Printf("%s: stopped", name)
	return nil
}
