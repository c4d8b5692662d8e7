# shellcheck shell=bash
# Shared by benches/probe_overhead.sh, benches/probe_scale.sh and benches/check_overhead.sh;
# sourced, not run. It
#   - builds bindcheck (cargo build --release), or with NO_BUILD=1 uses the existing binary;
#   - makes a temporary directory ($lb_tmp; KEEP_TMP=1 keeps it) with a self-signed
#     certificate for IP:127.0.0.1 (openssl req -x509, EC P-256, basicConstraints CA:FALSE:
#     rustls refuses a CA certificate as a server's own);
#   - starts an HTTPS server as a separate process on 127.0.0.1 and a free port: nginx
#     (Debian's; installed with apt-get when missing and possible) answering `200 ok` for
#     every path, access log off, worker_connections 4096; or, when nginx is unavailable or
#     SERVER=python, a Python http.server wrapped in ssl (slower: one thread per connection);
#   - stops the server and removes the directory on exit (trap).
# Network: everything goes to 127.0.0.1 only; lb_assert_loopback refuses any other URL.

lb_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lb_root=$(cd "$lb_here/.." && pwd)
lb_bin=${CARGO_TARGET_DIR:-$lb_root/target}/release/bindcheck
lb_server_pid=
lb_server_kind=
lb_port=
lb_ca=
lb_base=

# No proxy may redirect the loopback traffic elsewhere (curl honours these variables).
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

lb_cleanup() {
  local rc=$?
  if [[ -n $lb_server_pid ]] && kill -0 "$lb_server_pid" 2>/dev/null; then
    kill -TERM "$lb_server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$lb_server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$lb_server_pid" 2>/dev/null || true
    wait "$lb_server_pid" 2>/dev/null || true
  fi
  if [[ -n ${lb_tmp:-} && -d $lb_tmp ]]; then
    if [[ "${KEEP_TMP:-0}" == 1 ]]; then echo "keeping $lb_tmp" >&2; else rm -rf "$lb_tmp"; fi
  fi
  return "$rc"
}

# lb_init NAME: the temporary directory and the exit trap.
lb_init() {
  lb_tmp=$(mktemp -d "${TMPDIR:-/tmp}/bindcheck-$1.XXXXXX")
  trap lb_cleanup EXIT
  trap 'exit 130' INT TERM
}

lb_build() {
  if [[ "${NO_BUILD:-0}" == 1 ]]; then
    echo "== NO_BUILD=1: using the existing $lb_bin"
    [[ -x $lb_bin ]] || { echo "$lb_bin is missing: build it with cargo build --release" >&2; exit 2; }
  else
    echo "== building bindcheck (release)"
    (cd "$lb_root" && cargo build --release --quiet --bin bindcheck) || {
      echo "the build failed; NO_BUILD=1 measures the binary already in target/release" >&2
      exit 2
    }
  fi
  echo "   $("$lb_bin" --version), built $(date -r "$lb_bin" '+%Y-%m-%d %H:%M')"
}

# lb_need CMD PACKAGE: installs PACKAGE with apt-get when CMD is missing (root only).
lb_need() {
  command -v "$1" >/dev/null && return 0
  if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
    echo "== installing $2"
    { apt-get update -qq && apt-get install -y -qq "$2"; } >/dev/null 2>&1 || true
  fi
  command -v "$1" >/dev/null
}

lb_assert_loopback() {
  local u
  for u in "$@"; do
    [[ $u =~ ^https?://(127\.0\.0\.1|\[::1\])(:[0-9]+)?(/.*)?$ ]] || {
      echo "refusing a non-loopback URL: $u" >&2
      exit 3
    }
  done
}

lb_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

lb_cert() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -addext basicConstraints=critical,CA:FALSE -addext extendedKeyUsage=serverAuth \
    -keyout "$lb_tmp/key.pem" -out "$lb_tmp/cert.pem" >/dev/null 2>&1
  lb_ca=$lb_tmp/cert.pem
}

lb_nginx_conf() {
  cat >"$lb_tmp/nginx.conf" <<EOF
worker_processes ${NGINX_WORKERS:-auto};
daemon off;
pid $lb_tmp/nginx.pid;
error_log $lb_tmp/error.log warn;
worker_rlimit_nofile 16384;
events { worker_connections 4096; multi_accept on; }
http {
  access_log off;
  client_body_temp_path $lb_tmp/client_body;
  proxy_temp_path $lb_tmp/proxy;
  fastcgi_temp_path $lb_tmp/fastcgi;
  uwsgi_temp_path $lb_tmp/uwsgi;
  scgi_temp_path $lb_tmp/scgi;
  default_type text/plain;
  server {
    listen 127.0.0.1:$lb_port ssl backlog=4096;
    ssl_certificate $lb_tmp/cert.pem;
    ssl_certificate_key $lb_tmp/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / { return 200 "ok"; }
  }
}
EOF
}

lb_python_server() {
  cat >"$lb_tmp/server.py" <<'EOF'
import http.server, ssl, sys
port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *args):
        pass
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 4096
    daemon_threads = True
server = Server(("127.0.0.1", port), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
server.serve_forever()
EOF
}

# Waits until the port accepts connections (or the server died).
lb_wait_listening() {
  local _
  for _ in $(seq 100); do
    kill -0 "$lb_server_pid" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$lb_port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  return 1
}

# lb_start_server: sets lb_port, lb_ca, lb_base (https://127.0.0.1:PORT), lb_server_kind.
lb_start_server() {
  lb_cert
  local want=${SERVER:-nginx} nginx_bin= attempt
  if [[ $want == nginx ]]; then
    if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then lb_need nginx nginx || true; fi
    nginx_bin=$(command -v nginx || true)
    [[ -z $nginx_bin && -x /usr/sbin/nginx ]] && nginx_bin=/usr/sbin/nginx
    if [[ -z $nginx_bin ]]; then
      echo "!! nginx is not available: falling back to Python http.server + ssl (slower server)" >&2
      want=python
    fi
  fi
  for attempt in 1 2 3 4 5; do
    lb_port=$(lb_free_port)
    if [[ $want == nginx ]]; then
      lb_nginx_conf
      "$nginx_bin" -p "$lb_tmp" -c "$lb_tmp/nginx.conf" -e "$lb_tmp/error.log" &
      lb_server_kind="nginx $("$nginx_bin" -v 2>&1 | sed 's|.*nginx/||'), worker_processes ${NGINX_WORKERS:-auto}"
    else
      lb_python_server
      python3 "$lb_tmp/server.py" "$lb_port" "$lb_tmp/cert.pem" "$lb_tmp/key.pem" 2>"$lb_tmp/error.log" &
      lb_server_kind="python $(python3 -c 'import platform; print(platform.python_version())') http.server + ssl"
    fi
    lb_server_pid=$!
    if lb_wait_listening; then
      lb_base=https://127.0.0.1:$lb_port
      echo "== server: $lb_server_kind on 127.0.0.1:$lb_port (pid $lb_server_pid)"
      return 0
    fi
    echo "server did not start on port $lb_port (attempt $attempt):" >&2
    tail -n 3 "$lb_tmp/error.log" >&2 || true
    kill "$lb_server_pid" 2>/dev/null || true
    wait "$lb_server_pid" 2>/dev/null || true
    lb_server_pid=
  done
  echo "could not start the HTTPS server" >&2
  exit 1
}

# lb_median FILE: the median of the numbers in FILE, one a line.
lb_median() {
  sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# How busy the machine was besides bindcheck and the server (other developers' builds make
# numbers unreliable): lb_watch_start before a timed section, then
# lb_watch_stop OWN_CPU_SECONDS (the CPU time the timed bindcheck processes used, e.g. from
# hyperfine) prints "OTHER SERVER": average cores used by other processes, and by the server.
# user + nice + system (irq and softirq time, partly the loopback traffic itself, left out)
lb_busy_jiffies() { awk '/^cpu / { print $2 + $3 + $4 }' /proc/stat; }
lb_server_jiffies() {
  local pid total=0 j
  for pid in $lb_server_pid $(pgrep -P "$lb_server_pid" || true); do
    j=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
    total=$((total + j))
  done
  echo "$total"
}
lb_watch_start() {
  lb_w_busy=$(lb_busy_jiffies)
  lb_w_server=$(lb_server_jiffies)
  lb_w_time=$(date +%s.%N)
}
lb_watch_stop() {
  local busy server now hz
  busy=$(lb_busy_jiffies)
  server=$(lb_server_jiffies)
  now=$(date +%s.%N)
  hz=$(getconf CLK_TCK)
  awk -v b="$((busy - lb_w_busy))" -v s="$((server - lb_w_server))" -v hz="$hz" -v own="$1" \
    -v t="$(awk -v a="$lb_w_time" -v b="$now" 'BEGIN { print b - a }')" 'BEGIN {
      other = (b - s) / hz - own; if (other < 0) other = 0
      printf "%.2f %.2f\n", other / t, s / hz / t }'
}

# lb_hyperfine_cpu JSON WARMUP: the CPU seconds all of a hyperfine export's commands used,
# warm-up runs included (counted at the mean).
lb_hyperfine_cpu() {
  python3 -c 'import json, sys
w = int(sys.argv[2])
print(sum((r["user"] + r["system"]) * (len(r["times"]) + w) for r in json.load(open(sys.argv[1]))["results"]))' "$1" "$2"
}

lb_machine() {
  echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (trial numbers unless the machine is idle)"
}
