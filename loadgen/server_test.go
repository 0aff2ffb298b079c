package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
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

	// A new run; /stop aborts it.
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

// runJSON is a POST /run body: testConfig with one constant stage of seconds at rate/s.
func runJSON(t *testing.T, target, runID string, seconds, rate float64) string {
	t.Helper()
	c := testConfig(target)
	c.RunID, c.Stages[0].Duration, c.Stages[0].Rate = runID, seconds, rate
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// scrape reads GET /metrics (text format) into each sample's series, name{labels}, and its value.
func scrape(t *testing.T, api string) map[string]string {
	t.Helper()
	resp, err := http.Get(api + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d %s", resp.StatusCode, body)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		out[line[:i]] = line[i+1:]
	}
	return out
}

// ofRun keeps the series labelled run_id=id.
func ofRun(series map[string]string, id string) map[string]string {
	out := map[string]string{}
	for s, v := range series {
		if strings.Contains(s, `run_id="`+id+`"`) {
			out[s] = v
		}
	}
	return out
}

// seriesPerRun is how many series one run exposes: requests by kind × outcome, a histogram per
// kind (buckets, +Inf, _sum, _count) and eight gauges and counters.
var seriesPerRun = numKinds*numOutcomes + numKinds*(len(bucketBounds)+3) + 8

// TestMetricsKeepFinishedRun is the harness's step ladder: short loads back to back, alternating
// two targets, each one's counters read after the next has started. The first run's final series
// must stay exposed, unchanged, while the second runs and after it.
func TestMetricsKeepFinishedRun(t *testing.T) {
	key := testKey(t)
	appA, appB := newTestApp(t, key, appOptions{}), newTestApp(t, key, appOptions{})
	d := &daemon{}
	api := httptest.NewServer(d.handler())
	defer api.Close()

	if code, m := call(t, "POST", api.URL+"/run", runJSON(t, appA.URL, "step-1-a", 0.5, 100)); code != 202 {
		t.Fatalf("first run: %d %v", code, m)
	}
	waitDone(t, d.current(), 5*time.Second)
	_, st := call(t, "GET", api.URL+"/status", "")
	tot := st["totals"].(map[string]any)
	first := ofRun(scrape(t, api.URL), "step-1-a")
	if len(first) != seriesPerRun {
		t.Fatalf("first run: %d series, want %d: %v", len(first), seriesPerRun, first)
	}
	var requests, ok float64
	for s, v := range first {
		if strings.HasPrefix(s, "loadgen_requests_total{") {
			n, _ := strconv.ParseFloat(v, 64)
			requests += n
			if strings.Contains(s, `outcome="ok"`) {
				ok += n
			}
		}
	}
	if requests < 45 || requests != tot["requests"].(float64) || ok != tot["ok"].(float64) || first[`loadgen_running{run_id="step-1-a"}`] != "0" {
		t.Fatalf("first run's final counters: requests %v ok %v, status totals %v; series %v", requests, ok, tot, first)
	}

	if code, m := call(t, "POST", api.URL+"/run", runJSON(t, appB.URL, "step-1-b", 0.5, 100)); code != 202 {
		t.Fatalf("second run: %d %v", code, m)
	}
	time.Sleep(200 * time.Millisecond)
	mid := scrape(t, api.URL)
	if got := ofRun(mid, "step-1-a"); !maps.Equal(got, first) {
		t.Fatalf("first run's series changed once the second started:\n got %v\nwant %v", got, first)
	}
	if mid[`loadgen_running{run_id="step-1-b"}`] != "1" {
		t.Fatalf("second run not exposed as running: %v", ofRun(mid, "step-1-b"))
	}
	waitDone(t, d.current(), 5*time.Second)
	after := scrape(t, api.URL)
	if got := ofRun(after, "step-1-a"); !maps.Equal(got, first) {
		t.Fatalf("first run's series changed after the second ended:\n got %v\nwant %v", got, first)
	}
	if len(ofRun(after, "step-1-b")) != seriesPerRun || after[`loadgen_running{run_id="step-1-b"}`] != "0" {
		t.Fatalf("second run's final series: %v", ofRun(after, "step-1-b"))
	}
	if len(after) != 2*seriesPerRun+1 || after[fmt.Sprintf("loadgen_info{version=%q}", version)] != "1" {
		t.Fatalf("want two runs' series and loadgen_info once, got %d series", len(after))
	}
	// /status and /run still speak of the current run only.
	if _, st := call(t, "GET", api.URL+"/status", ""); st["runId"] != "step-1-b" || st["done"] != true {
		t.Fatalf("status after the second run: %v", st)
	}
}

// keptIDs lists the run ids /metrics exposes, oldest first.
func keptIDs(d *daemon) []string {
	var out []string
	for _, r := range d.metricsOf() {
		out = append(out, r.m.runID)
	}
	return out
}

// TestDaemonKeepsLastRuns: beyond its bound the daemon drops the oldest run first, from /metrics
// too; a reused run id replaces that run rather than exposing its series twice.
func TestDaemonKeepsLastRuns(t *testing.T) {
	app := newTestApp(t, testKey(t), appOptions{})
	d := &daemon{keep: 3}
	api := httptest.NewServer(d.handler())
	defer api.Close()
	start := func(id string) {
		t.Helper()
		if code, m := call(t, "POST", api.URL+"/run", runJSON(t, app.URL, id, 0.1, 50)); code != 202 {
			t.Fatalf("run %s: %d %v", id, code, m)
		}
		waitDone(t, d.current(), 5*time.Second)
	}
	for i := range 5 {
		start(fmt.Sprint("r", i))
	}
	got := scrape(t, api.URL)
	for i := range 5 {
		id := fmt.Sprint("r", i)
		if n, want := len(ofRun(got, id)), map[bool]int{true: seriesPerRun}[i >= 2]; n != want {
			t.Fatalf("run %s: %d series, want %d (kept: %v)", id, n, want, keptIDs(d))
		}
	}
	if ids := keptIDs(d); !slices.Equal(ids, []string{"r2", "r3", "r4"}) {
		t.Fatalf("kept runs %v, want r2 r3 r4", ids)
	}
	start("r3")
	if ids := keptIDs(d); !slices.Equal(ids, []string{"r2", "r4", "r3"}) {
		t.Fatalf("after reusing r3, kept runs %v, want r2 r4 r3", ids)
	}
	if got := scrape(t, api.URL); len(got) != 3*seriesPerRun+1 || len(ofRun(got, "r3")) != seriesPerRun {
		t.Fatalf("after reusing r3: %d series, r3 has %d", len(got), len(ofRun(got, "r3")))
	}
}

// TestDaemonKeepsDefaultRuns checks the default bound, and that a superseded run keeps what /metrics
// reads (its pacer lag) while its per-second durations, read only by /status, are freed.
func TestDaemonKeepsDefaultRuns(t *testing.T) {
	d := &daemon{}
	for i := range keptRuns + 6 {
		id := fmt.Sprint("run-", i)
		m := newRunMetrics(id, 0)
		m.recordRequest(kindEcho, outOK, 0.003, 0)
		m.recordLag(0.002, 0)
		d.mu.Lock()
		d.push(&run{cfg: &RunConfig{RunID: id}, metrics: m, paced: true, loadEnd: 1})
		d.mu.Unlock()
	}
	kept := d.metricsOf()
	first, last := fmt.Sprint("run-", 6), fmt.Sprint("run-", keptRuns+5)
	if len(kept) != keptRuns || kept[0].m.runID != first || kept[keptRuns-1].m.runID != last {
		t.Fatalf("kept %d runs, %v … %v; want %s … %s", len(kept), kept[0].m.runID, kept[len(kept)-1].m.runID, first, last)
	}
	for i, r := range kept {
		if r.lastSecond != 0 || r.m.pacerLagMs(0) != 2 || (r.m.second(0).P99Ms != nil) != (i == keptRuns-1) {
			t.Fatalf("run %s: last second %d, lag %v ms, p99 %v", r.m.runID, r.lastSecond, r.m.pacerLagMs(0), r.m.second(0).P99Ms)
		}
	}
}
