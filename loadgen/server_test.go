package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestGatePassesCorrectApp(t *testing.T) {
	key := testKey(t)
	app := newTestApp(t, key, appOptions{})
	res := runGate(app.URL, key, 30)
	if !res.Passed || len(res.Checks) != 6 {
		t.Fatalf("gate should pass with 6 checks: %+v", res)
	}
}

func TestGateFailsNamedChecks(t *testing.T) {
	key := testKey(t)
	failed := func(res GateResult) map[string]string {
		out := map[string]string{}
		for _, c := range res.Checks {
			if !c.Passed {
				out[c.Name] = c.Detail
			}
		}
		return out
	}
	canned := runGate(newTestApp(t, key, appOptions{cannedEcho: true}).URL, key, 30)
	f := failed(canned)
	if canned.Passed || len(f) != 3 || !strings.Contains(f["echo-1"], "nonce not echoed") || !strings.Contains(f["echo-3"], `"nonce=c0ffee\n"`) {
		t.Fatalf("canned echo: want echo-1..3 failed with 'nonce not echoed', got %v", f)
	}
	wrongKey := runGate(newTestApp(t, []byte("another key"), appOptions{}).URL, key, 30)
	if f := failed(wrongKey); wrongKey.Passed || len(f) != 1 || !strings.Contains(f["quote"], "token does not match") {
		t.Fatalf("wrong key: want only quote failed, got %v", f)
	}
	down := runGate(newTestApp(t, key, appOptions{status: 503}).URL, key, 30)
	if f := failed(down); len(f) != 6 || !strings.Contains(f["healthz"], "status 503") {
		t.Fatalf("503 app: want all 6 failed, got %v", f)
	}
	defer func(d time.Duration) { gateCheckTimeout = d }(gateCheckTimeout)
	gateCheckTimeout = 200 * time.Millisecond
	start := time.Now()
	slow := runGate(newTestApp(t, key, appOptions{delay: time.Second}).URL, key, 30)
	if slow.Passed || time.Since(start) > 5*time.Second || len(failed(slow)) != 6 || !strings.Contains(failed(slow)["page"], "error") {
		t.Fatalf("slow app: want failures after 2 s timeouts, got %+v", slow)
	}
}

func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

// TestDaemonAPI drives the HTTP API end to end: run, 409, status, metrics, stop, next run.
func TestDaemonAPI(t *testing.T) {
	key := testKey(t)
	app := newTestApp(t, key, appOptions{})
	d := &daemon{}
	api := httptest.NewServer(d.handler())
	defer api.Close()

	code, st := call(t, "GET", api.URL+"/status", "")
	if code != 200 || st["running"] != false {
		t.Fatalf("idle status: %d %v", code, st)
	}
	cfg := strings.Replace(strings.Replace(validConfigJSON, "http://toxiproxy:18080", app.URL, 1), "00ff", testKeyHex, 1)
	cfg = strings.Replace(cfg, `"duration":10,`, `"duration":1.5,`, 1)
	cfg = strings.Replace(cfg, `"duration":10.5,`, `"duration":1,`, 1)
	if code, m := call(t, "POST", api.URL+"/run", `{"runId":"x"}`); code != 400 || !strings.Contains(m["error"].(string), "target") {
		t.Fatalf("bad config: %d %v", code, m)
	}
	if code, m := call(t, "POST", api.URL+"/run", cfg); code != 202 {
		t.Fatalf("run: %d %v", code, m)
	}
	if code, _ := call(t, "POST", api.URL+"/run", cfg); code != 409 {
		t.Fatalf("second run: %d, want 409", code)
	}
	time.Sleep(1200 * time.Millisecond)
	_, st = call(t, "GET", api.URL+"/status", "")
	ls := st["lastSecond"].(map[string]any)
	if st["running"] != true || st["stage"] != "step-1" || ls["requests"].(float64) < 40 || ls["p99Ms"] == nil {
		t.Fatalf("mid-run status: %v", st)
	}
	for st["done"] != true {
		time.Sleep(100 * time.Millisecond)
		_, st = call(t, "GET", api.URL+"/status", "")
	}
	tot := st["totals"].(map[string]any)
	// 1.5 s × 50/s + a 0→100/s ramp over 1 s = 75 + 50.
	if it := tot["iterations"].(float64) + tot["dropped"].(float64); it < 124 || it > 126 || tot["ok"] != tot["iterations"] {
		t.Fatalf("final totals: %v", tot)
	}
	if st["aborted"] != false || st["stageIndex"].(float64) != 1 || st["elapsed"] != 2.5 || st["loadStart"].(float64) < float64(time.Now().Unix()-10) {
		t.Fatalf("final status: %v", st)
	}
	resp, _ := http.Get(api.URL + "/metrics")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `loadgen_running{run_id="20261128T150000Z-ab12cd34"} 0`) {
		t.Fatalf("metrics after the run lack the run's series:\n%s", body)
	}

	// A new run replaces the series; /stop aborts it.
	long := strings.Replace(strings.Replace(cfg, "20261128T150000Z-ab12cd34", "second", 1), `"duration":1.5,`, `"duration":60,`, 1)
	if code, m := call(t, "POST", api.URL+"/run", long); code != 202 {
		t.Fatalf("second run: %d %v", code, m)
	}
	time.Sleep(200 * time.Millisecond)
	if code, _ := call(t, "POST", api.URL+"/stop", ""); code != 200 {
		t.Fatal("stop failed")
	}
	waitDone(t, d.current(), 3*time.Second)
	_, st = call(t, "GET", api.URL+"/status", "")
	if st["aborted"] != true || st["done"] != true || st["runId"] != "second" {
		t.Fatalf("after stop: %v", st)
	}
	gate := strings.Replace(`{"target":"URL","quoteKey":"`+testKeyHex+`","quoteMaxAgeSeconds":30}`, "URL", app.URL, 1)
	if code, m := call(t, "POST", api.URL+"/gate", gate); code != 200 || m["passed"] != true {
		t.Fatalf("gate: %d %v", code, m)
	}
	if code, m := call(t, "POST", api.URL+"/gate", `{"target":"ftp://x","quoteKey":"00"}`); code != 400 || !strings.Contains(m["error"].(string), "target") {
		t.Fatalf("bad gate: %d %v", code, m)
	}
	// The quote age is the challenge's rule: the gate has no default of its own.
	noAge := strings.Replace(`{"target":"URL","quoteKey":"`+testKeyHex+`"}`, "URL", app.URL, 1)
	if code, m := call(t, "POST", api.URL+"/gate", noAge); code != 400 || !strings.Contains(m["error"].(string), "quoteMaxAgeSeconds") {
		t.Fatalf("gate without quoteMaxAgeSeconds: %d %v", code, m)
	}
}
