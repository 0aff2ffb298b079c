/**
 * Files baked into the stand-in images. The nginx ones follow the official image's layout so
 * contributor Dockerfiles written against `nginx:1.27-alpine` behave the same here.
 */
import type { ContextFile } from "./recipes.ts";

/**
 * The official image's nginx.conf, plus temp paths under /var/cache/nginx: Debian's binary
 * defaults to /var/lib/nginx, which is read-only in the entry sandbox (only /var/cache/nginx,
 * /var/run, /run and /tmp are tmpfs there), exactly where the official build puts them.
 */
const NGINX_CONF = `user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /var/run/nginx.pid;

events {
    worker_connections  1024;
}

http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    client_body_temp_path /var/cache/nginx/client_temp;
    proxy_temp_path       /var/cache/nginx/proxy_temp;
    fastcgi_temp_path     /var/cache/nginx/fastcgi_temp;
    uwsgi_temp_path       /var/cache/nginx/uwsgi_temp;
    scgi_temp_path        /var/cache/nginx/scgi_temp;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`;

/** The official default site, without the IPv6 listen the official entrypoint drops when IPv6 is off. */
const DEFAULT_CONF = `server {
    listen       80;
    server_name  localhost;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }
}
`;

const INDEX_HTML = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. (sre-chaos local stand-in for nginx:1.27-alpine)</p>
</body>
</html>
`;

const ERROR_HTML = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.</p>
</body>
</html>
`;

export const NGINX_FILES: Record<string, ContextFile> = {
  "nginx.conf": { text: NGINX_CONF },
  "default.conf": { text: DEFAULT_CONF },
  "index.html": { text: INDEX_HTML },
  "50x.html": { text: ERROR_HTML },
};

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
