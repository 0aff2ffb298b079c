/**
 * The nginx stand-in: Debian's nginx laid out like the official image, so contributor files
 * written for `nginx:1.27-alpine` work unchanged. The shell scripts are ours; they do what the
 * official image's entrypoint and its /docker-entrypoint.d/ scripts do, with the same variables
 * and log lines (docs/ENTRY.md lists what still differs).
 */
import type { ContextFile } from "./recipes.ts";

/** The official image's nginx.conf, unchanged: its temp paths are the compiled-in ones. */
const NGINX_CONF = `
user  nginx;
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

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}
`.slice(1);

/** The official default site (the IPv6 listen is added at start, as there, when possible). */
const DEFAULT_CONF = `server {
    listen       80;
    server_name  localhost;

    #access_log  /var/log/nginx/host.access.log  main;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
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

/**
 * /usr/sbin/nginx: Debian's binary with the official build's prefix. Relative paths in a
 * configuration (`root html;`, `pid logs/nginx.pid;`) then resolve under /etc/nginx as there; a
 * `-p` of the caller's own comes later on the command line and wins.
 */
const NGINX_WRAPPER = `#!/bin/sh
exec /usr/lib/nginx/nginx.debian -p /etc/nginx/ "$@"
`;

/** The entrypoint: configuration scripts first (only when the command is nginx), then the command. */
const ENTRYPOINT = `#!/bin/sh
set -e

say() {
    if [ -z "\${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then echo "$@"; fi
}

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    scripts=$(find /docker-entrypoint.d/ -mindepth 1 -follow -type f -print 2>/dev/null | sort -V)
    if [ -n "$scripts" ]; then
        say "$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
        say "$0: Looking for shell scripts in /docker-entrypoint.d/"
        old_ifs=$IFS
        IFS='
'
        for f in $scripts; do
            IFS=$old_ifs
            case "$f" in
                *.envsh)
                    if [ -x "$f" ]; then say "$0: Sourcing $f"; . "$f"
                    else say "$0: Ignoring $f, not executable"; fi ;;
                *.sh)
                    if [ -x "$f" ]; then say "$0: Launching $f"; "$f"
                    else say "$0: Ignoring $f, not executable"; fi ;;
                *) say "$0: Ignoring $f" ;;
            esac
        done
        IFS=$old_ifs
        say "$0: Configuration complete; ready for start up"
    else
        say "$0: No files found in /docker-entrypoint.d/, skipping configuration"
    fi
fi

exec "$@"
`;

/** Adds `listen [::]:80;` to the packaged default.conf when IPv6 is there and the file is untouched. */
const LISTEN_IPV6 = `#!/bin/sh
set -e
ME=$(basename "$0")
say() { if [ -z "\${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then echo "$@"; fi; }
conf=/etc/nginx/conf.d/default.conf

if [ ! -f /proc/net/if_inet6 ]; then say "$ME: info: ipv6 not available"; exit 0; fi
if [ ! -f "$conf" ]; then say "$ME: info: $conf is not a file or does not exist"; exit 0; fi
if ! touch "$conf" 2>/dev/null; then
    say "$ME: info: can not modify $conf (read-only file system?)"; exit 0
fi
if ! sha256sum -c --status /usr/share/nginx/default.conf.sha256 2>/dev/null; then
    say "$ME: info: $conf differs from the packaged version"; exit 0
fi
sed -i -E 's,listen       80;,listen       80;\\n    listen  [::]:80;,' "$conf"
say "$ME: info: Enabled listen on IPv6 in $conf"
`;

/** With NGINX_ENTRYPOINT_LOCAL_RESOLVERS set, exports the resolv.conf name servers as NGINX_LOCAL_RESOLVERS. */
const LOCAL_RESOLVERS = `#!/bin/sh
[ -z "\${NGINX_ENTRYPOINT_LOCAL_RESOLVERS:-}" ] && return 0
NGINX_LOCAL_RESOLVERS=$(awk 'BEGIN { ORS = " " } $1 == "nameserver" { if ($2 ~ ":") print "[" $2 "]"; else print $2 }' /etc/resolv.conf)
NGINX_LOCAL_RESOLVERS="\${NGINX_LOCAL_RESOLVERS% }"
export NGINX_LOCAL_RESOLVERS
`;

/**
 * Renders /etc/nginx/templates/**\/*.template into /etc/nginx/conf.d/ with envsubst, replacing only
 * variables that are set (nginx's own $host, $uri… stay). The same NGINX_ENVSUBST_* settings.
 */
const ENVSUBST_TEMPLATES = `#!/bin/sh
set -e
ME=$(basename "$0")
say() { if [ -z "\${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then echo "$@"; fi; }

template_dir="\${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
suffix="\${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
output_dir="\${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
filter="\${NGINX_ENVSUBST_FILTER:-}"

[ -d "$template_dir" ] || exit 0
if [ ! -w "$output_dir" ]; then
    say "$ME: ERROR: $template_dir exists, but $output_dir is not writable"
    exit 0
fi
names=$(awk -v filter="$filter" 'BEGIN { for (n in ENVIRON) if (n ~ filter) printf "\${%s} ", n }' </dev/null)
find "$template_dir" -follow -type f -name "*$suffix" -print | while read -r template; do
    relative="\${template#"$template_dir/"}"
    output="$output_dir/\${relative%"$suffix"}"
    mkdir -p "$(dirname "$output")"
    say "$ME: Running envsubst on $template to $output"
    envsubst "$names" <"$template" >"$output"
done
`;

/** With NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE set, sets worker_processes to the CPUs the cgroup allows. */
const TUNE_WORKERS = `#!/bin/sh
set -e
ME=$(basename "$0")
say() { if [ -z "\${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then echo "$@"; fi; }
[ -z "\${NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE:-}" ] && exit 0
conf=/etc/nginx/nginx.conf
if ! touch "$conf" 2>/dev/null; then say "$ME: error: can not modify $conf (read-only file system?)"; exit 0; fi
cpus=$(nproc)
if [ -r /sys/fs/cgroup/cpu.max ]; then
    read -r quota period </sys/fs/cgroup/cpu.max
elif [ -r /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
    quota=$(cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us); period=$(cat /sys/fs/cgroup/cpu/cpu.cfs_period_us)
fi
case "\${quota:-max}" in
    max|-1) ;;
    *) limit=$(( (quota + period - 1) / period )); [ "$limit" -lt "$cpus" ] && cpus=$limit ;;
esac
sed -i -E "s/^(worker_processes +)[^;]*;/\\1$cpus;/" "$conf"
say "$ME: worker_processes set to $cpus"
`;

const exe = (text: string): ContextFile => ({ text, mode: 0o755 });

export const NGINX_FILES: Record<string, ContextFile> = {
  "nginx.conf": { text: NGINX_CONF },
  "default.conf": { text: DEFAULT_CONF },
  "index.html": { text: INDEX_HTML },
  "50x.html": { text: ERROR_HTML },
  nginx: exe(NGINX_WRAPPER),
  "docker-entrypoint.sh": exe(ENTRYPOINT),
  "10-listen-on-ipv6-by-default.sh": exe(LISTEN_IPV6),
  "15-local-resolvers.envsh": exe(LOCAL_RESOLVERS),
  "20-envsubst-on-templates.sh": exe(ENVSUBST_TEMPLATES),
  "30-tune-worker-processes.sh": exe(TUNE_WORKERS),
};

/**
 * The image: user and group nginx (101), the official directories, and Debian's compiled-in temp
 * directory (/var/lib/nginx) a link to the official one (/var/cache/nginx), so nginx's own
 * `mkdir` of its temp paths lands on the same writable tmpfs the official build's does.
 */
export function nginxDockerfile(from: string): string {
  return `FROM ${from}
RUN groupadd --system --gid 101 nginx \\
 && useradd --system --uid 101 --gid nginx --no-create-home --home-dir /var/cache/nginx --shell /sbin/nologin nginx \\
 && rm -rf /etc/nginx/sites-enabled /etc/nginx/sites-available /etc/nginx/modules-enabled /etc/nginx/modules-available \\
      /etc/nginx/snippets /etc/nginx/proxy_params /etc/nginx/fastcgi.conf /etc/nginx/koi-utf /etc/nginx/koi-win \\
      /etc/nginx/win-utf /var/www /var/lib/nginx \\
 && mkdir -p /etc/nginx/conf.d /usr/share/nginx/html /var/cache/nginx /var/log/nginx /usr/lib/nginx/modules /docker-entrypoint.d \\
 && ln -s /var/cache/nginx /var/lib/nginx \\
 && ln -s /usr/lib/nginx/modules /etc/nginx/modules \\
 && ln -sf /dev/stdout /var/log/nginx/access.log \\
 && ln -sf /dev/stderr /var/log/nginx/error.log \\
 && mv /usr/sbin/nginx /usr/lib/nginx/nginx.debian
COPY nginx /usr/sbin/nginx
COPY nginx.conf /etc/nginx/nginx.conf
COPY default.conf /etc/nginx/conf.d/default.conf
COPY index.html 50x.html /usr/share/nginx/html/
COPY docker-entrypoint.sh /
COPY 10-listen-on-ipv6-by-default.sh 15-local-resolvers.envsh 20-envsubst-on-templates.sh 30-tune-worker-processes.sh /docker-entrypoint.d/
RUN ln -s nginx /usr/sbin/nginx-debug \\
 && sha256sum /etc/nginx/conf.d/default.conf > /usr/share/nginx/default.conf.sha256 \\
 && nginx -t
ENTRYPOINT ["/docker-entrypoint.sh"]
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
`;
}
