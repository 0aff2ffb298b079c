/**
 * Files baked into the platform's stand-in images (Prometheus, blackbox exporter). The base images
 * contributors build on are in nginx-files.ts and toolchain-files.ts.
 */
import type { ContextFile } from "./recipes.ts";

/** prom/prometheus ships a config that scrapes itself; the stack always passes its own. */
export const PROMETHEUS_FILES: Record<string, ContextFile> = {
  "prometheus.yml": {
    text: `global:
  scrape_interval: 15s
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ["localhost:9090"]
`,
  },
};

/** The commonly used modules of the official blackbox exporter's default config. */
export const BLACKBOX_FILES: Record<string, ContextFile> = {
  "config.yml": {
    text: `modules:
  http_2xx:
    prober: http
  http_post_2xx:
    prober: http
    http:
      method: POST
  tcp_connect:
    prober: tcp
  icmp:
    prober: icmp
`,
  },
};
