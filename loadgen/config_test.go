package main

import (
	"encoding/json"
	"strings"
	"testing"
)

const validConfigJSON = `{"runId":"20261128T150000Z-ab12cd34","target":"http://toxiproxy:18080","stages":[{"name":"step-1","duration":10,"executor":"constant-arrival-rate","rate":50},{"name":"ramp","duration":10.5,"executor":"ramping-arrival-rate","startRate":0,"rate":100}],"mix":{"echo":70,"page":20,"quote":10},"timeoutMs":1000,"maxInFlight":256,"quoteKey":"00ff","quoteMaxAgeSeconds":30,"fastFailMs":100}`

// mutate returns validConfigJSON with one change applied to its decoded form.
func mutate(t *testing.T, f func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(validConfigJSON), &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, _ := json.Marshal(m)
	return string(b)
}

func stage(m map[string]any, i int) map[string]any { return m["stages"].([]any)[i].(map[string]any) }

func TestConfigValidation(t *testing.T) {
	cases := []struct {
		name   string
		mut    func(m map[string]any)
		errHas string // "" = valid
	}{
		{"valid", func(map[string]any) {}, ""},
		{"target with trailing slash", func(m map[string]any) { m["target"] = "http://entry:8080/" }, ""},
		{"no stages", func(m map[string]any) { m["stages"] = []any{} }, "stages"},
		{"missing runId", func(m map[string]any) { delete(m, "runId") }, "runId"},
		{"runId with quote", func(m map[string]any) { m["runId"] = `a"b` }, "runId"},
		{"https target", func(m map[string]any) { m["target"] = "https://entry" }, "target"},
		{"target without host", func(m map[string]any) { m["target"] = "http://" }, "target"},
		{"target with path", func(m map[string]any) { m["target"] = "http://entry/x" }, "target"},
		{"total over 1800s", func(m map[string]any) { stage(m, 0)["duration"] = 1790.0 }, "total duration"},
		{"zero duration", func(m map[string]any) { stage(m, 1)["duration"] = 0 }, "stages[1].duration"},
		{"rate over cap", func(m map[string]any) { stage(m, 0)["rate"] = 20001 }, "stages[0].rate"},
		{"rate at cap", func(m map[string]any) { stage(m, 0)["rate"] = 20000 }, ""},
		{"negative startRate", func(m map[string]any) { stage(m, 1)["startRate"] = -1 }, "stages[1].startRate"},
		{"ramp without startRate", func(m map[string]any) { delete(stage(m, 1), "startRate") }, ""},
		{"unknown executor", func(m map[string]any) { stage(m, 0)["executor"] = "per-vu-iterations" }, "stages[0].executor"},
		{"maxInFlight over cap", func(m map[string]any) { m["maxInFlight"] = 5001 }, "maxInFlight"},
		{"maxInFlight zero", func(m map[string]any) { m["maxInFlight"] = 0 }, "maxInFlight"},
		{"timeoutMs zero", func(m map[string]any) { m["timeoutMs"] = 0 }, "timeoutMs"},
		{"mix all zero", func(m map[string]any) { m["mix"] = map[string]any{"echo": 0, "page": 0, "quote": 0} }, "mix"},
		{"mix negative", func(m map[string]any) { m["mix"] = map[string]any{"echo": -1, "page": 1, "quote": 0} }, "mix.echo"},
		{"quoteKey not hex", func(m map[string]any) { m["quoteKey"] = "xyz" }, "quoteKey"},
		{"quoteMaxAge zero", func(m map[string]any) { m["quoteMaxAgeSeconds"] = 0 }, "quoteMaxAgeSeconds"},
		{"fastFailMs negative", func(m map[string]any) { m["fastFailMs"] = -5 }, "fastFailMs"},
		{"unknown field", func(m map[string]any) { m["vus"] = 3 }, "vus"},
		{"rate as string", func(m map[string]any) { stage(m, 0)["rate"] = "50" }, "rate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := parseRunConfig([]byte(mutate(t, c.mut)))
			if c.errHas == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if strings.HasSuffix(cfg.Target, "/") {
					t.Fatalf("target not normalised: %q", cfg.Target)
				}
				if sr := cfg.Stages[1].StartRate; sr == nil || (c.name == "ramp without startRate" && *sr != 50) {
					t.Fatalf("ramp startRate not defaulted to the previous stage's rate: %v", sr)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.errHas) {
				t.Fatalf("want error naming %q, got %v", c.errHas, err)
			}
		})
	}
}
