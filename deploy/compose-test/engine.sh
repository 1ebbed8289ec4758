# A private Docker engine for the compose test, sourced by run.sh.
#
# dockerd runs as root with its data root, exec root, pid file and socket under one temporary
# directory, so it never meets another engine on this machine (nor /var/run/docker.sock).
# No bridge, no iptables, no NAT: containers get `network_mode: host` from the test override and
# so only ever talk to loopback. Storage is overlay2 where the kernel lets us mount an overlay
# (every image layer and container is then a cheap mount), else vfs, which needs nothing but
# plain files but copies the whole file system for each layer and container: several times
# slower on two cores.
#
#   engine_start DIR     start dockerd under DIR, export DOCKER_HOST, wait until it answers
#   engine_stop          stop it (and with it every container it runs)

storage_driver() {  # dir -> overlay2 if an overlay mounts there, else vfs
    local probe="$1/overlay-probe"
    mkdir -p "$probe"/{lower,upper,work,merged}
    if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" \
        "$probe/merged" 2>/dev/null; then
        umount "$probe/merged"
        echo overlay2
    else
        echo vfs
    fi
    rm -rf "$probe"
}

engine_start() {
    local dir="$1" driver
    mkdir -p "$dir/data" "$dir/exec"
    driver="${CT_STORAGE_DRIVER:-$(storage_driver "$dir")}"
    export DOCKER_HOST="unix://$dir/docker.sock"
    ENGINE_DIR="$dir"
    dockerd --storage-driver="$driver" --iptables=false --ip-forward=false --ip-masq=false \
        --bridge=none --data-root="$dir/data" --exec-root="$dir/exec" \
        --pidfile="$dir/dockerd.pid" -H "$DOCKER_HOST" >"$dir/dockerd.log" 2>&1 &
    ENGINE_PID=$!
    local start=$SECONDS
    until docker version >/dev/null 2>&1; do
        if ! kill -0 "$ENGINE_PID" 2>/dev/null; then
            tail -n 30 "$dir/dockerd.log" >&2
            echo "[compose-test] dockerd exited during start-up" >&2
            return 1
        fi
        if ((SECONDS - start > 60)); then
            tail -n 30 "$dir/dockerd.log" >&2
            echo "[compose-test] dockerd did not answer in 60s" >&2
            return 1
        fi
        sleep 0.5
    done
}

engine_stop() {
    [[ -n "${ENGINE_PID:-}" ]] || return 0
    if kill -0 "$ENGINE_PID" 2>/dev/null; then
        kill -TERM "$ENGINE_PID"
        # dockerd stops its containers first (10 s grace each); give it time.
        for _ in $(seq 1 120); do
            kill -0 "$ENGINE_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$ENGINE_PID" 2>/dev/null && kill -KILL "$ENGINE_PID"
    fi
    wait "$ENGINE_PID" 2>/dev/null || true
    ENGINE_PID=
    # dockerd leaves its network namespace (exec/netns/default) mounted; unmount whatever is
    # left under the directory, deepest first, so that it can be deleted.
    awk -v dir="$ENGINE_DIR/" 'index($2, dir) == 1 {print $2}' /proc/mounts | sort -r \
        | while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
}
